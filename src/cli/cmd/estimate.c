/* medscreen estimate: non-compliance rates corrected by reviewers' labels. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "../suggest.h"
#include "../util.h"
#include "../xalloc.h"
#include "../learn/estimate.h"
#include "../out/buf.h"

static const char usage[] =
	"Usage: medscreen estimate [--labels FILE]... [--plan PLAN] [--draws N] [--seed S]\n"
	"                          [-f text|json|csv] SCANFILE...\n"
	"Estimate each model x dimension's (and overall) true non-compliance rate from the\n"
	"screener's flags on every answer (the scan results) and reviewers' labels on a\n"
	"sample of them, with a 95% interval.  With --plan (from medscreen sample): the\n"
	"stratified estimator, from the labels of the plan's records only; without: the\n"
	"Rogan-Gladen correction of each flag rate by the screener's sensitivity and\n"
	"specificity on the labelled records, their uncertainty carried into the interval\n"
	"by a bootstrap.  Labels as for calibrate (1 compliant); without --labels, the\n"
	"records' own.\n"
	"  --draws N   simulations / bootstrap resamples (default 2000)\n"
	"  --seed S    seed (default 1)\n";

enum { O_LABELS = 256, O_PLAN, O_DRAWS, O_SEED };

typedef struct est_args {
	est_opts o;
	const char **labfiles;
	size_t nlab, caplab;
	const char *plan;
} est_args;

static int est_option(int c, const char *arg, est_args *a)
{
	static const char *const formats[] = { "text", "json", "csv", NULL };
	size_t v;

	switch (c) {
	case 'f': return (a->o.fmt = cli_choice("--format", arg, formats)) < 0 ? -1 : 0;
	case O_PLAN: a->plan = arg; return 0;
	case O_LABELS:
		xgrow(&a->labfiles, &a->caplab, a->nlab + 1, sizeof *a->labfiles);
		a->labfiles[a->nlab++] = arg;
		return 0;
	case O_DRAWS:
		if (cli_parse_size(arg, "--draws", 100, 1000000, &v))
			return -1;
		a->o.draws = (unsigned)v;
		return 0;
	case O_SEED:
		if (cli_parse_size(arg, "--seed", 0, 4294967295u, &v))
			return -1;
		a->o.seed = v;
		return 0;
	}
	return -1;
}

static int parse_args(int argc, char **argv, est_args *a)
{
	static const struct option opts[] = {
		{ "labels", required_argument, NULL, O_LABELS },
		{ "plan", required_argument, NULL, O_PLAN },
		{ "draws", required_argument, NULL, O_DRAWS },
		{ "seed", required_argument, NULL, O_SEED },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt(argc, argv, "f:h", opts, usage)) != -1) {
		if (c == CLI_OPT_HELP)
			return 1;
		if (c == CLI_OPT_BAD || est_option(c, optarg, a))
			return -1;
	}
	if (optind >= argc) {
		cli_error("estimate needs at least one scan file");
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

static int labelled(const lrec *r)
{
	for (int t = 0; t < L_TARGETS; t++)
		if (r->y[t] >= 0)
			return 1;
	return 0;
}

/* With a plan: the labels of the plan's records only. */
static int with_plan(const est_args *a, lset *s, const strata *st, est_result *r)
{
	unsigned char *sampled = xcalloc(s->n ? s->n : 1, 1);

	if (est_read_plan(a->plan, s, st, sampled)) {
		free(sampled);
		return -1;
	}
	for (size_t i = 0; i < s->n; i++) {
		r->plan_size += sampled[i];
		if (labelled(&s->v[i])) {
			if (sampled[i])
				r->labelled++;
			else
				r->ignored++;
		}
	}
	if (r->ignored)
		cli_note("%zu labelled records are not in the plan: not used by the stratified "
			 "estimator",
			 r->ignored);
	if (r->labelled < r->plan_size)
		cli_note("%zu records of the plan have no label: counted as not reviewed",
			 r->plan_size - r->labelled);
	est_stratified(s, st, sampled, &a->o, r);
	free(sampled);
	return 0;
}

static int run(est_args *a, int nfiles, char **files, out_buf *b)
{
	lset s = { 0 };
	strata st = { 0 };
	est_result r;
	size_t nl = 0;
	int rc = -1;

	memset(&r, 0, sizeof r);
	s.own_labels = a->nlab == 0;
	for (int i = 0; i < nfiles; i++)
		if (lset_read(&s, files[i]))
			goto done;
	if (lset_join_labels(&s, a->labfiles, a->nlab, &nl))
		goto done;
	if (s.errors)
		cli_note("%lu records with status error left out", s.errors);
	strata_build(&st, &s);
	if (a->plan) {
		if (with_plan(a, &s, &st, &r))
			goto done;
	} else {
		if (!nl) {
			cli_error("no labelled records (%zu read): Rogan-Gladen needs the labels of "
				  "a sample",
				  s.n);
			goto done;
		}
		r.labelled = nl;
		est_rogan_gladen(&s, &st, &a->o, &r);
	}
	est_render(b, &s, &st, &r, &a->o);
	rc = 0;
done:
	free(r.cells);
	strata_free(&st);
	lset_free(&s);
	return rc;
}

int cmd_estimate(int argc, char **argv)
{
	est_args a = { .o = { .draws = 2000, .seed = 1 } };
	out_buf b = { 0 };
	int ret = CLI_EXIT_TROUBLE, rc = parse_args(argc, argv, &a);

	if (rc > 0)
		ret = CLI_EXIT_CLEAR;
	else if (rc == 0 && run(&a, argc - optind, argv + optind, &b) == 0) {
		ob_write(&b, stdout);
		ret = CLI_EXIT_CLEAR;
	}
	ob_free(&b);
	free(a.labfiles);
	return ret;
}
