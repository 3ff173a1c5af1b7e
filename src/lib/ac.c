/* Aho-Corasick automaton over bytes, compiled to a dense transition table on
 * a compressed alphabet (the bytes that occur in many patterns get a column
 * of their own, the rarer ones share a few, with the patterns that hold them
 * compared where reported; every other byte shares column 0).  One pass
 * over a text reports every occurrence of every pattern.
 *
 * The trie holds only the first `prefix` bytes of each pattern; the rest of
 * a longer pattern is compared where its head was found.  Rule packs list
 * thousands of long phrases that share their first words, and a trie of
 * heads is several times smaller: its full rows then stay in cache, which
 * matters more than the comparisons it adds. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct acpat {
	char *s;
	size_t len;
	uint32_t id;
	uint8_t word_start; /* reported only where no word byte (word[]) precedes it */
} acpat;

struct ms_ac_builder {
	acpat *pats;
	size_t n, cap;
	uint8_t word[256];  /* bytes that keep a word_start entry from being reported */
};

typedef struct acout {
	uint32_t id;
	uint32_t next;   /* index+1 of next output of the same state, 0: none */
	uint32_t toff;   /* the pattern's tail (what the trie does not hold) */
	uint32_t tlen;   /* in tails; 0: the trie holds all of it */
	uint8_t hlen;    /* bytes of its head (in the trie) */
	uint8_t verify;  /* its head has a byte of a shared class: compared, */
			 /* from its copy just before the tail */
	uint8_t word_start; /* as in acpat */
} acout;

struct ms_ac {
	uint8_t cls[256];
	uint8_t shared[256];  /* the byte's class is a shared one */
	uint8_t word[256];    /* as in the builder */
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
	char *tails;        /* the patterns' bytes beyond the trie's (while built) */
	size_t maxlen;      /* of the longest pattern head in the trie */
	/* What a reporting state reports, its own outputs then those of its
	 * dictionary suffixes, in one block at rep + rep_off[s]: their count,
	 * their acflat entries, then the bytes the entries compare (each
	 * tail, after the head where the head is verified).  A report then
	 * reads one place, mostly a cache line or two, instead of following
	 * links through several arrays, each step a likely cache miss. */
	uint32_t *rep_off;
	uint32_t *rep;
};

typedef struct acflat {
	uint32_t id;
	uint32_t toff;      /* the tail (what the trie does not hold), in bytes from rep */
	uint32_t tlen;      /* 0: the trie holds all of the pattern */
	uint8_t t0;         /* the tail's first byte, compared before the tail is read */
	uint8_t hlen, verify; /* as in acout; a verified head lies just before the tail */
	uint8_t word_start;   /* as in acout */
} acflat;               /* 16 bytes: four words of a block */
#define FLAT_WORDS (sizeof(acflat) / sizeof(uint32_t))

/* Bytes with a class of their own: letters, digits, the space, and any
 * other byte that at least this many patterns' heads hold.  The rest of the
 * bytes that patterns hold (rare punctuation, most bytes of non-ASCII
 * characters: 62 of the 109 in the default pack, in under 1% of its
 * patterns) share three classes (ASCII, UTF-8 lead bytes, continuation
 * bytes), which makes each row of the table half as wide (51 classes
 * instead of 110); a pattern whose head has one of them is compared where
 * the automaton reports it.  Lead and continuation bytes are kept apart so
 * that a text of emoji or CJK characters does not follow the paths of
 * every non-ASCII pattern at once. */
#define OWN_CLASS_MIN 8

/* Bytes of full transition rows at most: every state of the default pack
 * gets one (some 2 MiB); much larger sets keep rows for their shallowest
 * states, where a scan spends nearly all its time. */
#define DENSE_BYTES (8u * 1024u * 1024u)

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
	return ms_ac_builder_add_word(b, pat, len, id, 0);
}

void ms_ac_builder_word_bytes(ms_ac_builder *b, int (*is_word)(unsigned char))
{
	for (int c = 0; c < 256; c++)
		b->word[c] = (uint8_t)(is_word((unsigned char)c) != 0);
}

int ms_ac_builder_add_word(ms_ac_builder *b, const char *pat, size_t len, uint32_t id,
			   int word_start)
{
	char *copy;

	if (len == 0)
		return -1;
	if (ms_grow(&b->pats, &b->cap, b->n + 1, sizeof *b->pats))
		return -1;
	copy = ms_strndup(pat, len);
	if (!copy)
		return -1;
	b->pats[b->n++] = (acpat){ copy, len, id, (uint8_t)(word_start != 0) };
	return 0;
}

void ms_achits_free(ms_achits *h)
{
	free(h->a.v);
	for (int j = 0; j < AC_STREAMS - 1; j++)
		free(h->more[j].v);
	free(h->pend);
	memset(h, 0, sizeof *h);
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
	free(ac->tails);
	free(ac->rep_off);
	free(ac->rep);
	free(ac);
}

/* The report blocks (see rep_off); -1 when memory runs out. */
static int flatten_reports(ms_ac *ac)
{
	size_t words = 0;

	ac->rep_off = calloc((size_t)ac->nstates + 1, sizeof *ac->rep_off);
	if (!ac->rep_off)
		return -1;
	for (int pass = 0; pass < 2; pass++) {
		size_t w = 0;

		for (uint32_t s = 0; s < ac->nstates; s++) {
			uint32_t t = ac->out[s] ? s : ac->dict[s];
			size_t n = 0, bytes = 0, k = 0;
			acflat *f;
			char *at;

			if (!t)
				continue;
			for (uint32_t u = t; u; u = ac->dict[u])
				for (uint32_t o = ac->out[u]; o; o = ac->outs[o - 1].next) {
					n++;
					bytes += ac->outs[o - 1].tlen +
						 (ac->outs[o - 1].verify ? ac->outs[o - 1].hlen : 0);
				}
			if (pass) {
				ac->rep_off[s] = (uint32_t)w;
				ac->rep[w] = (uint32_t)n;
				f = (acflat *)(ac->rep + w + 1);
				at = (char *)(ac->rep + w + 1 + n * FLAT_WORDS);
				for (uint32_t u = t; u; u = ac->dict[u])
					for (uint32_t o = ac->out[u]; o; o = ac->outs[o - 1].next) {
						const acout *po = &ac->outs[o - 1];

						if (po->verify) {
							memcpy(at, ac->tails + po->toff - po->hlen, po->hlen);
							at += po->hlen;
						}
						memcpy(at, ac->tails + po->toff, po->tlen);
						f[k++] = (acflat){ po->id, (uint32_t)(at - (char *)ac->rep),
								   po->tlen,
								   po->tlen ? (uint8_t)*at : 0,
								   po->hlen, po->verify, po->word_start };
						at += po->tlen;
					}
			}
			w += 1 + n * FLAT_WORDS + (bytes + 3) / 4;
			/* Offsets, in words and in bytes, fit 32 bits. */
			if (w > UINT32_MAX / 4)
				return -1;
		}
		words = w;
		if (!pass && !(ac->rep = calloc(words ? words : 1, sizeof *ac->rep)))
			return -1;
	}
	/* The tails live on in the blocks. */
	free(ac->tails);
	ac->tails = NULL;
	return 0;
}

static uint32_t trie_child(const uint32_t *child, const uint32_t *sib, const uint8_t *ecls,
			   uint32_t s, uint32_t c)
{
	for (uint32_t t = child[s]; t; t = sib[t])
		if (ecls[t] == c)
			return t;
	return 0;
}

static uint32_t sparse_step(const ms_ac *ac, uint32_t s, uint32_t c);

/* The trie is built with child lists, then renumbered breadth-first.  Full
 * transition rows go to as many states as DENSE_BYTES allows, shallowest
 * first (every state of the default pack); the states beyond keep their
 * trie edges and failure link, so that a very large keyword set does not
 * take tens of megabytes of table. */

ms_ac *ms_ac_build(ms_ac_builder *b)
{
	return ms_ac_build_opts(b, DENSE_BYTES, AC_PREFIX);
}

ms_ac *ms_ac_build_rows(ms_ac_builder *b, size_t row_bytes)
{
	return ms_ac_build_opts(b, row_bytes, AC_PREFIX);
}

ms_ac *ms_ac_build_opts(ms_ac_builder *b, size_t row_bytes, size_t prefix)
{
	ms_ac *ac = calloc(1, sizeof *ac);
	size_t total = 1, ntail = 0;
	uint32_t *child = NULL, *sib = NULL, *queue = NULL, *perm = NULL, *out = NULL;
	uint32_t root[256] = { 0 }; /* the root's children by class: it has the most */
	uint8_t *ecls = NULL;
	uint32_t n = 1, k, qt = 0;
	size_t width;

	if (!ac)
		goto fail;
	memcpy(ac->word, b->word, sizeof ac->word);
	/* Alphabet classes: the bytes that occur in some pattern's head, each
	 * its own or one of three shared ones (OWN_CLASS_MIN). */
	if (prefix < 1)
		prefix = 1;
	if (prefix > 255)
		prefix = 255; /* a head's length is kept in a byte */
	{
		size_t uses[256] = { 0 }, last[256] = { 0 }; /* last: pattern + 1 that counted it */
		uint8_t shared_lo = 0, shared_hi = 0, shared_lead = 0;

		for (size_t i = 0; i < b->n; i++) {
			size_t head = b->pats[i].len < prefix ? b->pats[i].len : prefix;

			for (size_t j = 0; j < head; j++) {
				uint8_t c = (uint8_t)b->pats[i].s[j];
				if (last[c] != i + 1) {
					last[c] = i + 1;
					uses[c]++;
				}
			}
		}
		/* The classes of the bytes of running text come first, so that a
		 * row's entries for them lie together (in a cache line or two):
		 * the space, the letters and the commonest punctuation. */
		static const char first[] = " abcdefghijklmnopqrstuvwxyz'.,-";
		int order[256], no = 0;
		uint8_t listed[256] = { 0 };

		for (const char *f = first; *f; f++) {
			order[no++] = (unsigned char)*f;
			listed[(unsigned char)*f] = 1;
		}
		for (int c = 0; c < 256; c++)
			if (!listed[c])
				order[no++] = c;
		ac->ncls = 1;
		for (int o = 0; o < 256; o++) {
			int c = order[o];

			if (!uses[c])
				continue;
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == ' ' || uses[c] >= OWN_CLASS_MIN) {
				ac->cls[c] = (uint8_t)ac->ncls++;
			} else if (c < 0x80) {
				if (!shared_lo)
					shared_lo = (uint8_t)ac->ncls++;
				ac->cls[c] = shared_lo;
				ac->shared[c] = 1;
			} else if (c < 0xC0) {
				if (!shared_hi)
					shared_hi = (uint8_t)ac->ncls++;
				ac->cls[c] = shared_hi;
				ac->shared[c] = 1;
			} else {
				if (!shared_lead)
					shared_lead = (uint8_t)ac->ncls++;
				ac->cls[c] = shared_lead;
				ac->shared[c] = 1;
			}
		}
	}
	for (size_t i = 0; i < b->n; i++) {
		size_t head = b->pats[i].len < prefix ? b->pats[i].len : prefix;
		int verify = 0;

		for (size_t j = 0; j < head; j++)
			verify |= ac->shared[(uint8_t)b->pats[i].s[j]];
		total += head;
		ntail += b->pats[i].len - head + (verify ? head : 0);
		if (head > ac->maxlen)
			ac->maxlen = head;
	}
	if (ac->ncls > 256 || total > UINT32_MAX / 2 || ntail > UINT32_MAX / 2)
		goto fail;
	ac->tails = malloc(ntail ? ntail : 1);
	if (!ac->tails)
		goto fail;
	child = calloc(total, sizeof *child);
	sib = calloc(total, sizeof *sib);
	ecls = calloc(total, 1);
	out = calloc(total, sizeof *out);
	ac->outs = calloc(b->n ? b->n : 1, sizeof *ac->outs);
	if (!child || !sib || !ecls || !out || !ac->outs)
		goto fail;

	/* Trie of the heads; state 0 is the root. */
	ntail = 0;
	for (size_t i = 0; i < b->n; i++) {
		uint32_t s = 0;
		acpat *p = &b->pats[i];
		size_t head = p->len < prefix ? p->len : prefix;
		int verify = 0;

		for (size_t j = 0; j < head; j++) {
			uint32_t c = ac->cls[(uint8_t)p->s[j]];
			uint32_t t = s ? trie_child(child, sib, ecls, s, c) : root[c];

			verify |= ac->shared[(uint8_t)p->s[j]];
			if (!t) {
				t = n++;
				ecls[t] = (uint8_t)c;
				sib[t] = child[s];
				child[s] = t;
				if (!s)
					root[c] = t;
			}
			s = t;
		}
		if (verify) {
			/* The head, just before the tail. */
			memcpy(ac->tails + ntail, p->s, head);
			ntail += head;
		}
		ac->outs[ac->nouts] = (acout){ p->id, out[s], (uint32_t)ntail,
					       (uint32_t)(p->len - head), (uint8_t)head,
					       (uint8_t)verify, p->word_start };
		memcpy(ac->tails + ntail, p->s + head, p->len - head);
		ntail += p->len - head;
		out[s] = (uint32_t)++ac->nouts;
	}

	/* Breadth-first numbering: parents before children, shallow first. */
	queue = calloc(n, sizeof *queue);
	perm = calloc(n, sizeof *perm);
	if (!queue || !perm)
		goto fail;
	queue[qt++] = 0;
	for (uint32_t qh = 0; qh < qt; qh++) {
		uint32_t s = queue[qh];

		perm[s] = qh;
		for (uint32_t t = child[s]; t; t = sib[t])
			queue[qt++] = t;
	}

	/* Scanning tables in the new numbering. */
	width = n <= 65535 ? sizeof(uint16_t) : sizeof(uint32_t);
	k = (uint32_t)(row_bytes / (ac->ncls * width));
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	ac->nstates = n;
	ac->ndense = k;
	ac->out = calloc(n, sizeof *ac->out);
	ac->dict = calloc(n, sizeof *ac->dict);
	ac->fail = calloc(n, sizeof *ac->fail);
	ac->reports = calloc((size_t)n / 8 + 1, 1);
	ac->first = calloc((size_t)n + 1, sizeof *ac->first);
	ac->ccls = malloc(n);
	ac->ctgt = malloc((size_t)n * sizeof *ac->ctgt);
	if (width == sizeof(uint16_t))
		ac->delta16 = malloc((size_t)k * ac->ncls * sizeof *ac->delta16);
	else
		ac->delta = malloc((size_t)k * ac->ncls * sizeof *ac->delta);
	if (!ac->out || !ac->dict || !ac->fail || !ac->reports || !ac->first || !ac->ccls ||
	    !ac->ctgt || (!ac->delta && !ac->delta16))
		goto fail;
	/* Outputs, and children grouped by parent, in the new numbering. */
	for (uint32_t q = 0, e = 0; q < n; q++) {
		uint32_t s = queue[q];
		ac->out[q] = out[s];
		ac->first[q] = e;
		for (uint32_t t = child[s]; t; t = sib[t]) {
			ac->ccls[e] = ecls[t];
			ac->ctgt[e] = perm[t];
			e++;
		}
		ac->first[q + 1] = e;
	}
	/* In breadth-first order: a state's full row is its failure state's
	 * row (shallower, so done) with its own edges written over it; the
	 * failure link of a child by class c is where the parent's failure
	 * state goes on c, read off that row (or found by following edges
	 * and failure links from a state without one).  Entries fit 16 bits
	 * when there are fewer than 65536 states, which halves the table and
	 * keeps more of it in cache. */
	for (uint32_t q = 0; q < n; q++) {
		uint32_t fq = ac->fail[q];

		if (q < k) {
			if (ac->delta16) {
				uint16_t *row = &ac->delta16[(size_t)q * ac->ncls];
				if (q)
					memcpy(row, &ac->delta16[(size_t)fq * ac->ncls], ac->ncls * sizeof *row);
				else
					memset(row, 0, ac->ncls * sizeof *row);
				for (uint32_t e = ac->first[q]; e < ac->first[q + 1]; e++)
					row[ac->ccls[e]] = (uint16_t)ac->ctgt[e];
			} else {
				uint32_t *row = &ac->delta[(size_t)q * ac->ncls];
				if (q)
					memcpy(row, &ac->delta[(size_t)fq * ac->ncls], ac->ncls * sizeof *row);
				else
					memset(row, 0, ac->ncls * sizeof *row);
				for (uint32_t e = ac->first[q]; e < ac->first[q + 1]; e++)
					row[ac->ccls[e]] = ac->ctgt[e];
			}
		}
		for (uint32_t e = ac->first[q]; e < ac->first[q + 1]; e++) {
			uint32_t t = ac->ctgt[e], f = 0, c = ac->ccls[e];

			if (q) {
				if (fq < k)
					f = ac->delta16 ? ac->delta16[(size_t)fq * ac->ncls + c]
							: ac->delta[(size_t)fq * ac->ncls + c];
				else
					f = sparse_step(ac, fq, c);
			}
			ac->fail[t] = f;
			ac->dict[t] = ac->out[f] ? f : ac->dict[f];
			if (ac->out[t] || ac->dict[t])
				ac->reports[t >> 3] |= (uint8_t)(1u << (t & 7));
		}
	}
	if (flatten_reports(ac))
		goto fail;
	free(child);
	free(sib);
	free(ecls);
	free(out);
	free(queue);
	free(perm);
	ms_ac_builder_free(b);
	return ac;
fail:
	free(child);
	free(sib);
	free(ecls);
	free(out);
	free(queue);
	free(perm);
	ms_ac_free(ac);
	ms_ac_builder_free(b);
	return NULL;
}

/* The transition from a state that has no full row: its trie edges, else
 * the same question for its failure state, until a state with a row. */
static uint32_t sparse_step(const ms_ac *ac, uint32_t s, uint32_t c)
{
	for (;;) {
		uint32_t j = ac->first[s], e = ac->first[s + 1];

		while (j < e && ac->ccls[j] != c)
			j++;
		if (j < e)
			return ac->ctgt[j];
		s = ac->fail[s];
		if (s < ac->ndense)
			return ac->delta16 ? ac->delta16[(size_t)s * ac->ncls + c]
					   : ac->delta[(size_t)s * ac->ncls + c];
	}
}

/* Does the text differ from a pattern's tail?  Heads are shared ("medical "
 * begins dozens of phrases), so a head's end is where many tails are
 * compared, most of them short and most differing at once: compared here,
 * eight bytes at a time, rather than by a call for each. */
static inline int tail_differs(const unsigned char *t, const char *tail, size_t n)
{
	if ((unsigned char)*tail != *t)
		return 1;
	for (; n >= 8; n -= 8, t += 8, tail += 8) {
		uint64_t x, y;
		memcpy(&x, t, 8);
		memcpy(&y, tail, 8);
		if (x != y)
			return 1;
	}
	for (; n > 0; n--)
		if ((unsigned char)*tail++ != *t++)
			return 1;
	return 0;
}

/* The patterns whose heads end at `end`, each once its tail is there too:
 * those of the report block at rep + off. */
static int push_hits(const ms_ac *ac, ms_achitbuf *b, uint32_t off, const unsigned char *text,
		     size_t len, size_t end)
{
	const uint32_t *blk = ac->rep + off;
	const acflat *f = (const acflat *)(blk + 1), *e = f + blk[0];
	const char *bytes = (const char *)ac->rep;

	for (; f < e; f++) {
		if (f->tlen && (f->tlen > len - end || f->t0 != text[end] ||
				tail_differs(text + end, bytes + f->toff, f->tlen)))
			continue;
		if (f->verify && memcmp(text + end - f->hlen, bytes + f->toff - f->hlen, f->hlen))
			continue;
		if (f->word_start && end > f->hlen && ac->word[text[end - f->hlen - 1]])
			continue;
		if (b->n == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 256;
			ms_achit *v = realloc(b->v, cap * sizeof *v);
			if (!v)
				return -1;
			b->v = v;
			b->cap = cap;
		}
		b->v[b->n++] = (ms_achit){ f->id, (uint32_t)(end - f->hlen) };
	}
	return 0;
}

/* 1 when state s reports, else 0. */
#define AC_REPORTS(ac, s) (((ac)->reports[(s) >> 3] >> ((s) & 7)) & 1u)

/* Four streams through the part (from, to] of the text at once, one per
 * quarter.  A stream starts far enough before its quarter that every head
 * ending in the quarter starts after the stream does, and reports only the
 * heads that end in its quarter.  The four chains of dependent table loads
 * overlap, which is most of the gain when loads, not instructions, set the
 * pace.  All streams take the same number of steps, that of the last one
 * (the longest: the others start no later and end earlier), and never read
 * past `to`; tails, checked where a head ends, may read up to len.
 *
 * The steps only note where a stream reaches a reporting state (each
 * writes its state and step, and the count grows by one when the state
 * reports): no branch, so nothing to mispredict and no load chain cut
 * short.  The notes are read afterwards, each state's report block looked
 * up first, for all of them (loads that do not wait on each other), then
 * the blocks read in order, the one a few notes on fetched meanwhile. */
#define AC_STEP(TABLE, s, c) \
	((s) < ndense ? (TABLE)[(size_t)(s) * ncls + (c)] : sparse_step(ac, (s), (c)))

#define AC_NOTE(j, sj) \
	do { \
		p##j[2 * n##j] = (sj); \
		p##j[2 * n##j + 1] = (uint32_t)k; \
		n##j += AC_REPORTS(ac, sj); \
	} while (0)

#define AC_SCAN4(TABLE)                                                                \
	do {                                                                           \
		for (size_t k = 0; k < n; k++) {                                       \
			uint32_t c0 = cls[t0[k]], c1 = cls[t1[k]];                      \
			uint32_t c2 = cls[t2[k]], c3 = cls[t3[k]];                      \
			s0 = AC_STEP(TABLE, s0, c0);                                    \
			s1 = AC_STEP(TABLE, s1, c1);                                    \
			s2 = AC_STEP(TABLE, s2, c2);                                    \
			s3 = AC_STEP(TABLE, s3, c3);                                    \
			AC_NOTE(0, s0);                                                 \
			AC_NOTE(1, s1);                                                 \
			AC_NOTE(2, s2);                                                 \
			AC_NOTE(3, s3);                                                 \
		}                                                                       \
	} while (0)

/* How far ahead of the note being read the next report block is fetched. */
#define AC_AHEAD 4

_Static_assert(AC_STREAMS == 4, "ms_ac_scan_part() is written for four streams");

int ms_ac_scan_part(const ms_ac *ac, const unsigned char *text, size_t len, size_t from,
		    size_t to, ms_achits *h)
{
	const uint8_t *cls = ac->cls;
	uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0, ncls = ac->ncls, ndense = ac->ndense;
	size_t back = ac->maxlen ? ac->maxlen - 1 : 0;
	/* Quarter ends; the last quarter takes the remainder, so it is the
	 * longest, which the step count relies on. */
	size_t quarter = (to - from) / 4;
	size_t q[AC_STREAMS + 1] = { from, from + quarter, from + 2 * quarter, from + 3 * quarter,
				     (size_t)-1 };
	size_t st[AC_STREAMS];
	size_t n, n0 = 0, n1 = 0, n2 = 0, n3 = 0, np[AC_STREAMS];
	const unsigned char *t0, *t1, *t2, *t3;
	uint32_t *p0, *p1, *p2, *p3, *pp[AC_STREAMS];

	h->a.n = 0;
	for (int j = 0; j < AC_STREAMS - 1; j++)
		h->more[j].n = 0;
	if (!ac->nouts || to <= from)
		return 0;
	for (int j = 0; j < AC_STREAMS; j++)
		st[j] = q[j] > back ? q[j] - back : 0;
	n = to - st[3];
	/* Room for a note at every step (and one written past the last). */
	if (h->cappend < AC_STREAMS * 2 * (n + 1)) {
		size_t cap = AC_STREAMS * 2 * (n + 1);
		uint32_t *v = realloc(h->pend, cap * sizeof *v);

		if (!v)
			return -1;
		h->pend = v;
		h->cappend = cap;
	}
	for (int j = 0; j < AC_STREAMS; j++)
		pp[j] = h->pend + (size_t)j * 2 * (n + 1);
	p0 = pp[0], p1 = pp[1], p2 = pp[2], p3 = pp[3];
	t0 = text + st[0], t1 = text + st[1], t2 = text + st[2], t3 = text + st[3];
	if (ac->delta16)
		AC_SCAN4(ac->delta16);
	else
		AC_SCAN4(ac->delta);
	np[0] = n0, np[1] = n1, np[2] = n2, np[3] = n3;
	for (int j = 0; j < AC_STREAMS; j++) {
		uint32_t *p = pp[j];

		for (size_t i = 0; i < np[j]; i++)
			p[2 * i] = ac->rep_off[p[2 * i]];
	}
	for (int j = 0; j < AC_STREAMS; j++) {
		ms_achitbuf *b = j ? &h->more[j - 1] : &h->a;
		const uint32_t *p = pp[j];

		for (size_t i = 0; i < np[j]; i++) {
			size_t end = st[j] + p[2 * i + 1] + 1;

			if (i + AC_AHEAD < np[j])
				__builtin_prefetch(ac->rep + p[2 * (i + AC_AHEAD)]);
			if (end > q[j] && end <= q[j + 1] && push_hits(ac, b, p[2 * i], text, len, end))
				return -1;
		}
	}
	return 0;
}

int ms_ac_scan_streams(const ms_ac *ac, const unsigned char *text, size_t len, ms_achits *h)
{
	return ms_ac_scan_part(ac, text, len, 0, len, h);
}

int ms_ac_scan(const ms_ac *ac, const unsigned char *text, size_t len, ms_achits *h)
{
	if (ms_ac_scan_streams(ac, text, len, h))
		return -1;
	/* The later quarters' hits follow the first's: all in order of where
	 * their heads end. */
	for (int j = 0; j < AC_STREAMS - 1; j++) {
		ms_achitbuf *m = &h->more[j];

		if (!m->n)
			continue;
		if (h->a.n + m->n > h->a.cap) {
			ms_achit *v = realloc(h->a.v, (h->a.n + m->n) * sizeof *v);
			if (!v)
				return -1;
			h->a.v = v;
			h->a.cap = h->a.n + m->n;
		}
		memcpy(h->a.v + h->a.n, m->v, m->n * sizeof *h->a.v);
		h->a.n += m->n;
	}
	return 0;
}
