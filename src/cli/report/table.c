/* Report tables (see table.h). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "../stats.h"
#include "../xalloc.h"

void table_init(rtable *t, const char *title, const char *key, const char *note)
{
	memset(t, 0, sizeof *t);
	t->title = title;
	t->key = key;
	t->note = note;
}

void table_col_drill(rtable *t, const char *name, int numeric, int drill)
{
	t->numeric[t->ncols] = numeric;
	t->coldrill[t->ncols] = drill;
	t->cols[t->ncols++] = name;
}

void table_col(rtable *t, const char *name, int numeric)
{
	table_col_drill(t, name, numeric, DRILL_NONE);
}

size_t table_row(rtable *t)
{
	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 16;
		t->cells = xrealloc(t->cells, t->caprows * t->ncols * sizeof *t->cells);
	}
	for (size_t i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] = (rcell){ .kind = CELL_TEXT, .drill = -1 };
	return t->nrows++;
}

void cell(rtable *t, size_t row, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		xoom();
	va_end(ap);
	free(t->cells[row * t->ncols + col].text);
	t->cells[row * t->ncols + col].text = s;
}

static void set_kn(rtable *t, size_t row, size_t col, unsigned long k, unsigned long n, int kind)
{
	rcell *c = &t->cells[row * t->ncols + col];

	c->k = k;
	c->n = n;
	c->kind = (unsigned char)kind;
}

void cell_rate(rtable *t, size_t row, size_t col, unsigned long k, unsigned long n)
{
	stats_interval iv;

	if (!n) {
		cell(t, row, col, "-");
	} else {
		iv = stats_wilson(k, n, STATS_Z95);
		cell(t, row, col, "%lu/%lu %.1f%% [%.1f-%.1f]", k, n,
		     100.0 * (double)k / (double)n, 100 * iv.lo, 100 * iv.hi);
	}
	set_kn(t, row, col, k, n, CELL_RATE);
}

void cell_fraction(rtable *t, size_t row, size_t col, unsigned long k, unsigned long n)
{
	cell(t, row, col, "%lu/%lu", k, n);
	set_kn(t, row, col, k, n, CELL_FRACTION);
}

void cell_count(rtable *t, size_t row, size_t col, unsigned long k, unsigned long n)
{
	cell(t, row, col, "%lu", k);
	set_kn(t, row, col, k, n, CELL_COUNT);
}

const rcell *cellp(const rtable *t, size_t row, size_t col)
{
	return &t->cells[row * t->ncols + col];
}

const char *cellv(const rtable *t, size_t row, size_t col)
{
	const char *s = t->cells[row * t->ncols + col].text;
	return s ? s : "";
}

void table_free(rtable *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	free(t->cells);
}
