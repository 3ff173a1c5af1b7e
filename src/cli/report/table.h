/* A report table: text cells with an optional rate per cell (the HTML
 * heatmap), built by the aggregation and drawn by the renderers. */
#ifndef CLI_REPORT_TABLE_H
#define CLI_REPORT_TABLE_H

#include <stddef.h>

#include "../out/buf.h"

#define MAX_COLS 16

typedef struct rtable {
	const char *title;
	const char *key;          /* JSON key and CSV table name */
	const char *note;
	size_t ncols;
	const char *cols[MAX_COLS];
	char **cells;             /* nrows * ncols, owned */
	double *heat;             /* nrows * ncols, rate in [0,1] or -1 */
	int numeric[MAX_COLS];    /* column holds numbers (JSON, alignment) */
	size_t nrows, caprows;
} rtable;

void table_init(rtable *t, const char *title, const char *key, const char *note);
void table_col(rtable *t, const char *name, int numeric);
/* A new row of empty cells; its index. */
size_t table_row(rtable *t);
void cell(rtable *t, size_t row, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A cell's text ("" when empty). */
const char *cellv(const rtable *t, size_t row, size_t col);
void set_heat(rtable *t, size_t row, size_t col, double rate);
void table_free(rtable *t);

/* The renderers: the tables after a summary line. */
typedef enum { R_TEXT, R_MARKDOWN, R_CSV, R_JSON, R_HTML } report_format;
extern const char *const report_format_names[];   /* in the order of report_format */

typedef struct report_doc {
	const rtable *tables;
	size_t ntables;
	const char *summary;
	unsigned long records, flagged, errors;
	const char *const *packs;   /* the distinct rules_fingerprints of the scans */
	size_t npacks;
	const char *provenance;     /* "medscreen 0.1.0, rules 85f7e3..." for the header */
} report_doc;

void render_report(out_buf *b, report_format fmt, const report_doc *d);
void render_html(out_buf *b, const report_doc *d);

#endif
