/* medscreen sample: which answers to review. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "../suggest.h"
#include "../util.h"
#include "../xalloc.h"
#include "../learn/sample.h"
#include "../out/buf.h"

static const char usage[] =
	"Usage: medscreen sample (--budget N | --fraction F | --target-halfwidth H)\n"
	"                        [--seed S] [-o PLAN] [-f text|json|csv] SCANFILE...\n"
	"Plan which answers to review: a stratified random sample of the scan results by\n"
	"model x status (clear, flagged) x score band (flagged with score below 10 or not),\n"
	"drawn with a seed.  With a budget (N reviews, or the fraction F of the records),\n"
	"each review goes to the model whose rates have the widest expected interval;\n"
	"with a target, each model gets reviews until the expected 95% half-width of its\n"
	"rates is at most H (worst case p = 1/2).  The plan (JSON Lines, one line per\n"
	"chosen record: id, model, stratum, stratum_size, stratum_sample, seed) goes to\n"
	"PLAN, or to standard output; the summary with the expected half-widths goes to\n"
	"standard output with -o, to standard error without.  medscreen estimate --plan\n"
	"PLAN uses it; medscreen review --ids PLAN makes the workbooks.\n";

enum { O_BUDGET = 256, O_FRACTION, O_TARGET, O_SEED };

typedef struct smp_args {
	sample_opts o;
	double fraction, target;
	int have;              /* how many of budget, fraction, target */
	unsigned long seed;
	const char *out;
	int fmt;               /* 0 text, 1 json, 2 csv */
} smp_args;

static int smp_option(int c, const char *arg, smp_args *a)
{
	static const char *const formats[] = { "text", "json", "csv", NULL };
	size_t v;

	switch (c) {
	case 'f': return (a->fmt = cli_choice("--format", arg, formats)) < 0 ? -1 : 0;
	case 'o': a->out = arg; return 0;
	case O_BUDGET: a->have++; return cli_parse_size(arg, "--budget", 1, (size_t)1 << 40,
							&a->o.budget);
	case O_FRACTION:
		a->have++;
		return cli_parse_real(arg, "--fraction", 1e-9, 1, "a number above 0, at most 1",
				      &a->fraction);
	case O_TARGET:
		a->have++;
		return cli_parse_real(arg, "--target-halfwidth", 1e-6, 1,
				      "a number above 0, at most 1", &a->o.halfwidth);
	case O_SEED:
		if (cli_parse_size(arg, "--seed", 0, 4294967295u, &v))
			return -1;
		a->seed = v;
		return 0;
	}
	return -1;
}

static int parse_args(int argc, char **argv, smp_args *a)
{
	static const struct option opts[] = {
		{ "budget", required_argument, NULL, O_BUDGET },
		{ "fraction", required_argument, NULL, O_FRACTION },
		{ "target-halfwidth", required_argument, NULL, O_TARGET },
		{ "seed", required_argument, NULL, O_SEED },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt(argc, argv, "o:f:h", opts, usage)) != -1) {
		if (c == CLI_OPT_HELP)
			return 1;
		if (c == CLI_OPT_BAD || smp_option(c, optarg, a))
			return -1;
	}
	if (a->have != 1) {
		cli_error("sample needs one of --budget, --fraction and --target-halfwidth");
		fputs(usage, stderr);
		return -1;
	}
	if (optind >= argc) {
		cli_error("sample needs at least one scan file");
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

static void summary(out_buf *b, const smp_args *a, const lset *s, const strata *st,
		    size_t used)
{
	rtable tb[2];
	report_doc d = { 0 };
	char *sum = xasprintf("%zu records in %zu strata of %zu models; %zu to review (seed %lu)",
			      s->n, st->n, st->nmodels, used, a->seed);
	char *prov = xasprintf("medscreen %s, rules %.12s", ms_version(), s->fingerprint);
	const char *fp = s->fingerprint;

	sample_tables(st, &tb[0], &tb[1]);
	d.tables = tb;
	d.ntables = 2;
	d.summary = sum;
	d.provenance = prov;
	d.records = s->n;
	d.packs = &fp;
	d.npacks = s->fingerprint[0] != 0;
	render_report(b, a->fmt == 1 ? R_JSON : a->fmt == 2 ? R_CSV : R_TEXT, &d);
	table_free(&tb[0]);
	table_free(&tb[1]);
	free(sum);
	free(prov);
}

static int write_file(const char *path, const out_buf *b)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		cli_error("%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	if (ob_write(b, f) || fclose(f) != 0) {
		cli_error("%s: cannot write", path);
		return -1;
	}
	return 0;
}

static int run(smp_args *a, int nfiles, char **files)
{
	lset s = { 0 };
	strata st = { 0 };
	out_buf plan = { 0 }, sum = { 0 };
	unsigned char *chosen = NULL;
	size_t used;
	int rc = -1;

	for (int i = 0; i < nfiles; i++)
		if (lset_read(&s, files[i]))
			goto done;
	if (s.errors)
		cli_note("%lu records with status error left out", s.errors);
	strata_build(&st, &s);
	if (a->fraction > 0)
		a->o.budget = (size_t)ceil(a->fraction * (double)s.n - 1e-9);
	used = sample_allocate(&st, &a->o);
	chosen = sample_draw(&st, s.n, a->seed);
	sample_write_plan(&plan, &s, &st, chosen, a->seed);
	summary(&sum, a, &s, &st, used);
	if (a->out) {
		if (write_file(a->out, &plan))
			goto done;
		ob_write(&sum, stdout);
	} else {
		ob_write(&plan, stdout);
		fflush(stdout);
		ob_write(&sum, stderr);
	}
	rc = 0;
done:
	free(chosen);
	ob_free(&plan);
	ob_free(&sum);
	strata_free(&st);
	lset_free(&s);
	return rc;
}

int cmd_sample(int argc, char **argv)
{
	smp_args a = { .seed = 1 };
	int rc = parse_args(argc, argv, &a);

	if (rc)
		return rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	return run(&a, argc - optind, argv + optind) ? CLI_EXIT_TROUBLE : CLI_EXIT_CLEAR;
}
