/* Records in: the format of each input, JSON Lines, and the preset in
 * between (see source.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "presets.h"
#include "source.h"
#include "../util.h"
#include "../xalloc.h"

static const char *const format_names[] = { "jsonl", "json", "csv", NULL };

int input_format_parse(const char *arg, input_format *out)
{
	int i = cli_choice("--input-format", arg, format_names);

	if (i < 0)
		return -1;
	*out = (input_format)(INPUT_JSONL + i);
	return 0;
}

const char *input_format_name(input_format f)
{
	return f == INPUT_JSON ? "json" : f == INPUT_CSV ? "csv" : "jsonl";
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

input_format input_format_of_ext(const char *name)
{
	if (!name)
		return INPUT_AUTO;
	if (ends_with(name, ".json"))
		return INPUT_JSON;
	if (ends_with(name, ".csv"))
		return INPUT_CSV;
	if (ends_with(name, ".jsonl") || ends_with(name, ".ndjson"))
		return INPUT_JSONL;
	return INPUT_AUTO;
}

input_format input_format_of(const char *name)
{
	input_format f = input_format_of_ext(name);

	return f == INPUT_AUTO ? INPUT_JSONL : f;
}

int read_jsonl(source_cfg *c, FILE *f, const char *name, rec_sink sink, void *ctx)
{
	line_reader lr;
	int rc = 0;

	line_reader_init(&lr, f, c->max_record);
	for (;;) {
		rec_text t = { 0 };
		line_status ls = line_reader_next(&lr, &t.text, &t.len);

		if (ls == LINE_IO_ERROR) {
			cli_error("%s: read error after line %lu: %s", name, lr.lineno,
				  strerror(errno));
			rc = -1;
			break;
		}
		if (ls == LINE_EOF)
			break;
		c->consumed += t.len + 1;
		t.line = lr.lineno;
		t.too_long = ls == LINE_TOO_LONG;
		if (t.too_long)
			t.text = NULL;
		t.reader = &lr;
		sink(ctx, &t);
	}
	line_reader_free(&lr);
	return rc;
}

char *source_slurp(FILE *f, const char *name, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = xmalloc(cap);

	for (;;) {
		size_t got;

		if (cap - n < 2) {
			if (cap > ((size_t)-1) / 4) {
				cli_error("%s: too large to read into memory", name);
				free(buf);
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		cli_error("%s: read error: %s", name, strerror(errno));
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

typedef struct preset_sink {
	preset_run *p;
	rec_sink sink;
	void *ctx;
} preset_sink;

static void through_preset(void *ctx, const rec_text *t)
{
	preset_sink *ps = ctx;

	preset_feed(ps->p, t, ps->sink, ps->ctx);
}

int source_read(source_cfg *c, FILE *f, const char *name, rec_sink sink, void *ctx)
{
	input_format fmt = c->format;
	preset_sink ps = { c->preset, sink, ctx };

	if (fmt == INPUT_AUTO)
		fmt = c->preset ? preset_format(c->preset, name) : input_format_of(name);
	if (c->preset) {
		if (fmt == INPUT_CSV) {
			cli_error("%s: a preset reads JSON Lines or JSON, not CSV (--input-format)",
				  name);
			return -1;
		}
		sink = through_preset;
		ctx = &ps;
	}
	switch (fmt) {
	case INPUT_JSON:
		return read_json(c, f, name, c->preset ? preset_json_path(c->preset) : NULL, sink,
				 ctx);
	case INPUT_CSV:
		return read_csv(c, f, name, sink, ctx);
	default:
		return read_jsonl(c, f, name, sink, ctx);
	}
}
