/* Selecting the records to review (--ids) and joining them with their
 * answers (the scanned records) and prompts (the prompt set). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "review.h"
#include "../util.h"
#include "../xalloc.h"
#include "../io/input.h"
#include "../io/results.h"
#include "../report/eval.h"

/* The id of one line of an ids file: the trimmed line, or the "id" of a
 * JSON object; NULL after an error.  *tmp receives what to free. */
static const char *line_id(const char *line, size_t len, const char *path, unsigned long ln,
			   char **tmp, json_object **obj)
{
	json_object *v = NULL;
	const char *id;

	if (line[0] != '{') {
		*tmp = xmalloc(len + 1);
		memcpy(*tmp, line, len);
		(*tmp)[len] = '\0';
		return *tmp;
	}
	*obj = json_tokener_parse(line);
	if (!*obj || !json_object_is_type(*obj, json_type_object)) {
		cli_error("%s:%lu: a line that starts with '{' must be a JSON object", path, ln);
		return NULL;
	}
	if (!json_object_object_get_ex(*obj, "id", &v) || !(id = id_string(v))) {
		cli_error("%s:%lu: id: missing, or not a string or an integer", path, ln);
		return NULL;
	}
	return id;
}

/* One id selected; -1 when it is unknown or listed twice. */
static int select_one(rv_set *s, const char *id, const char *path, unsigned long ln)
{
	size_t i = strmap_get(&s->idx, id);

	if (i == (size_t)-1) {
		cli_error("%s:%lu: id '%s' is not in the scan results", path, ln, id);
		return -1;
	}
	if (s->v[i].want) {
		cli_error("%s:%lu: id '%s' again (first at line %d)", path, ln, id, s->v[i].want);
		return -1;
	}
	s->v[i].want = (int)ln;
	return 0;
}

int rv_select_ids(rv_set *s, const char *path)
{
	FILE *f = cli_open_input(path);
	line_reader lr;
	int rc = 0;

	if (!f)
		return -1;
	for (size_t i = 0; i < s->n; i++)
		s->v[i].want = 0;
	line_reader_init(&lr, f, (size_t)1 << 20);
	for (;;) {
		const char *line, *id;
		size_t len;
		char *tmp = NULL;
		json_object *obj = NULL;
		line_status st = line_reader_next(&lr, &line, &len);

		if (st == LINE_EOF)
			break;
		if (st != LINE_OK) {
			cli_error("%s:%lu: cannot read the line", path, lr.lineno);
			rc = -1;
			break;
		}
		while (len && strchr(" \t\r", line[len - 1]))
			len--;
		while (len && strchr(" \t", line[0]))
			line++, len--;
		if (len == 0)
			continue;
		id = line_id(line, len, path, lr.lineno, &tmp, &obj);
		rc = id ? select_one(s, id, path, lr.lineno) : -1;
		free(tmp);
		json_object_put(obj);
		if (rc)
			break;
	}
	line_reader_free(&lr);
	fclose(f);
	return rc;
}

typedef struct join_ctx {
	rv_set *s;
	const char *field;
	size_t joined;
} join_ctx;

static int record_obj(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	join_ctx *j = ctx;
	json_object *v = NULL;
	const char *id = json_object_object_get_ex(obj, "id", &v) ? id_string(v) : NULL;
	size_t i = id ? strmap_get(&j->s->idx, id) : (size_t)-1;
	rv_item *it;

	(void)line;
	(void)path;
	if (i == (size_t)-1 || !(it = &j->s->v[i])->want || it->answer)
		return 0;   /* not reviewed, or its first record already taken */
	if (!json_object_object_get_ex(obj, j->field, &v) ||
	    !json_object_is_type(v, json_type_string)) {
		cli_error("%s:%lu: %s: the answer of '%s' is missing or not a string",
			  shown_path(path), line, j->field, id);
		return -1;
	}
	it->answer = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(obj, "prompt", &v) && json_object_is_type(v, json_type_string))
		it->prompt = xstrdup(json_object_get_string(v));
	j->joined++;
	return 0;
}

static int join_file(join_ctx *j, const char *path)
{
	return jsonl_each(path, shown_path(path), "not a record (expected a JSON object)", 1,
			  record_obj, j);
}

/* The scanned files of the selected records, each once, in order of first
 * mention. */
static int join_scanned(join_ctx *j, const rv_set *s)
{
	strmap done = { 0 };
	int rc = 0;

	for (size_t i = 0; i < s->n && rc == 0; i++) {
		const char *src = s->v[i].src;
		if (!src || !s->v[i].want || strcmp(src, "-") == 0 ||
		    strmap_get(&done, src) != (size_t)-1)
			continue;
		strmap_put(&done, src, i);
		rc = join_file(j, src);
	}
	strmap_free(&done);
	return rc;
}

int rv_join_records(rv_set *s, const char *const *files, size_t nfiles, const char *text_field)
{
	join_ctx j = { s, text_field, 0 };

	for (size_t i = 0; i < nfiles; i++)
		if (join_file(&j, files[i]))
			return -1;
	if (nfiles)
		return 0;
	return join_scanned(&j, s);
}

int rv_join_prompts(rv_set *s, const ms_prompts *prompts)
{
	for (size_t i = 0; i < s->n; i++) {
		rv_item *it = &s->v[i];
		const ms_prompt *p;
		if (!it->want)
			continue;
		if (!it->answer) {
			cli_error("%s:%lu: no answer for '%s' in the records files (give them with "
				  "--records)", shown_path(it->scan), it->line, it->id);
			return -1;
		}
		if (it->prompt)
			continue;
		if (!prompts || !(p = ms_prompts_find(prompts, it->prompt_id)) || !p->text) {
			cli_error("%s:%lu: no prompt text for '%s': prompt_id '%s' is not in the prompt "
				  "set%s", shown_path(it->scan), it->line, it->id, it->prompt_id,
				  prompts ? "" : " (none given: --prompts FILE)");
			return -1;
		}
		it->prompt = xstrdup(p->text);
	}
	return 0;
}
