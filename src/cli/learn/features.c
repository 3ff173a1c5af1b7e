/* The features of a screened record.  Names and values:
 *   signal:NAME     1 when the signal occurred
 *   early:NAME      1 when its first match starts in the answer's first
 *                   L_EARLY_BYTES bytes (position)
 *   rule:ID         log(1 + evidence spans), at least log 2, when the rule fired
 *   tag:NAME        1 when a scenario gave the record the tag
 *   weights:VALUE   1 for the record's "weights" (open or closed)
 *   dimsev:DIM      log(1 + the dimension's severity sum)
 *   score           log(1 + the fixed severity score)
 *   findings        log(1 + number of findings)
 *   signals         log(1 + number of signals)
 *   length          log(1 + answer bytes), when the records carry
 *                   response_length (scan --with-length)
 * Model names and ids are never features. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "../xalloc.h"

void fvocab_add(fvocab *v, const char *name)
{
	if (strmap_get(&v->idx, name) != (size_t)-1)
		return;
	xgrow(&v->names, &v->cap, v->n + 1, sizeof *v->names);
	v->names[v->n] = xstrdup(name);
	strmap_put(&v->idx, v->names[v->n], v->n);
	v->n++;
}

void fvocab_free(fvocab *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->names[i]);
	free(v->names);
	strmap_free(&v->idx);
	memset(v, 0, sizeof *v);
}

static void set(const fvocab *v, double *x, const char *kind, const char *name, double val)
{
	char key[512];
	size_t i;

	snprintf(key, sizeof key, "%s:%s", kind, name);
	if ((i = strmap_get(&v->idx, key)) != (size_t)-1)
		x[i] = val;
}

static void set1(const fvocab *v, double *x, const char *key, double val)
{
	size_t i = strmap_get(&v->idx, key);

	if (i != (size_t)-1)
		x[i] = val;
}

void features_of(const fvocab *v, const lrec *r, double *x)
{
	memset(x, 0, v->n * sizeof *x);
	for (size_t i = 0; i < r->nsigs; i++) {
		set(v, x, "signal", r->sigs[i].name, 1);
		if (!r->sigs[i].in_prompt && r->sigs[i].start < L_EARLY_BYTES)
			set(v, x, "early", r->sigs[i].name, 1);
	}
	for (size_t i = 0; i < r->nfinds; i++)
		set(v, x, "rule", r->finds[i].rule,
		    log1p(r->finds[i].nev > 1 ? (double)r->finds[i].nev : 1.0));
	for (size_t i = 0; i < r->ntags; i++)
		set(v, x, "tag", r->tags[i], 1);
	if (r->meta_weights)
		set(v, x, "weights", r->meta_weights, 1);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		set(v, x, "dimsev", ms_dimension_name((ms_dimension)d), log1p(r->dimsev[d]));
	set1(v, x, "score", log1p(r->score));
	set1(v, x, "findings", log1p((double)r->nfinds));
	set1(v, x, "signals", log1p((double)r->nsigs));
	if (r->length >= 0)
		set1(v, x, "length", log1p(r->length));
}

/* Every name a record could give a nonzero value. */
static void candidates(fvocab *all, const lrec *r)
{
	char key[512];

	for (size_t i = 0; i < r->nsigs; i++) {
		snprintf(key, sizeof key, "signal:%s", r->sigs[i].name);
		fvocab_add(all, key);
		snprintf(key, sizeof key, "early:%s", r->sigs[i].name);
		fvocab_add(all, key);
	}
	for (size_t i = 0; i < r->nfinds; i++) {
		snprintf(key, sizeof key, "rule:%s", r->finds[i].rule);
		fvocab_add(all, key);
	}
	for (size_t i = 0; i < r->ntags; i++) {
		snprintf(key, sizeof key, "tag:%s", r->tags[i]);
		fvocab_add(all, key);
	}
	if (r->meta_weights) {
		snprintf(key, sizeof key, "weights:%s", r->meta_weights);
		fvocab_add(all, key);
	}
}

void fvocab_build(fvocab *v, const lset *s)
{
	fvocab all = { 0 };
	size_t *support;
	double *x;
	int length = s->n > 0;

	for (int d = 0; d < MS_DIM_COUNT; d++) {
		char key[64];
		snprintf(key, sizeof key, "dimsev:%s", ms_dimension_name((ms_dimension)d));
		fvocab_add(&all, key);
	}
	fvocab_add(&all, "score");
	fvocab_add(&all, "findings");
	fvocab_add(&all, "signals");
	for (size_t i = 0; i < s->n; i++) {
		candidates(&all, &s->v[i]);
		length &= s->v[i].length >= 0;
	}
	if (length)
		fvocab_add(&all, "length");
	support = xcalloc(all.n ? all.n : 1, sizeof *support);
	x = xmalloc((all.n ? all.n : 1) * sizeof *x);
	for (size_t i = 0; i < s->n; i++) {
		features_of(&all, &s->v[i], x);
		for (size_t j = 0; j < all.n; j++)
			support[j] += x[j] != 0;
	}
	/* Kept: seen often enough, and not in every record (no variance). */
	for (size_t j = 0; j < all.n; j++)
		if (support[j] >= L_MIN_SUPPORT && (support[j] < s->n || !strchr(all.names[j], ':')))
			fvocab_add(v, all.names[j]);
	free(support);
	free(x);
	fvocab_free(&all);
}
