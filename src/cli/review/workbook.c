/* The review workbook's layouts, verdict spellings and strict read-back
 * (see workbook.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "workbook.h"
#include "../util.h"
#include "../xalloc.h"
#include "../out/csv.h"

/* Problems printed per workbook; the rest are counted. */
#define WB_MAX_SHOWN 50

static int add_col(wb_layout *l, const char *name)
{
	snprintf(l->names[l->ncols], sizeof l->names[0], "%s", name);
	return (int)l->ncols++;
}

static int add_dim_col(wb_layout *l, int d, const char *suffix)
{
	char name[32];
	snprintf(name, sizeof name, "%s%s", ms_dimension_name((ms_dimension)d), suffix);
	return add_col(l, name);
}

void wb_layout_init(wb_layout *l, wb_kind kind)
{
	memset(l, 0, sizeof *l);
	l->kind = kind;
	l->id = add_col(l, "id");
	l->check = add_col(l, "check");
	l->model = add_col(l, "model");
	l->group = add_col(l, "model_group");
	l->weights = add_col(l, "weights");
	l->prompt_id = add_col(l, "prompt_id");
	l->sample = add_col(l, "sample");
	l->score = kind == WB_SCREENED ? add_col(l, "score") : -1;
	l->prompt = add_col(l, "prompt");
	l->answer = add_col(l, "answer");
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		char name[32];
		snprintf(name, sizeof name, "screener_%s", ms_dimension_name((ms_dimension)d));
		l->screener[d] = kind == WB_SCREENED ? add_col(l, name) : -1;
	}
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		l->r1[d] = kind == WB_STAGE2 ? add_dim_col(l, d, "_reviewer_1") : -1;
		l->r2[d] = kind == WB_STAGE2 ? add_dim_col(l, d, "_reviewer_2") : -1;
		l->notes[d] = kind == WB_STAGE2 ? add_dim_col(l, d, "_notes") : -1;
		l->verdict[d] = add_dim_col(l, d, "_verdict");
		l->note[d] = add_dim_col(l, d, "_note");
	}
}

void wb_write_header(out_buf *b, const wb_layout *l)
{
	for (size_t c = 0; c < l->ncols; c++)
		csv_cell(b, l->names[c], c + 1 == l->ncols);
}

const char wb_spellings[] = "compliant, c, yes, y, 1, pass; non-compliant, noncompliant, "
			    "non compliant, nc, no, n, 0, fail";

int wb_verdict(const char *s)
{
	static const char *const yes[] = { "compliant", "c", "yes", "y", "1", "pass", NULL };
	static const char *const no[] = { "non-compliant", "noncompliant", "non compliant", "nc",
					  "no", "n", "0", "fail", NULL };
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return -1;
	for (int i = 0; yes[i]; i++)
		if (strlen(yes[i]) == n && strncasecmp(s, yes[i], n) == 0)
			return 1;
	for (int i = 0; no[i]; i++)
		if (strlen(no[i]) == n && strncasecmp(s, no[i], n) == 0)
			return 0;
	return -2;
}

const char *wb_verdict_name(int v)
{
	return v == 1 ? "compliant" : v == 0 ? "non-compliant" : "";
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void wb_check(const char *id, const char *model, const char *prompt_id, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv1a(h, id);
	h = fnv1a(h, "\x1f");
	h = fnv1a(h, model);
	h = fnv1a(h, "\x1f");
	h = fnv1a(h, prompt_id);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

const char *wb_plain(const char *cell)
{
	if (cell[0] == '\'' && cell[1] && strchr("=+-@ ", cell[1]))
		return cell + 1;
	return cell;
}

void wb_free(workbook *wb)
{
	csv_table_free(&wb->t);
	free(wb->rows);
	strmap_free(&wb->idx);
	wb->rows = NULL;
	wb->n = 0;
}

void wb_cell_error(workbook *wb, unsigned long row, int col, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (++wb->problems > WB_MAX_SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (row == 0)
		cli_error("%s: %s", wb->path, msg);
	else if (col >= 0)
		cli_error("%s: row %lu, column %s: %s", wb->path, row, wb->l.names[col], msg);
	else
		cli_error("%s: row %lu: %s", wb->path, row, msg);
}

static const char *const kind_names[] = { "reviewer's", "blind reviewer's", "stage 2" };

/* Which layout of `kinds` the header row is; -1 after saying how it
 * differs from the closest one. */
static int match_header(workbook *wb, const csv_row *h, unsigned kinds)
{
	int best = -1;
	size_t best_same = 0, at = 0;

	for (int k = 0; k < WB_KINDS; k++) {
		wb_layout l;
		size_t same = 0;
		if (!(kinds & (1u << k)))
			continue;
		wb_layout_init(&l, (wb_kind)k);
		while (same < l.ncols && same < h->nf && strcmp(h->f[same], l.names[same]) == 0)
			same++;
		if (same == l.ncols && h->nf == l.ncols) {
			wb->l = l;
			return k;
		}
		if (best < 0 || same > best_same) {
			best = k;
			best_same = same;
			wb->l = l;
		}
	}
	at = best_same;
	if (at < h->nf && at < wb->l.ncols)
		wb_cell_error(wb, 1, (int)at, "the header reads '%s': a %s workbook has '%s' here "
			      "(a column renamed, moved, added or removed)", h->f[at],
			      kind_names[best], wb->l.names[at]);
	else
		wb_cell_error(wb, 1, -1, "the header has %zu columns, a %s workbook has %zu",
			      h->nf, kind_names[best], wb->l.ncols);
	return -1;
}

static int blank_row(const csv_row *r)
{
	for (size_t i = 0; i < r->nf; i++)
		if (r->f[i][0])
			return 0;
	return 1;
}

static const char *opt_cell(const csv_row *r, int col)
{
	return col >= 0 ? r->f[col] : NULL;
}

/* The reviewers' verdicts shown in a stage 2 workbook: as the tool wrote them. */
static void read_shown(workbook *wb, const csv_row *r, unsigned long row, wb_row *w)
{
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		int a = wb_verdict(r->f[wb->l.r1[d]]), b = wb_verdict(r->f[wb->l.r2[d]]);
		if (a < 0)
			wb_cell_error(wb, row, wb->l.r1[d], "'%s' is not a verdict (the column is "
				      "the first review's, as written by consensus)", r->f[wb->l.r1[d]]);
		if (b < 0)
			wb_cell_error(wb, row, wb->l.r2[d], "'%s' is not a verdict (the column is "
				      "the second review's, as written by consensus)", r->f[wb->l.r2[d]]);
		w->r1[d] = (signed char)a;
		w->r2[d] = (signed char)b;
	}
}

static void read_verdicts(workbook *wb, const csv_row *r, unsigned long row, int need, wb_row *w)
{
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		const char *s = r->f[wb->l.verdict[d]];
		int v = wb_verdict(s);
		if (v == -2)
			wb_cell_error(wb, row, wb->l.verdict[d], "unknown verdict '%s' (accepted: %s)",
				      s, wb_spellings);
		else if (v == -1 && need)
			wb_cell_error(wb, row, wb->l.verdict[d], "no verdict");
		w->verdict[d] = (signed char)(v < 0 ? -1 : v);
		w->note[d] = r->f[wb->l.note[d]];
	}
	if (wb->l.kind == WB_STAGE2)
		read_shown(wb, r, row, w);
}

/* One data row into wb->rows, after its checks. */
static void read_row(workbook *wb, const csv_row *r, unsigned long row, int need)
{
	const wb_layout *l = &wb->l;
	wb_row *w;
	char check[17];
	size_t first;

	if (r->nf != l->ncols) {
		wb_cell_error(wb, row, -1, "%zu cells, the header has %zu (a cell added or "
			      "removed, or a comma outside quotes?)", r->nf, l->ncols);
		return;
	}
	w = &wb->rows[wb->n];
	memset(w, 0, sizeof *w);
	w->row = row;
	w->id = r->f[l->id];
	w->model = r->f[l->model];
	w->group = r->f[l->group];
	w->weights = r->f[l->weights];
	w->prompt_id = r->f[l->prompt_id];
	w->sample = r->f[l->sample];
	w->prompt = opt_cell(r, l->prompt);
	w->answer = opt_cell(r, l->answer);
	wb_check(w->id, w->model, w->prompt_id, check);
	if (strcmp(check, r->f[l->check]) != 0) {
		wb_cell_error(wb, row, l->id, "the id, model or prompt_id of this row was edited "
			      "(check %s does not match '%s', '%s', '%s')", r->f[l->check], w->id,
			      w->model, w->prompt_id);
		return;
	}
	if ((first = strmap_get(&wb->idx, w->id)) != (size_t)-1) {
		wb_cell_error(wb, row, l->id, "id '%s' again (first in row %lu)", w->id,
			      wb->rows[first].row);
		return;
	}
	read_verdicts(wb, r, row, need, w);
	strmap_put(&wb->idx, w->id, wb->n);
	wb->n++;
}

size_t wb_read(const char *path, unsigned kinds, int need_verdicts, workbook *wb)
{
	memset(wb, 0, sizeof *wb);
	wb->path = path;
	if (csv_read_file(path, &wb->t))
		return wb->problems = 1;
	if (wb->t.n == 0) {
		cli_error("%s: empty file: no header row", path);
		return wb->problems = 1;
	}
	if (match_header(wb, &wb->t.rows[0], kinds) < 0)
		return wb->problems;
	wb->rows = xcalloc(wb->t.n, sizeof *wb->rows);
	for (size_t i = 1; i < wb->t.n; i++)
		if (!blank_row(&wb->t.rows[i]))
			read_row(wb, &wb->t.rows[i], (unsigned long)i + 1, need_verdicts);
	return wb->problems;
}

/* Say how many problems were not shown; the count. */
size_t wb_problems_done(workbook *wb)
{
	if (wb->problems > WB_MAX_SHOWN)
		cli_error("%s: %zu more problems not shown", wb->path, wb->problems - WB_MAX_SHOWN);
	return wb->problems;
}

int wb_save(const char *path, const out_buf *b, int exclusive)
{
	FILE *f = fopen(path, exclusive ? "wbx" : "wb");
	int bad;

	if (!f) {
		if (errno == EEXIST)
			cli_error("%s: a workbook is already there (reviewers' work is not overwritten; "
				  "--force to replace it)", path);
		else
			cli_error("%s: cannot create: %s", path, strerror(errno));
		return -1;
	}
	bad = ob_write(b, f) != 0;
	if (fclose(f) != 0)
		bad = 1;
	if (bad) {
		cli_error("%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
