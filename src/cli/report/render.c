/* The report's text, markdown, CSV and JSON renderers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "../out/csv.h"
#include "../out/json.h"
#include "../out/utf8.h"
#include "../stats.h"
#include "../xalloc.h"

const char *const report_format_names[] = { "text", "markdown", "csv", "json", "html", NULL };

static size_t col_width(const rtable *t, size_t c)
{
	size_t w = utf8_width(t->cols[c]);

	for (size_t r = 0; r < t->nrows; r++)
		if (utf8_width(cellv(t, r, c)) > w)
			w = utf8_width(cellv(t, r, c));
	return w;
}

/* Aligned columns: numbers to the right, text to the left. */
static void render_text(out_buf *b, const rtable *t)
{
	size_t w[MAX_COLS];

	ob_printf(b, "%s\n", t->title);
	for (size_t c = 0; c < t->ncols; c++)
		w[c] = col_width(t, c);
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->cols[c] : cellv(t, r - 1, c);
			size_t pad = w[c] - utf8_width(s);
			if (c)
				ob_adds(b, "  ");
			if (t->numeric[c])
				ob_printf(b, "%*s%s", (int)pad, "", s);
			else if (c + 1 < t->ncols)
				ob_printf(b, "%s%*s", s, (int)pad, "");
			else
				ob_adds(b, s);
		}
		ob_add(b, "\n", 1);
	}
	if (t->note)
		ob_printf(b, "%s\n", t->note);
	ob_add(b, "\n", 1);
}

/* A table cell of text anyone may have chosen (a model name, a rule's
 * title): a line break would end the row and "|" the cell, HTML would be
 * rendered as HTML, and markup as markup (a link, emphasis).  Numbers and
 * intervals ("3/6 50.0% [18.8-81.2]") are written as they are. */
static void md_cell(out_buf *b, const char *s, int text)
{
	ob_add(b, " ", 1);
	for (; *s; s++) {
		switch (*s) {
		case '|': ob_adds(b, "\\|"); break;
		case '\n': case '\r': ob_add(b, " ", 1); break;
		case '<': ob_adds(b, "&lt;"); break;
		case '>': ob_adds(b, "&gt;"); break;
		case '&': ob_adds(b, "&amp;"); break;
		case '\\': case '`': case '*': case '_': case '[': case ']':
			if (text)
				ob_add(b, "\\", 1);
			ob_add(b, s, 1);
			break;
		default: ob_add(b, s, 1);
		}
	}
	ob_adds(b, " |");
}

static void render_markdown(out_buf *b, const rtable *t)
{
	ob_printf(b, "## %s\n\n|", t->title);
	for (size_t c = 0; c < t->ncols; c++)
		md_cell(b, t->cols[c], 1);
	ob_adds(b, "\n|");
	for (size_t c = 0; c < t->ncols; c++)
		ob_adds(b, t->numeric[c] ? "---:|" : "---|");
	ob_add(b, "\n", 1);
	for (size_t r = 0; r < t->nrows; r++) {
		ob_add(b, "|", 1);
		for (size_t c = 0; c < t->ncols; c++)
			md_cell(b, cellv(t, r, c), !t->numeric[c]);
		ob_add(b, "\n", 1);
	}
	if (t->note)
		ob_printf(b, "\n%s\n", t->note);
	ob_add(b, "\n", 1);
}

/* The numbers of a k-of-n cell: k, n, the rate and its 95% Wilson
 * interval (no rate without records). */
typedef struct kn_nums {
	char k[24], n[24], rate[16], lo[16], hi[16];
} kn_nums;

static void kn_format(kn_nums *x, const rcell *c)
{
	snprintf(x->k, sizeof x->k, "%lu", c->k);
	snprintf(x->n, sizeof x->n, "%lu", c->n);
	x->rate[0] = x->lo[0] = x->hi[0] = '\0';
	if (c->n) {
		stats_interval iv = stats_wilson(c->k, c->n, STATS_Z95);
		snprintf(x->rate, sizeof x->rate, "%.4f", (double)c->k / (double)c->n);
		snprintf(x->lo, sizeof x->lo, "%.4f", iv.lo);
		snprintf(x->hi, sizeof x->hi, "%.4f", iv.hi);
	}
}

static const char *const kn_parts[] = { "count", "total", "rate", "lower", "upper" };

/* CSV: one block per table, headed by a line naming the table; a column of
 * rates is five columns of numbers: "C count", "C total", "C rate",
 * "C lower" and "C upper" (the 95% Wilson interval), empty without
 * records. */
static void render_csv(out_buf *b, const rtable *t)
{
	csv_cell(b, "table", 0);
	for (size_t c = 0; c < t->ncols; c++) {
		int last = c + 1 == t->ncols;
		if (t->numeric[c] != COL_RATE) {
			csv_cell(b, t->cols[c], last);
			continue;
		}
		for (int p = 0; p < 5; p++) {
			char *h = xasprintf("%s %s", t->cols[c], kn_parts[p]);
			csv_cell(b, h, last && p == 4);
			free(h);
		}
	}
	for (size_t r = 0; r < t->nrows; r++) {
		csv_cell(b, t->key, 0);
		for (size_t c = 0; c < t->ncols; c++) {
			int last = c + 1 == t->ncols;
			kn_nums x;
			if (t->numeric[c] != COL_RATE) {
				csv_cell(b, cellv(t, r, c), last);
				continue;
			}
			kn_format(&x, cellp(t, r, c));
			csv_cell(b, x.k, 0);
			csv_cell(b, x.n, 0);
			csv_cell(b, x.rate, 0);
			csv_cell(b, x.lo, 0);
			csv_cell(b, x.hi, last);
		}
	}
}

/* {"count":k,"total":n,"rate":..,"lower":..,"upper":..}: null rate and
 * interval without records. */
static void json_kn(json_w *w, const rcell *c)
{
	kn_nums x;
	const char *v[5];

	kn_format(&x, c);
	v[0] = x.k, v[1] = x.n, v[2] = x.rate, v[3] = x.lo, v[4] = x.hi;
	jw_obj(w);
	for (int p = 0; p < 5; p++) {
		jw_key(w, kn_parts[p]);
		if (*v[p])
			jw_raw(w, v[p]);
		else
			jw_null(w);
	}
	jw_obj_end(w);
}

/* "key":{"title":..,"rows":[{column: value}]}; a numeric column's cells
 * are numbers when they read as one, a rate column's are json_kn objects. */
static void render_json(json_w *w, const rtable *t)
{
	jw_key(w, t->key);
	jw_obj(w);
	jw_key(w, "title");
	jw_str(w, t->title);
	jw_key(w, "rows");
	jw_arr(w);
	for (size_t r = 0; r < t->nrows; r++) {
		jw_obj(w);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = cellv(t, r, c);
			char *end;
			jw_key(w, t->cols[c]);
			if (t->numeric[c] == COL_RATE)
				json_kn(w, cellp(t, r, c));
			else if (t->numeric[c] && *s && (strtod(s, &end), *end == '\0'))
				jw_raw(w, s);
			else
				jw_str(w, s);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void render_json_doc(out_buf *b, const report_doc *d)
{
	json_w w;

	jw_init(&w, b);
	jw_obj(&w);
	jw_key(&w, "records");
	jw_uint(&w, d->records);
	jw_key(&w, "flagged");
	jw_uint(&w, d->flagged);
	jw_key(&w, "errors");
	jw_uint(&w, d->errors);
	jw_key(&w, "medscreen_version");
	jw_str(&w, PACKAGE_VERSION);
	jw_key(&w, "rules_fingerprints");
	jw_arr(&w);
	for (size_t i = 0; i < d->npacks; i++)
		jw_str(&w, d->packs[i]);
	jw_arr_end(&w);
	for (size_t i = 0; i < d->ntables; i++)
		render_json(&w, &d->tables[i]);
	jw_obj_end(&w);
	ob_adds(b, "\n");
}

void render_report(out_buf *b, report_format fmt, const report_doc *d)
{
	switch (fmt) {
	case R_TEXT:
		ob_printf(b, "%s\n%s\n\n", d->summary, d->provenance);
		for (size_t i = 0; i < d->ntables; i++)
			render_text(b, &d->tables[i]);
		break;
	case R_MARKDOWN:
		ob_printf(b, "# medscreen report\n\n%s\n\n%s\n\n", d->summary, d->provenance);
		for (size_t i = 0; i < d->ntables; i++)
			render_markdown(b, &d->tables[i]);
		break;
	case R_CSV:
		for (size_t i = 0; i < d->ntables; i++)
			render_csv(b, &d->tables[i]);
		break;
	case R_JSON:
		render_json_doc(b, d);
		break;
	case R_HTML:
		render_html(b, d);
		break;
	}
}
