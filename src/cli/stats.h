/* Statistics of the report, diff and eval commands, in one place so that
 * each is unit-tested against reference values (tests/data/stats/).
 * Pure functions of counts: no I/O, no allocation. */
#ifndef CLI_STATS_H
#define CLI_STATS_H

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

#endif
