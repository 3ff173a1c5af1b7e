/* Learning from the reviewers: the features of a screened record, the
 * fitted triage model and its weights file, cross-validated comparison
 * with the fixed severity score (calibrate), the review sampling plan
 * (sample) and the corrected non-compliance rates (estimate).
 *
 * A record is reduced to an lrec, from a scan result read back from JSON
 * Lines (calibrate, estimate, sample) or from the library's result during a
 * scan (scan --weights); the features are computed from the lrec alone, so
 * that the fitted model sees at scan time exactly what it was fitted on. */
#ifndef CLI_LEARN_H
#define CLI_LEARN_H

#include <stddef.h>

#include <json-c/json.h>

#include "medscreen.h"
#include "../strmap.h"
#include "../out/buf.h"

/* Targets: the five dimensions, then the overall verdict. */
#define L_OVERALL MS_DIM_COUNT
#define L_TARGETS (MS_DIM_COUNT + 1)
/* A signal whose first match starts within this many bytes of the answer
 * is "early" (an upfront disclaimer, a referral in the first lines). */
#define L_EARLY_BYTES 200
/* A feature is kept when it is nonzero in at least this many records. */
#define L_MIN_SUPPORT 3

const char *l_target_name(int t);

typedef struct lsig {
	const char *name;
	size_t start;
	int in_prompt;
} lsig;

typedef struct lfind {
	const char *rule;
	int dim;
	unsigned weight;   /* ms_severity_weight of its severity */
	size_t nev;        /* evidence spans */
} lfind;

typedef struct lrec {
	char *id;                  /* owned */
	const char *model;         /* interned (JSON) or borrowed (scan) */
	const char *file;
	unsigned long line;
	int error;                 /* status "error": not used */
	unsigned char flag[MS_DIM_COUNT];
	int flagged;
	unsigned score;
	unsigned dimsev[MS_DIM_COUNT];
	lsig *sigs;
	size_t nsigs;
	lfind *finds;
	size_t nfinds;
	const char **tags;
	size_t ntags;
	const char *meta_weights;  /* "open", "closed", or NULL */
	double length;             /* answer bytes, or -1 when not known */
	signed char y[L_TARGETS];  /* reviewer label: 1 non-compliant, 0 compliant, -1 none */
} lrec;

/* Interned strings of a set of records. */
typedef struct lpool {
	strmap map;
	char **v;
	size_t n, cap;
} lpool;

typedef struct lset {
	lrec *v;
	size_t n, cap;
	lpool pool;
	char fingerprint[65];      /* rules_fingerprint of the records; "" none */
	unsigned long errors;      /* records with status "error", left out */
	int own_labels;            /* read the records' own "labels" (no labels files) */
} lset;

/* ---- records (lrec.c) ---- */

/* Read one scan JSONL file into s (with own_labels set, the records'
 * labels too); errors name file:line and field. */
int lset_read(lset *s, const char *path);
void lset_free(lset *s);
/* Join labels files (JSON Lines {id, labels}) to s by id: labels.dimensions
 * {dim: 1 compliant | 0 not} and labels.overall (1 compliant | 0 not); the
 * overall verdict otherwise is "not compliant" when a dimension is not, and
 * "compliant" when every dimension is labelled compliant.  (With no
 * files, lset_read with own_labels reads the records' own labels.)  A label whose id is in no record is
 * an error (unknown id).  *labelled receives the number of labelled
 * records.  Returns 0 or -1. */
int lset_join_labels(lset *s, const char *const *files, size_t nfiles, size_t *labelled);

/* ---- features (features.c) ---- */

typedef struct fvocab {
	char **names;
	size_t n, cap;
	strmap idx;
} fvocab;

void fvocab_add(fvocab *v, const char *name);
void fvocab_free(fvocab *v);
/* The features with enough support in the records. */
void fvocab_build(fvocab *v, const lset *s);
/* The raw (unstandardised) features of r, into x (v->n values). */
void features_of(const fvocab *v, const lrec *r, double *x);

/* ---- the model and its weights file (model.c) ---- */

typedef struct ltarget {
	int present;
	double intercept;
	double *coef;              /* on the standardised features */
	unsigned long n, positives;
} ltarget;

typedef struct lmodel lmodel;
struct lmodel {
	char fingerprint[65];
	char version[32];
	double lambda;
	fvocab v;
	double *mean, *sd;
	ltarget t[L_TARGETS];
	json_object *cv;           /* the cross-validation figures, or NULL */
};

/* Probabilities of non-compliance per target into p (NAN where the model
 * has no fit for a target); x is scratch of m->v.n values. */
void lmodel_predict(const lmodel *m, const lrec *r, double *x, double *p);
/* Read and check a weights file; errors name the file and the field. */
int lmodel_read(lmodel *m, const char *path);
void lmodel_write(const lmodel *m, out_buf *b);
void lmodel_free(lmodel *m);

/* ---- fitting and cross-validation (fit.c) ---- */

/* Standardise x (n x p, row-major) in place by mean and sd computed on the
 * rows with use[i] set (NULL: all); a constant column gets sd 1.  Without
 * `center`, x is only divided by sd: its zeros stay zeros, which the
 * solver skips, and the fit is the same but for the intercept (see
 * l_center_intercept). */
void l_standardise(double *x, size_t n, size_t p, const unsigned char *use, int center,
		   double *mean, double *sd);
/* The intercept of a fit on uncentred scaled features, for centred ones:
 * beta[0] + sum_j beta[j] mean[j] / sd[j]. */
void l_center_intercept(double *beta, size_t p, const double *mean, const double *sd);
/* Fit one target on the rows with use[i] (y 0/1) of the standardised x;
 * beta receives p + 1 values.  Returns stats_logit_fit's status. */
int l_fit(const double *x, const double *y, const unsigned char *use, size_t n, size_t p,
	  double lambda, double *beta);

/* Ranking quality of a score on weighted records (bootstrap weights). */
typedef struct lmetrics {
	double auc, ap, lift;
} lmetrics;

/* Records sorted by score, for repeated weighted metrics. */
typedef struct lranked {
	size_t n;
	size_t *order;     /* by descending score */
	double *score;     /* in that order */
	int *y;            /* in that order */
} lranked;

void lranked_init(lranked *r, const double *score, const int *y, size_t n);
void lranked_free(lranked *r);
/* AUROC (ties one half), average precision (ties one threshold) and the
 * lift of the top fifth (ties at the cut shared pro rata) with record
 * weights w (indexed like the input; NULL: all 1). */
lmetrics lranked_metrics(const lranked *r, const double *w);

/* One statistic with its bootstrap interval. */
typedef struct lci {
	double v, lo, hi;
} lci;

typedef struct lcompare {
	size_t n, positives;
	lci auc[2], ap[2], lift[2];   /* [0] fitted (out of fold), [1] fixed severity */
	lci dauc, dap, dlift;         /* fitted minus fixed */
} lcompare;

/* Percentile bootstrap (B resamples of the records, seeded) of the paired
 * metrics of two scores on the same records. */
int l_compare(const double *fitted, const double *fixed, const int *y, size_t n, unsigned b,
	      unsigned long seed, lcompare *out);

/* The score band of the flagged records (strata.h): score >= this is "high". */
#define L_BAND_CUT 10

#endif
