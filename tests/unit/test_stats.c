/* The statistics module against reference values computed by SciPy and
 * statsmodels (tests/data/stats/reference.txt, from make-reference.py). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "suites.h"

/* Equal to a few units in the last place, or both undefined. */
static int close_to(double got, double want)
{
	if (isnan(want) || isnan(got))
		return isnan(want) && isnan(got);
	return fabs(got - want) <= 1e-12 * fabs(want) + 1e-15;
}

#define CHECK_CLOSE(got, want, what, line)                                                  \
	ck_assert_msg(close_to((got), (want)), "%s: %s = %.17g, reference %.17g", (line), (what), \
		      (got), (want))

/* Run fn on every reference line that starts with `kind`; returns the count. */
static int each_reference(const char *kind, void (*fn)(const char *line))
{
	FILE *f = fopen(TEST_DATA "/stats/reference.txt", "r");
	char line[512];
	size_t kl = strlen(kind);
	int n = 0;

	ck_assert_msg(f != NULL, "cannot open %s", TEST_DATA "/stats/reference.txt");
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, kind, kl) == 0 && line[kl] == ' ') {
			fn(line + kl + 1);
			n++;
		}
	}
	fclose(f);
	return n;
}

static void check_wilson(const char *line)
{
	unsigned long k, n;
	double lo, hi;
	stats_interval iv;

	ck_assert_int_eq(sscanf(line, "%lu %lu %lf %lf", &k, &n, &lo, &hi), 4);
	iv = stats_wilson(k, n, STATS_Z95);
	CHECK_CLOSE(iv.lo, lo, "lower bound", line);
	CHECK_CLOSE(iv.hi, hi, "upper bound", line);
}

START_TEST(wilson_reference)
{
	ck_assert_int_ge(each_reference("wilson", check_wilson), 10);
}
END_TEST

START_TEST(wilson_empty)
{
	stats_interval iv = stats_wilson(0, 0, STATS_Z95);

	ck_assert(isnan(iv.lo) && isnan(iv.hi));
}
END_TEST

static void check_mcnemar(const char *line)
{
	unsigned long b, c;
	double p;

	ck_assert_int_eq(sscanf(line, "%lu %lu %lf", &b, &c, &p), 3);
	CHECK_CLOSE(stats_mcnemar_exact(b, c), p, "p", line);
}

START_TEST(mcnemar_reference)
{
	ck_assert_int_ge(each_reference("mcnemar", check_mcnemar), 10);
}
END_TEST

START_TEST(mcnemar_symmetric)
{
	for (unsigned long b = 0; b < 40; b += 3)
		for (unsigned long c = 0; c < 40; c += 5)
			ck_assert(stats_mcnemar_exact(b, c) == stats_mcnemar_exact(c, b));
}
END_TEST

/* strtod reads "nan" as NAN. */
static void check_agree(const char *line)
{
	stats_confusion c;
	char v[4][64];
	stats_agreement m;

	ck_assert_int_eq(sscanf(line, "%lu %lu %lu %lu %63s %63s %63s %63s", &c.tp, &c.fp, &c.fn,
				&c.tn, v[0], v[1], v[2], v[3]),
			 8);
	m = stats_agree(&c);
	CHECK_CLOSE(m.precision, strtod(v[0], NULL), "precision", line);
	CHECK_CLOSE(m.recall, strtod(v[1], NULL), "recall", line);
	CHECK_CLOSE(m.f1, strtod(v[2], NULL), "F1", line);
	CHECK_CLOSE(m.kappa, strtod(v[3], NULL), "kappa", line);
	CHECK_CLOSE(stats_cohen_kappa(&c), strtod(v[3], NULL), "kappa", line);
}

START_TEST(agreement_reference)
{
	ck_assert_int_ge(each_reference("agree", check_agree), 10);
}
END_TEST

/* The intervals that come with precision and recall are Wilson's. */
START_TEST(agreement_intervals)
{
	stats_confusion c = { 37, 5, 12, 6 };
	stats_agreement m = stats_agree(&c);
	stats_interval p = stats_wilson(37, 42, STATS_Z95), r = stats_wilson(37, 49, STATS_Z95);

	ck_assert(m.precision_ci.lo == p.lo && m.precision_ci.hi == p.hi);
	ck_assert(m.recall_ci.lo == r.lo && m.recall_ci.hi == r.hi);
}
END_TEST

START_TEST(mean_defined)
{
	const double v[] = { 0.5, NAN, 1.0, 0.0 };

	ck_assert(stats_mean_defined(v, 4) == 0.5);
	ck_assert(isnan(stats_mean_defined(v + 1, 1)));
	ck_assert(isnan(stats_mean_defined(v, 0)));
}
END_TEST

Suite *make_stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("stats");

	tcase_add_test(tc, wilson_reference);
	tcase_add_test(tc, wilson_empty);
	tcase_add_test(tc, mcnemar_reference);
	tcase_add_test(tc, mcnemar_symmetric);
	tcase_add_test(tc, agreement_reference);
	tcase_add_test(tc, agreement_intervals);
	tcase_add_test(tc, mean_defined);
	suite_add_tcase(s, tc);
	return s;
}
