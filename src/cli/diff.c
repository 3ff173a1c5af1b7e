/* medscreen diff: regression between two scans of the same prompt set.
 *
 * Records are paired by prompt_id and sample (or by id when a record has no
 * prompt_id).  For each dimension, the paired records give a 2x2 table of
 * flagged/clear; the flag-rate change is reported with McNemar's exact test
 * on the discordant pairs, and the candidate is a regression when its flag
 * rate exceeds the baseline's by more than --tolerance percentage points.
 * Records that cannot be paired are listed, never dropped silently. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "stats.h"

typedef struct keyed {
	char *key;
	scan_rec *rec;
	int dup;          /* the key occurs more than once in its scan */
	int paired;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
	return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

static char *pair_key(const scan_rec *r)
{
	char *k = NULL;

	if (r->prompt_id) {
		if (asprintf(&k, "prompt %s, sample %s", r->prompt_id, r->sample ? r->sample : "1") < 0)
			return NULL;
	} else if (r->id) {
		if (asprintf(&k, "id %s", r->id) < 0)
			return NULL;
	} else if (asprintf(&k, "%s line %lu", r->file, r->line) < 0) {
		return NULL;
	}
	return k;
}

static keyed *index_set(scan_set *s)
{
	keyed *v = calloc(s->n ? s->n : 1, sizeof *v);

	if (!v)
		return NULL;
	for (size_t i = 0; i < s->n; i++) {
		v[i].rec = &s->v[i];
		v[i].key = pair_key(&s->v[i]);
		if (!v[i].key) {
			for (size_t k = 0; k < i; k++)
				free(v[k].key);
			free(v);
			return NULL;
		}
	}
	if (s->n)
		qsort(v, s->n, sizeof *v, cmp_keyed);
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(v[i].key, v[i - 1].key) == 0)
			v[i].dup = v[i - 1].dup = 1;
	return v;
}

static int has_rule(const scan_rec *r, const char *rule)
{
	for (size_t i = 0; i < r->nfired; i++)
		if (!r->fired[i].error && strcmp(r->fired[i].rule, rule) == 0)
			return 1;
	return 0;
}

typedef struct rulechange {
	const char *rule;
	const char *message;
	ms_dimension dimension;
	ms_severity severity;
	unsigned long count;
	out_buf where;       /* the pairs' keys, comma-separated */
	const scan_rec **recs;   /* the records on the side where it fired */
	size_t caprecs;
} rulechange;

typedef struct changes {
	rulechange *v;
	size_t n, cap;
} changes;

static void note_change(changes *ch, const fired_rule *fr, const char *key, const scan_rec *rec)
{
	rulechange *rc = NULL;

	for (size_t i = 0; i < ch->n; i++)
		if (strcmp(ch->v[i].rule, fr->rule) == 0)
			rc = &ch->v[i];
	if (!rc) {
		cli_grow(&ch->v, &ch->cap, ch->n + 1, sizeof *ch->v);
		rc = &ch->v[ch->n++];
		memset(rc, 0, sizeof *rc);
		rc->rule = fr->rule;
		rc->message = fr->message;
		rc->dimension = fr->dimension;
		rc->severity = fr->severity;
	}
	cli_grow(&rc->recs, &rc->caprecs, rc->count + 1, sizeof *rc->recs);
	rc->recs[rc->count++] = rec;
	ob_printf(&rc->where, "%s%s", rc->where.len ? "; " : "", key);
}

static int cmp_change(const void *a, const void *b)
{
	const rulechange *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

typedef struct dimstat {
	unsigned long both, base_only, cand_only, neither;
	double base_rate, cand_rate, delta_pp, p;
	int regression;
} dimstat;

typedef struct unpaired_rec {
	int candidate;
	const keyed *k;
	const char *why;
} unpaired_rec;

static const char *level_of(ms_severity s)
{
	return s >= MS_SEV_HIGH ? "error" : s == MS_SEV_MEDIUM ? "warning" : "note";
}

/* SARIF 2.1.0: one result per finding that is new in the candidate, located
 * at the candidate record's line; the rules involved in the tool's driver. */
static void write_sarif(out_buf *b, const changes *added, int regression)
{
	ob_adds(b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
		   "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"medscreen\","
		   "\"version\":\"" PACKAGE_VERSION "\",\"informationUri\":\"" PACKAGE_URL "\","
		   "\"rules\":[");
	for (size_t i = 0; i < added->n; i++) {
		const rulechange *rc = &added->v[i];
		ob_adds(b, i ? ",{\"id\":" : "{\"id\":");
		ob_json_str(b, rc->rule, strlen(rc->rule));
		if (rc->message) {
			ob_adds(b, ",\"fullDescription\":{\"text\":");
			ob_json_str(b, rc->message, strlen(rc->message));
			ob_add(b, "}", 1);
		}
		ob_printf(b, ",\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{"
			     "\"dimension\":\"%s\",\"severity\":\"%s\"}}",
			  level_of(rc->severity), ms_dimension_name(rc->dimension),
			  ms_severity_name(rc->severity));
	}
	ob_adds(b, "]}},\"results\":[");
	for (size_t i = 0, first = 1; i < added->n; i++) {
		const rulechange *rc = &added->v[i];
		for (unsigned long k = 0; k < rc->count; k++) {
			const scan_rec *r = rc->recs[k];
			ob_adds(b, first ? "{\"ruleId\":" : ",{\"ruleId\":");
			first = 0;
			ob_json_str(b, rc->rule, strlen(rc->rule));
			ob_printf(b, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":", i,
				  level_of(rc->severity));
			ob_json_str(b, rc->message ? rc->message : rc->rule,
				    strlen(rc->message ? rc->message : rc->rule));
			ob_adds(b, "},\"baselineState\":\"new\",\"locations\":[{\"physicalLocation\":"
				   "{\"artifactLocation\":{\"uri\":");
			ob_json_str(b, r->file, strlen(r->file));
			ob_printf(b, "},\"region\":{\"startLine\":%lu}}}],\"properties\":{\"record\":",
				  r->line);
			if (r->id)
				ob_json_str(b, r->id, strlen(r->id));
			else
				ob_adds(b, "null");
			ob_adds(b, ",\"prompt_id\":");
			if (r->prompt_id)
				ob_json_str(b, r->prompt_id, strlen(r->prompt_id));
			else
				ob_adds(b, "null");
			ob_adds(b, "}}");
		}
	}
	ob_printf(b, "],\"invocations\":[{\"executionSuccessful\":true,\"properties\":"
		     "{\"regression\":%s}}]}]}\n",
		  regression ? "true" : "false");
}

int cmd_diff(int argc, char **argv)
{
	enum { O_TOL = 256 };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "tolerance", required_argument, NULL, O_TOL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] =
		"Usage: medscreen diff [--tolerance PP] [--format text|json|junit|sarif] BASELINE CANDIDATE\n"
		"Compare two scans (medscreen scan --format jsonl) of the same prompt set, paired by\n"
		"prompt_id and sample: rules newly fired and no longer fired, and per dimension the\n"
		"flag-rate change with McNemar's exact test.  Exit 1 when the candidate's flag rate\n"
		"exceeds the baseline's by more than PP percentage points (default 0) on any\n"
		"dimension, 0 otherwise, 2 on error.\n";
	enum { D_TEXT, D_JSON, D_JUNIT, D_SARIF } fmt = D_TEXT;
	double tol = 0;
	scan_set base = { 0 }, cand = { 0 };
	keyed *kb = NULL, *kc = NULL;
	dimstat ds[MS_DIM_COUNT];
	changes added = { 0 }, removed = { 0 };
	out_buf b = { 0 };
	unpaired_rec *unpaired = NULL;
	unsigned long npaired = 0, nunpaired = 0;
	int c, ret = EXIT_TROUBLE, regression = 0;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
		{
			static const char *const names[] = { "text", "json", "junit", "sarif", NULL };
			int v = cli_choice("--format", optarg, names);
			if (v < 0)
				return EXIT_TROUBLE;
			fmt = v;
			break;
		}
		case O_TOL: {
			char *end;
			errno = 0;
			tol = strtod(optarg, &end);
			if (errno || *end || !*optarg || tol < 0 || tol > 100) {
				cli_error("--tolerance expects percentage points between 0 and 100, not '%s'",
					  optarg);
				return EXIT_TROUBLE;
			}
			break;
		}
		case 'h':
			fputs(usage, stdout);
			return EXIT_CLEAR;
		default:
			fputs(usage, stderr);
			return EXIT_TROUBLE;
		}
	}
	if (argc - optind != 2) {
		cli_error("diff needs exactly two scan files: BASELINE CANDIDATE");
		fputs(usage, stderr);
		return EXIT_TROUBLE;
	}
	if (scan_set_read(&base, argv[optind]) || scan_set_read(&cand, argv[optind + 1]))
		goto out;
	kb = index_set(&base);
	kc = index_set(&cand);
	if (!kb || !kc) {
		cli_error("out of memory");
		goto out;
	}

	memset(ds, 0, sizeof ds);
	/* Merge the two sorted indexes. */
	for (size_t i = 0, j = 0; i < base.n || j < cand.n;) {
		int cmp = i >= base.n ? 1 : j >= cand.n ? -1 : strcmp(kb[i].key, kc[j].key);
		keyed *x = cmp <= 0 ? &kb[i] : NULL, *y = cmp >= 0 ? &kc[j] : NULL;

		if (x && y && !x->dup && !y->dup && x->rec->status != REC_ERROR &&
		    y->rec->status != REC_ERROR) {
			scan_rec *rb = x->rec, *rc = y->rec;
			npaired++;
			x->paired = y->paired = 1;
			for (int d = 0; d < MS_DIM_COUNT; d++) {
				if (rb->dim[d] && rc->dim[d])
					ds[d].both++;
				else if (rb->dim[d])
					ds[d].base_only++;
				else if (rc->dim[d])
					ds[d].cand_only++;
				else
					ds[d].neither++;
			}
			for (size_t k = 0; k < rc->nfired; k++)
				if (!rc->fired[k].error && !has_rule(rb, rc->fired[k].rule))
					note_change(&added, &rc->fired[k], x->key, rc);
			for (size_t k = 0; k < rb->nfired; k++)
				if (!rb->fired[k].error && !has_rule(rc, rb->fired[k].rule))
					note_change(&removed, &rb->fired[k], x->key, rb);
		}
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
	unpaired = calloc(base.n + cand.n + 1, sizeof *unpaired);
	if (!unpaired) {
		cli_error("out of memory");
		goto out;
	}
	for (int side = 0; side < 2; side++) {
		keyed *v = side ? kc : kb;
		scan_set *s = side ? &cand : &base;
		for (size_t i = 0; i < s->n; i++) {
			unpaired_rec *u;
			if (v[i].paired)
				continue;
			u = &unpaired[nunpaired++];
			u->candidate = side;
			u->k = &v[i];
			if (v[i].rec->status == REC_ERROR)
				u->why = "its scan status is error";
			else if (v[i].dup)
				u->why = "its key is not unique in its scan";
			else
				u->why = side ? "not in the baseline" : "not in the candidate";
		}
	}
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		dimstat *x = &ds[d];
		x->base_rate = npaired ? (double)(x->both + x->base_only) / (double)npaired : 0;
		x->cand_rate = npaired ? (double)(x->both + x->cand_only) / (double)npaired : 0;
		x->delta_pp = 100.0 * (x->cand_rate - x->base_rate);
		x->p = stats_mcnemar_exact(x->base_only, x->cand_only);
		/* A small epsilon keeps exact ties at the tolerance from failing. */
		x->regression = x->delta_pp > tol + 1e-9;
		regression |= x->regression;
	}
	if (added.n)
		qsort(added.v, added.n, sizeof *added.v, cmp_change);
	if (removed.n)
		qsort(removed.v, removed.n, sizeof *removed.v, cmp_change);

	if (fmt == D_TEXT) {
		ob_printf(&b, "baseline:  %s (%zu records)\ncandidate: %s (%zu records)\n"
			      "%lu pairs by prompt_id and sample, %lu records unpaired\n\n",
			  argv[optind], base.n, argv[optind + 1], cand.n, npaired, nunpaired);
		ob_printf(&b, "%-16s %9s %9s %9s %9s %9s %9s  %s\n", "dimension", "baseline",
			  "candidate", "change", "new", "resolved", "p", "verdict");
		for (int d = 0; d < MS_DIM_COUNT; d++) {
			dimstat *x = &ds[d];
			ob_printf(&b, "%-16s %8.1f%% %8.1f%% %+7.1fpp %9lu %9lu %9.4f  %s\n",
				  ms_dimension_name((ms_dimension)d), 100 * x->base_rate,
				  100 * x->cand_rate, x->delta_pp, x->cand_only, x->base_only, x->p,
				  x->regression ? "REGRESSION" : "ok");
		}
		ob_printf(&b, "(new: flagged in the candidate only; resolved: in the baseline only; "
			      "tolerance %.1fpp)\n",
			  tol);
		for (int k = 0; k < 2; k++) {
			changes *ch = k ? &removed : &added;
			ob_printf(&b, "\n%s (%zu)\n", k ? "Rules no longer fired" : "Rules newly fired",
				  ch->n);
			for (size_t i = 0; i < ch->n; i++)
				ob_printf(&b, "  %s [%s, %s] x%lu: %s\n", ch->v[i].rule,
					  ms_dimension_name(ch->v[i].dimension),
					  ms_severity_name(ch->v[i].severity), ch->v[i].count,
					  ch->v[i].where.data);
		}
		ob_printf(&b, "\nUnpaired records (%lu)\n", nunpaired);
		for (unsigned long i = 0; i < nunpaired; i++)
			ob_printf(&b, "  %s %s:%lu: %s (%s)\n",
				  unpaired[i].candidate ? "candidate" : "baseline ",
				  unpaired[i].k->rec->file, unpaired[i].k->rec->line, unpaired[i].k->key,
				  unpaired[i].why);
		ob_printf(&b, "\n%s\n", regression ? "Result: REGRESSION" : "Result: no regression");
	} else if (fmt == D_JSON) {
		ob_printf(&b, "{\"pairs\":%lu,\"unpaired\":%lu,\"tolerance_pp\":%g,\"regression\":%s,"
			      "\"dimensions\":{",
			  npaired, nunpaired, tol, regression ? "true" : "false");
		for (int d = 0; d < MS_DIM_COUNT; d++) {
			dimstat *x = &ds[d];
			ob_printf(&b, "%s\"%s\":{\"baseline_rate\":%.4f,\"candidate_rate\":%.4f,"
				      "\"change_pp\":%.2f,\"new\":%lu,\"resolved\":%lu,\"both\":%lu,"
				      "\"neither\":%lu,\"mcnemar_p\":%.6f,\"regression\":%s}",
				  d ? "," : "", ms_dimension_name((ms_dimension)d), x->base_rate,
				  x->cand_rate, x->delta_pp, x->cand_only, x->base_only, x->both,
				  x->neither, x->p, x->regression ? "true" : "false");
		}
		ob_adds(&b, "}");
		for (int k = 0; k < 2; k++) {
			changes *ch = k ? &removed : &added;
			ob_printf(&b, ",\"%s\":[", k ? "rules_no_longer_fired" : "rules_newly_fired");
			for (size_t i = 0; i < ch->n; i++) {
				ob_adds(&b, i ? ",{\"rule\":" : "{\"rule\":");
				ob_json_str(&b, ch->v[i].rule, strlen(ch->v[i].rule));
				ob_printf(&b, ",\"dimension\":\"%s\",\"severity\":\"%s\",\"count\":%lu,"
					      "\"pairs\":",
					  ms_dimension_name(ch->v[i].dimension),
					  ms_severity_name(ch->v[i].severity), ch->v[i].count);
				ob_json_str(&b, ch->v[i].where.data, ch->v[i].where.len);
				ob_add(&b, "}", 1);
			}
			ob_add(&b, "]", 1);
		}
		ob_adds(&b, ",\"unpaired_records\":[");
		for (unsigned long i = 0; i < nunpaired; i++) {
			const scan_rec *r = unpaired[i].k->rec;
			ob_printf(&b, "%s{\"side\":\"%s\",\"file\":", i ? "," : "",
				  unpaired[i].candidate ? "candidate" : "baseline");
			ob_json_str(&b, r->file, strlen(r->file));
			ob_printf(&b, ",\"line\":%lu,\"key\":", r->line);
			ob_json_str(&b, unpaired[i].k->key, strlen(unpaired[i].k->key));
			ob_adds(&b, ",\"reason\":");
			ob_json_str(&b, unpaired[i].why, strlen(unpaired[i].why));
			ob_add(&b, "}", 1);
		}
		ob_adds(&b, "]}\n");
	} else if (fmt == D_SARIF) {
		write_sarif(&b, &added, regression);
	} else {
		int fails = 0;
		for (int d = 0; d < MS_DIM_COUNT; d++)
			fails += ds[d].regression;
		ob_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			      "<testsuites name=\"medscreen diff\" tests=\"%d\" failures=\"%d\" errors=\"0\">\n"
			      "  <testsuite name=\"medscreen diff\" tests=\"%d\" failures=\"%d\" errors=\"0\">\n",
			  MS_DIM_COUNT, fails, MS_DIM_COUNT, fails);
		for (int d = 0; d < MS_DIM_COUNT; d++) {
			dimstat *x = &ds[d];
			ob_printf(&b, "    <testcase classname=\"medscreen.diff\" name=\"%s flag rate\">",
				  ms_dimension_name((ms_dimension)d));
			if (x->regression) {
				ob_printf(&b, "\n      <failure message=\"flag rate %.1f%% -&gt; %.1f%% "
					      "(%+.1fpp, tolerance %.1fpp, McNemar p=%.4f)\" type=\"regression\">",
					  100 * x->base_rate, 100 * x->cand_rate, x->delta_pp, tol, x->p);
				for (size_t i = 0; i < added.n; i++) {
					if (added.v[i].dimension != (ms_dimension)d)
						continue;
					ob_printf(&b, "\nnewly fired %s x%lu: ", added.v[i].rule, added.v[i].count);
					ob_markup(&b, added.v[i].where.data, added.v[i].where.len);
				}
				ob_adds(&b, "</failure>");
			}
			ob_adds(&b, "</testcase>\n");
		}
		ob_adds(&b, "  </testsuite>\n</testsuites>\n");
	}
	if (b.len && fwrite(b.data, 1, b.len, stdout) != b.len)
		cli_error("write error");
	ret = regression ? EXIT_FINDINGS : EXIT_CLEAR;
out:
	for (size_t i = 0; kb && i < base.n; i++)
		free(kb[i].key);
	for (size_t i = 0; kc && i < cand.n; i++)
		free(kc[i].key);
	free(kb);
	free(kc);
	for (size_t i = 0; i < added.n; i++) {
		ob_free(&added.v[i].where);
		free(added.v[i].recs);
	}
	for (size_t i = 0; i < removed.n; i++) {
		ob_free(&removed.v[i].where);
		free(removed.v[i].recs);
	}
	free(added.v);
	free(removed.v);
	free(unpaired);
	ob_free(&b);
	scan_set_free(&base);
	scan_set_free(&cand);
	return ret;
}
