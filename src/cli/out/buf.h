/* A growing output buffer and the escapers every writer shares.  A leaf:
 * it knows nothing of records, formats or commands.  All text it writes is
 * valid UTF-8: invalid bytes become U+FFFD. */
#ifndef CLI_OUT_BUF_H
#define CLI_OUT_BUF_H

#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <json-c/json.h>

/* The text is NUL-terminated after every append (data[len] == '\0'), so
 * that it can be used as a string; data is NULL until something is added. */
typedef struct out_buf {
	char *data;
	size_t len, cap;
} out_buf;

/* Make room for n more bytes and the NUL (the slow path of ob_reserve). */
void ob_grow(out_buf *b, size_t n);

/* Room for n more bytes and the NUL after them.  The appends below are
 * inline because the writers make many small ones per record: a call, a
 * grow check and a memcpy of unknown size for each "," cost more than the
 * byte itself. */
static inline void ob_reserve(out_buf *b, size_t n)
{
	if (b->cap - b->len <= n)
		ob_grow(b, n);
}

/* Append n bytes into room made by ob_reserve, without checking it. */
static inline void ob_put(out_buf *b, const void *p, size_t n)
{
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void ob_add(out_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	ob_reserve(b, n);
	ob_put(b, p, n);
}

/* With a string literal the length is known when compiling. */
static inline void ob_adds(out_buf *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

void ob_printf(out_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number in decimal, without printf (the JSON Lines writer's hot path). */
void ob_uint(out_buf *b, unsigned long long v);
/* Write the buffer to f; 0 or -1. */
int ob_write(const out_buf *b, FILE *f);
void ob_free(out_buf *b);

/* A JSON string literal; invalid UTF-8 becomes U+FFFD. */
void ob_json_str(out_buf *b, const char *s, size_t n);
/* Any json-c value, with the same string rules. */
void ob_json_value(out_buf *b, json_object *v);
/* Text with invalid UTF-8 replaced and control characters shown as spaces
 * (newlines kept unless `oneline`), for terminals and the other escapers. */
void ob_safe_text(out_buf *b, const char *s, size_t n, int oneline);

#endif
