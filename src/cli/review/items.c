/* The records a review workbook holds: scan results joined with the
 * answers and the prompts (see review.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "review.h"
#include "../util.h"
#include "../xalloc.h"
#include "../out/buf.h"
#include "../io/results.h"
#include "../report/eval.h"

/* A scalar member as text ("" when absent or null). */
static char *scalar(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v) || !v || json_object_is_type(v, json_type_null) ||
	    json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
		return xstrdup("");
	return xstrdup(json_object_get_string(v));
}

static const char *member_str(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

/* The quoted texts of an evidence or trigger list, after `label`. */
static void spans(out_buf *b, json_object *f, const char *key, const char *label)
{
	json_object *arr = NULL;
	size_t n;

	if (!json_object_object_get_ex(f, key, &arr) || !json_object_is_type(arr, json_type_array) ||
	    !(n = json_object_array_length(arr)))
		return;
	ob_adds(b, label);
	for (size_t i = 0; i < n; i++) {
		const char *t = member_str(json_object_array_get_idx(arr, i), "text");
		ob_printf(b, "%s\"%s\"", i ? "; " : "", t ? t : "");
	}
}

/* One finding: "RULE (severity, kind): "evidence"; ..." on its own line. */
static void finding_text(out_buf *b, json_object *f)
{
	const char *rule = member_str(f, "rule"), *sev = member_str(f, "severity");
	const char *kind = member_str(f, "kind");
	json_object *w = NULL;
	size_t before;

	if (b->len)
		ob_adds(b, "\n");
	ob_printf(b, "%s (%s%s%s", rule ? rule : "?", sev ? sev : "?", kind ? ", " : "",
		  kind ? kind : "");
	if (json_object_object_get_ex(f, "waived", &w) && json_object_get_boolean(w))
		ob_adds(b, ", waived");
	ob_adds(b, ")");
	before = b->len;
	spans(b, f, "evidence", ": ");
	spans(b, f, "trigger", b->len == before ? ": given " : "; given ");
}

static void screener_cells(rv_item *it, json_object *obj)
{
	json_object *findings = NULL;
	out_buf b[MS_DIM_COUNT] = { { 0 } };

	if (json_object_object_get_ex(obj, "findings", &findings) &&
	    json_object_is_type(findings, json_type_array))
		for (size_t i = 0; i < json_object_array_length(findings); i++) {
			json_object *f = json_object_array_get_idx(findings, i);
			const char *dim = member_str(f, "dimension");
			int d = dim ? ms_dimension_parse(dim) : -1;
			if (d >= 0)
				finding_text(&b[d], f);
		}
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		if (it->error)
			it->screener[d] = xstrdup("not screened: the scan reported an error");
		else
			it->screener[d] = b[d].data ? b[d].data : xstrdup("");
		if (it->error)
			ob_free(&b[d]);
	}
}

static int scan_obj(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	rv_set *s = ctx;
	json_object *v = NULL;
	const char *id = json_object_object_get_ex(obj, "id", &v) ? id_string(v) : NULL;
	const char *status = member_str(obj, "status");
	rv_item *it;
	size_t first;

	if (!id) {
		cli_error("%s:%lu: id: the record has no id (a string or an integer); the review "
			  "joins verdicts by id", shown_path(path), line);
		return -1;
	}
	if ((first = strmap_get(&s->idx, id)) != (size_t)-1) {
		cli_error("%s:%lu: id: '%s' again (first at %s:%lu)", shown_path(path), line, id,
			  shown_path(s->v[first].scan), s->v[first].line);
		return -1;
	}
	xgrow(&s->v, &s->cap, s->n + 1, sizeof *s->v);
	it = &s->v[s->n];
	memset(it, 0, sizeof *it);
	it->id = xstrdup(id);
	it->model = scalar(obj, "model");
	it->group = scalar(obj, "model_group");
	it->weights = scalar(obj, "weights");
	it->prompt_id = scalar(obj, "prompt_id");
	it->sample = scalar(obj, "sample");
	if (json_object_object_get_ex(obj, "score", &v) && json_object_is_type(v, json_type_int))
		it->score = (unsigned)json_object_get_int(v);
	it->error = status && strcmp(status, "error") == 0;
	it->src = member_str(obj, "file") ? xstrdup(member_str(obj, "file")) : NULL;
	it->scan = s->scans[s->nscans - 1];
	it->line = line;
	it->want = 1;
	screener_cells(it, obj);
	strmap_put(&s->idx, it->id, s->n);
	s->n++;
	return 0;
}

int rv_read_scan(rv_set *s, const char *path)
{
	xpush_ptr(&s->scans, &s->nscans, xstrdup(path));
	return scan_file_each(path, scan_obj, s);
}

void rv_set_free(rv_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		rv_item *it = &s->v[i];
		free(it->id);
		free(it->model);
		free(it->group);
		free(it->weights);
		free(it->prompt_id);
		free(it->sample);
		free(it->src);
		free(it->answer);
		free(it->prompt);
		for (int d = 0; d < MS_DIM_COUNT; d++)
			free(it->screener[d]);
	}
	free(s->v);
	strmap_free(&s->idx);
	for (size_t i = 0; i < s->nscans; i++)
		free(s->scans[i]);
	free(s->scans);
	memset(s, 0, sizeof *s);
}
