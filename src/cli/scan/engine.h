/* The scan engine: JSON Lines records in, one writer's output per record
 * out, in input order, screened by worker threads.
 *
 * Records are read in batches.  Each batch is screened by the workers (each
 * with its own scanner, JSON tokenizer and output buffer), which take small
 * chunks of records from a shared counter; the main thread then writes the
 * results in input order.  Memory is bounded by the batch size and does
 * not grow with the number of records. */
#ifndef CLI_SCAN_ENGINE_H
#define CLI_SCAN_ENGINE_H

#include "medscreen.h"
#include "../io/input.h"
#include "../io/source.h"
#include "../out/writer.h"
#include "../learn/learn.h"

typedef struct scan_cfg {
	const ms_rules *rules;
	const ms_prompts *prompts;      /* NULL: none */
	field_map fields;
	const out_writer *writer;
	out_ctx out;
	int fail_on;              /* severity threshold, or MS_SEV_COUNT for never */
	int profile;
	int sort_score;           /* riskiest records first */
	size_t jobs;
	size_t max_record;
	struct waiver_set *waivers;     /* NULL: none */
	const char *waivers_path;       /* --waivers */
	source_cfg src;                 /* --input-format, --preset */
	int progress;                   /* show progress and a summary on stderr */
	unsigned long long input_size;  /* bytes of all inputs, 0 when unknown */
	const struct lmodel *model;     /* --weights: the fitted score; NULL: none */
	const char *weights_path;       /* --weights */
} scan_cfg;

typedef struct scan_run scan_run;

/* Workers and output for one run; NULL after an error. */
scan_run *scan_run_new(scan_cfg *cfg);
/* Screen one input ("-": standard input); -1 on trouble with it. */
int scan_run_file(scan_run *r, const char *name);
/* Write what was held back (sorted or framed output) and the writer's end;
 * then the run's warnings, notes and profile on stderr.  Returns the exit
 * status, counting `trouble` (an earlier failure) in. */
int scan_run_finish(scan_run *r, int trouble);
/* After scan_run_finish: nonzero when the output could not be written whole. */
int scan_run_failed(const scan_run *r);
void scan_run_free(scan_run *r);

#endif
