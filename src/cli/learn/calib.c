/* calibrate's work: out-of-fold predictions by stratified k-fold
 * cross-validation, their comparison with the fixed severity score, and
 * the final fit on every labelled record. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "calib.h"
#include "../stats.h"
#include "../util.h"
#include "../xalloc.h"

/* The fixed score a target is compared with: the dimension's severity sum,
 * or the record's score for the overall verdict. */
static double fixed_score(const lrec *r, int t)
{
	return t == L_OVERALL ? (double)r->score : (double)r->dimsev[t];
}

static void shuffle(size_t *v, size_t n, gsl_rng *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = gsl_rng_uniform_int(rng, i), tmp = v[i - 1];
		v[i - 1] = v[j];
		v[j] = tmp;
	}
}

/* Folds stratified by the label: the positives, then the negatives, each
 * shuffled, dealt round-robin.  fold[i] is -1 for unlabelled rows. */
static void make_folds(const lset *s, int t, unsigned k, unsigned long seed, int *fold)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	size_t *idx = xmalloc((s->n ? s->n : 1) * sizeof *idx), m = 0, dealt = 0;

	if (!rng)
		xoom();
	gsl_rng_set(rng, seed * 7919 + (unsigned long)t);
	for (int cls = 1; cls >= 0; cls--) {
		m = 0;
		for (size_t i = 0; i < s->n; i++)
			if (s->v[i].y[t] == cls)
				idx[m++] = i;
		shuffle(idx, m, rng);
		for (size_t j = 0; j < m; j++)
			fold[idx[j]] = (int)(dealt++ % k);
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].y[t] < 0)
			fold[i] = -1;
	gsl_rng_free(rng);
	free(idx);
}

/* Out-of-fold probabilities of target t into oof (rows with fold >= 0). */
static unsigned cross_validate(const double *x0, const double *y, const int *fold, size_t n,
			       size_t p, const calib_opts *o, double *oof)
{
	double *x = xmalloc((n ? n : 1) * (p ? p : 1) * sizeof *x);
	double *mean = xmalloc((p ? p : 1) * sizeof *mean), *sd = xmalloc((p ? p : 1) * sizeof *sd);
	double *beta = xmalloc((p + 1) * sizeof *beta);
	unsigned char *use = xmalloc(n ? n : 1);
	unsigned nonconv = 0;

	for (unsigned f = 0; f < o->folds; f++) {
		memcpy(x, x0, n * p * sizeof *x);
		for (size_t i = 0; i < n; i++)
			use[i] = fold[i] >= 0 && fold[i] != (int)f;
		l_standardise(x, n, p, use, 0, mean, sd);
		nonconv += l_fit(x, y, use, n, p, o->lambda, beta) != 0;
		for (size_t i = 0; i < n; i++)
			if (fold[i] == (int)f)
				oof[i] = stats_logit_predict(beta, &x[i * p], p);
	}
	free(x);
	free(mean);
	free(sd);
	free(beta);
	free(use);
	return nonconv;
}

/* Cross-validate target t and compare; -1 when it cannot be fitted. */
static int run_target(const lset *s, int t, const double *x0, size_t p, const calib_opts *o,
		      calib_result *res)
{
	size_t n = s->n, k = 0, pos = 0;
	int *fold = xmalloc((n ? n : 1) * sizeof *fold), *yy = xmalloc((n ? n : 1) * sizeof *yy);
	double *y = xcalloc(n ? n : 1, sizeof *y), *oof = xcalloc(n ? n : 1, sizeof *oof);
	double *fs = xmalloc((n ? n : 1) * sizeof *fs), *fx = xmalloc((n ? n : 1) * sizeof *fx);

	for (size_t i = 0; i < n; i++) {
		y[i] = s->v[i].y[t] > 0;
		pos += s->v[i].y[t] == 1;
		k += s->v[i].y[t] >= 0;
	}
	res->n[t] = k;
	res->positives[t] = pos;
	if (pos >= o->folds && k - pos >= o->folds) {
		make_folds(s, t, o->folds, o->seed, fold);
		res->nonconv += cross_validate(x0, y, fold, n, p, o, oof);
		k = 0;
		for (size_t i = 0; i < n; i++)
			if (fold[i] >= 0) {
				fs[k] = oof[i];
				fx[k] = fixed_score(&s->v[i], t);
				yy[k++] = s->v[i].y[t];
			}
		l_compare(fs, fx, yy, k, o->boot, o->seed, &res->cmp[t]);
		res->done[t] = 1;
	}
	free(fold);
	free(yy);
	free(y);
	free(oof);
	free(fs);
	free(fx);
	return res->done[t] ? 0 : -1;
}

/* The final fit of target t on every labelled record, standardised x. */
static void final_fit(const lset *s, int t, const double *x, size_t p, const calib_opts *o,
		      lmodel *m, calib_result *res)
{
	size_t n = s->n;
	unsigned char *use = xmalloc(n ? n : 1);
	double *y = xcalloc(n ? n : 1, sizeof *y), *beta = xmalloc((p + 1) * sizeof *beta);

	for (size_t i = 0; i < n; i++) {
		use[i] = s->v[i].y[t] >= 0;
		y[i] = s->v[i].y[t] > 0;
	}
	res->nonconv += l_fit(x, y, use, n, p, o->lambda, beta) != 0;
	l_center_intercept(beta, p, m->mean, m->sd);
	m->t[t].present = 1;
	m->t[t].intercept = beta[0];
	m->t[t].coef = xmalloc((p ? p : 1) * sizeof *m->t[t].coef);
	memcpy(m->t[t].coef, beta + 1, p * sizeof *beta);
	m->t[t].n = res->n[t];
	m->t[t].positives = res->positives[t];
	free(use);
	free(y);
	free(beta);
}

int calibrate_run(const lset *s, const calib_opts *o, calib_result *res)
{
	lmodel *m = &res->m;
	size_t n = s->n, p;
	double *x;

	memset(res, 0, sizeof *res);
	fvocab_build(&m->v, s);
	p = m->v.n;
	m->lambda = o->lambda;
	strcpy(m->fingerprint, s->fingerprint);
	x = xmalloc((n ? n : 1) * (p ? p : 1) * sizeof *x);
	for (size_t i = 0; i < n; i++)
		features_of(&m->v, &s->v[i], &x[i * p]);
	for (int t = 0; t < L_TARGETS; t++)
		run_target(s, t, x, p, o, res);
	if (!res->done[L_OVERALL]) {
		cli_error("cannot fit the overall verdict: it needs at least %u non-compliant and "
			  "%u compliant labelled records (%zu labelled, %zu non-compliant)",
			  o->folds, o->folds, res->n[L_OVERALL], res->positives[L_OVERALL]);
		free(x);
		return -1;
	}
	m->mean = xmalloc((p ? p : 1) * sizeof *m->mean);
	m->sd = xmalloc((p ? p : 1) * sizeof *m->sd);
	/* Scaled, not centred: the zeros of the features stay zeros (the
	 * solver skips them); the intercepts are then moved to the centred
	 * features of the weights file. */
	l_standardise(x, n, p, NULL, 0, m->mean, m->sd);
	for (int t = 0; t < L_TARGETS; t++)
		if (res->done[t])
			final_fit(s, t, x, p, o, m, res);
	free(x);
	return 0;
}
