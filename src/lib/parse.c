/* From YAML to the rule tree: signals with their keywords, patterns and
 * examples, rules with their scopes and examples, and scenarios.  Conditions
 * are parsed in cond.c.  Every problem is reported and parsing goes on; -1
 * is returned only when memory runs out. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

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
		ex->response = cc_strdup(c, n->str);
		return ex->response ? 0 : -1;
	}
	if (!for_rule) {
		cc_err(c, n, owner, "a signal example must be a string");
		return 1;
	}
	{
		field f[] = { { "response" }, { "prompt" }, { "tags" }, { "model" },
			      { "model_group" }, { "weights" }, { NULL } };
		const char *s;

		if (cc_fields(c, n, "an example", owner, f))
			return 1;
		if (!f[0].val) {
			cc_err(c, n, owner, "an example needs a 'response'");
			return 1;
		}
		if ((s = cc_str(c, &f[0], owner)) && !(ex->response = cc_strdup(c, s)))
			return -1;
		if ((s = cc_str(c, &f[1], owner)) && !(ex->prompt = cc_strdup(c, s)))
			return -1;
		if (f[2].val) {
			if (cc_strlist(c, &f[2], owner, &ex->tags, &ex->ntags))
				return -1;
			ex->have_tags = 1;
		}
		if ((s = cc_str(c, &f[3], owner)) && !(ex->model = cc_strdup(c, s)))
			return -1;
		if ((s = cc_str(c, &f[4], owner)) && !(ex->model_group = cc_strdup(c, s)))
			return -1;
		if ((s = cc_str(c, &f[5], owner)) && !(ex->weights = cc_strdup(c, s)))
			return -1;
		return ex->response ? 0 : 1;
	}
}

static int parse_examples_list(ms_compiler *c, ynode *list, int expect, int for_rule,
			       const char *owner, ms_example **ex, size_t *nex, size_t *cap)
{
	if (list->kind != YN_SEQ) {
		cc_err(c, list, owner, "examples must be a list");
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

#define COMPILE_NOMEM ((pcre2_code *)&compile_nomem)
static char compile_nomem;

/* Compile a regex with a callout before each attempt at a start position:
 * the scanner's callout checks the time budget of the run there, which
 * bounds the work that the match limit does not count (with the JIT, a
 * possessive loop re-run from every start).  The source goes in a group,
 * closed after \E (an unterminated \Q) and, if that does not compile, after
 * a newline too (a trailing # comment in extended mode): the newline must not
 * change what matches, checked on the minimum length.  When neither wrapping
 * compiles, the regex itself is compiled, for its error or (never seen) to
 * run bounded by the match limit alone.  The callout changes no match and
 * no start-up optimisation. */
static pcre2_code *compile_timed(const char *src, size_t len, uint32_t options, int *errcode,
				 PCRE2_SIZE *erroff)
{
	static const char pre[] = "(?C255)(?:", post1[] = "\\E)", post2[] = "\\E\n)";
	char *w = malloc(sizeof pre + len + sizeof post2);
	pcre2_code *code = NULL, *plain;
	size_t np = sizeof pre - 1, a = 0, b = 1;
	int e;
	PCRE2_SIZE o;

	if (!w)
		return COMPILE_NOMEM;
	memcpy(w, pre, np);
	memcpy(w + np, src, len);
	memcpy(w + np + len, post1, sizeof post1 - 1);
	code = pcre2_compile((PCRE2_SPTR)w, np + len + sizeof post1 - 1, options, &e, &o, NULL);
	if (code) {
		free(w);
		return code;
	}
	plain = pcre2_compile((PCRE2_SPTR)src, len, options, errcode, erroff, NULL);
	if (!plain) {
		free(w);
		return NULL;
	}
	memcpy(w + np + len, post2, sizeof post2 - 1);
	code = pcre2_compile((PCRE2_SPTR)w, np + len + sizeof post2 - 1, options, &e, &o, NULL);
	free(w);
	if (code) {
		pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &a);
		pcre2_pattern_info(plain, PCRE2_INFO_MINLENGTH, &b);
	}
	if (code && a == b) {
		pcre2_code_free(plain);
		return code;
	}
	pcre2_code_free(code);
	return plain;
}

/* The start-of-pattern option that the regex begins with, if any: its
 * length in *len.  These change how the regex matches ((*NOTEMPTY), (*CR),
 * (*UTF)...) or is run ((*NO_JIT), (*LIMIT_MATCH=n)...): the rule file
 * cannot choose them.  Verbs ((*FAIL), (*SKIP)...) are not options. */
static const char *start_option(const char *src, size_t *len)
{
	static const char *const names[] = {
		"UTF", "UCP", "NOTEMPTY", "NOTEMPTY_ATSTART", "NO_AUTO_POSSESS",
		"NO_DOTSTAR_ANCHOR", "NO_JIT", "NO_START_OPT", "CR", "LF", "CRLF", "ANYCRLF",
		"ANY", "NUL", "BSR_ANYCRLF", "BSR_UNICODE", "LIMIT_MATCH", "LIMIT_DEPTH",
		"LIMIT_RECURSION", "LIMIT_HEAP", "UTF8", "UTF16", "UTF32"
	};
	const char *p = src;

	while (p[0] == '(' && p[1] == '*') {
		size_t n = strspn(p + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
		size_t k;

		for (k = 0; k < MS_ARRAY_LEN(names); k++)
			if (strlen(names[k]) == n && strncmp(p + 2, names[k], n) == 0)
				break;
		if (k == MS_ARRAY_LEN(names) || (p[2 + n] != ')' && p[2 + n] != '='))
			return NULL;
		*len = strcspn(p, ")") + 1;
		return p;
	}
	return NULL;
}

typedef struct patkey {
	const ms_rules *r;
	const char *src;
	char **declared;
	size_t ndeclared;
} patkey;

static int same_pattern(const void *ctx, size_t i)
{
	const patkey *k = ctx;
	const ms_pattern *q = &k->r->pats[i];

	return strcmp(q->src, k->src) == 0 &&
	       cc_same_list(q->declared, q->ndeclared, k->declared, k->ndeclared);
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
	uint64_t hash = 0;
	uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS;

	if (n->kind != YN_SCALAR || !*n->str) {
		cc_err(c, n, owner, "a pattern must be a non-empty string");
		return 0;
	}
	{
		size_t ol;
		const char *opt = start_option(n->str, &ol);

		if (opt) {
			cc_err(c, n, owner, "regex in '%s' starts with the option %.*s: start-of-pattern "
			       "options change how a regex matches or runs and are not allowed",
			       owner, (int)(ol > 40 ? 40 : ol), opt);
			return 0;
		}
	}
	/* The same regex in several signals (or several copies of a pack) is
	 * compiled once and matched once per text. */
	{
		patkey k = { r, n->str, declared, ndeclared };
		uint64_t h = ms_hash(n->str, n->len + 1, 0);
		size_t i;

		for (size_t d = 0; d < ndeclared; d++)
			h = ms_hash(declared[d], strlen(declared[d]) + 1, h);
		i = ms_hidx_find(&c->pat_idx, h, same_pattern, &k);
		if (i != (size_t)-1) {
			ms_pattern *q;

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
	code = compile_timed(n->str, n->len, options, &errcode, &erroff);
	if (code == COMPILE_NOMEM)
		return -1;
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(errcode, msg, sizeof msg);
		cc_err(c, n, owner, "invalid regex in '%s' at offset %zu of the pattern: %s", owner,
		    (size_t)erroff, (const char *)msg);
		return 0;
	}
	pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen);
	if (minlen == 0) {
		cc_err(c, n, owner, "regex in '%s' can match the empty string", owner);
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
	p->src = cc_strdup(c, n->str);
	if (!p->src)
		return -1;
	p->file = c->file;
	p->line = n->line;
	p->col = n->col;
	p->declared = declared;
	p->ndeclared = ndeclared;
	p->canon = r->npats - 1;
	p->hash = hash;
	return ms_hidx_add(&c->pat_idx, hash, p->canon);
}

static const char *const neg_modes[] = { "keep", "exclude" };

int cc_negation(ms_compiler *c, const field *f, const char *owner)
{
	const char *s = cc_str(c, f, owner);

	if (!s)
		return -2;
	for (int i = 0; i < 2; i++)
		if (strcmp(s, neg_modes[i]) == 0)
			return i;
	cc_err(c, f->val, owner, "'negation' must be 'exclude' or 'keep', not '%s'", s);
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
	if (cc_fields(c, n, "a pattern", owner, f))
		return 0;
	if (!f[0].val) {
		cc_err(c, n, owner, "a pattern given as a mapping needs 'regex'");
		return 0;
	}
	if (cc_strlist(c, &f[1], owner, &raw, &nraw))
		return -1;
	if (f[1].val && !nraw) {
		cc_err(c, f[1].val, owner, "'requires' must name at least one string");
		return 0;
	}
	if (nraw) {
		declared = cc_calloc(c, nraw + 1, sizeof *declared);
		if (!declared)
			return -1;
	}
	for (size_t i = 0; i < nraw; i++) {
		size_t nl;
		char *norm = cc_own(c, ms_norm_keyword(raw[i], strlen(raw[i]), &nl));

		if (!norm)
			return -1;
		if (!nl) {
			cc_err(c, f[1].val, owner, "a required string must not be empty");
			return 0;
		}
		declared[k++] = norm;
	}
	return compile_pattern(c, f[0].val, sigi, owner, declared, k);
}

int cc_matchers(ms_compiler *c, ms_sig *sg, size_t sigi, field *kw, field *pat,
			  const char *owner)
{
	ms_rules *r = c->r;

	if (kw->val) {
		if (kw->val->kind != YN_SEQ) {
			cc_err(c, kw->val, owner, "'keywords' must be a list of strings");
		} else {
			sg->kw = cc_calloc(c, kw->val->n, sizeof *sg->kw);
			if (!sg->kw)
				return -1;
			for (size_t i = 0; i < kw->val->n; i++) {
				ynode *k = kw->val->items[i];
				size_t nl;
				char *norm;

				if (k->kind != YN_SCALAR) {
					cc_err(c, k, owner, "a keyword must be a string, not %s", cc_kind_name(k));
					continue;
				}
				norm = cc_own(c, ms_norm_keyword(k->str, k->len, &nl));
				if (!norm)
					return -1;
				if (!nl) {
					cc_err(c, k, owner, "a keyword must not be empty");
					continue;
				}
				if (memchr(k->str, '\0', k->len)) {
					cc_err(c, k, owner, "a keyword must not contain NUL");
					continue;
				}
				sg->kw[sg->nkw++] = norm;
			}
		}
	}
	if (pat->val) {
		if (pat->val->kind != YN_SEQ) {
			cc_err(c, pat->val, owner, "'patterns' must be a list of strings");
		} else {
			size_t first = r->npats;
			for (size_t i = 0; i < pat->val->n; i++)
				if (parse_pattern(c, pat->val->items[i], sigi, owner))
					return -1;
			/* Patterns of one signal are contiguous in rules->pats. */
			sg->npats = r->npats - first;
			if (sg->npats) {
				sg->pats = cc_calloc(c, sg->npats, sizeof *sg->pats);
				if (!sg->pats)
					return -1;
				for (size_t i = 0; i < sg->npats; i++)
					sg->pats[i] = first + i;
			}
		}
	}
	return 0;
}


int cc_signal(ms_compiler *c, ynode *n)
{
	field f[] = { { "id" }, { "description" }, { "on" }, { "keywords" }, { "patterns" },
		      { "negation" }, { "negation_window" }, { "examples" }, { "signal" },
		      { "within" }, { NULL } };
	const char *id;
	ms_sig *sg;
	size_t sigi, cap = 0;
	char *owner;

	if (cc_fields(c, n, "a signal", NULL, f))
		return 0;
	id = cc_need_str(c, &f[0], n, "a signal", NULL);
	if (id && !cc_valid_id(id, 0)) {
		cc_err(c, f[0].val, id, "signal id '%s' must match [a-z][a-z0-9_]*", id);
		id = NULL;
	}
	owner = cc_strdup(c, id ? id : "?");
	sg = cc_new_sig(c, &sigi);
	if (!owner || !sg)
		return -1;
	sg->named = 1;
	sg->info.id = owner;
	sg->info.file = c->file;
	sg->info.line = n->line;
	sg->col = n->col;
	sg->negation_window = 3;
	if (f[1].val) {
		const char *d = cc_str(c, &f[1], owner);
		if (d && !(sg->info.description = cc_strdup(c, d)))
			return -1;
	}
	if (f[2].val)
		sg->info.on_prompt = cc_on(c, &f[2], owner) == ON_PROMPT;
	if (f[8].val) {
		/* Derived from another signal: no matchers of its own. */
		const char *base = cc_str(c, &f[8], owner);

		if (f[3].val || f[4].val)
			cc_err(c, f[8].key, owner,
			       "a signal derived from another ('signal') has no keywords or patterns of its own");
		if (!f[9].val)
			cc_err(c, f[8].key, owner, "a derived signal needs 'within'");
		else
			cc_within(c, f[9].val, owner, &sg->within_chars, &sg->within_sentences);
		if (f[5].val || f[6].val)
			cc_err(c, f[5].val ? f[5].key : f[6].key, owner,
			       "a derived signal takes the negation setting of the signal it derives from");
		if (!(sg->base = cc_calloc(c, 1, sizeof *sg->base)))
			return -1;
		if (base && cc_add_ref(c, f[8].val, base, sg->base, owner, ON_DEFAULT))
			return -1;
	} else {
		if (f[9].val)
			cc_err(c, f[9].key, owner,
			       "'within' applies to a signal derived from another ('signal')");
		if (cc_matchers(c, sg, sigi, &f[3], &f[4], owner))
			return -1;
		sg = &c->r->sigs[sigi];
		if (!sg->nkw && !sg->npats && !f[3].val && !f[4].val)
			cc_err(c, n, owner, "signal '%s' has neither keywords nor patterns", owner);
	}
	if (f[5].val) {
		int m = cc_negation(c, &f[5], owner);
		if (m >= 0)
			sg->negation = m;
	}
	if (f[6].val) {
		long w = cc_uint(c, &f[6], 1, 20, owner);
		if (w > 0)
			sg->negation_window = (unsigned)w;
	}
	if (f[7].val) {
		field ef[] = { { "match" }, { "no_match" }, { NULL } };
		if (!cc_fields(c, f[7].val, "signal examples", owner, ef)) {
			for (int k = 0; k < 2; k++)
				if (ef[k].val &&
				    parse_examples_list(c, ef[k].val, k == 0, 0, owner, &sg->ex,
							&sg->nex, &cap))
					return -1;
		}
		if (sg->ex && !cc_own(c, sg->ex))
			return -1;
	}
	return 0;
}
/* ---------------- rules ---------------- */

int cc_rule(ms_compiler *c, ynode *n)
{
	field f[] = { { "id" }, { "dimension" }, { "severity" }, { "title" }, { "message" },
		      { "references" }, { "scope" }, { "when" }, { "require" }, { "forbid" },
		      { "examples" }, { NULL } };
	ms_rules *r = c->r;
	ms_rule_int *ru;
	const char *id, *s;
	char *owner;
	size_t cap = 0;

	if (cc_fields(c, n, "a rule", NULL, f))
		return 0;
	id = cc_need_str(c, &f[0], n, "a rule", NULL);
	if (id && !cc_valid_id(id, 1)) {
		cc_err(c, f[0].val, id, "rule id '%s' must match [A-Za-z][A-Za-z0-9_.-]*", id);
		id = NULL;
	}
	owner = cc_strdup(c, id ? id : "?");
	if (!owner || ms_grow(&r->rules, &c->caprules, r->nrules + 1, sizeof *r->rules))
		return -1;
	ru = &r->rules[r->nrules++];
	memset(ru, 0, sizeof *ru);
	ru->pub.id = owner;
	ru->pub.file = c->file;
	ru->pub.line = n->line;
	ru->col = n->col;
	if ((s = cc_need_str(c, &f[1], n, "a rule", owner))) {
		int d = ms_dimension_parse(s);
		if (d < 0)
			cc_err(c, f[1].val, owner,
			    "unknown dimension '%s' (expected safety, professionalism, fairness, humanism or regulation)",
			    s);
		else
			ru->pub.dimension = (ms_dimension)d;
	}
	if ((s = cc_need_str(c, &f[2], n, "a rule", owner))) {
		int v = ms_severity_parse(s);
		if (v < 0)
			cc_err(c, f[2].val, owner,
			    "unknown severity '%s' (expected info, low, medium, high or critical)", s);
		else
			ru->pub.severity = (ms_severity)v;
	}
	if ((s = cc_need_str(c, &f[3], n, "a rule", owner)) && !(ru->pub.title = cc_strdup(c, s)))
		return -1;
	if ((s = cc_need_str(c, &f[4], n, "a rule", owner)) && !(ru->pub.message = cc_strdup(c, s)))
		return -1;
	if (!ru->pub.title)
		ru->pub.title = owner;
	if (!ru->pub.message)
		ru->pub.message = ru->pub.title;
	if (f[5].val) {
		if (cc_strlist(c, &f[5], owner, &ru->refs, &ru->pub.nreferences))
			return -1;
		ru->pub.references = (const char *const *)ru->refs;
	}
	if (f[6].val) {
		field sf[] = { { "tags" }, { "prompt_signals" }, { "model" }, { "model_group" },
			       { "weights" }, { NULL } };
		if (!cc_fields(c, f[6].val, "'scope'", owner, sf)) {
			char **psig = NULL;

			if (cc_strlist(c, &sf[0], owner, &ru->scope_tags, &ru->nscope_tags) ||
			    cc_strlist(c, &sf[1], owner, &psig, &ru->nscope_psig) ||
			    cc_strlist(c, &sf[2], owner, &ru->scope_model, &ru->nscope_model) ||
			    cc_strlist(c, &sf[3], owner, &ru->scope_group, &ru->nscope_group) ||
			    cc_strlist(c, &sf[4], owner, &ru->scope_weights, &ru->nscope_weights))
				return -1;
			if (ru->nscope_psig) {
				ru->scope_psig = cc_calloc(c, ru->nscope_psig, sizeof *ru->scope_psig);
				if (!ru->scope_psig)
					return -1;
				for (size_t i = 0; i < ru->nscope_psig; i++)
					if (cc_add_ref(c, sf[1].val, psig[i], &ru->scope_psig[i], owner,
						    ON_PROMPT))
						return -1;
				r->any_prompt = 1;
			}
			for (size_t i = 0; i < ru->nscope_weights; i++)
				if (strcmp(ru->scope_weights[i], "open") &&
				    strcmp(ru->scope_weights[i], "closed"))
					cc_err(c, sf[4].val, owner,
					    "'weights' must be 'open' or 'closed', not '%s'",
					    ru->scope_weights[i]);
		}
	}
	if (f[7].val)
		ru->when = cc_cond(c, f[7].val, owner);
	if (!!f[8].val == !!f[9].val) {
		cc_err(c, n, owner, "a rule needs exactly one of 'require' and 'forbid'");
	} else {
		ru->require = !!f[8].val;
		ru = &r->rules[r->nrules - 1];
		ru->cond = cc_cond(c, f[8].val ? f[8].val : f[9].val, owner);
	}
	if (f[10].val) {
		field ef[] = { { "fire" }, { "pass" }, { NULL } };
		if (!cc_fields(c, f[10].val, "rule examples", owner, ef)) {
			for (int k = 0; k < 2; k++)
				if (ef[k].val && parse_examples_list(c, ef[k].val, k == 0, 1, owner,
								     &ru->ex, &ru->nex, &cap))
					return -1;
		}
		if (ru->ex && !cc_own(c, ru->ex))
			return -1;
	}
	return 0;
}


/* ---------------- scenarios ---------------- */

int cc_scenario(ms_compiler *c, ynode *n)
{
	field f[] = { { "tag" }, { "description" }, { "signals" }, { NULL } };
	ms_rules *r = c->r;
	ms_scenario *sc;
	const char *tag;
	char **names = NULL;

	if (cc_fields(c, n, "a scenario", NULL, f))
		return 0;
	tag = cc_need_str(c, &f[0], n, "a scenario", NULL);
	if (tag && !cc_valid_id(tag, 0)) {
		cc_err(c, f[0].val, tag, "scenario tag '%s' must match [a-z][a-z0-9_]*", tag);
		tag = NULL;
	}
	if (ms_grow(&r->scen, &c->capscen, r->nscen + 1, sizeof *r->scen))
		return -1;
	sc = &r->scen[r->nscen++];
	memset(sc, 0, sizeof *sc);
	sc->info.file = c->file;
	sc->info.line = n->line;
	sc->col = n->col;
	sc->bit = -1;
	if (!(sc->info.tag = cc_strdup(c, tag ? tag : "?")))
		return -1;
	tag = sc->info.tag;
	if (f[1].val) {
		const char *d = cc_str(c, &f[1], tag);
		if (d && !(sc->info.description = cc_strdup(c, d)))
			return -1;
	}
	if (!f[2].val) {
		cc_err(c, n, tag, "a scenario has no 'signals'");
		return 0;
	}
	if (cc_strlist(c, &f[2], tag, &names, &sc->info.nsignals))
		return -1;
	sc->info.signals = (const char *const *)names;
	if (!sc->info.nsignals) {
		cc_err(c, f[2].val, tag, "'signals' must name at least one signal");
		return 0;
	}
	if (!(sc->sigs = cc_calloc(c, sc->info.nsignals, sizeof *sc->sigs)))
		return -1;
	for (size_t i = 0; i < sc->info.nsignals; i++)
		if (cc_add_ref(c, f[2].val, names[i], &sc->sigs[i], tag, ON_PROMPT))
			return -1;
	r->any_prompt = 1;
	return 0;
}
