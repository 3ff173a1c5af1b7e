/* The fitted model and its weights file (JSON):
 *   {"format": "medscreen-weights", "version": 1,
 *    "medscreen_version": "...", "rules_fingerprint": "<64 hex>",
 *    "lambda": L,
 *    "features": [{"name": "signal:disclaimer", "mean": m, "sd": s}, ...],
 *    "targets": {"overall": {"n": .., "positives": .., "intercept": b0,
 *                            "coef": [b1, ...]}, "safety": {...}, ...},
 *    "cv": {...}}
 * The coefficients apply to the standardised features (x - mean) / sd. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "../stats.h"
#include "../util.h"
#include "../xalloc.h"
#include "../out/json.h"

void lmodel_free(lmodel *m)
{
	fvocab_free(&m->v);
	free(m->mean);
	free(m->sd);
	for (int t = 0; t < L_TARGETS; t++)
		free(m->t[t].coef);
	if (m->cv)
		json_object_put(m->cv);
	memset(m, 0, sizeof *m);
}

void lmodel_predict(const lmodel *m, const lrec *r, double *x, double *p)
{
	features_of(&m->v, r, x);
	for (size_t j = 0; j < m->v.n; j++)
		x[j] = (x[j] - m->mean[j]) / m->sd[j];
	for (int t = 0; t < L_TARGETS; t++) {
		double eta;
		if (!m->t[t].present) {
			p[t] = NAN;
			continue;
		}
		eta = m->t[t].intercept;
		for (size_t j = 0; j < m->v.n; j++)
			eta += m->t[t].coef[j] * x[j];
		p[t] = 1 / (1 + exp(-eta));
	}
}

static void num(json_w *w, double v)
{
	char s[40];

	snprintf(s, sizeof s, "%.12g", v);
	jw_raw(w, s);
}

void lmodel_write(const lmodel *m, out_buf *b)
{
	json_w w;

	jw_init(&w, b);
	jw_obj(&w);
	jw_key(&w, "format"), jw_str(&w, "medscreen-weights");
	jw_key(&w, "version"), jw_uint(&w, 1);
	jw_key(&w, "medscreen_version"), jw_str(&w, ms_version());
	jw_key(&w, "rules_fingerprint"), jw_str(&w, m->fingerprint);
	jw_key(&w, "lambda"), num(&w, m->lambda);
	jw_key(&w, "features"), jw_arr(&w);
	for (size_t j = 0; j < m->v.n; j++) {
		jw_obj(&w);
		jw_key(&w, "name"), jw_str(&w, m->v.names[j]);
		jw_key(&w, "mean"), num(&w, m->mean[j]);
		jw_key(&w, "sd"), num(&w, m->sd[j]);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "targets"), jw_obj(&w);
	for (int k = 0; k < L_TARGETS; k++) {
		int t = k == 0 ? L_OVERALL : k - 1;   /* overall first */
		if (!m->t[t].present)
			continue;
		jw_key(&w, l_target_name(t)), jw_obj(&w);
		jw_key(&w, "n"), jw_uint(&w, m->t[t].n);
		jw_key(&w, "positives"), jw_uint(&w, m->t[t].positives);
		jw_key(&w, "intercept"), num(&w, m->t[t].intercept);
		jw_key(&w, "coef"), jw_arr(&w);
		for (size_t j = 0; j < m->v.n; j++)
			num(&w, m->t[t].coef[j]);
		jw_arr_end(&w);
		jw_obj_end(&w);
	}
	jw_obj_end(&w);
	if (m->cv)
		jw_key(&w, "cv"), jw_value(&w, m->cv);
	jw_obj_end(&w);
	ob_add(b, "\n", 1);
}

/* ---------------- reading ---------------- */

static int bad(const char *path, const char *field, const char *what)
{
	cli_error("%s: %s: %s", path, field, what);
	return -1;
}

static json_object *get(json_object *o, const char *k, json_type t)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v) || !v)
		return NULL;
	if (t == json_type_double)
		return json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)
			       ? v
			       : NULL;
	return json_object_is_type(v, t) ? v : NULL;
}

static int read_header(lmodel *m, json_object *root, const char *path)
{
	json_object *v;
	const char *fp;

	v = get(root, "format", json_type_string);
	if (!v || strcmp(json_object_get_string(v), "medscreen-weights") != 0)
		return bad(path, "format", "missing or not \"medscreen-weights\" (not a weights "
					   "file written by medscreen calibrate)");
	v = get(root, "version", json_type_int);
	if (!v || json_object_get_int64(v) != 1)
		return bad(path, "version", "missing or not 1");
	v = get(root, "rules_fingerprint", json_type_string);
	fp = v ? json_object_get_string(v) : "";
	if (strlen(fp) != 64 || strspn(fp, "0123456789abcdef") != 64)
		return bad(path, "rules_fingerprint", "missing or not 64 hexadecimal digits");
	strcpy(m->fingerprint, fp);
	v = get(root, "medscreen_version", json_type_string);
	snprintf(m->version, sizeof m->version, "%s", v ? json_object_get_string(v) : "");
	if (!(v = get(root, "lambda", json_type_double)) || json_object_get_double(v) < 0)
		return bad(path, "lambda", "missing or not a number >= 0");
	m->lambda = json_object_get_double(v);
	return 0;
}

static int read_features(lmodel *m, json_object *root, const char *path)
{
	json_object *a = get(root, "features", json_type_array);
	char field[64];
	size_t n;

	if (!a)
		return bad(path, "features", "missing or not a list");
	n = json_object_array_length(a);
	m->mean = xcalloc(n ? n : 1, sizeof *m->mean);
	m->sd = xcalloc(n ? n : 1, sizeof *m->sd);
	for (size_t j = 0; j < n; j++) {
		json_object *f = json_object_array_get_idx(a, j), *name, *mean, *sd;
		snprintf(field, sizeof field, "features[%zu]", j);
		if (!f || !(name = get(f, "name", json_type_string)) ||
		    !(mean = get(f, "mean", json_type_double)) || !(sd = get(f, "sd", json_type_double)))
			return bad(path, field, "expected {\"name\": string, \"mean\": number, "
						"\"sd\": number}");
		if (!(json_object_get_double(sd) > 0))
			return bad(path, field, "sd must be positive");
		if (strmap_get(&m->v.idx, json_object_get_string(name)) != (size_t)-1)
			return bad(path, field, "a feature named twice");
		fvocab_add(&m->v, json_object_get_string(name));
		m->mean[j] = json_object_get_double(mean);
		m->sd[j] = json_object_get_double(sd);
	}
	return 0;
}

static int read_target(lmodel *m, json_object *o, int t, const char *path)
{
	char field[96];
	json_object *b0 = get(o, "intercept", json_type_double), *c = get(o, "coef", json_type_array);
	json_object *n = get(o, "n", json_type_int), *pos = get(o, "positives", json_type_int);
	ltarget *x = &m->t[t];

	snprintf(field, sizeof field, "targets.%s", l_target_name(t));
	if (!json_object_is_type(o, json_type_object) || !b0 || !c)
		return bad(path, field, "expected {\"intercept\": number, \"coef\": [numbers]}");
	if (json_object_array_length(c) != m->v.n) {
		snprintf(field, sizeof field, "targets.%s.coef", l_target_name(t));
		return bad(path, field, "not one coefficient per feature");
	}
	x->present = 1;
	x->intercept = json_object_get_double(b0);
	x->n = n ? (unsigned long)json_object_get_int64(n) : 0;
	x->positives = pos ? (unsigned long)json_object_get_int64(pos) : 0;
	x->coef = xcalloc(m->v.n ? m->v.n : 1, sizeof *x->coef);
	for (size_t j = 0; j < m->v.n; j++) {
		json_object *v = json_object_array_get_idx(c, j);
		if (!v || !(json_object_is_type(v, json_type_double) ||
			    json_object_is_type(v, json_type_int))) {
			snprintf(field, sizeof field, "targets.%s.coef[%zu]", l_target_name(t), j);
			return bad(path, field, "not a number");
		}
		x->coef[j] = json_object_get_double(v);
	}
	return 0;
}

static int read_targets(lmodel *m, json_object *root, const char *path)
{
	json_object *ts = get(root, "targets", json_type_object);

	if (!ts)
		return bad(path, "targets", "missing or not an object");
	json_object_object_foreach(ts, k, v)
	{
		int t = strcmp(k, "overall") == 0 ? L_OVERALL : ms_dimension_parse(k);
		char field[320];
		snprintf(field, sizeof field, "targets.%.200s", k);
		if (t < 0)
			return bad(path, field, "not a dimension or \"overall\"");
		if (read_target(m, v, t, path))
			return -1;
	}
	if (!m->t[L_OVERALL].present)
		return bad(path, "targets.overall", "missing");
	return 0;
}

int lmodel_read(lmodel *m, const char *path)
{
	FILE *f = cli_open_input(path);
	json_object *root;
	int rc;

	memset(m, 0, sizeof *m);
	if (!f)
		return -1;
	fclose(f);
	root = json_object_from_file(path);
	if (!root || !json_object_is_type(root, json_type_object)) {
		cli_error("%s: not a JSON object (%s)", path, json_util_get_last_err()
								 ? json_util_get_last_err()
								 : "a weights file of medscreen calibrate");
		json_object_put(root);
		return -1;
	}
	rc = read_header(m, root, path) || read_features(m, root, path) ||
	     read_targets(m, root, path);
	if (!rc && (m->cv = get(root, "cv", json_type_object)))
		json_object_get(m->cv);
	json_object_put(root);
	if (rc)
		lmodel_free(m);
	return rc ? -1 : 0;
}
