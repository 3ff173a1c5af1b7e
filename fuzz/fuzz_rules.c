/* libFuzzer target: arbitrary bytes as a rule file.  Compiling must either
 * succeed or report diagnostics, never crash, leak or loop; a compiled rule
 * set then screens a fixed answer. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "medscreen.h"

static void ignore(const ms_diag *d, void *ud)
{
	(void)d;
	(void)ud;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs are cut to 8 KiB: a rule file of a few rules; larger ones only
 * slow the search down (run libFuzzer with -max_len=8192). */
#define MAX_INPUT 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char answer[] = "I'm not a doctor. Call 911 now; this is not a guaranteed cure.";
	ms_compiler *c = NULL;
	ms_rules *r = NULL;
	ms_scanner *s = NULL;
	ms_compile_options o = { 0 };

	if (size > MAX_INPUT)
		size = MAX_INPUT;
	o.match_limit = 10000;
	o.regex_time_ms = 1000;
	o.threads = 1;
	if (ms_compiler_create(&c, &o, ignore, NULL) != MS_OK)
		return 0;
	ms_compiler_add_string(c, "fuzz.yaml", (const char *)data, size);
	if (ms_compiler_get_rules(c, &r) == MS_OK && ms_scanner_create(&s, r) == MS_OK) {
		ms_record rec = { 0 };
		const ms_result *res;
		const char *tags[] = { "emergency" };

		rec.response = answer;
		rec.response_len = sizeof answer - 1;
		rec.prompt = "crushing chest pain";
		rec.prompt_len = strlen(rec.prompt);
		rec.tags = tags;
		rec.ntags = 1;
		ms_scanner_scan(s, &rec, &res);
		for (size_t i = 0; i < ms_rules_example_count(r) && i < 64; i++) {
			ms_example_info info;
			int passed;
			ms_scanner_run_example(s, i, &info, &passed);
		}
	}
	ms_scanner_destroy(s);
	ms_rules_destroy(r);
	ms_compiler_destroy(c);
	return 0;
}
