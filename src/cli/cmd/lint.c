/* medscreen lint: validate rule files and report every problem. */
#include "config.h"

#include <stdio.h>

#include "cmds.h"
#include "../rules.h"

int cmd_lint(int argc, char **argv)
{
	static const char usage[] =
		"Usage: medscreen lint [--rules PATH]...\n"
		"Validate rule files and report every problem: errors, then advisory warnings.\n";
	rule_opts ro = { 0 };
	ms_rules *rules;
	int rc = rule_cmd_parse(argc, argv, &ro, usage, NULL, NULL);

	if (rc) {
		rule_opts_free(&ro);
		return rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	}
	rules = load_rules(&ro);
	if (rules)
		ms_rules_lint(rules, print_diag, &ro);
	fprintf(stderr, "%zu error%s, %zu warning%s\n", ro.nerrors, ro.nerrors == 1 ? "" : "s",
		ro.nwarnings, ro.nwarnings == 1 ? "" : "s");
	if (rules)
		printf("%zu rules and %zu signals\n", ms_rules_count(rules),
		       ms_rules_signal_count(rules));
	rc = rules && !ro.nerrors ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	ms_rules_destroy(rules);
	rule_opts_free(&ro);
	return rc;
}
