/* medscreen eval's labels: the label shapes, and labels files joined by id. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "../util.h"
#include "../xalloc.h"
#include "../io/results.h"

void labelset_init(labelset *ls)
{
	memset(ls, 0, sizeof *ls);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		ls->dim[d] = -1;
}

void labelset_free(labelset *ls)
{
	for (size_t i = 0; i < ls->ns; i++)
		free(ls->s[i].name);
	free(ls->s);
	labelset_init(ls);
}

static void labelset_add(labelset *ls, const char *name, int v)
{
	char *p = xstrdup(name);

	xgrow(&ls->s, &ls->cap, ls->ns + 1, sizeof *ls->s);
	ls->s[ls->ns].name = p;
	ls->s[ls->ns].v = v;
	ls->ns++;
	ls->has_sigs = 1;
}

/* 1 or 0 for true/false/1/0; -1 for any other value. */
static int label_value(json_object *v)
{
	if (v && json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v) ? 1 : 0;
	if (v && json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);
		if (i == 0 || i == 1)
			return (int)i;
	}
	return -1;
}

static void bad_value(const char *path, unsigned long line, const char *field, json_object *v)
{
	const char *s = v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "null";

	cli_error("%s:%lu: %s: expected true, false, 1 or 0, not %.60s", path, line, field, s);
}

const char *shown_path(const char *path)
{
	return strcmp(path, "-") == 0 ? "(stdin)" : path;
}

/* labels.dimensions: {dimension: verdict} with 1 for compliant. */
static int parse_dimensions(json_object *val, labelset *ls, const char *path, unsigned long line)
{
	char field[320];
	int d, v;

	if (!val || !json_object_is_type(val, json_type_object)) {
		cli_error("%s:%lu: labels.dimensions: expected an object of dimension verdicts", path,
			  line);
		return -1;
	}
	json_object_object_foreach(val, dk, dv)
	{
		snprintf(field, sizeof field, "labels.dimensions.%.200s", dk);
		d = ms_dimension_parse(dk);
		if (d < 0) {
			cli_error("%s:%lu: %s: not a dimension (safety, professionalism, fairness, "
				  "humanism or regulation)",
				  path, line, field);
			return -1;
		}
		if ((v = label_value(dv)) < 0) {
			bad_value(path, line, field, dv);
			return -1;
		}
		ls->dim[d] = (signed char)v;
	}
	return 0;
}

/* labels.signals as a list of the names present. */
static int parse_signal_list(json_object *val, labelset *ls, const char *path, unsigned long line)
{
	size_t n = json_object_array_length(val);

	ls->list = 1;
	ls->has_sigs = 1;
	for (size_t i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(val, i);
		if (!x || !json_object_is_type(x, json_type_string)) {
			cli_error("%s:%lu: labels.signals[%zu]: expected a signal name, not %.60s", path,
				  line, i,
				  x ? json_object_to_json_string_ext(x, JSON_C_TO_STRING_PLAIN) : "null");
			return -1;
		}
		labelset_add(ls, json_object_get_string(x), 1);
	}
	return 0;
}

/* labels.signals as an object {name: true|false}. */
static int parse_signal_flags(json_object *val, labelset *ls, const char *path,
			      unsigned long line)
{
	char field[320];
	int v;

	ls->has_sigs = 1;
	json_object_object_foreach(val, sk, sv)
	{
		snprintf(field, sizeof field, "labels.signals.%.200s", sk);
		if ((v = label_value(sv)) < 0) {
			bad_value(path, line, field, sv);
			return -1;
		}
		labelset_add(ls, sk, v);
	}
	return 0;
}

/* A flat key: a dimension verdict or a signal. */
static int parse_flat(const char *key, json_object *val, labelset *ls, const char *path,
		      unsigned long line)
{
	char field[320];
	int d, v;

	snprintf(field, sizeof field, "labels.%.200s", key);
	if ((v = label_value(val)) < 0) {
		bad_value(path, line, field, val);
		return -1;
	}
	d = ms_dimension_parse(key);
	if (d >= 0)
		ls->dim[d] = (signed char)v;
	else
		labelset_add(ls, key, v);
	return 0;
}

int parse_labels(json_object *labels, labelset *ls, const char *path, unsigned long line)
{
	path = shown_path(path);
	if (!json_object_is_type(labels, json_type_object)) {
		cli_error("%s:%lu: labels: expected an object, not %s", path, line,
			  json_type_to_name(json_object_get_type(labels)));
		return -1;
	}
	json_object_object_foreach(labels, key, val)
	{
		int rc;

		if (strcmp(key, "dimensions") == 0)
			rc = parse_dimensions(val, ls, path, line);
		else if (strcmp(key, "signals") != 0)
			rc = parse_flat(key, val, ls, path, line);
		else if (val && json_object_is_type(val, json_type_array))
			rc = parse_signal_list(val, ls, path, line);
		else if (val && json_object_is_type(val, json_type_object))
			rc = parse_signal_flags(val, ls, path, line);
		else {
			cli_error("%s:%lu: labels.signals: expected a list of signal names or an "
				  "object of true/false",
				  path, line);
			rc = -1;
		}
		if (rc)
			return -1;
	}
	return 0;
}

/* A labelled signal of ls: 1 present, 0 absent, -1 not labelled here. */
int labelset_signal(const labelset *ls, const char *name)
{
	int r = -1;

	for (size_t i = 0; i < ls->ns; i++)
		if (strcmp(ls->s[i].name, name) == 0) {
			if (ls->s[i].v)
				return 1;
			r = 0;
		}
	return ls->list ? 0 : r;
}

/* The id as a string: strings as they are, integers in decimal; NULL for
 * anything else. */
const char *id_string(json_object *id)
{
	if (id && (json_object_is_type(id, json_type_string) || json_object_is_type(id, json_type_int)))
		return json_object_get_string(id);
	return NULL;
}

static int cmp_labent(const void *a, const void *b)
{
	const labent *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

labent *eval_find_label(evalstate *e, const char *id)
{
	size_t lo = 0, hi = e->nlabs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(e->labs[mid].id, id);
		if (c == 0)
			return &e->labs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

typedef struct labctx {
	evalstate *e;
	const char *shown;
} labctx;

/* One line of a labels file: {"id": ..., "labels": {...}}. */
static int read_label_line(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	labctx *lc = ctx;
	evalstate *e = lc->e;
	json_object *id = NULL, *labels = NULL;
	const char *ids;
	labent *le;

	if (!json_object_object_get_ex(obj, "id", &id) || !id) {
		cli_error("%s:%lu: id: missing", lc->shown, line);
		return -1;
	}
	if (!(ids = id_string(id))) {
		cli_error("%s:%lu: id: expected a string or an integer, not %.60s", lc->shown, line,
			  json_object_to_json_string_ext(id, JSON_C_TO_STRING_PLAIN));
		return -1;
	}
	if (!json_object_object_get_ex(obj, "labels", &labels) || !labels) {
		cli_error("%s:%lu: labels: missing", lc->shown, line);
		return -1;
	}
	xgrow(&e->labs, &e->caplabs, e->nlabs + 1, sizeof *e->labs);
	le = &e->labs[e->nlabs];
	memset(le, 0, sizeof *le);
	labelset_init(&le->ls);
	le->file = lc->shown;
	le->line = line;
	le->seq = e->nlabs;
	if (parse_labels(labels, &le->ls, path, line)) {
		labelset_free(&le->ls);
		return -1;
	}
	le->id = xstrdup(ids);
	e->nlabs++;
	return 0;
}

/* Read one labels file. */
int eval_read_labels(evalstate *e, const char *path)
{
	labctx lc = { e, shown_path(path) };

	return jsonl_each(path, lc.shown, "not a JSON object", 1, read_label_line, &lc);
}

/* Sort the labels by id; a duplicate id is an error naming both lines. */
int eval_index_labels(evalstate *e)
{
	int rc = 0;

	if (e->nlabs)
		qsort(e->labs, e->nlabs, sizeof *e->labs, cmp_labent);
	for (size_t i = 1; i < e->nlabs; i++)
		if (strcmp(e->labs[i - 1].id, e->labs[i].id) == 0 &&
		    (i < 2 || strcmp(e->labs[i - 2].id, e->labs[i].id) != 0)) {
			cli_error("%s:%lu: duplicate id '%s' (first at %s:%lu)", e->labs[i].file,
				  e->labs[i].line, e->labs[i].id, e->labs[i - 1].file,
				  e->labs[i - 1].line);
			rc = -1;
		}
	return rc;
}
