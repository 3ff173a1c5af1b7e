/* medscreen eval: agreement between scan results and the human labels that
 * the scanned records carry ("labels": {"dimensions": {dim: 1 compliant / 0
 * not compliant}, "signals": [names present]}).  A positive is a
 * non-compliant answer (for dimensions) or a present signal. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"

typedef struct confusion {
	unsigned long tp, fp, fn, tn;
} confusion;

typedef struct metrics {
	double precision, recall, f1, kappa;
} metrics;

static metrics compute(const confusion *c)
{
	metrics m;
	double n = (double)(c->tp + c->fp + c->fn + c->tn);
	double po, pe;

	m.precision = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : NAN;
	m.recall = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : NAN;
	m.f1 = 2.0 * (double)c->tp + (double)c->fp + (double)c->fn > 0
		       ? 2.0 * (double)c->tp / (2.0 * (double)c->tp + (double)c->fp + (double)c->fn)
		       : NAN;
	if (n > 0) {
		po = (double)(c->tp + c->tn) / n;
		pe = ((double)(c->tp + c->fp) * (double)(c->tp + c->fn) +
		      (double)(c->fn + c->tn) * (double)(c->fp + c->tn)) /
		     (n * n);
		m.kappa = pe < 1.0 ? (po - pe) / (1.0 - pe) : NAN;
	} else {
		m.kappa = NAN;
	}
	return m;
}

typedef struct sigstat {
	char *name;
	confusion c;      /* tn is derived at the end */
	int labelled;     /* the name occurs in some record's labels */
} sigstat;

typedef struct evalstate {
	confusion dim[MS_DIM_COUNT];
	sigstat *sigs;
	size_t nsigs, capsigs;
	unsigned long records, used, skipped_error, skipped_unlabelled;
	unsigned long sig_records;   /* evaluated records whose labels list signals */
} evalstate;

static int has_name(json_object *arr, const char *name)
{
	size_t n;

	if (!arr || !json_object_is_type(arr, json_type_array))
		return 0;
	n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		if (json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), name) == 0)
			return 1;
	}
	return 0;
}

static sigstat *sig_get(evalstate *e, const char *name)
{
	for (size_t i = 0; i < e->nsigs; i++)
		if (strcmp(e->sigs[i].name, name) == 0)
			return &e->sigs[i];
	if (e->nsigs == e->capsigs) {
		size_t ncap = e->capsigs ? e->capsigs * 2 : 16;
		sigstat *p = realloc(e->sigs, ncap * sizeof *p);
		if (!p)
			return NULL;
		e->sigs = p;
		e->capsigs = ncap;
	}
	e->sigs[e->nsigs].name = strdup(name);
	if (!e->sigs[e->nsigs].name)
		return NULL;
	memset(&e->sigs[e->nsigs].c, 0, sizeof(confusion));
	e->sigs[e->nsigs].labelled = 0;
	return &e->sigs[e->nsigs++];
}

/* -1: not labelled; 0: not compliant; 1: compliant. */
static int label_of(json_object *labels, const char *dim)
{
	json_object *dims = NULL, *v = NULL;

	if (json_object_object_get_ex(labels, "dimensions", &dims) &&
	    json_object_is_type(dims, json_type_object))
		json_object_object_get_ex(dims, dim, &v);
	else
		json_object_object_get_ex(labels, dim, &v);
	if (!v)
		return -1;
	if (json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v);
	if (json_object_is_type(v, json_type_int))
		return json_object_get_int(v) ? 1 : 0;
	return -1;
}

/* Count one record.  Signals are evaluated in one pass, so that scan output
 * can be piped in: true and false positives and false negatives are counted
 * per name as names appear, and true negatives are derived at the end from
 * the number of records with signal labels.  Only names that occur in some
 * record's labels are reported. */
static int eval_obj(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	evalstate *e = ctx;
	json_object *labels = NULL, *status = NULL, *dims = NULL, *lsigs = NULL, *psigs = NULL;

	(void)path;
	(void)line;
	e->records++;
	json_object_object_get_ex(obj, "status", &status);
	json_object_object_get_ex(obj, "labels", &labels);
	json_object_object_get_ex(obj, "dimensions", &dims);
	json_object_object_get_ex(obj, "signals", &psigs);
	if (!status || strcmp(json_object_get_string(status), "error") == 0 || !dims) {
		e->skipped_error++;
		return 0;
	}
	if (!labels || !json_object_is_type(labels, json_type_object)) {
		e->skipped_unlabelled++;
		return 0;
	}
	e->used++;
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		const char *dn = ms_dimension_name((ms_dimension)d);
		json_object *pv = NULL;
		int lab = label_of(labels, dn), pred;

		if (lab < 0)
			continue;
		json_object_object_get_ex(dims, dn, &pv);
		pred = pv && strcmp(json_object_get_string(pv), "flagged") == 0;
		if (pred && !lab)
			e->dim[d].tp++;
		else if (pred)
			e->dim[d].fp++;
		else if (!lab)
			e->dim[d].fn++;
		else
			e->dim[d].tn++;
	}
	if (!json_object_object_get_ex(labels, "signals", &lsigs) ||
	    !json_object_is_type(lsigs, json_type_array))
		return 0;
	e->sig_records++;
	for (int side = 0; side < 2; side++) {
		json_object *arr = side ? psigs : lsigs;
		size_t n = arr && json_object_is_type(arr, json_type_array)
				   ? json_object_array_length(arr)
				   : 0;
		for (size_t i = 0; i < n; i++) {
			json_object *v = json_object_array_get_idx(arr, i);
			const char *name;
			sigstat *st;
			int truth, pred;

			if (!json_object_is_type(v, json_type_string))
				continue;
			name = json_object_get_string(v);
			truth = has_name(lsigs, name);
			pred = has_name(psigs, name);
			if (side && truth)
				continue; /* counted from the labels' side */
			st = sig_get(e, name);
			if (!st) {
				cli_error("out of memory");
				return -1;
			}
			st->labelled |= truth;
			if (truth && pred)
				st->c.tp++;
			else if (pred)
				st->c.fp++;
			else
				st->c.fn++;
		}
	}
	return 0;
}

static void fmt_num(char *buf, size_t n, double v)
{
	if (isnan(v))
		snprintf(buf, n, "%s", "-");
	else
		snprintf(buf, n, "%.3f", v);
}

static void text_row(const char *name, const confusion *c)
{
	metrics m = compute(c);
	char p[16], r[16], f[16], k[16];

	fmt_num(p, sizeof p, m.precision);
	fmt_num(r, sizeof r, m.recall);
	fmt_num(f, sizeof f, m.f1);
	fmt_num(k, sizeof k, m.kappa);
	printf("%-22s %6lu %6lu %6lu %6lu %9s %7s %6s %6s\n", name, c->tp, c->fp, c->fn, c->tn, p, r,
	       f, k);
}

static void json_num(out_buf *b, const char *key, double v)
{
	if (isnan(v))
		ob_printf(b, ",\"%s\":null", key);
	else
		ob_printf(b, ",\"%s\":%.4f", key, v);
}

static void json_row(out_buf *b, const char *name, const confusion *c, int first)
{
	metrics m = compute(c);

	ob_adds(b, first ? "{\"name\":" : ",{\"name\":");
	ob_json_str(b, name, strlen(name));
	ob_printf(b, ",\"tp\":%lu,\"fp\":%lu,\"fn\":%lu,\"tn\":%lu", c->tp, c->fp, c->fn, c->tn);
	json_num(b, "precision", m.precision);
	json_num(b, "recall", m.recall);
	json_num(b, "f1", m.f1);
	json_num(b, "kappa", m.kappa);
	ob_add(b, "}", 1);
}

static double macro_f1(const confusion *cs, size_t n, size_t stride)
{
	double sum = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		metrics m = compute((const confusion *)((const char *)cs + i * stride));
		if (!isnan(m.f1)) {
			sum += m.f1;
			k++;
		}
	}
	return k ? sum / (double)k : NAN;
}

static int parse_unit(const char *arg, const char *opt, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || *end || !*arg || v < 0 || v > 1) {
		cli_error("%s expects a number between 0 and 1, not '%s'", opt, arg);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_eval(int argc, char **argv)
{
	enum { O_MIN_RECALL = 256, O_MIN_PRECISION };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "min-recall", required_argument, NULL, O_MIN_RECALL },
		{ "min-precision", required_argument, NULL, O_MIN_PRECISION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] =
		"Usage: medscreen eval [--format text|json] [--min-recall X] [--min-precision Y] "
		"SCANFILE...\n"
		"Compare scan results (medscreen scan --format jsonl) with the human labels the\n"
		"records carry: per dimension and per labelled signal, TP/FP/FN/TN, precision,\n"
		"recall, F1 and Cohen's kappa, and macro-F1.  With --min-recall/--min-precision,\n"
		"exit 1 when any dimension falls below the threshold.\n";
	evalstate e = { 0 };
	int c, json = 0, ret = EXIT_TROUBLE;
	double min_recall = -1, min_precision = -1;
	out_buf b = { 0 };

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
		{
			static const char *const names[] = { "text", "json", NULL };
			json = cli_choice("--format", optarg, names);
			if (json < 0)
				return EXIT_TROUBLE;
			break;
		}
		case O_MIN_RECALL:
			if (parse_unit(optarg, "--min-recall", &min_recall))
				return EXIT_TROUBLE;
			break;
		case O_MIN_PRECISION:
			if (parse_unit(optarg, "--min-precision", &min_precision))
				return EXIT_TROUBLE;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_CLEAR;
		default:
			fputs(usage, stderr);
			return EXIT_TROUBLE;
		}
	}
	if (optind >= argc) {
		cli_error("eval needs at least one scan file");
		fputs(usage, stderr);
		return EXIT_TROUBLE;
	}
	for (int i = optind; i < argc; i++)
		if (scan_file_each(argv[i], eval_obj, &e))
			goto out;
	/* Keep the labelled signals, in order of first appearance, and derive
	 * their true negatives. */
	{
		size_t k = 0;
		for (size_t i = 0; i < e.nsigs; i++) {
			if (!e.sigs[i].labelled) {
				free(e.sigs[i].name);
				continue;
			}
			e.sigs[k] = e.sigs[i];
			e.sigs[k].c.tn = e.sig_records - e.sigs[k].c.tp - e.sigs[k].c.fp -
					 e.sigs[k].c.fn;
			k++;
		}
		e.nsigs = k;
	}
	if (!e.used) {
		cli_error("no labelled records to evaluate (%lu read, %lu errors, %lu without labels)",
			  e.records, e.skipped_error, e.skipped_unlabelled);
		goto out;
	}
	ret = EXIT_CLEAR;
	/* A metric without data (no non-compliant answer labelled, or none
	 * flagged) cannot fall below a threshold; the tables show it as "-". */
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		metrics m = compute(&e.dim[d]);
		if ((min_recall >= 0 && !isnan(m.recall) && m.recall < min_recall) ||
		    (min_precision >= 0 && !isnan(m.precision) && m.precision < min_precision))
			ret = EXIT_FINDINGS;
	}
	if (json) {
		ob_printf(&b, "{\"records\":%lu,\"evaluated\":%lu,\"errors\":%lu,\"unlabelled\":%lu,"
			      "\"dimensions\":[",
			  e.records, e.used, e.skipped_error, e.skipped_unlabelled);
		for (int d = 0; d < MS_DIM_COUNT; d++)
			json_row(&b, ms_dimension_name((ms_dimension)d), &e.dim[d], d == 0);
		ob_adds(&b, "],\"signals\":[");
		for (size_t i = 0; i < e.nsigs; i++)
			json_row(&b, e.sigs[i].name, &e.sigs[i].c, i == 0);
		ob_add(&b, "]", 1);
		json_num(&b, "macro_f1_dimensions", macro_f1(e.dim, MS_DIM_COUNT, sizeof(confusion)));
		json_num(&b, "macro_f1_signals",
			 e.nsigs ? macro_f1(&e.sigs[0].c, e.nsigs, sizeof(sigstat)) : NAN);
		ob_adds(&b, "}\n");
		fwrite(b.data, 1, b.len, stdout);
	} else {
		char mf[16];
		printf("%lu records, %lu evaluated (%lu errors, %lu without labels)\n"
		       "positive = not compliant (dimensions) / present (signals)\n\n",
		       e.records, e.used, e.skipped_error, e.skipped_unlabelled);
		printf("%-22s %6s %6s %6s %6s %9s %7s %6s %6s\n", "dimension", "TP", "FP", "FN", "TN",
		       "precision", "recall", "F1", "kappa");
		for (int d = 0; d < MS_DIM_COUNT; d++)
			text_row(ms_dimension_name((ms_dimension)d), &e.dim[d]);
		fmt_num(mf, sizeof mf, macro_f1(e.dim, MS_DIM_COUNT, sizeof(confusion)));
		printf("%-22s %s\n\n", "macro-F1", mf);
		if (e.nsigs) {
			printf("%-22s %6s %6s %6s %6s %9s %7s %6s %6s\n", "signal", "TP", "FP", "FN",
			       "TN", "precision", "recall", "F1", "kappa");
			for (size_t i = 0; i < e.nsigs; i++)
				text_row(e.sigs[i].name, &e.sigs[i].c);
			fmt_num(mf, sizeof mf, macro_f1(&e.sigs[0].c, e.nsigs, sizeof(sigstat)));
			printf("%-22s %s\n", "macro-F1", mf);
		}
	}
out:
	ob_free(&b);
	for (size_t i = 0; i < e.nsigs; i++)
		free(e.sigs[i].name);
	free(e.sigs);
	return ret;
}
