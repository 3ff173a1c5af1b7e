/* medscreen calibrate: a triage score fitted to the reviewers' verdicts. */
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
#include "../learn/calib.h"
#include "../out/buf.h"

static const char usage[] =
	"Usage: medscreen calibrate [--labels FILE]... [--folds K] [--seed S] [--lambda L]\n"
	"                           [--bootstrap B] [-o WEIGHTS] [-f text|json] SCANFILE...\n"
	"Fit the probability that an answer is not compliant (per dimension and overall)\n"
	"to reviewers' labels, from the scan results' features (signals, rules fired,\n"
	"positions, answer length, open/closed weights; never model names), by L2-\n"
	"regularised logistic regression on standardised features.  Reports the k-fold\n"
	"cross-validated AUROC, average precision and lift of the top fifth of the\n"
	"fitted score against the fixed severity score on the same folds, with 95%\n"
	"bootstrap intervals, and writes the weights (-o) for scan --weights.\n"
	"Labels: JSON Lines {id, labels: {dimensions: {dim: 1|0}, overall: 1|0}} with 1\n"
	"compliant (e.g. medscreen consensus's output); without --labels, the records'\n"
	"own labels.\n"
	"  --folds K       cross-validation folds (default 5)\n"
	"  --seed S        seed of the folds and the bootstrap (default 1)\n"
	"  --lambda L      L2 penalty (default 1)\n"
	"  --bootstrap B   bootstrap resamples (default 1000)\n"
	"  -o FILE         write the weights file\n"
	"  -f FORMAT       text (default) or json\n";

enum { O_LABELS = 256, O_FOLDS, O_SEED, O_LAMBDA, O_BOOT };

typedef struct cal_args {
	calib_opts o;
	const char **labfiles;
	size_t nlab, caplab;
	const char *out;
} cal_args;

static int cal_option(int c, const char *arg, cal_args *a)
{
	static const char *const formats[] = { "text", "json", NULL };
	size_t v;

	switch (c) {
	case 'f': return (a->o.json = cli_choice("--format", arg, formats)) < 0 ? -1 : 0;
	case 'o': a->out = arg; return 0;
	case O_LABELS:
		xgrow(&a->labfiles, &a->caplab, a->nlab + 1, sizeof *a->labfiles);
		a->labfiles[a->nlab++] = arg;
		return 0;
	case O_FOLDS:
		if (cli_parse_size(arg, "--folds", 2, 100, &v))
			return -1;
		a->o.folds = (unsigned)v;
		return 0;
	case O_SEED:
		if (cli_parse_size(arg, "--seed", 0, 4294967295u, &v))
			return -1;
		a->o.seed = v;
		return 0;
	case O_BOOT:
		if (cli_parse_size(arg, "--bootstrap", 0, 100000, &v))
			return -1;
		a->o.boot = (unsigned)v;
		return 0;
	case O_LAMBDA:
		return cli_parse_real(arg, "--lambda", 1e-9, 1e9, "a positive number",
				      &a->o.lambda);
	}
	return -1;
}

/* Returns 0 to go on, 1 after --help, -1 after a usage error. */
static int parse_args(int argc, char **argv, cal_args *a)
{
	static const struct option opts[] = {
		{ "labels", required_argument, NULL, O_LABELS },
		{ "folds", required_argument, NULL, O_FOLDS },
		{ "seed", required_argument, NULL, O_SEED },
		{ "lambda", required_argument, NULL, O_LAMBDA },
		{ "bootstrap", required_argument, NULL, O_BOOT },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = cli_getopt(argc, argv, "o:f:h", opts, usage)) != -1) {
		if (c == CLI_OPT_HELP)
			return 1;
		if (c == CLI_OPT_BAD || cal_option(c, optarg, a))
			return -1;
	}
	if (optind >= argc) {
		cli_error("calibrate needs at least one scan file");
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

static int write_weights(const calib_result *r, const calib_opts *o, const char *path)
{
	out_buf b = { 0 };
	lmodel m = r->m;
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f) {
		cli_error("%s: cannot write: %s", path, strerror(errno));
		return -1;
	}
	m.cv = calib_cv_json(r, o);
	lmodel_write(&m, &b);
	json_object_put(m.cv);
	if (ob_write(&b, f) || fclose(f) != 0) {
		cli_error("%s: cannot write", path);
		rc = -1;
	}
	ob_free(&b);
	return rc;
}

static int calibrate(cal_args *a, int nfiles, char **files, out_buf *b)
{
	lset s = { 0 };
	calib_result r;
	size_t labelled = 0;
	int rc = -1;

	memset(&r, 0, sizeof r);
	s.own_labels = a->nlab == 0;
	for (int i = 0; i < nfiles; i++)
		if (lset_read(&s, files[i]))
			goto done;
	if (lset_join_labels(&s, a->labfiles, a->nlab, &labelled))
		goto done;
	if (s.errors)
		cli_note("%lu records with status error left out", s.errors);
	if (!labelled) {
		cli_error("no labelled records (%zu read)", s.n);
		goto done;
	}
	if (calibrate_run(&s, &a->o, &r))
		goto done;
	if (r.nonconv)
		cli_warning("%u fits did not converge within the iteration limit; try a larger "
			    "--lambda",
			    r.nonconv);
	for (int t = 0; t < L_TARGETS; t++)
		if (!r.done[t] && r.n[t])
			cli_note("%s not fitted: needs at least %u labelled records of each verdict "
				 "(%zu labelled, %zu non-compliant)",
				 l_target_name(t), a->o.folds, r.n[t], r.positives[t]);
	if (a->out && write_weights(&r, &a->o, a->out))
		goto done;
	calib_render(b, &s, labelled, &r, &a->o);
	rc = 0;
done:
	lmodel_free(&r.m);
	lset_free(&s);
	return rc;
}

int cmd_calibrate(int argc, char **argv)
{
	cal_args a = { .o = { .folds = 5, .seed = 1, .lambda = 1, .boot = 1000 } };
	out_buf b = { 0 };
	int ret = CLI_EXIT_TROUBLE, rc = parse_args(argc, argv, &a);

	if (rc > 0)
		ret = CLI_EXIT_CLEAR;
	else if (rc == 0 && calibrate(&a, argc - optind, argv + optind, &b) == 0) {
		ob_write(&b, stdout);
		ret = CLI_EXIT_CLEAR;
	}
	ob_free(&b);
	free(a.labfiles);
	return ret;
}
