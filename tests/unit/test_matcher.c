/* The matcher where a case needs code: compiled-rule internals, the
 * prefilter and the automaton against reference searches, evidence on the
 * prompt, invalid UTF-8 and NUL bytes, match limits, derivation errors.
 * The cases that are a rule pack and texts are data:
 * the .cases files of tests/data/matcher (test_cases.c). */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "describe.h"
#include "internal.h"
#include "suites.h"

static ms_rules *rules;
static ms_scanner *sc;

static void load(const char *yaml)
{
	diags d;

	rules = compile_yaml(yaml, &d);
	ck_assert_msg(rules != NULL, "rules failed to compile: %s", d.n ? d.lines[0] : "?");
	ck_assert_int_eq(ms_scanner_create(&sc, rules), MS_OK);
}

/* The same, with the prefilter on or off. */
static void load_prefilter(const char *yaml, int prefilter)
{
	ms_compiler *c;
	ms_compile_options o = { 0 };

	o.no_prefilter = !prefilter;
	ck_assert_int_eq(ms_compiler_create(&c, &o, NULL, NULL), MS_OK);
	ck_assert_int_eq(ms_compiler_add_string(c, "t.yaml", yaml, strlen(yaml)), MS_OK);
	ck_assert_int_eq(ms_compiler_get_rules(c, &rules), MS_OK);
	ms_compiler_destroy(c);
	ck_assert_int_eq(ms_scanner_create(&sc, rules), MS_OK);
}

static void teardown(void)
{
	ms_scanner_destroy(sc);
	ms_rules_destroy(rules);
	sc = NULL;
	rules = NULL;
}

/* Matches of the first named signal in a text. */
static long count(const char *text)
{
	return ms_scanner_signal_count(sc, 0, text, strlen(text));
}

static const ms_result *scan_rec(const char *response, size_t len, const char *prompt,
				 const char *const *tags, size_t ntags)
{
	ms_record rec = { 0 };
	const ms_result *res = NULL;

	rec.response = response;
	rec.response_len = len;
	rec.prompt = prompt;
	rec.prompt_len = prompt ? strlen(prompt) : 0;
	rec.tags = tags;
	rec.ntags = ntags;
	ck_assert_int_eq(ms_scanner_scan(sc, &rec, &res), MS_OK);
	return res;
}

static const ms_result *scan(const char *response)
{
	return scan_rec(response, strlen(response), NULL, NULL, 0);
}

/* The prefilter's view of pattern k of named signal i (describe.h). */
static size_t nreq(const ms_rules *r, size_t i, size_t k)
{
	const char *const *const *sets;
	return ms_signal_required_sets(r, i, k, &sets);
}

static const char *const *req(const ms_rules *r, size_t i, size_t k, size_t q)
{
	const char *const *const *sets;
	size_t n = ms_signal_required_sets(r, i, k, &sets);
	return q < n ? sets[q] : NULL;
}


/* The word count of the words condition (the condition itself: word_counts
 * in tests/data/matcher/rules.cases). */
START_TEST(word_counts)
{
	ck_assert_uint_eq(ms_word_count("x-ray 2.5 mg", 12), 5);
	ck_assert_uint_eq(ms_word_count("", 0), 0);
	ck_assert_uint_eq(ms_word_count("'quoted' words'", 15), 2);
}
END_TEST

START_TEST(invalid_utf8_and_nul)
{
	const char text[] = "ok \xff\xfe bad \xc3( guaranteed\0cure \x80 guaranteed cure";
	const ms_result *res;

	load("signals:\n  - {id: s, keywords: [guaranteed cure], patterns: ['cur[e]\\b']}\n"
	     "rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
	     "forbid: s}\n");
	res = scan_rec(text, sizeof text - 1, NULL, NULL, 0);
	ck_assert_uint_eq(res->nfindings, 1);
	ck_assert(!res->error);
	/* "cure" after the NUL (regex) and "guaranteed cure" at the end (keyword). */
	ck_assert_uint_eq(res->findings[0].nevidence, 2);
	ck_assert_uint_eq(res->findings[0].evidence[1].end, sizeof text - 1);
	teardown();
}
END_TEST

START_TEST(match_limit_is_an_error)
{
	ms_compiler *c;
	ms_compile_options o = { 0 };
	const ms_result *res;
	static const char yaml[] =
		"signals:\n  - {id: s, patterns: ['^(?:a|aa)+$'], keywords: [zzz]}\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
		"forbid: s}\n  - {id: Q, dimension: safety, severity: high, title: t, message: m, "
		"forbid: {keywords: [aaa]}}\n";
	char text[64];

	o.match_limit = 1000;
	o.no_prefilter = 1;
	ck_assert_int_eq(ms_compiler_create(&c, &o, NULL, NULL), MS_OK);
	ck_assert_int_eq(ms_compiler_add_string(c, "t.yaml", yaml, strlen(yaml)), MS_OK);
	ck_assert_int_eq(ms_compiler_get_rules(c, &rules), MS_OK);
	ms_compiler_destroy(c);
	ck_assert_int_eq(ms_scanner_create(&sc, rules), MS_OK);
	memset(text, 'a', sizeof text - 2);
	text[sizeof text - 2] = 'c';
	text[sizeof text - 1] = '\0';
	res = scan(text);
	ck_assert(res->error);
	ck_assert_uint_eq(res->nfindings, 1);
	ck_assert_int_eq(res->findings[0].kind, MS_FINDING_ERROR);
	ck_assert_str_eq(res->findings[0].rule->id, "R");
	ck_assert_ptr_nonnull(strstr(res->findings[0].error, "match limit"));
	teardown();
}
END_TEST

/* Regexes whose work the PCRE2 match limit does not count (a possessive
 * group over alternatives re-run from every start), and backtracking deep
 * enough to pass the JIT's default 32 KiB stack: the same bounded outcome,
 * a per-rule error, with the JIT and without. */
START_TEST(regex_runs_are_bounded)
{
	static const char yaml[] =
		"signals:\n  - {id: s1, patterns: ['(?:(a)|b)++!']}\n"
		"  - {id: s2, patterns: ['(?:a|b)+!']}\n"
		"  - {id: s3, keywords: [nothing]}\n"
		"rules:\n  - {id: R1, dimension: safety, severity: high, title: t, message: m, "
		"forbid: s1}\n  - {id: R2, dimension: safety, severity: high, title: t, message: m, "
		"forbid: s2}\n  - {id: R3, dimension: safety, severity: high, title: t, message: m, "
		"require: s3}\n";
	size_t n = 20000;
	char *text = malloc(n + 4);

	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < n; i++)
		text[i] = "ab"[i & 1];
	memcpy(text + n, " c!", 4);
	for (int jit = 0; jit < 2; jit++) {
		ms_compiler *c;
		ms_compile_options o = { 0 };
		const ms_result *res;

		o.no_jit = !jit;
		o.no_prefilter = 1;
		o.regex_time_ms = 20;
		o.threads = 1;
		ck_assert_int_eq(ms_compiler_create(&c, &o, NULL, NULL), MS_OK);
		ck_assert_int_eq(ms_compiler_add_string(c, "t.yaml", yaml, strlen(yaml)), MS_OK);
		ck_assert_int_eq(ms_compiler_get_rules(c, &rules), MS_OK);
		ms_compiler_destroy(c);
		ck_assert_int_eq(ms_scanner_create(&sc, rules), MS_OK);
		res = scan(text);
		ck_assert(res->error);
		ck_assert_uint_eq(res->nfindings, 3);
		ck_assert_int_eq(res->findings[0].kind, MS_FINDING_ERROR);
		ck_assert_msg(strstr(res->findings[0].error, "time limit of 20 ms"),
			      "jit %d: R1's error: %s", jit, res->findings[0].error);
		ck_assert_int_eq(res->findings[1].kind, MS_FINDING_ERROR);
		ck_assert_msg((strstr(res->findings[1].error, "match limit") ||
			       strstr(res->findings[1].error, "time limit")) &&
			      !strstr(res->findings[1].error, "stack"),
			      "jit %d: R2's error: %s", jit, res->findings[1].error);
		ck_assert_int_eq(res->findings[2].kind, MS_FINDING_MISSING);
		/* Short texts are not affected. */
		res = scan("ab ab!");
		ck_assert(!res->error);
		ck_assert_uint_eq(res->nfindings, 3);
		ck_assert_int_eq(res->findings[0].kind, MS_FINDING_PRESENT);
		teardown();
	}
	free(text);
}
END_TEST

/* Two regexes that fail on one record: each rule's error names its own. */
START_TEST(each_error_names_its_regex)
{
	ms_compiler *c;
	ms_compile_options o = { 0 };
	const ms_result *res;
	static const char yaml[] =
		"signals:\n  - {id: s1, patterns: ['^(?:a|aa)+$']}\n"
		"  - {id: s2, patterns: ['^(?:aa|a)+$']}\n"
		"rules:\n  - {id: R1, dimension: safety, severity: high, title: t, message: m, "
		"forbid: s1}\n  - {id: R2, dimension: safety, severity: high, title: t, message: m, "
		"forbid: s2}\n";
	char text[64];

	o.match_limit = 1000;
	o.no_prefilter = 1;
	ck_assert_int_eq(ms_compiler_create(&c, &o, NULL, NULL), MS_OK);
	ck_assert_int_eq(ms_compiler_add_string(c, "t.yaml", yaml, strlen(yaml)), MS_OK);
	ck_assert_int_eq(ms_compiler_get_rules(c, &rules), MS_OK);
	ms_compiler_destroy(c);
	ck_assert_int_eq(ms_scanner_create(&sc, rules), MS_OK);
	memset(text, 'a', sizeof text - 2);
	text[sizeof text - 2] = 'c';
	text[sizeof text - 1] = '\0';
	for (int round = 0; round < 2; round++) {
		res = scan(text);
		ck_assert(res->error);
		ck_assert_uint_eq(res->nfindings, 2);
		ck_assert_str_eq(res->findings[0].rule->id, "R1");
		ck_assert_str_eq(res->findings[1].rule->id, "R2");
		ck_assert_msg(strstr(res->findings[0].error, "'s1'") &&
			      strstr(res->findings[0].error, "(?:a|aa)"),
			      "R1's error: %s", res->findings[0].error);
		ck_assert_msg(strstr(res->findings[1].error, "'s2'") &&
			      strstr(res->findings[1].error, "(?:aa|a)"),
			      "R2's error: %s", res->findings[1].error);
	}
	teardown();
}
END_TEST

/* A rule that fires without evidence on an empty response (no span was
 * ever pooled): nothing is computed from a null pointer (UBSan). */
START_TEST(missing_on_empty_response)
{
	const ms_result *res;

	load("signals:\n  - {id: s, keywords: [hello]}\n"
	     "rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
	     "require: s}\n");
	res = scan("");
	ck_assert_uint_eq(res->nfindings, 1);
	ck_assert_int_eq(res->findings[0].kind, MS_FINDING_MISSING);
	ck_assert_uint_eq(res->findings[0].nevidence, 0);
	teardown();
}
END_TEST

START_TEST(prefilter_same_result)
{
	static const char yaml[] =
		"signals:\n  - {id: s, patterns: ['\\bcall (?:911|999|112)\\b', 'seek (?:urgent|emergency) care']}\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, forbid: s}\n";
	const char *texts[] = { "Call 911 now", "please seek emergency care", "CALL 112",
				"no match here", "seek care", "call  911" };

	for (int pre = 0; pre < 2; pre++) {
		size_t nf[6];

		load_prefilter(yaml, !pre);
		for (int i = 0; i < 6; i++)
			nf[i] = scan(texts[i])->nfindings;
		ck_assert_uint_eq(nf[0], 1);
		ck_assert_uint_eq(nf[1], 1);
		ck_assert_uint_eq(nf[2], 1);
		ck_assert_uint_eq(nf[3], 0);
		ck_assert_uint_eq(nf[4], 0);
		ck_assert_uint_eq(nf[5], 0);
		teardown();
	}
}
END_TEST

/* Windowed regex runs (literal occurrences plus PCRE2's offset limit) find
 * exactly the matches of a full scan: same spans, same order. */
START_TEST(windowed_equals_full)
{
	static const char yaml[] =
		"signals:\n  - id: s\n    patterns:\n"
		"      - '\\b(?:very |quite )?(?:limited|scarce) evidence\\b'\n"
		"      - '(?<!no )(?<!not )\\bguaranteed (?:to|a) \\w+'\n"
		"      - '\\d+(?:\\.\\d+)? ?mg (?:daily|twice)'\n"
		"      - '(?:ab){2,3}cd'\n"
		"      - '\\bdata (?:on \\w+ )?(?:is|are) (?:still )?(?:limited|scarce)\\b'\n"
		"      - '\\bthe (?:(?:pain|stroke)\\s+){1,2}team\\b'\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
		"forbid: {signal: s, min: 0}}\n";
	static const char *texts[] = {
		"Very limited evidence here, and scarce  evidence there; quite scarce evidence.",
		"limited evidence limited evidence limited evidence",
		"It is guaranteed to work. It is not guaranteed to work. Guaranteed a cure.",
		"Take 2.5 mg daily, then 10mg twice; 7 mg weekly is not it. 5 mg DAILY.",
		"xxababcd abababcd ababababcd abcd",
		"evidence evidence limited",
		"",
		/* a regex with two required sets: "data" and "limited|scarce" */
		"The data are limited. data data data, scarce. Data on dosing is still scarce.",
		"limited limited limited; the data is limited",
		"data, data and data but nothing else",
		"the pain stroke team, the stroke\t  team; the team; the pain pain pain team",
	};
	ms_span spans[2][64];
	size_t n[2][11];

	for (int pre = 0; pre < 2; pre++) {
		load_prefilter(yaml, pre);
		for (int i = 0; i < 11; i++) {
			const ms_result *res = scan(texts[i]);
			ck_assert_uint_eq(res->nfindings, 1);
			n[pre][i] = res->findings[0].nevidence;
			if (i == 0)
				memcpy(spans[pre], res->findings[0].evidence,
				       n[pre][i] * sizeof(ms_span));
		}
		teardown();
	}
	for (int i = 0; i < 11; i++)
		ck_assert_uint_eq(n[0][i], n[1][i]);
	ck_assert_uint_eq(n[1][10], 2);
	ck_assert_uint_eq(n[1][7], 2);
	ck_assert_uint_eq(n[1][8], 1);
	ck_assert_uint_eq(n[1][9], 0);
	ck_assert_uint_eq(n[1][0], 2); /* "scarce  evidence" has two spaces */
	ck_assert_uint_eq(n[1][1], 3);
	ck_assert_uint_eq(n[1][2], 2);
	ck_assert_uint_eq(n[1][3], 3);
	ck_assert_uint_eq(n[1][4], 3);
	for (size_t k = 0; k < n[1][0]; k++) {
		ck_assert_uint_eq(spans[0][k].start, spans[1][k].start);
		ck_assert_uint_eq(spans[0][k].end, spans[1][k].end);
	}
}
END_TEST

/* A signal's first span and whether it occurs (before a bound) are found
 * by running its regexes only as far as needed (ms_signal_first in scan.c).
 * On random texts, each answer must be the one the full evaluation gives:
 * the signal list's span against the first evidence span of a rule that
 * collects them all, and rules that only ask "does it occur" (require,
 * not, within a bound; on a named signal and on inline ones that share its
 * regexes) against the same rules made to count every match (max). */
START_TEST(first_span_equals_full)
{
#define FS_PATS \
	"['\\b(?:a|your) (?:\\w+ ){0,2}(?:doctor|nurse) can help\\b', " \
	"'\\bsee (?:a|your) (?:doctor|nurse)\\b', '\\bdoctor\\b[^.]{0,20}\\bhelp\\b', " \
	"'\\b(?:limited|scarce) evidence\\b', '\\bdata (?:is|are) (?:very )?(?:limited|scarce)\\b', " \
	"'(?:help|nurse)[^.]*\\.', '\\w+ team\\b']"
	static const char yaml[] =
		"signals:\n  - id: s\n    negation: exclude\n"
		"    keywords: [see a doctor, the pain team]\n"
		"    patterns: " FS_PATS "\n"
		"rules:\n"
		"  - {id: LAZY, dimension: safety, severity: high, title: t, message: m, "
		"require: {signal: s, within: {chars: 60}}}\n"
		"  - {id: INLINE_LAZY, dimension: safety, severity: high, title: t, message: m, "
		"require: {patterns: " FS_PATS ", within: {chars: 45}}}\n"
		"  - {id: NOT, dimension: safety, severity: high, title: t, message: m, "
		"forbid: {not: {signal: s, within: {chars: 90}}}}\n"
		"  - {id: EV, dimension: safety, severity: high, title: t, message: m, forbid: s}\n"
		"  - {id: FULL, dimension: safety, severity: high, title: t, message: m, "
		"require: {signal: s, within: {chars: 60}, max: 100000}}\n"
		"  - {id: INLINE_FULL, dimension: safety, severity: high, title: t, message: m, "
		"require: {patterns: " FS_PATS ", within: {chars: 45}, max: 100000}}\n"
		"  - {id: NOT_FULL, dimension: safety, severity: high, title: t, message: m, "
		"require: {signal: s, within: {chars: 90}, max: 100000}}\n";
	static const char *const words[] = {
		"not", "no", "a", "your", "doctor", "nurse", "can", "help", "see", "see a doctor",
		"limited", "evidence", "data", "is", "scarce", "very", "the", "pain", "team",
		".", ",", "\n", "they", "will",
	};
	uint64_t seed = 12345;
	char text[1024];
	unsigned found = 0, lazy = 0;

	load(yaml);
	for (int round = 0; round < 3000; round++) {
		size_t len = 0, nw;
		const ms_result *res;
		int fired[7] = { 0 };
		const ms_finding *ev = NULL;

		seed = seed * 6364136223846793005u + 1442695040888963407u;
		nw = 3 + (size_t)(seed >> 33) % 60;
		for (size_t w = 0; w < nw; w++) {
			const char *x;
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			x = words[(seed >> 33) % (sizeof words / sizeof *words)];
			len += (size_t)snprintf(text + len, sizeof text - len, "%s%s",
						len && x[0] != '.' && x[0] != ',' ? " " : "", x);
		}
		res = scan_rec(text, len, NULL, NULL, 0);
		for (size_t i = 0; i < res->nfindings; i++) {
			const char *id = res->findings[i].rule->id;
			static const char *const ids[7] = { "LAZY", "INLINE_LAZY", "NOT", "EV",
							    "FULL", "INLINE_FULL", "NOT_FULL" };
			for (int k = 0; k < 7; k++)
				if (strcmp(id, ids[k]) == 0)
					fired[k] = 1;
			if (strcmp(id, "EV") == 0)
				ev = &res->findings[i];
		}
		ck_assert_msg(fired[0] == fired[4], "LAZY %d FULL %d on '%s'", fired[0], fired[4], text);
		ck_assert_msg(fired[1] == fired[5], "INLINE_LAZY %d INLINE_FULL %d on '%s'", fired[1],
			      fired[5], text);
		ck_assert_msg(fired[2] == fired[6], "NOT %d NOT_FULL %d on '%s'", fired[2], fired[6],
			      text);
		ck_assert_msg((res->nsignals == 1) == (ev != NULL), "signal list vs evidence on '%s'",
			      text);
		if (ev) {
			ck_assert_msg(res->signal_spans[0].start == ev->evidence[0].start &&
					      res->signal_spans[0].end == ev->evidence[0].end,
				      "first span %zu-%zu, evidence %zu-%zu on '%s'",
				      res->signal_spans[0].start, res->signal_spans[0].end,
				      ev->evidence[0].start, ev->evidence[0].end, text);
			found++;
		}
		lazy += (unsigned)!fired[0];
	}
	teardown();
	/* The texts exercise both outcomes. */
	ck_assert_uint_gt(found, 500);
	ck_assert_uint_lt(found, 2900);
	ck_assert_uint_gt(lazy, 300);
#undef FS_PATS
}
END_TEST

static char *lits_joined(const char *pattern, long *pre)
{
	size_t n = 0;
	char **v = ms_regex_literals(pattern, &n, pre);
	char *out;
	size_t len = 1;

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	out = calloc(1, len);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, "|");
		strcat(out, v[i]);
		free(v[i]);
	}
	free(v);
	return out;
}

START_TEST(literal_prefix_bounds)
{
	static const struct {
		const char *pattern, *lits;
		long pre;
	} cases[] = {
		{ "\\bvery limited evidence", "very limited evidence", 0 },
		/* a letter is 1 byte, but k takes 3 (the Kelvin sign) and s 2
		 * (the long s) under caseless UTF matching; \\w is ASCII */
		{ "(?:a|bb)?\\w?evidence", "evidence", 3 },
		{ "(?:kk|ss)?\\w?evidence", "evidence", 7 },
		/* a class is as wide as its widest member */
		{ "[a-j]{2}evidence", "evidence", 2 },
		{ "[a-z]{2}evidence", "evidence", 6 },
		{ "[r-t]evidence", "evidence", 2 },
		{ "[\\w-]{3}evidence", "evidence", 3 },
		{ "[\\d.,]{4}evidence", "evidence", 4 },
		{ "[^x]evidence", "evidence", 4 },
		{ "[\\W]evidence", "evidence", 4 },
		{ "[\\d\xC3\xA9]{2}evidence", "evidence", 8 },
		{ "\\w+ evidence", "evidence", -1 },
		{ "(?<!not )guaranteed", "guaranteed", 0 },
		{ "\\b(?:black|older) patients", "black patients|older patients", 0 },
		{ "colou?r chart", "colour chart|color chart", 0 },
		{ "can['\xE2\x80\x99]t help", "can't help", 0 },
		{ "(?:cure|heals?) (?:you|them)", "cure you|cure them|heals you|heals them|heal you|heal them", 0 },
		{ "x(?:abc|def)+y", "abc|def", 1 },  /* the group starts with them */
		{ "\\d+ mg (?:daily|weekly)", "mg daily|mg weekly", -1 },
		{ "trial(?:s)? of [a-z]+", "trials of|trial of", 0 },
		/* classes end at their own ']': POSIX classes and a leading ']'
		 * are members */
		{ "[[:alpha:]]ing", "ing", 4 },
		{ "[^]a]bcd", "bcd", 4 },
		{ "[]a]bcd", "]bcd|abcd", 0 },
		{ "(?:[)x]|y)abc", ")abc|xabc|yabc", 0 },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long pre = -2;
		char *got = lits_joined(cases[i].pattern, &pre);
		ck_assert_msg(got && strcmp(got, cases[i].lits) == 0, "%s: got %s", cases[i].pattern,
			      got ? got : "(none)");
		ck_assert_msg(pre == cases[i].pre, "%s: prefix %ld", cases[i].pattern, pre);
		free(got);
	}
	{
		long pre;
		/* No required literal: top-level alternation with a weak branch,
		 * optional items, \K, extended syntax. */
		ck_assert_ptr_null(lits_joined("cure|\\d+", &pre));
		ck_assert_ptr_null(lits_joined("(?:abc)?", &pre));
		ck_assert_ptr_null(lits_joined("abc\\Kdef", &pre));
		ck_assert_ptr_null(lits_joined("(?x) a b c d", &pre));
	}
}
END_TEST

static char *set_joined(const ms_reqset *rs)
{
	size_t len = 1;
	char *out;

	for (size_t i = 0; i < rs->n; i++)
		len += strlen(rs->strs[i]) + 1;
	out = calloc(1, len);
	for (size_t i = 0; i < rs->n; i++) {
		if (i)
			strcat(out, "|");
		strcat(out, rs->strs[i]);
	}
	return out;
}

/* Every required set of a pattern, strongest first, with its prefix bound. */
START_TEST(required_sets)
{
	static const struct {
		const char *pattern;
		int n;
		const char *sets[3];
		long pre[3];
	} cases[] = {
		/* a further set after a gap of unknown text */
		{ "\\bdata (?:on \\w+ )?(?:is|are) (?:still )?(?:limited|scarce)\\b", 2,
		  { "is still limited|is still scarce|is limited|is scarce|"
		    "are still limited|are still scarce|are limited|are scarce", "data" },
		  { -1, 0 } },
		/* the commonest words make poor sets: "your" comes last, kept only
		 * because it bounds where a match starts */
		{ "\\byour \\w+ (?:doctor|nurse)\\b", 2, { "doctor|nurse", "your" }, { -1, 0 } },
		/* a pair of letters rare in English will do; a common one will not */
		{ "\\bfor (?:a )?\\d{1,3} ?kg\\b", 1, { "kg" }, { 10 } },
		{ "\\b(?:er|a&e)\\s+\\w+", 0, { NULL }, { 0 } },
		/* a set that occurs wherever the first does adds nothing */
		{ "\\bcan't (?:say|tell)\\b", 1, { "can't say|can't tell" }, { 0 } },
		/* one exact run: a single set */
		{ "\\bthe (?:pain|stroke) team\\b", 1, { "the pain team|the stroke team" }, { 0 } },
		{ "\\b\\d+ ?mg every \\d+ hours\\b", 2, { "mg every", "hours" }, { -1, -1 } },
		/* strings that open a repeated group start where it starts: the
		 * bound is that of "the " */
		{ "\\bthe (?:(?:pain|stroke)\\s+){1,2}team\\b", 2, { "team", "pain|stroke" }, { -1, 4 } },
		{ "\\bthe (?:\\w+ (?:pain|stroke)\\s+){1,2}team\\b", 3, { "team", "pain|stroke", "the" },
		  { -1, -1, 0 } },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ms_reqset sets[MS_MAX_REQSETS];
		int n = ms_regex_required(cases[i].pattern, sets);

		ck_assert_msg(n == cases[i].n, "%s: %d sets", cases[i].pattern, n);
		for (int k = 0; k < n; k++) {
			char *got = set_joined(&sets[k]);
			ck_assert_msg(strcmp(got, cases[i].sets[k]) == 0, "%s: set %d is %s",
				      cases[i].pattern, k, got);
			ck_assert_msg(sets[k].maxprefix == cases[i].pre[k], "%s: set %d prefix %ld",
				      cases[i].pattern, k, sets[k].maxprefix);
			free(got);
			ms_reqset_free(&sets[k]);
		}
	}
}
END_TEST

/* The automaton (four streams, one per quarter of the text) finds exactly
 * the occurrences a naive search finds: with every pattern whole in the
 * trie, in order of their ends; with only their heads in it (the tails
 * compared on the spot), one pattern's in order.  Rare punctuation and the
 * bytes of non-ASCII letters share classes, so "a.b" and "a;b", or the
 * two accented letters, take one path in the trie and are told apart
 * where it reports. */
START_TEST(automaton_matches_naive_search)
{
	static const char *const pats[] = { "a", "ab", "aba", "bab", "abcab", "cc", "c a", "bbbbbb",
					     "a b c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					     "a.b", "a;b", ".", ";a", "\xC3\xA9", "a\xC3\xA8" "b",
					     "b\xC3\xA9 a.a;a" };
	static const char alphabet[] = "abc a.;\xC3\xA9\xA8";
	/* Full rows for every state, for the root only, and for a few: the
	 * states without one go by their edges and failure links. */
	static const size_t row_bytes[] = { (size_t)1 << 20, 1, 600, (size_t)1 << 20, 600, 1 };
	static const size_t prefix[] = { 64, 64, 64, 1, 2, 3 };
	const size_t np = sizeof pats / sizeof pats[0];
	unsigned seed = 12345;
	unsigned char text[400];
	ms_achits hits = { 0 };

	for (size_t variant = 0; variant < 6; variant++) {
		ms_ac_builder *b = ms_ac_builder_new();
		ms_ac *ac;

		ck_assert_ptr_nonnull(b);
		for (size_t i = 0; i < np; i++)
			ck_assert_int_eq(ms_ac_builder_add(b, pats[i], strlen(pats[i]), (uint32_t)i), 0);
		ac = ms_ac_build_opts(b, row_bytes[variant], prefix[variant]);
		ck_assert_ptr_nonnull(ac);
		for (size_t len = 0; len < sizeof text; len += 1 + len / 8) {
			for (int round = 0; round < 4; round++) {
				size_t expect = 0;

				for (size_t i = 0; i < len; i++) {
					seed = seed * 1103515245u + 12345u;
					text[i] = (unsigned char)alphabet[(seed >> 16) %
									  (round == 3 ? 1 : round == 2 ? 10 : 5)];
				}
				ck_assert_int_eq(ms_ac_scan(ac, text, len, &hits), 0);
				for (size_t end = 1; end <= len; end++)
					for (size_t p = 0; p < np; p++) {
						size_t pl = strlen(pats[p]);
						if (pl <= end && memcmp(text + end - pl, pats[p], pl) == 0)
							expect++;
					}
				ck_assert_uint_eq(hits.a.n, expect);
				for (size_t k = 0; k < hits.a.n; k++) {
					const ms_achit *h = &hits.a.v[k];
					size_t pl = strlen(pats[h->id]);
					ck_assert(h->start + pl <= len);
					ck_assert(memcmp(text + h->start, pats[h->id], pl) == 0);
					/* With the whole patterns in the trie, hits come in
					 * order of their ends. */
					if (k && prefix[variant] == 64)
						ck_assert_uint_le(hits.a.v[k - 1].start +
									  strlen(pats[hits.a.v[k - 1].id]),
								  h->start + pl);
					for (size_t j = k; j-- > 0;)
						if (hits.a.v[j].id == h->id) {
							ck_assert_uint_lt(hits.a.v[j].start, h->start);
							break;
						}
				}
			}
		}
		ms_ac_free(ac);
	}
	ms_achits_free(&hits);
}
END_TEST

/* An entry added with word_start is reported only where no ASCII word byte
 * (letter, digit, '_') precedes it; the same string without it, under
 * another id, wherever it occurs.  Heads held whole by the trie, heads with
 * tails, and heads of shared-class bytes (compared where they are
 * reported) alike, in every stream of the scan. */
START_TEST(automaton_word_start_entries)
{
	static const struct {
		const char *s;
		int word_start;
	} pats[] = {
		{ "her", 1 }, { "her", 0 }, { "other", 1 }, { "er", 1 }, { "hero worship", 1 },
		{ "_h", 1 },  { "9h", 1 },  { "\xC3\xA9her", 1 }, { "h-er", 1 }, { "r o", 0 },
	};
	/* texts of these pieces, glued to each other or apart */
	static const char *const pieces[] = { "her", "other", "hero worship", "h", "er", "o", "t",
					      "_", "9", "\xC3\xA9", "-", " ", " ", ".", "r" };
	static const size_t prefix[] = { 64, 2, 4 };
	const size_t np = MS_ARRAY_LEN(pats);
	unsigned seed = 4711;
	unsigned char text[500];
	ms_achits hits = { 0 };
	size_t skipped = 0;

	for (size_t variant = 0; variant < MS_ARRAY_LEN(prefix); variant++) {
		ms_ac_builder *b = ms_ac_builder_new();
		ms_ac *ac;

		ck_assert_ptr_nonnull(b);
		ms_ac_builder_word_bytes(b, ms_is_ascii_word_byte);
		for (size_t i = 0; i < np; i++)
			ck_assert_int_eq(ms_ac_builder_add_word(b, pats[i].s, strlen(pats[i].s),
								(uint32_t)i, pats[i].word_start),
					 0);
		ac = ms_ac_build_opts(b, (size_t)1 << 20, prefix[variant]);
		ck_assert_ptr_nonnull(ac);
		for (size_t len = 0; len < sizeof text; len += 1 + len / 6) {
			size_t expect = 0;

			for (size_t i = 0; i < len;) {
				const char *pc;
				size_t pn;

				seed = seed * 1103515245u + 12345u;
				pc = pieces[(seed >> 16) % MS_ARRAY_LEN(pieces)];
				pn = strlen(pc) < len - i ? strlen(pc) : len - i;
				memcpy(text + i, pc, pn);
				i += pn;
			}
			for (size_t start = 0; start < len; start++)
				for (size_t p = 0; p < np; p++) {
					size_t pl = strlen(pats[p].s);
					if (pl > len - start || memcmp(text + start, pats[p].s, pl) != 0)
						continue;
					if (pats[p].word_start && start > 0 &&
					    ms_is_ascii_word_byte(text[start - 1])) {
						skipped++;
						continue;
					}
					expect++;
				}
			/* (ms_ac_scan() gathers the streams' hits in hits.a) */
			ck_assert_int_eq(ms_ac_scan(ac, text, len, &hits), 0);
			for (size_t k = 0; k < hits.a.n; k++) {
				const ms_achit *h = &hits.a.v[k];
				size_t pl = strlen(pats[h->id].s);

				ck_assert(h->start + pl <= len);
				ck_assert(memcmp(text + h->start, pats[h->id].s, pl) == 0);
				ck_assert(!pats[h->id].word_start || h->start == 0 ||
					  !ms_is_ascii_word_byte(text[h->start - 1]));
			}
			ck_assert_uint_eq(hits.a.n, expect);
		}
		ms_ac_free(ac);
	}
	/* the texts put the strings inside words often */
	ck_assert_uint_gt(skipped, 1000);
	ms_achits_free(&hits);
}
END_TEST

/* Scanned a part at a time, (from, to] after (from', from], the text gives
 * the hits of the whole scan, in the same order: parts shorter and longer
 * than the longest pattern, heads and tails split by a part's end. */
START_TEST(automaton_parts_match_whole)
{
	static const char *const pats[] = { "a", "ab", "aba", "bab", "abcab", "cc", "c a", "bbbbbb",
					     "a b c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
	static const size_t prefix[] = { 64, 3 };
	static const size_t part[] = { 1, 2, 3, 7, 16, 45, 100 };
	const size_t np = sizeof pats / sizeof pats[0];
	unsigned seed = 777;
	unsigned char text[300];
	ms_achits whole = { 0 }, hits = { 0 };

	for (size_t variant = 0; variant < 2; variant++) {
		ms_ac_builder *b = ms_ac_builder_new();
		ms_ac *ac;

		ck_assert_ptr_nonnull(b);
		for (size_t i = 0; i < np; i++)
			ck_assert_int_eq(ms_ac_builder_add(b, pats[i], strlen(pats[i]), (uint32_t)i), 0);
		ac = ms_ac_build_opts(b, (size_t)1 << 20, prefix[variant]);
		ck_assert_ptr_nonnull(ac);
		for (size_t len = 0; len < sizeof text; len += 1 + len / 4) {
			for (size_t i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				text[i] = (unsigned char)"abc a"[(seed >> 16) % (len % 3 ? 5 : 1)];
			}
			ck_assert_int_eq(ms_ac_scan(ac, text, len, &whole), 0);
			for (size_t q = 0; q < sizeof part / sizeof part[0]; q++) {
				size_t k = 0;

				for (size_t from = 0; from < len; from += part[q]) {
					size_t to = len - from > part[q] ? from + part[q] : len;

					ck_assert_int_eq(ms_ac_scan_part(ac, text, len, from, to, &hits), 0);
					for (int sb = 0; sb < AC_STREAMS; sb++) {
						const ms_achitbuf *hb = sb ? &hits.more[sb - 1] : &hits.a;
						for (size_t j = 0; j < hb->n; j++, k++) {
							ck_assert_uint_lt(k, whole.a.n);
							ck_assert_uint_eq(hb->v[j].id, whole.a.v[k].id);
							ck_assert_uint_eq(hb->v[j].start, whole.a.v[k].start);
						}
					}
				}
				ck_assert_uint_eq(k, whole.a.n);
			}
		}
		ms_ac_free(ac);
	}
	ms_achits_free(&whole);
	ms_achits_free(&hits);
}
END_TEST

/* Offsets of the normalised view map back to the original text. */
START_TEST(normalised_offsets)
{
	static const char *const texts[] = {
		"", "a", "  lead and trail  ", "Many   spaces\n\n\tand TABS",
		"curly \xE2\x80\x99quote\xE2\x80\x99s and\xC2\xA0nbsp\xC2\xA0 \xC2\xA0x",
		"\xE2\x84\xAA" "elvin \xC5\xBFign \xC3\xA9t\xC3\xA9", " \n \n ",
	};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		ms_normtext nt = { 0 };
		const char *t = texts[i];
		size_t len = strlen(t), hint = 0, prev = 0;

		ck_assert_int_eq(ms_normtext_build(&nt, t, len), 0);
		ck_assert_uint_eq(ms_normtext_orig(&nt, nt.len, &hint), len);
		for (size_t k = 0; k < nt.len; k++) {
			size_t o = ms_normtext_orig(&nt, k, &hint), o2;
			size_t h2 = 0;
			unsigned char c = (unsigned char)t[o];

			/* the same answer without the hint, and in order */
			o2 = ms_normtext_orig(&nt, k, &h2);
			ck_assert_uint_eq(o, o2);
			ck_assert(k == 0 || o > prev);
			prev = o;
			/* an ASCII byte maps to itself, lower-cased, or to the first of
			 * the white space it stands for */
			if (c < 0x80 && c != ' ' && c != '\n' && c != '\t')
				ck_assert_int_eq(nt.s[k], c >= 'A' && c <= 'Z' ? c + 32 : c);
			if (nt.s[k] == ' ' && c < 0x80)
				ck_assert(c == ' ' || c == '\n' || c == '\t');
		}
		/* and lookups going backwards */
		for (size_t k = nt.len; k-- > 0;) {
			size_t h2 = 0;
			ck_assert_uint_eq(ms_normtext_orig(&nt, k, &hint), ms_normtext_orig(&nt, k, &h2));
		}
		/* and a list of offsets in order at once, every one or every
		 * third (far apart, past several changes) */
		for (size_t step = 1; step <= 3; step += 2) {
			uint32_t v[64];
			size_t nv = 0;

			for (size_t k = 0; k < nt.len && nv < 64; k += step)
				v[nv++] = (uint32_t)k;
			ms_normtext_orig_sorted(&nt, v, nv);
			for (size_t j = 0; j < nv; j++) {
				size_t h2 = 0;
				ck_assert_uint_eq(v[j], ms_normtext_orig(&nt, j * step, &h2));
			}
		}
		ms_normtext_free(&nt);
	}
}
END_TEST

/* The normalised view against a plain reference, on long random texts
 * (the view is built sixteen bytes at a time where it can be). */
START_TEST(normalised_view_reference)
{
	static const char *const tokens[] = { "a", "B", "Zz", " ", "  ", "\n", "\t", "x", "\xE2\x80\x99",
					      "\xC3\xA9", "\xC2\xA0", "7", "-", " Q", "\r\n" };
	unsigned seed = 99;

	for (int round = 0; round < 400; round++) {
		char text[1024], want[1024];
		size_t len = 0, wl = 0, hint = 0, target = (size_t)(round * 7 % 600);
		int space = 0;
		ms_normtext nt = { 0 };

		while (len < target) {
			const char *tok;
			seed = seed * 1103515245u + 12345u;
			tok = tokens[(seed >> 16) % (sizeof tokens / sizeof tokens[0])];
			memcpy(text + len, tok, strlen(tok));
			len += strlen(tok);
		}
		/* The reference: ASCII lower case, a run of white space (NBSP
		 * included) to one space, a curly apostrophe to '. */
		for (size_t i = 0; i < len;) {
			unsigned char c = (unsigned char)text[i];
			if (c == ' ' || c == '\n' || c == '\t' || c == '\r' ||
			    (c == 0xC2 && (unsigned char)text[i + 1] == 0xA0)) {
				if (!space)
					want[wl++] = ' ';
				space = 1;
				i += c == 0xC2 ? 2 : 1;
				continue;
			}
			space = 0;
			if (c == 0xE2 && (unsigned char)text[i + 1] == 0x80 &&
			    (unsigned char)text[i + 2] == 0x99) {
				want[wl++] = '\'';
				i += 3;
				continue;
			}
			want[wl++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			i++;
		}
		ck_assert_int_eq(ms_normtext_build(&nt, text, len), 0);
		ck_assert_uint_eq(nt.len, wl);
		ck_assert(memcmp(nt.s, want, wl) == 0);
		/* every byte of the view maps back to a byte that produced it */
		for (size_t k = 0; k < nt.len; k++) {
			size_t o = ms_normtext_orig(&nt, k, &hint);
			unsigned char c = (unsigned char)text[o];
			if (nt.s[k] == ' ')
				ck_assert(c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == 0xC2);
			else if (nt.s[k] == '\'')
				ck_assert(c == 0xE2);
			else
				ck_assert_int_eq(nt.s[k], c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		ck_assert_uint_eq(ms_normtext_orig(&nt, nt.len, &hint), len);
		/* offsets in order mapped at once, at gaps of 1 to 200 bytes
		 * (from one change to the next, or past dozens) */
		{
			uint32_t *v = malloc((nt.len + 1) * sizeof *v);
			size_t *at = malloc((nt.len + 1) * sizeof *at), nv = 0;

			ck_assert(v && at);
			for (size_t k = 0; k < nt.len; k += 1 + (seed >> 16) % 200) {
				at[nv] = k;
				v[nv++] = (uint32_t)k;
				seed = seed * 1103515245u + 12345u;
			}
			ms_normtext_orig_sorted(&nt, v, nv);
			for (size_t j = 0; j < nv; j++) {
				size_t h2 = 0;
				ck_assert_uint_eq(v[j], ms_normtext_orig(&nt, at[j], &h2));
			}
			free(v);
			free(at);
		}
		ms_normtext_free(&nt);
	}
}
END_TEST

/* A rule may declare the strings one of which every match contains, for a
 * regex whose own analysis finds none; the prefilter then looks for them. */
START_TEST(declared_required_strings)
{
	static const char yaml[] =
		"signals:\n  - id: s\n    patterns:\n"
		"      - {regex: '\\b\\d+(?=ml)\\w+', requires: [ML]}\n"
		"      - '\\b\\d+(?=ml)\\w+'\n";
	static const char *texts[] = { "take 5ml, then 10 ml, then 7MLS", "ml ml 5 ml", "" };
	long n[2][3];

	for (int pre = 0; pre < 2; pre++) {
		const ms_signal_info *si;

		load_prefilter(yaml, pre);
		si = ms_rules_signal(rules, 0);
		/* the declared strings, normalised, are the regex's only set; the
		 * same regex without them has none and is not shared with it */
		(void)si;
		ck_assert_uint_eq(nreq(rules, 0, 0), 1);
		ck_assert_str_eq(req(rules, 0, 0, 0)[0], "ml");
		ck_assert_ptr_null(req(rules, 0, 0, 0)[1]);
		ck_assert_uint_eq(nreq(rules, 0, 1), 0);
		ck_assert_uint_eq(rules->pats[1].canon, 1);
		for (int i = 0; i < 3; i++)
			n[pre][i] = count(texts[i]);
		teardown();
	}
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(n[0][i], n[1][i]);
	ck_assert_int_eq(n[1][0], 2);
	ck_assert_int_eq(n[1][1], 0);
}
END_TEST

/* Matches of each named signal in each text, with the prefilter on or off:
 * n[pre][text * nsig + signal]. */
static void counts_both_ways(const char *yaml, const char *const *texts, size_t ntexts,
			     size_t nsig, long (*n)[64])
{
	ck_assert_uint_le(ntexts * nsig, 64);
	for (int pre = 0; pre < 2; pre++) {
		load_prefilter(yaml, pre);
		for (size_t i = 0; i < ntexts; i++)
			for (size_t k = 0; k < nsig; k++)
				n[pre][i * nsig + k] = ms_scanner_signal_count(sc, k, texts[i],
									       strlen(texts[i]));
		teardown();
	}
	for (size_t j = 0; j < ntexts * nsig; j++)
		ck_assert_msg(n[0][j] == n[1][j], "text %zu, signal %zu: %ld without the prefilter, "
			      "%ld with it", j / nsig, j % nsig, n[0][j], n[1][j]);
}

/* Random texts of words and separators, the same for a seed: 1 to maxw
 * words each, in every fifth text drawn from the first nfew words only
 * (when nfew is not 0), so that those words' strings cluster. */
typedef struct wordmix {
	const char *const *words;
	size_t nwords, nfew, maxw;
	const char *const *seps;
	size_t nseps;
} wordmix;

/* Text i of a mix, in text[cap]; returns its length. */
static size_t mix_text(const wordmix *m, unsigned *seed, size_t i, char *text, size_t cap)
{
	size_t len = 0, nw;

	text[0] = '\0';
	*seed = *seed * 1103515245u + 12345u;
	nw = 1 + (*seed >> 16) % m->maxw;
	for (size_t w = 0; w < nw; w++) {
		const char *x, *sep;

		*seed = *seed * 1103515245u + 12345u;
		x = m->words[(*seed >> 16) % (m->nfew && i % 5 == 0 ? m->nfew : m->nwords)];
		*seed = *seed * 1103515245u + 12345u;
		sep = m->seps[(*seed >> 16) % m->nseps];
		if (len + strlen(x) + strlen(sep) + 1 > cap)
			break;
		len += (size_t)sprintf(text + len, "%s%s", x, sep);
	}
	return len;
}

/* Every signal of the pack finds as many matches in each of ntext texts of
 * the mix with the prefilter as without it; total[k] gains signal k's
 * matches. */
static void same_with_prefilter(const char *yaml, const wordmix *m, unsigned seed0,
				size_t ntext, size_t nsig, size_t cap, long *total)
{
	long *want = malloc(ntext * nsig * sizeof *want);
	char *text = malloc(cap);

	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(text);
	for (int pre = 0; pre < 2; pre++) {
		unsigned seed = seed0;

		load_prefilter(yaml, pre);
		for (size_t i = 0; i < ntext; i++) {
			size_t len = mix_text(m, &seed, i, text, cap);

			for (size_t k = 0; k < nsig; k++) {
				long n = ms_scanner_signal_count(sc, k, text, len);

				if (!pre) {
					want[i * nsig + k] = n;
					total[k] += n;
				} else {
					ck_assert_msg(n == want[i * nsig + k],
						      "text %zu ('%s'), signal %zu: %ld without the "
						      "prefilter, %ld with it",
						      i, text, k, want[i * nsig + k], n);
				}
			}
		}
		teardown();
	}
	free(want);
	free(text);
}

/* A window whose pattern has another required set is run only when an
 * occurrence of that set lies where a match from the window could hold it:
 * no further into the match than the set's strings can be.  Random texts
 * of the patterns' words, near and far from each other (and in every fifth
 * text, clustered), find the matches of the scan without the prefilter. */
START_TEST(windows_need_the_other_sets)
{
	static const char yaml[] =
		"signals:\n"
		"  - {id: a, patterns: ['\\b(?:his|hers) (?:\\w+\\s+){0,2}(?:doctor|nurse)s?\\b']}\n"
		"  - {id: b, patterns: ['\\bdose (?:of )?\\d{1,4} ?mg (?:\\w{1,12} ){0,3}?daily\\b']}\n"
		"  - {id: c, patterns: ['\\b(?:referral|appointment) (?:\\w{1,10} ){0,2}(?:clinic|surgery)\\b']}\n"
		"  - {id: d, patterns: ['\\bcall (?:an |the |\\d{3} )?(?:ambulance|paramedics)\\b']}\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
		"forbid: a}\n";
	static const char *const words[] = {
		"his", "doctor", "dose 10 mg", "daily", "referral", "clinic", "call", "ambulance",
		"hers", "HIS", "nurses", "Doctors", "dose", "dose of 250mg", "of", "10", "mg",
		"DAILY", "appointment", "surgery", "paramedics", "the", "a", "very", "really",
		"other", "thehis", "calls", "clinic.", "10mg", "Referral", "call the", "call an", "call 999",
	};
	static const char *const seps[] = { " ", " ", " ", "  ", ", ", ". ", "\n", "\t", "" };
	static const wordmix mix = { words, MS_ARRAY_LEN(words), 8, 40, seps, MS_ARRAY_LEN(seps) };
	enum { NSIG = 4 };
	long total[NSIG] = { 0 };

	load(yaml);
	/* a: the nouns lie an unbounded distance into a match, "his" and
	 * "hers" start it; b: three sets, every one at a bounded distance; c
	 * and d: two such sets, and "ambulance" can be the furthest it can
	 * be from "call" (by "an") */
	ck_assert_uint_eq(rules->patreq[0].nreq, 2);
	ck_assert_uint_eq(rules->patreq[1].nreq, 3);
	ck_assert_uint_eq(rules->patreq[2].nreq, 2);
	ck_assert_uint_eq(rules->patreq[3].nreq, 2);
	ck_assert_int_lt(rules->patreq[0].maxprefix[0] < 0 ? rules->patreq[0].maxprefix[0]
							    : rules->patreq[0].maxprefix[1], 0);
	for (size_t k = 1; k < NSIG; k++)
		for (uint32_t q = 0; q < rules->patreq[k].nreq; q++)
			ck_assert_int_ge(rules->patreq[k].maxprefix[q], 0);
	teardown();
	same_with_prefilter(yaml, &mix, 4242, 3000, NSIG, 400, total);
	/* each pattern matches, often */
	for (size_t k = 0; k < NSIG; k++)
		ck_assert_msg(total[k] > 100, "signal %zu: %ld", k, total[k]);
}
END_TEST

/* Which regexes start every match at a word boundary: a leading \b, and no
 * alternative at the top level (where the \b would bind only the first). */
START_TEST(regex_word_start)
{
	static const struct {
		const char *re;
		int want;
	} cases[] = {
		{ "\\bhis doctor", 1 },
		{ "\\b(?:his|her) doctor", 1 },
		{ "\\b(?<!not )(?:a|an) nurse", 1 },
		{ "\\bhis doctor|her nurse", 0 },
		{ "\\b(?:his) doctor|her", 0 },
		{ "\\bx\\|y", 1 },          /* an escaped bar */
		{ "\\b[|]x", 1 },            /* a bar in a class */
		{ "\\b[]|]x", 1 },           /* ']' first in a class is a member */
		{ "\\b[^]|]x", 1 },
		{ "\\b[[:alpha:]|]x", 1 },
		{ "\\b[a-z]x|y", 0 },
		{ "his doctor", 0 },
		{ "(?:\\bhis) doctor", 0 },  /* no promise when the \b is not first */
		{ "\\bx(?#|)y", 0 },        /* a comment: not read */
		{ "\\b\\Q|\\E", 0 },        /* quoting: not read */
		{ "\\b(?x) a | b", 0 },     /* extended syntax: not read */
		{ "\\b(a))|(b", 0 },        /* unbalanced */
		{ "\\b[a", 0 },
	};

	for (size_t i = 0; i < MS_ARRAY_LEN(cases); i++)
		ck_assert_msg(ms_regex_word_start(cases[i].re) == cases[i].want, "%s: want %d",
			      cases[i].re, cases[i].want);
}
END_TEST

/* A window around a string that starts a match which starts at a word
 * boundary is skipped when the string lies inside a word ("his" in "this",
 * "rom" in "from"), and the automaton does not report such a string when
 * all its sets are of that kind: random texts of such words, glued to each
 * other and apart, find the matches of the scan without the prefilter.  A
 * regex with a top-level alternative, whose other branches need no
 * boundary, keeps every window; a regex that shares a set with a
 * word-start one but has no \b of its own keeps the set's strings inside
 * words; the Kelvin sign and the long s, k and s in the normalised view,
 * may begin a match after a letter. */
START_TEST(windows_skip_strings_inside_words)
{
	static const char yaml[] =
		"signals:\n"
		"  - {id: a, patterns: ['\\b(?:his|hers) (?:\\w+\\s+){0,2}(?:doctor|nurse)s?\\b']}\n"
		"  - {id: b, patterns: ['\\bhis doctor|her nurse']}\n"
		"  - {id: c, patterns: ['\\brom \\d']}\n"
		"  - {id: d, patterns: ['\\bi(?: a|[\\'']|)m (?:an? )?(?:doctor|nurse)\\b']}\n"
		"  - {id: e, patterns: ['(?:his|hers) (?:\\w+\\s+){0,2}(?:doctor|nurse)s?\\b']}\n"
		"  - {id: f, patterns: ['\\b(?:she|kin) (?:doctor|nurse)s?\\b']}\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
		"forbid: a}\n";
	static const char *const words[] = {
		"his", "hers", "doctor", "nurse", "her", "other", "t", "o", "fr", "rom", "5",
		"i am", "i'm", "hi", "a", "an", "Th", "_", "9", "\xC3\xA9", "-", "HIS", "Rom",
		"im", "hers,", "(his", "doctors",
		/* the Kelvin sign and the long s, which caseless matching takes
		 * for k and s, and \b for no word character unless UCP is on */
		"\xE2\x84\xAA", "\xC5\xBF", "\xC5\xBFhe", "\xC5\xBFhis", "k", "s", "she", "kin",
		"\xE2\x84\xAAin",
	};
	static const char *const seps[] = { " ", " ", " ", "", "", "", ". ", "\n" };
	static const wordmix mix = { words, MS_ARRAY_LEN(words), 0, 30, seps, MS_ARRAY_LEN(seps) };
	enum { NTEXT = 3000, NSIG = 6 };
	char text[300];
	unsigned seed = 99;
	long total[NSIG] = { 0 }, skippable = 0;

	load(yaml);
	/* a, c and d: the window set starts the match; b: a branch needs no
	 * \b; e: no \b, but its set of "his" and "hers" is a's too, so the
	 * automaton must report those inside words ("this nurse") for e */
	ck_assert(rules->patreq[0].nreq >= 1);
	for (size_t k = 0; k < NSIG; k++) {
		int any = 0;
		for (uint32_t q = 0; q < rules->patreq[k].nreq; q++)
			any |= rules->patreq[k].word_start[q];
		ck_assert_msg(any == (k != 1 && k != 4), "pattern %zu: word_start %d", k, any);
	}
	{
		int shared = 0;
		for (uint32_t q = 0; q < rules->patreq[4].nreq; q++)
			for (uint32_t o = 0; o < rules->patreq[0].nreq; o++)
				shared |= rules->patreq[4].id[q] == rules->patreq[0].id[o];
		ck_assert(shared);
	}
	teardown();
	same_with_prefilter(yaml, &mix, seed, NTEXT, NSIG, sizeof text, total);
	for (size_t i = 0; i < NTEXT; i++) {
		mix_text(&mix, &seed, i, text, sizeof text);
		if (strstr(text, "this") || strstr(text, "other") || strstr(text, "from"))
			skippable++;
	}
	for (size_t k = 0; k < NSIG; k++)
		ck_assert_msg(total[k] > 20, "signal %zu: %ld", k, total[k]);
	ck_assert_int_gt(skippable, 300);
}
END_TEST

/* A required set keeps no string that another of its strings begins: that
 * one occurs wherever the longer one does, at the same place.  The scan
 * finds what it finds without the prefilter. */
START_TEST(required_sets_drop_extensions)
{
	static const char yaml[] =
		"signals:\n"
		"  - {id: a, patterns: ['\\b(?:update|set)(?: the (?:entry|date))?\\b']}\n"
		"  - {id: b, patterns: ['\\b(?:sewing|sew|seam)(?: kits?)?']}\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
		"forbid: a}\n";
	static const char *const texts[] = {
		"Set the date to Monday.", "please update the entry as agreed", "reset to zero",
		"set as default", "the sewing kit and a seam kit", "a sew kit", "updates the date to",
		"set the entry as", "upset the date to", "", "set", "sewing kits",
	};
	const char *const *v;
	long n[2][64];

	load(yaml);
	v = req(rules, 0, 0, 0);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v[0], "update");
	ck_assert_str_eq(v[1], "set");
	ck_assert_ptr_null(v[2]);
	v = req(rules, 1, 0, 0);
	ck_assert_ptr_nonnull(v);
	/* "sewing", "sew kit" and "seam kits" go: "sew" or "seam" begins them */
	ck_assert_str_eq(v[0], "sew");
	ck_assert_str_eq(v[1], "seam");
	ck_assert_ptr_null(v[2]);
	teardown();
	counts_both_ways(yaml, texts, MS_ARRAY_LEN(texts), 2, n);
	ck_assert_int_eq(n[1][0 * 2 + 0], 1);  /* "Set the date" */
	ck_assert_int_eq(n[1][4 * 2 + 1], 2);  /* "sewing kit", "seam kit" */
	ck_assert_int_eq(n[1][2 * 2 + 0], 0);  /* "reset": inside a word */
	ck_assert_int_eq(n[1][8 * 2 + 0], 0);  /* "upset" */
}
END_TEST

/* A string in several required sets is one automaton entry: each of its
 * occurrences is reported once, and every set that holds it learns of it.
 * Sets of several strings get their occurrences merged in order. */
START_TEST(shared_required_strings)
{
	static const char yaml[] =
		"signals:\n"
		"  - {id: a, patterns: ['\\b(?:help|assist)\\b']}\n"
		"  - {id: b, patterns: ['\\b(?:help|guide)\\b']}\n"
		"  - {id: c, patterns: ['\\bhelp\\b']}\n"
		"  - {id: d, patterns: ['\\b(?:helpful|help) (?:me|us)\\b']}\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
		"forbid: a}\n";
	static const char *const texts[] = {
		"help", "HELP me, help  us; helpful me", "assist, guide and help, assist",
		"guide guide guide", "helpless helpful", "", "help us assist me help me",
	};
	long n[2][64];

	load(yaml);
	/* help, assist, guide and the four of d; help is in three sets */
	ck_assert_uint_eq(rules->nlits, 7);
	ck_assert_uint_eq(rules->nmemb, 9);
	ck_assert_uint_eq(rules->lit_first[1] - rules->lit_first[0], 3);
	teardown();
	counts_both_ways(yaml, texts, MS_ARRAY_LEN(texts), 4, n);
	/* text 1: a, b and c each find both "help"s (not "helpful"), d the
	 * two without a double space */
	ck_assert_int_eq(n[1][1 * 4 + 0], 2);
	ck_assert_int_eq(n[1][1 * 4 + 1], 2);
	ck_assert_int_eq(n[1][1 * 4 + 2], 2);
	ck_assert_int_eq(n[1][1 * 4 + 3], 2);
	ck_assert_int_eq(n[1][2 * 4 + 0], 3);
	ck_assert_int_eq(n[1][2 * 4 + 1], 2);
	ck_assert_int_eq(n[1][2 * 4 + 2], 1);
	ck_assert_int_eq(n[1][3 * 4 + 1], 3);
	ck_assert_int_eq(n[1][4 * 4 + 2], 0);
	ck_assert_int_eq(n[1][6 * 4 + 3], 2);
}
END_TEST

/* A weak required set (one of its strings occurs in nearly every text)
 * is left out of the automaton when its regex has a strong one; the
 * regex's matches are the same, whether or not the weak string occurs.
 * Another regex that needs the weak string (it has no other set) brings
 * it back, and then the weak set is looked for again: it costs nothing. */
START_TEST(weak_required_sets)
{
	static const char one[] =
		"signals:\n"
		"  - {id: d, patterns: ['\\bcomfortable (?:\\w+ing|with that)\\b']}\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
		"forbid: d}\n";
	static const char two[] =
		"signals:\n"
		"  - {id: d, patterns: ['\\bcomfortable (?:\\w+ing|with that)\\b']}\n"
		"  - {id: e, patterns: ['\\b\\w+ing\\b']}\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
		"forbid: d}\n";
	static const char *const texts[] = {
		"I am not comfortable doing that", "comfortable with that", "comfortable with this",
		"nothing is coming", "comfortable", "", "comfortable sharing; comfortable with that",
		"Comfortable  ING, COMFORTABLE with that",
	};
	long n[2][64];

	ck_assert(ms_common_fragment("ing"));
	ck_assert(ms_common_fragment("your"));
	ck_assert(ms_common_fragment("er"));
	ck_assert(!ms_common_fragment("hiv"));
	ck_assert(!ms_common_fragment("mg"));
	ck_assert(!ms_common_fragment("comfortable"));

	load(one);
	ck_assert_uint_eq(nreq(rules, 0, 0), 2);
	ck_assert_str_eq(req(rules, 0, 0, 1)[0], "ing");
	/* only "comfortable" is looked for, and only its set checked */
	ck_assert_uint_eq(rules->nlits, 1);
	ck_assert_uint_eq(rules->patreq[0].nreq, 1);
	ck_assert_uint_eq(rules->patreq[0].id[0], rules->pats[0].req[0].id);
	ck_assert_int_eq(rules->patreq[0].maxprefix[0], rules->pats[0].req[0].maxprefix);
	teardown();
	counts_both_ways(one, texts, MS_ARRAY_LEN(texts), 1, n);
	ck_assert_int_eq(n[1][0], 1);
	ck_assert_int_eq(n[1][1], 1);
	ck_assert_int_eq(n[1][2], 0);
	ck_assert_int_eq(n[1][3], 0);
	ck_assert_int_eq(n[1][6], 2);
	ck_assert_int_eq(n[1][7], 1);

	load(two);
	ck_assert_uint_eq(rules->nlits, 3);
	ck_assert_uint_eq(rules->patreq[0].nreq, 2);
	ck_assert_uint_eq(rules->patreq[1].nreq, 1);
	teardown();
	counts_both_ways(two, texts, MS_ARRAY_LEN(texts), 2, n);
	ck_assert_int_eq(n[1][0 * 2 + 1], 1);
	ck_assert_int_eq(n[1][3 * 2 + 1], 2);
	ck_assert_int_eq(n[1][6 * 2 + 0], 2);
}
END_TEST

/* A regex used by several signals is compiled and matched once; every
 * signal still gets its matches, and its failures. */
START_TEST(shared_patterns)
{
	const ms_result *res;

	load("signals:\n  - {id: a, patterns: ['\\bguaranteed (?:cure|result)']}\n"
	     "  - {id: b, patterns: ['\\bguaranteed (?:cure|result)', 'promise']}\n"
	     "rules:\n  - {id: RA, dimension: safety, severity: high, title: t, message: m, forbid: a}\n"
	     "  - {id: RB, dimension: safety, severity: high, title: t, message: m, forbid: b}\n");
	ck_assert_uint_eq(rules->npats, 3);
	ck_assert_uint_eq(rules->pats[1].canon, 0);
	ck_assert_ptr_eq(rules->pats[1].code, rules->pats[0].code);
	res = scan("A guaranteed cure, I promise.");
	ck_assert_uint_eq(res->nfindings, 2);
	ck_assert_uint_eq(res->findings[0].nevidence, 1);
	ck_assert_uint_eq(res->findings[1].nevidence, 2);
	ck_assert_uint_eq(res->findings[0].evidence[0].start, res->findings[1].evidence[0].start);
	ck_assert_uint_eq(res->nsignals, 2);
	teardown();
}
END_TEST

/* ---- the repeated condition against a reference ----
 * The scanner finds the most repeated unit in two passes (signatures from
 * bit masks, then full hashes of the units whose signature recurs).  Here
 * the units are cut and compared as strings, one byte at a time, straight
 * from the definition in medscreen-rules(5), on generated texts that repeat
 * sentences with their case, spacing, punctuation and list numbers changed,
 * and whose units cross the scanner's 64-byte blocks. */

typedef struct refunit {
	char norm[512]; /* words in lower case, joined by single spaces */
	size_t words, start, end;
} refunit;

static unsigned char ref_fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A' + 'a');
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80 ? c : 0;
}

/* The units of at least minwords words; returns how many. */
static size_t ref_units(const char *text, size_t len, unsigned minwords, refunit *u, size_t cap)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, n = 0;

	while (i < len) {
		refunit x = { { 0 }, 0, 0, 0 };
		size_t k = 0;
		int inword = 0;

		while (i < len && !isalpha(p[i]) && p[i] < 0x80)
			i++;
		if (i == len)
			break;
		x.start = i;
		for (; i < len; i++) {
			unsigned char f = ref_fold(p[i]);
			if (p[i] == '\n')
				break;
			if ((p[i] == '.' || p[i] == '!' || p[i] == '?') &&
			    (i + 1 == len || p[i + 1] == ' ' || p[i + 1] == '\n'))
				break;
			if (!f) {
				inword = 0;
				continue;
			}
			if (!inword && x.words++)
				x.norm[k++] = ' ';
			inword = 1;
			x.norm[k++] = (char)f;
			x.end = i + 1;
			ck_assert_uint_lt(k, sizeof x.norm - 1);
		}
		i++;
		if (x.words >= minwords) {
			ck_assert_uint_lt(n, cap);
			u[n++] = x;
		}
	}
	return n;
}

static uint64_t ref_fnv(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

START_TEST(repeated_units_reference)
{
	static const char *const sentences[] = {
		"drink plenty of water every day", "rest in a quiet dark room",
		"see your doctor if the rash spreads", "take 2 tablets with food",
		"call the clinic today", "keep the wound clean and dry",
		"caf\xC3\xA9 au lait is fine", "ask your pharmacist about this medicine and the dose",
		"a very long sentence about the side effects of the medicine that goes on and on past one block of the scanner",
	};
	static const char *const seps[] = { " ", "  ", ", ", " - ", " (", ") ", " / " };
	static const char *const ends[] = { ". ", "!\n", "? ", "\n", ".\n\n", "... ", ".", "\n- " };
	static const char *const heads[] = { "", "", "1. ", "- ", "* ", "12) ", "\xE2\x80\xA2 " };
	static refunit u[256];
	unsigned seed = 12345;
	size_t fired = 0;

	load("rules:\n"
	     "  - {id: R, dimension: professionalism, severity: medium, title: t, message: m,\n"
	     "     forbid: {repeated: {min: 2, words: 3}}}\n");
	for (int round = 0; round < 3000; round++) {
		char text[4096];
		size_t len = 0, n, best = 0, nbest = 0, nref = 0;
		int nsent = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 14;
		int pool = 2 + round % 7;
		const ms_result *res;
		uint64_t bh = 0;

		for (int k = 0; k < nsent; k++) {
			const char *w = sentences[((seed = seed * 1103515245u + 12345u) >> 16) % pool];
			const char *h = heads[((seed = seed * 1103515245u + 12345u) >> 16) % 7];
			const char *e = ends[((seed = seed * 1103515245u + 12345u) >> 16) % 8];

			len += (size_t)snprintf(text + len, sizeof text - len, "%s", h);
			for (const char *c = w; *c; c++) {
				unsigned r = (seed = seed * 1103515245u + 12345u) >> 16;
				if (*c == ' ') {
					len += (size_t)snprintf(text + len, sizeof text - len, "%s",
								seps[r % 16 < 10 ? 0 : r % 7]);
					continue;
				}
				text[len++] = r % 5 == 0 && *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c;
			}
			/* Sometimes a sentence runs on into the next ("e.g.so"). */
			len += (size_t)snprintf(text + len, sizeof text - len, "%s",
						k % 11 == 10 ? "." : e);
		}
		text[len] = '\0';
		n = ref_units(text, len, 3, u, 256);
		/* The most frequent unit, of equals the lowest hash of its words. */
		for (size_t a = 0; a < n; a++) {
			size_t c = 0;
			for (size_t b = 0; b < n; b++)
				c += strcmp(u[a].norm, u[b].norm) == 0;
			if (c > nbest || (c == nbest && ref_fnv(u[a].norm) < bh)) {
				nbest = c;
				bh = ref_fnv(u[a].norm);
				best = a;
			}
		}
		res = scan_rec(text, len, NULL, NULL, 0);
		if (nbest < 2) {
			ck_assert_msg(res->nfindings == 0, "fired on \"%s\"", text);
			continue;
		}
		ck_assert_msg(res->nfindings == 1, "missed \"%s\"", text);
		fired++;
		/* The evidence: the later occurrences, in order. */
		for (size_t b = best + 1; b < n; b++) {
			if (strcmp(u[b].norm, u[best].norm) != 0)
				continue;
			ck_assert_uint_lt(nref, res->findings[0].nevidence);
			ck_assert_msg(res->findings[0].evidence[nref].start == u[b].start &&
					      res->findings[0].evidence[nref].end == u[b].end,
				      "span %zu of \"%s\": %zu-%zu, expected %zu-%zu", nref, text,
				      res->findings[0].evidence[nref].start,
				      res->findings[0].evidence[nref].end, u[b].start, u[b].end);
			nref++;
		}
		ck_assert_uint_eq(nref, res->findings[0].nevidence);
	}
	/* Both outcomes were tried, many times. */
	ck_assert_uint_gt(fired, 500);
	ck_assert_uint_lt(fired, 2900);
	teardown();
}
END_TEST

START_TEST(examples_run)
{
	ms_compiler *c;
	size_t n, ok = 0;

	ck_assert_int_eq(ms_compiler_create(&c, NULL, NULL, NULL), MS_OK);
	ck_assert_int_eq(ms_compiler_add_path(c, TEST_DATA "/rules"), MS_OK);
	ck_assert_int_eq(ms_compiler_get_rules(c, &rules), MS_OK);
	ms_compiler_destroy(c);
	ck_assert_int_eq(ms_scanner_create(&sc, rules), MS_OK);
	n = ms_rules_example_count(rules);
	ck_assert_uint_gt(n, 8);
	for (size_t i = 0; i < n; i++) {
		ms_example_info info;
		int passed = 0;
		ck_assert_int_eq(ms_scanner_run_example(sc, i, &info, &passed), MS_OK);
		ok += (size_t)passed;
	}
	ck_assert_uint_eq(ok, n);
	teardown();
}
END_TEST

START_TEST(regex_literals)
{
	ms_rules *r = compile_yaml(
		"signals:\n  - id: s\n    patterns:\n"
		"      - '\\bnot (?:fda|ema)[- ]approved\\b'\n"
		"      - '(?:a|b)c'\n"
		"      - 'colou?r chart'\n"
		"      - 'off-label'\n"
		"      - '\\bdata (?:on \\w+ )?is (?:limited|scarce)'\n",
		NULL);
	const ms_signal_info *si;

	ck_assert_ptr_nonnull(r);
	si = ms_rules_signal(r, 0);
	ck_assert_uint_eq(si->npatterns, 5);
	/* the literals: the first required set */
	ck_assert_str_eq(req(r, 0, 0, 0)[0], "not fda-approved");
	ck_assert_str_eq(req(r, 0, 0, 0)[3], "not ema approved");
	ck_assert_ptr_null(req(r, 0, 0, 0)[4]);
	ck_assert_ptr_null(req(r, 0, 1, 0));
	ck_assert_str_eq(req(r, 0, 2, 0)[0], "colour chart");
	ck_assert_str_eq(req(r, 0, 2, 0)[1], "color chart");
	ck_assert_str_eq(req(r, 0, 3, 0)[0], "off-label");
	/* every required set, the literals first */
	ck_assert_uint_eq(nreq(r, 0, 0), 1);
	ck_assert_uint_eq(nreq(r, 0, 1), 0);
	ck_assert_uint_eq(nreq(r, 0, 4), 2);
	ck_assert_str_eq(req(r, 0, 4, 0)[0], "is limited");
	ck_assert_str_eq(req(r, 0, 4, 1)[0], "data");
	ck_assert_ptr_null(req(r, 0, 4, 1)[1]);
	ck_assert_uint_eq(nreq(r, 0, 5), 0);
	ck_assert_uint_eq(nreq(r, 1, 0), 0);
	ms_rules_destroy(r);
}
END_TEST

/* The compiled scenarios (their behaviour: tests/data/matcher/scenarios.cases). */
START_TEST(scenario_tags)
{
	load("signals:\n  - {id: red, on: prompt, keywords: [chest pain], negation: exclude}\n"
	     "  - {id: er, keywords: [call 911], negation: exclude}\n"
	     "scenarios:\n  - {tag: emergency, description: d, signals: [red]}\n"
	     "rules:\n  - id: R\n    dimension: safety\n    severity: critical\n    title: t\n"
	     "    message: m\n    scope: {tags: [emergency]}\n    require: er\n");
	ck_assert_uint_eq(ms_rules_scenario_count(rules), 1);
	ck_assert_str_eq(ms_rules_scenario(rules, 0)->tag, "emergency");
	ck_assert_str_eq(ms_rules_scenario(rules, 0)->signals[0], "red");
	ck_assert_uint_eq(ms_rules_get(rules, 0)->nscope_tags, 1);
	teardown();
}
END_TEST

START_TEST(derived_signal_errors)
{
	diags d;
	ms_rules *r;

	/* Derived signals that compile: tests/data/matcher/position.cases. */
	r = compile_yaml("signals:\n  - {id: a, signal: b, within: {chars: 9}}\n"
			 "  - {id: b, signal: a, within: {chars: 9}}\n", &d);
	ck_assert_ptr_null(r);
	ck_assert(diags_has(&d, "signal 'a' is derived from itself"));
	r = compile_yaml("signals:\n  - {id: a, keywords: [x]}\n  - {id: b, signal: a}\n", &d);
	ck_assert_ptr_null(r);
	ck_assert(diags_has(&d, "a derived signal needs 'within'"));
	r = compile_yaml("signals:\n  - {id: a, keywords: [x]}\n"
			 "  - {id: b, signal: a, keywords: [y], within: {chars: 3}}\n", &d);
	ck_assert_ptr_null(r);
	ck_assert(diags_has(&d, "has no keywords or patterns of its own"));
	r = compile_yaml("signals:\n  - {id: a, keywords: [x]}\n"
			 "scenarios:\n  - {tag: t, signals: [zz]}\n", &d);
	ck_assert_ptr_null(r);
	ck_assert(diags_has(&d, "undefined signal 'zz'"));
	r = compile_yaml("signals:\n  - {id: a, keywords: [x]}\n"
			 "scenarios:\n  - {tag: Bad, signals: []}\n", &d);
	ck_assert_ptr_null(r);
	ck_assert(diags_has(&d, "scenario tag 'Bad' must match"));
}
END_TEST


/* The flat entry points of bindings: options and record fields as
 * arguments give what the structures give. */
START_TEST(ffi_entry_points)
{
	ms_compiler *c;
	const ms_result *res = NULL;
	static const char yaml[] =
		"signals:\n  - {id: s, patterns: ['^(?:a|aa)+$'], keywords: [zzz]}\n"
		"  - {id: p, on: prompt, keywords: [chest pain]}\n"
		"rules:\n  - {id: R, dimension: safety, severity: high, title: t, message: m, "
		"forbid: s}\n"
		"  - {id: T, dimension: safety, severity: low, title: t, message: m, "
		"forbid: {keywords: [cure]}, scope: {tags: [x], model: [alpha]}}\n"
		"  - {id: P, dimension: safety, severity: low, title: t, message: m, "
		"forbid: {keywords: [rest]}, scope: {prompt_signals: [p]}}\n";
	static const char *const tags[] = { "y", "x" };
	char text[64];

	ck_assert_int_eq(ms_ffi_compiler_create(&c, 1000, 1, 1, NULL, NULL), MS_OK);
	ck_assert_int_eq(ms_compiler_add_string(c, "t.yaml", yaml, strlen(yaml)), MS_OK);
	ck_assert_int_eq(ms_compiler_get_rules(c, &rules), MS_OK);
	ms_compiler_destroy(c);
	ck_assert_int_eq(ms_scanner_create(&sc, rules), MS_OK);
	/* The match limit was passed on. */
	memset(text, 'a', sizeof text - 2);
	text[sizeof text - 2] = 'c';
	text[sizeof text - 1] = '\0';
	ck_assert_int_eq(ms_ffi_scan(sc, text, strlen(text), NULL, 0, NULL, NULL, NULL, NULL, 0, 0,
				     &res), MS_OK);
	ck_assert(res->error);
	ck_assert_str_eq(res->findings[0].rule->id, "R");
	/* Tags and model reach the scope. */
	ck_assert_int_eq(ms_ffi_scan(sc, "a cure", 6, NULL, 0, "alpha", NULL, NULL, tags, 2, 0,
				     &res), MS_OK);
	ck_assert_uint_eq(res->nfindings, 1);
	ck_assert_str_eq(res->findings[0].rule->id, "T");
	ck_assert_int_eq(ms_ffi_scan(sc, "a cure", 6, NULL, 0, "beta", NULL, NULL, tags, 2, 0,
				     &res), MS_OK);
	ck_assert_uint_eq(res->nfindings, 0);
	ck_assert_int_eq(ms_ffi_scan(sc, "a cure", 6, NULL, 0, "alpha", NULL, NULL, tags, 1, 0,
				     &res), MS_OK);
	ck_assert_uint_eq(res->nfindings, 0);
	/* The prompt, with its length: the trigger is on the prompt. */
	ck_assert_int_eq(ms_ffi_scan(sc, "just rest", 9, "crushing chest pain!!", 19, NULL, NULL,
				     NULL, NULL, 0, 0, &res), MS_OK);
	ck_assert_uint_eq(res->nfindings, 1);
	ck_assert_str_eq(res->findings[0].rule->id, "P");
	ck_assert_uint_eq(res->findings[0].evidence[0].start, 5);
	ck_assert_uint_eq(res->findings[0].ntrigger, 1);
	ck_assert(res->findings[0].trigger[0].in_prompt);
	ck_assert_uint_eq(res->findings[0].trigger[0].start, 9);
	ck_assert_uint_eq(res->findings[0].trigger[0].end, 19);
	teardown();
}
END_TEST

Suite *make_matcher_suite(void)
{
	Suite *s = suite_create("matcher");
	TCase *tc = tcase_create("match");

	tcase_add_test(tc, scenario_tags);
	tcase_add_test(tc, derived_signal_errors);
	tcase_add_test(tc, word_counts);
	tcase_add_test(tc, invalid_utf8_and_nul);
	tcase_add_test(tc, match_limit_is_an_error);
	tcase_add_test(tc, each_error_names_its_regex);
	tcase_add_test(tc, regex_runs_are_bounded);
	tcase_add_test(tc, missing_on_empty_response);
	tcase_add_test(tc, prefilter_same_result);
	tcase_add_test(tc, windowed_equals_full);
	tcase_add_test(tc, first_span_equals_full);
	tcase_add_test(tc, literal_prefix_bounds);
	tcase_add_test(tc, required_sets);
	tcase_add_test(tc, automaton_matches_naive_search);
	tcase_add_test(tc, automaton_parts_match_whole);
	tcase_add_test(tc, automaton_word_start_entries);
	tcase_add_test(tc, normalised_offsets);
	tcase_add_test(tc, normalised_view_reference);
	tcase_add_test(tc, declared_required_strings);
	tcase_add_test(tc, shared_patterns);
	tcase_add_test(tc, windows_need_the_other_sets);
	tcase_add_test(tc, regex_word_start);
	tcase_add_test(tc, required_sets_drop_extensions);
	tcase_add_test(tc, windows_skip_strings_inside_words);
	tcase_add_test(tc, shared_required_strings);
	tcase_add_test(tc, weak_required_sets);
	tcase_add_test(tc, examples_run);
	tcase_add_test(tc, repeated_units_reference);
	tcase_add_test(tc, regex_literals);
	tcase_add_test(tc, ffi_entry_points);
	suite_add_tcase(s, tc);
	return s;
}
