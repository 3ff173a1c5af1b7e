/* medscreen test, lint and rules: working with the rule pack itself. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "describe.h"

/* Options shared by the three commands: --rules, --color, --help. */
static int parse_rule_cmd(int argc, char **argv, rule_opts *ro, const char *usage, int *verbose,
			  int *json)
{
	enum { O_COLOR = 256, O_FORMAT };
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "color", required_argument, NULL, O_COLOR },
		{ "colour", required_argument, NULL, O_COLOR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "r:vf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (rule_opts_add(ro, optarg))
				return -1;
			break;
		case O_COLOR:
			if (cli_parse_color(optarg, &ro->color))
				return -1;
			break;
		case 'v':
			if (!verbose)
				goto bad;
			*verbose = 1;
			break;
		case 'f':
			if (!json)
				goto bad;
			{
				static const char *const names[] = { "text", "json", NULL };
				*json = cli_choice("--format", optarg, names);
				if (*json < 0)
					return -1;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			goto bad;
		}
	}
	if (optind < argc) {
		cli_error("unexpected argument '%s'", argv[optind]);
		goto bad;
	}
	return 0;
bad:
	fputs(usage, stderr);
	return -1;
}

int cmd_test(int argc, char **argv)
{
	static const char usage[] =
		"Usage: medscreen test [--rules PATH]... [--verbose]\n"
		"Run every embedded example of every rule and signal; exit 1 on any mismatch.\n";
	rule_opts ro = { 0 };
	ms_rules *rules = NULL;
	ms_scanner *sc = NULL;
	int verbose = 0, rc, color;
	size_t n, passed = 0, failed = 0;

	rc = parse_rule_cmd(argc, argv, &ro, usage, &verbose, NULL);
	if (rc) {
		rule_opts_free(&ro);
		return rc > 0 ? EXIT_CLEAR : EXIT_TROUBLE;
	}
	rules = load_rules(&ro);
	if (!rules || ms_scanner_create(&sc, rules)) {
		ms_rules_destroy(rules);
		rule_opts_free(&ro);
		return EXIT_TROUBLE;
	}
	color = cli_use_color(ro.color, stdout);
	n = ms_rules_example_count(rules);
	for (size_t i = 0; i < n; i++) {
		ms_example_info info;
		int ok = 0;
		ms_status st = ms_scanner_run_example(sc, i, &info, &ok);

		if (st) {
			cli_error("%s", ms_strerror(st));
			failed++;
			continue;
		}
		if (ok) {
			passed++;
			if (verbose)
				printf("%s:%u:%u: ok: %s %s example\n", info.file, info.line, info.column,
				       info.owner,
				       info.is_rule ? (info.expect ? "fire" : "pass")
						    : (info.expect ? "match" : "no_match"));
			continue;
		}
		failed++;
		{
			out_buf b = { 0 };
			ob_safe_text(&b, info.response, strlen(info.response), 1);
			printf("%s:%u:%u: %sFAIL%s: %s: %s\n    %.200s%s\n", info.file, info.line,
			       info.column, color ? "\033[1;31m" : "", color ? "\033[0m" : "",
			       info.owner,
			       info.is_rule ? (info.expect ? "example should fire but did not"
							   : "example should pass but fired")
					    : (info.expect ? "example should match the signal but did not"
							   : "example should not match the signal but did"),
			       b.data ? b.data : "", b.len > 200 ? "..." : "");
			ob_free(&b);
		}
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	ms_scanner_destroy(sc);
	ms_rules_destroy(rules);
	rule_opts_free(&ro);
	return failed ? EXIT_FINDINGS : EXIT_CLEAR;
}

int cmd_lint(int argc, char **argv)
{
	static const char usage[] =
		"Usage: medscreen lint [--rules PATH]...\n"
		"Validate rule files and report every problem: errors, then advisory warnings.\n";
	rule_opts ro = { 0 };
	ms_rules *rules;
	int rc = parse_rule_cmd(argc, argv, &ro, usage, NULL, NULL);

	if (rc) {
		rule_opts_free(&ro);
		return rc > 0 ? EXIT_CLEAR : EXIT_TROUBLE;
	}
	rules = load_rules(&ro);
	if (rules)
		ms_rules_lint(rules, print_diag, &ro);
	fprintf(stderr, "%zu error%s, %zu warning%s\n", ro.nerrors, ro.nerrors == 1 ? "" : "s",
		ro.nwarnings, ro.nwarnings == 1 ? "" : "s");
	if (rules)
		printf("%zu rules and %zu signals\n", ms_rules_count(rules),
		       ms_rules_signal_count(rules));
	ms_rules_destroy(rules);
	rule_opts_free(&ro);
	return rules && !ro.nerrors ? EXIT_CLEAR : EXIT_TROUBLE;
}

static void json_strlist(out_buf *b, const char *key, const char *const *v, size_t n)
{
	ob_printf(b, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_add(b, ",", 1);
		if (v[i])
			ob_json_str(b, v[i], strlen(v[i]));
		else
			ob_adds(b, "null");
	}
	ob_add(b, "]", 1);
}

int cmd_rules(int argc, char **argv)
{
	static const char usage[] =
		"Usage: medscreen rules [--rules PATH]... [--format text|json]\n"
		"List the rules (id, dimension, severity, title); with --format json, also every\n"
		"signal's keywords and regexes exactly as compiled, with their prefilter literals\n"
		"and all their required sets.\n";
	rule_opts ro = { 0 };
	ms_rules *rules;
	int json = 0, rc = parse_rule_cmd(argc, argv, &ro, usage, NULL, &json);
	out_buf b = { 0 };

	if (rc) {
		rule_opts_free(&ro);
		return rc > 0 ? EXIT_CLEAR : EXIT_TROUBLE;
	}
	rules = load_rules(&ro);
	if (!rules) {
		rule_opts_free(&ro);
		return EXIT_TROUBLE;
	}
	if (!json) {
		size_t w = 4;
		for (size_t i = 0; i < ms_rules_count(rules); i++) {
			size_t l = strlen(ms_rules_get(rules, i)->id);
			if (l > w)
				w = l;
		}
		printf("%-*s  %-15s  %-8s  %s\n", (int)w, "ID", "DIMENSION", "SEVERITY", "TITLE");
		for (size_t i = 0; i < ms_rules_count(rules); i++) {
			const ms_rule *r = ms_rules_get(rules, i);
			printf("%-*s  %-15s  %-8s  %s\n", (int)w, r->id, ms_dimension_name(r->dimension),
			       ms_severity_name(r->severity), r->title);
		}
	} else {
		ob_adds(&b, "{\"rules\":[");
		for (size_t i = 0; i < ms_rules_count(rules); i++) {
			const ms_rule *r = ms_rules_get(rules, i);
			ob_adds(&b, i ? ",{\"id\":" : "{\"id\":");
			ob_json_str(&b, r->id, strlen(r->id));
			ob_printf(&b, ",\"dimension\":\"%s\",\"severity\":\"%s\",\"title\":",
				  ms_dimension_name(r->dimension), ms_severity_name(r->severity));
			ob_json_str(&b, r->title, strlen(r->title));
			ob_adds(&b, ",\"message\":");
			ob_json_str(&b, r->message, strlen(r->message));
			json_strlist(&b, "references", r->references, r->nreferences);
			ob_adds(&b, ",\"file\":");
			ob_json_str(&b, r->file, strlen(r->file));
			ob_printf(&b, ",\"line\":%u}", r->line);
		}
		ob_adds(&b, "],\"signals\":[");
		for (size_t i = 0; i < ms_rules_signal_count(rules); i++) {
			const ms_signal_info *s = ms_rules_signal(rules, i);
			ob_adds(&b, i ? ",{\"id\":" : "{\"id\":");
			ob_json_str(&b, s->id, strlen(s->id));
			ob_printf(&b, ",\"on\":\"%s\"", s->on_prompt ? "prompt" : "response");
			json_strlist(&b, "keywords", s->keywords, s->nkeywords);
			json_strlist(&b, "patterns", s->patterns, s->npatterns);
			ob_adds(&b, ",\"literals\":[");
			for (size_t k = 0; k < s->npatterns; k++) {
				const char *const *const *sets;
				const char *const *lits =
					ms_signal_required_sets(rules, i, k, &sets) ? sets[0] : NULL;
				size_t n = 0;
				while (lits && lits[n])
					n++;
				if (k)
					ob_add(&b, ",", 1);
				ob_adds(&b, "[");
				for (size_t q = 0; q < n; q++) {
					if (q)
						ob_add(&b, ",", 1);
					ob_json_str(&b, lits[q], strlen(lits[q]));
				}
				ob_adds(&b, "]");
			}
			ob_add(&b, "]", 1);
			/* All required sets of each pattern, the literals first. */
			ob_adds(&b, ",\"required\":[");
			for (size_t k = 0; k < s->npatterns; k++) {
				const char *const *const *sets;
				size_t nsets = ms_signal_required_sets(rules, i, k, &sets);

				ob_adds(&b, k ? ",[" : "[");
				for (size_t q = 0; q < nsets; q++) {
					ob_adds(&b, q ? ",[" : "[");
					for (size_t m = 0; sets[q][m]; m++) {
						if (m)
							ob_add(&b, ",", 1);
						ob_json_str(&b, sets[q][m], strlen(sets[q][m]));
					}
					ob_add(&b, "]", 1);
				}
				ob_add(&b, "]", 1);
			}
			ob_add(&b, "]", 1);
			ob_add(&b, "}", 1);
		}
		ob_adds(&b, "]}\n");
		fwrite(b.data, 1, b.len, stdout);
		ob_free(&b);
	}
	ms_rules_destroy(rules);
	rule_opts_free(&ro);
	return EXIT_CLEAR;
}
