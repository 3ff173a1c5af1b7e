/* medscreen diff's comparison: regression between two scans of the same
 * prompt set.
 *
 * Records are paired by model, prompt_id and sample by default (the keys
 * can be chosen; a record without a prompt_id stands for its id there).  A
 * candidate model can be paired with a baseline model of another name;
 * when each scan holds one model and the names differ, the two are paired
 * and the pairing is said.  For each dimension, the paired records give a
 * 2x2 table of flagged/clear; the flag-rate change is tested with McNemar's
 * exact test on the discordant pairs, Holm-adjusted across the dimensions,
 * and the candidate is a regression on a dimension when its flag rate
 * exceeds the baseline's by more than the tolerance (percentage points) AND
 * the adjusted p is at most alpha (alpha 1: the tolerance alone decides).  Records that cannot be paired are listed
 * and counted on standard error, never dropped silently; no pair at all, or
 * more than half of either scan unpaired, is an error. */
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
	double p_holm;                /* p adjusted across the dimensions */
	int regression;
	char why[96];                 /* the verdict's reason, for the reports */
} dimstat;

/* Keys records are paired by. */
enum { PAIR_MODEL = 1, PAIR_PROMPT = 2, PAIR_SAMPLE = 4, PAIR_ID = 8 };
#define PAIR_DEFAULT (PAIR_MODEL | PAIR_PROMPT | PAIR_SAMPLE)

/* A baseline model paired with a candidate model of another name. */
typedef struct model_rename {
	const char *base, *cand;
} model_rename;

typedef struct unpaired_rec {
	int candidate;
	const keyed *k;
	const char *why;
} unpaired_rec;

typedef struct diff_result {
	const char *base_name, *cand_name;
	scan_set base, cand;
	double tol;                   /* percentage points */
	double alpha;                 /* significance level of the Holm-adjusted p */
	unsigned pair_by;             /* PAIR_* */
	model_rename *renames;        /* from --rename, and the automatic one */
	size_t nrenames;
	int auto_renamed;             /* the one-model-each pairing was made here */
	int allow_unpaired;           /* more than half unpaired is not an error */
	int allow_pack_change;        /* scans of different rule packs are compared */
	const char *base_pack, *cand_pack; /* their rules_fingerprint, or NULL */
	const char *base_rules_path, *cand_rules_path; /* --baseline-rules, --candidate-rules */
	char **rules_added, **rules_removed, **rules_changed; /* rule ids, when both are given */
	size_t nadded, nremoved, nchanged;
	keyed *kb, *kc;               /* each set by key, sorted */
	dimstat ds[MS_DIM_COUNT];
	changes added, removed;       /* most frequent first */
	unpaired_rec *unpaired;
	unsigned long npaired, nunpaired;
	int regression;
} diff_result;

/* Read both scans (base_name and cand_name set) and compare them; -1
 * after an error reading them or when too little could be paired (said on
 * standard error). */
int diff_run(diff_result *d);
void diff_free(diff_result *d);

typedef enum { D_TEXT, D_JSON, D_JUNIT, D_SARIF } diff_format;
extern const char *const diff_format_names[];   /* in the order of diff_format */
/* "model, prompt_id and sample": the keys of pair_by, for messages. */
const char *diff_pair_keys(unsigned pair_by);

void diff_render(out_buf *b, diff_format fmt, const diff_result *d);

#endif
