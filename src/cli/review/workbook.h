/* The review workbook: the CSV files reviewers fill in (medscreen review)
 * and that medscreen consensus reads back.  Three layouts, told apart by
 * their header row:
 *
 *   screened  id, check, model, model_group, weights, prompt_id, sample,
 *             score, prompt, answer, screener_<dim> (x5),
 *             then per dimension <dim>_verdict, <dim>_note
 *   blind     the same without score and the screener_ columns
 *   stage 2   id ... answer as in blind, then per dimension
 *             <dim>_reviewer_1, <dim>_reviewer_2, <dim>_notes,
 *             <dim>_verdict, <dim>_note
 *
 * `check` is a digest of the id, model and prompt_id cells as written, so
 * that an edited id is caught in the row where it was edited. */
#ifndef CLI_REVIEW_WORKBOOK_H
#define CLI_REVIEW_WORKBOOK_H

#include <stddef.h>

#include "medscreen.h"
#include "../strmap.h"
#include "../io/csvread.h"
#include "../out/buf.h"

typedef enum { WB_SCREENED, WB_BLIND, WB_STAGE2, WB_KINDS } wb_kind;

#define WB_MAX_COLS 40

typedef struct wb_layout {
	wb_kind kind;
	size_t ncols;
	char names[WB_MAX_COLS][32];
	/* column indices; -1 where the layout has none */
	int id, check, model, group, weights, prompt_id, sample, score, prompt, answer;
	int screener[MS_DIM_COUNT], verdict[MS_DIM_COUNT], note[MS_DIM_COUNT];
	int r1[MS_DIM_COUNT], r2[MS_DIM_COUNT], notes[MS_DIM_COUNT];
} wb_layout;

void wb_layout_init(wb_layout *l, wb_kind kind);
/* The header row: the column names, CSV-encoded, CRLF-terminated. */
void wb_write_header(out_buf *b, const wb_layout *l);

/* A verdict cell: 1 compliant, 0 non-compliant, -1 empty, -2 unknown.
 * Accepted, in any case, blanks around ignored: compliant c yes y 1 pass;
 * non-compliant noncompliant "non compliant" nc no n 0 fail. */
int wb_verdict(const char *s);
extern const char wb_spellings[];   /* the accepted spellings, for errors */
const char *wb_verdict_name(int v); /* "compliant", "non-compliant", "" */

/* The check cell of a row: 16 hex digits of FNV-1a over the cells. */
void wb_check(const char *id, const char *model, const char *prompt_id, char out[17]);
/* A cell as the writer neutralised it, without the apostrophe put before
 * = + - @ or a blank (the value it came from). */
const char *wb_plain(const char *cell);

/* One row of a workbook read back. */
typedef struct wb_row {
	const char *id, *model, *group, *weights, *prompt_id, *sample, *prompt, *answer;
	unsigned long row;                  /* spreadsheet row (header: 1) */
	signed char verdict[MS_DIM_COUNT];  /* 1, 0, or -1 empty */
	signed char r1[MS_DIM_COUNT], r2[MS_DIM_COUNT];   /* stage 2 only */
	const char *note[MS_DIM_COUNT];
} wb_row;

typedef struct workbook {
	const char *path;
	wb_layout l;
	csv_table t;
	wb_row *rows;
	size_t n;
	strmap idx;      /* id -> row index */
	size_t problems; /* reported by wb_cell_error */
} workbook;

/* Read and check a workbook: the header must be one of the layouts in
 * `kinds` (a mask of 1 << wb_kind), every row as wide as the header, each
 * check matching, no id twice, every verdict spelled as accepted; with
 * `need_verdicts`, none empty.  Every problem is reported (file, row,
 * column); returns the number of problems (0: wb holds the rows). */
size_t wb_read(const char *path, unsigned kinds, int need_verdicts, workbook *wb);
void wb_free(workbook *wb);

/* Write b to path; with `exclusive`, a file already there is an error
 * (reviewers may have filled it in: --force to replace it).  An error is
 * reported, naming path; returns 0 or -1. */
int wb_save(const char *path, const out_buf *b, int exclusive);

/* An error about a cell: "path: row R, column NAME: message" (col -1: no
 * column; row 0: neither); counted in wb->problems, printed for the first 50. */
void wb_cell_error(workbook *wb, unsigned long row, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Say how many problems were not shown; returns wb->problems. */
size_t wb_problems_done(workbook *wb);

#endif
