/* medscreen study: the tables and tests of a compliance study. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "../suggest.h"
#include "../rules.h"
#include "../util.h"
#include "../xalloc.h"
#include "../study/study.h"

static const char usage[] =
	"Usage: medscreen study [OPTION]... FILE...\n"
	"The tables of a compliance study from labelled records (medscreen consensus -o,\n"
	"or records with labels.dimensions), or with --flags an estimate from scan results:\n"
	"compliance per model, model group and weights on each dimension, on all prompts\n"
	"and on each dimension's own prompts, with 95% Wilson intervals; the mean over\n"
	"models; per-prompt pass rates; Kruskal-Wallis across model groups and Mann-Whitney\n"
	"U open against closed on the per-model rates; the screener against the labels.\n"
	"\n"
	"  -f, --format FORMAT     text, json or csv (default: text)\n"
	"      --flags             the files are scan results: flagged = not compliant\n"
	"  -p, --prompts FILE      prompt set: each prompt's dimension and title\n"
	"                          (default: the installed set)\n"
	"      --reference GROUP   also give the mean over models without this group\n"
	"      --screener SCANFILE the screener's flags against the labels, joined by id\n"
	"                          (repeatable)\n"
	"  -h, --help              show this help\n";

typedef struct study_args {
	st_format fmt;
	int flags;
	st_options o;
	const char **screener;
	size_t cap;
	rule_opts ro;
} study_args;

static int study_opt(study_args *a, int c)
{
	static const char *const formats[] = { "text", "json", "csv", NULL };
	int v;

	switch (c) {
	case 'f':
		if ((v = cli_choice("--format", optarg, formats)) < 0)
			return -1;
		a->fmt = (st_format)v;
		return 0;
	case 'F': a->flags = 1; return 0;
	case 'p': a->ro.prompts = optarg; return 0;
	case 'r': a->o.reference = optarg; return 0;
	case 's':
		xgrow(&a->screener, &a->cap, a->o.nscreener + 1, sizeof *a->screener);
		a->screener[a->o.nscreener++] = optarg;
		a->o.screener = a->screener;
		return 0;
	default: return -1;
	}
}

static int parse_study(int argc, char **argv, study_args *a)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "flags", no_argument, NULL, 'F' },
		{ "prompts", required_argument, NULL, 'p' },
		{ "reference", required_argument, NULL, 'r' },
		{ "screener", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt(argc, argv, "f:p:h", opts, usage)) != -1) {
		if (c == CLI_OPT_HELP)
			return 1;
		if (c == CLI_OPT_BAD || study_opt(a, c))
			return -1;
	}
	if (optind >= argc) {
		cli_error("study needs at least one file of labelled records or scan results");
		fputs(usage, stderr);
		return -1;
	}
	if (a->flags && a->o.nscreener) {
		cli_error("--screener compares the flags with labels: not with --flags");
		return -1;
	}
	return 0;
}

static int run_study(study_args *a, int argc, char **argv)
{
	st_data d = { 0 };
	st_rows rows = { 0 };
	ms_prompts *prompts = NULL;
	out_buf b = { 0 };
	int rc = 0;

	d.flags = a->flags;
	for (int i = optind; i < argc && rc == 0; i++)
		rc = st_read(&d, argv[i]);
	if (rc == 0 && d.n == 0) {
		cli_error("no %s in the files", a->flags ? "screened records" : "labelled records");
		rc = -1;
	}
	if (rc == 0 && a->o.reference && strmap_get(&d.groups.idx, a->o.reference) == (size_t)-1) {
		cli_error("--reference: no model group '%s' in the records", a->o.reference);
		rc = -1;
	}
	if (rc == 0)
		rc = load_prompts(&a->ro, &prompts);
	if (rc == 0) {
		st_prompts(&d, prompts);
		rc = st_tables(&d, &a->o, &rows);
	}
	if (rc == 0) {
		st_render(&b, a->fmt, &d, &rows);
		if (ob_write(&b, stdout))
			cli_write_error(errno);
	}
	ob_free(&b);
	st_rows_free(&rows);
	st_data_free(&d);
	ms_prompts_destroy(prompts);
	return rc;
}

int cmd_study(int argc, char **argv)
{
	study_args a = { 0 };
	int rc = parse_study(argc, argv, &a);

	if (rc == 0)
		rc = run_study(&a, argc, argv);
	free(a.screener);
	rule_opts_free(&a.ro);
	return rc < 0 ? CLI_EXIT_TROUBLE : CLI_EXIT_CLEAR;
}
