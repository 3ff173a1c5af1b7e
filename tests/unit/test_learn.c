/* Unit tests of src/cli/learn: the weighted ranking metrics and the
 * standardised fit against scikit-learn (tests/data/learn/reference.txt,
 * written by make-reference.py there), the stratified estimator against
 * hand-computed cases, and the intervals of both estimators by simulation
 * with a known truth. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "suites.h"
#include "learn/estimate.h"
#include "learn/learn.h"

#define REF TEST_DATA "/learn/reference.txt"

/* The reference lines of `kind`, each as up to 8 numbers; returns the count. */
static size_t reference(const char *kind, double v[][8], size_t max)
{
	FILE *f = fopen(REF, "r");
	char line[1024];
	size_t n = 0, kl = strlen(kind);

	ck_assert_msg(f != NULL, "cannot open %s", REF);
	while (n < max && fgets(line, sizeof line, f)) {
		char *p = line + kl, *end;
		if (strncmp(line, kind, kl) != 0 || line[kl] != ' ')
			continue;
		for (int j = 0; j < 8; j++, p = end) {
			v[n][j] = strtod(p, &end);
			if (end == p)
				v[n][j] = NAN;
		}
		n++;
	}
	fclose(f);
	return n;
}

static const double rk_score[] = { 0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.5,
				   0.4, 0.3, 0.3, 0.2, 0.1, 0.1, 0.05 };
static const int rk_label[] = { 1, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0 };
static const double rk_weight[] = { 1, 2, 1, 0, 3, 1, 1, 2, 1, 1, 2, 1, 1, 3, 1 };

START_TEST(ranking_weighted)
{
	double ref[2][8];
	lranked r;
	lmetrics m[2];

	ck_assert_uint_eq(reference("rank", ref, 2), 2);
	lranked_init(&r, rk_score, rk_label, 15);
	m[0] = lranked_metrics(&r, NULL);
	m[1] = lranked_metrics(&r, rk_weight);
	for (int i = 0; i < 2; i++) {
		ck_assert_double_eq_tol(m[i].auc, ref[i][0], 1e-12);
		ck_assert_double_eq_tol(m[i].ap, ref[i][1], 1e-12);
		ck_assert_double_eq_tol(m[i].lift, ref[i][2], 1e-12);
	}
	lranked_free(&r);
}
END_TEST

/* The paired bootstrap: the point values are the plain metrics, the
 * intervals hold them, and the difference of a score with itself is 0. */
START_TEST(compare_paired)
{
	lcompare c;

	l_compare(rk_score, rk_score, rk_label, 15, 200, 7, &c);
	ck_assert_double_eq(c.auc[0].v, c.auc[1].v);
	ck_assert_double_eq(c.dauc.lo, 0);
	ck_assert_double_eq(c.dauc.hi, 0);
	ck_assert(c.auc[0].lo <= c.auc[0].v && c.auc[0].v <= c.auc[0].hi);
	ck_assert(c.auc[0].hi - c.auc[0].lo > 0.05);
	ck_assert_uint_eq(c.positives, 6);
}
END_TEST

START_TEST(fit_standardised)
{
	double ref[3][8], x[300 * 4], y[300], mean[4], sd[4], beta[5];
	unsigned char use[300];
	FILE *f = fopen(TEST_DATA "/stats/logit-data.txt", "r");
	char line[512];
	size_t n = 0;

	ck_assert_ptr_nonnull(f);
	while (n < 300 && fgets(line, sizeof line, f)) {
		if (line[0] == '#')
			continue;
		ck_assert_int_eq(sscanf(line, "%lf %lf %lf %lf %lf", &x[n * 4], &x[n * 4 + 1],
					&x[n * 4 + 2], &x[n * 4 + 3], &y[n]),
				 5);
		use[n] = n % 3 != 0;
		n++;
	}
	fclose(f);
	ck_assert_uint_eq(n, 300);
	l_standardise(x, n, 4, use, 1, mean, sd);
	ck_assert_uint_eq(reference("fit", ref, 3), 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(l_fit(x, y, use, n, 4, ref[i][0], beta), 0);
		for (int j = 0; j < 5; j++)
			ck_assert_msg(fabs(beta[j] - ref[i][j + 1]) < 1e-7,
				      "lambda %g coefficient %d: %.10g, sklearn %.10g", ref[i][0], j,
				      beta[j], ref[i][j + 1]);
	}
}
END_TEST

/* Hand-computed: (10/45)(1/2) + (30/45)(0) + (5/45)(1/2, no review). */
START_TEST(stratified_point)
{
	const est_stratum h[] = { { 10, 2, 1 }, { 30, 3, 0 }, { 5, 0, 0 } };
	const est_stratum full[] = { { 4, 4, 1 }, { 6, 6, 3 } };
	double lo, hi;

	ck_assert_double_eq_tol(est_stratified_point(h, 3), 7.5 / 45, 1e-15);
	ck_assert_double_eq_tol(est_stratified_point(h, 2), 5.0 / 40, 1e-15);
	/* Every record reviewed: the rate is known, the interval a point. */
	ck_assert_double_eq_tol(est_stratified_point(full, 2), 0.4, 1e-15);
	est_stratified_interval(full, 2, 500, 1, &lo, &hi);
	ck_assert_double_eq_tol(lo, 0.4, 1e-15);
	ck_assert_double_eq_tol(hi, 0.4, 1e-15);
	/* Nothing non-compliant among the reviewed: the lower end is 0, the
	 * upper end above it. */
	est_stratified_interval(h + 1, 1, 500, 1, &lo, &hi);
	ck_assert_double_eq(lo, 0);
	ck_assert(hi > 0.2 && hi < 1);
}
END_TEST

/* A population of three strata with known non-compliant counts, sampled
 * without replacement 400 times: the interval holds the population rate
 * at least 95% of the time, and the point estimate is unbiased. */
START_TEST(stratified_simulation)
{
	const size_t N[3] = { 60, 25, 15 }, K[3] = { 3, 10, 12 }, n[3] = { 6, 4, 3 };
	const double truth = 25.0 / 100;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	unsigned covered = 0, reps = 400;
	double sum = 0;

	gsl_rng_set(rng, 42);
	for (unsigned r = 0; r < reps; r++) {
		est_stratum h[3];
		double lo, hi;
		for (int i = 0; i < 3; i++) {
			/* k of n drawn without replacement from N with K positives */
			h[i] = (est_stratum){ N[i], n[i], gsl_ran_hypergeometric(rng, K[i], N[i] - K[i],
										n[i]) };
		}
		sum += est_stratified_point(h, 3);
		est_stratified_interval(h, 3, 1000, r + 1, &lo, &hi);
		covered += lo <= truth && truth <= hi;
	}
	gsl_rng_free(rng);
	ck_assert_msg(covered >= 0.95 * reps, "coverage %u of %u", covered, reps);
	ck_assert_double_eq_tol(sum / reps, truth, 0.02);
}
END_TEST

/* A screener of sensitivity 0.8 and specificity 0.9 on a population of
 * 500 with 20% non-compliant; 120 labelled at random.  The Rogan-Gladen
 * interval holds the population rate in at least 90% of 200 repetitions
 * (95% nominal; the bootstrap is approximate). */
START_TEST(rogan_gladen_simulation)
{
	enum { NP = 500, NL = 120, REPS = 200 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int f[NP], y[NP], fl[NL], yl[NL];
	size_t idx[NP];
	unsigned covered = 0;

	gsl_rng_set(rng, 9);
	for (unsigned r = 0; r < REPS; r++) {
		size_t F = 0, P = 0;
		double lo, hi;
		for (size_t i = 0; i < NP; i++) {
			y[i] = gsl_rng_uniform(rng) < 0.2;
			f[i] = y[i] ? gsl_rng_uniform(rng) < 0.8 : gsl_rng_uniform(rng) < 0.1;
			F += (size_t)f[i];
			P += (size_t)y[i];
			idx[i] = i;
		}
		gsl_ran_shuffle(rng, idx, NP, sizeof *idx);
		for (size_t i = 0; i < NL; i++) {
			fl[i] = f[idx[i]];
			yl[i] = y[idx[i]];
		}
		est_rg_interval(fl, yl, NL, NP, F, 1000, r + 1, &lo, &hi);
		covered += lo <= (double)P / NP && (double)P / NP <= hi;
	}
	gsl_rng_free(rng);
	ck_assert_msg(covered >= 0.90 * REPS, "coverage %u of %u", covered, REPS);
}
END_TEST

Suite *make_learn_suite(void)
{
	Suite *s = suite_create("learn");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ranking_weighted);
	tcase_add_test(tc, compare_paired);
	tcase_add_test(tc, fit_standardised);
	tcase_add_test(tc, stratified_point);
	tcase_add_test(tc, stratified_simulation);
	tcase_add_test(tc, rogan_gladen_simulation);
	suite_add_tcase(s, tc);
	return s;
}
