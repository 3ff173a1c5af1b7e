/* A small streaming JSON writer over out_buf: it places the commas and
 * colons, so that the documents of report, diff, eval and rules are built
 * value by value, not printf by printf.  Strings go through ob_json_str
 * (valid UTF-8 always).  Compact output, keys in the order written. */
#ifndef CLI_OUT_JSON_H
#define CLI_OUT_JSON_H

#include "buf.h"

#define JW_MAX_DEPTH 32

typedef struct json_w {
	out_buf *b;
	int depth;
	int after_key;                          /* the next value follows a key */
	unsigned char started[JW_MAX_DEPTH];    /* the container has a member */
} json_w;

void jw_init(json_w *w, out_buf *b);
/* Go on with a document written in pieces (by other writers or buffers):
 * `open` lists the containers still open, outermost first, e.g. "{[{[",
 * each already holding a member. */
void jw_resume(json_w *w, out_buf *b, const char *open);
void jw_obj(json_w *w);         /* { */
void jw_obj_end(json_w *w);     /* } */
void jw_arr(json_w *w);         /* [ */
void jw_arr_end(json_w *w);     /* ] */
void jw_key(json_w *w, const char *key);
void jw_str(json_w *w, const char *s);          /* NULL: null */
void jw_strn(json_w *w, const char *s, size_t n);
void jw_null(json_w *w);
void jw_bool(json_w *w, int v);
void jw_uint(json_w *w, unsigned long long v);
void jw_int(json_w *w, long long v);
/* A number with `decimals` digits after the point; NAN is null. */
void jw_fixed(json_w *w, double v, int decimals);
/* A number in printf's %g. */
void jw_g(json_w *w, double v);
/* Text that already is a JSON value (a number kept as written). */
void jw_raw(json_w *w, const char *text);
/* A json-c value, with ob_json_value's string rules. */
void jw_value(json_w *w, json_object *v);

#endif
