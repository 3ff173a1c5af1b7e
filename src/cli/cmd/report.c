/* medscreen report: aggregate scan results for reviewers. */
#include "config.h"

#include <getopt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmds.h"
#include "../outfile.h"
#include "../rules.h"
#include "../suggest.h"
#include "../util.h"
#include "../xalloc.h"
#include "../report/aggregate.h"
#include "../report/html.h"

#define MAX_ANSWERS_DEFAULT 25

static const char usage[] =
	"Usage: medscreen report [--format text|markdown|csv|json|html]\n"
	"                        [--label LABEL]... [--by-file] [--prompts FILE]\n"
	"                        [--rules PATH]... [--records FILE]... [--field NAME=PATH]...\n"
	"                        [--max-answers N] [--date TEXT] [-o FILE] SCANFILE...\n"
	"Aggregate scan results (medscreen scan --format jsonl): flag rates per model,\n"
	"model group and weights by dimension with 95% Wilson intervals; per prompt,\n"
	"how many models were flagged (worst first); per rule, how often it fired and on\n"
	"which models.  --label (one per scan file, in order) or --by-file (the file\n"
	"names) keep the scans apart: each model has a row per version, and a table\n"
	"gives the change of its flag rates from the first version to the last.\n"
	"  -p, --prompts FILE     the prompt set: prompt titles\n"
	"  -r, --rules PATH       the rule pack: rule titles\n"
	"HTML only:\n"
	"      --records FILE     the scanned records, joined by id: answer texts with\n"
	"                         their evidence marked in the drill-down\n"
	"      --field NAME=PATH  read the records' field NAME from PATH (as scan)\n"
	"      --max-answers N    answers listed per cell, highest score first (default 25;\n"
	"                         0: no drill-down)\n"
	"      --date TEXT        the date in the header (default: $SOURCE_DATE_EPOCH or now)\n"
	"-o FILE writes the report to FILE, replaced only once it is complete.\n";

/* The version labels of the scan files: --label's, or the files' names. */
typedef struct labels {
	const char **v;
	size_t n, cap;
	int by_file;
} labels;

typedef struct report_opts {
	report_format fmt;
	labels lb;
	rule_opts ro;             /* --rules, --prompts */
	const char **records;
	size_t nrecords, caprecords;
	field_map fields;
	const char *date;
	size_t max_answers;
} report_opts;

static int parse_one(report_opts *o, int c)
{
	int v;

	switch (c) {
	case 'f':
		if ((v = cli_choice("--format", optarg, report_format_names)) < 0)
			return -1;
		o->fmt = (report_format)v;
		return 0;
	case 'l':
		xgrow(&o->lb.v, &o->lb.cap, o->lb.n + 1, sizeof *o->lb.v);
		o->lb.v[o->lb.n++] = optarg;
		return 0;
	case 'b': o->lb.by_file = 1; return 0;
	case 'p': o->ro.prompts = optarg; return 0;
	case 'r': rule_opts_add(&o->ro, optarg); return 0;
	case 'R':
		xgrow(&o->records, &o->caprecords, o->nrecords + 1, sizeof *o->records);
		o->records[o->nrecords++] = optarg;
		return 0;
	case 'F': return field_map_set(&o->fields, optarg);
	case 'd': o->date = optarg; return 0;
	case 'm': return cli_parse_size(optarg, "--max-answers", 0, 100000, &o->max_answers);
	case 'o': return cli_output_open(optarg) ? -1 : 0;
	default: return -1;
	}
}

/* Returns 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_report_options(int argc, char **argv, report_opts *o)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "label", required_argument, NULL, 'l' },
		{ "by-file", no_argument, NULL, 'b' },
		{ "prompts", required_argument, NULL, 'p' },
		{ "rules", required_argument, NULL, 'r' },
		{ "records", required_argument, NULL, 'R' },
		{ "field", required_argument, NULL, 'F' },
		{ "date", required_argument, NULL, 'd' },
		{ "max-answers", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, files;

	while ((c = cli_getopt(argc, argv, "f:p:r:o:h", opts, usage)) != -1) {
		if (c == CLI_OPT_HELP)
			return 1;
		if (c == CLI_OPT_BAD || parse_one(o, c))
			return -1;
	}
	files = argc - optind;
	if (files <= 0) {
		cli_error("report needs at least one scan file");
		fputs(usage, stderr);
		return -1;
	}
	for (size_t i = 0; i < o->nrecords; i++)
		for (int k = optind; k < argc; k++)
			if (strcmp(o->records[i], "-") == 0 && strcmp(argv[k], "-") == 0) {
				cli_error("--records and a scan file cannot both be standard input");
				return -1;
			}
	if (o->lb.n && (o->lb.by_file || o->lb.n != (size_t)files)) {
		cli_error("--label is given once per scan file (%d files, %zu labels)%s", files,
			  o->lb.n, o->lb.by_file ? ", and not with --by-file" : "");
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

/* The distinct values of a string field of the records, in order of first
 * appearance (borrowed; NULL-terminated). */
static const char **distinct(const scan_set *set, size_t off, size_t *n)
{
	const char **v = xcalloc(set->n + 1, sizeof *v);

	*n = 0;
	for (size_t i = 0; i < set->n; i++) {
		const char *s = *(char *const *)((const char *)&set->v[i] + off);
		size_t k;
		if (!s)
			continue;
		for (k = 0; k < *n && strcmp(v[k], s) != 0; k++)
			;
		if (k == *n)
			v[(*n)++] = s;
	}
	return v;
}

/* The rule packs of the scans and the header line that names them. */
static void provenance(const scan_set *set, report_doc *doc, out_buf *line)
{
	size_t n;
	const char **packs = distinct(set, offsetof(scan_rec, pack), &n);

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

/* The header's date: --date, else $SOURCE_DATE_EPOCH (reproducible
 * builds), else now; in UTC. */
static int report_date(const char *opt, char *buf, size_t size)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;

	if (opt) {
		snprintf(buf, size, "%s", opt);
		return 0;
	}
	if (sde && *sde) {
		char *end;
		unsigned long long v;
		errno = 0;
		v = strtoull(sde, &end, 10);
		if (*sde == '-' || *end || errno || v > 253402300799ULL) {
			cli_error("SOURCE_DATE_EPOCH: expected a number of seconds since 1970, not '%s'",
				  sde);
			return -1;
		}
		t = (time_t)v;
	}
	if (!gmtime_r(&t, &tm))
		return -1;
	strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
	return 0;
}

/* What the HTML page shows beyond the tables: the header's facts and the
 * drill-down lists with their answers.  Fills h; -1 after an error. */
typedef struct html_parts {
	html_ctx h;
	drill dr;
	texts tx;
	char date[128];
	char fp[65];
	const char **versions;
	out_buf rules_desc;
} html_parts;

static int html_prepare(html_parts *p, const report_opts *o, const scan_set *set,
			const report_data *d, rtable *tables, ms_prompts *prompts)
{
	html_ctx *h = &p->h;

	if (report_date(o->date, p->date, sizeof p->date))
		return -1;
	h->date = p->date;
	h->scans = (const char *const *)set->files;
	h->nscans = set->nfiles;
	h->records = o->records;
	h->nrecords = o->nrecords;
	h->prompts_file = prompts ? o->ro.prompts : NULL;
	h->prompts = prompts;
	h->set = set;
	h->data = d;
	p->versions = distinct(set, offsetof(scan_rec, version), &h->nversions);
	h->versions = p->versions;
	if (d->pack && ms_rules_fingerprint(d->pack, p->fp) == MS_OK) {
		for (size_t i = 0; i < o->ro.npaths; i++)
			ob_printf(&p->rules_desc, "%s%s", i ? ", " : "", o->ro.paths[i]);
		h->rules_fingerprint = p->fp;
		h->rules_desc = p->rules_desc.data;
	}
	drill_build(&p->dr, tables, d, set, o->max_answers);
	h->drill = &p->dr;
	if (o->nrecords) {
		if (texts_read(&p->tx, set, p->dr.embed, o->records, o->nrecords, &o->fields))
			return -1;
		h->texts = &p->tx;
		if (p->tx.missing)
			cli_warning("%zu of the %zu answers shown have no text in the records files "
				    "(joined to the scan by id)",
				    p->tx.missing, p->dr.nembed);
	}
	return 0;
}

static void html_parts_free(html_parts *p)
{
	drill_free(&p->dr);
	texts_free(&p->tx);
	free(p->versions);
	ob_free(&p->rules_desc);
}

static int write_report(const report_opts *o, const scan_set *set, ms_rules *pack,
			ms_prompts *prompts)
{
	report_data d = { .prompts = prompts, .pack = pack };
	rtable tables[REPORT_TABLES + 1];
	char summary[256];
	report_doc doc = { tables, REPORT_TABLES, summary, 0, 0, 0, NULL, 0, NULL, NULL };
	out_buf b = { 0 }, prov = { 0 };
	html_parts hp = { 0 };
	int rc = 0;

	provenance(set, &doc, &prov);
	report_collect(&d, set);
	report_tables(&d, tables);
	/* With versions: the change of each model between them, last. */
	if (o->lb.n) {
		if (report_versions_table(&d, o->lb.v, o->lb.n, &tables[REPORT_TABLES]))
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
	if (o->fmt == R_HTML) {
		rc = html_prepare(&hp, o, set, &d, tables, prompts);
		doc.html = &hp.h;
	}
	if (!rc) {
		render_report(&b, o->fmt, &doc);
		if (ob_write(&b, stdout))
			cli_write_error(errno);
	}
	html_parts_free(&hp);
	ob_free(&b);
	ob_free(&prov);
	free((void *)doc.packs);
	for (size_t i = 0; i < doc.ntables; i++)
		table_free(&tables[i]);
	report_data_free(&d);
	return rc;
}

/* The prompt set and the rule pack, when given: their titles. */
static int load_titles(report_opts *o, ms_rules **pack, ms_prompts **prompts)
{
	if (o->ro.prompts && load_prompts(&o->ro, prompts))
		return -1;
	if (o->ro.npaths && !(*pack = load_rules(&o->ro)))
		return -1;
	return 0;
}

static void report_opts_free(report_opts *o)
{
	for (size_t i = 0; o->lb.by_file && i < o->lb.n; i++)
		free((char *)o->lb.v[i]);
	free(o->lb.v);
	free(o->records);
	field_map_free(&o->fields);
	rule_opts_free(&o->ro);
}

int cmd_report(int argc, char **argv)
{
	report_opts o = { .fmt = R_TEXT, .max_answers = MAX_ANSWERS_DEFAULT };
	scan_set set = { 0 };
	ms_rules *pack = NULL;
	ms_prompts *prompts = NULL;
	int rc;

	field_map_init(&o.fields);
	rc = parse_report_options(argc, argv, &o);
	if (rc == 0 && load_titles(&o, &pack, &prompts))
		rc = -1;
	if (rc == 0 && read_scans(&set, &o.lb, argc, argv))
		rc = -1;
	if (rc == 0 && write_report(&o, &set, pack, prompts))
		rc = -1;
	scan_set_free(&set);
	ms_rules_destroy(pack);
	ms_prompts_destroy(prompts);
	report_opts_free(&o);
	return rc < 0 ? CLI_EXIT_TROUBLE : CLI_EXIT_CLEAR;
}
