/* The streaming JSON writer (see json.h). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "json.h"

void jw_init(json_w *w, out_buf *b)
{
	memset(w, 0, sizeof *w);
	w->b = b;
}

void jw_resume(json_w *w, out_buf *b, const char *open)
{
	jw_init(w, b);
	for (; *open && w->depth < JW_MAX_DEPTH; open++)
		w->started[w->depth++] = 1;
}

/* Before a value or a key: the comma that separates it from the last. */
static void sep(json_w *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->started[w->depth - 1])
			ob_add(w->b, ",", 1);
		w->started[w->depth - 1] = 1;
	}
}

static void open_c(json_w *w, const char *c)
{
	sep(w);
	ob_add(w->b, c, 1);
	if (w->depth < JW_MAX_DEPTH)
		w->started[w->depth] = 0;
	w->depth++;
}

static void close_c(json_w *w, const char *c)
{
	w->depth--;
	ob_add(w->b, c, 1);
}

void jw_obj(json_w *w)
{
	open_c(w, "{");
}

void jw_obj_end(json_w *w)
{
	close_c(w, "}");
}

void jw_arr(json_w *w)
{
	open_c(w, "[");
}

void jw_arr_end(json_w *w)
{
	close_c(w, "]");
}

void jw_key(json_w *w, const char *key)
{
	sep(w);
	ob_json_str(w->b, key, strlen(key));
	ob_add(w->b, ":", 1);
	w->after_key = 1;
}

void jw_strn(json_w *w, const char *s, size_t n)
{
	sep(w);
	ob_json_str(w->b, s, n);
}

void jw_str(json_w *w, const char *s)
{
	if (s)
		jw_strn(w, s, strlen(s));
	else
		jw_null(w);
}

void jw_raw(json_w *w, const char *text)
{
	sep(w);
	ob_adds(w->b, text);
}

void jw_null(json_w *w)
{
	jw_raw(w, "null");
}

void jw_bool(json_w *w, int v)
{
	jw_raw(w, v ? "true" : "false");
}

void jw_uint(json_w *w, unsigned long long v)
{
	sep(w);
	ob_uint(w->b, v);
}

void jw_int(json_w *w, long long v)
{
	sep(w);
	ob_printf(w->b, "%lld", v);
}

void jw_fixed(json_w *w, double v, int decimals)
{
	if (isnan(v)) {
		jw_null(w);
		return;
	}
	sep(w);
	ob_printf(w->b, "%.*f", decimals, v);
}

void jw_g(json_w *w, double v)
{
	sep(w);
	ob_printf(w->b, "%g", v);
}

void jw_value(json_w *w, json_object *v)
{
	sep(w);
	ob_json_value(w->b, v);
}
