/* medscreen estimate: each model x dimension's non-compliance rate
 * corrected by the reviewers' labels on a sample of the answers. */
#ifndef CLI_LEARN_ESTIMATE_H
#define CLI_LEARN_ESTIMATE_H

#include "strata.h"
#include "../stats.h"
#include "../out/buf.h"

typedef struct est_opts {
	unsigned draws;            /* simulation draws or bootstrap resamples */
	unsigned long seed;
	int fmt;                   /* 0 text, 1 json, 2 csv */
} est_opts;

typedef struct est_cell {
	size_t model;              /* index in strata.models */
	int t;                     /* target: a dimension or overall */
	size_t N, flagged, labelled, positives;
	double estimate, lo, hi;
	size_t unsampled_strata;   /* strata of the model without a labelled record */
} est_cell;

/* The screener's accuracy on the labelled records (Rogan-Gladen). */
typedef struct est_acc {
	stats_confusion c;
	double se, sp;
} est_acc;

typedef struct est_result {
	int stratified;            /* 1: stratified (plan), 0: Rogan-Gladen */
	est_cell *cells;
	size_t ncells, capcells;
	est_acc acc[L_TARGETS];
	size_t labelled;           /* labelled records used */
	size_t ignored;            /* labelled records outside the plan, not used */
	size_t plan_size;
} est_result;

/* The flag of record r for target t: the dimension's, or the record's. */
int est_flag(const lrec *r, int t);

/* Read a plan of medscreen sample and mark the sampled records; errors
 * name the plan file, its line and the field (unknown id, a stratum or a
 * stratum size that differs from the scan results'). */
int est_read_plan(const char *path, const lset *s, const strata *st, unsigned char *sampled);

/* The stratified estimator of every model x target, from the labels of
 * the sampled records. */
void est_stratified(const lset *s, const strata *st, const unsigned char *sampled,
		    const est_opts *o, est_result *r);
/* Rogan-Gladen of every model x target, with the screener's sensitivity
 * and specificity from all labelled records. */
void est_rogan_gladen(const lset *s, const strata *st, const est_opts *o, est_result *r);

/* One stratum of a cell for the stratified estimator. */
typedef struct est_stratum {
	size_t N, n, k;            /* records, labelled (sampled), non-compliant among them */
} est_stratum;

/* Cochran's stratified estimate sum_h (N_h/N) k_h/n_h; a stratum without a
 * labelled record counts with its Jeffreys mean (k+1/2)/(n+1) = 1/2. */
double est_stratified_point(const est_stratum *h, size_t nh);
/* The 95% interval of the finite-population rate: `draws` simulations of
 * the unreviewed records' verdicts, per stratum Binomial(N_h - n_h, p_h)
 * with p_h from the Jeffreys posterior Beta(k_h + 1/2, n_h - k_h + 1/2). */
void est_stratified_interval(const est_stratum *h, size_t nh, unsigned draws,
			     unsigned long seed, double *lo, double *hi);
/* The Rogan-Gladen percentile bootstrap: `draws` resamples of the labelled
 * records (their flags f and labels y, n of them) for sensitivity and
 * specificity, and of the model's flag count (Binomial(N, F/N)). */
void est_rg_interval(const int *f, const int *y, size_t n, size_t N, size_t F, unsigned draws,
		     unsigned long seed, double *lo, double *hi);

void est_render(out_buf *b, const lset *s, const strata *st, const est_result *r,
		const est_opts *o);

#endif
