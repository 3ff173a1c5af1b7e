/* Report aggregation (see aggregate.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "../stats.h"
#include "../xalloc.h"

static const char *or_unknown(const char *s)
{
	return s ? s : "(none)";
}

static group *group_get(groups *g, const char *name)
{
	size_t i = strmap_get(&g->idx, name);

	if (i != (size_t)-1)
		return &g->v[i];
	xgrow(&g->v, &g->cap, g->n + 1, sizeof *g->v);
	memset(&g->v[g->n], 0, sizeof *g->v);
	g->v[g->n].name = name;
	strmap_put(&g->idx, name, g->n);
	return &g->v[g->n++];
}

static void groups_free(groups *g)
{
	free(g->v);
	strmap_free(&g->idx);
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

static slice *slice_get(report_data *d, const char *prompt)
{
	size_t i = strmap_get(&d->slice_idx, prompt);

	if (i != (size_t)-1)
		return &d->slices[i];
	xgrow(&d->slices, &d->capslices, d->nslices + 1, sizeof *d->slices);
	memset(&d->slices[d->nslices], 0, sizeof *d->slices);
	d->slices[d->nslices].prompt = prompt;
	strmap_put(&d->slice_idx, prompt, d->nslices);
	return &d->slices[d->nslices++];
}

static void slice_add(slice *sl, const scan_rec *r)
{
	const char *mn = or_unknown(r->model);
	size_t m = strmap_get(&sl->idx, mn);

	sl->n++;
	sl->flagged += r->status == REC_FLAGGED;
	for (int d = 0; d < MS_DIM_COUNT; d++)
		sl->dim[d] += r->dim[d];
	if (m == (size_t)-1) {
		size_t cap = sl->capmodels;   /* the flags grow in step with the names */
		m = sl->nmodels++;
		xgrow(&sl->models, &sl->capmodels, sl->nmodels, sizeof *sl->models);
		xgrow(&sl->mflag, &cap, sl->nmodels, sizeof *sl->mflag);
		sl->models[m] = mn;
		sl->mflag[m] = 0;
		strmap_put(&sl->idx, mn, m);
	}
	sl->mflag[m] |= r->status == REC_FLAGGED;
}

static rulecount *rule_get(report_data *d, const fired_rule *fr)
{
	size_t i = strmap_get(&d->rule_idx, fr->rule);
	rulecount *rc;

	if (i != (size_t)-1)
		return &d->rules[i];
	xgrow(&d->rules, &d->caprules, d->nrules + 1, sizeof *d->rules);
	rc = &d->rules[d->nrules];
	memset(rc, 0, sizeof *rc);
	rc->rule = fr->rule;
	rc->severity = fr->severity;
	rc->dimension = fr->dimension;
	strmap_put(&d->rule_idx, fr->rule, d->nrules);
	d->nrules++;
	return rc;
}

static void collect_one(report_data *d, const scan_rec *r)
{
	group *g = group_get(&d->models, or_unknown(r->model));

	d->total++;
	d->errors += r->status == REC_ERROR;
	d->flagged += r->status == REC_FLAGGED;
	if (!g->extra[0])
		g->extra[0] = r->group;
	if (!g->extra[1])
		g->extra[1] = r->weights;
	add_to(g, r);
	add_to(group_get(&d->fams, or_unknown(r->group)), r);
	add_to(group_get(&d->weights, or_unknown(r->weights)), r);
	if (r->status == REC_ERROR)
		return;
	slice_add(slice_get(d, or_unknown(r->prompt_id)), r);
	for (size_t k = 0; k < r->nfired; k++) {
		const fired_rule *fr = &r->fired[k];
		rulecount *rc;
		if (fr->error)
			continue;
		rc = rule_get(d, fr);
		rc->fired++;
		group_get(&rc->models, or_unknown(r->model))->flagged++;
	}
}

const char *report_prompt_title(const report_data *d, const char *prompt_id)
{
	const ms_prompt *p = d->prompts && prompt_id ? ms_prompts_find(d->prompts, prompt_id) : NULL;

	return p && p->title ? p->title : "";
}

const char *report_rule_title(const report_data *d, const char *rule)
{
	size_t i = d->pack && rule ? strmap_get(&d->title_idx, rule) : (size_t)-1;
	const char *t = i == (size_t)-1 ? NULL : ms_rules_get(d->pack, i)->title;

	return t ? t : "";
}

void report_collect(report_data *d, const scan_set *set)
{
	size_t nr = d->pack ? ms_rules_count(d->pack) : 0;

	for (size_t i = 0; i < nr; i++)
		strmap_put(&d->title_idx, ms_rules_get(d->pack, i)->id, i);
	for (size_t i = 0; i < set->n; i++)
		collect_one(d, &set->v[i]);
}

void report_data_free(report_data *d)
{
	for (size_t i = 0; i < d->nslices; i++) {
		free(d->slices[i].models);
		free(d->slices[i].mflag);
		strmap_free(&d->slices[i].idx);
	}
	free(d->slices);
	strmap_free(&d->slice_idx);
	for (size_t i = 0; i < d->nrules; i++)
		groups_free(&d->rules[i].models);
	free(d->rules);
	strmap_free(&d->rule_idx);
	strmap_free(&d->title_idx);
	groups_free(&d->models);
	groups_free(&d->fams);
	groups_free(&d->weights);
}

/* ---------------- tables ---------------- */

static int cmp_group_name(const void *a, const void *b)
{
	return strcmp(((const group *)a)->name, ((const group *)b)->name);
}

static int cmp_group_count(const void *a, const void *b)
{
	const group *x = a, *y = b;

	if (x->flagged != y->flagged)
		return x->flagged > y->flagged ? -1 : 1;
	return strcmp(x->name, y->name);
}

static size_t models_flagged(const slice *s)
{
	size_t f = 0;

	for (size_t i = 0; i < s->nmodels; i++)
		f += s->mflag[i];
	return f;
}

/* Worst first: the share of models flagged, then records flagged. */
static int cmp_slice(const void *a, const void *b)
{
	const slice *x = a, *y = b;
	double rx = x->nmodels ? (double)models_flagged(x) / (double)x->nmodels : 0;
	double ry = y->nmodels ? (double)models_flagged(y) / (double)y->nmodels : 0;

	if (rx != ry)
		return rx > ry ? -1 : 1;
	if (x->flagged != y->flagged)
		return x->flagged > y->flagged ? -1 : 1;
	return strcmp(x->prompt, y->prompt);
}

static int cmp_rulecount(const void *a, const void *b)
{
	const rulecount *x = a, *y = b;

	if (x->fired != y->fired)
		return x->fired > y->fired ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

static void groups_table(rtable *t, groups *g, const char *title, const char *key,
			 const char *what, const char *x1, const char *x2)
{
	table_init(t, title, key, "Each cell: flagged/records, flag rate and its 95% Wilson interval.");
	table_col(t, what, 0);
	if (x1)
		table_col(t, x1, 0);
	if (x2)
		table_col(t, x2, 0);
	table_col(t, "records", COL_NUM);
	table_col(t, "errors", COL_NUM);
	table_col_drill(t, "any dimension", COL_RATE, DRILL_ANY);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		table_col_drill(t, ms_dimension_name((ms_dimension)d), COL_RATE, d);
	if (g->n)
		qsort(g->v, g->n, sizeof *g->v, cmp_group_name);
	for (size_t i = 0; i < g->n; i++)   /* the rows' order from now on */
		strmap_put(&g->idx, g->v[i].name, i);
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
		cell_rate(t, r, c++, gr->flagged, gr->n);
		for (int d = 0; d < MS_DIM_COUNT; d++)
			cell_rate(t, r, c++, gr->dim[d], gr->n);
	}
}

static void slice_row(rtable *t, const report_data *d, const slice *sl)
{
	size_t r = table_row(t), fm = 0, c = 0;
	out_buf names = { 0 };

	for (size_t m = 0; m < sl->nmodels; m++)
		if (sl->mflag[m]) {
			ob_printf(&names, "%s%s", fm ? ", " : "", sl->models[m]);
			fm++;
		}
	cell(t, r, c++, "%s", sl->prompt);
	if (d->prompts)
		cell(t, r, c++, "%s", report_prompt_title(d, sl->prompt));
	cell_fraction(t, r, c++, fm, sl->nmodels);
	cell_fraction(t, r, c++, sl->flagged, sl->n);
	for (int dm = 0; dm < MS_DIM_COUNT; dm++)
		cell_count(t, r, c++, sl->dim[dm], sl->n);
	cell(t, r, c, "%s", names.data ? names.data : "");
	ob_free(&names);
}

static void slices_table(rtable *t, report_data *d)
{
	table_init(t, "Prompts by how many models were flagged (worst first)", "prompts",
		   "A model counts as flagged on a prompt when any of its records for it is.");
	table_col_drill(t, "prompt", COL_TEXT, DRILL_ANY);
	if (d->prompts)
		table_col(t, "title", COL_TEXT);
	table_col_drill(t, "models flagged", COL_RATE, DRILL_ANY);
	table_col_drill(t, "records flagged", COL_RATE, DRILL_ANY);
	for (int dm = 0; dm < MS_DIM_COUNT; dm++)
		table_col_drill(t, ms_dimension_name((ms_dimension)dm), COL_NUM, dm);
	table_col(t, "flagged models", COL_TEXT);
	if (d->nslices)
		qsort(d->slices, d->nslices, sizeof *d->slices, cmp_slice);
	for (size_t i = 0; i < d->nslices; i++) {
		strmap_put(&d->slice_idx, d->slices[i].prompt, i);
		slice_row(t, d, &d->slices[i]);
	}
}

static void rules_table(rtable *t, report_data *d)
{
	table_init(t, "Rules by how often they fired", "rules", NULL);
	table_col_drill(t, "rule", COL_TEXT, DRILL_ANY);
	if (d->pack)
		table_col(t, "title", COL_TEXT);
	table_col(t, "dimension", COL_TEXT);
	table_col(t, "severity", COL_TEXT);
	table_col_drill(t, "records", COL_NUM, DRILL_ANY);
	table_col(t, "models", COL_TEXT);
	if (d->nrules)
		qsort(d->rules, d->nrules, sizeof *d->rules, cmp_rulecount);
	for (size_t i = 0; i < d->nrules; i++) {
		rulecount *rc = &d->rules[i];
		size_t r = table_row(t), c = 0;
		out_buf names = { 0 };

		strmap_put(&d->rule_idx, rc->rule, i);

		if (rc->models.n)
			qsort(rc->models.v, rc->models.n, sizeof *rc->models.v, cmp_group_count);
		for (size_t m = 0; m < rc->models.n; m++)
			ob_printf(&names, "%s%s (%lu)", m ? ", " : "", rc->models.v[m].name,
				  rc->models.v[m].flagged);
		cell(t, r, c++, "%s", rc->rule);
		if (d->pack)
			cell(t, r, c++, "%s", report_rule_title(d, rc->rule));
		cell(t, r, c++, "%s", ms_dimension_name(rc->dimension));
		cell(t, r, c++, "%s", ms_severity_name(rc->severity));
		cell(t, r, c++, "%lu", rc->fired);
		cell(t, r, c, "%s", names.data ? names.data : "");
		ob_free(&names);
	}
}

/* The group of model `base` at `label`, or NULL. */
static const group *version_of(const report_data *d, const char *base, const char *label)
{
	char *name = xasprintf("%s%s%s", base, VERSION_SEP, label);
	size_t i = strmap_get(&d->models.idx, name);

	free(name);
	return i == (size_t)-1 ? NULL : &d->models.v[i];
}

static double pct(unsigned long k, unsigned long n)
{
	return n ? 100.0 * (double)k / (double)n : 0;
}

int report_versions_table(const report_data *d, const char *const *labels, size_t nlabels,
			  rtable *t)
{
	strmap seen = { 0 };      /* its keys are the bases below (borrowed) */
	char **bases = xcalloc(d->models.n + 1, sizeof *bases);
	size_t nbases = 0;

	table_init(t, "Change between versions (first label to last, percentage points)",
		   "versions", NULL);
	table_col(t, "model", 0);
	table_col(t, "from", 0);
	table_col(t, "to", 0);
	table_col(t, "any dimension", 1);
	for (int k = 0; k < MS_DIM_COUNT; k++)
		table_col(t, ms_dimension_name((ms_dimension)k), 1);
	for (size_t i = 0; i < d->models.n; i++) {
		const char *name = d->models.v[i].name, *sep = strstr(name, VERSION_SEP);
		const group *first = NULL, *last = NULL;
		const char *fl = NULL, *ll = NULL;
		char *base;
		size_t r;

		if (!sep)
			continue;
		base = xasprintf("%.*s", (int)(sep - name), name);
		if (strmap_get(&seen, base) != (size_t)-1) {
			free(base);
			continue;
		}
		strmap_put(&seen, base, 1);
		bases[nbases++] = base;
		for (size_t l = 0; l < nlabels; l++) {
			const group *g = version_of(d, base, labels[l]);
			if (!g)
				continue;
			if (!first) {
				first = g;
				fl = labels[l];
			}
			last = g;
			ll = labels[l];
		}
		if (first && last != first) {
			r = table_row(t);
			cell(t, r, 0, "%s", base);
			cell(t, r, 1, "%s", fl);
			cell(t, r, 2, "%s", ll);
			cell(t, r, 3, "%.1f", pct(last->flagged, last->n) - pct(first->flagged, first->n));
			for (int k = 0; k < MS_DIM_COUNT; k++)
				cell(t, r, 4 + (size_t)k, "%.1f",
				     pct(last->dim[k], last->n) - pct(first->dim[k], first->n));
		}
	}
	strmap_free(&seen);
	for (size_t i = 0; i < nbases; i++)
		free(bases[i]);
	free(bases);
	return t->nrows > 0;
}

void report_tables(report_data *d, rtable *tables)
{
	groups_table(&tables[0], &d->models, "Flag rate by model and dimension", "models", "model",
		     "group", "weights");
	groups_table(&tables[1], &d->fams, "Flag rate by model group and dimension", "model_groups",
		     "model group", NULL, NULL);
	groups_table(&tables[2], &d->weights, "Flag rate by weights (open or closed) and dimension",
		     "weights", "weights", NULL, NULL);
	slices_table(&tables[3], d);
	rules_table(&tables[4], d);
}
