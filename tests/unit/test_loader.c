/* The rule loader: every kind of rule-file error, with its position. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "suites.h"

#define SIG_OK "signals:\n  - id: s\n    keywords: [abc]\n"

static void expect_error(const char *yaml, const char *where_and_what)
{
	diags d;
	ms_rules *r = compile_yaml(yaml, &d);

	ck_assert_ptr_null(r);
	ck_assert_msg(diags_has(&d, where_and_what), "expected '%s' in diagnostics; got %zu: %s",
		      where_and_what, d.n, d.n ? d.lines[0] : "(none)");
}

START_TEST(valid_minimal)
{
	diags d;
	ms_rules *r = compile_yaml(SIG_OK "rules:\n  - id: R-1\n    dimension: safety\n"
					  "    severity: low\n    title: t\n    message: m\n"
					  "    forbid: s\n",
				   &d);

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(d.errors, 0);
	ck_assert_uint_eq(ms_rules_count(r), 1);
	ck_assert_str_eq(ms_rules_get(r, 0)->id, "R-1");
	ck_assert_int_eq(ms_rules_get(r, 0)->dimension, MS_DIM_SAFETY);
	ck_assert_int_eq(ms_rules_get(r, 0)->severity, MS_SEV_LOW);
	ck_assert_uint_eq(ms_rules_get(r, 0)->line, 5);
	ck_assert_uint_eq(ms_rules_signal_count(r), 1);
	ck_assert_str_eq(ms_rules_signal(r, 0)->id, "s");
	ms_rules_destroy(r);
}
END_TEST

START_TEST(empty_file_is_valid)
{
	ms_rules *r = compile_yaml("", NULL);

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ms_rules_count(r), 0);
	ms_rules_destroy(r);
}
END_TEST

START_TEST(unknown_key)
{
	expect_error(SIG_OK "    colour: red\n", "4:5: error: unknown key 'colour' in a signal");
}
END_TEST

START_TEST(unknown_top_key)
{
	expect_error("signal:\n  - id: s\n", "1:1: error: unknown key 'signal' in a rule file");
}
END_TEST

START_TEST(wrong_type)
{
	expect_error(SIG_OK "rules:\n  - id: R\n    dimension: safety\n    severity: low\n"
			    "    title: [a, b]\n    message: m\n    forbid: s\n",
		     "8:12: error: 'title' must be a string, not a list");
}
END_TEST

START_TEST(missing_field)
{
	expect_error(SIG_OK "rules:\n  - id: R\n    dimension: safety\n    severity: low\n"
			    "    message: m\n    forbid: s\n",
		     "5:5: error: a rule has no 'title'");
}
END_TEST

START_TEST(duplicate_rule_id)
{
	expect_error(SIG_OK "rules:\n"
			    "  - {id: R, dimension: safety, severity: low, title: t, message: m, forbid: s}\n"
			    "  - {id: R, dimension: safety, severity: low, title: t, message: m, forbid: s}\n",
		     "6:5: error: duplicate rule id 'R' (first defined at t.yaml:5)");
}
END_TEST

/* A large generated pack (50,000 signals, rules and references, the same
 * regex in every 1,000th signal): duplicates found with their lines, the
 * first definition named, references resolved to the right signal. */
START_TEST(large_pack_checks)
{
	enum { N = 50000 };
	ms_buf sig = { 0 }, rul = { 0 };
	diags d;
	ms_rules *r = NULL;
	ms_compiler *c;

	/* Two files: a document holds at most a million YAML nodes. */
	for (int bad = 1; bad >= 0; bad--) {
		sig.len = rul.len = 0;
		ck_assert_int_eq(ms_buf_adds(&sig, "signals:\n"), 0);
		for (int i = 0; i < N; i++)
			ck_assert_int_eq(ms_buf_printf(&sig, "  - {id: s%d, keywords: [w%dx], patterns: "
						       "['\\bq%dz\\d']}\n", i, i, i % 1000), 0);
		/* line N + 2: a duplicate of s7 (line 9) */
		if (bad)
			ck_assert_int_eq(ms_buf_adds(&sig, "  - {id: s7, keywords: [again]}\n"), 0);
		ck_assert_int_eq(ms_buf_adds(&rul, "rules:\n"), 0);
		for (int i = 0; i < N; i++)
			ck_assert_int_eq(ms_buf_printf(&rul, "  - {id: R%d, dimension: safety, "
						       "severity: low, title: t, message: m, "
						       "forbid: s%d}\n", i, N - 1 - i), 0);
		/* line N + 2: a duplicate of R123 (line 125), an undefined signal */
		if (bad)
			ck_assert_int_eq(ms_buf_adds(&rul, "  - {id: R123, dimension: safety, "
						     "severity: low, title: t, message: m, "
						     "forbid: nope}\n"), 0);
		memset(&d, 0, sizeof d);
		ck_assert_int_eq(ms_compiler_create(&c, NULL, collect_diag, &d), MS_OK);
		ms_compiler_add_string(c, "s.yaml", sig.data, sig.len);
		ms_compiler_add_string(c, "t.yaml", rul.data, rul.len);
		ms_compiler_get_rules(c, &r);
		ms_compiler_destroy(c);
		if (!bad)
			break;
		ck_assert_ptr_null(r);
		ck_assert_msg(d.errors == 3, "%zu: %s", d.errors, d.n ? d.lines[0] : "");
		ck_assert_msg(diags_has(&d, "50002:5: error: duplicate signal id 's7' (first defined at s.yaml:9)"),
			      "%s", d.lines[0]);
		ck_assert_msg(diags_has(&d, "50002:5: error: duplicate rule id 'R123' (first defined at t.yaml:125)"),
			      "%s", d.lines[1]);
		ck_assert_msg(diags_has(&d, "50002:") && diags_has(&d, "error: undefined signal 'nope'"),
			      "%s", d.lines[2]);
	}
	ck_assert_msg(r != NULL, "%s", d.n ? d.lines[0] : "");
	ck_assert_uint_eq(ms_rules_count(r), N);
	ck_assert_uint_eq(ms_rules_signal_count(r), N);
	{
		ms_scanner *sc;
		const ms_result *res;
		ms_record rec = { 0 };
		static const char text[] = "w49990x and w3x and q5z1";

		ck_assert_int_eq(ms_scanner_create(&sc, r), MS_OK);
		rec.response = text;
		rec.response_len = strlen(text);
		ck_assert_int_eq(ms_scanner_scan(sc, &rec, &res), MS_OK);
		/* s49990 is R9's, s3 is R49996's; q5z1 matches s5, s1005, ... */
		ck_assert_uint_eq(res->nfindings, 2 + N / 1000);
		ck_assert_str_eq(res->findings[0].rule->id, "R9");
		ck_assert_str_eq(res->findings[res->nfindings - 1].rule->id, "R49996");
		ms_scanner_destroy(sc);
	}
	ms_rules_destroy(r);
	ms_buf_free(&sig);
	ms_buf_free(&rul);
}
END_TEST

START_TEST(duplicate_key)
{
	expect_error(SIG_OK "    keywords: [x]\n", "4:5: error: duplicate key 'keywords'");
}
END_TEST

START_TEST(undefined_signal)
{
	expect_error(SIG_OK "rules:\n  - id: R\n    dimension: safety\n    severity: low\n"
			    "    title: t\n    message: m\n    forbid: {all: [s, nope]}\n",
		     "10:23: error: undefined signal 'nope'");
}
END_TEST

START_TEST(bad_severity_and_dimension)
{
	diags d;
	ms_rules *r = compile_yaml(SIG_OK "rules:\n  - id: R\n    dimension: ethics\n"
					  "    severity: severe\n    title: t\n    message: m\n"
					  "    forbid: s\n",
				   &d);

	ck_assert_ptr_null(r);
	ck_assert(diags_has(&d, "6:16: error: unknown dimension 'ethics'"));
	ck_assert(diags_has(&d, "7:15: error: unknown severity 'severe'"));
	ck_assert_uint_eq(d.errors, 2);
}
END_TEST

START_TEST(invalid_regex)
{
	diags d;
	ms_rules *r = compile_yaml("signals:\n  - id: s\n    patterns: ['ab(c']\n", &d);

	ck_assert_ptr_null(r);
	ck_assert(diags_has(&d, "3:16: error: invalid regex in 's' at offset 4 of the pattern"));
	ck_assert(diags_has(&d, "missing closing parenthesis"));
}
END_TEST

/* Start-of-pattern options change how a regex matches or is run (the JIT
 * refuses (*NO_JIT) patterns at scan time): rejected where they are
 * written.  Verbs such as (*FAIL) or (*SKIP) are not options. */
START_TEST(start_of_pattern_options)
{
	static const char *const opts[] = { "(*NO_JIT)", "(*LIMIT_MATCH=10)", "(*NOTEMPTY)",
					    "(*UTF)", "(*CR)", "(*UCP)(*NO_START_OPT)",
					    "(*LIMIT_HEAP=1)", "(*BSR_ANYCRLF)", "(*ANY)" };
	char yaml[256];
	diags d;
	ms_rules *r;

	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		snprintf(yaml, sizeof yaml, "signals:\n  - id: s\n    patterns: ['%sabc']\n", opts[i]);
		r = compile_yaml(yaml, &d);
		ck_assert_msg(r == NULL, "%s accepted", opts[i]);
		ck_assert_msg(diags_has(&d, "3:16: error: regex in 's' starts with the option (*"),
			      "%s: %s", opts[i], d.n ? d.lines[0] : "(none)");
	}
	r = compile_yaml("signals:\n  - id: s\n    patterns: ['abc(*SKIP)(*FAIL)|abd']\n"
			 "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			 "message: m, forbid: s}\n", &d);
	ck_assert_ptr_nonnull(r);
	ms_rules_destroy(r);
}
END_TEST

/* What is not a regular file (a FIFO would block the reader forever, a
 * device never ends) is refused with a message, never read. */
START_TEST(non_regular_files_refused)
{
	char dir[] = "/tmp/ms-fifo.XXXXXX", path[256];
	ms_compiler *c;
	ms_rules *r = NULL;
	ms_prompts *p = NULL;
	diags d = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/a.yaml", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	/* A FIFO as the rule file, as a *.yaml of a directory, as prompts. */
	for (int k = 0; k < 2; k++) {
		memset(&d, 0, sizeof d);
		ck_assert_int_eq(ms_compiler_create(&c, NULL, collect_diag, &d), MS_OK);
		ck_assert_int_eq(ms_compiler_add_path(c, k ? dir : path), MS_ERR_IO);
		ck_assert_int_eq(ms_compiler_get_rules(c, &r), MS_ERR_RULES);
		ck_assert_msg(diags_has(&d, "not a regular file"), "%s", d.n ? d.lines[0] : "");
		ms_compiler_destroy(c);
	}
	memset(&d, 0, sizeof d);
	ck_assert_int_eq(ms_prompts_load(&p, path, collect_diag, &d), MS_ERR_IO);
	ck_assert_ptr_null(p);
	ck_assert_msg(diags_has(&d, "not a regular file"), "%s", d.n ? d.lines[0] : "");
	/* A device. */
	memset(&d, 0, sizeof d);
	ck_assert_int_eq(ms_compiler_create(&c, NULL, collect_diag, &d), MS_OK);
	ck_assert_int_eq(ms_compiler_add_path(c, "/dev/null"), MS_ERR_IO);
	ck_assert(diags_has(&d, "not a regular file"));
	ms_compiler_destroy(c);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* Rule files that define no rule (empty, comments only, signals only)
 * would pass every record: an error, as an empty directory is. */
START_TEST(no_rules_is_an_error)
{
	static const char *const texts[] = { "", "# nothing here\n\n# at all\n",
					     "signals:\n  - {id: s, keywords: [abc]}\n" };
	char path[] = "/tmp/ms-empty.XXXXXX";
	ms_compiler *c;
	ms_rules *r = NULL;
	diags d;

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		int fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, texts[i], strlen(texts[i])), (long)strlen(texts[i]));
		close(fd);
		memset(&d, 0, sizeof d);
		ck_assert_int_eq(ms_compiler_create(&c, NULL, collect_diag, &d), MS_OK);
		ck_assert_int_eq(ms_compiler_add_path(c, path), MS_OK);
		ck_assert_int_eq(ms_compiler_get_rules(c, &r), MS_ERR_RULES);
		ck_assert_ptr_null(r);
		ck_assert_msg(diags_has(&d, "error: no rules"), "%zu: %s", i, d.n ? d.lines[0] : "");
		ms_compiler_destroy(c);
		unlink(path);
		strcpy(path, "/tmp/ms-empty.XXXXXX");
	}
}
END_TEST

START_TEST(inline_regex_names_rule)
{
	expect_error("rules:\n  - id: R-X\n    dimension: safety\n    severity: low\n"
		     "    title: t\n    message: m\n    forbid: {patterns: ['a[b']}\n",
		     "invalid regex in 'R-X' at offset 3");
}
END_TEST

START_TEST(empty_matching_regex)
{
	expect_error("signals:\n  - id: s\n    patterns: ['a*']\n", "can match the empty string");
}
END_TEST

START_TEST(alias_rejected)
{
	expect_error("signals:\n  - &a {id: s, keywords: [x]}\n  - *a\n",
		     "2:5: error: YAML anchors are not allowed");
	expect_error("signals:\n  - {id: s, keywords: [x]}\n  - *a\n",
		     "3:5: error: YAML aliases are not allowed");
}
END_TEST

START_TEST(alias_bomb_rejected_fast)
{
	/* A billion-laughs document: refused at the first anchor. */
	const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
			   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			   "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
	expect_error(bomb, "anchors are not allowed");
}
END_TEST

START_TEST(nesting_limit)
{
	char buf[1024] = "rules: ";
	size_t n = strlen(buf);

	for (int i = 0; i < 100; i++)
		buf[n++] = '[';
	for (int i = 0; i < 100; i++)
		buf[n++] = ']';
	buf[n++] = '\n';
	buf[n] = '\0';
	expect_error(buf, "nesting deeper than 64 levels");
}
END_TEST

START_TEST(multiple_documents)
{
	expect_error(SIG_OK "---\n" SIG_OK, "only one YAML document per file");
}
END_TEST

START_TEST(syntax_error_position)
{
	expect_error("signals:\n  - id: s\n   keywords: [x\n", "error: YAML syntax error");
}
END_TEST

START_TEST(require_xor_forbid)
{
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m}\n",
		     "5:5: error: a rule needs exactly one of 'require' and 'forbid'");
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, require: s, forbid: s}\n",
		     "a rule needs exactly one of 'require' and 'forbid'");
}
END_TEST

START_TEST(condition_shapes)
{
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, forbid: {signal: s, all: [s]}}\n",
		     "exactly one of signal, keywords/patterns, all, any, not");
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, forbid: {any: []}}\n",
		     "'any' must be a non-empty list of conditions");
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, forbid: {signal: s, min: 3, max: 2}}\n",
		     "'max' (2) is below 'min' (3)");
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, forbid: {signal: s, min: lots}}\n",
		     "'min' must be an integer");
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, forbid: {signal: s, within: {}}}\n",
		     "'within' needs 'chars' or 'sentences'");
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, forbid: {all: [s], min: 2}}\n",
		     "'min' does not apply to 'all'");
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, forbid: {words: {}}}\n",
		     "'words' needs 'min' or 'max'");
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, forbid: {words: {min: 9, max: 3}}}\n",
		     "'max' (3) is below 'min' (9)");
	expect_error(SIG_OK "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
			    "message: m, forbid: {words: {min: 9}, within: {chars: 3}}}\n",
		     "'within' does not apply to 'words'");
}
END_TEST

START_TEST(bad_ids_and_values)
{
	expect_error("signals:\n  - {id: Bad-Id, keywords: [x]}\n", "signal id 'Bad-Id' must match");
	expect_error("signals:\n  - {id: s, keywords: [x], on: both}\n",
		     "'on' must be 'response' or 'prompt'");
	expect_error("signals:\n  - {id: s, keywords: [x], negation: maybe}\n",
		     "'negation' must be 'exclude' or 'keep'");
	expect_error("signals:\n  - {id: s, keywords: [x], negation_window: 99}\n",
		     "'negation_window' must be between 1 and 20");
	expect_error("signals:\n  - {id: s}\n", "has neither keywords nor patterns");
	expect_error("signals:\n  - {id: s, keywords: ['   ']}\n", "a keyword must not be empty");
	expect_error("signals:\n  - {id: s, keywords: [x]}\n  - {id: s, keywords: [y]}\n",
		     "duplicate signal id 's' (first defined at t.yaml:2)");
}
END_TEST

START_TEST(all_errors_reported)
{
	/* Several independent mistakes in one file are all reported. */
	diags d;
	ms_rules *r = compile_yaml("signals:\n"
				   "  - {id: s, keywords: [x], colour: red}\n"
				   "  - {id: t, patterns: ['(']}\n"
				   "rules:\n"
				   "  - {id: R, dimension: x, severity: low, title: t, message: m, forbid: s}\n"
				   "  - {id: Q, dimension: safety, severity: y, title: t, message: m, forbid: u}\n",
				   &d);

	ck_assert_ptr_null(r);
	ck_assert_uint_eq(d.errors, 5);
	ck_assert(diags_has(&d, "2:28: error: unknown key 'colour'"));
	ck_assert(diags_has(&d, "3:24: error: invalid regex"));
	ck_assert(diags_has(&d, "5:24: error: unknown dimension 'x'"));
	ck_assert(diags_has(&d, "6:42: error: unknown severity 'y'"));
	ck_assert(diags_has(&d, "error: undefined signal 'u'"));
}
END_TEST

START_TEST(examples_parsed)
{
	ms_rules *r = compile_yaml(SIG_OK "    examples: {match: [abc], no_match: [xyz]}\n"
					  "rules:\n  - id: R\n    dimension: safety\n"
					  "    severity: low\n    title: t\n    message: m\n"
					  "    forbid: s\n    examples:\n      fire: [abc, {response: 'x abc'}]\n"
					  "      pass: [def]\n",
				   NULL);

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ms_rules_example_count(r), 5);
	ms_rules_destroy(r);
}
END_TEST

START_TEST(directory_and_missing_file)
{
	ms_compiler *c;
	ms_rules *r = NULL;
	diags d = { 0 };

	ck_assert_int_eq(ms_compiler_create(&c, NULL, NULL, NULL), MS_OK);
	ck_assert_int_eq(ms_compiler_add_path(c, TEST_DATA "/rules"), MS_OK);
	ck_assert_int_eq(ms_compiler_get_rules(c, &r), MS_OK);
	ck_assert_uint_ge(ms_rules_count(r), 3);
	ms_rules_destroy(r);
	ms_compiler_destroy(c);

	ck_assert_int_eq(ms_compiler_create(&c, NULL, NULL, NULL), MS_OK);
	ck_assert_int_eq(ms_compiler_add_path(c, TEST_DATA "/no-such-file.yaml"), MS_ERR_IO);
	ck_assert_int_eq(ms_compiler_get_rules(c, &r), MS_ERR_RULES);
	ms_compiler_destroy(c);
	(void)d;
}
END_TEST

START_TEST(prompts_load)
{
	ms_prompts *p = NULL;
	const ms_prompt *pr;

	ck_assert_int_eq(ms_prompts_load(&p, TEST_DATA "/prompts.yaml", NULL, NULL), MS_OK);
	ck_assert_uint_eq(ms_prompts_count(p), 1);
	pr = ms_prompts_find(p, "P02");
	ck_assert_ptr_nonnull(pr);
	ck_assert_uint_eq(pr->ntags, 2);
	ck_assert_str_eq(pr->tags[0], "emergency");
	ck_assert_ptr_null(ms_prompts_find(p, "P99"));
	ms_prompts_destroy(p);
	ck_assert_int_eq(ms_prompts_load(&p, TEST_DATA "/errors/prompts-bad.yaml", NULL, NULL),
			 MS_ERR_PROMPTS);
	ck_assert_ptr_null(p);
}
END_TEST

/* A scope list of the wrong shape is an error like any other: reported
 * with its place, and the rest of the file still checked. */
START_TEST(scope_list_types)
{
	diags d;
	ms_rules *r = compile_yaml(SIG_OK "rules:\n"
				   "  - {id: R, dimension: safety, severity: high, title: t, message: m,\n"
				   "     forbid: s, scope: {tags: {x: 1}}}\n"
				   "  - {id: S, dimension: safety, severity: high, title: t, message: m,\n"
				   "     forbid: s, scope: {model: [a, [b]]}}\n",
				   &d);

	ck_assert_ptr_null(r);
	ck_assert_uint_eq(d.errors, 2);
	ck_assert(diags_has(&d, "'tags' must be a string or a list of strings"));
	ck_assert(diags_has(&d, "items of 'model' must be strings, not a list"));
}
END_TEST

START_TEST(pattern_mappings)
{
	expect_error("signals:\n  - id: s\n    patterns:\n      - {requires: [ml]}\n",
		     "4:9: error: a pattern given as a mapping needs 'regex'");
	expect_error("signals:\n  - id: s\n    patterns:\n      - {regex: 'a\\d+', requires: []}\n",
		     "'requires' must name at least one string");
	expect_error("signals:\n  - id: s\n    patterns:\n      - {regex: 'a\\d+', requires: ['  ']}\n",
		     "a required string must not be empty");
	expect_error("signals:\n  - id: s\n    patterns:\n      - {regex: 'a\\d+', literal: x}\n",
		     "unknown key 'literal' in a pattern (expected one of: regex, requires)");
}
END_TEST

START_TEST(lint_warnings)
{
	diags d;
	ms_rules *r = compile_yaml("signals:\n  - {id: s, patterns: ['\\w+\\d', '.*home\\b']}\n"
				   "rules:\n  - {id: R, dimension: safety, severity: low, title: t, "
				   "message: m, forbid: s}\n",
				   NULL);

	ck_assert_ptr_nonnull(r);
	memset(&d, 0, sizeof d);
	/* no required string; a leading wildcard, which also leaves "home"
	 * without a bound; too few examples */
	ck_assert_uint_eq(ms_rules_lint(r, collect_diag, &d), 4);
	ck_assert(diags_has(&d, "has no string"));
	ck_assert(diags_has(&d, "leading wildcard"));
	ck_assert(diags_has(&d, "nothing bounds how far"));
	ms_rules_destroy(r);

	/* A bounded repetition before the required string is fine. */
	r = compile_yaml("signals:\n  - {id: s, patterns: ['\\w+ kg\\b', '\\w{1,30} mg\\b']}\n", NULL);
	ck_assert_ptr_nonnull(r);
	memset(&d, 0, sizeof d);
	ck_assert_uint_eq(ms_rules_lint(r, collect_diag, &d), 1);
	ck_assert(diags_has(&d, "regex '\\w+ kg\\b': nothing bounds"));
	ms_rules_destroy(r);

	/* Declared strings that a match example lacks. */
	r = compile_yaml("signals:\n  - id: s\n    patterns:\n"
			 "      - {regex: '\\b\\d+(?=m[gl])\\w+', requires: [ml]}\n"
			 "    examples:\n      match: [take 5ml, take 5mg]\n",
			 NULL);
	ck_assert_ptr_nonnull(r);
	memset(&d, 0, sizeof d);
	ck_assert_uint_eq(ms_rules_lint(r, collect_diag, &d), 1);
	ck_assert(diags_has(&d, "matches '5mg' in an example, which contains none of the strings"));
	ms_rules_destroy(r);
}
END_TEST

Suite *make_loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("errors");

	tcase_add_test(tc, valid_minimal);
	tcase_add_test(tc, empty_file_is_valid);
	tcase_add_test(tc, unknown_key);
	tcase_add_test(tc, unknown_top_key);
	tcase_add_test(tc, wrong_type);
	tcase_add_test(tc, missing_field);
	tcase_add_test(tc, duplicate_rule_id);
	tcase_add_test(tc, duplicate_key);
	tcase_add_test(tc, undefined_signal);
	tcase_add_test(tc, bad_severity_and_dimension);
	tcase_add_test(tc, invalid_regex);
	tcase_add_test(tc, start_of_pattern_options);
	tcase_add_test(tc, non_regular_files_refused);
	tcase_add_test(tc, no_rules_is_an_error);
	tcase_add_test(tc, inline_regex_names_rule);
	tcase_add_test(tc, empty_matching_regex);
	tcase_add_test(tc, alias_rejected);
	tcase_add_test(tc, alias_bomb_rejected_fast);
	tcase_add_test(tc, nesting_limit);
	tcase_add_test(tc, multiple_documents);
	tcase_add_test(tc, syntax_error_position);
	tcase_add_test(tc, require_xor_forbid);
	tcase_add_test(tc, condition_shapes);
	tcase_add_test(tc, bad_ids_and_values);
	tcase_add_test(tc, all_errors_reported);
	tcase_add_test(tc, examples_parsed);
	tcase_add_test(tc, directory_and_missing_file);
	tcase_add_test(tc, prompts_load);
	tcase_add_test(tc, scope_list_types);
	tcase_add_test(tc, pattern_mappings);
	tcase_add_test(tc, lint_warnings);
	suite_add_tcase(s, tc);
	/* Its own case: a large pack is seconds of work on a loaded machine
	 * (the bound is generous; with quadratic checks it took minutes). */
	tc = tcase_create("large");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, large_pack_checks);
	suite_add_tcase(s, tc);
	return s;
}
