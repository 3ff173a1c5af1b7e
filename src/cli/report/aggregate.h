/* medscreen report's aggregation: flag rates per model, model group and
 * weights; per prompt, how many models were flagged; per rule, how often
 * it fired and on which models.  Then the tables that show them. */
#ifndef CLI_REPORT_AGGREGATE_H
#define CLI_REPORT_AGGREGATE_H

#include "table.h"
#include "../strmap.h"
#include "../io/results.h"

typedef struct group {
	const char *name;        /* borrowed from a record */
	const char *extra[2];    /* e.g. model group and weights of a model */
	unsigned long n, flagged, errors;
	unsigned long dim[MS_DIM_COUNT];
} group;

typedef struct groups {
	group *v;
	size_t n, cap;
	strmap idx;
} groups;

/* Per prompt: the models with records on it, and whether each was flagged. */
typedef struct slice {
	const char *prompt;
	const char **models;
	unsigned char *mflag;
	size_t nmodels, capmodels;
	strmap idx;
	unsigned long n, flagged;
	unsigned long dim[MS_DIM_COUNT];
} slice;

typedef struct rulecount {
	const char *rule;
	ms_severity severity;
	ms_dimension dimension;
	unsigned long fired;
	groups models;            /* per model: count in `flagged` */
} rulecount;

typedef struct report_data {
	groups models, fams, weights;
	slice *slices;
	size_t nslices, capslices;
	strmap slice_idx;
	rulecount *rules;
	size_t nrules, caprules;
	strmap rule_idx;
	unsigned long total, flagged, errors;
	/* Set before report_collect when given: the titles of prompts and
	 * rules (borrowed). */
	const ms_prompts *prompts;
	const ms_rules *pack;
	strmap title_idx;         /* rule id -> index in pack */
} report_data;

#define REPORT_TABLES 5

void report_collect(report_data *d, const scan_set *set);
/* The title of a prompt or a rule, "" when unknown. */
const char *report_prompt_title(const report_data *d, const char *prompt_id);
const char *report_rule_title(const report_data *d, const char *rule);
/* Fill tables[REPORT_TABLES]; sorts the data for display: the maps of
 * models, groups, weights, prompts and rules then give their rows. */
void report_tables(report_data *d, rtable *tables);
void report_data_free(report_data *d);

/* Scans kept apart by a label per scan file: a model's records are counted
 * as "MODEL @ LABEL" (VERSION_SEP), one row per version. */
#define VERSION_SEP " @ "
/* The change of each model's flag rates from its first label to its last
 * (labels in the order given); 0 when no model has two.  Fills *t. */
int report_versions_table(const report_data *d, const char *const *labels, size_t nlabels,
			  rtable *t);

#endif
