/* medscreen lint: validate rule files and report every problem. */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>

#include "cmds.h"
#include "../rules.h"
#include "../util.h"
#include "../waivers.h"

/* The waiver file: its form (an error), then each waiver's rule against
 * the pack and its date (warnings).  -1 when the file has errors. */
static int check_waivers(rule_opts *ro, const ms_rules *rules)
{
	waiver_set ws;
	char today[11];

	waivers_today(today);
	if (waivers_load(&ws, ro->waivers, today))
		return -1;
	for (size_t i = 0; i < ws.n; i++) {
		const waiver *w = &ws.v[i];
		size_t k, n = rules ? ms_rules_count(rules) : 0;

		for (k = 0; k < n && fnmatch(w->rule, ms_rules_get(rules, k)->id, 0) != 0; k++)
			;
		if (rules && k == n) {
			cli_warning("%s:%lu: waiver of %s: no rule of the pack matches", ws.path,
				    w->line, w->rule);
			ro->nwarnings++;
		}
		if (w->lapsed) {
			cli_warning("%s:%lu: waiver of %s expired on %s", ws.path, w->line, w->rule,
				    w->expires);
			ro->nwarnings++;
		}
	}
	waivers_free(&ws);
	return 0;
}

int cmd_lint(int argc, char **argv)
{
	static const char usage[] =
		"Usage: medscreen lint [--rules PATH]... [--waivers FILE]\n"
		"Validate rule files and report every problem: errors, then advisory warnings.\n"
		"With --waivers, also check a waiver file: its form, and that each waiver names\n"
		"a rule of the pack and is not past its date.\n";
	rule_opts ro = { .allow_waivers = 1 };
	ms_rules *rules;
	int rc = rule_cmd_parse(argc, argv, &ro, usage, NULL, NULL);

	if (rc) {
		rule_opts_free(&ro);
		return rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	}
	rules = load_rules(&ro);
	if (rules)
		ms_rules_lint(rules, print_diag, &ro);
	if (ro.waivers && check_waivers(&ro, rules))
		ro.nerrors++;
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
