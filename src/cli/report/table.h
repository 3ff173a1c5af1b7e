/* A report table: cells of text, and of counts out of totals (flag rates
 * with their Wilson interval), built by the aggregation and drawn by the
 * renderers: the text formats show the display text, JSON and CSV the
 * numbers, HTML colours the rates and links cells to their answers. */
#ifndef CLI_REPORT_TABLE_H
#define CLI_REPORT_TABLE_H

#include <stddef.h>

#include "../out/buf.h"

#define MAX_COLS 16

/* Column kinds. */
enum { COL_TEXT, COL_NUM, COL_RATE };
/* Cell kinds: text (a number in a COL_NUM column), k/n with the rate and
 * its interval shown, k/n alone, or a count k of n records shown as k. */
enum { CELL_TEXT, CELL_RATE, CELL_FRACTION, CELL_COUNT };
/* What a column's cells drill down to (see drill.h): nothing, the row's
 * flagged answers (any dimension), or those flagged on dimension D >= 0. */
#define DRILL_NONE (-2)
#define DRILL_ANY (-1)

typedef struct rcell {
	char *text;               /* owned; NULL: empty */
	unsigned long k, n;       /* CELL_RATE, CELL_FRACTION, CELL_COUNT */
	unsigned char kind;
	long drill;               /* the drill-down list it opens, or -1 */
} rcell;

typedef struct rtable {
	const char *title;
	const char *key;          /* JSON key, CSV table name, HTML ids */
	const char *note;
	size_t ncols;
	const char *cols[MAX_COLS];
	int numeric[MAX_COLS];    /* COL_TEXT, COL_NUM or COL_RATE */
	int coldrill[MAX_COLS];   /* DRILL_NONE, DRILL_ANY or a dimension */
	rcell *cells;             /* nrows * ncols */
	size_t nrows, caprows;
} rtable;

void table_init(rtable *t, const char *title, const char *key, const char *note);
void table_col(rtable *t, const char *name, int numeric);
/* The same, for a column whose cells open a drill-down list. */
void table_col_drill(rtable *t, const char *name, int numeric, int drill);
/* A new row of empty cells; its index. */
size_t table_row(rtable *t);
void cell(rtable *t, size_t row, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* k of n: "k/n p% [lo-hi]" (rate) or "k/n" (fraction), "-" when n is 0;
 * a count: "k", coloured as k/n. */
void cell_rate(rtable *t, size_t row, size_t col, unsigned long k, unsigned long n);
void cell_fraction(rtable *t, size_t row, size_t col, unsigned long k, unsigned long n);
void cell_count(rtable *t, size_t row, size_t col, unsigned long k, unsigned long n);
const rcell *cellp(const rtable *t, size_t row, size_t col);
/* A cell's text ("" when empty). */
const char *cellv(const rtable *t, size_t row, size_t col);
void table_free(rtable *t);

/* The renderers: the tables after a summary line. */
typedef enum { R_TEXT, R_MARKDOWN, R_CSV, R_JSON, R_HTML } report_format;
extern const char *const report_format_names[];   /* in the order of report_format */

struct drill;
struct html_ctx;

typedef struct report_doc {
	const rtable *tables;
	size_t ntables;
	const char *summary;
	unsigned long records, flagged, errors;
	const char *const *packs;   /* the distinct rules_fingerprints of the scans */
	size_t npacks;
	const char *provenance;     /* "medscreen 0.1.0, rules 85f7e3..." for the header */
	const struct html_ctx *html;   /* what only the HTML page shows, or NULL */
} report_doc;

void render_report(out_buf *b, report_format fmt, const report_doc *d);
void render_html(out_buf *b, const report_doc *d);

#endif
