/* medscreen test: run every embedded example of every rule and signal. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "../rules.h"
#include "../out/buf.h"
#include "../out/color.h"

static const char *expectation(const ms_example_info *info, int passed)
{
	if (passed)
		return info->is_rule ? (info->expect ? "fire" : "pass")
				     : (info->expect ? "match" : "no_match");
	return info->is_rule ? (info->expect ? "example should fire but did not"
					     : "example should pass but fired")
			     : (info->expect ? "example should match the signal but did not"
					     : "example should not match the signal but did");
}

static void print_failure(const ms_example_info *info, int color)
{
	out_buf b = { 0 };

	ob_safe_text(&b, info->response, strlen(info->response), 1);
	printf("%s:%u:%u: %sFAIL%s: %s: ", info->file, info->line, info->column,
	       color ? C_RED : "", color ? C_RESET : "", info->owner);
	if (info->error)
		printf("example could not be evaluated: %s", info->error);
	else
		fputs(expectation(info, 0), stdout);
	printf("\n    %.200s%s\n", b.data ? b.data : "", b.len > 200 ? "..." : "");
	ob_free(&b);
}

/* Runs the examples; returns how many failed. */
static size_t run_examples(const ms_rules *rules, ms_scanner *sc, int verbose, int color)
{
	size_t n = ms_rules_example_count(rules), passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		ms_example_info info;
		int ok = 0;
		ms_status st = ms_scanner_run_example(sc, i, &info, &ok);

		if (st) {
			cli_error("%s", ms_strerror(st));
			failed++;
		} else if (ok) {
			passed++;
			if (verbose)
				printf("%s:%u:%u: ok: %s %s example\n", info.file, info.line, info.column,
				       info.owner, expectation(&info, 1));
		} else {
			failed++;
			print_failure(&info, color);
		}
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed;
}

int cmd_test(int argc, char **argv)
{
	static const char usage[] =
		"Usage: medscreen test [--rules PATH]... [--verbose]\n"
		"Run every embedded example of every rule and signal; exit 1 on any mismatch.\n";
	rule_opts ro = { 0 };
	ms_rules *rules = NULL;
	ms_scanner *sc = NULL;
	int verbose = 0, rc = rule_cmd_parse(argc, argv, &ro, usage, &verbose, NULL);

	if (rc) {
		rule_opts_free(&ro);
		return rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	}
	rules = load_rules(&ro);
	if (!rules || ms_scanner_create(&sc, rules))
		rc = CLI_EXIT_TROUBLE;
	else
		rc = run_examples(rules, sc, verbose, cli_use_color(ro.color, stdout))
			     ? CLI_EXIT_FINDINGS
			     : CLI_EXIT_CLEAR;
	ms_scanner_destroy(sc);
	ms_rules_destroy(rules);
	rule_opts_free(&ro);
	return rc;
}
