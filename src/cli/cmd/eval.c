/* medscreen eval: agreement of scan results with human labels. */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "../rules.h"
#include "../outfile.h"
#include "../suggest.h"
#include "../xalloc.h"
#include "../io/results.h"
#include "../out/buf.h"
#include "../report/eval.h"

static const char usage[] =
	"Usage: medscreen eval [--format text|json] [--labels FILE]... [--errors]\n"
	"                      [--rules PATH]... [--min-recall X] [--min-precision Y]\n"
	"                      [-o FILE] SCANFILE...\n"
	"Compare scan results (medscreen scan --format jsonl) with human labels, carried\n"
	"by the records or joined to them by id from JSON Lines labels files (--labels;\n"
	"then the records' own labels are not used): per dimension and per labelled\n"
	"signal, TP/FP/FN/TN, precision and recall with 95% Wilson intervals, F1 and\n"
	"Cohen's kappa, and macro-F1.  --errors lists each false positive and false\n"
	"negative with its evidence.  --rules names the scanned pack, whose signals\n"
	"labels may name without a warning.  With --min-recall/--min-precision, exit 1\n"
	"when any dimension falls below the threshold.  -o FILE writes to FILE, replaced\n"
	"only once complete.\n";

enum { O_MIN_RECALL = 256, O_MIN_PRECISION, O_LABELS, O_ERRORS };

typedef struct eval_opts {
	int json;
	int keep_errors;
	double min_recall, min_precision;    /* -1: no threshold */
	const char **labfiles;
	size_t nlabfiles, caplabfiles;
	rule_opts ro;
} eval_opts;

static int eval_option(int c, const char *arg, eval_opts *o)
{
	static const char *const formats[] = { "text", "json", NULL };
	static const char unit[] = "a number between 0 and 1";

	switch (c) {
	case 'f': return (o->json = cli_choice("--format", arg, formats)) < 0 ? -1 : 0;
	case 'r': rule_opts_add(&o->ro, arg); return 0;
	case O_LABELS:
		xgrow(&o->labfiles, &o->caplabfiles, o->nlabfiles + 1, sizeof *o->labfiles);
		o->labfiles[o->nlabfiles++] = arg;
		return 0;
	case O_ERRORS: o->keep_errors = 1; return 0;
	case 'o': return cli_output_open(arg);
	case O_MIN_RECALL: return cli_parse_real(arg, "--min-recall", 0, 1, unit, &o->min_recall);
	case O_MIN_PRECISION:
		return cli_parse_real(arg, "--min-precision", 0, 1, unit, &o->min_precision);
	}
	return -1;
}

/* Returns 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_eval_options(int argc, char **argv, eval_opts *o)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "labels", required_argument, NULL, O_LABELS },
		{ "errors", no_argument, NULL, O_ERRORS },
		{ "rules", required_argument, NULL, 'r' },
		{ "min-recall", required_argument, NULL, O_MIN_RECALL },
		{ "min-precision", required_argument, NULL, O_MIN_PRECISION },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt(argc, argv, "f:r:o:h", opts, usage)) != -1) {
		if (c == CLI_OPT_HELP)
			return 1;
		if (c == CLI_OPT_BAD || eval_option(c, optarg, o))
			return -1;
	}
	if (optind >= argc) {
		cli_error("eval needs at least one scan file");
		fputs(usage, stderr);
		return -1;
	}
	for (size_t i = 0; i < o->nlabfiles; i++)
		for (int j = optind; j < argc; j++)
			if (strcmp(o->labfiles[i], "-") == 0 && strcmp(argv[j], "-") == 0) {
				cli_error("--labels and a scan file cannot both be standard input");
				return -1;
			}
	return 0;
}

/* Read the labels and the scans and count; -1 after an error. */
static int evaluate(evalstate *e, const eval_opts *o, int nfiles, char **files,
		    const ms_rules *rules)
{
	e->keep_errors = o->keep_errors;
	e->use_files = o->nlabfiles > 0;
	for (size_t i = 0; i < o->nlabfiles; i++)
		if (eval_read_labels(e, o->labfiles[i]))
			return -1;
	if (eval_index_labels(e))
		return -1;
	for (int i = 0; i < nfiles; i++)
		if (scan_file_each(files[i], eval_record, e))
			return -1;
	eval_finish(e);
	eval_warn(e, rules, o->nlabfiles);
	if (!e->used) {
		cli_error("no labelled records to evaluate (%lu read, %lu errors, %lu without labels)",
			  e->records, e->skipped_error, e->skipped_unlabelled);
		return -1;
	}
	return 0;
}

/* A metric without data (no non-compliant answer labelled, or none
 * flagged) cannot fall below a threshold; the tables show it as "-". */
static int below_threshold(const evalstate *e, const eval_opts *o)
{
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		stats_agreement m = stats_agree(&e->dim[d]);
		if ((o->min_recall >= 0 && !isnan(m.recall) && m.recall < o->min_recall) ||
		    (o->min_precision >= 0 && !isnan(m.precision) && m.precision < o->min_precision))
			return 1;
	}
	return 0;
}

int cmd_eval(int argc, char **argv)
{
	eval_opts o = { .min_recall = -1, .min_precision = -1 };
	evalstate e = { 0 };
	ms_rules *rules = NULL;
	out_buf b = { 0 };
	int ret = CLI_EXIT_TROUBLE, rc = parse_eval_options(argc, argv, &o);

	if (rc) {
		ret = rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	} else if ((!o.ro.npaths || (rules = load_rules(&o.ro))) &&
		   !evaluate(&e, &o, argc - optind, argv + optind, rules)) {
		ret = below_threshold(&e, &o) ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAR;
		if (o.json)
			eval_render_json(&b, &e);
		else
			eval_render_text(&b, &e);
		ob_write(&b, stdout);
	}
	ob_free(&b);
	eval_free(&e);
	free(o.labfiles);
	rule_opts_free(&o.ro);
	ms_rules_destroy(rules);
	return ret;
}
