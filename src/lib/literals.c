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
 * wrong one. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SET_MAX 64        /* strings in a set */
#define STR_MAX 64        /* bytes in a string */
#define MIN_QUALITY 3     /* shortest string of a useful required set */

typedef struct sset {
	char **s;
	size_t n;
	int known;        /* 0: unknown (too large, or not literal) */
} sset;

typedef struct cand {
	sset set;
	const char *pos;  /* top-level pattern position bounding the strings' start */
} cand;

typedef struct lctx {
	const char *pattern;
	int bail;         /* something is not understood at all */
	int depth;
} lctx;

static void sset_free(sset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->s[i]);
	free(s->s);
	s->s = NULL;
	s->n = 0;
}

static sset sset_unknown(void)
{
	sset s = { NULL, 0, 0 };
	return s;
}

static int sset_add(sset *s, const char *str, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (strncmp(s->s[i], str, len) == 0 && s->s[i][len] == '\0')
			return 0;
	if (s->n >= SET_MAX || len > STR_MAX)
		return -1;
	/* Room for a whole set at once: sets never outgrow SET_MAX. */
	if (!s->s && !(s->s = malloc(SET_MAX * sizeof *s->s)))
		return -1;
	s->s[s->n] = ms_strndup(str, len);
	if (!s->s[s->n])
		return -1;
	s->n++;
	return 0;
}

static sset sset_one(const char *str, size_t len)
{
	sset s = { NULL, 0, 1 };

	if (sset_add(&s, str, len)) {
		sset_free(&s);
		return sset_unknown();
	}
	return s;
}

/* a x b: every concatenation; unknown when too large. */
static sset sset_cross(const sset *a, const sset *b)
{
	sset r = { NULL, 0, 1 };
	char buf[2 * STR_MAX + 1];

	if (!a->known || !b->known || a->n * b->n > SET_MAX)
		return sset_unknown();
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			size_t la = strlen(a->s[i]), lb = strlen(b->s[j]);
			if (la + lb > STR_MAX) {
				sset_free(&r);
				return sset_unknown();
			}
			memcpy(buf, a->s[i], la);
			memcpy(buf + la, b->s[j], lb);
			if (sset_add(&r, buf, la + lb)) {
				sset_free(&r);
				return sset_unknown();
			}
		}
	return r;
}

static int sset_union_into(sset *dst, const sset *src)
{
	if (!dst->known || !src->known)
		return -1;
	for (size_t i = 0; i < src->n; i++)
		if (sset_add(dst, src->s[i], strlen(src->s[i])))
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
static size_t quality(const sset *s)
{
	size_t q = (size_t)-1;

	if (!s->known || s->n == 0)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		size_t nl = norm_len(s->s[i]);
		if (nl < q)
			q = nl;
	}
	return q;
}

/* Is candidate a better required set than b? */
static int better(const sset *a, const sset *b)
{
	size_t qa = quality(a), qb = quality(b);

	if (qa != qb)
		return qa > qb;
	return a->known && (!b->known || a->n < b->n);
}

static void cand_offer(cand *best, sset *set, const char *pos)
{
	if (quality(set) >= MIN_QUALITY && better(set, &best->set)) {
		sset_free(&best->set);
		best->set = *set;
		best->pos = pos;
		set->s = NULL;
		set->n = 0;
		set->known = 0;
	}
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
static sset class_set(const char *p, const char *end, const char **after)
{
	sset s = { NULL, 0, 1 };
	int ok = 1;

	p++; /* '[' */
	if (p < end && *p == '^')
		ok = 0;
	if (p < end && *p == ']') {
		if (sset_add(&s, "]", 1))
			ok = 0;
		p++;
	}
	while (p < end && *p != ']') {
		char c = *p;

		if (c == '\\') {
			char e = p + 1 < end ? p[1] : 0;
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
			if (end - p >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
			    ((unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99)) {
				if (sset_add(&s, "'", 1))
					ok = 0;
				p += 3;
				continue;
			}
			ok = 0;
			p++;
			continue;
		}
		if (p + 2 < end && p[1] == '-' && p[2] != ']')
			ok = 0; /* a range */
		if (c == '[')
			ok = 0; /* POSIX classes */
		{
			char l = (char)tolower((unsigned char)c);
			if (sset_add(&s, &l, 1))
				ok = 0;
		}
		p++;
	}
	*after = p < end ? p + 1 : end;
	if (!ok || s.n > 4 || *after == end + 1) {
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
			p++;
			if (p < end && *p == '^')
				p++;
			if (p < end && *p == ']')
				p++;
			while (p < end && *p != ']') {
				if (*p == '\\' && p + 1 < end)
					p++;
				p++;
			}
			if (p < end)
				p++;
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

/* Upper bound, in bytes, of what the regex text [p, end) can match, or -1
 * when it is unbounded or not understood.  Subject characters are counted at
 * their widest: an ASCII letter may match a 3-byte case variant under
 * caseless UTF matching (the Kelvin sign), any non-ASCII or class item 4. */
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
			const char *q = p + 1;
			if (q < end && *q == '^')
				q++;
			if (q < end && *q == ']')
				q++;
			while (q < end && *q != ']') {
				if (*q == '\\' && q + 1 < end)
					q++;
				q++;
			}
			if (q >= end)
				return -1;
			atom = 4;
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
			atom = isalpha((unsigned char)c) ? 3 : 1;
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
			if (e[1] == '}')
				*max = -1;
			else if (isdigit((unsigned char)e[1]))
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
	info r = { sset_one("", 0), { sset_unknown(), NULL } };
	sset run = sset_one("", 0);
	const char *run_pos = p;
	int all_exact = 1;

	if (++x->depth > 64) {
		x->bail = 1;
		x->depth--;
		return r;
	}
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
					a.exact = sset_unknown();
				}
				sset_free(&a.exact);
				a.exact = sset_unknown();
				if (min == 0)
					sset_free(&a.req.set), a.req.set = sset_unknown();
			}
		}
		if (!outer_pos && a.req.set.n)
			a.req.pos = after; /* the item's end bounds where its strings start */
		if (a.exact.known) {
			sset t = sset_cross(&run, &a.exact);
			if (!t.known) {
				/* Too many combinations: close the run, start anew. */
				cand_offer(&r.req, &run, run_pos);
				sset_free(&run);
				run = a.exact;
				a.exact = sset_unknown();
				run_pos = here;
				all_exact = 0;
			} else {
				sset_free(&run);
				run = t;
			}
		} else {
			all_exact = 0;
			cand_offer(&r.req, &run, run_pos);
			sset_free(&run);
			run = sset_one("", 0);
			run_pos = outer_pos ? outer_pos : after;
		}
		if (a.req.set.n)
			cand_offer(&r.req, &a.req.set, a.req.pos ? a.req.pos : here);
		info_free(&a);
		p = after;
	}
	sset_free(&r.exact);
	if (all_exact && !x->bail) {
		r.exact = run;
		{
			sset copy = { NULL, 0, 1 };
			sset_union_into(&copy, &run);
			cand_offer(&r.req, &copy, run_pos);
			sset_free(&copy);
		}
	} else {
		cand_offer(&r.req, &run, run_pos);
		sset_free(&run);
		r.exact = sset_unknown();
	}
	x->depth--;
	return r;
}

static info parse_alt(lctx *x, const char *p, const char *end, const char *outer_pos)
{
	info r = { { NULL, 0, 1 }, { { NULL, 0, 1 }, NULL } };
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
				q = e ? e + 1 : end;
			} else if (*q == '[') {
				const char *e;
				sset tmp = class_set(q, end, &e);
				sset_free(&tmp);
				q = e;
			} else {
				q++;
			}
		}
		b = parse_seq(x, branch, q, outer_pos ? outer_pos : (branch == p && q == end ? NULL : p));
		if (!b.exact.known || sset_union_into(&r.exact, &b.exact))
			exact_ok = 0;
		/* Each branch must contribute: its required set, or its exact set. */
		{
			sset *use = b.req.set.n ? &b.req.set : (quality(&b.exact) >= MIN_QUALITY ? &b.exact : NULL);
			if (!use || sset_union_into(&r.req.set, use))
				req_ok = 0;
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
	if (!req_ok || quality(&r.req.set) < MIN_QUALITY) {
		sset_free(&r.req.set);
		r.req.set = sset_unknown();
	}
	r.req.pos = outer_pos ? outer_pos : end;
	return r;
}

char **ms_regex_literals(const char *pattern, size_t *n, long *maxprefix)
{
	lctx x = { pattern, 0, 0 };
	const char *end = pattern + strlen(pattern);
	info r;
	char **out = NULL;
	size_t k = 0, lead_max = 0;

	*n = 0;
	*maxprefix = -1;
	/* Extended syntax makes white space meaningless: no literals then. */
	for (const char *q = pattern; (q = strstr(q, "(?")); q += 2) {
		const char *f = q + 2;
		while (*f && strchr("-imnsx", *f)) {
			if (*f == 'x')
				return NULL;
			f++;
		}
	}
	r = parse_alt(&x, pattern, end, NULL);
	if (x.bail || !r.req.set.n) {
		info_free(&r);
		return NULL;
	}
	out = calloc(r.req.set.n + 1, sizeof *out);
	if (!out) {
		info_free(&r);
		return NULL;
	}
	for (size_t i = 0; i < r.req.set.n; i++) {
		size_t nl, lead = 0;
		char *norm = ms_norm_keyword(r.req.set.s[i], strlen(r.req.set.s[i]), &nl);
		if (!norm)
			goto oom;
		/* Leading white space trimmed from a string lies before it. */
		while (r.req.set.s[i][lead] == ' ')
			lead++;
		if (lead > lead_max)
			lead_max = lead;
		for (size_t j = 0; j < k; j++)
			if (strcmp(out[j], norm) == 0) {
				free(norm);
				norm = NULL;
				break;
			}
		if (norm)
			out[k++] = norm;
	}
	{
		long pre = ms_regex_maxlen(pattern, r.req.pos ? r.req.pos : end);
		*maxprefix = pre < 0 ? -1 : pre + (long)lead_max;
	}
	info_free(&r);
	*n = k;
	return out;
oom:
	for (size_t j = 0; j < k; j++)
		free(out[j]);
	free(out);
	info_free(&r);
	return NULL;
}
