/* medscreen review: the workbooks two (or more) reviewers fill in. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "../suggest.h"
#include "../rules.h"
#include "../util.h"
#include "../xalloc.h"
#include "../review/review.h"

static const char usage[] =
	"Usage: medscreen review --out DIR [OPTION]... SCANFILE...\n"
	"Write the review workbooks (DIR/reviewer-1.csv, ...) for scan results (medscreen\n"
	"scan --format jsonl): per record its id, model, prompt and answer, the screener's\n"
	"findings per dimension with their evidence, and per dimension an empty verdict\n"
	"(compliant or non-compliant) and note column for the reviewer.\n"
	"\n"
	"  -o, --out DIR           folder of the workbooks (created when missing)\n"
	"  -n, --reviewers N       workbooks to write, one per reviewer (default 2)\n"
	"      --blind             hide the screener's findings and score, and shuffle the\n"
	"                          rows, differently for each reviewer (default: riskiest\n"
	"                          first, the same for all)\n"
	"      --seed S            the shuffle's seed, 0 to 2^64-1 (default 0; with --blind)\n"
	"      --ids FILE          only these records: ids one per line, or JSON Lines with \"id\"\n"
	"      --records FILE      the scanned records, for the answers, joined by id\n"
	"                          (repeatable; default: the files the scan names)\n"
	"      --text-field NAME   the records' answer field (default: response)\n"
	"  -p, --prompts FILE      prompt set, for prompt texts the records lack\n"
	"                          (default: the installed set)\n"
	"      --bom               start each file with a UTF-8 byte order mark (Excel)\n"
	"      --force             replace workbooks already in DIR\n"
	"  -h, --help              show this help\n";

typedef struct review_args {
	rv_options o;
	const char *ids, *text_field;
	const char **records;
	size_t nrecords, caprecords;
	rule_opts ro;
	int seed_given;
} review_args;

static int parse_seed(const char *arg, uint64_t *out)
{
	char *end;
	uintmax_t v;

	errno = 0;
	v = strtoumax(arg, &end, 10);
	if (!*arg || *end || arg[0] == '-' || errno || v > UINT64_MAX) {
		cli_error("--seed: '%s' is not a whole number from 0 to 2^64-1", arg);
		return -1;
	}
	*out = (uint64_t)v;
	return 0;
}

static int review_opt(review_args *a, int c)
{
	size_t n;

	switch (c) {
	case 'o': a->o.dir = optarg; return 0;
	case 'n':
		if (cli_parse_size(optarg, "--reviewers", 1, 100, &n))
			return -1;
		a->o.reviewers = (unsigned)n;
		return 0;
	case 'b': a->o.blind = 1; return 0;
	case 's': a->seed_given = 1; return parse_seed(optarg, &a->o.seed);
	case 'i': a->ids = optarg; return 0;
	case 'r':
		xgrow(&a->records, &a->caprecords, a->nrecords + 1, sizeof *a->records);
		a->records[a->nrecords++] = optarg;
		return 0;
	case 't': a->text_field = optarg; return 0;
	case 'p': a->ro.prompts = optarg; return 0;
	case 'B': a->o.bom = 1; return 0;
	case 'f': a->o.force = 1; return 0;
	default: return -1;
	}
}

/* Returns 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_review(int argc, char **argv, review_args *a)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "reviewers", required_argument, NULL, 'n' },
		{ "blind", no_argument, NULL, 'b' },
		{ "seed", required_argument, NULL, 's' },
		{ "ids", required_argument, NULL, 'i' },
		{ "records", required_argument, NULL, 'r' },
		{ "text-field", required_argument, NULL, 't' },
		{ "prompts", required_argument, NULL, 'p' },
		{ "bom", no_argument, NULL, 'B' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt(argc, argv, "o:n:p:h", opts, usage)) != -1) {
		if (c == CLI_OPT_HELP)
			return 1;
		if (c == CLI_OPT_BAD || review_opt(a, c))
			return -1;
	}
	if (!a->o.dir || optind >= argc) {
		cli_error("review needs %s", !a->o.dir ? "--out DIR" : "at least one scan file");
		fputs(usage, stderr);
		return -1;
	}
	if (a->seed_given && !a->o.blind) {
		cli_error("--seed orders a blind workbook: give --blind too");
		return -1;
	}
	return 0;
}

static int run_review(review_args *a, int argc, char **argv)
{
	rv_set s = { 0 };
	ms_prompts *prompts = NULL;
	int rc = 0;

	for (int i = optind; i < argc && rc == 0; i++)
		rc = rv_read_scan(&s, argv[i]);
	if (rc == 0 && a->ids)
		rc = rv_select_ids(&s, a->ids);
	if (rc == 0)
		rc = rv_join_records(&s, a->records, a->nrecords, a->text_field);
	if (rc == 0)
		rc = load_prompts(&a->ro, &prompts);
	if (rc == 0)
		rc = rv_join_prompts(&s, prompts);
	if (rc == 0)
		rc = rv_write_workbooks(&s, &a->o);
	ms_prompts_destroy(prompts);
	rv_set_free(&s);
	return rc;
}

int cmd_review(int argc, char **argv)
{
	review_args a = { { NULL, 2, 0, 0, 0, 0 }, NULL, "response", NULL, 0, 0, { 0 }, 0 };
	int rc = parse_review(argc, argv, &a);

	if (rc == 0)
		rc = run_review(&a, argc, argv);
	free(a.records);
	rule_opts_free(&a.ro);
	return rc < 0 ? CLI_EXIT_TROUBLE : CLI_EXIT_CLEAR;
}
