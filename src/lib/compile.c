/* The rule compiler: YAML rule files to an immutable, shareable rule set.
 *
 * Every problem is reported through the diagnostics callback with its file,
 * line and column, and compilation goes on so that one run reports all the
 * problems of all the files.  References to signals are resolved when the
 * compiler is sealed, since a rule may use a signal defined in a later file.
 *
 * Memory: everything the rule set owns, except compiled patterns and the
 * automaton, is registered in rules->allocs and released in one sweep by
 * ms_rules_destroy(), which keeps the many error paths of the parser simple. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

typedef struct sigref {
	char *name;
	size_t *slot;
	const char *file;
	unsigned line, col;
	const char *owner;
	ms_on on;            /* where the reference evaluates the signal */
} sigref;

struct ms_compiler {
	ms_compile_options opts;
	ms_diag_fn diag;
	void *ud;
	ms_rules *r;
	const char *file;       /* current file (owned by r) */
	size_t errors;
	int sealed;
	int jit_warned;
	sigref *refs;
	size_t nrefs, caprefs;
	size_t caprules, capsigs, cappats;
	size_t anon;
};

/* ---------------- allocation and diagnostics ---------------- */

static void *own(ms_compiler *c, void *p)
{
	ms_rules *r = c->r;

	if (!p)
		return NULL;
	if (ms_grow(&r->allocs, &r->capallocs, r->nallocs + 1, sizeof(void *))) {
		free(p);
		return NULL;
	}
	r->allocs[r->nallocs++] = p;
	return p;
}

static void *own_calloc(ms_compiler *c, size_t n, size_t size)
{
	return own(c, calloc(n ? n : 1, size));
}

static char *own_str(ms_compiler *c, const char *s)
{
	return own(c, ms_strdup(s));
}

static void vreport(ms_compiler *c, ms_diag_level lvl, const char *file, unsigned line,
		    unsigned col, const char *rule, const char *fmt, va_list ap)
{
	char msg[1024];
	ms_diag d;

	if (lvl == MS_DIAG_ERROR)
		c->errors++;
	if (!c->diag)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	d.level = lvl;
	d.file = file ? file : "<rules>";
	d.line = line;
	d.column = col;
	d.rule = rule;
	d.message = msg;
	c->diag(&d, c->ud);
}

static void err(ms_compiler *c, const ynode *n, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void err(ms_compiler *c, const ynode *n, const char *rule, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, MS_DIAG_ERROR, c->file, n ? n->line : 0, n ? n->col : 0, rule, fmt, ap);
	va_end(ap);
}

static void warn_at(ms_compiler *c, const char *file, unsigned line, unsigned col,
		    const char *rule, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void warn_at(ms_compiler *c, const char *file, unsigned line, unsigned col,
		    const char *rule, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, MS_DIAG_WARNING, file, line, col, rule, fmt, ap);
	va_end(ap);
}

/* Bridge for the YAML reader. */
static void yreport(void *ctx, ms_diag_level lvl, unsigned line, unsigned col, const char *rule,
		    const char *fmt, va_list ap)
{
	ms_compiler *c = ctx;
	vreport(c, lvl, c->file, line, col, rule, fmt, ap);
}

/* ---------------- typed access to YAML nodes ---------------- */

typedef struct field {
	const char *name;
	ynode *key, *val;
} field;

static const char *kind_name(const ynode *n)
{
	switch (n->kind) {
	case YN_SCALAR: return "a scalar";
	case YN_SEQ: return "a list";
	case YN_MAP: return "a mapping";
	}
	return "?";
}

/* Pick the known keys of a mapping into `f` (terminated by a NULL name);
 * unknown and repeated keys are errors.  Returns -1 if n is not a mapping. */
static int get_fields(ms_compiler *c, ynode *n, const char *what, const char *owner, field *f)
{
	if (n->kind != YN_MAP) {
		err(c, n, owner, "%s must be a mapping, not %s", what, kind_name(n));
		return -1;
	}
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		ynode *k = n->items[i], *v = n->items[i + 1];
		field *hit = NULL;

		if (k->kind != YN_SCALAR) {
			err(c, k, owner, "keys of %s must be plain strings", what);
			continue;
		}
		for (field *p = f; p->name; p++)
			if (strcmp(p->name, k->str) == 0)
				hit = p;
		if (!hit) {
			ms_buf allowed = {0};
			for (field *p = f; p->name; p++)
				ms_buf_printf(&allowed, "%s%s", p == f ? "" : ", ", p->name);
			err(c, k, owner, "unknown key '%s' in %s (expected one of: %s)", k->str, what,
			    allowed.data ? allowed.data : "");
			ms_buf_free(&allowed);
			continue;
		}
		if (hit->val) {
			err(c, k, owner, "duplicate key '%s' in %s (first at line %u)", k->str, what,
			    hit->key->line);
			continue;
		}
		hit->key = k;
		hit->val = v;
	}
	return 0;
}

static const char *get_str(ms_compiler *c, const field *f, const char *owner)
{
	if (!f->val)
		return NULL;
	if (f->val->kind != YN_SCALAR) {
		err(c, f->val, owner, "'%s' must be a string, not %s", f->name, kind_name(f->val));
		return NULL;
	}
	return f->val->str;
}

static const char *need_str(ms_compiler *c, const field *f, const ynode *map, const char *what,
			    const char *owner)
{
	const char *s;

	if (!f->val) {
		err(c, map, owner, "%s has no '%s'", what, f->name);
		return NULL;
	}
	s = get_str(c, f, owner);
	if (s && !*s) {
		err(c, f->val, owner, "'%s' must not be empty", f->name);
		return NULL;
	}
	return s;
}

/* Non-negative integer in [lo, hi]; returns -1 (reported) when it is not. */
static long get_uint(ms_compiler *c, const field *f, long lo, long hi, const char *owner)
{
	char *end;
	long v;

	if (f->val->kind != YN_SCALAR || !f->val->plain || !*f->val->str) {
		err(c, f->val, owner, "'%s' must be an integer", f->name);
		return -1;
	}
	errno = 0;
	v = strtol(f->val->str, &end, 10);
	if (*end || errno) {
		err(c, f->val, owner, "'%s' must be an integer, not '%s'", f->name, f->val->str);
		return -1;
	}
	if (v < lo || v > hi) {
		err(c, f->val, owner, "'%s' must be between %ld and %ld, not %ld", f->name, lo, hi, v);
		return -1;
	}
	return v;
}

/* A string or a list of strings, owned by the rule set.  Type errors are
 * reported and leave the list empty; -1 only when memory runs out. */
static int get_strlist(ms_compiler *c, const field *f, const char *owner, char ***out, size_t *n)
{
	ynode *v = f->val;
	char **arr;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (v->kind == YN_SCALAR) {
		arr = own_calloc(c, 1, sizeof *arr);
		if (!arr || !(arr[0] = own_str(c, v->str)))
			return -1;
		*out = arr;
		*n = 1;
		return 0;
	}
	if (v->kind != YN_SEQ) {
		err(c, v, owner, "'%s' must be a string or a list of strings", f->name);
		return 0; /* reported; -1 is for running out of memory */
	}
	arr = own_calloc(c, v->n, sizeof *arr);
	if (!arr)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i]->kind != YN_SCALAR) {
			err(c, v->items[i], owner, "items of '%s' must be strings, not %s", f->name,
			    kind_name(v->items[i]));
			continue;
		}
		if (!(arr[k++] = own_str(c, v->items[i]->str)))
			return -1;
	}
	*out = arr;
	*n = k;
	return 0;
}

static int valid_id(const char *s, int upper)
{
	const char *p = s;

	if (upper ? !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) : !(*p >= 'a' && *p <= 'z'))
		return 0;
	for (p++; *p; p++) {
		int ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
		if (upper)
			ok = ok || (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '.';
		if (!ok)
			return 0;
	}
	return p - s <= 128;
}

/* ---------------- signals ---------------- */

static int add_ref(ms_compiler *c, const ynode *n, const char *name, size_t *slot,
		   const char *owner, ms_on on)
{
	sigref *r;

	if (ms_grow(&c->refs, &c->caprefs, c->nrefs + 1, sizeof *c->refs))
		return -1;
	r = &c->refs[c->nrefs];
	r->name = ms_strdup(name);
	if (!r->name)
		return -1;
	r->slot = slot;
	r->file = c->file;
	r->line = n->line;
	r->col = n->col;
	r->owner = owner;
	r->on = on;
	c->nrefs++;
	return 0;
}

static ms_sig *new_sig(ms_compiler *c, size_t *index)
{
	ms_rules *r = c->r;

	if (ms_grow(&r->sigs, &c->capsigs, r->nsigs + 1, sizeof *r->sigs))
		return NULL;
	*index = r->nsigs;
	memset(&r->sigs[r->nsigs], 0, sizeof *r->sigs);
	return &r->sigs[r->nsigs++];
}

static int same_list(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/* Compile one regex of a signal; `declared` lists the strings the rule
 * says every match contains (normalised, owned), if any. */
static int compile_pattern(ms_compiler *c, ynode *n, size_t sigi, const char *owner,
			   char **declared, size_t ndeclared)
{
	ms_rules *r = c->r;
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code;
	ms_pattern *p;
	size_t minlen = 0;
	uint32_t hash = 0;
	uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS;

	if (n->kind != YN_SCALAR || !*n->str) {
		err(c, n, owner, "a pattern must be a non-empty string");
		return 0;
	}
	/* The same regex in several signals (or several copies of a pack) is
	 * compiled once and matched once per text. */
	{
		uint32_t h = 2166136261u;
		for (size_t i = 0; i < n->len; i++)
			h = (h ^ (unsigned char)n->str[i]) * 16777619u;
		for (size_t i = 0; i < r->npats; i++) {
			ms_pattern *q = &r->pats[i];
			if (q->hash != h || q->canon != i || strcmp(q->src, n->str) != 0 ||
			    !same_list(q->declared, q->ndeclared, declared, ndeclared))
				continue;
			if (ms_grow(&r->pats, &c->cappats, r->npats + 1, sizeof *r->pats))
				return -1;
			q = &r->pats[i];
			p = &r->pats[r->npats];
			*p = *q;
			p->sig = sigi;
			p->canon = i;
			r->npats++;
			return 0;
		}
		hash = h;
	}
	/* Windowed runs (see scan.c) need the offset limit, which must be
	 * enabled at compile time; it costs a regex without required strings,
	 * which never uses it, one test per call. */
	if (!c->opts.no_prefilter)
		options |= PCRE2_USE_OFFSET_LIMIT;
	code = pcre2_compile((PCRE2_SPTR)n->str, n->len, options, &errcode, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		err(c, n, owner, "invalid regex in '%s' at offset %zu of the pattern: %s", owner,
		    (size_t)erroff, (const char *)msg);
		return 0;
	}
	pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen);
	if (minlen == 0) {
		err(c, n, owner, "regex in '%s' can match the empty string", owner);
		pcre2_code_free(code);
		return 0;
	}
	if (ms_grow(&r->pats, &c->cappats, r->npats + 1, sizeof *r->pats)) {
		pcre2_code_free(code);
		return -1;
	}
	p = &r->pats[r->npats];
	memset(p, 0, sizeof *p);
	p->code = code;
	r->npats++;
	p->sig = sigi;
	p->src = own_str(c, n->str);
	if (!p->src)
		return -1;
	p->file = c->file;
	p->line = n->line;
	p->col = n->col;
	p->declared = declared;
	p->ndeclared = ndeclared;
	p->canon = r->npats - 1;
	p->hash = hash;
	return 0;
}

static const char *const neg_modes[] = { "keep", "exclude" };

static int parse_negation(ms_compiler *c, const field *f, const char *owner)
{
	const char *s = get_str(c, f, owner);

	if (!s)
		return -2;
	for (int i = 0; i < 2; i++)
		if (strcmp(s, neg_modes[i]) == 0)
			return i;
	err(c, f->val, owner, "'negation' must be 'exclude' or 'keep', not '%s'", s);
	return -2;
}

/* Keywords and patterns of a signal (named or inline).  Returns -1 on OOM. */
/* A pattern is a regex, or a mapping {regex, requires}: `requires` names
 * strings one of which every match contains, for regexes whose required
 * strings the analysis cannot find (matched like keywords: case and runs
 * of white space do not matter). */
static int parse_pattern(ms_compiler *c, ynode *n, size_t sigi, const char *owner)
{
	field f[] = { { "regex" }, { "requires" }, { NULL } };
	char **raw = NULL, **declared = NULL;
	size_t nraw = 0, k = 0;

	if (n->kind != YN_MAP)
		return compile_pattern(c, n, sigi, owner, NULL, 0);
	if (get_fields(c, n, "a pattern", owner, f))
		return 0;
	if (!f[0].val) {
		err(c, n, owner, "a pattern given as a mapping needs 'regex'");
		return 0;
	}
	if (get_strlist(c, &f[1], owner, &raw, &nraw))
		return -1;
	if (f[1].val && !nraw) {
		err(c, f[1].val, owner, "'requires' must name at least one string");
		return 0;
	}
	if (nraw) {
		declared = own_calloc(c, nraw + 1, sizeof *declared);
		if (!declared)
			return -1;
	}
	for (size_t i = 0; i < nraw; i++) {
		size_t nl;
		char *norm = own(c, ms_norm_keyword(raw[i], strlen(raw[i]), &nl));

		if (!norm)
			return -1;
		if (!nl) {
			err(c, f[1].val, owner, "a required string must not be empty");
			return 0;
		}
		declared[k++] = norm;
	}
	return compile_pattern(c, f[0].val, sigi, owner, declared, k);
}

static int parse_matchers(ms_compiler *c, ms_sig *sg, size_t sigi, field *kw, field *pat,
			  const char *owner)
{
	ms_rules *r = c->r;

	if (kw->val) {
		if (kw->val->kind != YN_SEQ) {
			err(c, kw->val, owner, "'keywords' must be a list of strings");
		} else {
			sg->kw = own_calloc(c, kw->val->n, sizeof *sg->kw);
			if (!sg->kw)
				return -1;
			for (size_t i = 0; i < kw->val->n; i++) {
				ynode *k = kw->val->items[i];
				size_t nl;
				char *norm;

				if (k->kind != YN_SCALAR) {
					err(c, k, owner, "a keyword must be a string, not %s", kind_name(k));
					continue;
				}
				norm = own(c, ms_norm_keyword(k->str, k->len, &nl));
				if (!norm)
					return -1;
				if (!nl) {
					err(c, k, owner, "a keyword must not be empty");
					continue;
				}
				if (memchr(k->str, '\0', k->len)) {
					err(c, k, owner, "a keyword must not contain NUL");
					continue;
				}
				sg->kw[sg->nkw++] = norm;
			}
		}
	}
	if (pat->val) {
		if (pat->val->kind != YN_SEQ) {
			err(c, pat->val, owner, "'patterns' must be a list of strings");
		} else {
			size_t first = r->npats;
			for (size_t i = 0; i < pat->val->n; i++)
				if (parse_pattern(c, pat->val->items[i], sigi, owner))
					return -1;
			/* Patterns of one signal are contiguous in rules->pats. */
			sg->npats = r->npats - first;
			if (sg->npats) {
				sg->pats = own_calloc(c, sg->npats, sizeof *sg->pats);
				if (!sg->pats)
					return -1;
				for (size_t i = 0; i < sg->npats; i++)
					sg->pats[i] = first + i;
			}
		}
	}
	return 0;
}

static int parse_examples_list(ms_compiler *c, ynode *list, int expect, int for_rule,
			       const char *owner, ms_example **ex, size_t *nex, size_t *cap);

static int parse_signal(ms_compiler *c, ynode *n)
{
	field f[] = { { "id" }, { "description" }, { "on" }, { "keywords" }, { "patterns" },
		      { "negation" }, { "negation_window" }, { "examples" }, { NULL } };
	const char *id, *on;
	ms_sig *sg;
	size_t sigi, cap = 0;
	char *owner;

	if (get_fields(c, n, "a signal", NULL, f))
		return 0;
	id = need_str(c, &f[0], n, "a signal", NULL);
	if (id && !valid_id(id, 0)) {
		err(c, f[0].val, id, "signal id '%s' must match [a-z][a-z0-9_]*", id);
		id = NULL;
	}
	owner = own_str(c, id ? id : "?");
	sg = new_sig(c, &sigi);
	if (!owner || !sg)
		return -1;
	sg->named = 1;
	sg->info.id = owner;
	sg->info.file = c->file;
	sg->info.line = n->line;
	sg->col = n->col;
	sg->negation_window = 3;
	if (f[1].val) {
		const char *d = get_str(c, &f[1], owner);
		if (d && !(sg->info.description = own_str(c, d)))
			return -1;
	}
	on = get_str(c, &f[2], owner);
	if (on) {
		if (strcmp(on, "prompt") == 0)
			sg->info.on_prompt = 1;
		else if (strcmp(on, "response") != 0)
			err(c, f[2].val, owner, "'on' must be 'response' or 'prompt', not '%s'", on);
	}
	if (parse_matchers(c, sg, sigi, &f[3], &f[4], owner))
		return -1;
	sg = &c->r->sigs[sigi]; /* parse_matchers does not move sigs, but be explicit */
	if (!sg->nkw && !sg->npats && !f[3].val && !f[4].val)
		err(c, n, owner, "signal '%s' has neither keywords nor patterns", owner);
	if (f[5].val) {
		int m = parse_negation(c, &f[5], owner);
		if (m >= 0)
			sg->negation = m;
	}
	if (f[6].val) {
		long w = get_uint(c, &f[6], 1, 20, owner);
		if (w > 0)
			sg->negation_window = (unsigned)w;
	}
	if (f[7].val) {
		field ef[] = { { "match" }, { "no_match" }, { NULL } };
		if (!get_fields(c, f[7].val, "signal examples", owner, ef)) {
			for (int k = 0; k < 2; k++)
				if (ef[k].val &&
				    parse_examples_list(c, ef[k].val, k == 0, 0, owner, &sg->ex,
							&sg->nex, &cap))
					return -1;
		}
		if (sg->ex && !own(c, sg->ex))
			return -1;
	}
	return 0;
}

/* ---------------- conditions ---------------- */

static ms_cond *parse_cond(ms_compiler *c, ynode *n, const char *owner);

static ms_cond *new_cond(ms_compiler *c, ms_cond_type t)
{
	ms_cond *k = own_calloc(c, 1, sizeof *k);

	if (k) {
		k->type = t;
		k->min = 1;
		k->max = UINT_MAX;
		k->negation = -1;
	}
	return k;
}

static ms_cond *parse_cond_list(ms_compiler *c, ynode *v, ms_cond_type t, const char *name,
				const char *owner)
{
	ms_cond *k;

	if (v->kind != YN_SEQ || v->n == 0) {
		err(c, v, owner, "'%s' must be a non-empty list of conditions", name);
		return NULL;
	}
	k = new_cond(c, t);
	if (!k || !(k->kids = own_calloc(c, v->n, sizeof *k->kids)))
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		ms_cond *kid = parse_cond(c, v->items[i], owner);
		if (kid)
			k->kids[k->nkids++] = kid;
	}
	return k;
}

static ms_cond *parse_cond(ms_compiler *c, ynode *n, const char *owner)
{
	field f[] = { { "signal" }, { "keywords" }, { "patterns" }, { "all" }, { "any" },
		      { "not" }, { "on" }, { "min" }, { "max" }, { "within" }, { "negation" },
		      { "negation_window" }, { "words" }, { NULL } };
	ms_cond *k;
	int forms = 0;

	if (n->kind == YN_SCALAR) {
		k = new_cond(c, C_SIGNAL);
		if (k && add_ref(c, n, n->str, &k->sig, owner, ON_DEFAULT))
			return NULL;
		return k;
	}
	if (get_fields(c, n, "a condition", owner, f))
		return NULL;
	forms = !!f[0].val + !!(f[1].val || f[2].val) + !!f[3].val + !!f[4].val + !!f[5].val +
		!!f[12].val;
	if (forms != 1) {
		err(c, n, owner,
		    forms ? "a condition must have exactly one of signal, keywords/patterns, all, any, not, words"
			  : "a condition needs one of signal, keywords/patterns, all, any, not, words");
		return NULL;
	}
	if (f[12].val) {
		field wf[] = { { "min" }, { "max" }, { NULL } };

		k = new_cond(c, C_WORDS);
		if (!k)
			return NULL;
		if (!get_fields(c, f[12].val, "'words'", owner, wf)) {
			if (!wf[0].val && !wf[1].val)
				err(c, f[12].val, owner, "'words' needs 'min' or 'max'");
			if (wf[0].val) {
				long v = get_uint(c, &wf[0], 0, 100000000, owner);
				if (v >= 0)
					k->min = (unsigned)v;
			} else {
				k->min = 0;
			}
			if (wf[1].val) {
				long v = get_uint(c, &wf[1], 0, 100000000, owner);
				if (v >= 0)
					k->max = (unsigned)v;
				if (v >= 0 && k->min > k->max)
					err(c, wf[1].val, owner, "'max' (%ld) is below 'min' (%u)", v, k->min);
			}
		}
		for (int i = 7; i <= 11; i++)
			if (f[i].val)
				err(c, f[i].key, owner, "'%s' applies to a signal, not to words", f[i].name);
		if (f[6].val) {
			const char *on = get_str(c, &f[6], owner);
			if (on && strcmp(on, "prompt") == 0) {
				k->on = ON_PROMPT;
				c->r->any_prompt = 1;
			} else if (on && strcmp(on, "response") == 0) {
				k->on = ON_RESPONSE;
			} else if (on) {
				err(c, f[6].val, owner, "'on' must be 'response' or 'prompt', not '%s'", on);
			}
		}
		return k;
	}
	if (f[3].val)
		k = parse_cond_list(c, f[3].val, C_ALL, "all", owner);
	else if (f[4].val)
		k = parse_cond_list(c, f[4].val, C_ANY, "any", owner);
	else if (f[5].val) {
		ms_cond *kid = parse_cond(c, f[5].val, owner);
		k = kid ? new_cond(c, C_NOT) : NULL;
		if (k) {
			k->kids = own_calloc(c, 1, sizeof *k->kids);
			if (!k->kids)
				return NULL;
			k->kids[0] = kid;
			k->nkids = 1;
		}
	} else {
		k = new_cond(c, C_SIGNAL);
		if (!k)
			return NULL;
		if (f[0].val) {
			const char *name = get_str(c, &f[0], owner);
			if (name && add_ref(c, f[0].val, name, &k->sig, owner, ON_DEFAULT))
				return NULL;
		} else {
			/* Inline anonymous signal. */
			char idbuf[200];
			size_t sigi;
			ms_sig *sg = new_sig(c, &sigi);

			if (!sg)
				return NULL;
			snprintf(idbuf, sizeof idbuf, "%s (inline, line %u)", owner, n->line);
			sg->info.id = own_str(c, idbuf);
			sg->info.file = c->file;
			sg->info.line = n->line;
			sg->negation_window = 3;
			if (!sg->info.id || parse_matchers(c, sg, sigi, &f[1], &f[2], owner))
				return NULL;
			k->sig = sigi;
		}
	}
	if (!k)
		return NULL;
	if (k->type != C_SIGNAL) {
		for (int i = 6; f[i].name; i++)
			if (f[i].val)
				err(c, f[i].key, owner, "'%s' applies to a signal, not to all/any/not",
				    f[i].name);
		return k;
	}
	if (f[6].val) {
		const char *on = get_str(c, &f[6], owner);
		if (on && strcmp(on, "prompt") == 0)
			k->on = ON_PROMPT;
		else if (on && strcmp(on, "response") == 0)
			k->on = ON_RESPONSE;
		else if (on)
			err(c, f[6].val, owner, "'on' must be 'response' or 'prompt', not '%s'", on);
	}
	if (f[7].val) {
		long v = get_uint(c, &f[7], 0, 100000, owner);
		if (v >= 0)
			k->min = (unsigned)v;
	}
	if (f[8].val) {
		long v = get_uint(c, &f[8], 0, 100000, owner);
		if (v >= 0)
			k->max = (unsigned)v;
		if (v >= 0 && k->min > k->max)
			err(c, f[8].val, owner, "'max' (%ld) is below 'min' (%u)", v, k->min);
	}
	if (f[9].val) {
		field wf[] = { { "chars" }, { "sentences" }, { NULL } };
		if (!get_fields(c, f[9].val, "'within'", owner, wf)) {
			if (!wf[0].val && !wf[1].val)
				err(c, f[9].val, owner, "'within' needs 'chars' or 'sentences'");
			if (wf[0].val) {
				long v = get_uint(c, &wf[0], 1, 100000000, owner);
				if (v > 0)
					k->within_chars = (size_t)v;
			}
			if (wf[1].val) {
				long v = get_uint(c, &wf[1], 1, MS_MAX_WITHIN_SENTENCES, owner);
				if (v > 0)
					k->within_sentences = (size_t)v;
			}
		}
	}
	if (f[10].val) {
		int m = parse_negation(c, &f[10], owner);
		if (m >= 0)
			k->negation = m;
	}
	if (f[11].val) {
		long w = get_uint(c, &f[11], 1, 20, owner);
		if (w > 0)
			k->negation_window = (unsigned)w;
	}
	/* References made through this condition evaluate the signal where it says. */
	if (k->on != ON_DEFAULT && f[0].val && c->nrefs)
		c->refs[c->nrefs - 1].on = k->on;
	if (k->on == ON_PROMPT)
		c->r->any_prompt = 1;
	return k;
}

/* ---------------- examples ---------------- */

static int parse_example(ms_compiler *c, ynode *n, int expect, int for_rule, const char *owner,
			 ms_example *ex)
{
	memset(ex, 0, sizeof *ex);
	ex->expect = expect;
	ex->file = (char *)c->file;
	ex->line = n->line;
	ex->col = n->col;
	if (n->kind == YN_SCALAR) {
		ex->response = own_str(c, n->str);
		return ex->response ? 0 : -1;
	}
	if (!for_rule) {
		err(c, n, owner, "a signal example must be a string");
		return 1;
	}
	{
		field f[] = { { "response" }, { "prompt" }, { "tags" }, { "model" },
			      { "model_group" }, { "weights" }, { NULL } };
		const char *s;

		if (get_fields(c, n, "an example", owner, f))
			return 1;
		if (!f[0].val) {
			err(c, n, owner, "an example needs a 'response'");
			return 1;
		}
		if ((s = get_str(c, &f[0], owner)) && !(ex->response = own_str(c, s)))
			return -1;
		if ((s = get_str(c, &f[1], owner)) && !(ex->prompt = own_str(c, s)))
			return -1;
		if (f[2].val) {
			if (get_strlist(c, &f[2], owner, &ex->tags, &ex->ntags))
				return -1;
			ex->have_tags = 1;
		}
		if ((s = get_str(c, &f[3], owner)) && !(ex->model = own_str(c, s)))
			return -1;
		if ((s = get_str(c, &f[4], owner)) && !(ex->model_group = own_str(c, s)))
			return -1;
		if ((s = get_str(c, &f[5], owner)) && !(ex->weights = own_str(c, s)))
			return -1;
		return ex->response ? 0 : 1;
	}
}

static int parse_examples_list(ms_compiler *c, ynode *list, int expect, int for_rule,
			       const char *owner, ms_example **ex, size_t *nex, size_t *cap)
{
	if (list->kind != YN_SEQ) {
		err(c, list, owner, "examples must be a list");
		return 0;
	}
	for (size_t i = 0; i < list->n; i++) {
		int rc;

		if (ms_grow(ex, cap, *nex + 1, sizeof **ex))
			return -1;
		rc = parse_example(c, list->items[i], expect, for_rule, owner, &(*ex)[*nex]);
		if (rc < 0)
			return -1;
		if (rc == 0)
			(*nex)++;
	}
	return 0;
}

/* ---------------- rules ---------------- */

static int parse_rule(ms_compiler *c, ynode *n)
{
	field f[] = { { "id" }, { "dimension" }, { "severity" }, { "title" }, { "message" },
		      { "references" }, { "scope" }, { "when" }, { "require" }, { "forbid" },
		      { "examples" }, { NULL } };
	ms_rules *r = c->r;
	ms_rule_int *ru;
	const char *id, *s;
	char *owner;
	size_t cap = 0;

	if (get_fields(c, n, "a rule", NULL, f))
		return 0;
	id = need_str(c, &f[0], n, "a rule", NULL);
	if (id && !valid_id(id, 1)) {
		err(c, f[0].val, id, "rule id '%s' must match [A-Za-z][A-Za-z0-9_.-]*", id);
		id = NULL;
	}
	owner = own_str(c, id ? id : "?");
	if (!owner || ms_grow(&r->rules, &c->caprules, r->nrules + 1, sizeof *r->rules))
		return -1;
	ru = &r->rules[r->nrules++];
	memset(ru, 0, sizeof *ru);
	ru->pub.id = owner;
	ru->pub.file = c->file;
	ru->pub.line = n->line;
	ru->col = n->col;
	if ((s = need_str(c, &f[1], n, "a rule", owner))) {
		int d = ms_dimension_parse(s);
		if (d < 0)
			err(c, f[1].val, owner,
			    "unknown dimension '%s' (expected safety, professionalism, fairness, humanism or regulation)",
			    s);
		else
			ru->pub.dimension = (ms_dimension)d;
	}
	if ((s = need_str(c, &f[2], n, "a rule", owner))) {
		int v = ms_severity_parse(s);
		if (v < 0)
			err(c, f[2].val, owner,
			    "unknown severity '%s' (expected info, low, medium, high or critical)", s);
		else
			ru->pub.severity = (ms_severity)v;
	}
	if ((s = need_str(c, &f[3], n, "a rule", owner)) && !(ru->pub.title = own_str(c, s)))
		return -1;
	if ((s = need_str(c, &f[4], n, "a rule", owner)) && !(ru->pub.message = own_str(c, s)))
		return -1;
	if (!ru->pub.title)
		ru->pub.title = owner;
	if (!ru->pub.message)
		ru->pub.message = ru->pub.title;
	if (f[5].val) {
		if (get_strlist(c, &f[5], owner, &ru->refs, &ru->pub.nreferences))
			return -1;
		ru->pub.references = (const char *const *)ru->refs;
	}
	if (f[6].val) {
		field sf[] = { { "tags" }, { "prompt_signals" }, { "model" }, { "model_group" },
			       { "weights" }, { NULL } };
		if (!get_fields(c, f[6].val, "'scope'", owner, sf)) {
			char **psig = NULL;

			if (get_strlist(c, &sf[0], owner, &ru->scope_tags, &ru->nscope_tags) ||
			    get_strlist(c, &sf[1], owner, &psig, &ru->nscope_psig) ||
			    get_strlist(c, &sf[2], owner, &ru->scope_model, &ru->nscope_model) ||
			    get_strlist(c, &sf[3], owner, &ru->scope_group, &ru->nscope_group) ||
			    get_strlist(c, &sf[4], owner, &ru->scope_weights, &ru->nscope_weights))
				return -1;
			if (ru->nscope_psig) {
				ru->scope_psig = own_calloc(c, ru->nscope_psig, sizeof *ru->scope_psig);
				if (!ru->scope_psig)
					return -1;
				for (size_t i = 0; i < ru->nscope_psig; i++)
					if (add_ref(c, sf[1].val, psig[i], &ru->scope_psig[i], owner,
						    ON_PROMPT))
						return -1;
				r->any_prompt = 1;
			}
			for (size_t i = 0; i < ru->nscope_weights; i++)
				if (strcmp(ru->scope_weights[i], "open") &&
				    strcmp(ru->scope_weights[i], "closed"))
					err(c, sf[4].val, owner,
					    "'weights' must be 'open' or 'closed', not '%s'",
					    ru->scope_weights[i]);
		}
	}
	if (f[7].val)
		ru->when = parse_cond(c, f[7].val, owner);
	if (!!f[8].val == !!f[9].val) {
		err(c, n, owner, "a rule needs exactly one of 'require' and 'forbid'");
	} else {
		ru->require = !!f[8].val;
		ru = &r->rules[r->nrules - 1];
		ru->cond = parse_cond(c, f[8].val ? f[8].val : f[9].val, owner);
	}
	if (f[10].val) {
		field ef[] = { { "fire" }, { "pass" }, { NULL } };
		if (!get_fields(c, f[10].val, "rule examples", owner, ef)) {
			for (int k = 0; k < 2; k++)
				if (ef[k].val && parse_examples_list(c, ef[k].val, k == 0, 1, owner,
								     &ru->ex, &ru->nex, &cap))
					return -1;
		}
		if (ru->ex && !own(c, ru->ex))
			return -1;
	}
	return 0;
}

/* ---------------- files ---------------- */

static int compile_tree(ms_compiler *c, ynode *root)
{
	field f[] = { { "signals" }, { "rules" }, { NULL } };

	if (get_fields(c, root, "a rule file", NULL, f))
		return 0;
	for (int k = 0; k < 2; k++) {
		ynode *v = f[k].val;
		if (!v)
			continue;
		if (v->kind != YN_SEQ) {
			err(c, v, NULL, "'%s' must be a list", f[k].name);
			continue;
		}
		for (size_t i = 0; i < v->n; i++)
			if ((k == 0 ? parse_signal(c, v->items[i]) : parse_rule(c, v->items[i])))
				return -1;
	}
	return 0;
}

ms_status ms_compiler_add_string(ms_compiler *c, const char *name, const char *yaml, size_t len)
{
	ynode *root;
	int rc;

	if (!c || c->sealed || !name || (!yaml && len))
		return MS_ERR_USAGE;
	c->file = own_str(c, name);
	if (!c->file)
		return MS_ERR_NOMEM;
	root = ms_ytree_parse(yaml ? yaml : "", len, yreport, c);
	if (!root)
		return MS_ERR_RULES;
	rc = compile_tree(c, root);
	ms_ytree_free(root);
	if (rc)
		return MS_ERR_NOMEM;
	return c->errors ? MS_ERR_RULES : MS_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static ms_status add_file(ms_compiler *c, const char *path)
{
	char *buf;
	size_t len;
	ms_status st;

	if (!ms_read_file(path, &buf, &len, MS_YAML_MAX_FILE)) {
		const char *why = errno == EFBIG ? "file larger than 16 MiB" : strerror(errno);
		c->file = own_str(c, path);
		err(c, NULL, NULL, "cannot read rule file: %s", why);
		return MS_ERR_IO;
	}
	st = ms_compiler_add_string(c, path, buf, len);
	free(buf);
	return st;
}

ms_status ms_compiler_add_path(ms_compiler *c, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	ms_status rc = MS_OK;

	if (!c || c->sealed || !path)
		return MS_ERR_USAGE;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return add_file(c, path);
	d = opendir(path);
	if (!d) {
		c->file = own_str(c, path);
		err(c, NULL, NULL, "cannot open rule directory: %s", strerror(errno));
		return MS_ERR_IO;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char *full;

		if (e->d_name[0] == '.')
			continue;
		if (!((l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0) ||
		      (l > 4 && strcmp(e->d_name + l - 4, ".yml") == 0)))
			continue;
		if (ms_grow(&names, &cap, n + 1, sizeof *names)) {
			rc = MS_ERR_NOMEM;
			break;
		}
		full = malloc(strlen(path) + l + 2);
		if (!full) {
			rc = MS_ERR_NOMEM;
			break;
		}
		sprintf(full, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		names[n++] = full;
	}
	closedir(d);
	if (rc == MS_OK && n == 0) {
		c->file = own_str(c, path);
		err(c, NULL, NULL, "no *.yaml rule files in directory");
		rc = MS_ERR_RULES;
	}
	if (rc == MS_OK) {
		qsort(names, n, sizeof *names, cmp_str);
		for (size_t i = 0; i < n; i++) {
			ms_status r1 = add_file(c, names[i]);
			if (r1 == MS_ERR_NOMEM) {
				rc = r1;
				break;
			}
			if (r1 != MS_OK && rc == MS_OK)
				rc = r1;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

ms_status ms_compiler_create(ms_compiler **out, const ms_compile_options *opts, ms_diag_fn diag,
			     void *userdata)
{
	ms_compiler *c;

	if (!out)
		return MS_ERR_USAGE;
	*out = NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return MS_ERR_NOMEM;
	c->r = calloc(1, sizeof *c->r);
	if (!c->r) {
		free(c);
		return MS_ERR_NOMEM;
	}
	if (opts)
		c->opts = *opts;
	c->r->match_limit = c->opts.match_limit ? c->opts.match_limit : 1000000;
	c->r->no_prefilter = c->opts.no_prefilter;
	c->diag = diag;
	c->ud = userdata;
	*out = c;
	return MS_OK;
}

void ms_compiler_destroy(ms_compiler *c)
{
	if (!c)
		return;
	ms_rules_destroy(c->r);
	for (size_t i = 0; i < c->nrefs; i++)
		free(c->refs[i].name);
	free(c->refs);
	free(c);
}

void ms_rules_destroy(ms_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->npats; i++)
		if (r->pats[i].canon == i)
			pcre2_code_free(r->pats[i].code);
	ms_ac_free(r->ac);
	for (size_t i = 0; i < r->nallocs; i++)
		free(r->allocs[i]);
	free(r->allocs);
	free(r->reqsets);
	free(r->patreq);
	for (int k = 0; k < META_KINDS; k++)
		free(r->meta[k]);
	free(r->pats);
	free(r->sigs);
	free(r->rules);
	free(r->acents);
	free(r->named);
	free(r);
}

/* ---------------- sealing ---------------- */

static void report_dup(ms_compiler *c, const char *what, const char *id, const char *file,
		       unsigned line, unsigned col, const char *ffile, unsigned fline)
{
	ynode pos = { 0 };

	c->file = file;
	pos.line = line;
	pos.col = col;
	err(c, &pos, id, "duplicate %s id '%s' (first defined at %s:%u)", what, id, ffile, fline);
}

static void check_duplicates(ms_compiler *c)
{
	ms_rules *r = c->r;

	/* Quadratic, but rule packs are small and this runs once. */
	for (size_t i = 0; i < r->nsigs; i++) {
		if (!r->sigs[i].named || strcmp(r->sigs[i].info.id, "?") == 0)
			continue;
		for (size_t j = 0; j < i; j++)
			if (r->sigs[j].named && strcmp(r->sigs[i].info.id, r->sigs[j].info.id) == 0) {
				report_dup(c, "signal", r->sigs[i].info.id, r->sigs[i].info.file,
					   r->sigs[i].info.line, r->sigs[i].col, r->sigs[j].info.file,
					   r->sigs[j].info.line);
				break;
			}
	}
	for (size_t i = 0; i < r->nrules; i++) {
		if (strcmp(r->rules[i].pub.id, "?") == 0)
			continue;
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->rules[i].pub.id, r->rules[j].pub.id) == 0) {
				report_dup(c, "rule", r->rules[i].pub.id, r->rules[i].pub.file,
					   r->rules[i].pub.line, r->rules[i].col, r->rules[j].pub.file,
					   r->rules[j].pub.line);
				break;
			}
	}
}

static int resolve_refs(ms_compiler *c)
{
	ms_rules *r = c->r;

	for (size_t i = 0; i < c->nrefs; i++) {
		sigref *ref = &c->refs[i];
		size_t found = (size_t)-1;

		for (size_t j = 0; j < r->nsigs; j++)
			if (r->sigs[j].named && strcmp(r->sigs[j].info.id, ref->name) == 0) {
				found = j;
				break;
			}
		if (found == (size_t)-1) {
			ynode pos = { 0 };
			pos.line = ref->line;
			pos.col = ref->col;
			c->file = ref->file;
			err(c, &pos, ref->owner, "undefined signal '%s'", ref->name);
			*ref->slot = 0;
			continue;
		}
		*ref->slot = found;
		if (ref->on == ON_PROMPT || (ref->on == ON_DEFAULT && r->sigs[found].info.on_prompt))
			r->any_prompt = 1;
	}
	return 0;
}

static int build_automaton(ms_compiler *c)
{
	ms_rules *r = c->r;
	ms_ac_builder *b = ms_ac_builder_new();
	size_t cap = 0;

	if (!b)
		return -1;
	for (size_t i = 0; i < r->nsigs; i++) {
		ms_sig *sg = &r->sigs[i];
		for (size_t k = 0; k < sg->nkw; k++) {
			const unsigned char *kw = (const unsigned char *)sg->kw[k];
			size_t len = strlen(sg->kw[k]);

			if (ms_grow(&r->acents, &cap, r->nacents + 1, sizeof *r->acents) ||
			    ms_ac_builder_add(b, sg->kw[k], len, (uint32_t)r->nacents))
				goto fail;
			r->acents[r->nacents++] = (ms_acent){ 0, i, len,
							       ms_is_word_byte_start(kw, len),
							       ms_is_word_byte_end(kw, len) };
		}
	}
	if (!r->no_prefilter) {
		/* One automaton entry and one occurrence list per distinct set:
		 * packs repeat sets (a list of professions after each verb of
		 * referral), and each would otherwise report every occurrence. */
		size_t capsets = 0;

		for (size_t i = 0; i < r->npats; i++) {
			ms_pattern *p = &r->pats[i];

			if (p->canon != i)
				continue;
			for (size_t q = 0; q < p->nreq; q++) {
				ms_reqset *rs = &p->req[q];
				size_t g;

				for (g = 0; g < r->nreqs; g++)
					if (same_list(r->reqsets[g]->strs, r->reqsets[g]->n, rs->strs, rs->n))
						break;
				rs->id = g;
				if (g < r->nreqs)
					continue;
				if (ms_grow(&r->reqsets, &capsets, r->nreqs + 1, sizeof *r->reqsets))
					goto fail;
				r->reqsets[r->nreqs++] = rs;
				for (size_t k = 0; k < rs->n; k++) {
					size_t len = strlen(rs->strs[k]);
					if (ms_grow(&r->acents, &cap, r->nacents + 1, sizeof *r->acents) ||
					    ms_ac_builder_add(b, rs->strs[k], len, (uint32_t)r->nacents))
						goto fail;
					r->acents[r->nacents++] = (ms_acent){ 1, g, len, 0, 0 };
				}
			}
		}
	}
	r->patreq = calloc(r->npats ? r->npats : 1, sizeof *r->patreq);
	if (!r->patreq)
		goto fail;
	for (size_t i = 0; i < r->npats; i++) {
		const ms_pattern *p = &r->pats[i];
		if (!p->windowed)
			continue;
		r->patreq[i].nreq = (uint32_t)p->nreq;
		for (size_t q = 0; q < p->nreq; q++)
			r->patreq[i].id[q] = (uint32_t)p->req[q].id;
	}
	r->ac = ms_ac_build(b);
	return r->ac ? 0 : -1;
fail:
	ms_ac_builder_free(b);
	return -1;
}

/* A rule's scope values of one kind. */
static char **rule_meta(ms_rule_int *ru, int kind, size_t *n)
{
	switch (kind) {
	case META_TAGS:
		*n = ru->nscope_tags;
		return ru->scope_tags;
	case META_MODEL:
		*n = ru->nscope_model;
		return ru->scope_model;
	case META_GROUP:
		*n = ru->nscope_group;
		return ru->scope_group;
	default:
		*n = ru->nscope_weights;
		return ru->scope_weights;
	}
}

/* Number the distinct scope values of each kind, so that a record is looked
 * up once per kind and each rule's scope is tested with one AND. */
static int index_meta(ms_compiler *c)
{
	ms_rules *r = c->r;

	for (int kind = 0; kind < META_KINDS; kind++) {
		size_t cap = 0;

		for (size_t i = 0; i < r->nrules; i++) {
			size_t n;
			char **list = rule_meta(&r->rules[i], kind, &n);

			for (size_t k = 0; k < n; k++) {
				size_t j;

				for (j = 0; j < r->nmeta[kind]; j++)
					if (strcmp(r->meta[kind][j], list[k]) == 0)
						break;
				if (j == r->nmeta[kind]) {
					if (ms_grow(&r->meta[kind], &cap, r->nmeta[kind] + 1,
						    sizeof *r->meta[kind]))
						return -1;
					r->meta[kind][r->nmeta[kind]++] = list[k];
				}
				if (j < 64)
					r->rules[i].metamask[kind] |= (uint64_t)1 << j;
			}
		}
		r->meta_as_bits[kind] = r->nmeta[kind] <= 64;
	}
	return 0;
}

/* The work on each distinct regex that needs no diagnostics in source
 * order: its required sets (literals.c), then the JIT.  The regexes are
 * independent, so each step is shared out among as many threads as there
 * are cores (up to 8), and the automaton, which needs the required sets, is
 * built while the other threads run the JIT: together this is most of the
 * time it takes to compile a pack. */
#define MAX_PREP_THREADS 8

enum { PREP_SETS, PREP_JIT };

typedef struct prepjob {
	ms_pattern *pats;
	size_t *todo;       /* indices of the distinct patterns */
	size_t n;
	ms_reqset (*sets)[MS_MAX_REQSETS]; /* per entry of todo */
	int *nsets;         /* per entry: how many sets, -1: out of memory */
	int *jit;           /* per entry: pcre2_jit_compile's result */
	int step;           /* PREP_SETS or PREP_JIT */
	atomic_size_t next; /* the next entry of todo to take */
	pthread_t th[MAX_PREP_THREADS];
	size_t nth;
} prepjob;

/* The rule's own required strings become one more set (in place of the
 * weakest found when there is no room).  Nothing bounds where they stand
 * in a match.  Returns the number of sets, or -1 when memory runs out. */
static int add_declared(const ms_pattern *p, ms_reqset *sets, int n)
{
	ms_reqset d = { calloc(p->ndeclared + 1, sizeof(char *)), 0, -1, 0 };

	if (!d.strs)
		goto oom;
	for (size_t i = 0; i < p->ndeclared; i++) {
		if (!(d.strs[i] = ms_strdup(p->declared[i])))
			goto oom;
		d.n++;
	}
	if (n == MS_MAX_REQSETS)
		ms_reqset_free(&sets[--n]);
	sets[n++] = d;
	return n;
oom:
	ms_reqset_free(&d);
	while (n > 0)
		ms_reqset_free(&sets[--n]);
	return -1;
}

static void *prep_worker(void *arg)
{
	prepjob *j = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		ms_pattern *p;

		if (i >= j->n)
			return NULL;
		p = &j->pats[j->todo[i]];
		if (j->step == PREP_SETS) {
			j->nsets[i] = ms_regex_required(p->src, j->sets[i]);
			if (p->ndeclared && j->nsets[i] >= 0)
				j->nsets[i] = add_declared(p, j->sets[i], j->nsets[i]);
		} else
			j->jit[i] = pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
	}
}

/* Start a step on the other threads; the caller joins in with
 * prep_worker() and ends it with prep_join(). */
static void prep_start(prepjob *j, int step)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = cores > 1 ? (size_t)cores : 1;

	/* A thread for every 16 patterns at most: starting one costs about
	 * what preparing a few patterns does. */
	if (want > MAX_PREP_THREADS)
		want = MAX_PREP_THREADS;
	if (want > j->n / 16 + 1)
		want = j->n / 16 + 1;
	j->step = step;
	atomic_store(&j->next, 0);
	j->nth = 0;
	while (j->nth + 1 < want && pthread_create(&j->th[j->nth], NULL, prep_worker, j) == 0)
		j->nth++;
}

static void prep_join(prepjob *j)
{
	prep_worker(j); /* whatever is left */
	for (size_t t = 0; t < j->nth; t++)
		pthread_join(j->th[t], NULL);
	j->nth = 0;
}

static void prep_free(prepjob *j)
{
	free(j->todo);
	free(j->sets);
	free(j->nsets);
	free(j->jit);
}

static int prep_init(ms_compiler *c, prepjob *j)
{
	ms_rules *r = c->r;
	size_t np = r->npats ? r->npats : 1;

	memset(j, 0, sizeof *j);
	j->pats = r->pats;
	j->todo = calloc(np, sizeof *j->todo);
	j->sets = calloc(np, sizeof *j->sets);
	j->nsets = calloc(np, sizeof *j->nsets);
	j->jit = calloc(np, sizeof *j->jit);
	atomic_init(&j->next, 0);
	if (!j->todo || !j->sets || !j->nsets || !j->jit) {
		prep_free(j);
		return -1;
	}
	for (size_t i = 0; i < r->npats; i++)
		if (r->pats[i].canon == i)
			j->todo[j->n++] = i;
	return 0;
}

/* Give a pattern its required sets, owned by the rule set.  Consumes them,
 * whatever happens. */
static int attach_sets(ms_compiler *c, ms_pattern *p, ms_reqset *sets, int k)
{
	ms_reqset *req;
	int bad = 0;

	if (k <= 0)
		return k;
	req = own_calloc(c, (size_t)k, sizeof *req);
	for (int i = 0; i < k; i++) {
		if (!req || bad) {
			ms_reqset_free(&sets[i]);
			continue;
		}
		req[i] = sets[i];
		for (size_t m = 0; m < req[i].n; m++)
			if (bad)
				free(req[i].strs[m]);
			else if (!own(c, req[i].strs[m]))
				bad = 1; /* own() freed it */
		if (bad)
			free(req[i].strs);
		else if (!own(c, req[i].strs))
			bad = 1;
	}
	if (!req || bad)
		return -1;
	p->req = req;
	p->nreq = (size_t)k;
	p->lits = req[0].strs;
	p->windowed = !c->opts.no_prefilter;
	return 0;
}

/* Step one: the required sets of every pattern. */
static int find_required_sets(ms_compiler *c, prepjob *j)
{
	ms_rules *r = c->r;
	int rc = 0;

	prep_start(j, PREP_SETS);
	prep_join(j);
	for (size_t k = 0; k < j->n; k++)
		if (attach_sets(c, &r->pats[j->todo[k]], j->sets[k], j->nsets[k]))
			rc = -1;
	for (size_t i = 0; i < r->npats; i++) {
		ms_pattern *p = &r->pats[i], *o = &r->pats[p->canon];
		p->req = o->req;
		p->nreq = o->nreq;
		p->lits = o->lits;
		p->windowed = o->windowed;
	}
	return rc;
}

/* Step two: the JIT on the other threads while this one builds the
 * automaton, then helps. */
static int jit_and_automaton(ms_compiler *c, prepjob *j)
{
	ms_rules *r = c->r;
	int rc;

	if (!c->opts.no_jit)
		prep_start(j, PREP_JIT);
	rc = build_automaton(c);
	if (c->opts.no_jit)
		return rc;
	prep_join(j);
	for (size_t k = 0; k < j->n; k++) {
		ms_pattern *p = &r->pats[j->todo[k]];

		p->jit = j->jit[k] == 0;
		if (j->jit[k] != 0 && !c->jit_warned) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(j->jit[k], msg, sizeof msg);
			warn_at(c, p->file, p->line, p->col, r->sigs[p->sig].info.id,
				"PCRE2 JIT unavailable (%s); using the interpreter",
				(const char *)msg);
			c->jit_warned = 1;
		}
	}
	for (size_t i = 0; i < r->npats; i++)
		r->pats[i].jit = r->pats[r->pats[i].canon].jit;
	return rc;
}

ms_status ms_compiler_get_rules(ms_compiler *c, ms_rules **out)
{
	ms_rules *r;
	prepjob j;
	int rc;

	if (!c || !out || c->sealed)
		return MS_ERR_USAGE;
	*out = NULL;
	c->sealed = 1;
	r = c->r;
	check_duplicates(c);
	resolve_refs(c);
	if (c->errors)
		return MS_ERR_RULES;
	for (size_t i = 0; i < r->nrules; i++)
		r->rules[i].pub.index = i;
	if (prep_init(c, &j))
		return MS_ERR_NOMEM;
	if (find_required_sets(c, &j)) {
		prep_free(&j);
		return MS_ERR_NOMEM;
	}
	/* Public views of the signals. */
	r->named = calloc(r->nsigs ? r->nsigs : 1, sizeof *r->named);
	if (!r->named) {
		prep_free(&j);
		return MS_ERR_NOMEM;
	}
	for (size_t i = 0; i < r->nsigs; i++) {
		ms_sig *sg = &r->sigs[i];

		sg->info.keywords = (const char *const *)sg->kw;
		sg->info.nkeywords = sg->nkw;
		sg->info.npatterns = sg->npats;
		if (sg->npats) {
			sg->pat_src = own_calloc(c, sg->npats, sizeof(char *));
			sg->lits = own_calloc(c, sg->npats, sizeof(char **));
			sg->reqs = own_calloc(c, sg->npats, sizeof(char ***));
			sg->canon = own_calloc(c, sg->npats, sizeof(size_t));
			sg->nreqs = own_calloc(c, sg->npats, sizeof(size_t));
			if (!sg->pat_src || !sg->lits || !sg->reqs || !sg->nreqs || !sg->canon) {
				prep_free(&j);
				return MS_ERR_NOMEM;
			}
			for (size_t k = 0; k < sg->npats; k++) {
				sg->pat_src[k] = r->pats[sg->pats[k]].src;
				const ms_pattern *p = &r->pats[sg->pats[k]];

				sg->lits[k] = p->lits;
				sg->canon[k] = p->canon;
				sg->nreqs[k] = p->nreq;
				if (p->nreq && !(sg->reqs[k] = own_calloc(c, p->nreq, sizeof(char **)))) {
					prep_free(&j);
					return MS_ERR_NOMEM;
				}
				for (size_t q = 0; q < p->nreq; q++)
					sg->reqs[k][q] = p->req[q].strs;
			}
		}
		sg->info.patterns = (const char *const *)sg->pat_src;
		sg->info.literals = (const char *const *const *)sg->lits;
		sg->info.required = (const char *const *const *const *)sg->reqs;
		sg->info.nrequired = sg->nreqs;
		if (sg->named)
			r->named[r->nnamed++] = i;
	}
	rc = jit_and_automaton(c, &j);
	prep_free(&j);
	if (rc || index_meta(c))
		return MS_ERR_NOMEM;
	*out = r;
	c->r = NULL;
	return MS_OK;
}

/* ---------------- read-only views ---------------- */

size_t ms_rules_count(const ms_rules *r)
{
	return r ? r->nrules : 0;
}

const ms_rule *ms_rules_get(const ms_rules *r, size_t i)
{
	return r && i < r->nrules ? &r->rules[i].pub : NULL;
}

size_t ms_rules_signal_count(const ms_rules *r)
{
	return r ? r->nnamed : 0;
}

const ms_signal_info *ms_rules_signal(const ms_rules *r, size_t i)
{
	return r && i < r->nnamed ? &r->sigs[r->named[i]].info : NULL;
}

/* ---------------- prompt set ---------------- */

/* The prompt set reuses the compiler's typed YAML access and diagnostics; its
 * strings live in the allocation list of a private ms_rules object. */
struct ms_prompts {
	ms_rules *store;
	ms_prompt *v;
	size_t n;
	size_t *sorted;   /* indices of v sorted by id */
};

static const ms_prompts *cmp_ctx;

static int cmp_prompt(const void *a, const void *b)
{
	return strcmp(cmp_ctx->v[*(const size_t *)a].id, cmp_ctx->v[*(const size_t *)b].id);
}

void ms_prompts_destroy(ms_prompts *p)
{
	if (!p)
		return;
	ms_rules_destroy(p->store);
	free(p->v);
	free(p->sorted);
	free(p);
}

static int parse_prompts(ms_compiler *c, ynode *root, ms_prompts *p)
{
	field top[] = { { "prompts" }, { NULL } };
	ynode *list;

	if (get_fields(c, root, "a prompt file", NULL, top))
		return 0;
	list = top[0].val;
	if (!list) {
		err(c, root, NULL, "a prompt file needs a 'prompts' list");
		return 0;
	}
	if (list->kind != YN_SEQ) {
		err(c, list, NULL, "'prompts' must be a list");
		return 0;
	}
	p->v = calloc(list->n ? list->n : 1, sizeof *p->v);
	if (!p->v)
		return -1;
	for (size_t i = 0; i < list->n; i++) {
		field f[] = { { "id" }, { "dimension" }, { "title" }, { "text" }, { "tags" },
			      { NULL } };
		ynode *n = list->items[i];
		ms_prompt *pr = &p->v[p->n];
		const char *s;
		char **tags = NULL;

		if (get_fields(c, n, "a prompt", NULL, f))
			continue;
		if (!(s = need_str(c, &f[0], n, "a prompt", NULL)))
			continue;
		if (!(pr->id = own_str(c, s)))
			return -1;
		if ((s = need_str(c, &f[1], n, "a prompt", pr->id))) {
			if (ms_dimension_parse(s) < 0)
				err(c, f[1].val, pr->id, "unknown dimension '%s'", s);
			if (!(pr->dimension = own_str(c, s)))
				return -1;
		}
		if ((s = need_str(c, &f[2], n, "a prompt", pr->id)) && !(pr->title = own_str(c, s)))
			return -1;
		if ((s = need_str(c, &f[3], n, "a prompt", pr->id)) && !(pr->text = own_str(c, s)))
			return -1;
		if (get_strlist(c, &f[4], pr->id, &tags, &pr->ntags))
			return -1;
		pr->tags = (const char *const *)tags;
		for (size_t k = 0; k < pr->ntags; k++)
			if (!valid_id(tags[k], 0))
				err(c, f[4].val, pr->id, "tag '%s' must match [a-z][a-z0-9_]*", tags[k]);
		for (size_t k = 0; k < p->n; k++)
			if (strcmp(p->v[k].id, pr->id) == 0) {
				err(c, f[0].val, pr->id, "duplicate prompt id '%s'", pr->id);
				break;
			}
		p->n++;
	}
	return 0;
}

ms_status ms_prompts_load(ms_prompts **out, const char *path, ms_diag_fn diag, void *userdata)
{
	ms_compiler *c = NULL;
	ms_prompts *p = NULL;
	ynode *root = NULL;
	char *buf = NULL;
	size_t len;
	ms_status st;

	if (!out || !path)
		return MS_ERR_USAGE;
	*out = NULL;
	st = ms_compiler_create(&c, NULL, diag, userdata);
	if (st)
		return st;
	c->file = own_str(c, path);
	p = calloc(1, sizeof *p);
	if (!c->file || !p) {
		st = MS_ERR_NOMEM;
		goto done;
	}
	if (!ms_read_file(path, &buf, &len, MS_YAML_MAX_FILE)) {
		err(c, NULL, NULL, "cannot read prompt set: %s",
		    errno == EFBIG ? "file larger than 16 MiB" : strerror(errno));
		st = MS_ERR_IO;
		goto done;
	}
	root = ms_ytree_parse(buf, len, yreport, c);
	if (!root) {
		st = MS_ERR_PROMPTS;
		goto done;
	}
	if (parse_prompts(c, root, p)) {
		st = MS_ERR_NOMEM;
		goto done;
	}
	if (c->errors) {
		st = MS_ERR_PROMPTS;
		goto done;
	}
	p->sorted = calloc(p->n ? p->n : 1, sizeof *p->sorted);
	if (!p->sorted) {
		st = MS_ERR_NOMEM;
		goto done;
	}
	for (size_t i = 0; i < p->n; i++)
		p->sorted[i] = i;
	cmp_ctx = p;
	qsort(p->sorted, p->n, sizeof *p->sorted, cmp_prompt);
	cmp_ctx = NULL;
	p->store = c->r;
	c->r = NULL;
	*out = p;
	p = NULL;
	st = MS_OK;
done:
	ms_ytree_free(root);
	free(buf);
	ms_prompts_destroy(p);
	ms_compiler_destroy(c);
	return st;
}

const ms_prompt *ms_prompts_find(const ms_prompts *p, const char *id)
{
	size_t lo = 0, hi;

	if (!p || !id)
		return NULL;
	hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, p->v[p->sorted[mid]].id);
		if (c == 0)
			return &p->v[p->sorted[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t ms_prompts_count(const ms_prompts *p)
{
	return p ? p->n : 0;
}

const ms_prompt *ms_prompts_get(const ms_prompts *p, size_t i)
{
	return p && i < p->n ? &p->v[i] : NULL;
}
