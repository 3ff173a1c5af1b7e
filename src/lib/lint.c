/* Embedded examples and advisory lint checks of a compiled rule set. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Examples are numbered rules first (in definition order), then signals. */
static const ms_example *find_example(const ms_rules *r, size_t i, ms_example_info *info,
				      size_t *rule, size_t *sig)
{
	for (size_t k = 0; k < r->nrules; k++) {
		if (i < r->rules[k].nex) {
			info->owner = r->rules[k].pub.id;
			info->is_rule = 1;
			*rule = k;
			return &r->rules[k].ex[i];
		}
		i -= r->rules[k].nex;
	}
	for (size_t k = 0; k < r->nnamed; k++) {
		const ms_sig *sg = &r->sigs[r->named[k]];
		if (i < sg->nex) {
			info->owner = sg->info.id;
			info->is_rule = 0;
			*sig = k;
			return &sg->ex[i];
		}
		i -= sg->nex;
	}
	return NULL;
}

size_t ms_rules_example_count(const ms_rules *r)
{
	size_t n = 0;

	for (size_t k = 0; k < r->nrules; k++)
		n += r->rules[k].nex;
	for (size_t k = 0; k < r->nnamed; k++)
		n += r->sigs[r->named[k]].nex;
	return n;
}

ms_status ms_scanner_run_example(ms_scanner *s, size_t i, ms_example_info *info, int *passed)
{
	const ms_rules *r;
	const ms_example *ex;
	size_t rule = 0, sig = 0;

	if (!s || !info || !passed)
		return MS_ERR_USAGE;
	r = ms_scanner_rules(s);
	ex = find_example(r, i, info, &rule, &sig);
	if (!ex)
		return MS_ERR_USAGE;
	info->expect = ex->expect;
	info->file = ex->file;
	info->line = ex->line;
	info->column = ex->col;
	info->response = ex->response;
	info->error = NULL;
	if (info->is_rule) {
		ms_record rec = { 0 };
		const ms_result *res;
		int fired = 0;
		ms_status st;

		rec.response = ex->response;
		rec.response_len = strlen(ex->response);
		rec.prompt = ex->prompt;
		rec.prompt_len = ex->prompt ? strlen(ex->prompt) : 0;
		rec.model = ex->model;
		rec.model_group = ex->model_group;
		rec.weights = ex->weights;
		rec.tags = (const char *const *)ex->tags;
		rec.ntags = ex->ntags;
		st = ms_scanner_scan_example(s, &rec, 1, ex->have_tags, &res);
		if (st)
			return st;
		for (size_t k = 0; k < res->nfindings; k++) {
			if (res->findings[k].rule != &r->rules[rule].pub)
				continue;
			if (res->findings[k].kind == MS_FINDING_ERROR) {
				info->error = res->findings[k].error;
				*passed = 0;
				return MS_OK;
			}
			fired = 1;
		}
		*passed = fired == ex->expect;
	} else {
		long n = ms_scanner_signal_count(s, sig, ex->response, strlen(ex->response));
		if (n < 0)
			info->error = "a regex of the signal reached a bound (match limit, time or "
				      "stack)";
		*passed = n >= 0 && (n > 0) == ex->expect;
	}
	return MS_OK;
}

static void lint_warn(ms_diag_fn diag, void *ud, const char *file, unsigned line,
		      const char *owner, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void lint_warn(ms_diag_fn diag, void *ud, const char *file, unsigned line,
		      const char *owner, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	ms_diag d;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	d.level = MS_DIAG_WARNING;
	d.file = file;
	d.line = line;
	d.column = 0;
	d.rule = owner;
	d.message = msg;
	if (diag)
		diag(&d, ud);
}

/* A wildcard that can span more than this many characters is "wide". */
#define MS_WIDE_WILDCARD 80

/* Does the pattern contain '.' followed by '*', '+' or {n,m} with m large or
 * absent?  `leading` reports whether it comes before any literal text. */
static int wide_wildcard(const char *p, int *leading)
{
	int seen_literal = 0;

	for (; *p; p++) {
		if (*p == '\\') {
			if (p[1] && strchr("bBAzZ", p[1]) == NULL)
				seen_literal = 1;
			if (p[1])
				p++;
			continue;
		}
		if (*p == '(' && p[1] == '?' && p[2] && strchr("imsx-", p[2])) {
			while (*p && *p != ')')
				p++;
			if (!*p)
				break;
			continue;
		}
		if (*p == '.' && (p[1] == '*' || p[1] == '+')) {
			*leading = !seen_literal;
			return 1;
		}
		if (*p == '.' && p[1] == '{') {
			const char *q = strchr(p + 2, ',');
			const char *e = strchr(p + 2, '}');
			if (e && (!q || q > e || q + 1 == e || atoi(q + 1) > MS_WIDE_WILDCARD)) {
				if (!q || q > e) {
					if (atoi(p + 2) > MS_WIDE_WILDCARD) {
						*leading = !seen_literal;
						return 1;
					}
					continue;
				}
				*leading = !seen_literal;
				return 1;
			}
			continue;
		}
		if (*p != '^' && *p != '(' && *p != ')')
			seen_literal = 1;
	}
	return 0;
}

/* A match of p in text that contains none of the strings its rule declares
 * every match contains: returns 1 with the match in *a, *b. */
static int declared_missing(const ms_pattern *p, const char *text, size_t *a, size_t *b)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	size_t len = strlen(text), off = 0;
	int missing = 0;

	if (!md)
		return 0;
	while (!missing && off <= len &&
	       pcre2_match(p->code, (PCRE2_SPTR)text, len, off, 0, md, NULL) > 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t nl;
		char *norm = ms_norm_keyword(text + ov[0], ov[1] - ov[0], &nl);
		int found = 0;

		for (size_t i = 0; norm && !found && i < p->ndeclared; i++)
			found = strstr(norm, p->declared[i]) != NULL;
		free(norm);
		if (!found) {
			*a = ov[0];
			*b = ov[1];
			missing = 1;
		}
		off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	pcre2_match_data_free(md);
	return missing;
}

size_t ms_rules_lint(const ms_rules *r, ms_diag_fn diag, void *ud)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nsigs; i++) {
		const ms_sig *sg = &r->sigs[i];
		for (size_t k = 0; k < sg->npats; k++) {
			const ms_pattern *p = &r->pats[sg->pats[k]];
			int leading = 0;

			if (!p->lits) {
				lint_warn(diag, ud, sg->info.file, sg->info.line, sg->info.id,
					  "regex '%s' has no string (nor a set of them) that every "
					  "match contains and that is worth looking for (3 or more "
					  "characters, or 2 that are not a common pair of letters), "
					  "so it runs on every text",
					  p->src);
				n++;
			} else if (!p->ndeclared) {
				/* (A rule's declared strings have no known place in a
				 * match: nothing to advise there.) */
				int bounded = 0;
				for (size_t q = 0; q < p->nreq; q++)
					bounded |= p->req[q].maxprefix >= 0;
				if (!bounded) {
					lint_warn(diag, ud, sg->info.file, sg->info.line, sg->info.id,
						  "regex '%s': nothing bounds how far before its "
						  "required strings a match can start, so each search "
						  "begins at the previous occurrence; bound the "
						  "repetitions before them (\\w{1,30} rather than \\w+)",
						  p->src);
					n++;
				}
			}
			/* A declaration that a match example contradicts would make
			 * the prefilter skip real matches. */
			for (size_t e = 0; p->ndeclared && e < sg->nex; e++) {
				size_t a, b;
				if (sg->ex[e].expect && sg->ex[e].response &&
				    declared_missing(p, sg->ex[e].response, &a, &b)) {
					lint_warn(diag, ud, sg->ex[e].file ? sg->ex[e].file : sg->info.file,
						  sg->ex[e].file ? sg->ex[e].line : sg->info.line,
						  sg->info.id,
						  "regex '%s' matches '%.*s' in an example, which "
						  "contains none of the strings its rule says every "
						  "match contains",
						  p->src, (int)(b - a), sg->ex[e].response + a);
					n++;
					break;
				}
			}
			if (wide_wildcard(p->src, &leading)) {
				lint_warn(diag, ud, sg->info.file, sg->info.line, sg->info.id,
					  "regex '%s' has a %s wildcard spanning over %d characters; "
					  "it is slow and imprecise",
					  p->src, leading ? "leading" : "wide", MS_WIDE_WILDCARD);
				n++;
			}
		}
	}
	for (size_t i = 0; i < r->nrules; i++) {
		const ms_rule_int *ru = &r->rules[i];
		size_t fire = 0, pass = 0;

		for (size_t k = 0; k < ru->nex; k++)
			if (ru->ex[k].expect)
				fire++;
			else
				pass++;
		if (fire < 2 || pass < 2) {
			lint_warn(diag, ud, ru->pub.file, ru->pub.line, ru->pub.id,
				  "rule has %zu fire and %zu pass examples; at least 2 of each are "
				  "expected",
				  fire, pass);
			n++;
		}
	}
	return n;
}
