/* The strata of the review sampling plan (sample) and of the stratified
 * estimator (estimate): model x status (clear, flagged) x score band for
 * the flagged (low: score below L_BAND_CUT, high: at or above it). */
#ifndef CLI_LEARN_STRATA_H
#define CLI_LEARN_STRATA_H

#include "learn.h"

typedef struct stratum {
	char *name;                /* "MODEL|clear", "MODEL|flagged-low", "MODEL|flagged-high" */
	const char *model;         /* "(none)" when the records have no model */
	size_t model_idx;          /* index in strata.models */
	size_t *members;           /* indices of the records, in input order */
	size_t N, cap;
	size_t n;                  /* sampled */
} stratum;

typedef struct strata {
	stratum *v;
	size_t n, cap;
	strmap idx;                /* name -> index */
	const char **models;       /* in order of first record */
	size_t nmodels, capmodels;
	size_t *rec_stratum;       /* per record of the set */
} strata;

/* The strata of the records of s. */
void strata_build(strata *st, const lset *s);
void strata_free(strata *st);
/* The stratum name of a record, into buf. */
void stratum_name(const lrec *r, char *buf, size_t size);

/* Cochran's variance of a model's stratified proportion under the worst
 * case p = 1/2 in every stratum, for the allocation in st->v[].n; INFINITY
 * when a stratum of the model has no sampled record. */
double strata_worst_variance(const strata *st, size_t model);

#endif
