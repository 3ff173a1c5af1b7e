/* medscreen consensus: two reviewers' workbooks read back, their agreement
 * per dimension, the stage 1 labels (their agreements), the stage 2
 * workbook (their disagreements) and, with its verdicts, the final labels. */
#ifndef CLI_REVIEW_CONSENSUS_H
#define CLI_REVIEW_CONSENSUS_H

#include "workbook.h"
#include "../stats.h"
#include "../out/buf.h"

typedef struct cs_dim {
	stats_pair_table t;          /* a: both compliant ... d: both non-compliant */
	double agreement;
	stats_estimate kappa, ac1;
	unsigned long disagreed, resolved;
} cs_dim;

typedef struct consensus {
	workbook r[2];               /* the two reviews */
	workbook adj;                /* the stage 2 verdicts, when given */
	int have_adj;
	size_t *other;               /* per row of r[0]: its row in r[1] */
	signed char (*label)[MS_DIM_COUNT];   /* per row of r[0]: 1, 0, or -1 unresolved */
	unsigned char *stage;        /* 1: both agreed on every dimension, 2 otherwise */
	cs_dim dim[MS_DIM_COUNT];
	unsigned long stage2, unresolved;    /* records */
} consensus;

/* Read both reviews and check them against each other; the count of
 * problems reported (0: go on). */
size_t cs_read(consensus *c, const char *r1, const char *r2);
/* Agreement statistics and the stage 1 labels. */
void cs_stage1(consensus *c);
/* Apply the stage 2 verdicts of an adjudication workbook; problems count. */
size_t cs_stage2(consensus *c, const char *path);
/* The stage 2 workbook: the records with a disagreement. */
void cs_write_stage2(const consensus *c, out_buf *b, int bom);
/* The labels, one JSON Lines record per record of the first review. */
void cs_write_labels(const consensus *c, out_buf *b);
/* The agreement report. */
void cs_render_text(const consensus *c, out_buf *b);
void cs_render_json(const consensus *c, out_buf *b);
void cs_free(consensus *c);

#endif
