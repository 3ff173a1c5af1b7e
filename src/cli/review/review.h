/* medscreen review: the records to review, gathered from scan results, the
 * scanned records (for the answer) and the prompt set (for the prompt),
 * and the workbooks written for them. */
#ifndef CLI_REVIEW_REVIEW_H
#define CLI_REVIEW_REVIEW_H

#include <stdint.h>

#include "medscreen.h"
#include "../strmap.h"

typedef struct rv_item {
	char *id, *model, *group, *weights, *prompt_id, *sample;
	unsigned score;
	int error;                        /* the scan could not screen it */
	char *screener[MS_DIM_COUNT];     /* findings with evidence, or "" */
	char *src;                        /* the scanned file ("file"), or NULL */
	const char *scan;                 /* the scan file (owned by the set) */
	unsigned long line;               /* line in the scan file */
	char *answer, *prompt;            /* NULL until joined */
	int want;                         /* selected by --ids (or all) */
} rv_item;

typedef struct rv_set {
	rv_item *v;
	size_t n, cap;
	strmap idx;                       /* id -> index */
	char **scans;                     /* scan file names */
	size_t nscans;
} rv_set;

/* Append the records of one scan file; a record without an id, or with an
 * id seen before, is an error. */
int rv_read_scan(rv_set *s, const char *path);
/* Keep only the ids of a file (one per line, or JSON Lines objects with
 * "id"); an id not in the scans is an error.  Returns 0 or -1. */
int rv_select_ids(rv_set *s, const char *path);
/* Take the answers (field `text_field`) and prompts ("prompt") of the
 * selected records from JSON Lines records files; the files named by the
 * scans' "file" when nfiles is 0. */
int rv_join_records(rv_set *s, const char *const *files, size_t nfiles, const char *text_field);
/* Prompt text from the prompt set where the record had none; every
 * selected record must then have an answer and a prompt. */
int rv_join_prompts(rv_set *s, const ms_prompts *prompts);
void rv_set_free(rv_set *s);

typedef struct rv_options {
	const char *dir;
	unsigned reviewers;
	int blind, bom, force;
	uint64_t seed;
} rv_options;

/* Write reviewer-1.csv ... into o->dir, saying each on stdout. */
int rv_write_workbooks(const rv_set *s, const rv_options *o);

/* SplitMix64 (Steele, Lea and Flood 2014): the shuffles' generator. */
uint64_t rv_splitmix64(uint64_t *state);
/* Shuffle idx[0..n) by Fisher-Yates with draws from SplitMix64 seeded with
 * `seed`, unbiased by rejection. */
void rv_shuffle(size_t *idx, size_t n, uint64_t seed);

#endif
