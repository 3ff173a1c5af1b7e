/* The configuration file of scan: YAML that sets what a team would
 * otherwise repeat on every command line, like Vale's and Semgrep's:
 *
 *   rules: [rules/, local-rules.yaml]     # --rules (the command line's replace them)
 *   prompts: prompts.yaml                 # --prompts
 *   format: jsonl                         # --format
 *   fail_on: high                         # --fail-on
 *   waivers: waivers.yaml                 # --waivers
 *   select:                               # --rule, --exclude-rule, --dimension, --tag
 *     rules: ["SAF-*", "REG-*"]
 *     exclude_rules: [SAF-OFF-LABEL]
 *     dimensions: [safety]
 *     tags: ["emergency*"]
 *   severity:                             # --severity GLOB=SEVERITY
 *     "REG-*": critical
 *
 * It is read from --config FILE, else from .medscreen.yaml in the working
 * directory (--no-config skips it).  Its settings come first; options on
 * the command line come after, so that a single-valued one given there
 * wins. */
#ifndef CLI_CLICONFIG_H
#define CLI_CLICONFIG_H

#include <stddef.h>

#define CONFIG_FILE_NAME ".medscreen.yaml"

/* The options the file stands for, as argv strings (owned by the caller:
 * free each and the array).  has_rules: the command line gives --rules, so
 * the file's rules are not used.  -1 after an error naming file:line:column. */
int config_load(const char *path, int has_rules, char ***args, size_t *nargs);
/* CONFIG_FILE_NAME when it is a regular file in the working directory. */
const char *config_default_path(void);

#endif
