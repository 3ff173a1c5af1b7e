/* A growing output buffer and the escapers every writer shares.  A leaf:
 * it knows nothing of records, formats or commands.  All text it writes is
 * valid UTF-8: invalid bytes become U+FFFD. */
#ifndef CLI_OUT_BUF_H
#define CLI_OUT_BUF_H

#include <stdio.h>
#include <stddef.h>
#include <json-c/json.h>

typedef struct out_buf {
	char *data;
	size_t len, cap;
} out_buf;

void ob_add(out_buf *b, const void *p, size_t n);
void ob_adds(out_buf *b, const char *s);
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
