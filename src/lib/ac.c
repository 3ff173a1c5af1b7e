/* Aho-Corasick automaton over bytes, compiled to a dense transition table on
 * a compressed alphabet (only the bytes that occur in some pattern get a
 * column of their own; every other byte shares column 0).  One pass over a
 * text reports every occurrence of every pattern. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct acpat {
	char *s;
	size_t len;
	uint32_t id;
} acpat;

struct ms_ac_builder {
	acpat *pats;
	size_t n, cap;
};

typedef struct acout {
	uint32_t id;
	uint32_t next;   /* index+1 of next output of the same state, 0: none */
} acout;

struct ms_ac {
	uint8_t cls[256];
	uint32_t ncls;
	uint32_t nstates;
	uint32_t *delta;    /* nstates * ncls */
	uint32_t *out;      /* per state: index+1 into outs, 0: none */
	uint32_t *dict;     /* per state: nearest suffix state with output, 0: none */
	acout *outs;
	size_t nouts;
	size_t *plen;       /* pattern length by id */
	size_t nplen;
};

ms_ac_builder *ms_ac_builder_new(void)
{
	return calloc(1, sizeof(ms_ac_builder));
}

void ms_ac_builder_free(ms_ac_builder *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->pats[i].s);
	free(b->pats);
	free(b);
}

int ms_ac_builder_add(ms_ac_builder *b, const char *pat, size_t len, uint32_t id)
{
	char *copy;

	if (len == 0)
		return -1;
	if (ms_grow(&b->pats, &b->cap, b->n + 1, sizeof *b->pats))
		return -1;
	copy = ms_strndup(pat, len);
	if (!copy)
		return -1;
	b->pats[b->n++] = (acpat){ copy, len, id };
	return 0;
}

void ms_ac_free(ms_ac *ac)
{
	if (!ac)
		return;
	free(ac->delta);
	free(ac->out);
	free(ac->dict);
	free(ac->outs);
	free(ac->plen);
	free(ac);
}

size_t ms_ac_pattern_len(const ms_ac *ac, uint32_t id)
{
	return id < ac->nplen ? ac->plen[id] : 0;
}

ms_ac *ms_ac_build(ms_ac_builder *b)
{
	ms_ac *ac = calloc(1, sizeof *ac);
	size_t total = 1, maxid = 0;
	uint32_t *queue = NULL, *fail = NULL;
	size_t qh = 0, qt = 0;

	if (!ac)
		goto fail;
	/* Alphabet classes. */
	ac->ncls = 1;
	for (size_t i = 0; i < b->n; i++) {
		total += b->pats[i].len;
		if (b->pats[i].id > maxid)
			maxid = b->pats[i].id;
		for (size_t j = 0; j < b->pats[i].len; j++) {
			uint8_t c = (uint8_t)b->pats[i].s[j];
			if (!ac->cls[c])
				ac->cls[c] = (uint8_t)ac->ncls++;
		}
	}
	if (ac->ncls > 256)
		goto fail;
	if (total > UINT32_MAX / 2 || total > ((size_t)-1) / ac->ncls / sizeof(uint32_t))
		goto fail;
	ac->delta = calloc(total * ac->ncls, sizeof *ac->delta);
	ac->out = calloc(total, sizeof *ac->out);
	ac->dict = calloc(total, sizeof *ac->dict);
	ac->outs = calloc(b->n ? b->n : 1, sizeof *ac->outs);
	ac->nplen = b->n ? maxid + 1 : 0;
	ac->plen = calloc(ac->nplen ? ac->nplen : 1, sizeof *ac->plen);
	fail = calloc(total, sizeof *fail);
	queue = calloc(total, sizeof *queue);
	if (!ac->delta || !ac->out || !ac->dict || !ac->outs || !ac->plen || !fail || !queue)
		goto fail;

	/* Trie.  State 0 is the root; a zero transition means "none yet". */
	ac->nstates = 1;
	for (size_t i = 0; i < b->n; i++) {
		uint32_t s = 0;
		acpat *p = &b->pats[i];

		for (size_t j = 0; j < p->len; j++) {
			uint32_t c = ac->cls[(uint8_t)p->s[j]];
			uint32_t *t = &ac->delta[(size_t)s * ac->ncls + c];
			if (!*t)
				*t = ac->nstates++;
			s = *t;
		}
		ac->outs[ac->nouts] = (acout){ p->id, ac->out[s] };
		ac->out[s] = (uint32_t)++ac->nouts;
		ac->plen[p->id] = p->len;
	}

	/* Breadth-first: failure links, dictionary links, and the full DFA. */
	for (uint32_t c = 0; c < ac->ncls; c++) {
		uint32_t t = ac->delta[c];
		if (t) {
			fail[t] = 0;
			queue[qt++] = t;
		}
	}
	while (qh < qt) {
		uint32_t s = queue[qh++];

		ac->dict[s] = ac->out[fail[s]] ? fail[s] : ac->dict[fail[s]];
		for (uint32_t c = 0; c < ac->ncls; c++) {
			uint32_t *t = &ac->delta[(size_t)s * ac->ncls + c];
			uint32_t f = ac->delta[(size_t)fail[s] * ac->ncls + c];
			if (*t) {
				fail[*t] = f;
				queue[qt++] = *t;
			} else {
				*t = f;
			}
		}
	}
	free(fail);
	free(queue);
	ms_ac_builder_free(b);
	return ac;
fail:
	free(fail);
	free(queue);
	ms_ac_free(ac);
	ms_ac_builder_free(b);
	return NULL;
}

void ms_ac_scan(const ms_ac *ac, const unsigned char *text, size_t len, ms_ac_hit_fn fn,
		void *ctx)
{
	const uint32_t *delta = ac->delta;
	const uint8_t *cls = ac->cls;
	uint32_t ncls = ac->ncls, s = 0;

	if (!ac->nouts)
		return;
	for (size_t i = 0; i < len; i++) {
		s = delta[(size_t)s * ncls + cls[text[i]]];
		if (ac->out[s] || ac->dict[s]) {
			uint32_t t = ac->out[s] ? s : ac->dict[s];
			while (t) {
				for (uint32_t o = ac->out[t]; o; o = ac->outs[o - 1].next)
					fn(ctx, ac->outs[o - 1].id, i + 1);
				t = ac->dict[t];
			}
		}
	}
}
