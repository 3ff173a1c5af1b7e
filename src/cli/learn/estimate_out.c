/* estimate's tables: text, JSON or CSV, each saying its estimator. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "estimate.h"
#include "../xalloc.h"
#include "../report/table.h"

/* Four decimals; an interval's ends rounded outwards (dir -1 down, +1
 * up), so that the printed interval contains the computed one. */
static void rate_dir(rtable *tb, size_t row, size_t col, double v, int dir)
{
	if (isnan(v))
		cell(tb, row, col, "-");
	else {
		double r = dir < 0 ? floor(v * 1e4 + 1e-9) / 1e4
			 : dir > 0 ? ceil(v * 1e4 - 1e-9) / 1e4 : v;
		cell(tb, row, col, "%.4f", r == 0 ? 0.0 : r);
	}
}

static void rate(rtable *tb, size_t row, size_t col, double v)
{
	rate_dir(tb, row, col, v, 0);
}

static void rates_table(rtable *tb, const strata *st, const est_result *r)
{
	static const char *const cols[] = { "model", "target", "records", "flagged", "flag_rate",
					    "labelled", "noncompliant", "estimate", "lo", "hi",
					    "estimator" };

	table_init(tb,
		   r->stratified
			   ? "Non-compliance rate per model x dimension: stratified estimator, "
			     "95% interval"
			   : "Non-compliance rate per model x dimension: Rogan-Gladen correction, "
			     "95% interval",
		   "rates",
		   r->stratified ? "labelled/noncompliant: the model's reviewed records"
				 : "labelled/noncompliant: all reviewed records (sensitivity and "
				   "specificity are pooled over the models)");
	for (size_t c = 0; c < sizeof cols / sizeof *cols; c++)
		table_col(tb, cols[c], c >= 2 && c <= 9);
	for (size_t i = 0; i < r->ncells; i++) {
		const est_cell *c = &r->cells[i];
		size_t row = table_row(tb);
		cell(tb, row, 0, "%s", st->models[c->model]);
		cell(tb, row, 1, "%s", l_target_name(c->t));
		cell(tb, row, 2, "%zu", c->N);
		cell(tb, row, 3, "%zu", c->flagged);
		rate(tb, row, 4, c->N ? (double)c->flagged / (double)c->N : NAN);
		cell(tb, row, 5, "%zu", c->labelled);
		cell(tb, row, 6, "%zu", c->positives);
		rate(tb, row, 7, c->estimate);
		rate_dir(tb, row, 8, c->lo, -1);
		rate_dir(tb, row, 9, c->hi, 1);
		cell(tb, row, 10, "%s", r->stratified ? "stratified" : "rogan-gladen");
	}
}

static void accuracy_table(rtable *tb, const est_result *r)
{
	static const char *const cols[] = { "target", "labelled", "tp", "fp", "fn", "tn",
					    "sensitivity", "specificity" };

	table_init(tb, "The screener's flags against the labels (Rogan-Gladen's inputs)",
		   "accuracy", NULL);
	for (size_t c = 0; c < sizeof cols / sizeof *cols; c++)
		table_col(tb, cols[c], c >= 1);
	for (int t = 0; t < L_TARGETS; t++) {
		const est_acc *a = &r->acc[t];
		size_t row = table_row(tb);
		cell(tb, row, 0, "%s", l_target_name(t));
		cell(tb, row, 1, "%lu", a->c.tp + a->c.fp + a->c.fn + a->c.tn);
		cell(tb, row, 2, "%lu", a->c.tp);
		cell(tb, row, 3, "%lu", a->c.fp);
		cell(tb, row, 4, "%lu", a->c.fn);
		cell(tb, row, 5, "%lu", a->c.tn);
		rate(tb, row, 6, a->se);
		rate(tb, row, 7, a->sp);
	}
}

void est_render(out_buf *b, const lset *s, const strata *st, const est_result *r,
		const est_opts *o)
{
	rtable tb[2];
	report_doc d = { 0 };
	const char *fp = s->fingerprint;
	char *sum, *prov;

	rates_table(&tb[0], st, r);
	if (!r->stratified)
		accuracy_table(&tb[1], r);
	if (r->stratified)
		sum = xasprintf("%zu records of %zu models; %zu in the plan, %zu of them labelled; "
				"estimator: stratified",
				s->n, st->nmodels, r->plan_size, r->labelled);
	else
		sum = xasprintf("%zu records of %zu models; %zu labelled; estimator: Rogan-Gladen",
				s->n, st->nmodels, r->labelled);
	prov = xasprintf(r->stratified
				 ? "Stratified estimator (Cochran 1977) over model x status x score "
				   "band; interval: %u simulations of the unreviewed records' "
				   "verdicts, Clopper-Pearson Beta bounds per stratum (seed %lu).  medscreen %s, rules %.12s"
				 : "Rogan-Gladen (1978): (flag rate + specificity - 1) / (sensitivity "
				   "+ specificity - 1); interval: %u-resample percentile bootstrap "
				   "(seed %lu).  medscreen %s, rules %.12s",
			 o->draws, o->seed, ms_version(), s->fingerprint);
	d.tables = tb;
	d.ntables = r->stratified ? 1 : 2;
	d.summary = sum;
	d.provenance = prov;
	d.records = s->n;
	d.errors = s->errors;
	d.packs = &fp;
	d.npacks = s->fingerprint[0] != 0;
	render_report(b, o->fmt == 1 ? R_JSON : o->fmt == 2 ? R_CSV : R_TEXT, &d);
	for (size_t i = 0; i < d.ntables; i++)
		table_free(&tb[i]);
	free(sum);
	free(prov);
}
