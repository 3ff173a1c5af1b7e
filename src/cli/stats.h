/* The statistics of the command-line program, in one place so that each is
 * unit-tested against reference values of an established package
 * (tests/data/stats/).  Two parts: descriptive statistics of counts
 * (stats.c: pure functions, no I/O, no allocation), and inferential ones
 * for the reviewers' loop (stats_infer.c: rank tests, agreement between
 * reviewers, ranking quality, multiple testing, logistic regression; they
 * sort and solve, so they allocate, and return -1 when memory runs out).
 *
 * Distributions and linear algebra of the second part come from GSL: its
 * chi-square and normal tails and its Cholesky solver are long tested, and
 * writing our own incomplete gamma function would be a second thing to
 * trust. */
#ifndef CLI_STATS_H
#define CLI_STATS_H

#include <stddef.h>

/* The 0.975 quantile of the standard normal: two-sided 95% intervals. */
#define STATS_Z95 1.959963984540054

typedef struct stats_interval {
	double lo, hi;   /* NAN when there is no data */
} stats_interval;

/* Wilson score interval for k successes in n trials at the normal quantile
 * z, clamped to [0,1]; {NAN,NAN} when n is 0. */
stats_interval stats_wilson(unsigned long k, unsigned long n, double z);

/* Two-sided exact McNemar p-value for the discordant counts b and c: the
 * binomial test of b against b + c with p 1/2, capped at 1; 1 when both
 * are 0. */
double stats_mcnemar_exact(unsigned long b, unsigned long c);

/* A 2x2 table of a binary prediction against a binary truth. */
typedef struct stats_confusion {
	unsigned long tp, fp, fn, tn;
} stats_confusion;

/* Agreement measures of a confusion table; NAN where undefined (no
 * predicted positives for precision, no true positives for recall, ...). */
typedef struct stats_agreement {
	double precision, recall, f1, kappa;
	stats_interval precision_ci, recall_ci;   /* Wilson, 95% */
} stats_agreement;

double stats_cohen_kappa(const stats_confusion *c);
stats_agreement stats_agree(const stats_confusion *c);

/* Mean of the values that are not NAN; NAN when there are none. */
double stats_mean_defined(const double *v, unsigned long n);

/* ---------------- inferential statistics (stats_infer.c) ---------------- */
/* Kruskal-Wallis H test of k groups: ranks over all values (ties get their
 * average rank), H corrected for ties, df = (non-empty groups) - 1, P from
 * the chi-square tail.  Empty groups are left out. */
typedef struct stats_kruskal {
	double h, df, p;
	size_t groups;    /* non-empty groups used */
} stats_kruskal;

/* Returns 0, or -1 when the test is undefined: fewer than two non-empty
 * groups, or every value equal (the fields are NAN then). */
int stats_kruskal_wallis(const double *x, const size_t *group, size_t n, size_t ngroups,
			 stats_kruskal *out);

/* Mann-Whitney U test of two samples, two-sided. */
typedef enum stats_mw_method {
	STATS_MW_AUTO,       /* exact when a sample has at most 8 values and there are no ties */
	STATS_MW_EXACT,      /* exact; falls back to the normal approximation with ties */
	STATS_MW_ASYMPTOTIC  /* normal approximation, continuity and tie corrected */
} stats_mw_method;

typedef struct stats_mw {
	double u;         /* U of the first sample: its rank sum minus nx(nx+1)/2 */
	double p;
	int exact;        /* 1: exact distribution, 0: normal approximation */
} stats_mw;

/* Returns 0, or -1 when a sample is empty (fields NAN) or memory runs out
 * (the exact distribution of large samples). */
int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		       stats_mw_method method, stats_mw *out);

/* Two raters' binary verdicts on the same items: a, b, c, d count the
 * items both said yes, the first yes and the second no, the first no and
 * the second yes, both no. */
typedef struct stats_pair_table {
	double a, b, c, d;
} stats_pair_table;

typedef struct stats_estimate {
	double value, se, lo, hi;   /* NAN where undefined */
} stats_estimate;

/* Cohen's kappa with its large-sample standard error (Fleiss, Cohen and
 * Everitt 1969) and the interval value +/- z * se. */
stats_estimate stats_kappa(const stats_pair_table *t, double z);

/* Gwet's AC1 for two raters and two categories, with the variance of Gwet
 * (2008) for an infinite population of items. */
stats_estimate stats_gwet_ac1(const stats_pair_table *t, double z);

/* Percent agreement (a + d) / n; NAN when n is 0. */
double stats_percent_agreement(const stats_pair_table *t);

/* Area under the ROC curve of `score` for the positives (label != 0): the
 * Mann-Whitney probability, ties counted one half; NAN without both
 * classes.  Returns 0, or -1 when memory runs out. */
int stats_auroc(const double *score, const int *label, size_t n, double *auc);

/* Average precision: the step-wise area under the precision-recall curve,
 * tied scores taken together as one threshold; NAN without positives.
 * Returns 0, or -1 when memory runs out. */
int stats_average_precision(const double *score, const int *label, size_t n, double *ap);

/* Logistic regression of y (0 or 1) on the n x p row-major matrix x with an
 * intercept, minimising the log-loss plus lambda/2 times the squared norm of
 * the coefficients (the intercept not penalised), by Newton's method with
 * step halving.  beta receives p + 1 values, the intercept first.  Returns
 * 0 when converged, 1 when not within the iteration limit (beta holds the
 * last iterate), -1 when memory runs out or the system is singular (lambda
 * 0 on separable data). */
int stats_logit_fit(const double *x, const double *y, size_t n, size_t p, double lambda,
		    double *beta, unsigned *iterations);

/* The fitted probability for one row of p features. */
double stats_logit_predict(const double *beta, const double *row, size_t p);

/* Holm's step-down adjustment of n p-values, into adj (which may be p):
 * the k-th smallest is multiplied by n - k + 1, made non-decreasing, capped
 * at 1.  NAN p-values stay NAN and do not count in n.  Returns 0, or -1
 * when memory runs out. */
int stats_holm(const double *p, size_t n, double *adj);

/* Rogan-Gladen estimate of a true rate from an observed flag rate and the
 * screener's sensitivity and specificity, clamped to [0, 1]; NAN when
 * sensitivity + specificity <= 1. */
double stats_rogan_gladen(double observed, double sensitivity, double specificity);

#endif
