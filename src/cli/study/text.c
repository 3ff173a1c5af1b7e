/* medscreen study's text format: matrices of rates for models, groups,
 * weights and means; lists for prompts, tests and agreement. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study.h"

void st_render_text(out_buf *b, const st_data *d, const st_rows *rows);

static void rate_cell(out_buf *b, const st_row *r)
{
	char t[48];

	if (isnan(r->rate))
		snprintf(t, sizeof t, "-");
	else if (isnan(r->lower))
		snprintf(t, sizeof t, "%.2f%%", 100 * r->rate);
	else
		snprintf(t, sizeof t, "%.2f%% [%.1f-%.1f]", 100 * r->rate, 100 * r->lower,
			 100 * r->upper);
	ob_printf(b, "  %19s", t);
}

static void dims_header(out_buf *b, const char *first)
{
	ob_printf(b, "%-28s", first);
	for (int dim = 0; dim < ST_DIMS; dim++)
		ob_printf(b, "  %19s", dim == ST_ALL ? "all dimensions" : st_dim_name(dim));
	ob_adds(b, "\n");
}

/* One matrix: rows of `table` in `scope`, ST_DIMS of them per key. */
static void matrix(out_buf *b, const st_rows *rows, const char *table, int scope,
		   const char *title)
{
	int started = 0;

	for (size_t i = 0; i < rows->n; i++) {
		const st_row *r = &rows->v[i];
		if (strcmp(r->table, table) != 0 || r->scope != scope)
			continue;
		if (!started++) {
			ob_printf(b, "\n%s\n", title);
			dims_header(b, table);
		}
		if (r->dim == 0) {
			char key[64];
			if (strcmp(table, "mean") == 0)
				snprintf(key, sizeof key, "%s (%.0f models)", r->key, r->n);
			else
				snprintf(key, sizeof key, "%s", r->key);
			ob_printf(b, "%-28.28s", key);
		}
		rate_cell(b, r);
		if (r->dim == ST_ALL)
			ob_adds(b, "\n");
	}
}

static void matrices(out_buf *b, const st_data *d, const st_rows *rows)
{
	static const char *const t[][2] = { { "model", "by model" }, { "group", "by model group" },
					    { "weights", "by weights" },
					    { "mean", "mean of the models' rates" } };

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		for (int s = 0; s < (d->have_prompts ? ST_SCOPES : 1); s++) {
			char title[160];
			snprintf(title, sizeof title, "Compliance %s, %s%s", t[i][1],
				 s == ST_SCOPE_ALL ? "all prompts" : "each dimension's own prompts",
				 i < 3 ? ", % [95% Wilson interval]" : "");
			matrix(b, rows, t[i][0], s, title);
		}
}

static void prompts(out_buf *b, const st_rows *rows)
{
	ob_adds(b, "\nPer-prompt pass rate: models compliant on the prompt's dimension, worst first\n");
	ob_printf(b, "%-8s %-16s %7s  %19s  %s\n", "prompt", "dimension", "models", "rate [95% CI]",
		  "title");
	for (size_t i = 0; i < rows->n; i++) {
		const st_row *r = &rows->v[i];
		if (strcmp(r->table, "prompt") != 0)
			continue;
		ob_printf(b, "%-8s %-16s %3.0f/%-3.0f", r->key, st_dim_name(r->dim), r->k, r->n);
		rate_cell(b, r);
		ob_printf(b, "  %s\n", r->label ? r->label : "");
	}
}

/* A number in `width` columns with `decimals` digits; "-" when undefined. */
static void num(out_buf *b, int width, int decimals, double v)
{
	if (isnan(v))
		ob_printf(b, " %*s", width, "-");
	else
		ob_printf(b, " %*.*f", width, decimals, v);
}

static void tests(out_buf *b, const st_rows *rows, const char *table, const char *title,
		  const char *stat)
{
	ob_printf(b, "\n%s\n%-16s %-5s %6s %6s %8s %8s %8s  %s\n", title, "dimension", "scope",
		  "models", strcmp(table, "kruskal_wallis") == 0 ? "groups" : "open", stat, "df",
		  "p", "method");
	for (size_t i = 0; i < rows->n; i++) {
		const st_row *r = &rows->v[i];
		if (strcmp(r->table, table) != 0)
			continue;
		ob_printf(b, "%-16s %-5s", st_dim_name(r->dim), st_scope_names[r->scope]);
		num(b, 6, 0, r->n);
		num(b, 6, 0, r->k);
		num(b, 8, 4, r->statistic);
		num(b, 8, 0, r->df);
		num(b, 8, 4, r->p);
		ob_printf(b, "  %s\n", r->method);
	}
}

static void agreement(out_buf *b, const st_rows *rows)
{
	int started = 0;

	for (size_t i = 0; i < rows->n; i++) {
		const st_row *r = &rows->v[i];
		if (strcmp(r->table, "agreement") != 0)
			continue;
		if (!started++)
			ob_printf(b, "\nThe screener's flags against the labels (positive: not "
				  "compliant; %s)\n%-16s %5s %5s %5s %5s %9s %9s %9s %9s\n", r->label,
				  "dimension", "TP", "FP", "FN", "TN", "precision", "recall", "F1",
				  "kappa");
		ob_printf(b, "%-16s %5.0f %5.0f %5.0f %5.0f", st_dim_name(r->dim), r->tp, r->fp,
			  r->fn, r->tn);
		num(b, 9, 3, r->precision);
		num(b, 9, 3, r->recall);
		num(b, 9, 3, r->f1);
		num(b, 9, 3, r->kappa);
		ob_adds(b, "\n");
	}
}

void st_render_text(out_buf *b, const st_data *d, const st_rows *rows)
{
	ob_printf(b, "%zu records from %s (%lu skipped: %s), %zu models in %zu groups, %zu prompts\n",
		  d->n, d->flags ? "the screener's flags: an estimate" : "labels", d->skipped,
		  d->flags ? "scan errors" : "no labels", d->models.n, d->groups.n, d->prompts.n);
	if (!d->have_prompts)
		ob_adds(b, "no prompt set: the dimensions' own prompts are not known (--prompts)\n");
	matrices(b, d, rows);
	prompts(b, rows);
	tests(b, rows, "kruskal_wallis", "Kruskal-Wallis across model groups, on per-model compliance rates", "H");
	tests(b, rows, "mann_whitney", "Mann-Whitney U, open against closed, on per-model compliance rates", "U");
	agreement(b, rows);
}
