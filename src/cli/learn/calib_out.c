/* calibrate's report: the cross-validation figures as tables (text) or as
 * one JSON object, which the weights file also carries. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "../xalloc.h"
#include "../report/table.h"

static json_object *num(double v, int decimals)
{
	char s[48];

	if (isnan(v) || isinf(v))
		return NULL;
	snprintf(s, sizeof s, "%.*f", decimals, v);
	return json_object_new_double_s(v, s);
}

static json_object *ci(const lci *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "value", num(c->v, 4));
	json_object_object_add(o, "lo", num(c->lo, 4));
	json_object_object_add(o, "hi", num(c->hi, 4));
	return o;
}

static json_object *metric(const lci *fitted, const lci *fixed, const lci *diff)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "fitted", ci(fitted));
	json_object_object_add(o, "fixed", ci(fixed));
	json_object_object_add(o, "difference", ci(diff));
	return o;
}

json_object *calib_cv_json(const calib_result *r, const calib_opts *o)
{
	json_object *cv = json_object_new_object(), *ts = json_object_new_object();

	json_object_object_add(cv, "folds", json_object_new_int64(o->folds));
	json_object_object_add(cv, "seed", json_object_new_int64((int64_t)o->seed));
	json_object_object_add(cv, "bootstrap", json_object_new_int64(o->boot));
	json_object_object_add(cv, "interval",
			       json_object_new_string("95% percentile bootstrap of the records, "
						      "paired, out-of-fold predictions held fixed"));
	json_object_object_add(cv, "fixed_score",
			       json_object_new_string("severity sum: of the dimension's findings "
						      "per dimension, the record's score overall"));
	for (int k = 0; k < L_TARGETS; k++) {
		int t = k == 0 ? L_OVERALL : k - 1;
		const lcompare *c = &r->cmp[t];
		json_object *x;
		if (!r->done[t])
			continue;
		x = json_object_new_object();
		json_object_object_add(x, "n", json_object_new_int64((int64_t)c->n));
		json_object_object_add(x, "positives", json_object_new_int64((int64_t)c->positives));
		json_object_object_add(x, "auroc", metric(&c->auc[0], &c->auc[1], &c->dauc));
		json_object_object_add(x, "average_precision", metric(&c->ap[0], &c->ap[1], &c->dap));
		json_object_object_add(x, "lift_top_fifth",
				       metric(&c->lift[0], &c->lift[1], &c->dlift));
		json_object_object_add(ts, l_target_name(t), x);
	}
	json_object_object_add(cv, "targets", ts);
	return cv;
}

/* Three decimals, "-" when undefined, no "-0.000". */
static void num_cell(rtable *tb, size_t row, size_t col, double v)
{
	if (isnan(v))
		cell(tb, row, col, "-");
	else
		cell(tb, row, col, "%.3f", fabs(v) < 0.0005 ? 0.0 : v);
}

static void ci_cells(rtable *tb, size_t row, size_t col, const lci *c)
{
	num_cell(tb, row, col, c->v);
	num_cell(tb, row, col + 1, c->lo);
	num_cell(tb, row, col + 2, c->hi);
}

static void metric_table(rtable *tb, const calib_result *r, const char *title, const char *key,
			 const char *name, int which)
{
	static const char *const part[] = { "fitted", "fixed", "diff" };
	char *cols[9];   /* the table borrows them; calib_render frees them */

	table_init(tb, title, key, NULL);
	table_col(tb, "target", 0);
	table_col(tb, "n", 1);
	table_col(tb, "positives", 1);
	for (int j = 0; j < 9; j++) {
		cols[j] = xasprintf("%s_%s%s", name, part[j / 3],
				    j % 3 == 0 ? "" : j % 3 == 1 ? "_lo" : "_hi");
		table_col(tb, cols[j], 1);
	}
	for (int k = 0; k < L_TARGETS; k++) {
		int t = k == 0 ? L_OVERALL : k - 1;
		const lcompare *c = &r->cmp[t];
		const lci *v[3];
		size_t row;
		if (!r->done[t])
			continue;
		v[0] = which == 0 ? &c->auc[0] : which == 1 ? &c->ap[0] : &c->lift[0];
		v[1] = which == 0 ? &c->auc[1] : which == 1 ? &c->ap[1] : &c->lift[1];
		v[2] = which == 0 ? &c->dauc : which == 1 ? &c->dap : &c->dlift;
		row = table_row(tb);
		cell(tb, row, 0, "%s", l_target_name(t));
		cell(tb, row, 1, "%zu", c->n);
		cell(tb, row, 2, "%zu", c->positives);
		for (int j = 0; j < 3; j++)
			ci_cells(tb, row, 3 + 3 * (size_t)j, v[j]);
	}
}

void calib_render(out_buf *b, const lset *s, size_t labelled, const calib_result *r,
		  const calib_opts *o)
{
	rtable tb[3];
	report_doc d = { 0 };
	char *summary, *prov;

	if (o->json) {
		json_object *doc = json_object_new_object();
		json_object_object_add(doc, "records", json_object_new_int64((int64_t)s->n));
		json_object_object_add(doc, "labelled", json_object_new_int64((int64_t)labelled));
		json_object_object_add(doc, "features", json_object_new_int64((int64_t)r->m.v.n));
		json_object_object_add(doc, "lambda", num(o->lambda, 6));
		json_object_object_add(doc, "medscreen_version",
				       json_object_new_string(ms_version()));
		json_object_object_add(doc, "rules_fingerprint",
				       json_object_new_string(s->fingerprint));
		json_object_object_add(doc, "cv", calib_cv_json(r, o));
		ob_adds(b, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
		ob_add(b, "\n", 1);
		json_object_put(doc);
		return;
	}
	metric_table(&tb[0], r, "AUROC, out of fold (fitted) against the fixed severity score",
		     "auroc", "auroc", 0);
	metric_table(&tb[1], r, "Average precision", "average_precision", "ap", 1);
	metric_table(&tb[2], r, "Lift of the top fifth", "lift", "lift", 2);
	summary = xasprintf("%zu records, %zu labelled; %zu features; lambda %g; %u-fold "
			    "stratified cross-validation (seed %lu)",
			    s->n, labelled, r->m.v.n, o->lambda, o->folds, o->seed);
	prov = xasprintf("Intervals: 95%% percentile bootstrap of the records (%u resamples, "
			 "paired); fixed score: the dimension's severity sum (overall: the "
			 "record's score).  medscreen %s, rules %.12s",
			 o->boot, ms_version(), s->fingerprint);
	d.tables = tb;
	d.ntables = 3;
	d.summary = summary;
	d.provenance = prov;
	render_report(b, R_TEXT, &d);
	for (int i = 0; i < 3; i++) {
		for (int j = 0; j < 9; j++)
			free((char *)tb[i].cols[3 + j]);
		table_free(&tb[i]);
	}
	free(summary);
	free(prov);
}
