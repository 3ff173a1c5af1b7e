/* medscreen diff: regression between two scans of the same prompt set. */
#include "config.h"

#include <getopt.h>
#include <errno.h>
#include <stdio.h>

#include "cmds.h"
#include "../util.h"
#include "../report/diff.h"

static const char usage[] =
	"Usage: medscreen diff [--tolerance PP] [--format text|json|junit|sarif] BASELINE CANDIDATE\n"
	"Compare two scans (medscreen scan --format jsonl) of the same prompt set, paired by\n"
	"prompt_id and sample: rules newly fired and no longer fired, and per dimension the\n"
	"flag-rate change with McNemar's exact test.  Exit 1 when the candidate's flag rate\n"
	"exceeds the baseline's by more than PP percentage points (default 0) on any\n"
	"dimension, 0 otherwise, 2 on error.\n";

/* Returns 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_diff_options(int argc, char **argv, diff_format *fmt, double *tol)
{
	enum { O_TOL = 256 };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "tolerance", required_argument, NULL, O_TOL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, v;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((v = cli_choice("--format", optarg, diff_format_names)) < 0)
				return -1;
			*fmt = (diff_format)v;
			break;
		case O_TOL:
			if (cli_parse_real(optarg, "--tolerance", 0, 100,
					   "percentage points between 0 and 100", tol))
				return -1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			fputs(usage, stderr);
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

int cmd_diff(int argc, char **argv)
{
	diff_format fmt = D_TEXT;
	diff_result d = { 0 };
	out_buf b = { 0 };
	int ret = CLI_EXIT_TROUBLE, rc = parse_diff_options(argc, argv, &fmt, &d.tol);

	if (rc)
		return rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	d.base_name = argv[optind];
	d.cand_name = argv[optind + 1];
	if (diff_run(&d) == 0) {
		diff_render(&b, fmt, &d);
		if (ob_write(&b, stdout)) {
			cli_write_error(errno);
			ret = CLI_EXIT_TROUBLE;
		}
		ret = d.regression ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAR;
	}
	ob_free(&b);
	diff_free(&d);
	return ret;
}
