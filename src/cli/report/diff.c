/* The comparison of medscreen diff (see diff.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "../stats.h"
#include "../xalloc.h"

static int cmp_keyed(const void *a, const void *b)
{
	return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

static char *pair_key(const scan_rec *r)
{
	if (r->prompt_id)
		return xasprintf("prompt %s, sample %s", r->prompt_id, r->sample ? r->sample : "1");
	if (r->id)
		return xasprintf("id %s", r->id);
	return xasprintf("%s line %lu", r->file, r->line);
}

static keyed *index_set(scan_set *s)
{
	keyed *v = xcalloc(s->n, sizeof *v);

	for (size_t i = 0; i < s->n; i++) {
		v[i].rec = &s->v[i];
		v[i].key = pair_key(&s->v[i]);
	}
	if (s->n)
		qsort(v, s->n, sizeof *v, cmp_keyed);
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(v[i].key, v[i - 1].key) == 0)
			v[i].dup = v[i - 1].dup = 1;
	return v;
}

static int has_rule(const scan_rec *r, const char *rule)
{
	for (size_t i = 0; i < r->nfired; i++)
		if (!r->fired[i].error && strcmp(r->fired[i].rule, rule) == 0)
			return 1;
	return 0;
}

static void note_change(changes *ch, const fired_rule *fr, const char *key, const scan_rec *rec)
{
	size_t i = strmap_get(&ch->idx, fr->rule);
	rulechange *rc;

	if (i == (size_t)-1) {
		xgrow(&ch->v, &ch->cap, ch->n + 1, sizeof *ch->v);
		rc = &ch->v[ch->n];
		memset(rc, 0, sizeof *rc);
		rc->rule = fr->rule;
		rc->message = fr->message;
		rc->dimension = fr->dimension;
		rc->severity = fr->severity;
		strmap_put(&ch->idx, fr->rule, ch->n++);
	} else {
		rc = &ch->v[i];
	}
	xgrow(&rc->recs, &rc->caprecs, rc->count + 1, sizeof *rc->recs);
	rc->recs[rc->count++] = rec;
	ob_printf(&rc->where, "%s%s", rc->where.len ? "; " : "", key);
}

static int cmp_change(const void *a, const void *b)
{
	const rulechange *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

/* A pair of usable records with the same key: its dimensions and rules. */
static void compare_pair(diff_result *d, const char *key, const scan_rec *rb, const scan_rec *rc)
{
	for (int k = 0; k < MS_DIM_COUNT; k++) {
		if (rb->dim[k] && rc->dim[k])
			d->ds[k].both++;
		else if (rb->dim[k])
			d->ds[k].base_only++;
		else if (rc->dim[k])
			d->ds[k].cand_only++;
		else
			d->ds[k].neither++;
	}
	for (size_t k = 0; k < rc->nfired; k++)
		if (!rc->fired[k].error && !has_rule(rb, rc->fired[k].rule))
			note_change(&d->added, &rc->fired[k], key, rc);
	for (size_t k = 0; k < rb->nfired; k++)
		if (!rb->fired[k].error && !has_rule(rc, rb->fired[k].rule))
			note_change(&d->removed, &rb->fired[k], key, rb);
}

/* Merge the two sorted indexes; pairs are unique keys on both sides. */
static void pair_up(diff_result *d)
{
	for (size_t i = 0, j = 0; i < d->base.n || j < d->cand.n;) {
		int cmp = i >= d->base.n ? 1 : j >= d->cand.n ? -1 : strcmp(d->kb[i].key, d->kc[j].key);
		keyed *x = cmp <= 0 ? &d->kb[i] : NULL, *y = cmp >= 0 ? &d->kc[j] : NULL;

		if (x && y && !x->dup && !y->dup && x->rec->status != REC_ERROR &&
		    y->rec->status != REC_ERROR) {
			d->npaired++;
			x->paired = y->paired = 1;
			compare_pair(d, x->key, x->rec, y->rec);
		}
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
}

/* The records left over, baseline first, each with the reason. */
static void list_unpaired(diff_result *d)
{
	d->unpaired = xcalloc(d->base.n + d->cand.n + 1, sizeof *d->unpaired);
	for (int side = 0; side < 2; side++) {
		const keyed *v = side ? d->kc : d->kb;
		size_t n = side ? d->cand.n : d->base.n;
		for (size_t i = 0; i < n; i++) {
			unpaired_rec *u;
			if (v[i].paired)
				continue;
			u = &d->unpaired[d->nunpaired++];
			u->candidate = side;
			u->k = &v[i];
			if (v[i].rec->status == REC_ERROR)
				u->why = "its scan status is error";
			else if (v[i].dup)
				u->why = "its key is not unique in its scan";
			else
				u->why = side ? "not in the baseline" : "not in the candidate";
		}
	}
}

static void dimension_stats(diff_result *d)
{
	double np = (double)d->npaired;

	for (int k = 0; k < MS_DIM_COUNT; k++) {
		dimstat *x = &d->ds[k];
		x->base_rate = d->npaired ? (double)(x->both + x->base_only) / np : 0;
		x->cand_rate = d->npaired ? (double)(x->both + x->cand_only) / np : 0;
		x->delta_pp = 100.0 * (x->cand_rate - x->base_rate);
		x->p = stats_mcnemar_exact(x->base_only, x->cand_only);
		/* A small epsilon keeps exact ties at the tolerance from failing. */
		x->regression = x->delta_pp > d->tol + 1e-9;
		d->regression |= x->regression;
	}
}

int diff_run(diff_result *d)
{
	if (scan_set_read(&d->base, d->base_name) || scan_set_read(&d->cand, d->cand_name))
		return -1;
	d->kb = index_set(&d->base);
	d->kc = index_set(&d->cand);
	pair_up(d);
	list_unpaired(d);
	dimension_stats(d);
	if (d->added.n)
		qsort(d->added.v, d->added.n, sizeof *d->added.v, cmp_change);
	if (d->removed.n)
		qsort(d->removed.v, d->removed.n, sizeof *d->removed.v, cmp_change);
	return 0;
}

static void changes_free(changes *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		ob_free(&ch->v[i].where);
		free(ch->v[i].recs);
	}
	free(ch->v);
	strmap_free(&ch->idx);
}

void diff_free(diff_result *d)
{
	for (size_t i = 0; d->kb && i < d->base.n; i++)
		free(d->kb[i].key);
	for (size_t i = 0; d->kc && i < d->cand.n; i++)
		free(d->kc[i].key);
	free(d->kb);
	free(d->kc);
	changes_free(&d->added);
	changes_free(&d->removed);
	free(d->unpaired);
	scan_set_free(&d->base);
	scan_set_free(&d->cand);
}
