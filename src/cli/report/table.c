/* Report tables (see table.h). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "../xalloc.h"

void table_init(rtable *t, const char *title, const char *key, const char *note)
{
	memset(t, 0, sizeof *t);
	t->title = title;
	t->key = key;
	t->note = note;
}

void table_col(rtable *t, const char *name, int numeric)
{
	t->numeric[t->ncols] = numeric;
	t->cols[t->ncols++] = name;
}

size_t table_row(rtable *t)
{
	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 16;
		t->cells = xrealloc(t->cells, t->caprows * t->ncols * sizeof *t->cells);
		t->heat = xrealloc(t->heat, t->caprows * t->ncols * sizeof *t->heat);
	}
	for (size_t i = 0; i < t->ncols; i++) {
		t->cells[t->nrows * t->ncols + i] = NULL;
		t->heat[t->nrows * t->ncols + i] = -1;
	}
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
	free(t->cells[row * t->ncols + col]);
	t->cells[row * t->ncols + col] = s;
}

const char *cellv(const rtable *t, size_t row, size_t col)
{
	const char *s = t->cells[row * t->ncols + col];
	return s ? s : "";
}

void set_heat(rtable *t, size_t row, size_t col, double rate)
{
	t->heat[row * t->ncols + col] = rate;
}

void table_free(rtable *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->heat);
}
