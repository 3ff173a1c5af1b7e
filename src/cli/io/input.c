/* Input: a line reader that bounds memory per line, field mapping, and JSON
 * record parsing.  Records are json-c trees, built as json-c's tokenizer
 * builds them (jsonbuild.h): invalid UTF-8 inside strings (model output
 * contains it) is kept, and NUL bytes escaped as \u0000 keep their length;
 * both are screened as bytes, never rejected. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "jsonbuild.h"
#include "jsonstrict.h"
#include "../suggest.h"
#include "../util.h"
#include "../xalloc.h"

#define READ_CHUNK (1u << 16)

void line_reader_init(line_reader *r, FILE *f, size_t max)
{
	memset(r, 0, sizeof *r);
	r->f = f;
	r->max = max;
}

void line_reader_free(line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Read more bytes after the unread part, compacting first.  Returns the
 * number of bytes read: 0 at end of file. */
static size_t fill(line_reader *r)
{
	size_t n;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->fill - r->pos);
		r->fill -= r->pos;
		r->pos = 0;
	}
	if (r->cap - r->fill < READ_CHUNK) {
		size_t ncap = r->cap ? r->cap * 2 : 4 * READ_CHUNK;

		while (ncap - r->fill < READ_CHUNK)
			ncap *= 2;
		r->buf = xrealloc(r->buf, ncap);
		r->cap = ncap;
	}
	n = fread(r->buf + r->fill, 1, r->cap - r->fill, r->f);
	r->fill += n;
	return n;
}

void line_reader_release_line(line_reader *r)
{
	size_t rest = r->fill - r->pos, cap = 2 * (size_t)READ_CHUNK;
	char *nb;

	if (r->cap <= 4 * cap || rest > cap / 2)
		return;
	nb = xmalloc(cap);
	memcpy(nb, r->buf + r->pos, rest);
	free(r->buf);
	r->buf = nb;
	r->cap = cap;
	r->pos = 0;
	r->fill = rest;
}

line_status line_reader_next(line_reader *r, const char **line, size_t *len)
{
	size_t scanned = 0; /* bytes after pos known to hold no newline */

	for (;;) {
		/* No arithmetic on the null buffer before the first read. */
		char *start = r->buf ? r->buf + r->pos : NULL;
		size_t avail = r->fill - r->pos;
		char *nl = avail > scanned ? memchr(start + scanned, '\n', avail - scanned) : NULL;

		if (nl) {
			size_t l = (size_t)(nl - start);
			r->pos += l + 1;
			r->lineno++;
			if (l && start[l - 1] == '\r')
				l--;
			*line = start;
			*len = l;
			return l > r->max ? LINE_TOO_LONG : LINE_OK;
		}
		scanned = avail;
		if (avail > r->max) {
			/* Too long: consume up to the newline without keeping it. */
			size_t total = avail;
			r->pos = r->fill = 0;
			for (;;) {
				size_t n = fread(r->buf, 1, r->cap, r->f);
				char *q;
				if (n == 0) {
					if (ferror(r->f))
						return LINE_IO_ERROR;
					r->lineno++;
					*len = total;
					return LINE_TOO_LONG;
				}
				q = memchr(r->buf, '\n', n);
				if (q) {
					total += (size_t)(q - r->buf);
					r->pos = (size_t)(q - r->buf) + 1;
					r->fill = n;
					r->lineno++;
					*len = total;
					return LINE_TOO_LONG;
				}
				total += n;
			}
		}
		if (r->eof || fill(r) == 0) {
			if (ferror(r->f))
				return LINE_IO_ERROR;
			r->eof = 1;
			avail = r->fill - r->pos;
			if (avail == 0)
				return LINE_EOF;
			/* Last line without a newline. */
			start = r->buf + r->pos;
			r->pos = r->fill;
			r->lineno++;
			if (avail && start[avail - 1] == '\r')
				avail--;
			*line = start;
			*len = avail;
			return avail > r->max ? LINE_TOO_LONG : LINE_OK;
		}
	}
}

/* ---------------- field mapping ---------------- */

const char *const field_names[F_COUNT] = {
	"response", "id", "model", "model_group", "weights", "prompt_id", "prompt", "sample",
	"labels", "tags",
};

void field_map_init(field_map *m)
{
	for (int i = 0; i < F_COUNT; i++)
		m->path[i] = xstrdup(field_names[i]);
}

void field_map_free(field_map *m)
{
	for (int i = 0; i < F_COUNT; i++) {
		free(m->path[i]);
		m->path[i] = NULL;
	}
}

int field_map_set(field_map *m, const char *arg)
{
	const char *eq = strchr(arg, '='), *best;

	if (!eq || eq == arg || !eq[1]) {
		cli_error("--field expects NAME=PATH, not '%s'", arg);
		return -1;
	}
	for (int i = 0; i < F_COUNT; i++) {
		if (strlen(field_names[i]) == (size_t)(eq - arg) &&
		    strncmp(field_names[i], arg, (size_t)(eq - arg)) == 0) {
			const char *p = eq + 1;
			if (p[0] == '.' || p[strlen(p) - 1] == '.' || strstr(p, "..")) {
				cli_error("--field %s: empty segment in path '%s'", field_names[i], p);
				return -1;
			}
			free(m->path[i]);
			m->path[i] = xstrdup(p);
			return 0;
		}
	}
	best = suggest_name(arg, (size_t)(eq - arg), field_names, F_COUNT);
	cli_error("--field: unknown field '%.*s' (known: response, id, model, model_group, "
		  "weights, prompt_id, prompt, sample, labels, tags)%s%s%s",
		  (int)(eq - arg), arg, best ? "; did you mean '" : "", best ? best : "",
		  best ? "'?" : "");
	return -1;
}

/* Follow a dotted path; numeric segments index arrays.  A key that holds
 * the rest of the path, dots included (a CSV column "answer.text"), is
 * taken whole. */
json_object *json_lookup(json_object *obj, const char *path)
{
	char seg[256];
	json_object *whole;

	while (obj && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (dot && json_object_is_type(obj, json_type_object) &&
		    json_object_object_get_ex(obj, path, &whole))
			return whole;

		if (n >= sizeof seg)
			return NULL;
		memcpy(seg, path, n);
		seg[n] = '\0';
		if (json_object_is_type(obj, json_type_object)) {
			if (!json_object_object_get_ex(obj, seg, &obj))
				return NULL;
		} else if (json_object_is_type(obj, json_type_array)) {
			char *end;
			unsigned long i = strtoul(seg, &end, 10);
			if (*end || !n || i >= json_object_array_length(obj))
				return NULL;
			obj = json_object_array_get_idx(obj, i);
		} else {
			return NULL;
		}
		path += n + (dot ? 1 : 0);
	}
	return obj;
}

static const char *type_name(json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

void in_record_clear(in_record *rec)
{
	if (rec->obj)
		json_object_put(rec->obj);
	memset(rec, 0, sizeof *rec);
}

static void fail(in_record *rec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(in_record *rec, const char *fmt, ...)
{
	va_list ap;

	if (rec->error)
		return;
	va_start(ap, fmt);
	vsnprintf(rec->errbuf, sizeof rec->errbuf, fmt, ap);
	va_end(ap);
	rec->error = rec->errbuf;
}

/* A record's own tags: a string or a list of strings. */
static void parse_tags(in_record *rec, const char *name, json_object *v)
{
	if (json_object_is_type(v, json_type_string)) {
		rec->tags[rec->ntags++] = json_object_get_string(v);
		return;
	}
	if (!json_object_is_type(v, json_type_array)) {
		fail(rec, "field '%s' must be a string or a list of strings, not %s", name,
		     type_name(v));
		return;
	}
	if (json_object_array_length(v) > MAX_RECORD_TAGS) {
		fail(rec, "field '%s' has %zu tags, more than %d", name,
		     json_object_array_length(v), MAX_RECORD_TAGS);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *t = json_object_array_get_idx(v, i);
		if (!json_object_is_type(t, json_type_string)) {
			fail(rec, "field '%s': item %zu must be a string, not %s", name, i + 1,
			     type_name(t));
			rec->ntags = 0;
			return;
		}
		rec->tags[rec->ntags++] = json_object_get_string(t);
	}
}

/* Parse the line into rec->obj; 0, or -1 with rec->error set (rec->obj
 * is then NULL).  The line must be strict JSON (see jsonstrict.h); its
 * json-c tree is then built from it. */
static int parse_object(in_record *rec, json_tokener *tok, const char *line, size_t len)
{
	size_t i, skipped = 0, at;
	const char *why;
	json_top top;

	/* A byte order mark before the record (Windows editors write one at
	 * the start of a file) is not part of it. */
	if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
		line += 3;
		len -= 3;
		skipped = 3;
	}
	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i == len) {
		fail(rec, "empty line: expected a JSON object");
		return -1;
	}
	if (len > (size_t)INT32_MAX) {
		fail(rec, "line too long for the JSON parser");
		return -1;
	}
	if (json_strict_check(line, len, JSON_MAX_DEPTH, &at, &why, &top)) {
		if (top != JSON_TOP_NONE && top != JSON_TOP_OBJECT) {
			fail(rec, "a record must be a JSON object, not %s", json_top_name(top));
			return -1;
		}
		if (top == JSON_TOP_NONE && line[i] != '{')
			fail(rec, "invalid JSON: a record must be an object starting with '{'");
		else if (at == len)
			fail(rec, "truncated JSON: the line ends inside a value");
		else
			fail(rec, "invalid JSON at byte %zu: %s", at + skipped, why);
		/* A whole object with something after it: its fields are still
		 * read for the output (id, model, prompt_id). */
		if (top != JSON_TOP_OBJECT || strcmp(why, JSON_STRICT_TRAILING) != 0)
			return -1;
		len = at;
	} else if (top != JSON_TOP_OBJECT) {
		fail(rec, "a record must be a JSON object, not %s", json_top_name(top));
		return -1;
	}
	/* The checked text as json-c's tokener would read it, without the
	 * tokener (jsonbuild.h).  `tok` is no longer read; the callers still
	 * pass the one they keep. */
	(void)tok;
	rec->obj = json_strict_build(line, len);
	return 0;
}

/* One mapped field f found at v. */
static void take_field(in_record *rec, const field_map *m, int f, json_object *v)
{
	if (f == F_LABELS) {
		rec->labels = v;
		return;
	}
	if (f == F_TAGS) {
		parse_tags(rec, m->path[f], v);
		return;
	}
	if (f == F_SAMPLE)
		rec->sample = v;
	switch (json_object_get_type(v)) {
	case json_type_string:
		rec->str[f] = json_object_get_string(v);
		if (f == F_RESPONSE)
			rec->response_len = (size_t)json_object_get_string_len(v);
		if (f == F_PROMPT)
			rec->prompt_len = (size_t)json_object_get_string_len(v);
		break;
	case json_type_int:
		if (f == F_ID || f == F_SAMPLE) {
			rec->str[f] = json_object_get_string(v);
			break;
		}
		/* fall through */
	default:
		if (f == F_RESPONSE && json_object_object_get_ex(rec->obj, "custom_id", NULL))
			fail(rec, "field '%s' must be a string, not %s; for an OpenAI batch output "
			     "file use --preset openai-batch", m->path[f], type_name(v));
		if (f == F_RESPONSE || f == F_PROMPT || f == F_ID || f == F_MODEL ||
		    f == F_MODEL_GROUP || f == F_WEIGHTS || f == F_PROMPT_ID)
			fail(rec, "field '%s' must be a string, not %s", m->path[f], type_name(v));
		break;
	}
}

/* Fields that hold an answer under another name, in the order looked at. */
const char *const answer_fields[] = { "output", "completion", "answer", "text", "content",
					     NULL };

/* The record has no response where the mapping looks: say what to write
 * when it holds the answer under another name, or comes from a tool that
 * a preset reads. */
static void no_response(in_record *rec, const field_map *m)
{
	json_object *v;

	if (strcmp(m->path[F_RESPONSE], "response") == 0) {
		for (size_t i = 0; answer_fields[i]; i++)
			if (json_object_object_get_ex(rec->obj, answer_fields[i], &v) &&
			    json_object_is_type(v, json_type_string)) {
				fail(rec, "no 'response' field; the answer seems to be in '%s': use "
				     "--field response=%s", answer_fields[i], answer_fields[i]);
				return;
			}
		if (json_object_object_get_ex(rec->obj, "messages", &v) &&
		    json_object_is_type(v, json_type_array)) {
			fail(rec, "no 'response' field; for a chat in 'messages' use --preset messages");
			return;
		}
		if (json_object_object_get_ex(rec->obj, "custom_id", &v)) {
			fail(rec, "no 'response' text; for an OpenAI batch output file use "
			     "--preset openai-batch");
			return;
		}
		if (json_object_object_get_ex(rec->obj, "entry_type", &v)) {
			fail(rec, "no 'response' field; for a garak report use --preset garak");
			return;
		}
	}
	fail(rec, "no '%s' field", m->path[F_RESPONSE]);
}

void in_record_parse(in_record *rec, json_tokener *tok, const field_map *m, const char *line,
		     size_t len)
{
	in_record_clear(rec);
	if (parse_object(rec, tok, line, len))
		return;
	for (int f = 0; f < F_COUNT; f++) {
		json_object *v = json_lookup(rec->obj, m->path[f]);
		if (v)
			take_field(rec, m, f, v);
	}
	if (!rec->str[F_RESPONSE] && !rec->error)
		no_response(rec, m);
}

json_object *json_record_object(json_tokener *tok, const char *line, size_t len)
{
	in_record rec;
	json_object *obj;

	memset(&rec, 0, sizeof rec);
	if (parse_object(&rec, tok, line, len) || rec.error) {
		in_record_clear(&rec);
		return NULL;
	}
	obj = rec.obj;
	rec.obj = NULL;
	return obj;
}
