/* libFuzzer target: arbitrary bytes as an input file of each layout scan
 * reads, other than plain JSON Lines (fuzz_jsonl): a JSON document, CSV,
 * and JSON Lines or JSON through each preset.  The first byte picks the
 * layout.  What the readers hand on must hold: a JSON document's elements
 * are JSON, a CSV row is a record object (medscreen wrote it), and a run
 * that succeeds has consumed the whole input. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/jsonstrict.h"
#include "io/presets.h"
#include "io/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_tokener *tok;
static field_map fields;

typedef struct mode {
	input_format format;
	const char *preset;
} mode;

static const mode modes[] = {
	{ INPUT_JSON, NULL },          { INPUT_CSV, NULL },
	{ INPUT_JSON, "promptfoo" },   { INPUT_JSONL, "promptfoo" },
	{ INPUT_JSONL, "openai-batch" }, { INPUT_JSONL, "garak" },
	{ INPUT_JSONL, "messages" },   { INPUT_JSON, "messages" },
};

static void check(void *ctx, const rec_text *t)
{
	const mode *m = ctx;
	size_t at;
	const char *why;
	json_top top;
	json_object *o;

	if (t->too_long || !t->text)
		return;
	if (m->format == INPUT_JSON && !m->preset &&
	    json_strict_check(t->text, t->len, JSON_MAX_DEPTH + 8, &at, &why, &top))
		abort();
	o = json_record_object(tok, t->text, t->len);
	if (m->format == INPUT_CSV && !o)
		abort();
	if (o)
		json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const mode *m;
	source_cfg c = { 0 };
	FILE *f;
	int rc;

	if (!tok) {
		tok = json_tokener_new_ex(JSON_TOKENER_DEPTH);
		field_map_init(&fields);
		if (!tok)
			abort();
	}
	if (size < 2)
		return 0;
	m = &modes[data[0] % (sizeof modes / sizeof *modes)];
	if (!(f = fmemopen((void *)(data + 1), size - 1, "rb")))
		return 0;
	c.format = m->format;
	c.fields = &fields;
	c.max_record = 4096;
	if (m->preset && !(c.preset = preset_run_new(m->preset)))
		abort();
	rc = source_read(&c, f, "fuzz", check, (void *)m);
	/* JSON Lines counts lines, not their CRs: only these two are exact. */
	if (rc == 0 && m->format != INPUT_JSONL && c.consumed != size - 1)
		abort();
	preset_run_free(c.preset);
	fclose(f);
	return 0;
}
