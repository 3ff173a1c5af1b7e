/* Rule packs and prompt sets for the commands: --rules and --prompts, the
 * installed defaults, and diagnostics as file:line:column: level: message. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rules.h"
#include "suggest.h"
#include "util.h"
#include "xalloc.h"
#include "out/color.h"

const char *default_rules_dir(void)
{
	const char *e = getenv("MEDSCREEN_RULES");
	return e && *e ? e : MS_DATADIR "/rules";
}

const char *default_prompts_file(void)
{
	const char *e = getenv("MEDSCREEN_PROMPTS");
	return e && *e ? e : MS_DATADIR "/prompts.yaml";
}

void rule_opts_add(rule_opts *o, const char *path)
{
	o->paths = xrealloc(o->paths, (o->npaths + 1) * sizeof *o->paths);
	o->paths[o->npaths++] = path;
}

void rule_opts_free(rule_opts *o)
{
	free(o->paths);
	o->paths = NULL;
	o->npaths = 0;
	for (size_t i = 0; i < o->nselect; i++)
		free(o->select[i]);
	free(o->select);
	o->select = NULL;
	o->nselect = o->capselect = 0;
	free(o->severity);
	o->severity = NULL;
	o->nseverity = o->capseverity = 0;
}

void rule_opts_severity(rule_opts *o, const char *entry)
{
	xgrow(&o->severity, &o->capseverity, o->nseverity + 1, sizeof *o->severity);
	o->severity[o->nseverity++] = entry;
	o->copts.severity_override = o->severity;
	o->copts.nseverity_override = o->nseverity;
}

void rule_opts_select(rule_opts *o, const char *kind, const char *glob)
{
	xgrow(&o->select, &o->capselect, o->nselect + 1, sizeof *o->select);
	o->select[o->nselect++] = xasprintf("%s:%s", kind, glob);
	o->copts.rule_select = (const char *const *)o->select;
	o->copts.nrule_select = o->nselect;
}

void print_diag(const ms_diag *d, void *ud)
{
	rule_opts *o = ud;
	int color = cli_use_color(o ? o->color : COLOR_AUTO, stderr);
	const char *lvl = d->level == MS_DIAG_ERROR ? "error" : "warning";

	if (o) {
		if (d->level == MS_DIAG_ERROR)
			o->nerrors++;
		else
			o->nwarnings++;
	}
	if (color)
		fputs(C_BOLD, stderr);
	fputs(d->file, stderr);
	if (d->line)
		fprintf(stderr, ":%u", d->line);
	if (d->line && d->column)
		fprintf(stderr, ":%u", d->column);
	fputs(":", stderr);
	if (color)
		fputs(d->level == MS_DIAG_ERROR ? C_RESET " " C_RED : C_RESET " " C_MAGENTA, stderr);
	else
		fputs(" ", stderr);
	fprintf(stderr, "%s:", lvl);
	if (color)
		fputs(C_RESET, stderr);
	fprintf(stderr, " %s", d->message);
	if (d->rule && !strstr(d->message, d->rule))
		fprintf(stderr, " [%s]", d->rule);
	fputc('\n', stderr);
}

/* Add the paths given, or the installed pack; the first failure, or 0.
 * Every path is read, so that all their errors are reported.  Running out
 * of memory exits (the program's one memory policy). */
static ms_status add_paths(ms_compiler *c, const rule_opts *o, const char *def)
{
	ms_status st = o->npaths ? 0 : ms_compiler_add_path(c, def);

	for (size_t i = 0; i < o->npaths && st != MS_ERR_NOMEM; i++) {
		ms_status s1 = ms_compiler_add_path(c, o->paths[i]);
		if (!st || s1 == MS_ERR_NOMEM)
			st = s1;
	}
	if (st == MS_ERR_NOMEM)
		xoom();
	return st;
}

ms_rules *load_rules(rule_opts *o)
{
	ms_compiler *c = NULL;
	ms_rules *r = NULL;
	ms_status st, s2;
	const char *def = default_rules_dir();
	/* The JIT's generated code looks like uninitialised reads to
	 * valgrind; MEDSCREEN_NO_JIT lets memory checkers run clean. */
	const char *nj = getenv("MEDSCREEN_NO_JIT");
	struct stat sb;

	if (nj && *nj && strcmp(nj, "0") != 0)
		o->copts.no_jit = 1;
	if (o->npaths == 0 && stat(def, &sb) != 0) {
		cli_error("no rules given and the default rule pack %s is not installed; "
			  "use --rules PATH",
			  def);
		return NULL;
	}
	if ((st = ms_compiler_create(&c, &o->copts, print_diag, o))) {
		if (st == MS_ERR_NOMEM)
			xoom();
		cli_error("%s", ms_strerror(st));
		return NULL;
	}
	st = add_paths(c, o, def);
	if ((s2 = ms_compiler_get_rules(c, &r)) == MS_ERR_NOMEM)
		xoom();
	if (!st)
		st = s2;
	ms_compiler_destroy(c);
	if (st) {
		if (o->nerrors)
			fprintf(stderr, "%s: %zu error%s in rule files; nothing was scanned\n", cli_prog,
				o->nerrors, o->nerrors == 1 ? "" : "s");
		ms_rules_destroy(r);
		return NULL;
	}
	return r;
}

int load_prompts(rule_opts *o, ms_prompts **out)
{
	const char *path = o->prompts;
	ms_status st;

	*out = NULL;
	if (!path) {
		struct stat sb;
		path = default_prompts_file();
		if (stat(path, &sb) != 0)
			return 0; /* no prompt set installed: records carry their own prompts */
	}
	st = ms_prompts_load(out, path, print_diag, o);
	if (st == MS_ERR_NOMEM)
		xoom();
	return st ? -1 : 0;
}

/* Options shared by the three commands: --rules, --color, --help. */
int rule_cmd_parse(int argc, char **argv, rule_opts *ro, const char *usage, int *verbose,
			  int *json)
{
	enum { O_COLOR = 256, O_FINGERPRINT, O_WAIVERS };
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "waivers", required_argument, NULL, O_WAIVERS },
		{ "fingerprint", no_argument, NULL, O_FINGERPRINT },
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
			rule_opts_add(ro, optarg);
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
		case O_WAIVERS:
			if (!ro->allow_waivers)
				goto bad;
			ro->waivers = optarg;
			break;
		case O_FINGERPRINT:
			if (!json)
				goto bad;
			*json = RULES_OUT_FINGERPRINT;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			suggest_option(argc, argv, optind, opts);
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
