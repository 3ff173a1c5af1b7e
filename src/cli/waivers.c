/* Waivers (see waivers.h), read with libyaml's document loader. */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yaml.h>

#include "util.h"
#include "waivers.h"
#include "xalloc.h"

static int bad(const char *path, const yaml_node_t *n, const char *what, const char *detail)
{
	cli_error("%s:%lu:%lu: %s%s%s", path, (unsigned long)n->start_mark.line + 1,
		  (unsigned long)n->start_mark.column + 1, what, detail ? ": " : "",
		  detail ? detail : "");
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* YYYY-MM-DD of a real day. */
static int valid_date(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;
	char tail;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' ||
	    s[7] != '-' || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

/* One entry of the list into w; -1 after an error. */
static int one_waiver(yaml_document_t *doc, const char *path, const yaml_node_t *n, waiver *w,
		      const char *today)
{
	static const char *const keys[] = { "rule", "record", "model", "prompt_id", "reason",
					    "accepted_by", "expires" };
	char **slot[] = { &w->rule, &w->record, &w->model, &w->prompt_id, &w->reason,
			  &w->accepted_by, NULL };
	const char *expires = NULL;

	if (n->type != YAML_MAPPING_NODE)
		return bad(path, n, "a waiver is a mapping", NULL);
	w->line = (unsigned long)n->start_mark.line + 1;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(doc, p->value);
		size_t i;

		for (i = 0; i < 7 && !(scalar(k) && strcmp(scalar(k), keys[i]) == 0); i++)
			;
		if (i == 7)
			return bad(path, k, "unknown key in a waiver (rule, record, model, prompt_id, "
					    "reason, accepted_by, expires)", NULL);
		if (!scalar(v) || !*scalar(v))
			return bad(path, v, "expected a non-empty string", keys[i]);
		if (slot[i])
			*slot[i] = xstrdup(scalar(v));
		else
			expires = scalar(v);
	}
	if (!w->rule || !w->reason || !w->accepted_by || !expires)
		return bad(path, n, "a waiver needs rule, reason, accepted_by and expires", NULL);
	if (!w->record && !(w->model && w->prompt_id))
		return bad(path, n, "a waiver names a record, or a model and a prompt_id", NULL);
	if (w->record && (w->model || w->prompt_id))
		return bad(path, n, "a waiver names a record or a model and a prompt_id, not both",
			   NULL);
	if (!valid_date(expires))
		return bad(path, n, "expires must be a date YYYY-MM-DD", expires);
	memcpy(w->expires, expires, 11);
	w->lapsed = strcmp(w->expires, today) < 0;
	return 0;
}

static void waiver_free(waiver *w)
{
	free(w->rule);
	free(w->record);
	free(w->model);
	free(w->prompt_id);
	free(w->reason);
	free(w->accepted_by);
}

static int load_doc(waiver_set *ws, yaml_document_t *doc, const char *path, const char *today)
{
	const yaml_node_t *root = yaml_document_get_root_node(doc), *list = NULL;

	if (!root)
		return 0; /* an empty file waives nothing */
	if (root->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
		     p < root->data.mapping.pairs.top; p++) {
			const yaml_node_t *k = yaml_document_get_node(doc, p->key);
			if (!scalar(k) || strcmp(scalar(k), "waivers") != 0)
				return bad(path, k, "unknown key (a waiver file has one: waivers)", NULL);
			list = yaml_document_get_node(doc, p->value);
		}
	}
	if (!list || list->type != YAML_SEQUENCE_NODE)
		return bad(path, list ? list : root, "expected 'waivers:' and a list of waivers",
			   NULL);
	ws->n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
	ws->v = xcalloc(ws->n ? ws->n : 1, sizeof *ws->v);
	for (size_t i = 0; i < ws->n; i++)
		if (one_waiver(doc, path, yaml_document_get_node(doc, list->data.sequence.items.start[i]),
			       &ws->v[i], today))
			return -1;
	return 0;
}

int waivers_load(waiver_set *ws, const char *path, const char *today)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	FILE *f = cli_open_input(path);
	int rc = -1;

	memset(ws, 0, sizeof *ws);
	if (!f)
		return -1;
	if (!yaml_parser_initialize(&parser))
		xoom();
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		cli_error("%s:%lu:%lu: YAML syntax error: %s", path,
			  (unsigned long)parser.problem_mark.line + 1,
			  (unsigned long)parser.problem_mark.column + 1,
			  parser.problem ? parser.problem : "unknown");
	} else {
		rc = load_doc(ws, &doc, path, today);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	if (rc)
		waivers_free(ws);
	else
		ws->path = xstrdup(path);
	return rc;
}

void waivers_free(waiver_set *ws)
{
	for (size_t i = 0; ws->v && i < ws->n; i++)
		waiver_free(&ws->v[i]);
	free(ws->v);
	free(ws->path);
	memset(ws, 0, sizeof *ws);
}

static int same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

const waiver *waiver_find(waiver_set *ws, const char *rule, const char *record,
			  const char *model, const char *prompt_id)
{
	for (size_t i = 0; ws && i < ws->n; i++) {
		waiver *w = &ws->v[i];

		if (w->lapsed || fnmatch(w->rule, rule, 0) != 0)
			continue;
		if (w->record ? !same(w->record, record)
			      : !(same(w->model, model) && same(w->prompt_id, prompt_id)))
			continue;
		atomic_fetch_add_explicit(&w->used, 1, memory_order_relaxed);
		return w;
	}
	return NULL;
}

void waivers_report(const waiver_set *ws)
{
	for (size_t i = 0; ws && i < ws->n; i++) {
		const waiver *w = &ws->v[i];
		const char *what = w->record ? w->record : w->model;

		if (w->lapsed)
			cli_warning("%s:%lu: waiver of %s on %s%s%s expired on %s and was not applied",
				    ws->path, w->line, w->rule, what, w->record ? "" : ", prompt ",
				    w->record ? "" : w->prompt_id, w->expires);
		else if (!atomic_load_explicit(&w->used, memory_order_relaxed))
			cli_warning("%s:%lu: waiver of %s on %s%s%s matched no finding", ws->path,
				    w->line, w->rule, what, w->record ? "" : ", prompt ",
				    w->record ? "" : w->prompt_id);
	}
}

void waivers_today(char out[11])
{
	const char *env = getenv("MEDSCREEN_TODAY");
	time_t now = time(NULL);
	struct tm tm;

	if (env && valid_date(env)) {
		memcpy(out, env, 11);
		return;
	}
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
