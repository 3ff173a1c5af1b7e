/* Rule packs and prompt sets as the commands load them. */
#ifndef CLI_RULES_H
#define CLI_RULES_H

#include "medscreen.h"
#include "util.h"

typedef struct rule_opts {
	const char **paths;
	size_t npaths;
	const char *prompts;      /* NULL: the installed default when it exists */
	ms_compile_options copts;
	char **select;            /* KIND:GLOB entries of copts.rule_select (owned) */
	size_t nselect, capselect;
	const char **severity;    /* GLOB=SEVERITY entries of copts.severity_override */
	size_t nseverity, capseverity;
	int allow_waivers;        /* the command takes --waivers (lint) */
	const char *waivers;
	color_mode color;
	size_t nerrors, nwarnings;
} rule_opts;

void rule_opts_add(rule_opts *o, const char *path);
void rule_opts_free(rule_opts *o);
/* A rule selection entry "KIND:GLOB" (see ms_compile_options). */
void rule_opts_select(rule_opts *o, const char *kind, const char *glob);
/* A severity override "GLOB=SEVERITY" (borrowed). */
void rule_opts_severity(rule_opts *o, const char *entry);
/* Compile the rules (installed pack when no path was given); diagnostics on
 * stderr as file:line:column: level: message.  NULL on failure. */
ms_rules *load_rules(rule_opts *o);
/* NULL without error when no prompt set is configured and none is installed. */
int load_prompts(rule_opts *o, ms_prompts **out);
void print_diag(const ms_diag *d, void *ud);

const char *default_rules_dir(void);
const char *default_prompts_file(void);

/* The options of test, lint and rules: --rules, --color, --help, and
 * --verbose or --format text|json where `verbose` or `json` is given.
 * Returns 0 to go on, 1 after --help, -1 after a usage error. */
/* What `rules` prints (rule_cmd_parse's *json): text, JSON, or only the
 * pack's fingerprint (--fingerprint). */
enum { RULES_OUT_TEXT, RULES_OUT_JSON, RULES_OUT_FINGERPRINT };
int rule_cmd_parse(int argc, char **argv, rule_opts *ro, const char *usage, int *verbose,
		   int *json);

#endif
