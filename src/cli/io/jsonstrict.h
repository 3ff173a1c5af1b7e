/* A strict check of one JSON text (RFC 8259) before json-c parses it.
 * json-c accepts more than JSON, even in its strict mode: single-quoted
 * strings, NaN and Infinity, integers beyond 64 bits (silently clamped),
 * control characters inside strings.  Bytes that are not UTF-8 inside
 * strings are left to the reader (the scanner reads them as they are).  Records that carry them are errors
 * with a message that names the byte and says what to write instead, never
 * values copied into the output in a form strict readers reject. */
#ifndef CLI_JSONSTRICT_H
#define CLI_JSONSTRICT_H

#include <stddef.h>

/* Nesting depth of the records read: one less than the depth json-c's
 * tokeners are made with (JSON_TOKENER_DEPTH), which counts the top. */
#define JSON_TOKENER_DEPTH 64
#define JSON_MAX_DEPTH (JSON_TOKENER_DEPTH - 1)

typedef enum json_top {
	JSON_TOP_NONE,
	JSON_TOP_OBJECT,
	JSON_TOP_ARRAY,
	JSON_TOP_STRING,
	JSON_TOP_NUMBER,
	JSON_TOP_BOOL,
	JSON_TOP_NULL
} json_top;

/* Checks that [s, s + len) is one JSON value with only JSON white space
 * around it, nested at most `max_depth` deep.  Returns 0, or -1 with *at
 * the offset of the offending byte and *why a message (static storage).
 * *top receives the kind of the outermost value as soon as it is known, even
 * when the text is invalid further on. */
int json_strict_check(const char *s, size_t len, int max_depth, size_t *at, const char **why,
		      json_top *top);

/* The first offset from i on (at most len) whose byte ends a run of plain
 * string content: the quote, the backslash or a control byte (below 0x20).
 * Bytes from 0x80 up are plain: UTF-8 is not checked here.  Inside a
 * string the bulk of a record is such runs; with SSE2 they are crossed 16
 * bytes at a time. */
size_t json_string_run(const unsigned char *p, size_t i, size_t len);

/* The message of a text that holds a whole value and then more. */
#define JSON_STRICT_TRAILING "unexpected data after the JSON value"

/* "an object", "a number", ... for messages. */
const char *json_top_name(json_top t);

#endif
