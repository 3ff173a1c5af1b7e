/* CSV records (RFC 4180) through libcsv: a header row names the columns,
 * each further row is a record whose fields are its cells, mapped by
 * --field as JSON fields are.  An empty cell is an absent field, except in
 * the response column, where it is an empty answer.  A byte order mark at
 * the start is skipped; cells are not trimmed.
 *
 * libcsv calls back per cell and per row end; it is fed one physical line
 * at a time so that each row's first line and each error's line and
 * column are known. */
#include "config.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "../suggest.h"
#include "../util.h"
#include "../xalloc.h"

#define CSV_OPTS (CSV_STRICT | CSV_STRICT_FINI)

typedef struct csv_state {
	source_cfg *c;
	const char *name;
	rec_sink sink;
	void *ctx;
	struct csv_parser p;
	char **cols;              /* the header's names */
	size_t ncols, capcols;
	int have_header, fatal;
	size_t resp_col;
	json_object *row;
	size_t nfield, row_bytes;
	int too_long;
	unsigned long line;       /* of the chunk being fed */
	unsigned long row_line;   /* where the current row started */
	unsigned long rowno;      /* rows so far, the header being row 1 */
	int row_open;
} csv_state;

/* RFC 4180: spaces are part of a field. */
static int no_space(unsigned char ch)
{
	(void)ch;
	return 0;
}

static void parser_init(csv_state *st)
{
	if (csv_init(&st->p, CSV_OPTS) != 0)
		xoom();
	csv_set_space_func(&st->p, no_space);
}

static void on_cell(void *s, size_t len, void *data)
{
	csv_state *st = data;

	if (!st->have_header) {
		xgrow(&st->cols, &st->capcols, st->ncols + 1, sizeof *st->cols);
		st->cols[st->ncols] = xmalloc(len + 1);
		memcpy(st->cols[st->ncols], s, len);
		st->cols[st->ncols++][len] = '\0';
		return;
	}
	st->row_bytes += len;
	if (st->row_bytes > st->c->max_record)
		st->too_long = 1;
	if (st->nfield < st->ncols && !st->too_long && (len || st->nfield == st->resp_col))
		json_object_object_add(st->row, st->cols[st->nfield],
				       json_object_new_string_len(s, (int)len));
	st->nfield++;
}

/* The header lacks the response column: say which one to map. */
static void no_response_column(csv_state *st, const char *want)
{
	const char *best = NULL;

	for (size_t k = 0; answer_fields[k] && !best; k++)
		for (size_t i = 0; i < st->ncols && !best; i++)
			if (strcmp(st->cols[i], answer_fields[k]) == 0)
				best = st->cols[i];
	if (!best)
		best = suggest_name(want, strlen(want), (const char *const *)st->cols, st->ncols);
	if (best)
		cli_error("%s:%lu: the header has no '%s' column; the answer seems to be in "
			  "column '%s': use --field response=%s", st->name, st->row_line, want,
			  best, best);
	else
		cli_error("%s:%lu: the header has no '%s' column (it has %zu column%s; "
			  "--field response=COLUMN names the answer's)", st->name, st->row_line,
			  want, st->ncols, st->ncols == 1 ? "" : "s");
}

static void check_header(csv_state *st)
{
	const char *want = st->c->fields->path[F_RESPONSE];

	st->have_header = 1;
	st->resp_col = (size_t)-1;
	for (size_t i = 0; i < st->ncols && !st->fatal; i++) {
		if (!st->cols[i][0]) {
			cli_error("%s:%lu: column %zu of the header has no name", st->name,
				  st->row_line, i + 1);
			st->fatal = 1;
		}
		for (size_t j = 0; j < i && !st->fatal; j++)
			if (strcmp(st->cols[i], st->cols[j]) == 0) {
				cli_error("%s:%lu: columns %zu and %zu of the header are both "
					  "named '%s'", st->name, st->row_line, j + 1, i + 1,
					  st->cols[i]);
				st->fatal = 1;
			}
		if (strcmp(st->cols[i], want) == 0)
			st->resp_col = i;
	}
	if (!st->fatal && st->resp_col == (size_t)-1) {
		no_response_column(st, want);
		st->fatal = 1;
	}
}

/* Hand the current row on, with `error` when it is unusable. */
static void flush_row(csv_state *st, const char *error)
{
	rec_text t = { 0 };
	char msg[160];
	size_t n = 0;

	t.line = st->row_line;
	t.error = error;
	if (!error && st->nfield != st->ncols) {
		snprintf(msg, sizeof msg, "row %lu has %zu field%s; the header has %zu",
			 st->rowno, st->nfield, st->nfield == 1 ? "" : "s", st->ncols);
		t.error = msg;
	}
	if (st->too_long) {
		t.too_long = 1;
		t.len = st->row_bytes;
	} else {
		t.text = json_object_to_json_string_length(
			st->row, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
		t.len = n;
	}
	st->sink(st->ctx, &t);
	json_object_put(st->row);
	st->row = json_object_new_object();
	st->nfield = st->row_bytes = 0;
	st->too_long = 0;
	st->row_open = 0;
}

static void on_row(int ch, void *data)
{
	csv_state *st = data;

	(void)ch;
	st->rowno++;
	if (!st->have_header) {
		check_header(st);
		st->row_open = 0;
		return;
	}
	flush_row(st, NULL);
}

/* Feed one physical line (with its line end). */
static void feed(csv_state *st, const char *s, size_t len)
{
	size_t done;

	if (!st->row_open && strspn(s, "\r\n") < len) {
		st->row_open = 1;
		st->row_line = st->line;
	}
	done = csv_parse(&st->p, s, len, on_cell, on_row, st);
	if (done < len && !st->fatal) {
		char msg[200];
		int err = csv_error(&st->p);

		if (err != CSV_EPARSE)
			xoom();
		snprintf(msg, sizeof msg, "row %lu: malformed quoting at line %lu, column %zu "
			 "(a quote inside an unquoted cell, or text after a closing quote)",
			 st->rowno + 1, st->line, done + 1);
		st->rowno++;
		if (!st->have_header) {
			cli_error("%s:%lu:%zu: the header row: malformed quoting", st->name,
				  st->line, done + 1);
			st->fatal = 1;
			return;
		}
		flush_row(st, msg);
		/* Start again on the next line. */
		csv_free(&st->p);
		parser_init(st);
	}
}

static void finish(csv_state *st)
{
	if (st->fatal)
		return;
	if (csv_fini(&st->p, on_cell, on_row, st) != 0 && !st->fatal) {
		char msg[160];

		st->rowno++;
		snprintf(msg, sizeof msg, "row %lu: a quoted cell is not closed at the end of "
			 "the input", st->rowno);
		if (!st->have_header) {
			cli_error("%s:%lu: the header row: %s", st->name, st->row_line,
				  "a quoted cell is not closed at the end of the input");
			st->fatal = 1;
			return;
		}
		flush_row(st, msg);
	}
}

int read_csv(source_cfg *c, FILE *f, const char *name, rec_sink sink, void *ctx)
{
	csv_state st = { .c = c, .name = name, .sink = sink, .ctx = ctx };
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	parser_init(&st);
	st.row = json_object_new_object();
	while (!st.fatal && (n = getline(&buf, &cap, f)) > 0) {
		const char *s = buf;
		size_t len = (size_t)n;

		c->consumed += len;
		st.line++;
		if (st.line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
			s += 3;
			len -= 3;
		}
		feed(&st, s, len);
	}
	if (ferror(f)) {
		cli_error("%s: read error after line %lu", name, st.line);
		rc = -1;
	} else {
		finish(&st);
	}
	rc |= st.fatal ? -1 : 0;
	csv_free(&st.p);
	json_object_put(st.row);
	for (size_t i = 0; i < st.ncols; i++)
		free(st.cols[i]);
	free(st.cols);
	free(buf);
	return rc;
}
