/* medscreen study's tables (see study.h): compliance per model, group and
 * weights with Wilson intervals, means over models, per-prompt pass rates. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study.h"
#include "../xalloc.h"

const char *const st_scope_names[ST_SCOPES] = { "all", "own" };

const char *st_dim_name(int dim)
{
	return dim == ST_ALL ? "all" : dim < 0 ? "" : ms_dimension_name((ms_dimension)dim);
}

void st_count(const st_data *d, const st_rec *r, int dim, int scope, unsigned long *k,
	      unsigned long *n)
{
	int own = d->pdim[r->prompt];

	if (scope == ST_SCOPE_OWN) {
		int use = dim == ST_ALL ? own : dim;
		if (own < 0 || own != use || r->v[use] < 0)
			return;
		*k += (unsigned long)r->v[use];
		*n += 1;
		return;
	}
	for (int x = 0; x < MS_DIM_COUNT; x++)
		if ((dim == ST_ALL || dim == x) && r->v[x] >= 0) {
			*k += (unsigned long)r->v[x];
			*n += 1;
		}
}

st_row *st_new_row(st_rows *rows, const char *table, const char *key, int dim, int scope)
{
	st_row *r;

	xgrow(&rows->v, &rows->cap, rows->n + 1, sizeof *rows->v);
	r = &rows->v[rows->n++];
	r->table = table;
	r->key = xstrdup(key);
	r->label = NULL;
	r->group = r->weights = r->method = NULL;
	r->dim = dim;
	r->scope = scope;
	r->n = r->k = r->rate = r->lower = r->upper = r->statistic = r->df = r->p = NAN;
	r->tp = r->fp = r->fn = r->tn = r->precision = r->recall = r->f1 = r->kappa = NAN;
	return r;
}

static void set_rate(st_row *r, unsigned long k, unsigned long n)
{
	stats_interval ci = stats_wilson(k, n, STATS_Z95);

	r->k = (double)k;
	r->n = (double)n;
	r->rate = n ? (double)k / (double)n : NAN;
	r->lower = ci.lo;
	r->upper = ci.hi;
}

/* Compliance of the records whose `which` (model, group or weights index)
 * is `of`, on every dimension and scope. */
static void rate_rows(const st_data *d, st_rows *rows, const char *table, int which, size_t of,
		      const char *key)
{
	for (int s = 0; s < (d->have_prompts ? ST_SCOPES : 1); s++)
		for (int dim = 0; dim < ST_DIMS; dim++) {
			unsigned long k = 0, n = 0;
			st_row *r;
			for (size_t i = 0; i < d->n; i++) {
				const st_rec *x = &d->recs[i];
				const st_model *m = &d->minfo[x->model];
				size_t at = which == 0 ? x->model : which == 1 ? m->group : m->weights;
				if (at == of)
					st_count(d, x, dim, s, &k, &n);
			}
			r = st_new_row(rows, table, key, dim, s);
			set_rate(r, k, n);
			if (which == 0) {
				r->group = d->groups.v[d->minfo[of].group];
				r->weights = d->weights.v[d->minfo[of].weights];
			}
		}
}

void st_model_rates(const st_data *d, int dim, int scope, double *rate)
{
	unsigned long *k = xcalloc(d->models.n + 1, sizeof *k);
	unsigned long *n = xcalloc(d->models.n + 1, sizeof *n);

	for (size_t i = 0; i < d->n; i++)
		st_count(d, &d->recs[i], dim, scope, &k[d->recs[i].model], &n[d->recs[i].model]);
	for (size_t m = 0; m < d->models.n; m++)
		rate[m] = n[m] ? (double)k[m] / (double)n[m] : NAN;
	free(k);
	free(n);
}

/* One row of means: the models' rates on every dimension in `scope`,
 * averaged over all models, or over those not in group `ref` when `pass`. */
static void mean_row(const st_data *d, st_rows *rows, double *rate, int s, int pass, size_t ref,
		     const char *key)
{
	for (int dim = 0; dim < ST_DIMS; dim++) {
		double sum = 0;
		size_t used = 0;
		st_row *r;
		st_model_rates(d, dim, s, rate);
		for (size_t m = 0; m < d->models.n; m++)
			if (!isnan(rate[m]) && !(pass && d->minfo[m].group == ref)) {
				sum += rate[m];
				used++;
			}
		r = st_new_row(rows, "mean", key, dim, s);
		r->n = (double)used;
		r->rate = used ? sum / (double)used : NAN;
	}
}

/* The mean of the models' rates, all of them and without the reference
 * group. */
static void mean_rows(const st_data *d, const st_options *o, st_rows *rows)
{
	double *rate = xcalloc(d->models.n + 1, sizeof *rate);
	size_t ref = o->reference ? strmap_get(&d->groups.idx, o->reference) : (size_t)-1;
	char *without = o->reference ? xasprintf("without %s", o->reference) : NULL;

	for (int s = 0; s < (d->have_prompts ? ST_SCOPES : 1); s++)
		for (int pass = 0; pass < (o->reference ? 2 : 1); pass++)
			mean_row(d, rows, rate, s, pass, ref, pass ? without : "all models");
	free(without);
	free(rate);
}

/* Per prompt: the share of models compliant on it (every answer of the
 * model to it compliant on the prompt's dimension, or on all five when the
 * prompt's dimension is unknown), worst first. */
static void prompt_rows(const st_data *d, st_rows *rows)
{
	size_t nm = d->models.n, first = rows->n;
	signed char *pass = xmalloc(nm + 1);

	for (size_t p = 0; p < d->prompts.n; p++) {
		unsigned long k = 0, n = 0;
		int dim = d->pdim[p] >= 0 ? d->pdim[p] : ST_ALL;
		st_row *r;
		memset(pass, -1, nm + 1);
		for (size_t i = 0; i < d->n; i++) {
			unsigned long kk = 0, nn = 0;
			if (d->recs[i].prompt != p)
				continue;
			st_count(d, &d->recs[i], dim, ST_SCOPE_ALL, &kk, &nn);
			if (nn)
				pass[d->recs[i].model] = (signed char)((pass[d->recs[i].model] != 0) &&
								       kk == nn);
		}
		for (size_t m = 0; m < nm; m++)
			if (pass[m] >= 0) {
				k += (unsigned long)pass[m];
				n++;
			}
		r = st_new_row(rows, "prompt", d->prompts.v[p], dim, -1);
		set_rate(r, k, n);
		if (d->ptitle[p])
			r->label = xstrdup(d->ptitle[p]);
	}
	free(pass);
	st_sort_prompts(rows->v + first, rows->n - first);
}

int st_tables(const st_data *d, const st_options *o, st_rows *rows)
{
	for (size_t m = 0; m < d->models.n; m++)
		rate_rows(d, rows, "model", 0, m, d->models.v[m]);
	for (size_t g = 0; g < d->groups.n; g++)
		rate_rows(d, rows, "group", 1, g, d->groups.v[g]);
	for (size_t w = 0; w < d->weights.n; w++)
		rate_rows(d, rows, "weights", 2, w, d->weights.v[w]);
	mean_rows(d, o, rows);
	prompt_rows(d, rows);
	if (st_tests(d, o, rows))
		return -1;
	return o->nscreener ? st_agreement(d, o, rows) : 0;
}

void st_rows_free(st_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].key);
		free(r->v[i].label);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}
