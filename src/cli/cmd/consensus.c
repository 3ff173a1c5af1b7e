/* medscreen consensus: two reviews read back, their agreement, and the
 * labels of the two-stage consensus. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "../suggest.h"
#include "../util.h"
#include "../xalloc.h"
#include "../review/consensus.h"

static const char usage[] =
	"Usage: medscreen consensus [OPTION]... REVIEW1.csv REVIEW2.csv\n"
	"Read two filled review workbooks (medscreen review) back, strictly: per dimension\n"
	"the reviewers' percent agreement, Cohen's kappa and Gwet's AC1 with 95% intervals.\n"
	"Stage 1: where both agree, that is the label; the records with a disagreement go\n"
	"to the stage 2 workbook, whose verdicts (--adjudication) complete the labels.\n"
	"\n"
	"  -o, --output FILE       write the labels there, one JSON Lines record per\n"
	"                          record of REVIEW1 (for eval --labels, report, diff, study);\n"
	"                          '-': standard output, and the report to standard error\n"
	"      --stage2 FILE       write the stage 2 workbook (the disagreements) there\n"
	"      --adjudication FILE the stage 2 workbook filled in: its verdicts\n"
	"  -f, --format FORMAT     the agreement report: text or json (default: text)\n"
	"      --bom               start the stage 2 workbook with a UTF-8 byte order mark\n"
	"      --force             replace a stage 2 workbook already there\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit 0 when every record has a label on every dimension, 1 when some remain\n"
	"unresolved (listed on standard error), 2 on error.\n";

typedef struct cs_args {
	const char *output, *stage2, *adjudication;
	int json, bom, force;
} cs_args;

static int parse_consensus(int argc, char **argv, cs_args *a)
{
	enum { O_STAGE2 = 256, O_ADJ, O_BOM, O_FORCE };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "stage2", required_argument, NULL, O_STAGE2 },
		{ "adjudication", required_argument, NULL, O_ADJ },
		{ "format", required_argument, NULL, 'f' },
		{ "bom", no_argument, NULL, O_BOM },
		{ "force", no_argument, NULL, O_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { "text", "json", NULL };
	int c, v;

	while ((c = cli_getopt(argc, argv, "o:f:h", opts, usage)) != -1) {
		switch (c) {
		case 'o': a->output = optarg; break;
		case O_STAGE2: a->stage2 = optarg; break;
		case O_ADJ: a->adjudication = optarg; break;
		case 'f':
			if ((v = cli_choice("--format", optarg, formats)) < 0)
				return -1;
			a->json = v == 1;
			break;
		case O_BOM: a->bom = 1; break;
		case O_FORCE: a->force = 1; break;
		case CLI_OPT_HELP: return 1;
		default: return -1;
		}
	}
	if (argc - optind != 2) {
		cli_error("consensus needs two review workbooks, not %d", argc - optind);
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

static int write_outputs(const consensus *c, const cs_args *a)
{
	out_buf b = { 0 };
	int rc = 0;

	if (a->stage2) {
		cs_write_stage2(c, &b, a->bom);
		rc = wb_save(a->stage2, &b, !a->force);
		b.len = 0;
	}
	if (rc == 0 && a->output) {
		cs_write_labels(c, &b);
		if (strcmp(a->output, "-") == 0) {
			if (ob_write(&b, stdout))
				cli_write_error(errno);
		} else {
			rc = wb_save(a->output, &b, 0);
		}
		b.len = 0;
	}
	if (rc == 0) {
		/* With the labels on standard output, the report goes to stderr. */
		FILE *to = a->output && strcmp(a->output, "-") == 0 ? stderr : stdout;
		if (a->json)
			cs_render_json(c, &b);
		else
			cs_render_text(c, &b);
		if (ob_write(&b, to) && to == stdout)
			cli_write_error(errno);
	}
	ob_free(&b);
	return rc;
}

/* The records still without a label, on stderr (the first 20). */
static void list_unresolved(const consensus *c)
{
	unsigned long shown = 0;

	cli_note("%lu record%s unresolved (no stage 2 verdict where the reviewers disagree)%s",
		 c->unresolved, c->unresolved == 1 ? "" : "s", c->have_adj ? "" : "; --adjudication");
	for (size_t i = 0; i < c->r[0].n && shown < 20; i++) {
		out_buf dims = { 0 };
		for (int d = 0; d < MS_DIM_COUNT; d++)
			if (c->label[i][d] < 0)
				ob_printf(&dims, "%s%s", dims.len ? ", " : "",
					  ms_dimension_name((ms_dimension)d));
		if (dims.len) {
			fprintf(stderr, "  %s (%s row %lu): %s\n", wb_plain(c->r[0].rows[i].id),
				c->r[0].path, c->r[0].rows[i].row, dims.data);
			shown++;
		}
		ob_free(&dims);
	}
	if (c->unresolved > shown)
		fprintf(stderr, "  ... and %lu more\n", c->unresolved - shown);
}

int cmd_consensus(int argc, char **argv)
{
	cs_args a = { 0 };
	consensus c = { 0 };
	int rc = parse_consensus(argc, argv, &a);

	if (rc)
		return rc < 0 ? CLI_EXIT_TROUBLE : CLI_EXIT_CLEAR;
	if (cs_read(&c, argv[optind], argv[optind + 1])) {
		cs_free(&c);
		return CLI_EXIT_TROUBLE;
	}
	cs_stage1(&c);
	if (a.adjudication && cs_stage2(&c, a.adjudication))
		rc = -1;
	if (rc == 0)
		rc = write_outputs(&c, &a);
	if (rc == 0 && c.unresolved)
		list_unresolved(&c);
	cs_free(&c);
	return rc < 0 ? CLI_EXIT_TROUBLE : c.unresolved ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAR;
}
