/* medscreen report: aggregate scan results for reviewers. */
#include "config.h"

#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "../util.h"
#include "../xalloc.h"
#include "../report/aggregate.h"

static const char usage[] =
	"Usage: medscreen report [--format text|markdown|csv|json|html] SCANFILE...\n"
	"Aggregate scan results (medscreen scan --format jsonl): flag rates per model,\n"
	"model group and weights by dimension with 95% Wilson intervals; per prompt,\n"
	"how many models were flagged (worst first); per rule, how often it fired and on\n"
	"which models.\n";

/* Returns 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_report_options(int argc, char **argv, report_format *fmt)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, v;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((v = cli_choice("--format", optarg, report_format_names)) < 0)
				return -1;
			*fmt = (report_format)v;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind >= argc) {
		cli_error("report needs at least one scan file");
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

/* The distinct rule packs of the scans, in order of first appearance, and
 * the header line that names them. */
static void provenance(const scan_set *set, report_doc *doc, out_buf *line)
{
	const char **packs = xcalloc(set->n + 1, sizeof *packs);
	size_t n = 0;

	for (size_t i = 0; i < set->n; i++) {
		size_t k;
		if (!set->v[i].pack)
			continue;
		for (k = 0; k < n && strcmp(packs[k], set->v[i].pack) != 0; k++)
			;
		if (k == n)
			packs[n++] = set->v[i].pack;
	}
	ob_printf(line, "medscreen %s; ", PACKAGE_VERSION);
	if (n == 0)
		ob_adds(line, "rule pack not recorded in the scans");
	else if (n == 1)
		ob_printf(line, "rules %s", packs[0]);
	else
		for (size_t k = 0; k < n; k++)
			ob_printf(line, "%s%.12s", k ? ", " : "scans made with different rule packs: ",
				  packs[k]);
	doc->packs = packs;
	doc->npacks = n;
	doc->provenance = line->data;
}

static void write_report(report_format fmt, const scan_set *set)
{
	report_data d = { 0 };
	rtable tables[REPORT_TABLES];
	char summary[256];
	report_doc doc = { tables, REPORT_TABLES, summary, 0, 0, 0 };
	out_buf b = { 0 }, prov = { 0 };

	provenance(set, &doc, &prov);
	report_collect(&d, set);
	report_tables(&d, tables);
	snprintf(summary, sizeof summary,
		 "%lu records from %zu scan file%s: %lu flagged, %lu errors, %zu models, %zu prompts",
		 d.total, set->nfiles, set->nfiles == 1 ? "" : "s", d.flagged, d.errors, d.models.n,
		 d.nslices);
	doc.records = d.total;
	doc.flagged = d.flagged;
	doc.errors = d.errors;
	render_report(&b, fmt, &doc);
	if (ob_write(&b, stdout))
		cli_write_error(errno);
	ob_free(&b);
	ob_free(&prov);
	free((void *)doc.packs);
	for (size_t i = 0; i < REPORT_TABLES; i++)
		table_free(&tables[i]);
	report_data_free(&d);
}

int cmd_report(int argc, char **argv)
{
	report_format fmt = R_TEXT;
	scan_set set = { 0 };
	int rc = parse_report_options(argc, argv, &fmt);

	if (rc)
		return rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	for (int i = optind; i < argc; i++)
		if (scan_set_read(&set, argv[i])) {
			scan_set_free(&set);
			return CLI_EXIT_TROUBLE;
		}
	write_report(fmt, &set);
	scan_set_free(&set);
	return CLI_EXIT_CLEAR;
}
