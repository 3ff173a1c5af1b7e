/* medscreen diff's comparison: regression between two scans of the same
 * prompt set.
 *
 * Records are paired by prompt_id and sample (or by id when a record has no
 * prompt_id).  For each dimension, the paired records give a 2x2 table of
 * flagged/clear; the flag-rate change is reported with McNemar's exact test
 * on the discordant pairs, and the candidate is a regression when its flag
 * rate exceeds the baseline's by more than the tolerance (percentage
 * points).  Records that cannot be paired are listed, never dropped
 * silently. */
#ifndef CLI_REPORT_DIFF_H
#define CLI_REPORT_DIFF_H

#include "../strmap.h"
#include "../io/results.h"
#include "../out/buf.h"

typedef struct keyed {
	char *key;
	scan_rec *rec;
	int dup;          /* the key occurs more than once in its scan */
	int paired;
} keyed;

/* A rule newly fired (or no longer fired), over all pairs. */
typedef struct rulechange {
	const char *rule;
	const char *message;
	ms_dimension dimension;
	ms_severity severity;
	unsigned long count;
	out_buf where;            /* the pairs' keys, "; "-separated */
	const scan_rec **recs;    /* the records on the side where it fired */
	size_t caprecs;
} rulechange;

typedef struct changes {
	rulechange *v;
	size_t n, cap;
	strmap idx;
} changes;

typedef struct dimstat {
	unsigned long both, base_only, cand_only, neither;
	double base_rate, cand_rate, delta_pp, p;
	int regression;
} dimstat;

typedef struct unpaired_rec {
	int candidate;
	const keyed *k;
	const char *why;
} unpaired_rec;

typedef struct diff_result {
	const char *base_name, *cand_name;
	scan_set base, cand;
	double tol;                   /* percentage points */
	keyed *kb, *kc;               /* each set by key, sorted */
	dimstat ds[MS_DIM_COUNT];
	changes added, removed;       /* most frequent first */
	unpaired_rec *unpaired;
	unsigned long npaired, nunpaired;
	int regression;
} diff_result;

/* Read both scans (base_name and cand_name set) and compare them; -1
 * after an error reading them. */
int diff_run(diff_result *d);
void diff_free(diff_result *d);

typedef enum { D_TEXT, D_JSON, D_JUNIT, D_SARIF } diff_format;
extern const char *const diff_format_names[];   /* in the order of diff_format */

void diff_render(out_buf *b, diff_format fmt, const diff_result *d);

#endif
