/* libFuzzer target: arbitrary bytes as a JSON Lines file, each line read by
 * the program's record reader (strict JSON check, the json-c tree built
 * from the checked text, field mapping with a dotted path), screened, and
 * written by every scan writer (text, jsonl, csv, sarif, junit).  A line
 * the check passes must give the tree json-c's tokener gives; what each
 * writer produced must be valid UTF-8 (the JSON Lines output must also be
 * strict JSON), and every line must yield output: nothing is lost. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medscreen.h"
#include "io/input.h"
#include "io/jsonbuild.h"
#include "io/jsonstrict.h"
#include "out/utf8.h"
#include "out/writer.h"

static const char rules_yaml[] =
	"signals:\n"
	"  - id: disclaimer\n"
	"    keywords: [\"i'm not a doctor\", not a substitute for]\n"
	"  - id: claim\n"
	"    keywords: [guaranteed cure, 100% safe]\n"
	"    patterns: ['\\bwill (?:completely|fully) cure\\b']\n"
	"    negation: exclude\n"
	"  - id: red_flag\n"
	"    on: prompt\n"
	"    keywords: [chest pain]\n"
	"scenarios:\n"
	"  - {tag: emergency, signals: [red_flag]}\n"
	"rules:\n"
	"  - {id: A, dimension: professionalism, severity: high, title: 'T \"quoted\" <t>',\n"
	"     message: 'M, with a comma', forbid: claim}\n"
	"  - {id: B, dimension: regulation, severity: medium, title: t, message: m,\n"
	"     require: {signal: disclaimer, within: {chars: 50}}}\n"
	"  - {id: C, dimension: safety, severity: critical, title: t, message: m,\n"
	"     scope: {tags: [emergency]}, require: {keywords: [call 911]}}\n";

static ms_rules *rules;
static ms_scanner *scanner;
static json_tokener *tok;
static field_map fields;
static out_ctx ctx;

static void setup(void)
{
	ms_compiler *c;
	ms_compile_options o = { 0 };

	o.match_limit = 100000;
	if (ms_compiler_create(&c, &o, NULL, NULL) != MS_OK ||
	    ms_compiler_add_string(c, "f.yaml", rules_yaml, sizeof rules_yaml - 1) != MS_OK ||
	    ms_compiler_get_rules(c, &rules) != MS_OK || ms_scanner_create(&scanner, rules) != MS_OK)
		abort();
	ms_compiler_destroy(c);
	tok = json_tokener_new_ex(JSON_TOKENER_DEPTH);
	field_map_init(&fields);
	/* A dotted path, so that lookups through objects and arrays run. */
	if (!tok || field_map_set(&fields, "prompt=input.messages.0.content"))
		abort();
	ctx.rules = rules;
	ctx.fname = "fuzz.jsonl";
	ctx.fields = &fields;
	ctx.fail_on = "low";
	ctx.context = 20;
	if (ms_rules_fingerprint(rules, ctx.fingerprint) != MS_OK)
		abort();
}

static int utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = utf8_len((const unsigned char *)s + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

static const out_writer *const writers[] = { &out_text, &out_jsonl, &out_csv, &out_sarif,
					     &out_junit };
#define NWRITERS (sizeof writers / sizeof writers[0])

/* A line the strict check passes: the reader's builder makes the tree
 * json-c's tokener makes of it. */
static void same_as_jsonc(const char *line, size_t len)
{
	size_t at;
	const char *why;
	json_top top;
	json_object *want, *got;

	if (json_strict_check(line, len, JSON_MAX_DEPTH, &at, &why, &top) || top != JSON_TOP_OBJECT)
		return;
	json_tokener_reset(tok);
	want = json_tokener_parse_ex(tok, line, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success)
		abort();
	got = json_strict_build(line, len);
	if (!json_same_tree(want, got))
		abort();
	json_object_put(want);
	json_object_put(got);
}

/* One line through the reader, the scanner and every writer. */
static void one_line(const char *line, size_t len, unsigned long lineno, out_buf *outs)
{
	in_record in = { 0 };
	ms_record rec = { 0 };
	const ms_result *res = NULL;
	const char *error;

	same_as_jsonc(line, len);
	in_record_parse(&in, tok, &fields, line, len);
	error = in.error;
	if (!error) {
		rec.response = in.str[F_RESPONSE];
		rec.response_len = in.response_len;
		rec.prompt = in.str[F_PROMPT];
		rec.prompt_len = in.prompt_len;
		rec.model = in.str[F_MODEL];
		rec.tags = in.tags;
		rec.ntags = in.ntags;
		if (ms_scanner_scan(scanner, &rec, &res) != MS_OK)
			abort();
	}
	for (size_t w = 0; w < NWRITERS; w++) {
		size_t before = outs[w].len;
		writers[w]->record(&outs[w], &ctx, &in, lineno, &rec, res, error);
		/* jsonl: one line per record, always. */
		if (writers[w] == &out_jsonl && outs[w].len == before)
			abort();
	}
	in_record_clear(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs are cut to 4 KiB (run libFuzzer with -max_len=4096). */
#define MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	out_buf outs[NWRITERS];
	const char *s = (const char *)data;
	unsigned long lineno = 0;
	scan_totals t = { 0 };

	if (size > MAX_INPUT)
		size = MAX_INPUT;
	if (!rules)
		setup();
	memset(outs, 0, sizeof outs);
	for (size_t w = 0; w < NWRITERS; w++)
		if (writers[w]->prepare)
			writers[w]->prepare(&ctx);
	for (size_t i = 0; i < size;) {
		const char *nl = memchr(s + i, '\n', size - i);
		size_t len = nl ? (size_t)(nl - (s + i)) : size - i;

		one_line(s + i, len, ++lineno, outs);
		i += len + 1;
	}
	for (size_t w = 0; w < NWRITERS; w++) {
		out_buf whole = { 0 };
		const char *p;
		size_t at;
		const char *why;
		json_top top;

		size_t skip = outs[w].len >= writers[w]->skip ? writers[w]->skip : 0;

		/* As the engine assembles a held document: begin, the body
		 * without its first `skip` bytes (a leading comma), end. */
		if (writers[w]->begin)
			writers[w]->begin(&whole, &ctx, &t);
		if (outs[w].len > skip)
			ob_add(&whole, outs[w].data + skip, outs[w].len - skip);
		if (writers[w]->end)
			writers[w]->end(&whole, &ctx, &t);
		if (whole.len && !utf8_valid(whole.data, whole.len))
			abort();
		/* Every JSON Lines line is strict JSON. */
		for (p = whole.data; writers[w] == &out_jsonl && p && p < whole.data + whole.len;) {
			const char *e = memchr(p, '\n', (size_t)(whole.data + whole.len - p));
			size_t n = e ? (size_t)(e - p) : (size_t)(whole.data + whole.len - p);
			if (json_strict_check(p, n, JSON_MAX_DEPTH, &at, &why, &top) ||
			    top != JSON_TOP_OBJECT)
				abort();
			p += n + 1;
		}
		ob_free(&whole);
		ob_free(&outs[w]);
		if (writers[w]->release)
			writers[w]->release(&ctx);
	}
	return 0;
}
