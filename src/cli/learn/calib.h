/* medscreen calibrate: the fit, its cross-validation and the report. */
#ifndef CLI_LEARN_CALIB_H
#define CLI_LEARN_CALIB_H

#include "learn.h"
#include "../out/buf.h"

typedef struct calib_opts {
	unsigned folds;            /* k of k-fold cross-validation */
	unsigned long seed;
	double lambda;             /* L2 penalty on the standardised coefficients */
	unsigned boot;             /* bootstrap resamples of the intervals */
	int json;
} calib_opts;

typedef struct calib_result {
	lmodel m;                  /* the final fits */
	int done[L_TARGETS];       /* cross-validated and fitted */
	size_t n[L_TARGETS], positives[L_TARGETS];
	lcompare cmp[L_TARGETS];
	unsigned nonconv;          /* fits that did not converge */
} calib_result;

/* Cross-validate and fit every target with enough labels of both kinds
 * (at least `folds` each); -1 after an error (the overall verdict cannot
 * be fitted). */
int calibrate_run(const lset *s, const calib_opts *o, calib_result *res);
/* The cross-validation figures as a JSON object (for the weights file). */
json_object *calib_cv_json(const calib_result *r, const calib_opts *o);
void calib_render(out_buf *b, const lset *s, size_t labelled, const calib_result *r,
		  const calib_opts *o);

#endif
