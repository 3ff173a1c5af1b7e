/* medscreen sample: the review sampling plan. */
#ifndef CLI_LEARN_SAMPLE_H
#define CLI_LEARN_SAMPLE_H

#include "strata.h"
#include "../report/table.h"

typedef struct sample_opts {
	size_t budget;             /* reviews in all; 0: by halfwidth */
	double halfwidth;          /* target 95% half-width of every model's rates */
} sample_opts;

/* Allocate the reviews to the strata (st->v[].n): with a budget, one review
 * at a time to the model with the widest expected interval, in its stratum
 * that narrows it most; with a target, per model until its worst-case
 * half-width is at most the target (or every record is sampled).  Returns
 * the reviews allocated. */
size_t sample_allocate(strata *st, const sample_opts *o);
/* Draw the allocated number of records of each stratum (seeded); per
 * record of the set, 1 when chosen. */
unsigned char *sample_draw(const strata *st, size_t nrecs, unsigned long seed);
/* The plan, JSON Lines, one line per chosen record in input order:
 * {id, model, stratum, stratum_size, stratum_sample, seed, rules_fingerprint}. */
void sample_write_plan(out_buf *b, const lset *s, const strata *st, const unsigned char *chosen,
		       unsigned long seed);
/* The summary tables: per model, per stratum. */
void sample_tables(const strata *st, rtable *models, rtable *strat);

#endif
