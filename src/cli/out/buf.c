/* The output buffer and its JSON and terminal escapers (see buf.h). */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"
#include "../xalloc.h"

static void ob_grow(out_buf *b, size_t n)
{
	size_t ncap;

	if (b->len + n + 1 <= b->cap)
		return;
	ncap = b->cap ? b->cap : 4096;
	while (ncap < b->len + n + 1)
		ncap *= 2;
	b->data = xrealloc(b->data, ncap);
	b->cap = ncap;
}

void ob_add(out_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	ob_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ob_adds(out_buf *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

void ob_uint(out_buf *b, unsigned long long v)
{
	char tmp[24];
	size_t n = sizeof tmp;

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ob_add(b, tmp + n, sizeof tmp - n);
}

void ob_printf(out_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Format once into the free space; only a result that does not fit
	 * is formatted again after growing. */
	ob_grow(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		ob_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

int ob_write(const out_buf *b, FILE *f)
{
	return b->len && fwrite(b->data, 1, b->len, f) != b->len ? -1 : 0;
}

void ob_free(out_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Bytes at s + i that are not plain printable ASCII: one escape or one
 * character (or U+FFFD for an invalid byte).  Returns the bytes consumed. */
static size_t json_escape_one(out_buf *b, const char *s, size_t i, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char c = u[i];
	size_t k;

	if (c < 0x80) {
		switch (c) {
		case '"': ob_add(b, "\\\"", 2); break;
		case '\\': ob_add(b, "\\\\", 2); break;
		case '\n': ob_add(b, "\\n", 2); break;
		case '\r': ob_add(b, "\\r", 2); break;
		case '\t': ob_add(b, "\\t", 2); break;
		default: ob_printf(b, "\\u%04x", c); break;
		}
		return 1;
	}
	k = utf8_len(u + i, n - i);
	if (k) {
		ob_add(b, s + i, k);
		return k;
	}
	ob_add(b, utf8_replacement, 3);
	return 1;
}

void ob_json_str(out_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	ob_grow(b, n + 2);
	b->data[b->len++] = '"';
	while (i < n) {
		unsigned char c = u[i];

		/* Runs of plain ASCII are copied at once. */
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		if (run) {
			ob_add(b, s + i - run, run);
			run = 0;
		}
		i += json_escape_one(b, s, i, n);
	}
	if (run)
		ob_add(b, s + i - run, run);
	ob_add(b, "\"", 1);
}

static void json_array(out_buf *b, json_object *v)
{
	size_t n = json_object_array_length(v);

	ob_add(b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_add(b, ",", 1);
		ob_json_value(b, json_object_array_get_idx(v, i));
	}
	ob_add(b, "]", 1);
}

static void json_object_(out_buf *b, json_object *v)
{
	int first = 1;

	ob_add(b, "{", 1);
	json_object_object_foreach(v, key, val) {
		if (!first)
			ob_add(b, ",", 1);
		first = 0;
		ob_json_str(b, key, strlen(key));
		ob_add(b, ":", 1);
		ob_json_value(b, val);
	}
	ob_add(b, "}", 1);
}

void ob_json_value(out_buf *b, json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		ob_adds(b, "null");
		break;
	case json_type_boolean:
		ob_adds(b, json_object_get_boolean(v) ? "true" : "false");
		break;
	case json_type_int:
	case json_type_double:
		ob_adds(b, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_string:
		ob_json_str(b, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		json_array(b, v);
		break;
	case json_type_object:
		json_object_(b, v);
		break;
	}
}

void ob_safe_text(out_buf *b, const char *s, size_t n, int oneline)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		size_t k;

		if (c < 0x20 || c == 0x7F) {
			if (c == '\n' && !oneline)
				ob_add(b, "\n", 1);
			else
				ob_add(b, " ", 1);
			i++;
			continue;
		}
		k = utf8_len(u + i, n - i);
		if (k) {
			ob_add(b, s + i, k);
			i += k;
		} else {
			ob_add(b, utf8_replacement, 3);
			i++;
		}
	}
}
