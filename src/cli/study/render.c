/* medscreen study's formats: text tables for people, JSON with numeric
 * fields, and CSV in one long table with a `table` column. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study.h"
#include "../out/csv.h"
#include "../out/json.h"

enum {
	F_KEY = 1 << 0, F_LABEL = 1 << 1, F_GROUP = 1 << 2, F_WEIGHTS = 1 << 3, F_DIM = 1 << 4,
	F_SCOPE = 1 << 5, F_N = 1 << 6, F_K = 1 << 7, F_RATE = 1 << 8, F_CI = 1 << 9,
	F_STAT = 1 << 10, F_DF = 1 << 11, F_P = 1 << 12, F_METHOD = 1 << 13, F_CONF = 1 << 14,
};

/* The tables in order, their titles and the fields their rows carry. */
static const struct table_info {
	const char *name, *title;
	unsigned fields;
} tables[] = {
	{ "model", "Compliance by model", F_KEY | F_GROUP | F_WEIGHTS | F_DIM | F_SCOPE | F_N | F_K | F_RATE | F_CI },
	{ "group", "Compliance by model group", F_KEY | F_DIM | F_SCOPE | F_N | F_K | F_RATE | F_CI },
	{ "weights", "Compliance by weights", F_KEY | F_DIM | F_SCOPE | F_N | F_K | F_RATE | F_CI },
	{ "mean", "Mean compliance over models", F_KEY | F_DIM | F_SCOPE | F_N | F_RATE },
	{ "prompt", "Per-prompt pass rate: the share of models compliant on the prompt's dimension, worst first",
	  F_KEY | F_LABEL | F_DIM | F_N | F_K | F_RATE | F_CI },
	{ "kruskal_wallis", "Kruskal-Wallis across model groups, on per-model compliance rates",
	  F_KEY | F_DIM | F_SCOPE | F_N | F_K | F_STAT | F_DF | F_P | F_METHOD },
	{ "mann_whitney", "Mann-Whitney U, open against closed weights, on per-model compliance rates",
	  F_KEY | F_LABEL | F_DIM | F_SCOPE | F_N | F_K | F_STAT | F_P | F_METHOD },
	{ "agreement", "The screener's flags against the labels (positive: not compliant)",
	  F_KEY | F_LABEL | F_DIM | F_N | F_CONF },
};
#define NTABLES (sizeof tables / sizeof tables[0])

static const char *const csv_cols[] = { "table", "key", "label", "group", "weights", "dimension",
					"scope", "n", "k", "rate", "lower", "upper", "statistic",
					"df", "p", "method", "tp", "fp", "fn", "tn", "precision",
					"recall", "f1", "kappa", NULL };

static void csv_num(out_buf *b, double v, int last)
{
	char t[40] = "";

	if (!isnan(v) && !isinf(v))
		snprintf(t, sizeof t, "%.10g", v);
	csv_cell(b, t, last);
}

static void render_csv(out_buf *b, const st_rows *rows)
{
	for (int c = 0; csv_cols[c]; c++)
		csv_cell(b, csv_cols[c], !csv_cols[c + 1]);
	for (size_t i = 0; i < rows->n; i++) {
		const st_row *r = &rows->v[i];
		const double nums[] = { r->n, r->k, r->rate, r->lower, r->upper, r->statistic, r->df, r->p };
		const double conf[] = { r->tp, r->fp, r->fn, r->tn, r->precision, r->recall, r->f1, r->kappa };
		csv_cell(b, r->table, 0);
		csv_cell(b, r->key, 0);
		csv_cell(b, r->label, 0);
		csv_cell(b, r->group, 0);
		csv_cell(b, r->weights, 0);
		csv_cell(b, st_dim_name(r->dim), 0);
		csv_cell(b, r->scope >= 0 ? st_scope_names[r->scope] : "", 0);
		for (int k = 0; k < 8; k++)
			csv_num(b, nums[k], 0);
		csv_cell(b, r->method, 0);
		for (int k = 0; k < 8; k++)
			csv_num(b, conf[k], k == 7);
	}
}

static void jnum(json_w *w, const char *key, double v)
{
	char t[40];

	jw_key(w, key);
	if (isnan(v) || isinf(v)) {
		jw_null(w);
		return;
	}
	snprintf(t, sizeof t, "%.12g", v);
	jw_raw(w, t);
}

static void json_row(json_w *w, const st_row *r, unsigned f)
{
	const char *names[] = { "tp", "fp", "fn", "tn", "precision", "recall", "f1", "kappa" };
	const double conf[] = { r->tp, r->fp, r->fn, r->tn, r->precision, r->recall, r->f1, r->kappa };

	jw_obj(w);
	if (f & F_KEY) { jw_key(w, "key"); jw_str(w, r->key); }
	if (f & F_LABEL) { jw_key(w, "label"); jw_str(w, r->label); }
	if (f & F_GROUP) { jw_key(w, "group"); jw_str(w, r->group); }
	if (f & F_WEIGHTS) { jw_key(w, "weights"); jw_str(w, r->weights); }
	if (f & F_DIM) { jw_key(w, "dimension"); jw_str(w, st_dim_name(r->dim)); }
	if (f & F_SCOPE) { jw_key(w, "scope"); jw_str(w, st_scope_names[r->scope]); }
	if (f & F_N) jnum(w, "n", r->n);
	if (f & F_K) jnum(w, "k", r->k);
	if (f & F_RATE) jnum(w, "rate", r->rate);
	if (f & F_CI) { jnum(w, "lower", r->lower); jnum(w, "upper", r->upper); }
	if (f & F_STAT) jnum(w, "statistic", r->statistic);
	if (f & F_DF) jnum(w, "df", r->df);
	if (f & F_P) jnum(w, "p", r->p);
	if (f & F_METHOD) { jw_key(w, "method"); jw_str(w, r->method); }
	for (int k = 0; (f & F_CONF) && k < 8; k++)
		jnum(w, names[k], conf[k]);
	jw_obj_end(w);
}

static void render_json(out_buf *b, const st_data *d, const st_rows *rows)
{
	json_w w;

	jw_init(&w, b);
	jw_obj(&w);
	jw_key(&w, "source");
	jw_str(&w, d->flags ? "flags" : "labels");
	jnum(&w, "records", (double)d->n);
	jnum(&w, "skipped", (double)d->skipped);
	jnum(&w, "models", (double)d->models.n);
	jnum(&w, "prompts", (double)d->prompts.n);
	jw_key(&w, "tables");
	jw_obj(&w);
	for (size_t t = 0; t < NTABLES; t++) {
		int any = 0;
		for (size_t i = 0; i < rows->n && !any; i++)
			any = strcmp(rows->v[i].table, tables[t].name) == 0;
		if (!any)
			continue;
		jw_key(&w, tables[t].name);
		jw_arr(&w);
		for (size_t i = 0; i < rows->n; i++)
			if (strcmp(rows->v[i].table, tables[t].name) == 0)
				json_row(&w, &rows->v[i], tables[t].fields);
		jw_arr_end(&w);
	}
	jw_obj_end(&w);
	jw_obj_end(&w);
	ob_adds(b, "\n");
}

void st_render_text(out_buf *b, const st_data *d, const st_rows *rows);

void st_render(out_buf *b, st_format f, const st_data *d, const st_rows *rows)
{
	if (f == ST_CSV)
		render_csv(b, rows);
	else if (f == ST_JSON)
		render_json(b, d, rows);
	else
		st_render_text(b, d, rows);
}
