/* Required literals of a regex, for the prefilter.
 *
 * For a pattern we look for a set of strings such that every match contains
 * at least one of them: the keyword automaton then finds where those strings
 * occur, and the regex runs only there.  A set beats a single string: the
 * pattern "\b(?:black|white|older) patients" requires "black patients",
 * "white patients" or "older patients", which are rare, where the longest
 * single literal, "patients", is in almost every medical answer.
 *
 * The analysis walks the pattern once.  Each item gets its exact set (every
 * string it can match, when that is small and known) and a required set.  In
 * a sequence, exact sets multiply into runs; a run, or an item's own required
 * set, is a candidate; an alternation's required set is the union of its
 * branches' sets.  Strings are normalised like keywords (ASCII lower case,
 * white space collapsed, curly apostrophes folded), because the automaton
 * runs on the normalised text.  Anything not understood is treated as
 * matching unknown text, which only ever loses candidates, never adds a
 * wrong one.
 *
 * Every item of the outermost sequence is required, so each of its
 * candidates is a required set in its own right: "\bdata (?:on \w+ )?is
 * (?:limited|scarce)" needs "data" and one of "limited", "scarce".  The best
 * set comes first; a few more are kept, so that a text lacking any of them
 * is skipped, and the scanner puts its windows around the set that occurs
 * least in the text at hand. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SET_MAX 128       /* strings in a set */
#define CROSS_MAX 64      /* strings in a set made by concatenation */
#define STR_MAX 64        /* bytes in a string */
#define MIN_QUALITY 3     /* shortest string of a useful required set, or 2 when */
				/* no string is a common pair of letters (see usable) */
#define MIN_EXTRA_SCORE 2 /* the same, for the further sets of a regex (see score) */

/* A set's strings live in one block of fixed slots, each NUL-terminated
 * with its length in the slot's last byte: no allocation per string, and
 * duplicates are found by length first. */
typedef char sslot[STR_MAX + 2];
#define SLEN(set, i) ((size_t)(unsigned char)(set)->s[i][STR_MAX + 1])

typedef struct sset {
	sslot *s;
	size_t n, cap;
	int known;        /* 0: unknown (too large, or not literal) */
	size_t q1, sc1;   /* quality() and score() plus one, once computed; 0: not yet */
} sset;

typedef struct cand {
	sset set;
	const char *pos;  /* top-level pattern position bounding the strings' start */
	int at_start;     /* the strings start where the item that holds them starts */
} cand;

#define TOP_MAX 16        /* required sets kept from the top-level sequence */

typedef struct lctx {
	const char *pattern;
	int bail;         /* something is not understood at all */
	int depth;
	cand top[TOP_MAX]; /* every required set of the top-level sequence */
	size_t ntop;
} lctx;

/* Sets are built and dropped by the thousand while a pattern is analysed:
 * their blocks come from an arena, released in one go at the end.  One
 * arena per thread, so that patterns can be analysed in parallel. */
#define ARENA_CHUNK (64u * 1024u)

typedef struct chunk {
	struct chunk *next;
	size_t used, size;
	unsigned char data[];
} chunk;

static _Thread_local chunk *arena;

static void *arena_alloc(size_t n)
{
	void *p;

	if (!arena || arena->size - arena->used < n) {
		size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		chunk *c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->next = arena;
		c->used = 0;
		c->size = size;
		arena = c;
	}
	p = arena->data + arena->used;
	arena->used += n;
	return p;
}

static void arena_release(void)
{
	while (arena) {
		chunk *next = arena->next;
		free(arena);
		arena = next;
	}
}

/* Drop a set (its block stays in the arena until the analysis ends). */
static void sset_free(sset *s)
{
	s->s = NULL;
	s->n = s->cap = 0;
	s->q1 = s->sc1 = 0;
}

static sset sset_unknown(void)
{
	sset s = { NULL, 0, 0, 0 };
	return s;
}

/* Append a string, which the caller knows is not in the set yet. */
static int sset_push(sset *s, const char *str, size_t len)
{
	if (s->n >= SET_MAX || len > STR_MAX)
		return -1;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 4 : 2;
		sslot *v;
		if (cap > SET_MAX)
			cap = SET_MAX;
		v = arena_alloc(cap * sizeof *v);
		if (!v)
			return -1;
		if (s->n)
			memcpy(v, s->s, s->n * sizeof *v);
		s->s = v;
		s->cap = cap;
	}
	memcpy(s->s[s->n], str, len);
	s->s[s->n][len] = '\0';
	s->s[s->n][STR_MAX + 1] = (char)len;
	s->n++;
	s->q1 = s->sc1 = 0;
	return 0;
}

static int sset_add(sset *s, const char *str, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (SLEN(s, i) == len && memcmp(s->s[i], str, len) == 0)
			return 0;
	return sset_push(s, str, len);
}

static sset sset_one(const char *str, size_t len)
{
	sset s = { NULL, 0, 0, 1 };

	if (sset_add(&s, str, len)) {
		sset_free(&s);
		return sset_unknown();
	}
	return s;
}

/* a x b: every concatenation; unknown when too large. */
static sset sset_cross(const sset *a, const sset *b)
{
	sset r = { NULL, 0, 0, 1 };
	char buf[2 * STR_MAX + 1];
	/* With one string on either side, distinct inputs give distinct
	 * concatenations: no need to look for duplicates. */
	int (*put)(sset *, const char *, size_t) = a->n == 1 || b->n == 1 ? sset_push : sset_add;

	if (!a->known || !b->known || a->n * b->n > CROSS_MAX)
		return sset_unknown();
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			size_t la = SLEN(a, i), lb = SLEN(b, j);
			if (la + lb > STR_MAX) {
				sset_free(&r);
				return sset_unknown();
			}
			memcpy(buf, a->s[i], la);
			memcpy(buf + la, b->s[j], lb);
			if (put(&r, buf, la + lb)) {
				sset_free(&r);
				return sset_unknown();
			}
		}
	return r;
}

/* Append str to every string of s, in place; -1 (s unchanged) when a
 * string would grow too long. */
static int append_each(sset *s, const char *str, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (SLEN(s, i) + len > STR_MAX)
			return -1;
	for (size_t i = 0; i < s->n; i++) {
		size_t l = SLEN(s, i);
		memcpy(s->s[i] + l, str, len);
		s->s[i][l + len] = '\0';
		s->s[i][STR_MAX + 1] = (char)(l + len);
	}
	s->q1 = s->sc1 = 0;
	return 0;
}

/* A copy of a set (unknown when memory runs out). */
static sset sset_copy(const sset *src)
{
	sset r = { NULL, 0, 0, src->known, src->q1, src->sc1 };

	if (!src->known || !src->n)
		return r;
	r.s = arena_alloc(src->n * sizeof *r.s);
	if (!r.s)
		return sset_unknown();
	memcpy(r.s, src->s, src->n * sizeof *r.s);
	r.n = r.cap = src->n;
	return r;
}

static int sset_union_into(sset *dst, const sset *src)
{
	if (!dst->known || !src->known)
		return -1;
	for (size_t i = 0; i < src->n; i++)
		if (sset_add(dst, src->s[i], SLEN(src, i)))
			return -1;
	return 0;
}

/* Length of a string once normalised like a keyword.  Set strings hold
 * ASCII only (curly apostrophes are stored as '), so normalising them only
 * collapses runs of spaces and trims them. */
static size_t norm_len(const char *s)
{
	size_t n = 0;
	int space = 0;

	while (*s == ' ')
		s++;
	for (; *s; s++) {
		if (*s == ' ') {
			space = 1;
			continue;
		}
		n += (size_t)space + 1;
		space = 0;
	}
	return n;
}

/* Quality of a set as a required set: its shortest normalised string. */
static size_t quality(sset *s)
{
	size_t q = (size_t)-1;

	if (!s->known || s->n == 0)
		return 0;
	if (s->q1)
		return s->q1 - 1;
	for (size_t i = 0; i < s->n; i++) {
		size_t nl = norm_len(s->s[i]);
		if (nl < q)
			q = nl;
	}
	s->q1 = q + 1;
	return q;
}

/* The commonest English words: a set holding one of them occurs in nearly
 * every answer, however long the word. */
static const char *const common_words[] = {
	"a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be",
	"because", "been", "before", "but", "by", "can", "could", "day", "did", "do", "does",
	"each", "even", "for", "from", "get", "had", "has", "have", "he", "her", "here",
	"him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "may",
	"me", "more", "most", "much", "my", "no", "not", "now", "of", "on", "one", "only",
	"or", "other", "our", "out", "over", "she", "should", "so", "some", "such", "than",
	"that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
	"time", "to", "two", "up", "us", "use", "very", "was", "we", "well", "were", "what",
	"when", "which", "who", "will", "with", "would", "you", "your",
};

/* A string without the white space around it: its start, and its length. */
static const char *trimmed(const char *s, size_t *len)
{
	size_t n;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	*len = n;
	return s;
}

int ms_common_word(const char *str)
{
	size_t lo = 0, hi = sizeof common_words / sizeof common_words[0];
	size_t len;

	str = trimmed(str, &len);
	if (len > 7)
		return 0; /* longer than any of them */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(common_words[mid], str, len);
		if (c == 0 && common_words[mid][len])
			c = 1;
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The commonest pairs of letters in English text: a two-byte string that
 * is one of them occurs inside nearly every answer ("er" in "other",
 * "after", "every"); any other pair ("gp", "kg", "mg") is as selective as a
 * three-letter word. */
static int is_common_pair(const char *str)
{
	static const char pairs[] =
		"th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as "
		"ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la "
		"ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh "
		"ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi "
		"ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr "
		"od bo sp rd do uc bu ei ov by rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu "
		"ue ff ba ey ls va um pp ua up lu go ht ru ug ds lt pi rc rr eg au ck ew mu br bi "
		"pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph og ms ye ud mb ip ub oi rl gu dr hr "
		"cc tw ft wn nu af hu nn eo vo rv nf xp gn sm fl iz ok nl my gl aw ju oa eq sy sl "
		"ps jo ya ";

	for (const char *p = pairs; *p; p += 3)
		if (p[0] == str[0] && p[1] == str[1])
			return 1;
	return 0;
}

/* The commonest three-letter sequences of English text (from the usual
 * frequency tables), sorted: one occurs inside nearly every answer ("ing",
 * "ent" in "treatment", "men" in "recommend" and "women"), wherever a regex
 * has it from a suffix or an alternation of words that share it.  Other
 * three-byte strings ("hiv", "nhs", "911") can be as rare as words. */
static const char common_trigrams[][4] = {
	"all", "and", "are", "ate", "ati", "com", "con", "cti", "ear", "ect", "ent", "ere",
	"ers", "ess", "est", "eve", "for", "hat", "her", "his", "ica", "ing", "int", "ion",
	"ist", "ith", "iti", "ive", "men", "nce", "not", "one", "ons", "our", "per", "pro",
	"rat", "rea", "res", "sta", "ted", "ter", "tha", "the", "thi", "tio", "ver", "was",
	"wit",
};

static int cmp_trigram(const void *key, const void *entry)
{
	return strcmp(key, entry);
}

int ms_common_fragment(const char *str)
{
	size_t len = strlen(str);

	if (len > 7)
		return 0; /* longer than any common word */
	if (len < 2 || ms_common_word(str))
		return 1;
	if (len == 2)
		return is_common_pair(str);
	return len == 3 && bsearch(str, common_trigrams, MS_ARRAY_LEN(common_trigrams),
				   sizeof common_trigrams[0], cmp_trigram) != NULL;
}

/* How selective a set is likely to be: its shortest string, and 1 when a
 * string is one of the commonest words, or a common pair of letters. */
static size_t score(sset *s)
{
	size_t q = quality(s);

	if (s->sc1)
		return s->sc1 - 1;
	for (size_t i = 0; q > 1 && i < s->n; i++) {
		const char *w = s->s[i];
		while (*w == ' ')
			w++;
		if (ms_common_word(w) ||
		    (SLEN(s, i) - (size_t)(w - s->s[i]) == 2 && is_common_pair(w)))
			q = 1;
	}
	s->sc1 = q + 1;
	return q;
}

/* Is a set worth looking for at all? */
static int usable(sset *s)
{
	size_t q = quality(s);

	return q >= MIN_QUALITY || (q == MIN_QUALITY - 1 && score(s) >= q);
}

/* Is candidate a better required set than b? */
static int better(sset *a, sset *b)
{
	size_t qa = score(a), qb = score(b);

	if (qa != qb)
		return qa > qb;
	qa = quality(a);
	qb = quality(b);
	if (qa != qb)
		return qa > qb;
	return a->known && (!b->known || a->n < b->n);
}

static void cand_offer(cand *best, sset *set, const char *pos, int at_start)
{
	if (usable(set) && better(set, &best->set)) {
		sset_free(&best->set);
		best->set = *set;
		best->pos = pos;
		best->at_start = at_start;
		set->s = NULL;
		set->n = 0;
		set->known = 0;
	}
}

/* Offer a candidate found in the top-level sequence: every match contains
 * one of its strings, whichever candidate wins, so keep a copy of each. */
static void offer(lctx *x, int top, cand *best, sset *set, const char *pos, int at_start)
{
	if (top && x->ntop < TOP_MAX && usable(set)) {
		cand *k = &x->top[x->ntop];
		k->set = sset_copy(set);
		k->pos = pos;
		if (k->set.known)
			x->ntop++;
	}
	cand_offer(best, set, pos, at_start);
}

typedef struct info {
	sset exact;       /* every string the item matches, if known */
	cand req;         /* best required set inside the item */
} info;

static void info_free(info *i)
{
	sset_free(&i->exact);
	sset_free(&i->req.set);
}

static info parse_alt(lctx *x, const char *p, const char *end, const char *outer_pos);

/* Exact set of a character class, when it lists at most a few characters. */
/* The ']' that closes the character class opening at p, or NULL when it
 * is not closed or not understood (\\Q inside it).  A ']' first (after any
 * '^') is a member; so is everything in a POSIX class such as [:alpha:]. */
static const char *class_end(const char *p, const char *end)
{
	p++; /* '[' */
	if (p < end && *p == '^')
		p++;
	if (p < end && *p == ']')
		p++;
	while (p < end && *p != ']') {
		if (*p == '\\') {
			if (p + 1 < end && (p[1] == 'Q' || p[1] == 'E'))
				return NULL;
			p += 2;
			continue;
		}
		if (*p == '[' && p + 1 < end && p[1] == ':') {
			const char *q = p + 2;
			while (q + 1 < end && !(q[0] == ':' && q[1] == ']'))
				q++;
			if (q + 1 >= end)
				return NULL;
			p = q + 2;
			continue;
		}
		p++;
	}
	return p < end ? p : NULL;
}

static sset class_set(const char *p, const char *end, const char **after)
{
	sset s = { NULL, 0, 0, 1 };
	const char *close = class_end(p, end);
	int ok = 1;

	if (!close) {
		*after = NULL;
		return sset_unknown();
	}
	*after = close + 1;
	p++; /* '[' */
	if (*p == '^')
		return sset_unknown();
	if (*p == ']') {
		if (sset_add(&s, "]", 1))
			ok = 0;
		p++;
	}
	while (ok && p < close) {
		char c = *p;

		if (c == '\\') {
			char e = p + 1 < close ? p[1] : 0;
			if (e && (ispunct((unsigned char)e) || e == ' ')) {
				if (sset_add(&s, &e, 1))
					ok = 0;
			} else {
				ok = 0;
			}
			p += 2;
			continue;
		}
		if ((unsigned char)c >= 0x80) {
			/* Curly apostrophes stand for ' in the normalised text. */
			if (close - p >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
			    ((unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99)) {
				if (sset_add(&s, "'", 1))
					ok = 0;
				p += 3;
				continue;
			}
			ok = 0;
			break;
		}
		if (c == '[' && p + 1 < close && p[1] == ':')
			ok = 0; /* a POSIX class */
		if (p + 2 < close && p[1] == '-')
			ok = 0; /* a range */
		{
			char l = (char)tolower((unsigned char)c);
			if (sset_add(&s, &l, 1))
				ok = 0;
		}
		p++;
	}
	if (!ok || s.n > 4) {
		sset_free(&s);
		return sset_unknown();
	}
	return s;
}

static const char *skip_group(const char *p, const char *end)
{
	int d = 0;

	while (p < end) {
		if (*p == '\\' && p + 1 < end) {
			p += 2;
			continue;
		}
		if (*p == '[') {
			const char *close = class_end(p, end);
			if (!close)
				return NULL;
			p = close + 1;
			continue;
		}
		if (*p == '(')
			d++;
		else if (*p == ')' && --d == 0)
			return p;
		p++;
	}
	return NULL;
}

static int quantifier(const char *p, const char *end, long *min, long *max, const char **after);

/* The widest subject character of an ASCII letter under caseless UTF
 * matching: k and K also match the Kelvin sign (3 bytes), s and S the long
 * s (2 bytes); no other ASCII letter has a case variant outside ASCII. */
static long letter_width(unsigned char c)
{
	if (c == 'k' || c == 'K')
		return 3;
	if (c == 's' || c == 'S')
		return 2;
	return 1;
}

/* The same for a range lo-hi of a class: the widest letter it takes in. */
static long range_width(unsigned char lo, unsigned char hi)
{
	if ((lo <= 'k' && 'k' <= hi) || (lo <= 'K' && 'K' <= hi))
		return 3;
	if ((lo <= 's' && 's' <= hi) || (lo <= 'S' && 'S' <= hi))
		return 2;
	return 1;
}

/* The widest subject character the class [p, close] can match, in bytes:
 * 4 when it is negated or holds a non-ASCII member or an escape that can
 * match one (\W, \p, \x...); else that of its letters and ranges (\d, \w
 * and \s are ASCII without PCRE2_UCP, and caseless matching adds case
 * variants to literal members only). */
static long class_maxlen(const char *p, const char *close)
{
	const char *q = p + 1;
	long w = 1, x;

	if (q < close && *q == '^')
		return 4;
	for (; q < close; q++) {
		unsigned char c = (unsigned char)*q;

		if (c >= 0x80)
			return 4;
		if (c == '\\') {
			unsigned char e = q + 1 < close ? (unsigned char)q[1] : 0;
			if (!e || !(strchr("dwsnrtfae", e) || ispunct(e) || e == ' '))
				return 4;
			q++;
			continue;
		}
		if (c == '[' && q + 1 < close && q[1] == ':')
			return 4; /* a POSIX class: not worth telling apart */
		if (q + 2 < close && q[1] == '-' && q[2] != '\\') {
			x = range_width(c, (unsigned char)q[2]);
			q += 2;
		} else {
			x = isalpha(c) ? letter_width(c) : 1;
		}
		if (x > w)
			w = x;
	}
	return w;
}

/* Upper bound, in bytes, of what the regex text [p, end) can match, or -1
 * when it is unbounded or not understood.  Subject characters are counted at
 * their widest under caseless UTF matching: an ASCII letter as its widest
 * case variant (letter_width), a class as its widest member (class_maxlen),
 * any other non-ASCII character or wildcard 4. */
long ms_regex_maxlen(const char *p, const char *end)
{
	long best = 0, cur = 0;

	while (p < end) {
		long atom;
		char c = *p;

		if (c == '|') {
			if (cur > best)
				best = cur;
			cur = 0;
			p++;
			continue;
		}
		if (c == '^' || c == '$') {
			p++;
			continue;
		}
		if (c == '(') {
			const char *e = skip_group(p, end);
			const char *in = p + 1;
			if (!e)
				return -1;
			if (in[0] == '?') {
				if (in[1] == '=' || in[1] == '!' ||
				    (in[1] == '<' && (in[2] == '=' || in[2] == '!')) || in[1] == '#') {
					atom = 0; /* lookaround or comment: consumes nothing */
				} else if (in[1] == ':' || in[1] == '>') {
					atom = ms_regex_maxlen(in + 2, e);
				} else if ((in[1] == '<' || in[1] == '\'') ||
					   (in[1] == 'P' && in[2] == '<')) {
					const char *q = strchr(in, in[1] == '\'' ? '\'' : '>');
					if (!q || q > e)
						return -1;
					atom = ms_regex_maxlen(q + 1, e);
				} else {
					/* Option settings, (?i) or (?i:...). */
					const char *q = in + 1;
					while (q < e && strchr("-imnsx", *q))
						q++;
					if (q == e)
						atom = 0;
					else if (*q == ':')
						atom = ms_regex_maxlen(q + 1, e);
					else
						return -1;
				}
			} else if (in[0] == '*') {
				return -1; /* verbs and the like */
			} else {
				atom = ms_regex_maxlen(in, e);
			}
			p = e + 1;
		} else if (c == '[') {
			const char *q = class_end(p, end);
			if (!q)
				return -1;
			atom = class_maxlen(p, q);
			p = q + 1;
		} else if (c == '\\') {
			char e = p + 1 < end ? p[1] : 0;
			if (!e)
				return -1;
			if (strchr("bBAzZGK", e))
				atom = 0;
			else if (strchr("dws", e))
				atom = 1; /* ASCII only without PCRE2_UCP */
			else if (strchr("DWShHvVNR", e))
				atom = 4;
			else if (ispunct((unsigned char)e) || e == ' ')
				atom = 1;
			else if (e == 'n' || e == 't' || e == 'r' || e == 'f' || e == 'e' || e == 'a')
				atom = 1;
			else
				return -1; /* \x, \p, \Q, back references, ... */
			p += 2;
		} else if (c == '.') {
			atom = 4;
			p++;
		} else if ((unsigned char)c >= 0x80) {
			/* One UTF-8 character of the pattern; its case variants are at
			 * most 4 bytes. */
			p++;
			while (p < end && ((unsigned char)*p & 0xC0) == 0x80)
				p++;
			atom = 4;
		} else {
			atom = isalpha((unsigned char)c) ? letter_width((unsigned char)c) : 1;
			p++;
		}
		{
			const char *q;
			long n = atom, min, max;
			if (quantifier(p, end, &min, &max, &q)) {
				n = max < 0 || atom < 0 ? -1 : atom * max;
				p = q;
			}
			if (n < 0 || cur < 0)
				return -1;
			cur += n;
			if (cur > 1L << 30)
				return -1;
		}
	}
	return cur > best ? cur : best;
}

/* One atom at p (without its quantifier). */
static info parse_atom(lctx *x, const char *p, const char *end, const char **after,
		       const char *outer_pos)
{
	info r = { sset_unknown(), { sset_unknown(), NULL } };
	char c = *p;

	if (c == '(') {
		const char *e = skip_group(p, end), *in = p + 1;
		if (!e) {
			x->bail = 1;
			*after = end;
			return r;
		}
		*after = e + 1;
		if (in[0] == '?') {
			if (in[1] == '=' || in[1] == '!' || (in[1] == '<' && (in[2] == '=' || in[2] == '!')) ||
			    in[1] == '#') {
				r.exact = sset_one("", 0);
				return r;
			}
			if (in[1] == ':' || in[1] == '>' || in[1] == '|')
				return parse_alt(x, in + 2, e, outer_pos);
			if (in[1] == '<' || in[1] == '\'' || (in[1] == 'P' && in[2] == '<')) {
				const char *q = memchr(in, in[1] == '\'' ? '\'' : '>', (size_t)(e - in));
				if (!q) {
					x->bail = 1;
					return r;
				}
				return parse_alt(x, q + 1, e, outer_pos);
			}
			{
				const char *q = in + 1;
				while (q < e && strchr("-imns", *q))
					q++;
				if (q == e) {
					r.exact = sset_one("", 0); /* (?i) and the like */
					return r;
				}
				if (*q == ':')
					return parse_alt(x, q + 1, e, outer_pos);
			}
			x->bail = 1; /* (?x), conditionals, recursion... */
			return r;
		}
		if (in[0] == '*') {
			x->bail = 1;
			return r;
		}
		return parse_alt(x, in, e, outer_pos);
	}
	if (c == '[') {
		r.exact = class_set(p, end, after);
		if (!*after) {
			x->bail = 1;
			*after = end;
		}
		return r;
	}
	if (c == '\\') {
		char e = p + 1 < end ? p[1] : 0;
		*after = p + 2 <= end ? p + 2 : end;
		if (!e) {
			x->bail = 1;
			return r;
		}
		if (strchr("bBAzZG", e))
			r.exact = sset_one("", 0);
		else if (e == 'K' || e == 'Q' || e == 'E')
			x->bail = 1; /* \K moves the match start; \Q..\E is rare */
		else if (ispunct((unsigned char)e) || e == ' ')
			r.exact = sset_one(&e, 1);
		else if ((e == 'x' || e == 'o' || e == 'p' || e == 'P' || e == 'N' || e == 'g' || e == 'k') &&
			 p + 2 < end && (p[2] == '{' || p[2] == '<' || p[2] == '\'')) {
			const char *q = p + 2;
			char close = p[2] == '{' ? '}' : p[2] == '<' ? '>' : '\'';
			while (q < end && *q != close)
				q++;
			*after = q < end ? q + 1 : end;
		}
		/* Other escapes (\d, \w, \s, \n, back references...) match
		 * something unknown. */
		return r;
	}
	*after = p + 1;
	if (c == '^' || c == '$') {
		r.exact = sset_one("", 0);
		return r;
	}
	if (c == '.')
		return r;
	if ((unsigned char)c >= 0x80) {
		const char *q = p + 1;
		while (q < end && ((unsigned char)*q & 0xC0) == 0x80)
			q++;
		*after = q;
		if (q - p == 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
		    ((unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99))
			r.exact = sset_one("'", 1);
		return r; /* other non-ASCII text is not case-folded by the normalised view */
	}
	{
		char l = (char)tolower((unsigned char)c);
		r.exact = sset_one(&l, 1);
	}
	return r;
}

/* Parse a quantifier at p; *min and *max (-1: unbounded).  0 when none. */
static int quantifier(const char *p, const char *end, long *min, long *max, const char **after)
{
	const char *q = p;

	if (p >= end)
		return 0;
	if (*p == '?' || *p == '*' || *p == '+') {
		*min = *p == '+';
		*max = *p == '?' ? 1 : -1;
		q = p + 1;
	} else if (*p == '{' && p + 1 < end && isdigit((unsigned char)p[1])) {
		char *e;
		*min = strtol(p + 1, &e, 10);
		*max = *min;
		if (*e == ',') {
			if (e[1] == '}') {
				*max = -1;
				e++;
			} else if (isdigit((unsigned char)e[1]))
				*max = strtol(e + 1, &e, 10);
			else
				return 0;
		}
		if (*e != '}' || e >= end)
			return 0;
		q = e + 1;
	} else {
		return 0;
	}
	if (q < end && (*q == '?' || *q == '+'))
		q++;
	*after = q;
	return 1;
}

static info parse_seq(lctx *x, const char *p, const char *end, const char *outer_pos)
{
	info r = { sset_one("", 0), { sset_unknown(), NULL, 0 } };
	sset run = sset_one("", 0);
	const char *run_pos = p;
	int all_exact = 1, top;
	int run_at_start = 1; /* the run starts where the sequence does */
	int lead_zero = 1;    /* every item so far matches the empty string only */

	if (++x->depth > 64) {
		x->bail = 1;
		x->depth--;
		return r;
	}
	/* The items of the outermost sequence are all required. */
	top = x->depth == 1 && !outer_pos;
	while (p < end && !x->bail) {
		const char *after = p, *q;
		/* Positions inside a group are reported as the group's outer
		 * position, which bounds them from the top level. */
		const char *here = outer_pos ? outer_pos : p;
		info a = parse_atom(x, p, end, &after, outer_pos ? outer_pos : NULL);
		long min, max;

		if (quantifier(after, end, &min, &max, &q)) {
			after = q;
			if (max == 1 && min == 0 && a.exact.known) {
				/* optional: "" or the item */
				if (sset_add(&a.exact, "", 0)) {
					sset_free(&a.exact);
					a.exact = sset_unknown();
				}
				sset_free(&a.req.set);
				a.req.set = sset_unknown();
			} else if (min >= 1 && max == min && max <= 3 && a.exact.known) {
				sset rep = sset_one("", 0);
				for (long k = 0; k < min; k++) {
					sset t = sset_cross(&rep, &a.exact);
					sset_free(&rep);
					rep = t;
				}
				sset_free(&a.exact);
				a.exact = rep;
			} else {
				/* Repeated at least once: the item's strings are still
				 * required; its exact text is no longer known. */
				if (min >= 1 && a.exact.known && !a.req.set.n) {
					a.req.set = a.exact;
					a.req.pos = outer_pos ? outer_pos : after;
					a.req.at_start = 1;
					a.exact = sset_unknown();
				}
				sset_free(&a.exact);
				a.exact = sset_unknown();
				if (min == 0)
					sset_free(&a.req.set), a.req.set = sset_unknown();
			}
		}
		/* The item's strings start where it starts, or at least before
		 * its end. */
		if (!outer_pos && a.req.set.n)
			a.req.pos = a.req.at_start ? p : after;
		a.req.at_start = a.req.at_start && lead_zero;
		if (!(a.exact.known && a.exact.n == 1 && SLEN(&a.exact, 0) == 0))
			lead_zero = 0;
		if (a.exact.known && a.exact.n == 1 && run.known &&
		    append_each(&run, a.exact.s[0], SLEN(&a.exact, 0)) == 0) {
			/* The common case, one more character of a run. */
		} else if (a.exact.known) {
			sset t = sset_cross(&run, &a.exact);
			if (!t.known) {
				/* Too many combinations: close the run, start anew. */
				offer(x, top, &r.req, &run, run_pos, run_at_start);
				sset_free(&run);
				run = a.exact;
				a.exact = sset_unknown();
				run_pos = here;
				run_at_start = 0;
				all_exact = 0;
			} else {
				sset_free(&run);
				run = t;
			}
		} else {
			all_exact = 0;
			offer(x, top, &r.req, &run, run_pos, run_at_start);
			sset_free(&run);
			run = sset_one("", 0);
			run_pos = outer_pos ? outer_pos : after;
			run_at_start = 0;
		}
		if (a.req.set.n)
			offer(x, top, &r.req, &a.req.set, a.req.pos ? a.req.pos : here, a.req.at_start);
		info_free(&a);
		p = after;
	}
	sset_free(&r.exact);
	if (all_exact && !x->bail) {
		r.exact = run;
		{
			sset copy = sset_copy(&run);
			offer(x, top, &r.req, &copy, run_pos, run_at_start);
			sset_free(&copy);
		}
	} else {
		offer(x, top, &r.req, &run, run_pos, run_at_start);
		sset_free(&run);
		r.exact = sset_unknown();
	}
	x->depth--;
	return r;
}

static info parse_alt(lctx *x, const char *p, const char *end, const char *outer_pos)
{
	info r = { { NULL, 0, 0, 1 }, { { NULL, 0, 0, 1 }, NULL, 1 } };
	int exact_ok = 1, req_ok = 1;
	const char *branch = p;

	for (;;) {
		const char *q = branch;
		info b;

		/* Find the end of this branch at this level. */
		while (q < end && *q != '|') {
			if (*q == '\\' && q + 1 < end) {
				q += 2;
			} else if (*q == '(') {
				const char *e = skip_group(q, end);
				if (!e)
					x->bail = 1;
				q = e ? e + 1 : end;
			} else if (*q == '[') {
				const char *e = class_end(q, end);
				if (!e)
					x->bail = 1;
				q = e ? e + 1 : end;
			} else {
				q++;
			}
		}
		b = parse_seq(x, branch, q, outer_pos ? outer_pos : (branch == p && q == end ? NULL : p));
		if (!b.exact.known || sset_union_into(&r.exact, &b.exact))
			exact_ok = 0;
		/* Each branch must contribute: its required set, or its exact set. */
		{
			sset *use = b.req.set.n ? &b.req.set : (usable(&b.exact) ? &b.exact : NULL);
			if (!use || sset_union_into(&r.req.set, use))
				req_ok = 0;
			if (use == &b.req.set && !b.req.at_start)
				r.req.at_start = 0;
		}
		if (branch == p && q == end) {
			/* A single branch: its result as it is. */
			info_free(&r);
			return b;
		}
		info_free(&b);
		if (q >= end)
			break;
		branch = q + 1;
	}
	if (!exact_ok) {
		sset_free(&r.exact);
		r.exact = sset_unknown();
	}
	if (!req_ok || !usable(&r.req.set)) {
		sset_free(&r.req.set);
		r.req.set = sset_unknown();
	}
	r.req.pos = outer_pos ? outer_pos : end;
	return r;
}

/* Does every string of c contain one of e's (white space around e's
 * strings aside)?  Then e occurs wherever c does, and adds nothing as a
 * further condition.  e's strings are chained by their first byte, so each
 * byte of c is compared only with the strings that start with it. */
static int implied(const sset *e, const sset *c)
{
	const char *w[SET_MAX];
	size_t wl[SET_MAX];
	short head[256], next[SET_MAX];

	for (int k = 0; k < 256; k++)
		head[k] = -1;
	for (size_t j = 0; j < e->n; j++) {
		size_t len;
		const char *t = trimmed(e->s[j], &len);

		if (len == 0)
			return 1;
		w[j] = t;
		wl[j] = len;
		next[j] = head[(unsigned char)t[0]];
		head[(unsigned char)t[0]] = (short)j;
	}
	for (size_t i = 0; i < c->n; i++) {
		int found = 0;
		for (const char *p = c->s[i]; *p && !found; p++)
			for (short j = head[(unsigned char)*p]; j >= 0 && !found; j = next[j])
				found = strncmp(p, w[j], wl[j]) == 0;
		if (!found)
			return 0;
	}
	return 1;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Drops the strings of v[0..n) that another of them begins ("set the
 * date" after "set"): wherever such a string occurs, the shorter one
 * occurs at the same place, so the set occurs where it did and its
 * occurrences start where they did, with fewer automaton hits.  The rest
 * keep their order.  Returns how many are left.  (In sorted order, a
 * string some other begins is followed by all that it begins.) */
static size_t drop_extensions(char **v, size_t n)
{
	char ***ord;
	const char *kept = NULL;
	size_t m = 0;

	if (n < 2 || !(ord = malloc(n * sizeof *ord)))
		return n; /* out of memory: the set keeps them all, still right */
	for (size_t i = 0; i < n; i++)
		ord[i] = &v[i];
	qsort(ord, n, sizeof *ord, cmp_strp);
	for (size_t i = 0; i < n; i++) {
		if (kept && strncmp(*ord[i], kept, strlen(kept)) == 0) {
			free(*ord[i]);
			*ord[i] = NULL;
		} else {
			kept = *ord[i];
		}
	}
	free(ord);
	for (size_t i = 0; i < n; i++)
		if (v[i])
			v[m++] = v[i];
	v[m] = NULL;
	return m;
}

/* The strings of a set, normalised and without duplicates or strings
 * that another begins, and the bound of the bytes a match spans before
 * them. */
static int make_reqset(const char *pattern, const cand *c, ms_reqset *out)
{
	const char *end = pattern + strlen(pattern);
	size_t k = 0, lead_max = 0;
	long pre;

	out->strs = calloc(c->set.n + 1, sizeof *out->strs);
	out->n = 0;
	out->id = 0;
	if (!out->strs)
		return -1;
	for (size_t i = 0; i < c->set.n; i++) {
		size_t nl, lead = 0;
		char *norm = ms_norm_keyword(c->set.s[i], SLEN(&c->set, i), &nl);

		if (!norm) {
			ms_reqset_free(out);
			return -1;
		}
		/* Leading white space trimmed from a string lies before it. */
		while (c->set.s[i][lead] == ' ')
			lead++;
		if (lead > lead_max)
			lead_max = lead;
		for (size_t j = 0; j < k; j++)
			if (strcmp(out->strs[j], norm) == 0) {
				free(norm);
				norm = NULL;
				break;
			}
		if (norm)
			out->strs[k++] = norm;
	}
	out->n = drop_extensions(out->strs, k);
	pre = ms_regex_maxlen(pattern, c->pos ? c->pos : end);
	out->maxprefix = pre < 0 ? -1 : pre + (long)lead_max;
	return 0;
}

int ms_regex_word_start(const char *pattern)
{
	int depth = 0;

	if (strncmp(pattern, "\\b", 2) != 0)
		return 0;
	/* Quoting, comments and extended syntax hide what is at the top
	 * level from this scan: no promise then. */
	if (strstr(pattern, "\\Q") || strstr(pattern, "(?#") || strstr(pattern, "(*"))
		return 0;
	for (const char *q = pattern; (q = strstr(q, "(?")); q += 2)
		for (const char *f = q + 2; *f && strchr("-imnsx", *f); f++)
			if (*f == 'x')
				return 0;
	for (const char *p = pattern; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				return 0;
		} else if (*p == '[') {
			/* A class: up to its closing ']' (one right after '[' or
			 * "[^" is a member), escapes and POSIX names inside. */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			for (; *p && *p != ']'; p++) {
				if (*p == '\\' && p[1])
					p++;
				else if (*p == '[' && p[1] == ':') {
					const char *e = strstr(p + 2, ":]");
					if (!e)
						return 0;
					p = e + 1;
				}
			}
			if (!*p)
				return 0;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (--depth < 0)
				return 0;
		} else if (*p == '|' && depth == 0) {
			return 0;
		}
	}
	return depth == 0;
}

void ms_reqset_free(ms_reqset *s)
{
	if (!s->strs)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->strs[i]);
	free(s->strs);
	s->strs = NULL;
	s->n = 0;
}

int ms_regex_required(const char *pattern, ms_reqset *sets)
{
	lctx x;
	const char *end = pattern + strlen(pattern);
	info r;
	int n = 0;

	memset(&x, 0, sizeof x);
	x.pattern = pattern;
	/* Extended syntax makes white space meaningless: no literals then. */
	for (const char *q = pattern; (q = strstr(q, "(?")); q += 2) {
		const char *f = q + 2;
		while (*f && strchr("-imnsx", *f)) {
			if (*f == 'x')
				return 0;
			f++;
		}
	}
	r = parse_alt(&x, pattern, end, NULL);
	if (x.bail || !r.req.set.n)
		goto done;
	if (make_reqset(pattern, &r.req, &sets[n]))
		goto oom;
	n++;
	/* Further sets of the top-level sequence, strongest first: a regex
	 * needs one string of every set, so a text that lacks any of them is
	 * skipped.  Sets of the commonest words are left out (they occur in
	 * nearly every answer and would only cost automaton hits), and so are
	 * sets that occur wherever a set already taken does. */
	{
		const sset *taken[MS_MAX_REQSETS];
		int used[TOP_MAX] = { 0 };

		taken[0] = &r.req.set;
		while (n < MS_MAX_REQSETS) {
			size_t best = x.ntop;
			int dup = 0;

			for (size_t i = 0; i < x.ntop; i++)
				if (x.top[i].set.n && !used[i] && score(&x.top[i].set) >= MIN_EXTRA_SCORE &&
				    (best == x.ntop || better(&x.top[i].set, &x.top[best].set)))
					best = i;
			if (best == x.ntop)
				break;
			for (int k = 0; k < n && !dup; k++)
				dup = implied(&x.top[best].set, taken[k]);
			if (dup) {
				sset_free(&x.top[best].set);
				continue;
			}
			if (make_reqset(pattern, &x.top[best], &sets[n]))
				goto oom;
			taken[n++] = &x.top[best].set;
			used[best] = 1;
		}
		/* The windows need a bound on how far before its string a match
		 * can start; without one, each search starts at the previous
		 * occurrence.  When no set taken has a bound, one that has is
		 * worth its automaton hits, even a set of common words. */
		if (n < MS_MAX_REQSETS) {
			size_t best = x.ntop;
			int bounded = 0;

			for (int k = 0; k < n; k++)
				bounded |= sets[k].maxprefix >= 0;
			for (size_t i = 0; !bounded && i < x.ntop; i++) {
				int dup = 0;
				if (!x.top[i].set.n || used[i] ||
				    ms_regex_maxlen(pattern, x.top[i].pos ? x.top[i].pos : end) < 0)
					continue;
				for (int k = 0; k < n && !dup; k++)
					dup = implied(&x.top[i].set, taken[k]);
				if (!dup && (best == x.ntop || better(&x.top[i].set, &x.top[best].set)))
					best = i;
			}
			if (!bounded && best < x.ntop) {
				if (make_reqset(pattern, &x.top[best], &sets[n]))
					goto oom;
				n++;
			}
		}
	}
done:
	arena_release();
	return n;
oom:
	while (n > 0)
		ms_reqset_free(&sets[--n]);
	n = -1;
	goto done;
}

char **ms_regex_literals(const char *pattern, size_t *n, long *maxprefix)
{
	ms_reqset sets[MS_MAX_REQSETS];
	int k = ms_regex_required(pattern, sets);

	*n = 0;
	*maxprefix = -1;
	if (k <= 0)
		return NULL;
	while (k > 1)
		ms_reqset_free(&sets[--k]);
	*n = sets[0].n;
	*maxprefix = sets[0].maxprefix;
	return sets[0].strs;
}
