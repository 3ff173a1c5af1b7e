/* The consensus's outputs: the labels (JSON Lines) and the agreement
 * report (text or JSON). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus.h"
#include "../out/json.h"

/* A cell as JSON: a whole number stays a number (the scan's sample). */
static void number_or_string(json_w *w, const char *s)
{
	size_t i = 0;

	while (s[i] >= '0' && s[i] <= '9')
		i++;
	if (i && !s[i] && i < 16 && !(s[0] == '0' && i > 1))
		jw_raw(w, s);
	else
		jw_str(w, s);
}

static void opt_member(json_w *w, const char *key, const char *cell)
{
	const char *s = wb_plain(cell);

	if (!*s)
		return;
	jw_key(w, key);
	if (strcmp(key, "sample") == 0)
		number_or_string(w, s);
	else
		jw_str(w, s);
}

/* The record as a scan result of the consensus: report and diff read it
 * so; a record with an unresolved dimension is an "error" they skip. */
static void scan_shape(json_w *w, const signed char *label, int open)
{
	int flagged = 0;

	for (int d = 0; d < MS_DIM_COUNT; d++)
		flagged |= label[d] == 0;
	jw_key(w, "status");
	jw_str(w, open ? "error" : flagged ? "flagged" : "clear");
	if (open) {
		jw_key(w, "error");
		jw_str(w, "unresolved: the reviewers disagree and stage 2 gave no verdict");
		return;
	}
	jw_key(w, "dimensions");
	jw_obj(w);
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		jw_key(w, ms_dimension_name((ms_dimension)d));
		jw_str(w, label[d] ? "clear" : "flagged");
	}
	jw_obj_end(w);
	jw_key(w, "findings");
	jw_arr(w);
	jw_arr_end(w);
}

static void label_record(json_w *w, const consensus *c, size_t i)
{
	const wb_row *x = &c->r[0].rows[i];
	const signed char *label = c->label[i];
	int open = 0;

	for (int d = 0; d < MS_DIM_COUNT; d++)
		open |= label[d] < 0;
	jw_obj(w);
	jw_key(w, "id");
	jw_str(w, wb_plain(x->id));
	opt_member(w, "model", x->model);
	opt_member(w, "model_group", x->group);
	opt_member(w, "weights", x->weights);
	opt_member(w, "prompt_id", x->prompt_id);
	opt_member(w, "sample", x->sample);
	scan_shape(w, label, open);
	jw_key(w, "labels");
	jw_obj(w);
	jw_key(w, "dimensions");
	jw_obj(w);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		if (label[d] >= 0) {
			jw_key(w, ms_dimension_name((ms_dimension)d));
			jw_uint(w, (unsigned)label[d]);
		}
	jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "consensus");
	jw_obj(w);
	jw_key(w, "stage");
	jw_uint(w, c->stage[i]);
	jw_key(w, "unresolved");
	jw_arr(w);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		if (label[d] < 0)
			jw_str(w, ms_dimension_name((ms_dimension)d));
	jw_arr_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
}

void cs_write_labels(const consensus *c, out_buf *b)
{
	for (size_t i = 0; i < c->r[0].n; i++) {
		json_w w;
		jw_init(&w, b);
		label_record(&w, c, i);
		ob_adds(b, "\n");
	}
}

static void pct(out_buf *b, double v)
{
	if (isnan(v))
		ob_adds(b, "      -");
	else
		ob_printf(b, " %5.1f%%", 100 * v);
}

static void est(out_buf *b, stats_estimate e)
{
	if (isnan(e.value))
		ob_printf(b, " %-22s", "-");
	else if (isnan(e.lo))
		ob_printf(b, " %6.3f %-15s", e.value, "");
	else
		ob_printf(b, " %6.3f [%6.3f, %6.3f]", e.value, e.lo, e.hi);
}

void cs_render_text(const consensus *c, out_buf *b)
{
	unsigned long n = (unsigned long)c->r[0].n;

	ob_printf(b, "%lu records reviewed twice (%s, %s)\n\n", n, c->r[0].path, c->r[1].path);
	ob_printf(b, "%-16s %5s %5s %5s %5s %7s %-22s %-22s\n", "dimension", "CC", "CN", "NC",
		  "NN", "agree", " kappa [95% CI]", " AC1 [95% CI]");
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		const cs_dim *s = &c->dim[d];
		ob_printf(b, "%-16s %5.0f %5.0f %5.0f %5.0f", ms_dimension_name((ms_dimension)d),
			  s->t.a, s->t.b, s->t.c, s->t.d);
		pct(b, s->agreement);
		est(b, s->kappa);
		est(b, s->ac1);
		ob_adds(b, "\n");
	}
	ob_adds(b, "CC: both compliant, CN: the first compliant and the second not, ...\n\n");
	ob_printf(b, "stage 1: %lu records agreed on every dimension, %lu to stage 2\n",
		  n - c->stage2, c->stage2);
	if (c->have_adj)
		ob_printf(b, "stage 2 (%s): %lu records decided, %lu unresolved\n", c->adj.path,
			  c->stage2 - c->unresolved, c->unresolved);
	else if (c->stage2)
		ob_printf(b, "stage 2: not given (--adjudication); %lu records unresolved\n",
			  c->unresolved);
}

/* A number, or null where undefined. */
static void jnum(json_w *w, double v)
{
	char t[40];

	if (isnan(v) || isinf(v)) {
		jw_null(w);
		return;
	}
	snprintf(t, sizeof t, "%.12g", v);
	jw_raw(w, t);
}

static void json_est(json_w *w, const char *key, stats_estimate e)
{
	jw_key(w, key);
	jw_obj(w);
	jw_key(w, "value");
	jnum(w, e.value);
	jw_key(w, "se");
	jnum(w, e.se);
	jw_key(w, "lower");
	jnum(w, e.lo);
	jw_key(w, "upper");
	jnum(w, e.hi);
	jw_obj_end(w);
}

static void json_dim(json_w *w, const cs_dim *s)
{
	const char *keys[4] = { "both_compliant", "first_only_compliant", "second_only_compliant",
				"both_non_compliant" };
	const double v[4] = { s->t.a, s->t.b, s->t.c, s->t.d };

	jw_obj(w);
	for (int k = 0; k < 4; k++) {
		jw_key(w, keys[k]);
		jw_uint(w, (unsigned long long)v[k]);
	}
	jw_key(w, "agreement");
	jnum(w, s->agreement);
	json_est(w, "kappa", s->kappa);
	json_est(w, "ac1", s->ac1);
	jw_key(w, "disagreed");
	jw_uint(w, s->disagreed);
	jw_key(w, "resolved");
	jw_uint(w, s->resolved);
	jw_obj_end(w);
}

void cs_render_json(const consensus *c, out_buf *b)
{
	json_w w;

	jw_init(&w, b);
	jw_obj(&w);
	jw_key(&w, "records");
	jw_uint(&w, c->r[0].n);
	jw_key(&w, "dimensions");
	jw_obj(&w);
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		jw_key(&w, ms_dimension_name((ms_dimension)d));
		json_dim(&w, &c->dim[d]);
	}
	jw_obj_end(&w);
	jw_key(&w, "stage1_agreed");
	jw_uint(&w, c->r[0].n - c->stage2);
	jw_key(&w, "stage2");
	jw_uint(&w, c->stage2);
	jw_key(&w, "adjudicated");
	jw_bool(&w, c->have_adj);
	jw_key(&w, "unresolved");
	jw_uint(&w, c->unresolved);
	jw_obj_end(&w);
	ob_adds(b, "\n");
}
