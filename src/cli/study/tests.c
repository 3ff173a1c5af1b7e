/* medscreen study's tests: Kruskal-Wallis across model groups, Mann-Whitney
 * open against closed, and the screener against the labels. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study.h"
#include "../xalloc.h"
#include "../io/results.h"

static int by_rate(const void *a, const void *b)
{
	const st_row *x = a, *y = b;

	if (isnan(x->rate) != isnan(y->rate))
		return isnan(x->rate) ? 1 : -1;
	if (!isnan(x->rate) && x->rate != y->rate)
		return x->rate < y->rate ? -1 : 1;
	return strcmp(x->key, y->key);
}

void st_sort_prompts(st_row *v, size_t n)
{
	qsort(v, n, sizeof *v, by_rate);
}

static void kruskal_row(const st_data *d, const double *rate, int dim, int s, st_rows *rows)
{
	double *x = xcalloc(d->models.n + 1, sizeof *x);
	size_t *g = xcalloc(d->models.n + 1, sizeof *g), n = 0;
	stats_kruskal kw;
	st_row *r = st_new_row(rows, "kruskal_wallis", "model_group", dim, s);

	for (size_t m = 0; m < d->models.n; m++)
		if (!isnan(rate[m])) {
			x[n] = rate[m];
			g[n++] = d->minfo[m].group;
		}
	r->n = (double)n;
	if (stats_kruskal_wallis(x, g, n, d->groups.n, &kw) == 0) {
		r->k = (double)kw.groups;
		r->statistic = kw.h;
		r->df = kw.df;
		r->p = kw.p;
		r->method = "chi-square, tie-corrected";
	} else {
		r->method = "undefined: fewer than two groups, or every rate equal";
	}
	free(x);
	free(g);
}

static void mann_whitney_row(const st_data *d, const double *rate, int dim, int s,
			     st_rows *rows)
{
	size_t open = strmap_get(&d->weights.idx, "open"), closed = strmap_get(&d->weights.idx, "closed");
	double *x = xcalloc(d->models.n + 1, sizeof *x), *y = xcalloc(d->models.n + 1, sizeof *y);
	size_t nx = 0, ny = 0;
	stats_mw mw;
	st_row *r = st_new_row(rows, "mann_whitney", "open vs closed", dim, s);

	for (size_t m = 0; m < d->models.n; m++) {
		if (isnan(rate[m]))
			continue;
		if (d->minfo[m].weights == open)
			x[nx++] = rate[m];
		else if (d->minfo[m].weights == closed)
			y[ny++] = rate[m];
	}
	r->n = (double)(nx + ny);
	r->k = (double)nx;
	r->label = xasprintf("open %zu, closed %zu", nx, ny);
	if (stats_mann_whitney(x, nx, y, ny, STATS_MW_AUTO, &mw) == 0) {
		r->statistic = mw.u;
		r->p = mw.p;
		r->method = mw.exact ? "exact" : "normal, continuity and tie corrected";
	} else {
		r->method = "undefined: no open or no closed models";
	}
	free(x);
	free(y);
}

/* The models' rates, those of the reference group left out (NAN). */
static void test_rates(const st_data *d, size_t ref, int dim, int s, double *rate)
{
	st_model_rates(d, dim, s, rate);
	for (size_t m = 0; m < d->models.n; m++)
		if (d->minfo[m].group == ref)
			rate[m] = NAN;
}

int st_tests(const st_data *d, const st_options *o, st_rows *rows)
{
	double *rate = xcalloc(d->models.n + 1, sizeof *rate);
	size_t ref = o->reference ? strmap_get(&d->groups.idx, o->reference) : (size_t)-1;

	for (int s = 0; s < (d->have_prompts ? ST_SCOPES : 1); s++)
		for (int dim = 0; dim < ST_DIMS; dim++) {
			test_rates(d, ref, dim, s, rate);
			kruskal_row(d, rate, dim, s, rows);
		}
	for (int s = 0; s < (d->have_prompts ? ST_SCOPES : 1); s++)
		for (int dim = 0; dim < ST_DIMS; dim++) {
			test_rates(d, ref, dim, s, rate);
			mann_whitney_row(d, rate, dim, s, rows);
		}
	free(rate);
	return 0;
}

/* Count the scan records against the labels, per dimension. */
static void confusions(const st_data *d, const scan_set *set, stats_confusion *c,
		       unsigned long *unmatched)
{
	strmap ids = { 0 };

	for (size_t i = 0; i < d->n; i++)
		if (d->recs[i].id)
			strmap_put(&ids, d->recs[i].id, i);
	for (size_t i = 0; i < set->n; i++) {
		const scan_rec *s = &set->v[i];
		size_t at = s->id ? strmap_get(&ids, s->id) : (size_t)-1;
		if (at == (size_t)-1 || s->status == REC_ERROR) {
			++*unmatched;
			continue;
		}
		for (int k = 0; k < MS_DIM_COUNT; k++) {
			int truth = d->recs[at].v[k], flag = s->dim[k];
			if (truth < 0)
				continue;
			c[k].tp += flag && !truth;
			c[k].fp += flag && truth;
			c[k].fn += !flag && !truth;
			c[k].tn += !flag && truth;
		}
	}
	strmap_free(&ids);
}

int st_agreement(const st_data *d, const st_options *o, st_rows *rows)
{
	scan_set set = { 0 };
	stats_confusion c[MS_DIM_COUNT] = { { 0 } };
	unsigned long unmatched = 0;

	for (size_t i = 0; i < o->nscreener; i++)
		if (scan_set_read(&set, o->screener[i])) {
			scan_set_free(&set);
			return -1;
		}
	confusions(d, &set, c, &unmatched);
	for (int k = 0; k < MS_DIM_COUNT; k++) {
		stats_agreement a = stats_agree(&c[k]);
		st_row *r = st_new_row(rows, "agreement", "screener", k, -1);
		r->tp = (double)c[k].tp;
		r->fp = (double)c[k].fp;
		r->fn = (double)c[k].fn;
		r->tn = (double)c[k].tn;
		r->n = r->tp + r->fp + r->fn + r->tn;
		r->precision = a.precision;
		r->recall = a.recall;
		r->f1 = a.f1;
		r->kappa = a.kappa;
		r->label = xasprintf("%lu scan records without a label or screened with an error",
				     unmatched);
	}
	scan_set_free(&set);
	return 0;
}
