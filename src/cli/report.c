/* medscreen report: aggregate scan results for reviewers.
 *
 * Every section is built as a table of text cells (with an optional flag
 * rate per cell, for the heatmap) and then rendered by one of five writers:
 * aligned text, markdown, CSV, JSON and a self-contained HTML page. */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "stats.h"

/* ---------------- tables ---------------- */

#define MAX_COLS 16

typedef struct rtable {
	const char *title;
	const char *key;          /* JSON key */
	const char *note;
	size_t ncols;
	const char *cols[MAX_COLS];
	char **cells;             /* nrows * ncols, owned */
	double *heat;             /* nrows * ncols, rate in [0,1] or -1 */
	int numeric[MAX_COLS];    /* column holds numbers (JSON, alignment) */
	size_t nrows, caprows;
} rtable;

static void table_init(rtable *t, const char *title, const char *key, const char *note)
{
	memset(t, 0, sizeof *t);
	t->title = title;
	t->key = key;
	t->note = note;
}

static void table_col(rtable *t, const char *name, int numeric)
{
	t->numeric[t->ncols] = numeric;
	t->cols[t->ncols++] = name;
}

static size_t table_row(rtable *t)
{
	if (t->nrows == t->caprows) {
		size_t ncap = t->caprows ? t->caprows * 2 : 16;
		char **c = realloc(t->cells, ncap * t->ncols * sizeof *c);
		double *h;
		if (!c)
			goto oom;
		t->cells = c;
		h = realloc(t->heat, ncap * t->ncols * sizeof *h);
		if (!h)
			goto oom;
		t->heat = h;
		t->caprows = ncap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		t->cells[t->nrows * t->ncols + i] = NULL;
		t->heat[t->nrows * t->ncols + i] = -1;
	}
	return t->nrows++;
oom:
	cli_error("out of memory");
	exit(EXIT_TROUBLE);
}

static void cell(rtable *t, size_t row, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cell(rtable *t, size_t row, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(t->cells[row * t->ncols + col]);
	t->cells[row * t->ncols + col] = s;
}

static const char *cellv(const rtable *t, size_t row, size_t col)
{
	const char *s = t->cells[row * t->ncols + col];
	return s ? s : "";
}

static void table_free(rtable *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->heat);
}

/* Display width: code points (every character of our tables is one column). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void render_text(out_buf *b, const rtable *t)
{
	size_t w[MAX_COLS];

	ob_printf(b, "%s\n", t->title);
	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = width(t->cols[c]);
		for (size_t r = 0; r < t->nrows; r++)
			if (width(cellv(t, r, c)) > w[c])
				w[c] = width(cellv(t, r, c));
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->cols[c] : cellv(t, r - 1, c);
			size_t pad = w[c] - width(s);
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

static void md_cell(out_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			ob_adds(b, "\\|");
		else
			ob_add(b, s, 1);
	}
}

static void render_markdown(out_buf *b, const rtable *t)
{
	ob_printf(b, "## %s\n\n|", t->title);
	for (size_t c = 0; c < t->ncols; c++) {
		ob_add(b, " ", 1);
		md_cell(b, t->cols[c]);
		ob_adds(b, " |");
	}
	ob_adds(b, "\n|");
	for (size_t c = 0; c < t->ncols; c++)
		ob_adds(b, t->numeric[c] ? "---:|" : "---|");
	ob_add(b, "\n", 1);
	for (size_t r = 0; r < t->nrows; r++) {
		ob_add(b, "|", 1);
		for (size_t c = 0; c < t->ncols; c++) {
			ob_add(b, " ", 1);
			md_cell(b, cellv(t, r, c));
			ob_adds(b, " |");
		}
		ob_add(b, "\n", 1);
	}
	if (t->note)
		ob_printf(b, "\n%s\n", t->note);
	ob_add(b, "\n", 1);
}

static void csv_cell(out_buf *b, const char *s)
{
	ob_csv_field(b, s, strlen(s));
}

/* CSV: one block per table, headed by a line naming the table. */
static void render_csv(out_buf *b, const rtable *t)
{
	csv_cell(b, "table");
	for (size_t c = 0; c < t->ncols; c++) {
		ob_add(b, ",", 1);
		csv_cell(b, t->cols[c]);
	}
	ob_adds(b, "\r\n");
	for (size_t r = 0; r < t->nrows; r++) {
		csv_cell(b, t->key);
		for (size_t c = 0; c < t->ncols; c++) {
			ob_add(b, ",", 1);
			csv_cell(b, cellv(t, r, c));
		}
		ob_adds(b, "\r\n");
	}
}

static void render_json(out_buf *b, const rtable *t, int first)
{
	ob_printf(b, "%s\"%s\":{\"title\":", first ? "" : ",", t->key);
	ob_json_str(b, t->title, strlen(t->title));
	ob_adds(b, ",\"rows\":[");
	for (size_t r = 0; r < t->nrows; r++) {
		ob_adds(b, r ? ",{" : "{");
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = cellv(t, r, c);
			char *end;
			if (c)
				ob_add(b, ",", 1);
			ob_json_str(b, t->cols[c], strlen(t->cols[c]));
			ob_add(b, ":", 1);
			if (t->numeric[c] && *s && (strtod(s, &end), *end == '\0'))
				ob_adds(b, s);
			else
				ob_json_str(b, s, strlen(s));
		}
		ob_add(b, "}", 1);
	}
	ob_adds(b, "]}");
}

static void html_text(out_buf *b, const char *s)
{
	ob_markup(b, s, strlen(s));
}

/* Heat colour: white at 0, deep red at 1 (on a square-root scale so that
 * small but real flag rates are visible). */
static void heat_style(out_buf *b, double rate)
{
	double x = sqrt(rate < 0 ? 0 : rate > 1 ? 1 : rate);
	int r = 255, g = (int)(255 - 190 * x), bl = (int)(255 - 200 * x);

	ob_printf(b, " style=\"background:#%02x%02x%02x%s\"", r, g, bl,
		  x > 0.7 ? ";color:#fff" : "");
}

static void render_html_table(out_buf *b, const rtable *t)
{
	ob_adds(b, "<section>\n<h2>");
	html_text(b, t->title);
	ob_adds(b, "</h2>\n<table>\n<thead><tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		ob_adds(b, t->numeric[c] ? "<th class=\"n\">" : "<th>");
		html_text(b, t->cols[c]);
		ob_adds(b, "</th>");
	}
	ob_adds(b, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < t->nrows; r++) {
		ob_adds(b, "<tr>");
		for (size_t c = 0; c < t->ncols; c++) {
			double h = t->heat[r * t->ncols + c];
			const char *v = cellv(t, r, c);
			const char *pct = strchr(v, ' '), *ci = pct ? strchr(pct + 1, ' ') : NULL;

			ob_adds(b, t->numeric[c] || h >= 0 ? "<td class=\"n\"" : "<td");
			if (h >= 0)
				heat_style(b, h);
			ob_add(b, ">", 1);
			if (h >= 0 && pct && ci && strchr(v, '/') && strchr(v, '/') < pct) {
				/* "k/n p% [lo-hi]": the rate first, the counts and the
				 * interval below it in small type, to keep columns narrow. */
				out_buf tmp = { 0 };
				ob_add(&tmp, pct + 1, (size_t)(ci - pct - 1));
				ob_adds(b, "<b>");
				html_text(b, tmp.data);
				ob_adds(b, "</b><br><small>");
				tmp.len = 0;
				ob_add(&tmp, v, (size_t)(pct - v));
				ob_add(&tmp, ci, strlen(ci));
				html_text(b, tmp.data);
				ob_adds(b, "</small>");
				ob_free(&tmp);
			} else {
				html_text(b, v);
			}
			ob_adds(b, "</td>");
		}
		ob_adds(b, "</tr>\n");
	}
	ob_adds(b, "</tbody>\n</table>\n");
	if (t->note) {
		ob_adds(b, "<p class=\"note\">");
		html_text(b, t->note);
		ob_adds(b, "</p>\n");
	}
	ob_adds(b, "</section>\n");
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>medscreen report</title>\n<style>\n"
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;"
	"margin:2rem auto;max-width:90rem;padding:0 1rem;color:#1d1d1f;line-height:1.4}\n"
	"h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}\n"
	"p.meta{color:#555;margin-top:0}p.note{color:#555;font-size:.85rem}\n"
	"table{border-collapse:collapse;font-size:.85rem;width:100%}\n"
	"th,td{border:1px solid #d0d0d5;padding:.3rem .5rem;text-align:left;vertical-align:top}\n"
	"th{background:#f3f3f6;position:sticky;top:0}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"td small{color:inherit;opacity:.8}td:first-child{white-space:nowrap}\n"
	".legend span{display:inline-block;width:2.2rem;text-align:center;font-size:.75rem;"
	"border:1px solid #d0d0d5}\n"
	"@media print{body{margin:0;max-width:none}th{position:static}section{break-inside:avoid}"
	"td,th{padding:.15rem .3rem}}\n"
	"</style>\n</head>\n<body>\n";

static void render_html(out_buf *b, rtable *ts, size_t nt, const char *summary)
{
	ob_adds(b, html_head);
	ob_adds(b, "<h1>medscreen report</h1>\n<p class=\"meta\">");
	html_text(b, summary);
	ob_adds(b, "</p>\n<p class=\"legend\">Flag rate: ");
	for (int i = 0; i <= 4; i++) {
		ob_adds(b, "<span");
		heat_style(b, i / 4.0);
		ob_printf(b, ">%d%%</span>", i * 25);
	}
	ob_adds(b, "</p>\n");
	for (size_t i = 0; i < nt; i++)
		render_html_table(b, &ts[i]);
	ob_adds(b, "</body>\n</html>\n");
}

/* ---------------- aggregation ---------------- */

typedef struct group {
	const char *name;        /* borrowed from a record */
	const char *extra[2];    /* e.g. model group and weights of a model */
	unsigned long n, flagged, errors;
	unsigned long dim[MS_DIM_COUNT];
} group;

typedef struct groups {
	group *v;
	size_t n, cap;
} groups;

static group *group_get(groups *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->v[i].name, name) == 0)
			return &g->v[i];
	cli_grow(&g->v, &g->cap, g->n + 1, sizeof *g->v);
	memset(&g->v[g->n], 0, sizeof *g->v);
	g->v[g->n].name = name;
	return &g->v[g->n++];
}

static int cmp_group_name(const void *a, const void *b)
{
	return strcmp(((const group *)a)->name, ((const group *)b)->name);
}

static void add_to(group *gr, const scan_rec *r)
{
	if (r->status == REC_ERROR) {
		gr->errors++;
		return;
	}
	gr->n++;
	gr->flagged += r->status == REC_FLAGGED;
	for (int d = 0; d < MS_DIM_COUNT; d++)
		gr->dim[d] += r->dim[d];
}

static void rate_cell(rtable *t, size_t row, size_t col, unsigned long k, unsigned long n)
{
	stats_interval iv;

	if (!n) {
		cell(t, row, col, "-");
		return;
	}
	iv = stats_wilson(k, n, STATS_Z95);
	cell(t, row, col, "%lu/%lu %.1f%% [%.1f-%.1f]", k, n, 100.0 * (double)k / (double)n,
	     100 * iv.lo, 100 * iv.hi);
	t->heat[row * t->ncols + col] = (double)k / (double)n;
}

static void groups_table(rtable *t, groups *g, const char *title, const char *key,
			 const char *what, const char *x1, const char *x2)
{
	table_init(t, title, key,
		   "Each cell: flagged/records, flag rate and its 95% Wilson interval.");
	table_col(t, what, 0);
	if (x1)
		table_col(t, x1, 0);
	if (x2)
		table_col(t, x2, 0);
	table_col(t, "records", 1);
	table_col(t, "errors", 1);
	table_col(t, "any dimension", 1);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		table_col(t, ms_dimension_name((ms_dimension)d), 1);
	if (g->n)
		qsort(g->v, g->n, sizeof *g->v, cmp_group_name);
	for (size_t i = 0; i < g->n; i++) {
		group *gr = &g->v[i];
		size_t r = table_row(t), c = 0;

		cell(t, r, c++, "%s", gr->name);
		if (x1)
			cell(t, r, c++, "%s", gr->extra[0] ? gr->extra[0] : "-");
		if (x2)
			cell(t, r, c++, "%s", gr->extra[1] ? gr->extra[1] : "-");
		cell(t, r, c++, "%lu", gr->n);
		cell(t, r, c++, "%lu", gr->errors);
		rate_cell(t, r, c++, gr->flagged, gr->n);
		for (int d = 0; d < MS_DIM_COUNT; d++)
			rate_cell(t, r, c++, gr->dim[d], gr->n);
	}
}

/* Per prompt: how many models were flagged on it (the slice analysis). */
typedef struct slice {
	const char *prompt;
	char **models;            /* distinct models with records on the prompt */
	unsigned char *mflag;     /* per model: flagged on some record */
	size_t nmodels;
	unsigned long n, flagged;
	unsigned long dim[MS_DIM_COUNT];
} slice;

static int cmp_slice(const void *a, const void *b)
{
	const slice *x = a, *y = b;
	size_t fx = 0, fy = 0;
	double rx, ry;

	for (size_t i = 0; i < x->nmodels; i++)
		fx += x->mflag[i];
	for (size_t i = 0; i < y->nmodels; i++)
		fy += y->mflag[i];
	rx = x->nmodels ? (double)fx / (double)x->nmodels : 0;
	ry = y->nmodels ? (double)fy / (double)y->nmodels : 0;
	if (rx != ry)
		return rx > ry ? -1 : 1;
	if (x->flagged != y->flagged)
		return x->flagged > y->flagged ? -1 : 1;
	return strcmp(x->prompt, y->prompt);
}

typedef struct rulecount {
	const char *rule;
	ms_severity severity;
	ms_dimension dimension;
	unsigned long fired;
	groups models;            /* per model: count in `flagged` */
} rulecount;

static int cmp_rulecount(const void *a, const void *b)
{
	const rulecount *x = a, *y = b;

	if (x->fired != y->fired)
		return x->fired > y->fired ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

static int cmp_group_count(const void *a, const void *b)
{
	const group *x = a, *y = b;

	if (x->flagged != y->flagged)
		return x->flagged > y->flagged ? -1 : 1;
	return strcmp(x->name, y->name);
}

static const char *or_unknown(const char *s)
{
	return s ? s : "(none)";
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] =
		"Usage: medscreen report [--format text|markdown|csv|json|html] SCANFILE...\n"
		"Aggregate scan results (medscreen scan --format jsonl): flag rates per model,\n"
		"model group and weights by dimension with 95% Wilson intervals; per prompt,\n"
		"how many models were flagged (worst first); per rule, how often it fired and on\n"
		"which models.\n";
	enum { R_TEXT, R_MD, R_CSV, R_JSON, R_HTML } fmt = R_TEXT;
	scan_set set = { 0 };
	groups models = { 0 }, fams = { 0 }, weights = { 0 };
	slice *slices = NULL;
	size_t nslices = 0;
	rulecount *rules = NULL;
	size_t nrules = 0;
	rtable tables[5];
	size_t nt = 0;
	unsigned long errors = 0, total = 0, flagged = 0;
	out_buf b = { 0 };
	char summary[256];
	int c, ret = EXIT_TROUBLE;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
		{
			static const char *const names[] = { "text", "markdown", "csv", "json", "html",
							     NULL };
			int v = cli_choice("--format", optarg, names);
			if (v < 0)
				return EXIT_TROUBLE;
			fmt = v;
			break;
		}
		case 'h':
			fputs(usage, stdout);
			return EXIT_CLEAR;
		default:
			fputs(usage, stderr);
			return EXIT_TROUBLE;
		}
	}
	if (optind >= argc) {
		cli_error("report needs at least one scan file");
		fputs(usage, stderr);
		return EXIT_TROUBLE;
	}
	for (int i = optind; i < argc; i++)
		if (scan_set_read(&set, argv[i]))
			goto out;

	slices = calloc(set.n ? set.n : 1, sizeof *slices);
	if (!slices)
		goto oom;
	for (size_t i = 0; i < set.n; i++) {
		scan_rec *r = &set.v[i];
		group *g = group_get(&models, or_unknown(r->model));
		slice *sl = NULL;

		total++;
		errors += r->status == REC_ERROR;
		flagged += r->status == REC_FLAGGED;
		if (!g->extra[0])
			g->extra[0] = r->group;
		if (!g->extra[1])
			g->extra[1] = r->weights;
		add_to(g, r);
		add_to(group_get(&fams, or_unknown(r->group)), r);
		add_to(group_get(&weights, or_unknown(r->weights)), r);
		if (r->status == REC_ERROR)
			continue;

		for (size_t k = 0; k < nslices; k++)
			if (strcmp(slices[k].prompt, or_unknown(r->prompt_id)) == 0)
				sl = &slices[k];
		if (!sl) {
			sl = &slices[nslices++];
			sl->prompt = or_unknown(r->prompt_id);
		}
		sl->n++;
		sl->flagged += r->status == REC_FLAGGED;
		for (int d = 0; d < MS_DIM_COUNT; d++)
			sl->dim[d] += r->dim[d];
		{
			size_t m;
			const char *mn = or_unknown(r->model);
			for (m = 0; m < sl->nmodels; m++)
				if (strcmp(sl->models[m], mn) == 0)
					break;
			if (m == sl->nmodels) {
				char **p = realloc(sl->models, (m + 1) * sizeof *p);
				unsigned char *q;
				if (!p)
					goto oom;
				sl->models = p;
				q = realloc(sl->mflag, m + 1);
				if (!q)
					goto oom;
				sl->mflag = q;
				sl->models[m] = (char *)mn;
				sl->mflag[m] = 0;
				sl->nmodels++;
			}
			sl->mflag[m] |= r->status == REC_FLAGGED;
		}

		for (size_t k = 0; k < r->nfired; k++) {
			fired_rule *fr = &r->fired[k];
			rulecount *rc = NULL;
			group *mg;

			if (fr->error)
				continue;
			for (size_t q = 0; q < nrules; q++)
				if (strcmp(rules[q].rule, fr->rule) == 0)
					rc = &rules[q];
			if (!rc) {
				rulecount *p = realloc(rules, (nrules + 1) * sizeof *p);
				if (!p)
					goto oom;
				rules = p;
				rc = &rules[nrules++];
				memset(rc, 0, sizeof *rc);
				rc->rule = fr->rule;
				rc->severity = fr->severity;
				rc->dimension = fr->dimension;
			}
			rc->fired++;
			mg = group_get(&rc->models, or_unknown(r->model));
			mg->flagged++;
		}
	}

	groups_table(&tables[nt++], &models, "Flag rate by model and dimension", "models", "model",
		     "group", "weights");
	groups_table(&tables[nt++], &fams, "Flag rate by model group and dimension", "model_groups",
		     "model group", NULL, NULL);
	groups_table(&tables[nt++], &weights, "Flag rate by weights (open or closed) and dimension",
		     "weights", "weights", NULL, NULL);

	/* Slices: worst prompts first. */
	{
		rtable *t = &tables[nt++];
		table_init(t, "Prompts by how many models were flagged (worst first)", "prompts",
			   "A model counts as flagged on a prompt when any of its records for it is.");
		table_col(t, "prompt", 0);
		table_col(t, "models flagged", 1);
		table_col(t, "records flagged", 1);
		for (int d = 0; d < MS_DIM_COUNT; d++)
			table_col(t, ms_dimension_name((ms_dimension)d), 1);
		table_col(t, "flagged models", 0);
		if (nslices)
			qsort(slices, nslices, sizeof *slices, cmp_slice);
		for (size_t i = 0; i < nslices; i++) {
			slice *sl = &slices[i];
			size_t r = table_row(t), fm = 0;
			out_buf names = { 0 };

			for (size_t m = 0; m < sl->nmodels; m++)
				if (sl->mflag[m]) {
					ob_printf(&names, "%s%s", fm ? ", " : "", sl->models[m]);
					fm++;
				}
			cell(t, r, 0, "%s", sl->prompt);
			cell(t, r, 1, "%zu/%zu", fm, sl->nmodels);
			t->heat[r * t->ncols + 1] = sl->nmodels ? (double)fm / (double)sl->nmodels : 0;
			cell(t, r, 2, "%lu/%lu", sl->flagged, sl->n);
			for (int d = 0; d < MS_DIM_COUNT; d++) {
				cell(t, r, 3 + (size_t)d, "%lu", sl->dim[d]);
				t->heat[r * t->ncols + 3 + (size_t)d] =
					sl->n ? (double)sl->dim[d] / (double)sl->n : 0;
			}
			cell(t, r, 3 + MS_DIM_COUNT, "%s", names.data ? names.data : "");
			ob_free(&names);
		}
	}

	/* Rules: most frequent first. */
	{
		rtable *t = &tables[nt++];
		table_init(t, "Rules by how often they fired", "rules", NULL);
		table_col(t, "rule", 0);
		table_col(t, "dimension", 0);
		table_col(t, "severity", 0);
		table_col(t, "records", 1);
		table_col(t, "models", 0);
		if (nrules)
			qsort(rules, nrules, sizeof *rules, cmp_rulecount);
		for (size_t i = 0; i < nrules; i++) {
			rulecount *rc = &rules[i];
			size_t r = table_row(t);
			out_buf names = { 0 };

			if (rc->models.n)
				qsort(rc->models.v, rc->models.n, sizeof *rc->models.v,
				      cmp_group_count);
			for (size_t m = 0; m < rc->models.n; m++)
				ob_printf(&names, "%s%s (%lu)", m ? ", " : "", rc->models.v[m].name,
					  rc->models.v[m].flagged);
			cell(t, r, 0, "%s", rc->rule);
			cell(t, r, 1, "%s", ms_dimension_name(rc->dimension));
			cell(t, r, 2, "%s", ms_severity_name(rc->severity));
			cell(t, r, 3, "%lu", rc->fired);
			cell(t, r, 4, "%s", names.data ? names.data : "");
			ob_free(&names);
		}
	}

	snprintf(summary, sizeof summary,
		 "%lu records from %zu scan file%s: %lu flagged, %lu errors, %zu models, %zu prompts",
		 total, set.nfiles, set.nfiles == 1 ? "" : "s", flagged, errors, models.n, nslices);
	switch (fmt) {
	case R_TEXT:
		ob_printf(&b, "%s\n\n", summary);
		for (size_t i = 0; i < nt; i++)
			render_text(&b, &tables[i]);
		break;
	case R_MD:
		ob_printf(&b, "# medscreen report\n\n%s\n\n", summary);
		for (size_t i = 0; i < nt; i++)
			render_markdown(&b, &tables[i]);
		break;
	case R_CSV:
		for (size_t i = 0; i < nt; i++)
			render_csv(&b, &tables[i]);
		break;
	case R_JSON:
		ob_printf(&b, "{\"records\":%lu,\"flagged\":%lu,\"errors\":%lu,", total, flagged, errors);
		for (size_t i = 0; i < nt; i++)
			render_json(&b, &tables[i], i == 0);
		ob_adds(&b, "}\n");
		break;
	case R_HTML:
		render_html(&b, tables, nt, summary);
		break;
	}
	if (b.len && fwrite(b.data, 1, b.len, stdout) != b.len)
		cli_error("write error");
	ret = EXIT_CLEAR;
	goto out;
oom:
	cli_error("out of memory");
out:
	for (size_t i = 0; i < nt; i++)
		table_free(&tables[i]);
	for (size_t i = 0; i < nslices; i++) {
		free(slices[i].models);
		free(slices[i].mflag);
	}
	free(slices);
	for (size_t i = 0; i < nrules; i++)
		free(rules[i].models.v);
	free(rules);
	free(models.v);
	free(fams.v);
	free(weights.v);
	ob_free(&b);
	scan_set_free(&set);
	return ret;
}
