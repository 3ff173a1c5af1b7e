/* Fitting a target, and the ranking quality of scores with bootstrap
 * intervals. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "learn.h"
#include "../stats.h"
#include "../xalloc.h"

void l_center_intercept(double *beta, size_t p, const double *mean, const double *sd)
{
	for (size_t j = 0; j < p; j++)
		beta[0] += beta[j + 1] * mean[j] / sd[j];
}

void l_standardise(double *x, size_t n, size_t p, const unsigned char *use, int center,
		   double *mean, double *sd)
{
	for (size_t j = 0; j < p; j++) {
		double s = 0, ss = 0, m = 0;
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (!use || use[i]) {
				s += x[i * p + j];
				k++;
			}
		m = k ? s / (double)k : 0;
		for (size_t i = 0; i < n; i++)
			if (!use || use[i])
				ss += (x[i * p + j] - m) * (x[i * p + j] - m);
		mean[j] = m;
		sd[j] = k > 1 ? sqrt(ss / (double)(k - 1)) : 0;
		if (!(sd[j] > 0))
			sd[j] = 1;
		for (size_t i = 0; i < n; i++)
			x[i * p + j] = (x[i * p + j] - (center ? m : 0)) / sd[j];
	}
}

int l_fit(const double *x, const double *y, const unsigned char *use, size_t n, size_t p,
	  double lambda, double *beta)
{
	size_t k = 0;
	double *xs, *ys;
	int rc;

	for (size_t i = 0; i < n; i++)
		k += use[i] != 0;
	xs = xmalloc((k ? k : 1) * (p ? p : 1) * sizeof *xs);
	ys = xmalloc((k ? k : 1) * sizeof *ys);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (use[i]) {
			memcpy(&xs[k * p], &x[i * p], p * sizeof *xs);
			ys[k++] = y[i];
		}
	rc = stats_logit_fit(xs, ys, k, p, lambda, beta, NULL);
	if (rc < 0)
		xoom();
	free(xs);
	free(ys);
	return rc;
}

/* ---------------- weighted ranking metrics ---------------- */

static const double *sort_key;

static int by_score_desc(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (sort_key[i] != sort_key[j])
		return sort_key[i] > sort_key[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

void lranked_init(lranked *r, const double *score, const int *y, size_t n)
{
	r->n = n;
	r->order = xmalloc((n ? n : 1) * sizeof *r->order);
	r->score = xmalloc((n ? n : 1) * sizeof *r->score);
	r->y = xmalloc((n ? n : 1) * sizeof *r->y);
	for (size_t i = 0; i < n; i++)
		r->order[i] = i;
	sort_key = score;
	qsort(r->order, n, sizeof *r->order, by_score_desc);
	for (size_t i = 0; i < n; i++) {
		r->score[i] = score[r->order[i]];
		r->y[i] = y[r->order[i]] != 0;
	}
}

void lranked_free(lranked *r)
{
	free(r->order);
	free(r->score);
	free(r->y);
}

lmetrics lranked_metrics(const lranked *r, const double *w)
{
	double P = 0, N = 0, tp = 0, fp = 0, ap = 0, pairs = 0, top, taken = 0, toppos = 0;
	lmetrics m = { NAN, NAN, NAN };

	for (size_t i = 0; i < r->n; i++) {
		double wi = w ? w[r->order[i]] : 1;
		if (r->y[i])
			P += wi;
		else
			N += wi;
	}
	if (P <= 0)
		return m;
	top = (P + N) / 5;
	/* Tie groups from the highest score down. */
	for (size_t g = 0; g < r->n;) {
		size_t e = g;
		double pg = 0, ng = 0;
		while (e < r->n && r->score[e] == r->score[g]) {
			double wi = w ? w[r->order[e]] : 1;
			if (r->y[e])
				pg += wi;
			else
				ng += wi;
			e++;
		}
		/* Positives of the group above the negatives below it. */
		pairs += pg * (N - fp - ng) + 0.5 * pg * ng;
		tp += pg;
		fp += ng;
		if (pg > 0)
			ap += pg / P * tp / (tp + fp);
		if (taken < top && pg + ng > 0) {
			double take = pg + ng < top - taken ? pg + ng : top - taken;
			toppos += pg * take / (pg + ng);
			taken += take;
		}
		g = e;
	}
	m.ap = ap;
	m.auc = N > 0 ? pairs / (P * N) : NAN;
	m.lift = top > 0 ? (toppos / top) / (P / (P + N)) : NAN;
	return m;
}

/* ---------------- paired bootstrap ---------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Percentile interval of the defined values of v (sorted in place). */
static void percentile(double *v, size_t n, lci *c)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			v[k++] = v[i];
	c->lo = c->hi = NAN;
	if (k < 2)
		return;
	qsort(v, k, sizeof *v, cmp_double);
	c->lo = v[(size_t)floor(0.025 * (double)(k - 1))];
	c->hi = v[(size_t)ceil(0.975 * (double)(k - 1))];
}

int l_compare(const double *fitted, const double *fixed, const int *y, size_t n, unsigned b,
	      unsigned long seed, lcompare *out)
{
	lranked rf, rx;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double *w = xmalloc((n ? n : 1) * sizeof *w);
	double *bs = xmalloc(9 * (size_t)(b ? b : 1) * sizeof *bs);
	lmetrics mf, mx;

	if (!rng)
		xoom();
	gsl_rng_set(rng, seed);
	memset(out, 0, sizeof *out);
	out->n = n;
	for (size_t i = 0; i < n; i++)
		out->positives += y[i] != 0;
	lranked_init(&rf, fitted, y, n);
	lranked_init(&rx, fixed, y, n);
	mf = lranked_metrics(&rf, NULL);
	mx = lranked_metrics(&rx, NULL);
	out->auc[0].v = mf.auc, out->ap[0].v = mf.ap, out->lift[0].v = mf.lift;
	out->auc[1].v = mx.auc, out->ap[1].v = mx.ap, out->lift[1].v = mx.lift;
	out->dauc.v = mf.auc - mx.auc, out->dap.v = mf.ap - mx.ap, out->dlift.v = mf.lift - mx.lift;
	for (unsigned k = 0; k < b; k++) {
		memset(w, 0, n * sizeof *w);
		for (size_t i = 0; i < n; i++)
			w[gsl_rng_uniform_int(rng, n)] += 1;
		mf = lranked_metrics(&rf, w);
		mx = lranked_metrics(&rx, w);
		bs[0 * b + k] = mf.auc, bs[1 * b + k] = mx.auc, bs[2 * b + k] = mf.auc - mx.auc;
		bs[3 * b + k] = mf.ap, bs[4 * b + k] = mx.ap, bs[5 * b + k] = mf.ap - mx.ap;
		bs[6 * b + k] = mf.lift, bs[7 * b + k] = mx.lift, bs[8 * b + k] = mf.lift - mx.lift;
	}
	{
		lci *c[9] = { &out->auc[0], &out->auc[1], &out->dauc, &out->ap[0], &out->ap[1],
			      &out->dap, &out->lift[0], &out->lift[1], &out->dlift };
		for (int j = 0; j < 9; j++)
			percentile(bs + (size_t)j * b, b, c[j]);
	}
	lranked_free(&rf);
	lranked_free(&rx);
	gsl_rng_free(rng);
	free(w);
	free(bs);
	return 0;
}
