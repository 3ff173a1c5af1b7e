/* One JSON document of records: an array of them, or an object holding
 * one array of them (a preset names where: promptfoo's results.results).
 * The document is read whole and checked strictly first: a syntax error
 * anywhere makes the input unreadable, with its line and column, as for
 * any JSON reader.  Each element then reaches the sink as its own text,
 * with the line where it starts; what it holds is checked per record. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "jsonstrict.h"
#include "source.h"
#include "../out/buf.h"
#include "../util.h"
#include "../xalloc.h"

/* Wrapping objects may add a few levels above the records' own. */
#define WRAP_DEPTH 4

typedef struct doc {
	const char *s;
	size_t len;
	const char *name;
	size_t pos;               /* where the line count stands */
	unsigned long line;
	size_t col_start;         /* offset of the current line's first byte */
} doc;

/* Advance the line count to offset `to`. */
static void line_at(doc *d, size_t to)
{
	for (; d->pos < to; d->pos++)
		if (d->s[d->pos] == '\n') {
			d->line++;
			d->col_start = d->pos + 1;
		}
}

static size_t skip_ws(const doc *d, size_t i)
{
	while (i < d->len && strchr(" \t\r\n", d->s[i]) && d->s[i])
		i++;
	return i;
}

/* The end of the (valid) string starting at the quote at i. */
static size_t skip_string(const doc *d, size_t i)
{
	for (i++; i < d->len && d->s[i] != '"'; i++)
		if (d->s[i] == '\\')
			i++;
	return i + 1;
}

/* The end of the (valid) value starting at i. */
static size_t skip_value(const doc *d, size_t i)
{
	int depth = 0;

	do {
		char ch = d->s[i];
		if (ch == '"') {
			i = skip_string(d, i);
			continue;
		}
		if (ch == '{' || ch == '[')
			depth++;
		else if (ch == '}' || ch == ']')
			depth--;
		else if (depth == 0) {
			/* A scalar: up to the next delimiter. */
			while (i < d->len && !strchr(",]} \t\r\n", d->s[i]))
				i++;
			return i;
		}
		i++;
	} while (depth > 0 && i < d->len);
	return i;
}

/* In the object at i, the value of member `key` (length n); 0 when absent.
 * With key NULL, the member whose value is an array: *count says how many
 * there were, and `names` gets their names. */
static size_t member(const doc *d, size_t i, const char *key, size_t n, int *count,
		     out_buf *names)
{
	size_t found = 0;

	*count = 0;
	i = skip_ws(d, i + 1);
	while (i < d->len && d->s[i] == '"') {
		size_t kend = skip_string(d, i), v = skip_ws(d, skip_ws(d, kend) + 1);
		if (key ? kend - i - 2 == n && memcmp(d->s + i + 1, key, n) == 0 : d->s[v] == '[') {
			found = v;
			if (names) {
				ob_adds(names, *count ? ", " : "");
				ob_safe_text(names, d->s + i, kend - i, 1);
			}
			++*count;
		}
		i = skip_ws(d, skip_value(d, v));
		if (d->s[i] == ',')
			i = skip_ws(d, i + 1);
	}
	return found;
}

#define NOT_FOUND ((size_t)-1)

/* The offset of the records' array; NOT_FOUND after an error. */
static size_t find_array(const doc *d, size_t i, const char *path)
{
	int count = 0;

	while (path && *path && d->s[i] == '{') {
		size_t n = strcspn(path, ".");
		size_t v = member(d, i, path, n, &count, NULL);
		if (!v) {
			cli_error("%s: no '%.*s' member where the records should be (%s)", d->name,
				  (int)n, path, path);
			return NOT_FOUND;
		}
		i = v;
		path += n + (path[n] == '.');
	}
	if (d->s[i] == '{') {
		out_buf names = { 0 };
		size_t v = member(d, i, NULL, 0, &count, &names);
		if (count != 1) {
			cli_error("%s: a JSON input holds an array of records, or an object with "
				  "one array of them; this object has %s%s%s", d->name,
				  count ? "several: " : "none",
				  count ? names.data : "",
				  count ? " (use JSON Lines, or keep one)" : "");
			ob_free(&names);
			return NOT_FOUND;
		}
		ob_free(&names);
		i = v;
	}
	if (d->s[i] != '[') {
		cli_error("%s: a JSON input holds an array of records, not %s", d->name,
			  d->s[i] == '"' ? "a string" : "a single value");
		return NOT_FOUND;
	}
	return i;
}

static void each_element(source_cfg *c, doc *d, size_t i, rec_sink sink, void *ctx)
{
	size_t last = 0;

	i = skip_ws(d, i + 1);
	while (i < d->len && d->s[i] != ']') {
		size_t end = skip_value(d, i);
		rec_text t = { 0 };

		line_at(d, i);
		t.line = d->line;
		t.len = end - i;
		t.too_long = t.len > c->max_record;
		t.text = t.too_long ? NULL : d->s + i;
		c->consumed += end - last;
		last = end;
		sink(ctx, &t);
		i = skip_ws(d, end);
		if (d->s[i] == ',')
			i = skip_ws(d, i + 1);
	}
	c->consumed += d->len - last;
}

int read_json(source_cfg *c, FILE *f, const char *name, const char *path, rec_sink sink,
	      void *ctx)
{
	size_t len, at, i, skip = 0;
	const char *why;
	json_top top;
	char *buf = source_slurp(f, name, &len);
	doc d;

	if (!buf)
		return -1;
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	d = (doc){ buf, len, name, skip, 1, skip };
	if (skip_ws(&d, skip) == len) {
		cli_error("%s: empty: a JSON input holds an array of records", name);
		free(buf);
		return -1;
	}
	if (json_strict_check(buf + skip, len - skip, JSON_MAX_DEPTH + WRAP_DEPTH, &at, &why,
			      &top)) {
		line_at(&d, skip + at);
		cli_error("%s:%lu:%zu: invalid JSON: %s", name, d.line, skip + at - d.col_start + 1,
			  at + skip >= len ? "the document ends inside a value" : why);
		free(buf);
		return -1;
	}
	i = find_array(&d, skip_ws(&d, skip), path);
	if (i != NOT_FOUND)
		each_element(c, &d, i, sink, ctx);
	free(buf);
	return i != NOT_FOUND ? 0 : -1;
}
