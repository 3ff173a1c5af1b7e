/* libFuzzer target: arbitrary bytes as an answer, screened by a rule set
 * that exercises keywords, regexes with windows, negation, position,
 * counts and repeated units.  The prefiltered scan must match a scan without the prefilter. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medscreen.h"

static const char rules_yaml[] =
	"signals:\n"
	"  - id: disclaimer\n"
	"    keywords: [\"i'm not a doctor\", not a substitute for]\n"
	"    patterns: ['\\bas an (?:ai|artificial intelligence)\\b']\n"
	"  - id: claim\n"
	"    keywords: [guaranteed cure, 100% safe]\n"
	"    patterns: ['\\bwill (?:completely|fully) (?:cure|resolve)\\b', '(?<!no )\\b\\d+ ?mg (?:daily|weekly)']\n"
	"    negation: exclude\n"
	"  - id: hedge\n"
	"    patterns: ['\\b(?:very |quite )?(?:limited|scarce) (?:evidence|data)\\b', 'colou?r (?:chart|scale)',\n"
	"               '\\bdata (?:on \\w+ )?(?:is|are) (?:still )?(?:limited|scarce)\\b',\n"
	"               '\\bthe (?:(?:pain|stroke)\\s+){1,2}team\\b',\n"
	"               '\\b(?:his|her) (?:\\w+\\s+){0,2}(?:doctor|gp|nurse)\\b',\n"
	"               '\\bfor (?:a )?\\d{1,3} ?kg\\b', '[[:alpha:]]+ing well']\n"
	"rules:\n"
	"  - {id: A, dimension: professionalism, severity: high, title: t, message: m, forbid: claim}\n"
	"  - {id: B, dimension: regulation, severity: high, title: t, message: m,\n"
	"     require: {signal: disclaimer, within: {chars: 50, sentences: 1}}}\n"
	"  - {id: C, dimension: professionalism, severity: low, title: t, message: m,\n"
	"     forbid: {signal: hedge, min: 2}}\n"
	"  - {id: D, dimension: fairness, severity: low, title: t, message: m,\n"
	"     forbid: {signal: hedge, min: 0}}\n"
	"  - {id: E, dimension: professionalism, severity: low, title: t, message: m,\n"
	"     forbid: {repeated: {min: 2, words: 2}}}\n";

static ms_rules *rules[2];
static ms_scanner *scanners[2];

static void setup(void)
{
	for (int i = 0; i < 2; i++) {
		ms_compiler *c;
		ms_compile_options o = { 0 };

		o.no_prefilter = i;
		o.match_limit = 100000;
		if (ms_compiler_create(&c, &o, NULL, NULL) != MS_OK ||
		    ms_compiler_add_string(c, "f.yaml", rules_yaml, sizeof rules_yaml - 1) != MS_OK ||
		    ms_compiler_get_rules(c, &rules[i]) != MS_OK ||
		    ms_scanner_create(&scanners[i], rules[i]) != MS_OK)
			abort();
		ms_compiler_destroy(c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs are cut to 4 KiB: an answer of a few paragraphs; larger ones only
 * slow the search down (run libFuzzer with -max_len=4096). */
#define MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const ms_result *res[2];
	ms_record rec = { 0 };

	if (size > MAX_INPUT)
		size = MAX_INPUT;
	if (!rules[0])
		setup();
	rec.response = (const char *)data;
	rec.response_len = size;
	for (int i = 0; i < 2; i++)
		if (ms_scanner_scan(scanners[i], &rec, &res[i]) != MS_OK)
			abort();
	/* Same findings and evidence with and without the prefilter. */
	if (res[0]->nfindings != res[1]->nfindings || res[0]->score != res[1]->score)
		abort();
	for (size_t k = 0; k < res[0]->nfindings; k++) {
		const ms_finding *a = &res[0]->findings[k], *b = &res[1]->findings[k];
		if (strcmp(a->rule->id, b->rule->id) || a->kind != b->kind ||
		    a->nevidence != b->nevidence)
			abort();
		for (size_t e = 0; e < a->nevidence; e++)
			if (a->evidence[e].start != b->evidence[e].start ||
			    a->evidence[e].end != b->evidence[e].end)
				abort();
	}
	return 0;
}
