/* The rule loader: valid files, prompts, examples and lint.  Every kind of
 * rule-file error, with its position, is a file of tests/data/loader-errors
 * with the expected diagnostics in comments (loader_error_files). */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "suites.h"

/* The fingerprint of the pack of fingerprint_canonical, pinned when
 * FINGERPRINT_FORMAT was last bumped. */
#define GOLDEN_FINGERPRINT "b7aa0bcaff0f999e6a7ca944c861527311624fe1c5de006d213fc488bf2d9bce"

#define SIG_OK "signals:\n  - id: s\n    keywords: [abc]\n"

#define ERRORS_DIR TEST_DATA "/loader-errors"

/* Compile one error file and check its "# expect:" and "# errors:" lines. */
static void check_error_file(const char *name)
{
	char path[1024], line[1024], *yaml;
	FILE *f;
	long n;
	diags d;
	ms_rules *r;
	int nexpect = 0;

	snprintf(path, sizeof path, "%s/%s", ERRORS_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	yaml = calloc(1, (size_t)n + 1);
	ck_assert(yaml && fread(yaml, 1, (size_t)n, f) == (size_t)n);
	r = compile_yaml(yaml, &d);
	ck_assert_msg(r == NULL, "%s: compiled without error", name);
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		unsigned long want;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "# expect: ", 10) == 0) {
			nexpect++;
			ck_assert_msg(diags_has(&d, line + 10), "%s: expected '%s'; got %zu: %s", name,
				      line + 10, d.n, d.n ? d.lines[0] : "(none)");
		} else if (sscanf(line, "# errors: %lu", &want) == 1) {
			ck_assert_msg(d.errors == want, "%s: %zu errors, expected %lu", name, d.errors,
				      want);
		}
	}
	ck_assert_msg(nexpect > 0, "%s: no '# expect:' line", name);
	fclose(f);
	free(yaml);
}

START_TEST(loader_error_files)
{
	DIR *dir = opendir(ERRORS_DIR);
	struct dirent *e;
	int n = 0;

	ck_assert_msg(dir != NULL, "cannot open %s", ERRORS_DIR);
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) {
			check_error_file(e->d_name);
			n++;
		}
	}
	closedir(dir);
	ck_assert_int_ge(n, 40);
}
END_TEST

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


/* The fingerprint: the same pack written differently has one; a change to
 * what decides a finding gives another. */
static void fingerprint_of(const char *yaml, char out[65])
{
	diags d;
	ms_rules *r = compile_yaml(yaml, &d);

	ck_assert_msg(r != NULL, "%s", d.n ? d.lines[0] : "compile failed");
	ck_assert_int_eq(ms_rules_fingerprint(r, out), MS_OK);
	ck_assert_uint_eq(strlen(out), 64);
	ms_rules_destroy(r);
}

START_TEST(fingerprint_canonical)
{
	static const char *const same[] = {
		"signals:\n"
		"  - id: referral\n"
		"    description: Sends the person to a clinician.\n"
		"    keywords: [see a doctor, ask a pharmacist]\n"
		"    patterns: ['\\bcall (?:your|a) gp\\b']\n"
		"  - id: emergency\n"
		"    keywords: [call 911]\n"
		"rules:\n"
		"  - id: SAF-A\n"
		"    dimension: safety\n"
		"    severity: high\n"
		"    title: No emergency advice\n"
		"    message: Tell them to call.\n"
		"    scope: {tags: [emergency, chest]}\n"
		"    require: emergency\n"
		"  - id: PRO-B\n"
		"    dimension: professionalism\n"
		"    severity: low\n"
		"    title: No referral\n"
		"    message: Refer.\n"
		"    require: {any: [referral, {keywords: [specialist]}]}\n",
		/* Rules and signals in another order, lists reordered, other
		 * layout, comments, descriptions and examples. */
		"# the same pack\n"
		"rules:\n"
		"  - id: PRO-B\n"
		"    dimension: professionalism\n"
		"    severity: low\n"
		"    title: No referral\n"
		"    message: Refer.\n"
		"    require:\n"
		"      any:\n"
		"        - referral\n"
		"        - keywords: [specialist]\n"
		"    examples:\n"
		"      fire: [\"Rest.\"]\n"
		"  - {id: SAF-A, dimension: safety, severity: high, title: No emergency advice,\n"
		"     message: Tell them to call., scope: {tags: [chest, emergency]}, require: emergency}\n"
		"signals:\n"
		"  - id: emergency\n"
		"    description: An emergency number.\n"
		"    keywords: [call 911]\n"
		"  - id: referral\n"
		"    keywords: [ask a pharmacist, see a doctor]  # sorted differently\n"
		"    patterns: ['\\bcall (?:your|a) gp\\b']\n",
	};
	static const char *const different[] = {
		/* another keyword */
		"signals:\n"
		"  - id: referral\n"
		"    keywords: [see a doctor, ask a nurse]\n"
		"    patterns: ['\\bcall (?:your|a) gp\\b']\n"
		"  - id: emergency\n"
		"    keywords: [call 911]\n"
		"rules:\n"
		"  - {id: SAF-A, dimension: safety, severity: high, title: No emergency advice,\n"
		"     message: Tell them to call., scope: {tags: [emergency, chest]}, require: emergency}\n"
		"  - {id: PRO-B, dimension: professionalism, severity: low, title: No referral,\n"
		"     message: Refer., require: {any: [referral, {keywords: [specialist]}]}}\n",
		/* another severity */
		"signals:\n"
		"  - id: referral\n"
		"    keywords: [see a doctor, ask a pharmacist]\n"
		"    patterns: ['\\bcall (?:your|a) gp\\b']\n"
		"  - id: emergency\n"
		"    keywords: [call 911]\n"
		"rules:\n"
		"  - {id: SAF-A, dimension: safety, severity: critical, title: No emergency advice,\n"
		"     message: Tell them to call., scope: {tags: [emergency, chest]}, require: emergency}\n"
		"  - {id: PRO-B, dimension: professionalism, severity: low, title: No referral,\n"
		"     message: Refer., require: {any: [referral, {keywords: [specialist]}]}}\n",
		/* a narrower scope */
		"signals:\n"
		"  - id: referral\n"
		"    keywords: [see a doctor, ask a pharmacist]\n"
		"    patterns: ['\\bcall (?:your|a) gp\\b']\n"
		"  - id: emergency\n"
		"    keywords: [call 911]\n"
		"rules:\n"
		"  - {id: SAF-A, dimension: safety, severity: high, title: No emergency advice,\n"
		"     message: Tell them to call., scope: {tags: [emergency]}, require: emergency}\n"
		"  - {id: PRO-B, dimension: professionalism, severity: low, title: No referral,\n"
		"     message: Refer., require: {any: [referral, {keywords: [specialist]}]}}\n",
		/* a condition option: only the first 200 characters */
		"signals:\n"
		"  - id: referral\n"
		"    keywords: [see a doctor, ask a pharmacist]\n"
		"    patterns: ['\\bcall (?:your|a) gp\\b']\n"
		"  - id: emergency\n"
		"    keywords: [call 911]\n"
		"rules:\n"
		"  - {id: SAF-A, dimension: safety, severity: high, title: No emergency advice,\n"
		"     message: Tell them to call., scope: {tags: [emergency, chest]},\n"
		"     require: {signal: emergency, within: {chars: 200}}}\n"
		"  - {id: PRO-B, dimension: professionalism, severity: low, title: No referral,\n"
		"     message: Refer., require: {any: [referral, {keywords: [specialist]}]}}\n",
		/* another message */
		"signals:\n"
		"  - id: referral\n"
		"    keywords: [see a doctor, ask a pharmacist]\n"
		"    patterns: ['\\bcall (?:your|a) gp\\b']\n"
		"  - id: emergency\n"
		"    keywords: [call 911]\n"
		"rules:\n"
		"  - {id: SAF-A, dimension: safety, severity: high, title: No emergency advice,\n"
		"     message: Call now., scope: {tags: [emergency, chest]}, require: emergency}\n"
		"  - {id: PRO-B, dimension: professionalism, severity: low, title: No referral,\n"
		"     message: Refer., require: {any: [referral, {keywords: [specialist]}]}}\n",
	};
	char first[65], fpr[65];

	fingerprint_of(same[0], first);
	fingerprint_of(same[1], fpr);
	ck_assert_str_eq(fpr, first);
	for (size_t i = 0; i < sizeof different / sizeof different[0]; i++) {
		fingerprint_of(different[i], fpr);
		ck_assert_msg(strcmp(fpr, first) != 0, "variant %zu has the same fingerprint", i);
	}
	/* The serialisation is part of the contract (outputs record it): a
	 * change to it must be deliberate, with FINGERPRINT_FORMAT bumped. */
	ck_assert_str_eq(first, GOLDEN_FINGERPRINT);

	/* One rule's fingerprint covers the named signals it uses: another
	 * keyword of 'referral' changes PRO-B's, not SAF-A's. */
	{
		ms_rules *a = compile_yaml(same[0], NULL), *b = compile_yaml(different[0], NULL);
		char fa[65], fb[65];
		size_t pa = ms_rules_get(a, 0)->id[0] == 'P' ? 0 : 1;
		size_t pb = ms_rules_get(b, 0)->id[0] == 'P' ? 0 : 1;

		ck_assert_int_eq(ms_rule_fingerprint(a, pa, fa), MS_OK);
		ck_assert_int_eq(ms_rule_fingerprint(b, pb, fb), MS_OK);
		ck_assert_str_ne(fa, fb);
		ck_assert_int_eq(ms_rule_fingerprint(a, 1 - pa, fa), MS_OK);
		ck_assert_int_eq(ms_rule_fingerprint(b, 1 - pb, fb), MS_OK);
		ck_assert_str_eq(fa, fb);
		ck_assert_int_eq(ms_rule_fingerprint(a, 2, fa), MS_ERR_USAGE);
		ms_rules_destroy(a);
		ms_rules_destroy(b);
	}

	/* A scenario that derives a rule's scope tag is part of that rule:
	 * another keyword of the scenario's signal changes SAF-A's (scoped by
	 * the tag), not PRO-B's; so does another signal for the tag. */
	{
		static const char *const scen[] = {
			"signals:\n"
			"  - {id: chest_pain, keywords: [crushing chest pain], on: prompt}\n"
			"  - {id: collapse, keywords: [collapsed], on: prompt}\n"
			"  - {id: emergency, keywords: [call 911]}\n"
			"  - {id: referral, keywords: [see a doctor]}\n"
			"scenarios:\n"
			"  - {tag: emergency, signals: [chest_pain]}\n"
			"rules:\n"
			"  - {id: SAF-A, dimension: safety, severity: high, title: t, message: m,\n"
			"     scope: {tags: [emergency]}, require: emergency}\n"
			"  - {id: PRO-B, dimension: professionalism, severity: low, title: t,\n"
			"     message: m, require: referral}\n",
			"signals:\n"
			"  - {id: chest_pain, keywords: [crushing chest pain, chest tightness], on: prompt}\n"
			"  - {id: collapse, keywords: [collapsed], on: prompt}\n"
			"  - {id: emergency, keywords: [call 911]}\n"
			"  - {id: referral, keywords: [see a doctor]}\n"
			"scenarios:\n"
			"  - {tag: emergency, signals: [chest_pain]}\n"
			"rules:\n"
			"  - {id: SAF-A, dimension: safety, severity: high, title: t, message: m,\n"
			"     scope: {tags: [emergency]}, require: emergency}\n"
			"  - {id: PRO-B, dimension: professionalism, severity: low, title: t,\n"
			"     message: m, require: referral}\n",
			"signals:\n"
			"  - {id: chest_pain, keywords: [crushing chest pain], on: prompt}\n"
			"  - {id: collapse, keywords: [collapsed], on: prompt}\n"
			"  - {id: emergency, keywords: [call 911]}\n"
			"  - {id: referral, keywords: [see a doctor]}\n"
			"scenarios:\n"
			"  - {tag: emergency, signals: [chest_pain, collapse]}\n"
			"rules:\n"
			"  - {id: SAF-A, dimension: safety, severity: high, title: t, message: m,\n"
			"     scope: {tags: [emergency]}, require: emergency}\n"
			"  - {id: PRO-B, dimension: professionalism, severity: low, title: t,\n"
			"     message: m, require: referral}\n",
		};
		char base_a[65], base_b[65], fa[65], fb[65];
		ms_rules *r0 = compile_yaml(scen[0], NULL);

		ck_assert_ptr_nonnull(r0);
		ck_assert_int_eq(ms_rule_fingerprint(r0, 0, base_a), MS_OK);
		ck_assert_int_eq(ms_rule_fingerprint(r0, 1, base_b), MS_OK);
		ms_rules_destroy(r0);
		for (size_t v = 1; v < sizeof scen / sizeof scen[0]; v++) {
			ms_rules *rv = compile_yaml(scen[v], NULL);

			ck_assert_ptr_nonnull(rv);
			ck_assert_int_eq(ms_rule_fingerprint(rv, 0, fa), MS_OK);
			ck_assert_int_eq(ms_rule_fingerprint(rv, 1, fb), MS_OK);
			ck_assert_msg(strcmp(fa, base_a) != 0, "variant %zu: SAF-A unchanged", v);
			ck_assert_str_eq(fb, base_b);
			ms_rules_destroy(rv);
		}
	}
}
END_TEST

/* Rule selection: kinds combine, excludes win, the fingerprint follows. */
static ms_rules *compile_selected(const char *yaml, const char *const *sel, size_t n, diags *d)
{
	ms_compile_options o = { 0 };
	ms_compiler *c = NULL;
	ms_rules *r = NULL;

	memset(d, 0, sizeof *d);
	o.rule_select = sel;
	o.nrule_select = n;
	ck_assert_int_eq(ms_compiler_create(&c, &o, collect_diag, d), MS_OK);
	ms_compiler_add_string(c, "t.yaml", yaml, strlen(yaml));
	if (ms_compiler_get_rules(c, &r) != MS_OK)
		r = NULL;
	ms_compiler_destroy(c);
	return r;
}

START_TEST(rule_selection)
{
	static const char yaml[] =
		SIG_OK "rules:\n"
		"  - {id: SAF-A, dimension: safety, severity: low, title: t, message: m, forbid: s,\n"
		"     scope: {tags: [emergency]}}\n"
		"  - {id: SAF-B, dimension: safety, severity: low, title: t, message: m, forbid: s}\n"
		"  - {id: PRO-C, dimension: professionalism, severity: low, title: t, message: m,\n"
		"     forbid: s}\n";
	static const char *const saf[] = { "rule:SAF-*" }, *const saf_not_b[] = { "rule:SAF-*",
										     "!rule:SAF-B" };
	static const char *const dim_tag[] = { "dimension:safety", "tag:emerg*" };
	static const char *const none[] = { "rule:XYZ" }, *const bad[] = { "colour:red" };
	char all_fp[65], fp[65];
	diags d;
	ms_rules *r = compile_selected(yaml, NULL, 0, &d);

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(ms_rules_fingerprint(r, all_fp), MS_OK);
	ms_rules_destroy(r);
	r = compile_selected(yaml, saf, 1, &d);
	ck_assert_uint_eq(ms_rules_count(r), 2);
	ck_assert_int_eq(ms_rules_fingerprint(r, fp), MS_OK);
	ck_assert_str_ne(fp, all_fp);
	ms_rules_destroy(r);
	r = compile_selected(yaml, saf_not_b, 2, &d);
	ck_assert_uint_eq(ms_rules_count(r), 1);
	ck_assert_str_eq(ms_rules_get(r, 0)->id, "SAF-A");
	ck_assert_uint_eq(ms_rules_get(r, 0)->index, 0);
	ms_rules_destroy(r);
	r = compile_selected(yaml, dim_tag, 2, &d);
	ck_assert_uint_eq(ms_rules_count(r), 1);
	ck_assert_str_eq(ms_rules_get(r, 0)->id, "SAF-A");
	ms_rules_destroy(r);
	ck_assert_ptr_null(compile_selected(yaml, none, 1, &d));
	ck_assert(diags_has(&d, "the rule selection leaves no rule of the 3 in the pack"));
	ck_assert_ptr_null(compile_selected(yaml, bad, 1, &d));
	ck_assert(diags_has(&d, "rule selection 'colour:red': expected"));
}
END_TEST

/* Severity overrides: the last matching entry wins; the fingerprint follows. */
START_TEST(severity_overrides)
{
	static const char yaml[] =
		SIG_OK "rules:\n"
		"  - {id: SAF-A, dimension: safety, severity: low, title: t, message: m, forbid: s}\n"
		"  - {id: PRO-C, dimension: professionalism, severity: low, title: t, message: m,\n"
		"     forbid: s}\n";
	static const char *const ov[] = { "*=medium", "SAF-*=critical" }, *const bad[] = { "SAF-A" };
	ms_compile_options o = { 0 };
	ms_compiler *c;
	ms_rules *r = compile_yaml(yaml, NULL), *r2 = NULL;
	char fp1[65], fp2[65];
	diags d = { 0 };

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(ms_rules_fingerprint(r, fp1), MS_OK);
	o.severity_override = ov;
	o.nseverity_override = 2;
	ck_assert_int_eq(ms_compiler_create(&c, &o, collect_diag, &d), MS_OK);
	ms_compiler_add_string(c, "t.yaml", yaml, strlen(yaml));
	ck_assert_int_eq(ms_compiler_get_rules(c, &r2), MS_OK);
	ms_compiler_destroy(c);
	ck_assert_int_eq(ms_rules_get(r2, 0)->severity, MS_SEV_CRITICAL);
	ck_assert_int_eq(ms_rules_get(r2, 1)->severity, MS_SEV_MEDIUM);
	ck_assert_int_eq(ms_rules_fingerprint(r2, fp2), MS_OK);
	ck_assert_str_ne(fp1, fp2);
	ms_rules_destroy(r);
	ms_rules_destroy(r2);
	o.severity_override = bad;
	o.nseverity_override = 1;
	ck_assert_int_eq(ms_compiler_create(&c, &o, collect_diag, &d), MS_OK);
	ms_compiler_add_string(c, "t.yaml", yaml, strlen(yaml));
	ck_assert_int_eq(ms_compiler_get_rules(c, &r2), MS_ERR_RULES);
	ms_compiler_destroy(c);
	ck_assert(diags_has(&d, "severity override 'SAF-A': expected RULE_GLOB=SEVERITY"));
}
END_TEST

Suite *make_loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("errors");

	tcase_add_test(tc, valid_minimal);
	tcase_add_test(tc, empty_file_is_valid);
	tcase_add_test(tc, loader_error_files);
	tcase_add_test(tc, start_of_pattern_options);
	tcase_add_test(tc, non_regular_files_refused);
	tcase_add_test(tc, no_rules_is_an_error);
	tcase_add_test(tc, examples_parsed);
	tcase_add_test(tc, directory_and_missing_file);
	tcase_add_test(tc, prompts_load);
	tcase_add_test(tc, lint_warnings);
	tcase_add_test(tc, fingerprint_canonical);
	tcase_add_test(tc, rule_selection);
	tcase_add_test(tc, severity_overrides);
	suite_add_tcase(s, tc);
	/* Its own case: a large pack is seconds of work on a loaded machine
	 * (the bound is generous; with quadratic checks it took minutes). */
	tc = tcase_create("large");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, large_pack_checks);
	suite_add_tcase(s, tc);
	return s;
}
