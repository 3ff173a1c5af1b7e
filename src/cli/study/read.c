/* medscreen study's input: labelled records or scan results (see study.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "study.h"
#include "../util.h"
#include "../xalloc.h"
#include "../io/results.h"
#include "../report/eval.h"

static size_t name_index(st_names *s, const char *name)
{
	size_t i = strmap_get(&s->idx, name);

	if (i != (size_t)-1)
		return i;
	xpush_ptr(&s->v, &s->n, xstrdup(name));
	strmap_put(&s->idx, s->v[s->n - 1], s->n - 1);
	return s->n - 1;
}

static void names_free(st_names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	strmap_free(&s->idx);
}

static const char *member(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

/* The model of a record, with its group and weights; a model seen with
 * another group or weights before is an error. */
static int model_of(st_data *d, json_object *obj, const char *path, unsigned long line,
		    size_t *out)
{
	const char *m = member(obj, "model"), *g = member(obj, "model_group");
	const char *w = member(obj, "weights");
	size_t before = d->models.n, i;

	if (!m) {
		cli_error("%s:%lu: model: missing (the study's tables are per model)", path, line);
		return -1;
	}
	i = name_index(&d->models, m);
	g = g ? g : "(none)";
	w = w ? w : "(none)";
	if (i == before) {
		xgrow(&d->minfo, &d->capminfo, d->models.n, sizeof *d->minfo);
		d->minfo[i].group = name_index(&d->groups, g);
		d->minfo[i].weights = name_index(&d->weights, w);
	} else if (strcmp(d->groups.v[d->minfo[i].group], g) != 0 ||
		   strcmp(d->weights.v[d->minfo[i].weights], w) != 0) {
		cli_error("%s:%lu: model '%s' is in group '%s' with weights '%s' here, '%s' and "
			  "'%s' before", path, line, m, g, w, d->groups.v[d->minfo[i].group],
			  d->weights.v[d->minfo[i].weights]);
		return -1;
	}
	*out = i;
	return 0;
}

/* The verdicts of a scan result: a flagged dimension is not compliant; 1
 * when the scan could not screen the record (skipped). */
static int flag_verdicts(json_object *obj, signed char *v)
{
	const char *status = member(obj, "status");
	json_object *dims = NULL;

	if (status && strcmp(status, "error") == 0)
		return 1;
	if (!json_object_object_get_ex(obj, "dimensions", &dims) ||
	    !json_object_is_type(dims, json_type_object))
		return -1;
	for (int k = 0; k < MS_DIM_COUNT; k++) {
		const char *s = member(dims, ms_dimension_name((ms_dimension)k));
		v[k] = (signed char)(s ? strcmp(s, "flagged") != 0 : -1);
	}
	return 0;
}

/* The verdicts of a labelled record; 1 when it has no labels (skipped). */
static int label_verdicts(json_object *obj, signed char *v, const char *path,
			  unsigned long line)
{
	json_object *labels = NULL;
	labelset ls;
	int rc;

	if (!json_object_object_get_ex(obj, "labels", &labels) || !labels ||
	    json_object_is_type(labels, json_type_null))
		return 1;
	labelset_init(&ls);
	rc = parse_labels(labels, &ls, path, line);
	memcpy(v, ls.dim, sizeof ls.dim);
	labelset_free(&ls);
	return rc;
}

static int read_obj(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	st_data *d = ctx;
	json_object *idv = NULL;
	const char *pid = member(obj, "prompt_id"), *id;
	st_rec r = { 0 };
	int rc;

	path = shown_path(path);
	rc = d->flags ? flag_verdicts(obj, r.v) : label_verdicts(obj, r.v, path, line);
	if (rc < 0) {
		if (d->flags)
			cli_error("%s:%lu: not a scan result (no status and dimensions; study reads "
				  "labels unless --flags)", path, line);
		return -1;
	}
	if (rc > 0) {
		d->skipped++;
		return 0;
	}
	if (!pid) {
		cli_error("%s:%lu: prompt_id: missing", path, line);
		return -1;
	}
	if (model_of(d, obj, path, line, &r.model))
		return -1;
	r.prompt = name_index(&d->prompts, pid);
	id = json_object_object_get_ex(obj, "id", &idv) ? id_string(idv) : NULL;
	r.id = id ? xstrdup(id) : NULL;
	xgrow(&d->recs, &d->cap, d->n + 1, sizeof *d->recs);
	d->recs[d->n++] = r;
	return 0;
}

int st_read(st_data *d, const char *path)
{
	d->nfiles++;
	return jsonl_each(path, shown_path(path),
			  d->flags ? "not a scan result (expected a JSON object)"
				   : "not a record (expected a JSON object with labels)",
			  1, read_obj, d);
}

void st_prompts(st_data *d, const ms_prompts *p)
{
	d->have_prompts = p != NULL;
	d->pdim = xcalloc(d->prompts.n + 1, sizeof *d->pdim);
	d->ptitle = xcalloc(d->prompts.n + 1, sizeof *d->ptitle);
	for (size_t i = 0; i < d->prompts.n; i++) {
		const ms_prompt *q = p ? ms_prompts_find(p, d->prompts.v[i]) : NULL;
		d->pdim[i] = q && q->dimension ? ms_dimension_parse(q->dimension) : -1;
		d->ptitle[i] = q ? q->title : NULL;
	}
}

void st_data_free(st_data *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->recs[i].id);
	free(d->recs);
	names_free(&d->models);
	names_free(&d->groups);
	names_free(&d->weights);
	names_free(&d->prompts);
	free(d->minfo);
	free(d->pdim);
	free(d->ptitle);
}
