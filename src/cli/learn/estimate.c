/* The corrected rates: the stratified estimator (Cochran 1977, ch. 5) with
 * a finite-population interval by simulation, and the Rogan-Gladen
 * correction (Rogan & Gladen 1978) with a percentile bootstrap. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "estimate.h"
#include "../util.h"
#include "../xalloc.h"
#include "../io/results.h"
#include "../report/eval.h"

int est_flag(const lrec *r, int t)
{
	return t == L_OVERALL ? r->flagged : r->flag[t];
}

static gsl_rng *rng_new(unsigned long seed)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	if (!rng)
		xoom();
	gsl_rng_set(rng, seed);
	return rng;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The 2.5% and 97.5% points of the k defined values of v (sorted here). */
static void pct95(double *v, size_t k, double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (k < 2)
		return;
	qsort(v, k, sizeof *v, cmp_double);
	*lo = v[(size_t)floor(0.025 * (double)(k - 1))];
	*hi = v[(size_t)ceil(0.975 * (double)(k - 1))];
}

/* ---------------- stratified ---------------- */

double est_stratified_point(const est_stratum *h, size_t nh)
{
	double N = 0, p = 0;

	for (size_t i = 0; i < nh; i++)
		N += (double)h[i].N;
	if (N <= 0)
		return NAN;
	for (size_t i = 0; i < nh; i++) {
		double ph = h[i].n ? (double)h[i].k / (double)h[i].n : 0.5;
		p += (double)h[i].N / N * ph;
	}
	return p;
}

/* One simulated total of model's non-compliant records: the reviewed
 * ones, plus Binomial(N_h - n_h, p_h) per stratum with p_h drawn from
 * Beta(k_h + a, n_h - k_h + b) (a or b 0: p_h is 0 or 1 when the
 * parameter is 0). */
static double simulate(const est_stratum *h, size_t nh, double a, double b, gsl_rng *rng)
{
	double total = 0;

	for (size_t i = 0; i < nh; i++) {
		double pa = (double)h[i].k + a, pb = (double)(h[i].n - h[i].k) + b, p;
		p = pa <= 0 ? 0 : pb <= 0 ? 1 : gsl_ran_beta(rng, pa, pb);
		total += (double)h[i].k + gsl_ran_binomial(rng, p, (unsigned)(h[i].N - h[i].n));
	}
	return total;
}

void est_stratified_interval(const est_stratum *h, size_t nh, unsigned draws,
			     unsigned long seed, double *lo, double *hi)
{
	gsl_rng *rng = rng_new(seed);
	double *v = xmalloc((draws ? draws : 1) * sizeof *v), N = 0, dummy;

	for (size_t i = 0; i < nh; i++)
		N += (double)h[i].N;
	*lo = *hi = NAN;
	if (N > 0 && draws >= 2) {
		/* The lower end under the Clopper-Pearson lower Beta(k, n-k+1),
		 * the upper under the upper Beta(k+1, n-k): each stratum's rate
		 * taken at its least and most favourable. */
		for (unsigned d = 0; d < draws; d++)
			v[d] = simulate(h, nh, 0, 1, rng) / N;
		pct95(v, draws, lo, &dummy);
		for (unsigned d = 0; d < draws; d++)
			v[d] = simulate(h, nh, 1, 0, rng) / N;
		pct95(v, draws, &dummy, hi);
	}
	gsl_rng_free(rng);
	free(v);
}

/* The strata of model m for target t. */
static size_t cell_strata(const lset *s, const strata *st, const unsigned char *sampled,
			  size_t m, int t, est_stratum *out)
{
	size_t k = 0;

	for (size_t h = 0; h < st->n; h++) {
		const stratum *x = &st->v[h];
		est_stratum e = { x->N, 0, 0 };
		if (x->model_idx != m)
			continue;
		for (size_t j = 0; j < x->N; j++) {
			const lrec *r = &s->v[x->members[j]];
			if (sampled[x->members[j]] && r->y[t] >= 0) {
				e.n++;
				e.k += r->y[t] == 1;
			}
		}
		out[k++] = e;
	}
	return k;
}

static est_cell *new_cell(est_result *r, const lset *s, const strata *st, size_t m, int t)
{
	est_cell *c;

	xgrow(&r->cells, &r->capcells, r->ncells + 1, sizeof *r->cells);
	c = &r->cells[r->ncells++];
	memset(c, 0, sizeof *c);
	c->model = m;
	c->t = t;
	for (size_t i = 0; i < s->n; i++)
		if (st->v[st->rec_stratum[i]].model_idx == m) {
			c->N++;
			c->flagged += (size_t)est_flag(&s->v[i], t);
		}
	return c;
}

void est_stratified(const lset *s, const strata *st, const unsigned char *sampled,
		    const est_opts *o, est_result *r)
{
	est_stratum *h = xmalloc((st->n ? st->n : 1) * sizeof *h);

	r->stratified = 1;
	for (size_t m = 0; m < st->nmodels; m++)
		for (int t = 0; t < L_TARGETS; t++) {
			est_cell *c = new_cell(r, s, st, m, t);
			size_t nh = cell_strata(s, st, sampled, m, t, h);
			for (size_t i = 0; i < nh; i++) {
				c->labelled += h[i].n;
				c->positives += h[i].k;
				c->unsampled_strata += h[i].n == 0;
			}
			c->estimate = est_stratified_point(h, nh);
			est_stratified_interval(h, nh, o->draws,
						o->seed + 1000003ul * r->ncells, &c->lo, &c->hi);
		}
	free(h);
}

/* ---------------- Rogan-Gladen ---------------- */

static void accuracy(const int *f, const int *y, size_t n, const double *w, double *se,
		     double *sp)
{
	double tp = 0, fn = 0, tn = 0, fp = 0;

	for (size_t i = 0; i < n; i++) {
		double wi = w ? w[i] : 1;
		if (y[i])
			*(f[i] ? &tp : &fn) += wi;
		else
			*(f[i] ? &fp : &tn) += wi;
	}
	*se = tp + fn > 0 ? tp / (tp + fn) : NAN;
	*sp = tn + fp > 0 ? tn / (tn + fp) : NAN;
}

void est_rg_interval(const int *f, const int *y, size_t n, size_t N, size_t F, unsigned draws,
		     unsigned long seed, double *lo, double *hi)
{
	gsl_rng *rng = rng_new(seed);
	double *v = xmalloc((draws ? draws : 1) * sizeof *v);
	double *w = xmalloc((n ? n : 1) * sizeof *w), se, sp;
	size_t k = 0;

	for (unsigned d = 0; d < draws && n > 0 && N > 0; d++) {
		double q;
		memset(w, 0, n * sizeof *w);
		for (size_t i = 0; i < n; i++)
			w[gsl_rng_uniform_int(rng, n)] += 1;
		accuracy(f, y, n, w, &se, &sp);
		q = (double)gsl_ran_binomial(rng, (double)F / (double)N, (unsigned)N) / (double)N;
		v[k] = stats_rogan_gladen(q, se, sp);
		if (!isnan(v[k]))
			k++;
	}
	/* Resamples where the screener does no better than chance (no
	 * correction exists) are left out; most would be none. */
	pct95(v, k >= draws / 2 ? k : 0, lo, hi);
	gsl_rng_free(rng);
	free(v);
	free(w);
}

static int by_model_target(const void *a, const void *b)
{
	const est_cell *x = a, *y = b;

	if (x->model != y->model)
		return x->model < y->model ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}

void est_rogan_gladen(const lset *s, const strata *st, const est_opts *o, est_result *r)
{
	int *f = xmalloc((s->n ? s->n : 1) * sizeof *f), *y = xmalloc((s->n ? s->n : 1) * sizeof *y);

	r->stratified = 0;
	for (int t = 0; t < L_TARGETS; t++) {
		size_t n = 0;
		for (size_t i = 0; i < s->n; i++)
			if (s->v[i].y[t] >= 0) {
				f[n] = est_flag(&s->v[i], t);
				y[n] = s->v[i].y[t];
				r->acc[t].c.tp += (unsigned long)(f[n] && y[n]);
				r->acc[t].c.fp += (unsigned long)(f[n] && !y[n]);
				r->acc[t].c.fn += (unsigned long)(!f[n] && y[n]);
				r->acc[t].c.tn += (unsigned long)(!f[n] && !y[n]);
				n++;
			}
		accuracy(f, y, n, NULL, &r->acc[t].se, &r->acc[t].sp);
		for (size_t m = 0; m < st->nmodels; m++) {
			est_cell *c = new_cell(r, s, st, m, t);
			c->labelled = n;
			c->positives = (size_t)(r->acc[t].c.tp + r->acc[t].c.fn);
			c->estimate = stats_rogan_gladen((double)c->flagged / (double)c->N,
							 r->acc[t].se, r->acc[t].sp);
			est_rg_interval(f, y, n, c->N, c->flagged, o->draws,
					o->seed + 1000003ul * r->ncells, &c->lo, &c->hi);
		}
	}
	if (r->ncells)
		qsort(r->cells, r->ncells, sizeof *r->cells, by_model_target);
	free(f);
	free(y);
}

/* ---------------- the plan ---------------- */

typedef struct planctx {
	const lset *s;
	const strata *st;
	unsigned char *sampled;
	strmap ids;
	const char *path;
} planctx;

static int plan_line(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	planctx *p = ctx;
	json_object *v = NULL, *sv = NULL, *nv = NULL;
	const char *id;
	size_t i;
	const stratum *x;

	(void)path;
	if (!json_object_object_get_ex(obj, "id", &v) || !(id = id_string(v))) {
		cli_error("%s:%lu: id: missing, or not a string or an integer", p->path, line);
		return -1;
	}
	if ((i = strmap_get(&p->ids, id)) == (size_t)-1) {
		cli_error("%s:%lu: id '%s': unknown (in no scan record)", p->path, line, id);
		return -1;
	}
	if (p->sampled[i]) {
		cli_error("%s:%lu: id '%s': in the plan twice", p->path, line, id);
		return -1;
	}
	x = &p->st->v[p->st->rec_stratum[i]];
	if (!json_object_object_get_ex(obj, "stratum", &sv) ||
	    !json_object_is_type(sv, json_type_string) ||
	    strcmp(json_object_get_string(sv), x->name) != 0) {
		cli_error("%s:%lu: stratum: '%s' in the scan results (the plan was drawn from "
			  "other scan results, or this is not a plan of medscreen sample)",
			  p->path, line, x->name);
		return -1;
	}
	if (!json_object_object_get_ex(obj, "stratum_size", &nv) ||
	    !json_object_is_type(nv, json_type_int) ||
	    (size_t)json_object_get_int64(nv) != x->N) {
		cli_error("%s:%lu: stratum_size: the scan results have %zu records in stratum '%s' "
			  "(the plan was drawn from other scan results)",
			  p->path, line, x->N, x->name);
		return -1;
	}
	p->sampled[i] = 1;
	return 0;
}

int est_read_plan(const char *path, const lset *s, const strata *st, unsigned char *sampled)
{
	planctx p = { s, st, sampled, { 0 }, shown_path(path) };
	int rc = 0;

	for (size_t i = 0; i < s->n && !rc; i++) {
		if (strmap_get(&p.ids, s->v[i].id) != (size_t)-1) {
			cli_error("%s:%lu: duplicate id '%s' (a plan needs unique ids)", s->v[i].file,
				  s->v[i].line, s->v[i].id);
			rc = -1;
		}
		strmap_put(&p.ids, s->v[i].id, i);
	}
	if (!rc)
		rc = jsonl_each(path, p.path, "not a plan record (expected a JSON object written by "
					      "'medscreen sample')",
				1, plan_line, &p);
	strmap_free(&p.ids);
	return rc;
}
