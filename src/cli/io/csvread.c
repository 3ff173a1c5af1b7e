/* The strict CSV reader (see csvread.h).  A reader of our own rather than
 * libcsv: libcsv skips blank lines (so its row numbers are not the
 * spreadsheet's) and reports a malformed file without the line, and the
 * workbook's errors must name the row a reviewer has to fix. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "../util.h"
#include "../xalloc.h"
#include "../out/buf.h"

typedef struct csv_state {
	csv_table *t;
	out_buf field;
	char **f;
	size_t nf, capf;
	unsigned long line, row_line;
} csv_state;

static void end_field(csv_state *s)
{
	char *v = xmalloc(s->field.len + 1);

	if (s->field.len)
		memcpy(v, s->field.data, s->field.len);
	v[s->field.len] = '\0';
	s->field.len = 0;
	xgrow(&s->f, &s->capf, s->nf + 1, sizeof *s->f);
	s->f[s->nf++] = v;
}

static void end_row(csv_state *s)
{
	csv_table *t = s->t;

	end_field(s);
	xgrow(&t->rows, &t->cap, t->n + 1, sizeof *t->rows);
	t->rows[t->n].f = s->f;
	t->rows[t->n].nf = s->nf;
	t->rows[t->n].line = s->row_line;
	t->n++;
	s->f = NULL;
	s->nf = s->capf = 0;
}

/* A quoted field from p (just after its opening quote); returns the
 * position after the closing quote, or NULL when the data ends first. */
static const char *quoted(csv_state *s, const char *p, const char *end)
{
	for (; p < end; p++) {
		if (*p == '"') {
			if (p + 1 < end && p[1] == '"') {
				ob_add(&s->field, "\"", 1);
				p++;
				continue;
			}
			return p + 1;
		}
		if (*p == '\n')
			s->line++;
		ob_add(&s->field, p, 1);
	}
	return NULL;
}

static int parse(csv_state *s, const char *p, const char *end, const char *shown)
{
	int at_start = 1;   /* at the start of a field */

	s->line = s->row_line = 1;
	while (p < end) {
		char c = *p;
		if (c == '"' && at_start) {
			unsigned long open = s->line;
			if (!(p = quoted(s, p + 1, end))) {
				cli_error("%s:%lu: a quoted field is not closed before the end of the file",
					  shown, open);
				return -1;
			}
			if (p < end && *p != ',' && *p != '\r' && *p != '\n') {
				cli_error("%s:%lu: text after the closing quote of a field", shown, s->line);
				return -1;
			}
			at_start = 0;
			continue;
		}
		if (c == '"') {
			cli_error("%s:%lu: a quote inside an unquoted field (quote the field and double "
				  "the quote)", shown, s->line);
			return -1;
		}
		if (c == ',') {
			end_field(s);
			at_start = 1;
			p++;
			continue;
		}
		if (c == '\r' || c == '\n') {
			p += (c == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
			end_row(s);
			s->row_line = ++s->line;
			at_start = 1;
			continue;
		}
		ob_add(&s->field, p++, 1);
		at_start = 0;
	}
	if (!at_start || s->nf)
		end_row(s);   /* the last row without a line break */
	return 0;
}

void csv_table_free(csv_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (size_t k = 0; k < t->rows[i].nf; k++)
			free(t->rows[i].f[k]);
		free(t->rows[i].f);
	}
	free(t->rows);
	memset(t, 0, sizeof *t);
}

int csv_read_buf(const char *data, size_t len, const char *shown, csv_table *t)
{
	csv_state s = { t, { 0 }, NULL, 0, 0, 1, 1 };
	int rc;

	memset(t, 0, sizeof *t);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		t->bom = 1;
		data += 3;
		len -= 3;
	}
	{
		const char *nul = memchr(data, '\0', len);
		if (nul) {
			unsigned long line = 1;
			for (const char *q = data; q < nul; q++)
				line += *q == '\n';
			cli_error("%s:%lu: a NUL byte: not a text file", shown, line);
			return -1;
		}
	}
	rc = parse(&s, data, data + len, shown);
	for (size_t k = 0; k < s.nf; k++)
		free(s.f[k]);
	free(s.f);
	ob_free(&s.field);
	if (rc)
		csv_table_free(t);
	return rc;
}

int csv_read_file(const char *path, csv_table *t)
{
	int is_stdin = strcmp(path, "-") == 0;
	const char *shown = is_stdin ? "(stdin)" : path;
	FILE *f = is_stdin ? stdin : cli_open_input(path);
	out_buf b = { 0 };
	char chunk[65536];
	size_t got;
	int rc;

	if (!f)
		return -1;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		ob_add(&b, chunk, got);
	if (ferror(f)) {
		cli_error("%s: cannot read: %s", shown, strerror(errno));
		rc = -1;
	} else {
		rc = csv_read_buf(b.data ? b.data : "", b.len, shown, t);
	}
	if (!is_stdin)
		fclose(f);
	ob_free(&b);
	return rc;
}
