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
	uint32_t ndense;    /* states 0 .. ndense-1 have full rows */
	uint32_t *delta;    /* ndense * ncls target states, or NULL when delta16 */
	uint16_t *delta16;  /* the same in half the space, when there are < 65536 states */
	uint8_t *reports;   /* bit per state: it reports some pattern */
	uint32_t *fail;     /* per state: failure link (sparse states) */
	uint32_t *first;    /* per state + 1: start of its children in ccls/ctgt */
	uint8_t *ccls;      /* child edge class */
	uint32_t *ctgt;     /* child edge target << 1 | target reports */
	uint32_t *out;      /* per state: index+1 into outs, 0: none */
	uint32_t *dict;     /* per state: nearest suffix state with output, 0: none */
	acout *outs;
	size_t nouts;
};

/* Bytes of full transition rows kept for the shallowest states. */
#define DENSE_BYTES (768u * 1024u)

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
	free(ac->delta16);
	free(ac->reports);
	free(ac->fail);
	free(ac->first);
	free(ac->ccls);
	free(ac->ctgt);
	free(ac->out);
	free(ac->dict);
	free(ac->outs);
	free(ac);
}

ms_ac *ms_ac_build(ms_ac_builder *b)
{
	ms_ac *ac = calloc(1, sizeof *ac);
	size_t total = 1;
	uint32_t *queue = NULL, *fail = NULL, *tparent = NULL;
	uint8_t *tcls = NULL;
	size_t qh = 0, qt = 0;

	if (!ac)
		goto fail;
	/* Alphabet classes. */
	ac->ncls = 1;
	for (size_t i = 0; i < b->n; i++) {
		total += b->pats[i].len;
		for (size_t j = 0; j < b->pats[i].len; j++) {
			uint8_t c = (uint8_t)b->pats[i].s[j];
			if (!ac->cls[c])
				ac->cls[c] = (uint8_t)ac->ncls++;
		}
	}
	if (ac->ncls > 256)
		goto fail;
	if (total * ac->ncls > UINT32_MAX / 2 || total > ((size_t)-1) / ac->ncls / sizeof(uint32_t))
		goto fail;
	ac->delta = calloc(total * ac->ncls, sizeof *ac->delta);
	ac->out = calloc(total, sizeof *ac->out);
	ac->dict = calloc(total, sizeof *ac->dict);
	ac->outs = calloc(b->n ? b->n : 1, sizeof *ac->outs);
	fail = calloc(total, sizeof *fail);
	queue = calloc(total, sizeof *queue);
	tparent = calloc(total, sizeof *tparent);
	tcls = calloc(total, 1);
	if (!ac->delta || !ac->out || !ac->dict || !ac->outs || !fail || !queue ||
	    !tparent || !tcls)
		goto fail;

	/* Trie.  State 0 is the root; a zero transition means "none yet". */
	ac->nstates = 1;
	for (size_t i = 0; i < b->n; i++) {
		uint32_t s = 0;
		acpat *p = &b->pats[i];

		for (size_t j = 0; j < p->len; j++) {
			uint32_t c = ac->cls[(uint8_t)p->s[j]];
			uint32_t *t = &ac->delta[(size_t)s * ac->ncls + c];
			if (!*t) {
				*t = ac->nstates++;
				tparent[*t] = s;
				tcls[*t] = (uint8_t)c;
			}
			s = *t;
		}
		ac->outs[ac->nouts] = (acout){ p->id, ac->out[s] };
		ac->out[s] = (uint32_t)++ac->nouts;
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
	/* Renumber the states in breadth-first order and keep full rows only for
	 * the shallow states, which a scan visits nearly all the time; deeper
	 * states keep their trie edges and failure link.  A full table for a
	 * large keyword set runs to megabytes and a scan then waits on memory
	 * at every byte; this form stays in the processor's caches. */
	{
		uint32_t *perm = calloc(ac->nstates, sizeof *perm);
		uint32_t *parent = calloc(ac->nstates, sizeof *parent);
		uint8_t *pcls = calloc(ac->nstates, 1);
		uint32_t *out2 = calloc(ac->nstates, sizeof *out2);
		uint32_t *dict2 = calloc(ac->nstates, sizeof *dict2);
		uint32_t *fail2 = calloc(ac->nstates, sizeof *fail2);
		uint32_t *delta2 = NULL, n = ac->nstates, k;

		if (!perm || !parent || !pcls || !out2 || !dict2 || !fail2)
			goto renum_fail;
		for (size_t q = 0; q < qt; q++)
			perm[queue[q]] = (uint32_t)q + 1;
		/* Trie edges, recorded when each state was created. */
		for (uint32_t old = 1; old < n; old++) {
			parent[perm[old]] = perm[tparent[old]] + 1; /* +1: 0 means none */
			pcls[perm[old]] = tcls[old];
		}
		for (uint32_t old = 0; old < n; old++) {
			out2[perm[old]] = ac->out[old];
			dict2[perm[old]] = ac->dict[old] ? perm[ac->dict[old]] : 0;
			fail2[perm[old]] = perm[fail[old]];
		}
		k = (uint32_t)(DENSE_BYTES / (ac->ncls * (n <= 65535 ? sizeof(uint16_t) : sizeof(uint32_t))));
		if (k < 1)
			k = 1;
		if (k > n)
			k = n;
		delta2 = malloc((size_t)k * ac->ncls * sizeof *delta2);
		ac->reports = calloc((size_t)n / 8 + 1, 1);
		ac->first = calloc((size_t)n + 1, sizeof *ac->first);
		ac->ccls = malloc(n ? n : 1);
		ac->ctgt = malloc((n ? n : 1) * sizeof *ac->ctgt);
		if (!delta2 || !ac->reports || !ac->first || !ac->ccls || !ac->ctgt)
			goto renum_fail;
		for (uint32_t t = 0; t < n; t++)
			if (out2[t] || dict2[t])
				ac->reports[t >> 3] |= (uint8_t)(1u << (t & 7));
		for (uint32_t old = 0; old < n; old++) {
			uint32_t nw = perm[old];
			if (nw >= k)
				continue;
			for (uint32_t c = 0; c < ac->ncls; c++) {
				uint32_t t = ac->delta[(size_t)old * ac->ncls + c];
				delta2[(size_t)nw * ac->ncls + c] = perm[t];
			}
		}
		/* Children in CSR form, grouped by parent (counting sort). */
		for (uint32_t t = 1; t < n; t++)
			if (parent[t])
				ac->first[parent[t] - 1 + 1]++;
		for (uint32_t s2 = 0; s2 < n; s2++)
			ac->first[s2 + 1] += ac->first[s2];
		{
			uint32_t *fill = calloc(n ? n : 1, sizeof *fill);
			if (!fill)
				goto renum_fail;
			for (uint32_t t = 1; t < n; t++) {
				uint32_t p2;
				if (!parent[t])
					continue;
				p2 = parent[t] - 1;
				ac->ccls[ac->first[p2] + fill[p2]] = pcls[t];
				ac->ctgt[ac->first[p2] + fill[p2]] = t;
				fill[p2]++;
			}
			free(fill);
		}
		free(ac->delta);
		free(ac->out);
		free(ac->dict);
		ac->delta = delta2;
		if (n <= 65535) {
			/* Row entries fit 16 bits: halve the table so that more of
			 * it stays in cache. */
			ac->delta16 = malloc((size_t)k * ac->ncls * sizeof *ac->delta16);
			if (!ac->delta16)
				goto renum_fail_late;
			for (size_t q = 0; q < (size_t)k * ac->ncls; q++)
				ac->delta16[q] = (uint16_t)delta2[q];
			free(ac->delta);
			ac->delta = NULL;
		}
		ac->out = out2;
		ac->dict = dict2;
		ac->fail = fail2;
		ac->ndense = k;
		free(perm);
		free(parent);
		free(pcls);
		goto renum_done;
renum_fail_late:
		free(perm);
		free(parent);
		free(pcls);
		goto fail;
renum_fail:
		free(perm);
		free(parent);
		free(pcls);
		free(out2);
		free(dict2);
		free(fail2);
		free(delta2);
		goto fail;
	}
renum_done:
	free(fail);
	free(queue);
	free(tparent);
	free(tcls);
	ms_ac_builder_free(b);
	return ac;
fail:
	free(fail);
	free(queue);
	free(tparent);
	free(tcls);
	ms_ac_free(ac);
	ms_ac_builder_free(b);
	return NULL;
}

/* One scan loop for either table width. */
#define AC_SCAN_LOOP(TABLE)                                                            \
	for (size_t i = 0; i < len; i++) {                                             \
		uint32_t c = cls[text[i]];                                             \
		for (;;) {                                                             \
			if (s < ndense) {                                              \
				s = (TABLE)[(size_t)s * ncls + c];                     \
				break;                                                 \
			}                                                              \
			{                                                              \
				uint32_t j = ac->first[s], e = ac->first[s + 1];      \
				while (j < e && ac->ccls[j] != c)                      \
					j++;                                           \
				if (j < e) {                                           \
					s = ac->ctgt[j];                               \
					break;                                         \
				}                                                      \
			}                                                              \
			s = ac->fail[s];                                               \
		}                                                                      \
		if (ac->reports[s >> 3] & (1u << (s & 7))) {                          \
			uint32_t t = ac->out[s] ? s : ac->dict[s];                     \
			while (t) {                                                    \
				for (uint32_t o = ac->out[t]; o; o = ac->outs[o - 1].next) \
					fn(ctx, ac->outs[o - 1].id, i + 1);            \
				t = ac->dict[t];                                       \
			}                                                              \
		}                                                                      \
	}

void ms_ac_scan(const ms_ac *ac, const unsigned char *text, size_t len, ms_ac_hit_fn fn,
		void *ctx)
{
	const uint8_t *cls = ac->cls;
	uint32_t s = 0, ncls = ac->ncls, ndense = ac->ndense;

	if (!ac->nouts)
		return;
	if (ac->delta16)
		AC_SCAN_LOOP(ac->delta16)
	else
		AC_SCAN_LOOP(ac->delta)
}
