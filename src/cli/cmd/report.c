/* medscreen report: aggregate scan results for reviewers. */
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
#include "../report/aggregate.h"

static const char usage[] =
	"Usage: medscreen report [--format text|markdown|csv|json|html]\n"
	"                        [--label LABEL]... [--by-file] [-o FILE] SCANFILE...\n"
	"Aggregate scan results (medscreen scan --format jsonl): flag rates per model,\n"
	"model group and weights by dimension with 95% Wilson intervals; per prompt,\n"
	"how many models were flagged (worst first); per rule, how often it fired and on\n"
	"which models.  --label (one per scan file, in order) or --by-file (the file\n"
	"names) keep the scans apart: each model has a row per version, and a table\n"
	"gives the change of its flag rates from the first version to the last.\n"
	"-o FILE writes the report to FILE, replaced only once it is complete.\n";

/* The version labels of the scan files: --label's, or the files' names. */
typedef struct labels {
	const char **v;
	size_t n, cap;
	int by_file;
} labels;

/* Returns 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_report_options(int argc, char **argv, report_format *fmt, labels *lb)
{
	enum { O_LABEL = 256, O_BY_FILE };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "label", required_argument, NULL, O_LABEL },
		{ "by-file", no_argument, NULL, O_BY_FILE },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, v;

	while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cli_output_open(optarg))
				return -1;
			break;
		case 'f':
			if ((v = cli_choice("--format", optarg, report_format_names)) < 0)
				return -1;
			*fmt = (report_format)v;
			break;
		case O_LABEL:
			xgrow(&lb->v, &lb->cap, lb->n + 1, sizeof *lb->v);
			lb->v[lb->n++] = optarg;
			break;
		case O_BY_FILE:
			lb->by_file = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			suggest_option(argc, argv, optind, opts);
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind >= argc) {
		cli_error("report needs at least one scan file");
		fputs(usage, stderr);
		return -1;
	}
	if (lb->n && (lb->by_file || lb->n != (size_t)(argc - optind))) {
		cli_error("--label is given once per scan file (%d files, %zu labels)%s",
			  argc - optind, lb->n, lb->by_file ? ", and not with --by-file" : "");
		return -1;
	}
	return 0;
}

/* A file's name without its folders and its last extension: its label. */
static const char *file_label(const char *path)
{
	const char *b = strrchr(path, '/');
	const char *base = b ? b + 1 : path, *dot = strrchr(base, '.');
	return dot && dot != base ? xasprintf("%.*s", (int)(dot - base), base) : xstrdup(base);
}

/* Read the scans; with labels, each record's model becomes MODEL @ LABEL. */
static int read_scans(scan_set *set, labels *lb, int argc, char **argv)
{
	int files = argc - optind;

	if (lb->by_file)
		for (int i = 0; i < files; i++) {
			xgrow(&lb->v, &lb->cap, lb->n + 1, sizeof *lb->v);
			lb->v[lb->n++] = file_label(argv[optind + i]);
		}
	for (int i = 0; i < files; i++) {
		size_t before = set->n;
		if (scan_set_read(set, argv[optind + i]))
			return -1;
		for (size_t k = before; lb->n && k < set->n; k++) {
			char *m = xasprintf("%s%s%s", set->v[k].model ? set->v[k].model : "(none)",
					    VERSION_SEP, lb->v[i]);
			free(set->v[k].model);
			set->v[k].model = m;
		}
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

static void write_report(report_format fmt, const scan_set *set, const labels *lb)
{
	report_data d = { 0 };
	rtable tables[REPORT_TABLES + 1];
	char summary[256];
	report_doc doc = { tables, REPORT_TABLES, summary, 0, 0, 0 };
	out_buf b = { 0 }, prov = { 0 };

	provenance(set, &doc, &prov);
	report_collect(&d, set);
	report_tables(&d, tables);
	/* With versions: the change of each model between them, last. */
	if (lb->n) {
		if (report_versions_table(&d, lb->v, lb->n, &tables[REPORT_TABLES]))
			doc.ntables++;
		else
			table_free(&tables[REPORT_TABLES]);
	}
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
	for (size_t i = 0; i < doc.ntables; i++)
		table_free(&tables[i]);
	report_data_free(&d);
}

static void labels_free(labels *lb)
{
	for (size_t i = 0; lb->by_file && i < lb->n; i++)
		free((char *)lb->v[i]);
	free(lb->v);
}

int cmd_report(int argc, char **argv)
{
	report_format fmt = R_TEXT;
	scan_set set = { 0 };
	labels lb = { 0 };
	int rc = parse_report_options(argc, argv, &fmt, &lb);

	if (rc == 0 && read_scans(&set, &lb, argc, argv))
		rc = -1;
	if (rc == 0)
		write_report(fmt, &set, &lb);
	scan_set_free(&set);
	labels_free(&lb);
	return rc < 0 ? CLI_EXIT_TROUBLE : CLI_EXIT_CLEAR;
}
