/* medscreen eval's renderers: text tables and JSON. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "../out/json.h"
#include "../xalloc.h"

static void fmt_num(char *buf, size_t n, double v)
{
	if (isnan(v))
		snprintf(buf, n, "%s", "-");
	else
		snprintf(buf, n, "%.3f", v);
}

static void fmt_ci(char *buf, size_t n, double v, stats_interval iv)
{
	if (isnan(v) || isnan(iv.lo))
		snprintf(buf, n, "%s", "-");
	else
		snprintf(buf, n, "%.3f [%.3f,%.3f]", v, iv.lo, iv.hi);
}

#define ROW_FMT "%-22s %6s %6s %6s %6s  %-19s  %-19s %6s %6s\n"

static void text_header(out_buf *b, const char *what)
{
	ob_printf(b, ROW_FMT, what, "TP", "FP", "FN", "TN", "precision [95% CI]", "recall [95% CI]", "F1",
	       "kappa");
}

static void text_row(out_buf *b, const char *name, const stats_confusion *c)
{
	stats_agreement m = stats_agree(c);
	char p[48], r[48], f[16], k[16], n[4][24];

	fmt_ci(p, sizeof p, m.precision, m.precision_ci);
	fmt_ci(r, sizeof r, m.recall, m.recall_ci);
	fmt_num(f, sizeof f, m.f1);
	fmt_num(k, sizeof k, m.kappa);
	snprintf(n[0], sizeof n[0], "%lu", c->tp);
	snprintf(n[1], sizeof n[1], "%lu", c->fp);
	snprintf(n[2], sizeof n[2], "%lu", c->fn);
	snprintf(n[3], sizeof n[3], "%lu", c->tn);
	ob_printf(b, ROW_FMT, name, n[0], n[1], n[2], n[3], p, r, f, k);
}

static void json_num(json_w *w, const char *key, double v)
{
	jw_key(w, key);
	jw_fixed(w, v, 4);
}

static void json_ci(json_w *w, const char *key, stats_interval iv)
{
	jw_key(w, key);
	if (isnan(iv.lo)) {
		jw_null(w);
		return;
	}
	jw_arr(w);
	jw_fixed(w, iv.lo, 4);
	jw_fixed(w, iv.hi, 4);
	jw_arr_end(w);
}

/* An evidence object {"start":..,"end":..,"text":..}, as far as it is one. */
static void json_evidence(json_w *w, json_object *ev)
{
	json_object *x = NULL;

	jw_obj(w);
	if (json_object_object_get_ex(ev, "start", &x) && json_object_is_type(x, json_type_int)) {
		jw_key(w, "start");
		jw_int(w, (long long)json_object_get_int64(x));
	}
	if (json_object_object_get_ex(ev, "end", &x) && json_object_is_type(x, json_type_int)) {
		jw_key(w, "end");
		jw_int(w, (long long)json_object_get_int64(x));
	}
	if (json_object_object_get_ex(ev, "text", &x) && json_object_is_type(x, json_type_string)) {
		jw_key(w, "text");
		jw_strn(w, json_object_get_string(x), (size_t)json_object_get_string_len(x));
	}
	jw_obj_end(w);
}

/* The first evidence span of a finding, or NULL. */
static json_object *first_evidence(json_object *finding)
{
	json_object *ev = NULL;

	if (!json_object_object_get_ex(finding, "evidence", &ev) || !ev ||
	    !json_object_is_type(ev, json_type_array) || json_object_array_length(ev) == 0)
		return NULL;
	ev = json_object_array_get_idx(ev, 0);
	return ev && json_object_is_type(ev, json_type_object) ? ev : NULL;
}

/* Call fn for each finding of dimension dn in a findings array. */
static void each_finding(json_object *findings, const char *dn,
			 void (*fn)(json_object *f, const char *rule, void *ud), void *ud)
{
	size_t n;

	if (!findings || !json_object_is_type(findings, json_type_array))
		return;
	n = json_object_array_length(findings);
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i), *x = NULL, *r = NULL;

		if (!f || !json_object_is_type(f, json_type_object) ||
		    !json_object_object_get_ex(f, "dimension", &x) || !x ||
		    !json_object_is_type(x, json_type_string) ||
		    strcmp(json_object_get_string(x), dn) != 0 ||
		    !json_object_object_get_ex(f, "rule", &r) || !r ||
		    !json_object_is_type(r, json_type_string))
			continue;
		fn(f, json_object_get_string(r), ud);
	}
}

typedef struct rule_cb {
	out_buf *b;
	json_w *w;
	int n;
} rule_cb;

static void json_rule(json_object *f, const char *rule, void *ud)
{
	rule_cb *c = ud;
	json_object *ev = first_evidence(f);

	jw_obj(c->w);
	jw_key(c->w, "rule");
	jw_str(c->w, rule);
	if (ev) {
		jw_key(c->w, "evidence");
		json_evidence(c->w, ev);
	}
	jw_obj_end(c->w);
}

static void json_error(json_w *w, const errent *x, const char *dn)
{
	jw_obj(w);
	jw_key(w, "type");
	jw_str(w, x->fp ? "fp" : "fn");
	jw_key(w, "id");
	jw_value(w, x->id);
	jw_key(w, "file");
	jw_str(w, shown_path(x->file));
	jw_key(w, "line");
	jw_uint(w, x->line);
	if (x->fp && dn) {
		rule_cb c = { NULL, w, 0 };
		jw_key(w, "rules");
		jw_arr(w);
		each_finding(x->ev, dn, json_rule, &c);
		jw_arr_end(w);
	} else if (x->fp && x->ev && json_object_is_type(x->ev, json_type_object)) {
		jw_key(w, "evidence");
		json_evidence(w, x->ev);
	}
	jw_obj_end(w);
}

/* One table row; dn names the dimension (NULL for a signal), and errs
 * are listed when --errors kept them. */
static void json_row(json_w *w, const char *name, const stats_confusion *c, const errlist *errs,
		     const char *dn)
{
	stats_agreement m = stats_agree(c);

	jw_obj(w);
	jw_key(w, "name");
	jw_str(w, name);
	jw_key(w, "tp");
	jw_uint(w, c->tp);
	jw_key(w, "fp");
	jw_uint(w, c->fp);
	jw_key(w, "fn");
	jw_uint(w, c->fn);
	jw_key(w, "tn");
	jw_uint(w, c->tn);
	json_num(w, "precision", m.precision);
	json_ci(w, "precision_ci", m.precision_ci);
	json_num(w, "recall", m.recall);
	json_ci(w, "recall_ci", m.recall_ci);
	json_num(w, "f1", m.f1);
	json_num(w, "kappa", m.kappa);
	if (errs) {
		jw_key(w, "errors");
		jw_arr(w);
		for (size_t i = 0; i < errs->n; i++)
			json_error(w, &errs->v[i], dn);
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

/* Text: "  FP  id  file:line  evidence" per error. */
static void text_quoted(out_buf *b, json_object *ev)
{
	json_object *x = NULL;

	if (ev && json_object_object_get_ex(ev, "text", &x) && x &&
	    json_object_is_type(x, json_type_string)) {
		ob_add(b, "\"", 1);
		ob_safe_text(b, json_object_get_string(x), (size_t)json_object_get_string_len(x), 1);
		ob_add(b, "\"", 1);
	}
}

static void text_rule(json_object *f, const char *rule, void *ud)
{
	rule_cb *c = ud;
	json_object *ev = first_evidence(f);

	if (c->n++)
		ob_adds(c->b, "; ");
	ob_safe_text(c->b, rule, strlen(rule), 1);
	if (ev) {
		ob_add(c->b, " ", 1);
		text_quoted(c->b, ev);
	}
}

static void text_errors(out_buf *b, const char *what, const char *name, const errlist *l,
			const char *dn)
{
	size_t nfp = 0;

	if (!l->n)
		return;
	for (size_t i = 0; i < l->n; i++)
		nfp += l->v[i].fp;
	ob_printf(b, "%s %s: %zu false positive%s, %zu false negative%s\n", what, name, nfp,
		  nfp == 1 ? "" : "s", l->n - nfp, l->n - nfp == 1 ? "" : "s");
	for (size_t i = 0; i < l->n; i++) {
		const errent *x = &l->v[i];
		const char *id = x->id ? json_object_get_string(x->id) : "(no id)";

		ob_adds(b, x->fp ? "  FP  " : "  FN  ");
		ob_safe_text(b, id, strlen(id), 1);
		ob_printf(b, "  %s:%lu", shown_path(x->file), x->line);
		if (x->fp && dn) {
			rule_cb c = { b, NULL, 0 };
			ob_adds(b, "  ");
			each_finding(x->ev, dn, text_rule, &c);
		} else if (x->fp && x->ev && json_object_is_type(x->ev, json_type_object)) {
			json_object *s = NULL, *en = NULL;
			ob_adds(b, "  ");
			if (json_object_object_get_ex(x->ev, "start", &s) &&
			    json_object_object_get_ex(x->ev, "end", &en) && s && en)
				ob_printf(b, "%lld-%lld ", (long long)json_object_get_int64(s),
					  (long long)json_object_get_int64(en));
			text_quoted(b, x->ev);
		}
		while (b->len && b->data[b->len - 1] == ' ')
			b->len--;
		ob_add(b, "\n", 1);
	}
}

/* Mean F1 over the rows where it is defined. */
static double macro_f1_dims(const evalstate *e)
{
	double f1[MS_DIM_COUNT];

	for (int d = 0; d < MS_DIM_COUNT; d++)
		f1[d] = stats_agree(&e->dim[d]).f1;
	return stats_mean_defined(f1, MS_DIM_COUNT);
}

static double macro_f1_signals(const evalstate *e)
{
	double *f1 = xcalloc(e->nsigs, sizeof *f1), m;

	for (size_t i = 0; i < e->nsigs; i++)
		f1[i] = stats_agree(&e->sigs[i].c).f1;
	m = stats_mean_defined(f1, e->nsigs);
	free(f1);
	return m;
}

void eval_render_json(out_buf *b, const evalstate *e)
{
	json_w w;

	jw_init(&w, b);
	jw_obj(&w);
	jw_key(&w, "records");
	jw_uint(&w, e->records);
	jw_key(&w, "evaluated");
	jw_uint(&w, e->used);
	jw_key(&w, "errors");
	jw_uint(&w, e->skipped_error);
	jw_key(&w, "unlabelled");
	jw_uint(&w, e->skipped_unlabelled);
	jw_key(&w, "dimensions");
	jw_arr(&w);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		json_row(&w, ms_dimension_name((ms_dimension)d), &e->dim[d],
			 e->keep_errors ? &e->dimerrs[d] : NULL, ms_dimension_name((ms_dimension)d));
	jw_arr_end(&w);
	jw_key(&w, "signals");
	jw_arr(&w);
	for (size_t i = 0; i < e->nsigs; i++)
		json_row(&w, e->sigs[i].name, &e->sigs[i].c, e->keep_errors ? &e->sigs[i].errs : NULL,
			 NULL);
	jw_arr_end(&w);
	json_num(&w, "macro_f1_dimensions", macro_f1_dims(e));
	json_num(&w, "macro_f1_signals", macro_f1_signals(e));
	jw_obj_end(&w);
	ob_adds(b, "\n");
}

static void text_errors_all(out_buf *b, const evalstate *e)
{
	size_t before;

	ob_adds(b, "\nfalse positives (FP) and false negatives (FN)\n");
	before = b->len;
	for (int d = 0; d < MS_DIM_COUNT; d++)
		text_errors(b, "dimension", ms_dimension_name((ms_dimension)d), &e->dimerrs[d],
			    ms_dimension_name((ms_dimension)d));
	for (size_t i = 0; i < e->nsigs; i++)
		text_errors(b, "signal", e->sigs[i].name, &e->sigs[i].errs, NULL);
	if (b->len == before)
		ob_adds(b, "none\n");
}

void eval_render_text(out_buf *b, const evalstate *e)
{
	char mf[16];

	ob_printf(b, "%lu records, %lu evaluated (%lu errors, %lu without labels)\n"
		     "positive = not compliant (dimensions) / present (signals)\n\n",
		  e->records, e->used, e->skipped_error, e->skipped_unlabelled);
	text_header(b, "dimension");
	for (int d = 0; d < MS_DIM_COUNT; d++)
		text_row(b, ms_dimension_name((ms_dimension)d), &e->dim[d]);
	fmt_num(mf, sizeof mf, macro_f1_dims(e));
	ob_printf(b, "%-22s %s\n", "macro-F1", mf);
	if (e->nsigs) {
		ob_adds(b, "\n");
		text_header(b, "signal");
		for (size_t i = 0; i < e->nsigs; i++)
			text_row(b, e->sigs[i].name, &e->sigs[i].c);
		fmt_num(mf, sizeof mf, macro_f1_signals(e));
		ob_printf(b, "%-22s %s\n", "macro-F1", mf);
	}
	if (e->keep_errors)
		text_errors_all(b, e);
}
