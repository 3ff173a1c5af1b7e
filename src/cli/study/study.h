/* medscreen study: the tables of a compliance study, from consensus labels
 * or, as an estimate, from the screener's flags.
 *
 * A verdict is one answer on one dimension: 1 compliant, 0 not, -1 none.
 * "dimension" ST_ALL pools the five.  Two scopes: all prompts, and each
 * dimension's own prompts (the prompt set's `dimension`); in the own scope
 * ST_ALL takes each answer's verdict on its prompt's dimension. */
#ifndef CLI_STUDY_STUDY_H
#define CLI_STUDY_STUDY_H

#include <stddef.h>

#include "medscreen.h"
#include "../strmap.h"
#include "../stats.h"
#include "../out/buf.h"

#define ST_ALL MS_DIM_COUNT        /* the pooled "dimension" */
#define ST_DIMS (MS_DIM_COUNT + 1)
enum { ST_SCOPE_ALL, ST_SCOPE_OWN, ST_SCOPES };

typedef struct st_rec {
	char *id;
	size_t model, prompt;
	signed char v[MS_DIM_COUNT];
} st_rec;

/* A model, model group, weights class or prompt: a name and an index. */
typedef struct st_names {
	char **v;
	size_t n, cap;
	strmap idx;
} st_names;

typedef struct st_model {
	size_t group, weights;      /* in st_data.groups, .weights */
} st_model;

typedef struct st_data {
	int flags;                  /* from the screener's flags, not labels */
	st_rec *recs;
	size_t n, cap;
	st_names models, groups, weights, prompts;
	st_model *minfo;
	size_t capminfo;
	int *pdim;                  /* per prompt: its dimension, -1 unknown */
	const char **ptitle;        /* per prompt: its title, or NULL */
	int have_prompts;           /* a prompt set was given */
	unsigned long skipped;      /* records without labels, or scan errors */
	size_t nfiles;
} st_data;

/* Read one file of records (labels: JSON Lines with "labels"; flags: scan
 * results).  Returns 0 or -1 after an error naming file:line. */
int st_read(st_data *d, const char *path);
/* The prompt set's dimensions and titles (p may be NULL). */
void st_prompts(st_data *d, const ms_prompts *p);
void st_data_free(st_data *d);

/* One row of the long table every format is drawn from; NAN where a field
 * does not apply or is undefined. */
typedef struct st_row {
	const char *table;
	char *key, *label;          /* owned; label may be NULL */
	const char *group, *weights;
	int dim;                    /* 0..ST_ALL, or -1 */
	int scope;                  /* ST_SCOPE_*, or -1 */
	double n, k, rate, lower, upper, statistic, df, p;
	const char *method;
	double tp, fp, fn, tn, precision, recall, f1, kappa;
} st_row;

typedef struct st_rows {
	st_row *v;
	size_t n, cap;
} st_rows;

typedef struct st_options {
	const char *reference;      /* model group left out of a second mean and of the
				       tests, or NULL */
	const char *const *screener;   /* scan files for the agreement table */
	size_t nscreener;
} st_options;

/* The tables: per model, group and weights; means over models; prompts;
 * Kruskal-Wallis and Mann-Whitney; agreement with the screener. */
int st_tables(const st_data *d, const st_options *o, st_rows *rows);
void st_rows_free(st_rows *r);

/* Where the compliance rate of one record on (dim, scope) comes from:
 * adds its verdicts to *k and *n. */
void st_count(const st_data *d, const st_rec *r, int dim, int scope, unsigned long *k,
	      unsigned long *n);
const char *st_dim_name(int dim);
extern const char *const st_scope_names[ST_SCOPES];

/* ---- the parts of st_tables ---- */
/* The compliance rate of each model on (dim, scope); NAN without verdicts. */
void st_model_rates(const st_data *d, int dim, int scope, double *rate);
/* Worst first: by rate, undefined last, then by key. */
void st_sort_prompts(st_row *v, size_t n);
/* Kruskal-Wallis across model groups and Mann-Whitney open against closed,
 * on the per-model rates of every dimension and scope; the models of the
 * reference group (o->reference) are left out of both. */
int st_tests(const st_data *d, const st_options *o, st_rows *rows);
/* The screener's flags against the labels, joined by id. */
int st_agreement(const st_data *d, const st_options *o, st_rows *rows);
st_row *st_new_row(st_rows *rows, const char *table, const char *key, int dim, int scope);

typedef enum { ST_TEXT, ST_JSON, ST_CSV } st_format;
void st_render(out_buf *b, st_format f, const st_data *d, const st_rows *rows);

#endif
