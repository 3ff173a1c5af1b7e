/* The fingerprint of a compiled rule pack: SHA-256 over a canonical
 * serialisation of what decides a scan's output, so that two scans can be
 * told apart when their packs differ and matched when they do not.
 *
 * In: signals (keywords, patterns, options, derivation), scenarios, rules
 * (identity, texts shown in reports, dimension, severity, references,
 * conditions, scopes).  Out: file names, lines, comments, layout, the order
 * of definitions and files, descriptions and embedded examples, none of
 * which changes a finding.  Named things are sorted by id; lists whose order
 * does not change a match (keywords, patterns, scope values) are sorted;
 * every string is written with its length, so no two packs serialise alike.
 *
 * SHA-256 is nettle's (a small, well-kept library) rather than our own. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "internal.h"

/* Bump when the serialisation changes: every fingerprint changes with it. */
#define FINGERPRINT_FORMAT "medscreen rule pack fingerprint 1"

typedef struct fp {
	struct sha256_ctx h;
	const ms_rules *r;
	int oom;
	int whole;        /* one rule alone: the named signals it uses written out */
	int depth;
} fp;

static void put_u64(fp *f, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	sha256_update(&f->h, sizeof b, b);
}

static void put_str(fp *f, const char *s)
{
	if (!s) {
		put_u64(f, UINT64_MAX);
		return;
	}
	put_u64(f, strlen(s));
	sha256_update(&f->h, strlen(s), (const uint8_t *)s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A list whose order does not matter: written sorted. */
static void put_set(fp *f, const char *const *v, size_t n)
{
	const char **s = malloc((n ? n : 1) * sizeof *s);

	if (!s) {
		f->oom = 1;
		return;
	}
	if (n) { /* v may be NULL when empty */
		memcpy(s, v, n * sizeof *s);
		qsort(s, n, sizeof *s, cmp_str);
	}
	put_u64(f, n);
	for (size_t i = 0; i < n; i++)
		put_str(f, s[i]);
	free(s);
}

/* The names of signals given by index, as a set. */
static void put_sig_names(fp *f, const size_t *idx, size_t n)
{
	const char **names = malloc((n ? n : 1) * sizeof *names);

	if (!names) {
		f->oom = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = f->r->sigs[idx[i]].info.id;
	put_set(f, names, n);
	free(names);
}

/* What a signal matches; its id is written by the caller when it has one. */
static void put_sig_body(fp *f, const ms_sig *sg)
{
	const char **pats = malloc((sg->npats ? sg->npats : 1) * sizeof *pats);

	if (!pats) {
		f->oom = 1;
		return;
	}
	for (size_t i = 0; i < sg->npats; i++)
		pats[i] = f->r->pats[sg->pats[i]].src;
	put_u64(f, (uint64_t)sg->info.on_prompt);
	put_u64(f, (uint64_t)sg->negation);
	put_u64(f, sg->negation_window);
	put_set(f, (const char *const *)sg->kw, sg->nkw);
	put_set(f, pats, sg->npats);
	free(pats);
	put_str(f, sg->base ? f->r->sigs[*sg->base].info.id : NULL);
	put_u64(f, sg->within_chars);
	put_u64(f, sg->within_sentences);
}

/* A signal's body, and for one rule alone that of the signal it derives
 * from (bounded: derivations have no cycles, checked at compile time). */
static void put_named_body(fp *f, const ms_sig *sg)
{
	put_sig_body(f, sg);
	if (f->whole && sg->base && f->depth < 64) {
		f->depth++;
		put_named_body(f, &f->r->sigs[*sg->base]);
		f->depth--;
	}
}

static void put_cond(fp *f, const ms_cond *k)
{
	if (!k) {
		put_u64(f, UINT64_MAX);
		return;
	}
	put_u64(f, (uint64_t)k->type);
	put_u64(f, (uint64_t)k->on);
	put_u64(f, k->min);
	put_u64(f, k->max);
	put_u64(f, k->within_chars);
	put_u64(f, k->within_sentences);
	put_u64(f, (uint64_t)(int64_t)k->negation);
	put_u64(f, k->negation_window);
	put_u64(f, k->unit_words);
	if (k->type == C_SIGNAL) {
		const ms_sig *sg = &f->r->sigs[k->sig];
		/* A named signal by its name (its body is written once, with the
		 * signals; for one rule alone, here too); an inline one by what
		 * it matches, not by the line that its generated name carries. */
		put_u64(f, (uint64_t)sg->named);
		if (sg->named)
			put_str(f, sg->info.id);
		if (!sg->named || f->whole)
			put_named_body(f, sg);
	}
	put_u64(f, k->nkids);
	for (size_t i = 0; i < k->nkids; i++)
		put_cond(f, k->kids[i]);
}

static int cmp_sig(const void *a, const void *b)
{
	const ms_sig *x = *(const ms_sig *const *)a, *y = *(const ms_sig *const *)b;

	return strcmp(x->info.id, y->info.id);
}

static int cmp_rule(const void *a, const void *b)
{
	const ms_rule_int *x = *(const ms_rule_int *const *)a, *y = *(const ms_rule_int *const *)b;

	return strcmp(x->pub.id, y->pub.id);
}

static int cmp_scen(const void *a, const void *b)
{
	const ms_scenario *x = *(const ms_scenario *const *)a, *y = *(const ms_scenario *const *)b;

	return strcmp(x->info.tag, y->info.tag);
}

static void put_rule(fp *f, const ms_rule_int *ri)
{
	put_str(f, ri->pub.id);
	put_str(f, ri->pub.title);
	put_str(f, ri->pub.message);
	put_u64(f, (uint64_t)ri->pub.dimension);
	put_u64(f, (uint64_t)ri->pub.severity);
	put_u64(f, ri->pub.nreferences);
	for (size_t i = 0; i < ri->pub.nreferences; i++)
		put_str(f, ri->pub.references[i]);
	put_u64(f, (uint64_t)ri->require);
	put_cond(f, ri->when);
	put_cond(f, ri->cond);
	put_set(f, (const char *const *)ri->scope_tags, ri->nscope_tags);
	put_sig_names(f, ri->scope_psig, ri->nscope_psig);
	put_set(f, (const char *const *)ri->scope_model, ri->nscope_model);
	put_set(f, (const char *const *)ri->scope_group, ri->nscope_group);
	put_set(f, (const char *const *)ri->scope_weights, ri->nscope_weights);
}

/* The digest in 64 hex digits and a NUL. */
static ms_status finish(fp *f, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[SHA256_DIGEST_SIZE];

	if (f->oom)
		return MS_ERR_NOMEM;
	sha256_digest(&f->h, sizeof digest, digest);
	for (size_t i = 0; i < sizeof digest; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
	return MS_OK;
}

ms_status ms_rules_fingerprint(const ms_rules *r, char out[65])
{
	fp f = { .r = r };
	const void **order;
	size_t n;

	if (!r || !out)
		return MS_ERR_USAGE;
	n = r->nnamed > r->nrules ? r->nnamed : r->nrules;
	if (r->nscen > n)
		n = r->nscen;
	order = malloc((n ? n : 1) * sizeof *order);
	if (!order)
		return MS_ERR_NOMEM;
	sha256_init(&f.h);
	put_str(&f, FINGERPRINT_FORMAT);

	for (size_t i = 0; i < r->nnamed; i++)
		order[i] = &r->sigs[r->named[i]];
	qsort(order, r->nnamed, sizeof *order, cmp_sig);
	put_u64(&f, r->nnamed);
	for (size_t i = 0; i < r->nnamed; i++) {
		const ms_sig *sg = order[i];
		put_str(&f, sg->info.id);
		put_sig_body(&f, sg);
	}

	for (size_t i = 0; i < r->nscen; i++)
		order[i] = &r->scen[i];
	qsort(order, r->nscen, sizeof *order, cmp_scen);
	put_u64(&f, r->nscen);
	for (size_t i = 0; i < r->nscen; i++) {
		const ms_scenario *sc = order[i];
		put_str(&f, sc->info.tag);
		put_set(&f, sc->info.signals, sc->info.nsignals);
	}

	for (size_t i = 0; i < r->nrules; i++)
		order[i] = &r->rules[i];
	qsort(order, r->nrules, sizeof *order, cmp_rule);
	put_u64(&f, r->nrules);
	for (size_t i = 0; i < r->nrules; i++)
		put_rule(&f, order[i]);
	free(order);
	return finish(&f, out);
}

/* For one rule alone: the scenarios that can give it a scope tag, each as
 * the digest of its tag and its signals' bodies (a set of them: scenarios
 * have no order), so that a change to what derives the tag is a change to
 * the rule.  Written after the scope, in the rule's sorted tag order. */
static void put_rule_scenarios(fp *f, const ms_rule_int *ri)
{
	const ms_rules *r = f->r;
	char (*dig)[65] = malloc((r->nscen ? r->nscen : 1) * sizeof *dig);
	const char **ptr = malloc((r->nscen ? r->nscen : 1) * sizeof *ptr);
	size_t n = 0;

	if (!dig || !ptr) {
		f->oom = 1;
		goto out;
	}
	for (size_t c = 0; c < r->nscen; c++) {
		const ms_scenario *sc = &r->scen[c];
		fp g = { .r = r, .whole = 1 };
		int used = 0;

		for (size_t t = 0; t < ri->nscope_tags && !used; t++)
			used = strcmp(ri->scope_tags[t], sc->info.tag) == 0;
		if (!used)
			continue;
		sha256_init(&g.h);
		put_str(&g, sc->info.tag);
		put_set(&g, sc->info.signals, sc->info.nsignals);
		/* The bodies in the order of the signals' names. */
		{
			const ms_sig **order = malloc((sc->info.nsignals ? sc->info.nsignals : 1) *
						      sizeof *order);
			if (!order) {
				f->oom = 1;
				goto out;
			}
			for (size_t k = 0; k < sc->info.nsignals; k++)
				order[k] = &r->sigs[sc->sigs[k]];
			qsort(order, sc->info.nsignals, sizeof *order, cmp_sig);
			for (size_t k = 0; k < sc->info.nsignals; k++)
				put_named_body(&g, order[k]);
			free(order);
		}
		if (g.oom || finish(&g, dig[n]) != MS_OK) {
			f->oom = 1;
			goto out;
		}
		ptr[n] = dig[n];
		n++;
	}
	put_set(f, ptr, n);
out:
	free(dig);
	free(ptr);
}

ms_status ms_rule_fingerprint(const ms_rules *r, size_t i, char out[65])
{
	fp f = { .r = r, .whole = 1 };

	if (!r || !out || i >= r->nrules)
		return MS_ERR_USAGE;
	sha256_init(&f.h);
	put_str(&f, FINGERPRINT_FORMAT " (one rule)");
	put_rule(&f, &r->rules[i]);
	for (size_t k = 0; k < r->rules[i].nscope_psig; k++)
		put_named_body(&f, &r->sigs[r->rules[i].scope_psig[k]]);
	put_rule_scenarios(&f, &r->rules[i]);
	return finish(&f, out);
}
