/* Reading scan results (medscreen scan --format jsonl) back for the commands
 * that aggregate them: report and diff. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "jsonstrict.h"
#include "results.h"
#include "../util.h"
#include "../xalloc.h"

static char *dup_field(json_object *obj, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v) || !v ||
	    json_object_is_type(v, json_type_null))
		return NULL;
	if (json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

static void rec_free(scan_rec *r)
{
	free(r->id);
	free(r->model);
	free(r->group);
	free(r->weights);
	free(r->prompt_id);
	free(r->sample);
	free(r->pack);
	free(r->version);
	for (size_t i = 0; i < r->nfired; i++) {
		free(r->fired[i].rule);
		free(r->fired[i].message);
		for (size_t k = 0; k < r->fired[i].nev; k++)
			free(r->fired[i].ev[k].text);
		free(r->fired[i].ev);
	}
	free(r->fired);
}

void scan_set_free(scan_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		rec_free(&s->v[i]);
	free(s->v);
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	memset(s, 0, sizeof *s);
}

/* A string member of obj, or NULL. */
static const char *str_member(json_object *obj, const char *key)
{
	json_object *x = NULL;

	if (json_object_object_get_ex(obj, key, &x) && json_object_is_type(x, json_type_string))
		return json_object_get_string(x);
	return NULL;
}

/* A non-negative integer member of obj, or -1. */
static long long uint_member(json_object *obj, const char *key)
{
	json_object *x = NULL;

	if (json_object_object_get_ex(obj, key, &x) && json_object_is_type(x, json_type_int) &&
	    json_object_get_int64(x) >= 0)
		return json_object_get_int64(x);
	return -1;
}

/* A finding's evidence [{"start":..,"end":..,["on":"prompt",]"text":..}];
 * spans that are not such objects (start <= end) are left out. */
static void parse_evidence(fired_rule *fr, json_object *f)
{
	json_object *arr = NULL;
	size_t n;

	if (!json_object_object_get_ex(f, "evidence", &arr) ||
	    !json_object_is_type(arr, json_type_array) || !(n = json_object_array_length(arr)))
		return;
	fr->ev = xcalloc(n, sizeof *fr->ev);
	for (size_t i = 0; i < n; i++) {
		json_object *sp = json_object_array_get_idx(arr, i), *t = NULL;
		long long a, z;
		const char *on;

		if (!json_object_is_type(sp, json_type_object) || (a = uint_member(sp, "start")) < 0 ||
		    (z = uint_member(sp, "end")) < a)
			continue;
		fr->ev[fr->nev].start = (size_t)a;
		fr->ev[fr->nev].end = (size_t)z;
		on = str_member(sp, "on");
		fr->ev[fr->nev].on_prompt = on && strcmp(on, "prompt") == 0;
		if (json_object_object_get_ex(sp, "text", &t) && json_object_is_type(t, json_type_string)) {
			size_t len = (size_t)json_object_get_string_len(t);
			fr->ev[fr->nev].text = xmalloc(len + 1);
			memcpy(fr->ev[fr->nev].text, json_object_get_string(t), len + 1);
			fr->ev[fr->nev].text_len = len;
		}
		fr->nev++;
	}
}

/* One finding {"rule":..,"severity":..,"dimension":..,"kind":..,"message":..};
 * -1 when it is not an object with a rule. */
static int parse_finding(fired_rule *fr, json_object *f)
{
	const char *rule, *s;
	int sev = -1, dim = -1;

	if (!json_object_is_type(f, json_type_object) || !(rule = str_member(f, "rule")))
		return -1;
	fr->rule = xstrdup(rule);
	if ((s = str_member(f, "severity")))
		sev = ms_severity_parse(s);
	if ((s = str_member(f, "dimension")))
		dim = ms_dimension_parse(s);
	if ((s = str_member(f, "kind"))) {
		fr->error = strcmp(s, "error") == 0;
		fr->missing = strcmp(s, "missing") == 0;
	}
	{
		json_object *w = NULL;
		fr->waived = json_object_object_get_ex(f, "waived", &w) && json_object_get_boolean(w);
	}
	parse_evidence(fr, f);
	if ((s = str_member(f, "message")))
		fr->message = xstrdup(s);
	fr->severity = sev < 0 ? MS_SEV_INFO : (ms_severity)sev;
	fr->dimension = dim < 0 ? MS_DIM_SAFETY : (ms_dimension)dim;
	return 0;
}

static int parse_findings(scan_rec *r, json_object *findings)
{
	size_t n = json_object_array_length(findings);

	r->fired = xcalloc(n, sizeof *r->fired);
	for (size_t i = 0; i < n; i++) {
		if (parse_finding(&r->fired[r->nfired], json_object_array_get_idx(findings, i)))
			return -1;
		r->nfired++;
	}
	return 0;
}

static int parse_status(scan_rec *r, json_object *obj)
{
	const char *s = str_member(obj, "status");

	if (!s)
		return -1;
	if (strcmp(s, "error") == 0)
		r->status = REC_ERROR;
	else if (strcmp(s, "flagged") == 0)
		r->status = REC_FLAGGED;
	else if (strcmp(s, "clear") == 0)
		r->status = REC_CLEAR;
	else
		return -1;
	return 0;
}

static int parse_rec(scan_rec *r, json_object *obj)
{
	json_object *v = NULL, *dims = NULL, *findings = NULL;

	r->id = dup_field(obj, "id");
	r->model = dup_field(obj, "model");
	r->group = dup_field(obj, "model_group");
	r->weights = dup_field(obj, "weights");
	r->prompt_id = dup_field(obj, "prompt_id");
	r->sample = dup_field(obj, "sample");
	r->pack = dup_field(obj, "rules_fingerprint");
	r->version = dup_field(obj, "medscreen_version");
	if (parse_status(r, obj))
		return -1;
	if (json_object_object_get_ex(obj, "score", &v) && json_object_is_type(v, json_type_int))
		r->score = (unsigned)json_object_get_int(v);
	if (r->status == REC_ERROR)
		return 0;
	if (!json_object_object_get_ex(obj, "dimensions", &dims) ||
	    !json_object_is_type(dims, json_type_object))
		return -1;
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		const char *s = str_member(dims, ms_dimension_name((ms_dimension)d));
		if (s)
			r->dim[d] = strcmp(s, "flagged") == 0;
	}
	if (json_object_object_get_ex(obj, "findings", &findings) &&
	    json_object_is_type(findings, json_type_array))
		return parse_findings(r, findings);
	return 0;
}

int jsonl_each(const char *path, const char *shown, const char *not_object, int skip_blank,
	       scan_obj_fn fn, void *ctx)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : cli_open_input(path);
	line_reader lr;
	json_tokener *tok;
	int rc = 0;

	if (!f)
		return -1; /* said by cli_open_input */
	tok = json_tokener_new_ex(JSON_TOKENER_DEPTH);
	if (!tok)
		xoom();
	line_reader_init(&lr, f, (size_t)1 << 30);
	for (;;) {
		const char *line;
		size_t len, k;
		line_status ls = line_reader_next(&lr, &line, &len);
		json_object *obj;

		if (ls == LINE_EOF)
			break;
		if (ls != LINE_OK) {
			cli_error("%s:%lu: cannot read line", shown, lr.lineno);
			rc = -1;
			break;
		}
		for (k = 0; skip_blank && k < len && strchr(" \t\r", line[k]); k++)
			;
		if (skip_blank && k == len)
			continue;
		{
			size_t at;
			const char *why;
			json_top top;

			if (json_strict_check(line, len, JSON_MAX_DEPTH, &at, &why, &top) &&
			    top == JSON_TOP_OBJECT) {
				if (at == len)
					cli_error("%s:%lu: truncated JSON: the line ends inside a value",
						  shown, lr.lineno);
				else
					cli_error("%s:%lu: invalid JSON at byte %zu: %s", shown,
						  lr.lineno, at, why);
				rc = -1;
				break;
			}
			if (top != JSON_TOP_OBJECT) {
				cli_error("%s:%lu: %s", shown, lr.lineno, not_object);
				rc = -1;
				break;
			}
		}
		json_tokener_reset(tok);
		obj = json_tokener_parse_ex(tok, line, (int)len);
		if (!obj || json_tokener_get_error(tok) != json_tokener_success ||
		    !json_object_is_type(obj, json_type_object)) {
			cli_error("%s:%lu: %s", shown, lr.lineno, not_object);
			if (obj)
				json_object_put(obj);
			rc = -1;
			break;
		}
		rc = fn(obj, path, lr.lineno, ctx);
		json_object_put(obj);
		if (rc)
			break;
	}
	line_reader_free(&lr);
	json_tokener_free(tok);
	if (f != stdin)
		fclose(f);
	return rc;
}

int scan_file_each(const char *path, scan_obj_fn fn, void *ctx)
{
	return jsonl_each(path, path, "not a scan result (expected a JSON object written by "
				      "'medscreen scan --format jsonl')",
			  0, fn, ctx);
}

typedef struct set_ctx {
	scan_set *s;
	const char *fname;
} set_ctx;

static int add_rec(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	set_ctx *c = ctx;
	scan_set *s = c->s;
	int prc;

	xgrow(&s->v, &s->cap, s->n + 1, sizeof *s->v);
	memset(&s->v[s->n], 0, sizeof s->v[0]);
	s->v[s->n].line = line;
	s->v[s->n].file = c->fname;
	prc = parse_rec(&s->v[s->n], obj);
	s->n++;
	if (prc) {
		cli_error("%s:%lu: not a scan result: 'status', 'dimensions' or 'findings' missing "
			  "or malformed",
			  path, line);
		return -1;
	}
	return 0;
}

int scan_set_read(scan_set *s, const char *path)
{
	set_ctx c = { s, xstrdup(path) };

	xpush_ptr(&s->files, &s->nfiles, (char *)c.fname);
	return scan_file_each(path, add_rec, &c);
}
