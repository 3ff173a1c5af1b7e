/* medscreen scan: options, then the scan engine over each input. */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "../io/presets.h"
#include "../outfile.h"
#include "../suggest.h"
#include "../rules.h"
#include "../scan/engine.h"
#include "../cliconfig.h"
#include "../waivers.h"
#include "../xalloc.h"

#define DEFAULT_MAX_RECORD (16u << 20)

static int scan_with_args(int argc, char **argv);

static void scan_usage(FILE *f)
{
	fprintf(f,
		"Usage: medscreen scan [OPTION]... [FILE]...\n"
		"Screen records: JSON Lines, JSON or CSV (stdin when no FILE or FILE is -).\n\n"
		"  -r, --rules PATH          rule file or directory (repeatable; default: installed pack)\n"
		"  -p, --prompts FILE        prompt set joined by prompt_id (default: installed set)\n"
		"  -f, --format FORMAT       text, jsonl, csv, sarif or junit (default: text)\n"
		"  -o, --output FILE         write the output to FILE, replaced only once complete\n"
		"      --input-format FMT    jsonl, json or csv (default: from the file name's\n"
		"                            extension .jsonl, .json or .csv; else jsonl)\n"
		"      --preset NAME         read a tool's output: promptfoo, openai-batch, garak\n"
		"                            or messages\n"
		"      --sort ORDER          input (default) or score: riskiest records first\n"
		"                            (text, jsonl and csv)\n"
		"      --fail-on SEVERITY    exit 1 on a finding at or above info|low|medium|high|critical,\n"
		"                            or never (default: low)\n"
		"  -j, --jobs N              worker threads (default: number of cores)\n"
		"      --field NAME=PATH     read field NAME from PATH (dotted, array indices allowed)\n"
		"      --color WHEN          auto, always or never (text format)\n"
		"      --context N           bytes of context around evidence in text output (default 40)\n"
		"      --max-record-bytes N  longest accepted line (default 16777216)\n"
		"      --rule GLOB           run only the rules whose id matches (repeatable)\n"
		"      --exclude-rule GLOB   do not run the rules whose id matches (repeatable)\n"
		"      --dimension NAME      run only the rules of this dimension (repeatable)\n"
		"      --tag GLOB            run only the rules scoped by a matching tag (repeatable)\n"
		"      --severity GLOB=SEV   give the matching rules severity SEV (repeatable)\n"
		"      --waivers FILE        accepted findings: kept, marked, not counted (YAML)\n"
		"      --weights FILE        score by the model of medscreen calibrate: the fitted\n"
		"                            probability of non-compliance (per mille); jsonl adds\n"
		"                            p_noncompliant per dimension and overall\n"
		"      --with-length         jsonl: add response_length (answer bytes), a feature\n"
		"                            for calibrate\n"
		"      --config FILE         settings from FILE (default: .medscreen.yaml if present)\n"
		"      --no-config           do not read .medscreen.yaml\n"
		"      --match-limit N       PCRE2 match limit per regex run (default 1000000)\n"
		"      --no-prefilter        run every regex on every text (same output, slower)\n"
		"      --no-jit              do not use the PCRE2 JIT\n"
		"      --profile             print per-signal time and prefilter statistics to stderr\n"
		"      --progress            show progress and a summary on stderr even when it is\n"
		"                            not a terminal\n"
		"  -q, --quiet               no progress and no summary, even on a terminal\n"
		"  -h, --help                show this help\n");
}

enum { O_FAIL_ON = 256, O_FIELD, O_COLOR, O_CONTEXT, O_MAXREC, O_MATCHLIM, O_NOPRE, O_NOJIT,
       O_PROFILE, O_SORT, O_RULE, O_EXCLUDE_RULE, O_DIMENSION, O_TAG, O_SEVERITY, O_CONFIG,
       O_NO_CONFIG, O_WAIVERS, O_INPUT_FORMAT, O_PRESET, O_PROGRESS, O_WEIGHTS,
       O_WITH_LENGTH };

static const struct option opts[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "prompts", required_argument, NULL, 'p' },
	{ "format", required_argument, NULL, 'f' },
	{ "fail-on", required_argument, NULL, O_FAIL_ON },
	{ "jobs", required_argument, NULL, 'j' },
	{ "field", required_argument, NULL, O_FIELD },
	{ "color", required_argument, NULL, O_COLOR },
	{ "colour", required_argument, NULL, O_COLOR },
	{ "context", required_argument, NULL, O_CONTEXT },
	{ "max-record-bytes", required_argument, NULL, O_MAXREC },
	{ "match-limit", required_argument, NULL, O_MATCHLIM },
	{ "no-prefilter", no_argument, NULL, O_NOPRE },
	{ "no-jit", no_argument, NULL, O_NOJIT },
	{ "profile", no_argument, NULL, O_PROFILE },
	{ "sort", required_argument, NULL, O_SORT },
	{ "rule", required_argument, NULL, O_RULE },
	{ "exclude-rule", required_argument, NULL, O_EXCLUDE_RULE },
	{ "dimension", required_argument, NULL, O_DIMENSION },
	{ "tag", required_argument, NULL, O_TAG },
	{ "severity", required_argument, NULL, O_SEVERITY },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "waivers", required_argument, NULL, O_WAIVERS },
	{ "weights", required_argument, NULL, O_WEIGHTS },
	{ "with-length", no_argument, NULL, O_WITH_LENGTH },
	{ "no-config", no_argument, NULL, O_NO_CONFIG },
	{ "output", required_argument, NULL, 'o' },
	{ "input-format", required_argument, NULL, O_INPUT_FORMAT },
	{ "preset", required_argument, NULL, O_PRESET },
	{ "progress", no_argument, NULL, O_PROGRESS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_fail_on(const char *arg, int *out)
{
	if (strcmp(arg, "never") == 0) {
		*out = MS_SEV_COUNT;
		return 0;
	}
	if ((*out = ms_severity_parse(arg)) < 0) {
		cli_error("--fail-on must be info, low, medium, high, critical or never, not '%s'", arg);
		return -1;
	}
	return 0;
}

/* One option with an argument or a flag; -1 after an error. */
static int scan_option(int c, const char *arg, scan_cfg *cfg, rule_opts *ro)
{
	static const char *const sorts[] = { "input", "score", NULL };
	size_t v;

	switch (c) {
	case 'r': rule_opts_add(ro, arg); return 0;
	case 'p': ro->prompts = arg; return 0;
	case 'f': return (cfg->writer = out_writer_choose("--format", arg)) ? 0 : -1;
	case O_FAIL_ON: return parse_fail_on(arg, &cfg->fail_on);
	case 'j': return cli_parse_size(arg, "--jobs", 1, 256, &cfg->jobs);
	case O_FIELD: return field_map_set(&cfg->fields, arg);
	case O_COLOR: return cli_parse_color(arg, &ro->color);
	case O_CONTEXT:
		if (cli_parse_size(arg, "--context", 0, 1000, &v))
			return -1;
		cfg->out.context = (unsigned)v;
		return 0;
	case O_MAXREC: return cli_parse_size(arg, "--max-record-bytes", 1, (size_t)1 << 30,
					     &cfg->max_record);
	case O_MATCHLIM:
		if (cli_parse_size(arg, "--match-limit", 1, UINT32_MAX, &v))
			return -1;
		ro->copts.match_limit = (uint32_t)v;
		return 0;
	case O_NOPRE: ro->copts.no_prefilter = 1; return 0;
	case O_NOJIT: ro->copts.no_jit = 1; return 0;
	case O_PROFILE: cfg->profile = 1; return 0;
	case O_SORT: return (cfg->sort_score = cli_choice("--sort", arg, sorts)) < 0 ? -1 : 0;
	case O_RULE: rule_opts_select(ro, "rule", arg); return 0;
	case O_EXCLUDE_RULE: rule_opts_select(ro, "!rule", arg); return 0;
	case O_DIMENSION:
		if (ms_dimension_parse(arg) < 0) {
			cli_error("--dimension must be safety, professionalism, fairness, humanism or "
				  "regulation, not '%s'", arg);
			return -1;
		}
		rule_opts_select(ro, "dimension", arg);
		return 0;
	case O_TAG: rule_opts_select(ro, "tag", arg); return 0;
	case O_SEVERITY: rule_opts_severity(ro, arg); return 0;
	case O_CONFIG:
	case O_NO_CONFIG: return 0; /* read before the other options (with_config) */
	case O_WAIVERS: cfg->waivers_path = arg; return 0;
	case 'o': return cli_output_open(arg);
	case O_INPUT_FORMAT: return input_format_parse(arg, &cfg->src.format);
	case O_PRESET:
		preset_run_free(cfg->src.preset);
		return (cfg->src.preset = preset_run_new(arg)) ? 0 : -1;
	case O_PROGRESS: cfg->progress = 1; return 0;
	case 'q': cfg->progress = -1; return 0;
	case O_WEIGHTS: cfg->weights_path = arg; return 0;
	case O_WITH_LENGTH: cfg->out.with_length = 1; return 0;
	}
	return -1;
}

/* Returns 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_scan_options(int argc, char **argv, scan_cfg *cfg, rule_opts *ro)
{
	int c;

	while ((c = getopt_long(argc, argv, "r:p:f:j:o:qh", opts, NULL)) != -1) {
		if (c == 'h') {
			scan_usage(stdout);
			return 1;
		}
		if (c == '?' || c == ':') {
			suggest_option(argc, argv, optind, opts);
			scan_usage(stderr);
			return -1;
		}
		if (scan_option(c, optarg, cfg, ro))
			return -1;
	}
	if (cfg->src.preset && cfg->src.format == INPUT_CSV) {
		cli_error("--preset reads JSON Lines or JSON, not --input-format csv");
		return -1;
	}
	/* --quiet wins over --progress; a terminal shows it unasked. */
	cfg->progress = cfg->progress > 0 || (cfg->progress == 0 && isatty(STDERR_FILENO));
	if (cfg->sort_score && !cfg->writer->sortable) {
		cli_error("--sort score applies to the text, jsonl and csv formats");
		return -1;
	}
	if (!cfg->jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		cfg->jobs = n > 0 ? (size_t)(n > 256 ? 256 : n) : 1;
	}
	return 0;
}

/* The bytes of all inputs, when all are regular files; else 0. */
static unsigned long long input_size(int nfiles, char **files)
{
	unsigned long long total = 0;
	struct stat st;

	for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
		int std = !nfiles || strcmp(files[i], "-") == 0;
		if ((std ? fstat(STDIN_FILENO, &st) : stat(files[i], &st)) != 0 ||
		    !S_ISREG(st.st_mode))
			return 0;
		total += (unsigned long long)st.st_size;
	}
	return total;
}

/* Screen every input (standard input when none) and finish the run. */
static int scan_inputs(scan_cfg *cfg, int nfiles, char **files)
{
	scan_run *run;
	int trouble = 0, ret;

	if (cfg->progress)
		cfg->input_size = input_size(nfiles, files);
	if (!(run = scan_run_new(cfg)))
		return CLI_EXIT_TROUBLE;
	cfg->out.with_file = nfiles > 1;
	if (nfiles == 0)
		trouble |= scan_run_file(run, NULL) != 0;
	for (int i = 0; i < nfiles; i++)
		trouble |= scan_run_file(run, files[i]) != 0;
	ret = scan_run_finish(run, trouble);
	/* Every input read through and written: the output is whole, even
	 * when some records could not be screened (they are in it). */
	if (!trouble && !scan_run_failed(run))
		cli_output_complete();
	scan_run_free(run);
	return ret;
}

/* argv with the configuration file's options put first: --config FILE,
 * else .medscreen.yaml unless --no-config.  The new argv (and its strings
 * from the file) go to *owned for the caller to free; 0, or -1 after an
 * error in the file. */
static int with_config(int *argc, char ***argv, char ***owned, size_t *nowned)
{
	const char *path = NULL;
	int skip = 0, has_rules = 0;
	char **args = NULL, **nv;
	size_t n = 0;

	*owned = NULL;
	*nowned = 0;
	for (int i = 1; i < *argc; i++) {
		const char *a = (*argv)[i];
		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--no-config") == 0)
			skip = 1;
		else if (strcmp(a, "--config") == 0 && i + 1 < *argc)
			path = (*argv)[++i];
		else if (strncmp(a, "--config=", 9) == 0)
			path = a + 9;
		else if (strcmp(a, "--rules") == 0 || strncmp(a, "--rules=", 8) == 0 ||
			 strncmp(a, "-r", 2) == 0)
			has_rules = 1;
	}
	if (!path && !skip)
		path = config_default_path();
	if (!path)
		return 0;
	if (config_load(path, has_rules, &args, &n))
		return -1;
	nv = xcalloc((size_t)*argc + n + 1, sizeof *nv);
	nv[0] = (*argv)[0];
	memcpy(nv + 1, args, n * sizeof *nv);
	memcpy(nv + 1 + n, *argv + 1, (size_t)(*argc - 1) * sizeof *nv);
	*argc += (int)n;
	*argv = nv;
	*owned = args;
	*nowned = n;
	/* The array itself is freed with the strings: keep it last. */
	args = xrealloc(args, (n + 1) * sizeof *args);
	args[n] = (char *)nv;
	*owned = args;
	return 0;
}

int cmd_scan(int argc, char **argv)
{
	char **owned = NULL;
	size_t nowned = 0;
	int ret;

	if (with_config(&argc, &argv, &owned, &nowned))
		return CLI_EXIT_TROUBLE;
	ret = scan_with_args(argc, argv);
	for (size_t i = 0; owned && i <= nowned; i++)
		free(owned[i]);
	free(owned);
	return ret;
}

/* The weights file of --weights, fitted on this rule pack; -1 after an
 * error. */
static int load_weights(scan_cfg *cfg, lmodel *m)
{
	if (lmodel_read(m, cfg->weights_path))
		return -1;
	if (strcmp(m->fingerprint, cfg->out.fingerprint) != 0) {
		cli_error("%s: fitted on another rule pack (rules_fingerprint %.12s...), not on "
			  "these rules (%.12s...); fit it again with medscreen calibrate on scans "
			  "made with these rules",
			  cfg->weights_path, m->fingerprint, cfg->out.fingerprint);
		lmodel_free(m);
		return -1;
	}
	cfg->model = m;
	return 0;
}

static int scan_with_args(int argc, char **argv)
{
	lmodel model = { 0 };
	rule_opts ro = { 0 };
	scan_cfg cfg = { .fail_on = MS_SEV_LOW, .writer = &out_text,
			 .max_record = DEFAULT_MAX_RECORD, .out.context = 40 };
	ms_rules *rules = NULL;
	ms_prompts *prompts = NULL;
	waiver_set ws = { 0 };
	char today[11];
	int rc, ret = CLI_EXIT_TROUBLE;

	waivers_today(today);
	field_map_init(&cfg.fields);
	rc = parse_scan_options(argc, argv, &cfg, &ro);
	if (rc) {
		ret = rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	} else if (cfg.waivers_path && waivers_load(&ws, cfg.waivers_path, today)) {
		ret = CLI_EXIT_TROUBLE;
	} else if ((rules = load_rules(&ro)) && !load_prompts(&ro, &prompts)) {
		if (cfg.waivers_path)
			cfg.waivers = &ws;
		cfg.rules = cfg.out.rules = rules;
		if (ms_rules_fingerprint(rules, cfg.out.fingerprint) != MS_OK)
			xoom();
		cfg.prompts = prompts;
		cfg.out.fields = &cfg.fields;
		cfg.out.color = cfg.writer == &out_text && cli_use_color(ro.color, stdout);
		cfg.out.fail_on = cfg.fail_on == MS_SEV_COUNT
					  ? "never"
					  : ms_severity_name((ms_severity)cfg.fail_on);
		if (!cfg.weights_path || !load_weights(&cfg, &model))
			ret = scan_inputs(&cfg, argc - optind, argv + optind);
	}
	ms_rules_destroy(rules);
	ms_prompts_destroy(prompts);
	waivers_free(&ws);
	preset_run_free(cfg.src.preset);
	if (cfg.model)
		lmodel_free(&model);
	field_map_free(&cfg.fields);
	rule_opts_free(&ro);
	return ret;
}
