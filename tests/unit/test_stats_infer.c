/* The inferential statistics against reference values of SciPy, statsmodels
 * and scikit-learn (tests/data/stats/infer-reference.txt and logit-data.txt,
 * from make-infer-reference.py). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "suites.h"

#define REF TEST_DATA "/stats/infer-reference.txt"
#define MAXV 128

/* Within a relative tolerance, or both undefined. */
static int near(double got, double want, double tol)
{
	if (isnan(want) || isnan(got))
		return isnan(want) && isnan(got);
	return fabs(got - want) <= tol * fabs(want) + tol;
}

#define CHECK_NEAR(got, want, tol, what, line)                                               \
	ck_assert_msg(near((got), (want), (tol)), "%s: %s = %.17g, reference %.17g", (line), (what), \
		      (double)(got), (double)(want))

/* A line split at "|" into fields of numbers (leading and repeated bars
 * make no empty field). */
typedef struct fields {
	double v[8][MAXV];
	size_t n[8], nf;
} fields;

static void split(const char *line, fields *f)
{
	char buf[8192], *save = NULL;

	memset(f, 0, sizeof *f);
	snprintf(buf, sizeof buf, "%s", line);
	for (char *part = strtok_r(buf, "|", &save); part && f->nf < 8;
	     part = strtok_r(NULL, "|", &save)) {
		char *end;
		for (double x = strtod(part, &end); end != part && f->n[f->nf] < MAXV;
		     x = strtod(part, &end)) {
			f->v[f->nf][f->n[f->nf]++] = x;
			part = end;
		}
		f->nf++;
	}
}

/* Run fn on every reference line of `kind`; returns the count. */
static int each_reference(const char *kind, void (*fn)(const char *rest))
{
	FILE *f = fopen(REF, "r");
	char line[8192];
	size_t kl = strlen(kind);
	int n = 0;

	ck_assert_msg(f != NULL, "cannot open %s", REF);
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

static void check_kruskal(const char *rest)
{
	fields f;
	double x[MAXV * 8];
	size_t g[MAXV * 8], n = 0, ng;
	stats_kruskal k;

	split(rest, &f);
	/* A field per group, then H DF P. */
	ng = f.nf - 1;
	for (size_t i = 0; i < ng; i++)
		for (size_t j = 0; j < f.n[i]; j++) {
			x[n] = f.v[i][j];
			g[n++] = i;
		}
	ck_assert_int_eq(stats_kruskal_wallis(x, g, n, ng, &k), 0);
	CHECK_NEAR(k.h, f.v[f.nf - 1][0], 1e-10, "H", rest);
	CHECK_NEAR(k.df, f.v[f.nf - 1][1], 0, "df", rest);
	CHECK_NEAR(k.p, f.v[f.nf - 1][2], 1e-9, "P", rest);
}

START_TEST(kruskal_reference)
{
	ck_assert_int_ge(each_reference("kruskal", check_kruskal), 6);
}
END_TEST

/* Empty groups are left out; one group, or every value equal, is no test. */
START_TEST(kruskal_undefined)
{
	const double x[] = { 1, 2, 3, 4, 5 }, same[] = { 2, 2, 2, 2 };
	const size_t g[] = { 0, 0, 2, 2, 2 }, one[] = { 1, 1, 1, 1, 1 }, two[] = { 0, 0, 1, 1 };
	stats_kruskal k;

	ck_assert_int_eq(stats_kruskal_wallis(x, g, 5, 3, &k), 0);
	ck_assert_uint_eq(k.groups, 2);
	ck_assert(k.df == 1);
	ck_assert_int_eq(stats_kruskal_wallis(x, one, 5, 3, &k), -1);
	ck_assert(isnan(k.h) && isnan(k.p));
	ck_assert_int_eq(stats_kruskal_wallis(same, two, 4, 2, &k), -1);
	ck_assert(isnan(k.p));
	ck_assert_int_eq(stats_kruskal_wallis(x, g, 5, 2, &k), -1); /* group index out of range */
}
END_TEST

static void check_mwu(const char *rest)
{
	fields f;
	stats_mw r;
	stats_mw_method m = strncmp(rest, "auto", 4) == 0	 ? STATS_MW_AUTO
			    : strncmp(rest, "exact", 5) == 0 ? STATS_MW_EXACT
							     : STATS_MW_ASYMPTOTIC;

	split(strchr(rest, '|'), &f);
	ck_assert_int_eq(stats_mann_whitney(f.v[0], f.n[0], f.v[1], f.n[1], m, &r), 0);
	CHECK_NEAR(r.u, f.v[2][0], 1e-12, "U", rest);
	CHECK_NEAR(r.p, f.v[2][1], 1e-9, "P", rest);
	ck_assert_msg(r.exact == (int)f.v[2][2], "%s: exact %d", rest, r.exact);
}

START_TEST(mann_whitney_reference)
{
	const double x[] = { 1 };
	stats_mw r;

	ck_assert_int_ge(each_reference("mwu", check_mwu), 7);
	ck_assert_int_eq(stats_mann_whitney(x, 1, x, 0, STATS_MW_AUTO, &r), -1);
	ck_assert(isnan(r.p));
}
END_TEST

static void table_of(const fields *f, stats_pair_table *t)
{
	*t = (stats_pair_table){ f->v[0][0], f->v[0][1], f->v[0][2], f->v[0][3] };
}

static void check_kappa(const char *rest)
{
	fields f;
	stats_pair_table t;
	stats_estimate e;

	split(rest, &f);
	table_of(&f, &t);
	e = stats_kappa(&t, 1.959963984540054);
	CHECK_NEAR(e.value, f.v[0][4], 1e-10, "kappa", rest);
	CHECK_NEAR(e.se, f.v[0][5], 1e-10, "se", rest);
	CHECK_NEAR(e.lo, e.value - 1.959963984540054 * f.v[0][5], 1e-10, "lower", rest);
}

static void check_ac1(const char *rest)
{
	fields f;
	stats_pair_table t;
	stats_estimate e;

	split(rest, &f);
	table_of(&f, &t);
	e = stats_gwet_ac1(&t, 1.959963984540054);
	CHECK_NEAR(e.value, f.v[0][4], 1e-12, "AC1", rest);
	CHECK_NEAR(e.se * e.se, f.v[0][5], 1e-10, "variance", rest);
}

START_TEST(agreement_reference)
{
	const stats_pair_table empty = { 0, 0, 0, 0 }, one_verdict = { 30, 0, 0, 0 };
	const stats_pair_table t = { 40, 3, 2, 5 };

	ck_assert_int_ge(each_reference("kappa", check_kappa), 7);
	ck_assert_int_ge(each_reference("ac1", check_ac1), 7);
	ck_assert(isnan(stats_kappa(&empty, 1.96).value));
	ck_assert(isnan(stats_gwet_ac1(&empty, 1.96).value));
	/* Everyone compliant, both reviewers agree: kappa is 0/0, AC1 is 1. */
	ck_assert(isnan(stats_kappa(&one_verdict, 1.96).value));
	ck_assert(stats_gwet_ac1(&one_verdict, 1.96).value == 1);
	ck_assert(fabs(stats_percent_agreement(&t) - 0.9) < 1e-15);
	ck_assert(isnan(stats_percent_agreement(&empty)));
}
END_TEST

static void check_rank(const char *rest)
{
	fields f;
	int label[MAXV];
	double auc, ap;

	split(rest, &f);
	for (size_t i = 0; i < f.n[1]; i++)
		label[i] = (int)f.v[1][i];
	ck_assert_uint_eq(f.n[0], f.n[1]);
	ck_assert_int_eq(stats_auroc(f.v[0], label, f.n[0], &auc), 0);
	ck_assert_int_eq(stats_average_precision(f.v[0], label, f.n[0], &ap), 0);
	CHECK_NEAR(auc, f.v[2][0], 1e-12, "AUROC", rest);
	CHECK_NEAR(ap, f.v[2][1], 1e-12, "AP", rest);
}

START_TEST(ranking_reference)
{
	const double s[] = { 1, 2 };
	const int none[] = { 0, 0 };
	double auc, ap;

	ck_assert_int_ge(each_reference("rank", check_rank), 4);
	ck_assert_int_eq(stats_auroc(s, none, 2, &auc), 0);
	ck_assert_int_eq(stats_average_precision(s, none, 2, &ap), 0);
	ck_assert(isnan(auc) && isnan(ap));
}
END_TEST

static double logit_x[400 * 4], logit_y[400];
static size_t logit_n;

static void load_logit_data(void)
{
	FILE *f = fopen(TEST_DATA "/stats/logit-data.txt", "r");
	char line[512];

	ck_assert_ptr_nonnull(f);
	logit_n = 0;
	while (fgets(line, sizeof line, f) && logit_n < 400) {
		double *r = &logit_x[logit_n * 4];
		if (line[0] == '#')
			continue;
		ck_assert_int_eq(sscanf(line, "%lf %lf %lf %lf %lf", &r[0], &r[1], &r[2], &r[3],
					&logit_y[logit_n]),
				 5);
		logit_n++;
	}
	fclose(f);
}

static void check_logit(const char *rest)
{
	fields f;
	double beta[5];
	unsigned it;

	split(rest, &f);
	ck_assert_int_eq(stats_logit_fit(logit_x, logit_y, logit_n, 4, f.v[0][0], beta, &it), 0);
	for (int j = 0; j < 5; j++)
		CHECK_NEAR(beta[j], f.v[0][j + 1], 1e-7, "coefficient", rest);
	ck_assert_uint_lt(it, 30);
}

START_TEST(logit_reference)
{
	double beta[5], row[4] = { 1, 0, 2, 0.5 };

	load_logit_data();
	ck_assert_uint_eq(logit_n, 300);
	ck_assert_int_ge(each_reference("logit", check_logit), 4);
	ck_assert_int_eq(stats_logit_fit(logit_x, logit_y, logit_n, 4, 2.0, beta, NULL), 0);
	CHECK_NEAR(stats_logit_predict(beta, row, 4),
		   1 / (1 + exp(-(beta[0] + beta[1] + 2 * beta[3] + 0.5 * beta[4]))), 1e-15,
		   "prediction", "row");
}
END_TEST

/* Separable data without a penalty has no finite maximum: not converged or
 * singular, never a silent answer. */
START_TEST(logit_separable)
{
	const double x[] = { -2, -1, 1, 2 }, y[] = { 0, 0, 1, 1 };
	double beta[2];

	ck_assert_int_ne(stats_logit_fit(x, y, 4, 1, 0, beta, NULL), 0);
	ck_assert_int_eq(stats_logit_fit(x, y, 4, 1, 0.1, beta, NULL), 0);
	ck_assert(beta[1] > 0);
}
END_TEST

static void check_rogan(const char *rest)
{
	fields f;

	split(rest, &f);
	CHECK_NEAR(stats_rogan_gladen(f.v[0][0], f.v[0][1], f.v[0][2]), f.v[0][3], 1e-12,
		   "corrected rate", rest);
}

START_TEST(rogan_gladen_reference)
{
	ck_assert_int_ge(each_reference("rogan", check_rogan), 4);
	ck_assert(isnan(stats_rogan_gladen(0.3, 0.5, 0.5)));
}
END_TEST

static void check_holm(const char *rest)
{
	fields f;
	double adj[MAXV];

	split(rest, &f);
	ck_assert_int_eq(stats_holm(f.v[0], f.n[0], adj), 0);
	for (size_t i = 0; i < f.n[0]; i++)
		CHECK_NEAR(adj[i], f.v[1][i], 1e-12, "adjusted p", rest);
}

START_TEST(holm_reference)
{
	const double p[] = { 0.01, NAN, 0.04 };
	double adj[3];

	ck_assert_int_ge(each_reference("holm", check_holm), 5);
	/* NaN (no test) is left out of the count. */
	ck_assert_int_eq(stats_holm(p, 3, adj), 0);
	ck_assert(fabs(adj[0] - 0.02) < 1e-15 && isnan(adj[1]) && fabs(adj[2] - 0.04) < 1e-15);
}
END_TEST

Suite *make_stats_infer_suite(void)
{
	Suite *s = suite_create("stats_infer");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, kruskal_reference);
	tcase_add_test(tc, kruskal_undefined);
	tcase_add_test(tc, mann_whitney_reference);
	tcase_add_test(tc, agreement_reference);
	tcase_add_test(tc, ranking_reference);
	tcase_add_test(tc, logit_reference);
	tcase_add_test(tc, logit_separable);
	tcase_add_test(tc, rogan_gladen_reference);
	tcase_add_test(tc, holm_reference);
	suite_add_tcase(s, tc);
	return s;
}
