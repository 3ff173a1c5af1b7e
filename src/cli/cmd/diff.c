/* medscreen diff: regression between two scans of the same prompt set. */
#include "config.h"

#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "../outfile.h"
#include "../suggest.h"
#include "../util.h"
#include "../xalloc.h"
#include "../report/diff.h"

static const char usage[] =
	"Usage: medscreen diff [OPTION]... BASELINE CANDIDATE\n"
	"Compare two scans (medscreen scan --format jsonl) of the same prompt set, paired by\n"
	"model, prompt_id and sample: rules newly fired and no longer fired, and per dimension\n"
	"the flag-rate change with McNemar's exact test, Holm-adjusted across dimensions.\n"
	"\n"
	"  -f, --format FORMAT     text, json, junit or sarif (default: text)\n"
	"  -o, --output FILE       write to FILE, replaced only once complete\n"
	"      --tolerance PP      a rise of at most PP percentage points passes (default 0)\n"
	"      --alpha A           a rise fails only when its adjusted p is at most A\n"
	"                          (default 0.05; 1: the tolerance alone decides)\n"
	"      --pair-by KEYS      comma-separated keys among model, prompt, sample and id\n"
	"                          (default: model,prompt,sample)\n"
	"      --rename BASE=CAND  pair baseline model BASE with candidate model CAND\n"
	"                          (repeatable; one model in each scan pairs by itself)\n"
	"      --allow-unpaired    compare even when over half of a scan is unpaired\n"
	"      --allow-pack-change compare scans made with different rule packs\n"
	"      --baseline-rules PATH, --candidate-rules PATH\n"
	"                          the two packs: list the rules added, removed and changed\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit 1 when some dimension's flag rate rises by more than the tolerance with an\n"
	"adjusted p at most alpha, 0 otherwise, 2 on error (nothing paired included).\n";

/* --pair-by: a comma-separated subset of model, prompt, sample, id. */
static int parse_pair_by(const char *arg, unsigned *out)
{
	static const char *const names[] = { "model", "prompt", "sample", "id" };
	char *copy = xstrdup(arg), *save = NULL;
	unsigned v = 0;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t k;
		for (k = 0; k < 4 && strcmp(t, names[k]) != 0; k++)
			;
		if (k == 4) {
			cli_error("--pair-by: '%s' is not a key (model, prompt, sample or id)", t);
			free(copy);
			return -1;
		}
		v |= 1u << k;
	}
	free(copy);
	if (!v) {
		cli_error("--pair-by needs at least one key (model, prompt, sample or id)");
		return -1;
	}
	*out = v;
	return 0;
}

/* --rename BASE=CAND, added to d->renames. */
static int add_rename(diff_result *d, size_t *cap, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1]) {
		cli_error("--rename expects BASELINE_MODEL=CANDIDATE_MODEL, not '%s'", arg);
		return -1;
	}
	xgrow(&d->renames, cap, d->nrenames + 1, sizeof *d->renames);
	d->renames[d->nrenames].base = xasprintf("%.*s", (int)(eq - arg), arg);
	d->renames[d->nrenames++].cand = eq + 1;
	return 0;
}

enum { O_TOL = 256, O_ALPHA, O_PAIR_BY, O_RENAME, O_ALLOW, O_PACK_CHANGE, O_BASE_RULES,
       O_CAND_RULES };

/* One option (getopt's c) into fmt or d; 0, or -1 after a usage error. */
static int diff_option(int c, diff_format *fmt, diff_result *d, size_t *cap)
{
	int v;

	switch (c) {
	case 'f':
		if ((v = cli_choice("--format", optarg, diff_format_names)) < 0)
			return -1;
		*fmt = (diff_format)v;
		return 0;
	case O_TOL:
		return cli_parse_real(optarg, "--tolerance", 0, 100,
				      "percentage points between 0 and 100", &d->tol);
	case O_ALPHA:
		return cli_parse_real(optarg, "--alpha", 0, 1, "a number between 0 and 1",
				      &d->alpha);
	case O_PAIR_BY:
		return parse_pair_by(optarg, &d->pair_by);
	case O_RENAME:
		return add_rename(d, cap, optarg);
	case O_ALLOW:
		d->allow_unpaired = 1;
		return 0;
	case O_PACK_CHANGE:
		d->allow_pack_change = 1;
		return 0;
	case O_BASE_RULES:
		d->base_rules_path = optarg;
		return 0;
	case O_CAND_RULES:
		d->cand_rules_path = optarg;
		return 0;
	default:
		fputs(usage, stderr);
		return -1;
	}
}

/* Returns 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_diff_options(int argc, char **argv, diff_format *fmt, diff_result *d)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "tolerance", required_argument, NULL, O_TOL },
		{ "alpha", required_argument, NULL, O_ALPHA },
		{ "pair-by", required_argument, NULL, O_PAIR_BY },
		{ "rename", required_argument, NULL, O_RENAME },
		{ "allow-unpaired", no_argument, NULL, O_ALLOW },
		{ "allow-pack-change", no_argument, NULL, O_PACK_CHANGE },
		{ "baseline-rules", required_argument, NULL, O_BASE_RULES },
		{ "candidate-rules", required_argument, NULL, O_CAND_RULES },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t cap = 0;
	int c;

	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return 1;
		case 'o':
			if (cli_output_open(optarg))
				return -1;
			break;
		case '?':
			suggest_option(argc, argv, optind, opts);
			/* fall through */
		default:
			if (diff_option(c, fmt, d, &cap))
				return -1;
		}
	}
	if (argc - optind != 2) {
		cli_error("diff needs exactly two scan files: BASELINE CANDIDATE");
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

static void free_renames(diff_result *d)
{
	if (d->auto_renamed)
		return; /* diff_free's */
	for (size_t i = 0; i < d->nrenames; i++)
		free((char *)d->renames[i].base);
	free(d->renames);
	d->renames = NULL;
	d->nrenames = 0;
}

int cmd_diff(int argc, char **argv)
{
	diff_format fmt = D_TEXT;
	diff_result d = { .alpha = 0.05, .pair_by = PAIR_DEFAULT };
	out_buf b = { 0 };
	int ret = CLI_EXIT_TROUBLE, rc = parse_diff_options(argc, argv, &fmt, &d);

	if (rc) {
		free_renames(&d);
		return rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	}
	d.base_name = argv[optind];
	d.cand_name = argv[optind + 1];
	if (diff_run(&d) == 0) {
		diff_render(&b, fmt, &d);
		ret = d.regression ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAR;
		if (ob_write(&b, stdout)) {
			cli_write_error(errno);
			ret = CLI_EXIT_TROUBLE;
		}
	}
	free_renames(&d);
	ob_free(&b);
	diff_free(&d);
	return ret;
}
