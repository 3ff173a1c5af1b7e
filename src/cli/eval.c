/* medscreen eval: agreement between scan results and human labels, carried
 * by the scanned records ("labels") or joined to them by id from labels
 * files (--labels).  A positive is a non-compliant answer (for dimensions)
 * or a present signal.  With labels files, the labels the records carry are
 * not used: a record without an entry in the files is unlabelled (datasets
 * often carry "labels" of their own, in another scheme).
 *
 * Label shapes, in records and in labels files alike:
 *   {"dimensions": {dim: 1|0|true|false}, "signals": [names present]}
 *   {"signals": {name: true|false|1|0}}
 *   {name-or-dimension: true|false|1|0, ...}   (flat; a dimension name is a
 *                                               dimension verdict, 1 compliant)
 * and mixtures of these.  With a list of signals, a signal not listed that
 * some other record labels counts as absent; with an object of booleans or
 * flat keys, only the signals named are labelled for that record. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "stats.h"

/* ---------------- labels ---------------- */

typedef struct siglab {
	char *name;
	int v;            /* 1 present, 0 absent */
} siglab;

typedef struct labelset {
	signed char dim[MS_DIM_COUNT];  /* -1 not labelled, 0 not compliant, 1 compliant */
	int has_sigs;     /* some signal is labelled */
	int list;         /* "signals" is a list: the unlisted labelled signals are absent */
	siglab *s;
	size_t ns, cap;
} labelset;

static void labelset_init(labelset *ls)
{
	memset(ls, 0, sizeof *ls);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		ls->dim[d] = -1;
}

static void labelset_free(labelset *ls)
{
	for (size_t i = 0; i < ls->ns; i++)
		free(ls->s[i].name);
	free(ls->s);
	labelset_init(ls);
}

static void labelset_add(labelset *ls, const char *name, int v)
{
	char *p = strdup(name);

	if (!p) {
		cli_error("out of memory");
		exit(EXIT_TROUBLE);
	}
	cli_grow(&ls->s, &ls->cap, ls->ns + 1, sizeof *ls->s);
	ls->s[ls->ns].name = p;
	ls->s[ls->ns].v = v;
	ls->ns++;
	ls->has_sigs = 1;
}

/* 1 or 0 for true/false/1/0; -1 for any other value. */
static int label_value(json_object *v)
{
	if (v && json_object_is_type(v, json_type_boolean))
		return json_object_get_boolean(v) ? 1 : 0;
	if (v && json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);
		if (i == 0 || i == 1)
			return (int)i;
	}
	return -1;
}

static void bad_value(const char *path, unsigned long line, const char *field, json_object *v)
{
	const char *s = v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "null";

	cli_error("%s:%lu: %s: expected true, false, 1 or 0, not %.60s", path, line, field, s);
}

static const char *shown_path(const char *path)
{
	return strcmp(path, "-") == 0 ? "(stdin)" : path;
}

/* Read one labels object into ls; errors name path:line and the field. */
static int parse_labels(json_object *labels, labelset *ls, const char *path, unsigned long line)
{
	char field[320];

	path = shown_path(path);
	if (!json_object_is_type(labels, json_type_object)) {
		cli_error("%s:%lu: labels: expected an object", path, line);
		return -1;
	}
	json_object_object_foreach(labels, key, val)
	{
		int d, v;

		if (strcmp(key, "dimensions") == 0) {
			if (!val || !json_object_is_type(val, json_type_object)) {
				cli_error("%s:%lu: labels.dimensions: expected an object of "
					  "dimension verdicts",
					  path, line);
				return -1;
			}
			json_object_object_foreach(val, dk, dv)
			{
				snprintf(field, sizeof field, "labels.dimensions.%.200s", dk);
				d = ms_dimension_parse(dk);
				if (d < 0) {
					cli_error("%s:%lu: %s: not a dimension (safety, professionalism, "
						  "fairness, humanism or regulation)",
						  path, line, field);
					return -1;
				}
				if ((v = label_value(dv)) < 0) {
					bad_value(path, line, field, dv);
					return -1;
				}
				ls->dim[d] = (signed char)v;
			}
		} else if (strcmp(key, "signals") == 0 && val &&
			   json_object_is_type(val, json_type_array)) {
			size_t n = json_object_array_length(val);
			ls->list = 1;
			ls->has_sigs = 1;
			for (size_t i = 0; i < n; i++) {
				json_object *x = json_object_array_get_idx(val, i);
				if (!x || !json_object_is_type(x, json_type_string)) {
					cli_error("%s:%lu: labels.signals[%zu]: expected a signal name, "
						  "not %.60s",
						  path, line, i,
						  x ? json_object_to_json_string_ext(x, JSON_C_TO_STRING_PLAIN)
						    : "null");
					return -1;
				}
				labelset_add(ls, json_object_get_string(x), 1);
			}
		} else if (strcmp(key, "signals") == 0 && val &&
			   json_object_is_type(val, json_type_object)) {
			ls->has_sigs = 1;
			json_object_object_foreach(val, sk, sv)
			{
				snprintf(field, sizeof field, "labels.signals.%.200s", sk);
				if ((v = label_value(sv)) < 0) {
					bad_value(path, line, field, sv);
					return -1;
				}
				labelset_add(ls, sk, v);
			}
		} else if (strcmp(key, "signals") == 0) {
			cli_error("%s:%lu: labels.signals: expected a list of signal names or an "
				  "object of true/false",
				  path, line);
			return -1;
		} else {
			snprintf(field, sizeof field, "labels.%.200s", key);
			if ((v = label_value(val)) < 0) {
				bad_value(path, line, field, val);
				return -1;
			}
			d = ms_dimension_parse(key);
			if (d >= 0)
				ls->dim[d] = (signed char)v;
			else
				labelset_add(ls, key, v);
		}
	}
	return 0;
}

/* A labelled signal of ls: 1 present, 0 absent, -1 not labelled here. */
static int labelset_signal(const labelset *ls, const char *name)
{
	int r = -1;

	for (size_t i = 0; i < ls->ns; i++)
		if (strcmp(ls->s[i].name, name) == 0) {
			if (ls->s[i].v)
				return 1;
			r = 0;
		}
	return ls->list ? 0 : r;
}

/* One entry of a labels file. */
typedef struct labent {
	char *id;
	const char *file;
	unsigned long line;
	size_t seq;
	labelset ls;
	int used;
} labent;

/* The id as a string: strings as they are, integers in decimal; NULL for
 * anything else. */
static const char *id_string(json_object *id)
{
	if (id && (json_object_is_type(id, json_type_string) || json_object_is_type(id, json_type_int)))
		return json_object_get_string(id);
	return NULL;
}

/* ---------------- counting ---------------- */

/* A false positive or false negative kept for --errors. */
typedef struct errent {
	int fp;
	json_object *id;        /* reference, or NULL */
	const char *file;
	unsigned long line;
	json_object *ev;        /* signal: its signal_evidence entry; dimension: the findings */
} errent;

typedef struct errlist {
	errent *v;
	size_t n, cap;
} errlist;

typedef struct sigstat {
	char *name;
	stats_confusion c;      /* records with boolean signal labels */
	stats_confusion lc;     /* records with a list of signals: tn is derived at the end */
	int labelled;     /* the name occurs in some record's labels */
	int emitted;      /* some scan record has it in "signals" */
	size_t seq;       /* order of first count: the order of the tables */
	errlist errs;
} sigstat;

typedef struct evalstate {
	stats_confusion dim[MS_DIM_COUNT];
	errlist dimerrs[MS_DIM_COUNT];
	sigstat *sigs;
	size_t nsigs, capsigs;
	unsigned long records, used, skipped_error, skipped_unlabelled;
	unsigned long sig_records;   /* evaluated records whose labels list signals */
	labent *labs;                /* from --labels, sorted by id */
	size_t nlabs, caplabs;
	int keep_errors;
	int use_files;               /* --labels given: the files alone are the labels */
	size_t nextseq;
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
	cli_grow(&e->sigs, &e->capsigs, e->nsigs + 1, sizeof *e->sigs);
	memset(&e->sigs[e->nsigs], 0, sizeof e->sigs[0]);
	e->sigs[e->nsigs].seq = SIZE_MAX;
	e->sigs[e->nsigs].name = strdup(name);
	if (!e->sigs[e->nsigs].name) {
		cli_error("out of memory");
		exit(EXIT_TROUBLE);
	}
	return &e->sigs[e->nsigs++];
}

/* The signal's entry, placed in the tables' order when first counted. */
static sigstat *sig_count(evalstate *e, const char *name)
{
	sigstat *st = sig_get(e, name);

	if (st->seq == SIZE_MAX)
		st->seq = e->nextseq++;
	return st;
}

static int cmp_seq(const void *a, const void *b)
{
	const sigstat *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void err_add(evalstate *e, errlist *l, int fp, json_object *id, const char *file,
		    unsigned long line, json_object *ev)
{
	if (!e->keep_errors)
		return;
	cli_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
	l->v[l->n].fp = fp;
	l->v[l->n].id = id ? json_object_get(id) : NULL;
	l->v[l->n].file = file;
	l->v[l->n].line = line;
	l->v[l->n].ev = ev ? json_object_get(ev) : NULL;
	l->n++;
}

static void errlist_free(errlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		json_object_put(l->v[i].id);
		json_object_put(l->v[i].ev);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int cmp_labent(const void *a, const void *b)
{
	const labent *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static labent *lab_find(evalstate *e, const char *id)
{
	size_t lo = 0, hi = e->nlabs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(e->labs[mid].id, id);
		if (c == 0)
			return &e->labs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Count one signal verdict of one record. */
static void count_signal(evalstate *e, sigstat *st, stats_confusion *c, int truth, int pred,
			 json_object *id, const char *path, unsigned long line, json_object *sev)
{
	json_object *ev = NULL;

	if (truth && pred) {
		c->tp++;
	} else if (pred) {
		c->fp++;
		if (sev && json_object_is_type(sev, json_type_object))
			json_object_object_get_ex(sev, st->name, &ev);
		err_add(e, &st->errs, 1, id, path, line, ev);
	} else if (truth) {
		c->fn++;
		err_add(e, &st->errs, 0, id, path, line, NULL);
	} else {
		c->tn++;
	}
}

/* Count one record.  Signals are evaluated in one pass, so that scan output
 * can be piped in: for records with a list of signals, true and false
 * positives and false negatives are counted per name as names appear, and
 * true negatives are derived at the end from the number of such records.
 * Only names that occur in some record's labels are reported. */
static int eval_obj(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	evalstate *e = ctx;
	json_object *labels = NULL, *status = NULL, *dims = NULL, *psigs = NULL, *id = NULL,
		    *sev = NULL, *findings = NULL;
	labelset own, *ls;
	labent *le = NULL;
	const char *ids;
	size_t np;

	e->records++;
	json_object_object_get_ex(obj, "status", &status);
	json_object_object_get_ex(obj, "labels", &labels);
	json_object_object_get_ex(obj, "dimensions", &dims);
	json_object_object_get_ex(obj, "signals", &psigs);
	json_object_object_get_ex(obj, "id", &id);
	json_object_object_get_ex(obj, "signal_evidence", &sev);
	json_object_object_get_ex(obj, "findings", &findings);
	if (!status || strcmp(json_object_get_string(status), "error") == 0 || !dims) {
		e->skipped_error++;
		return 0;
	}
	if (psigs && !json_object_is_type(psigs, json_type_array))
		psigs = NULL;
	np = psigs ? json_object_array_length(psigs) : 0;
	for (size_t i = 0; i < np; i++) {
		json_object *v = json_object_array_get_idx(psigs, i);
		if (v && json_object_is_type(v, json_type_string))
			sig_get(e, json_object_get_string(v))->emitted = 1;
	}
	ids = id_string(id);
	if (ids && e->nlabs)
		le = lab_find(e, ids);
	labelset_init(&own);
	if (le) {
		le->used = 1;
		ls = &le->ls;
	} else if (!e->use_files && labels && json_object_is_type(labels, json_type_object)) {
		if (parse_labels(labels, &own, path, line)) {
			labelset_free(&own);
			return -1;
		}
		ls = &own;
	} else {
		e->skipped_unlabelled++;
		return 0;
	}
	e->used++;
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		const char *dn = ms_dimension_name((ms_dimension)d);
		json_object *pv = NULL;
		int lab = ls->dim[d], pred;

		if (lab < 0)
			continue;
		json_object_object_get_ex(dims, dn, &pv);
		pred = pv && strcmp(json_object_get_string(pv), "flagged") == 0;
		if (pred && !lab) {
			e->dim[d].tp++;
		} else if (pred) {
			e->dim[d].fp++;
			err_add(e, &e->dimerrs[d], 1, id, path, line, findings);
		} else if (!lab) {
			e->dim[d].fn++;
			err_add(e, &e->dimerrs[d], 0, id, path, line, NULL);
		} else {
			e->dim[d].tn++;
		}
	}
	if (ls->list) {
		/* Every name listed or predicted; the others are true negatives. */
		e->sig_records++;
		for (size_t i = 0; i < ls->ns; i++) {
			sigstat *st;
			int dup = 0;

			for (size_t j = 0; j < i && !dup; j++)
				dup = strcmp(ls->s[j].name, ls->s[i].name) == 0;
			if (dup)
				continue;
			st = sig_count(e, ls->s[i].name);
			st->labelled = 1;
			if (labelset_signal(ls, st->name))
				count_signal(e, st, &st->lc, 1, has_name(psigs, st->name), id, path, line,
					     sev);
		}
		for (size_t i = 0; i < np; i++) {
			json_object *v = json_object_array_get_idx(psigs, i);
			const char *name;

			if (!v || !json_object_is_type(v, json_type_string))
				continue;
			name = json_object_get_string(v);
			if (labelset_signal(ls, name))
				continue; /* counted from the labels' side */
			{
				sigstat *st = sig_count(e, name);
				count_signal(e, st, &st->lc, 0, 1, id, path, line, sev);
			}
		}
	} else {
		for (size_t i = 0; i < ls->ns; i++) {
			sigstat *st;
			int dup = 0;

			for (size_t j = 0; j < i && !dup; j++)
				dup = strcmp(ls->s[j].name, ls->s[i].name) == 0;
			if (dup)
				continue;
			st = sig_count(e, ls->s[i].name);
			st->labelled = 1;
			count_signal(e, st, &st->c, labelset_signal(ls, st->name) == 1,
				     has_name(psigs, st->name), id, path, line, sev);
		}
	}
	labelset_free(&own);
	return 0;
}

typedef struct labctx {
	evalstate *e;
	const char *shown;
} labctx;

/* One line of a labels file: {"id": ..., "labels": {...}}. */
static int read_label_line(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	labctx *lc = ctx;
	evalstate *e = lc->e;
	json_object *id = NULL, *labels = NULL;
	const char *ids;
	labent *le;

	if (!json_object_object_get_ex(obj, "id", &id) || !id) {
		cli_error("%s:%lu: id: missing", lc->shown, line);
		return -1;
	}
	if (!(ids = id_string(id))) {
		cli_error("%s:%lu: id: expected a string or an integer, not %.60s", lc->shown, line,
			  json_object_to_json_string_ext(id, JSON_C_TO_STRING_PLAIN));
		return -1;
	}
	if (!json_object_object_get_ex(obj, "labels", &labels) || !labels) {
		cli_error("%s:%lu: labels: missing", lc->shown, line);
		return -1;
	}
	cli_grow(&e->labs, &e->caplabs, e->nlabs + 1, sizeof *e->labs);
	le = &e->labs[e->nlabs];
	memset(le, 0, sizeof *le);
	labelset_init(&le->ls);
	le->file = lc->shown;
	le->line = line;
	le->seq = e->nlabs;
	if (parse_labels(labels, &le->ls, path, line)) {
		labelset_free(&le->ls);
		return -1;
	}
	if (!(le->id = strdup(ids))) {
		cli_error("out of memory");
		labelset_free(&le->ls);
		return -1;
	}
	e->nlabs++;
	return 0;
}

/* Read one labels file. */
static int read_labels(evalstate *e, const char *path)
{
	labctx lc = { e, shown_path(path) };

	return jsonl_each(path, lc.shown, "not a JSON object", 1, read_label_line, &lc);
}

/* Sort the labels by id; a duplicate id is an error naming both lines. */
static int index_labels(evalstate *e)
{
	int rc = 0;

	if (e->nlabs)
		qsort(e->labs, e->nlabs, sizeof *e->labs, cmp_labent);
	for (size_t i = 1; i < e->nlabs; i++)
		if (strcmp(e->labs[i - 1].id, e->labs[i].id) == 0 &&
		    (i < 2 || strcmp(e->labs[i - 2].id, e->labs[i].id) != 0)) {
			cli_error("%s:%lu: duplicate id '%s' (first at %s:%lu)", e->labs[i].file,
				  e->labs[i].line, e->labs[i].id, e->labs[i - 1].file,
				  e->labs[i - 1].line);
			rc = -1;
		}
	return rc;
}

/* ---------------- output ---------------- */

static void fmt_num(char *buf, size_t n, double v)
{
	if (isnan(v))
		snprintf(buf, n, "%s", "-");
	else
		snprintf(buf, n, "%.3f", v);
}

static void fmt_ci(char *buf, size_t n, double v, stats_interval iv)
{
	if (isnan(v) || isnan(iv.lo))
		snprintf(buf, n, "%s", "-");
	else
		snprintf(buf, n, "%.3f [%.3f,%.3f]", v, iv.lo, iv.hi);
}

#define ROW_FMT "%-22s %6s %6s %6s %6s  %-19s  %-19s %6s %6s\n"

static void text_header(const char *what)
{
	printf(ROW_FMT, what, "TP", "FP", "FN", "TN", "precision [95% CI]", "recall [95% CI]", "F1",
	       "kappa");
}

static void text_row(const char *name, const stats_confusion *c)
{
	stats_agreement m = stats_agree(c);
	char p[48], r[48], f[16], k[16], n[4][24];

	fmt_ci(p, sizeof p, m.precision, m.precision_ci);
	fmt_ci(r, sizeof r, m.recall, m.recall_ci);
	fmt_num(f, sizeof f, m.f1);
	fmt_num(k, sizeof k, m.kappa);
	snprintf(n[0], sizeof n[0], "%lu", c->tp);
	snprintf(n[1], sizeof n[1], "%lu", c->fp);
	snprintf(n[2], sizeof n[2], "%lu", c->fn);
	snprintf(n[3], sizeof n[3], "%lu", c->tn);
	printf(ROW_FMT, name, n[0], n[1], n[2], n[3], p, r, f, k);
}

static void json_num(out_buf *b, const char *key, double v)
{
	if (isnan(v))
		ob_printf(b, ",\"%s\":null", key);
	else
		ob_printf(b, ",\"%s\":%.4f", key, v);
}

static void json_ci(out_buf *b, const char *key, stats_interval iv)
{
	if (isnan(iv.lo))
		ob_printf(b, ",\"%s\":null", key);
	else
		ob_printf(b, ",\"%s\":[%.4f,%.4f]", key, iv.lo, iv.hi);
}

/* An evidence object {"start":..,"end":..,"text":..}, as far as it is one. */
static void json_evidence(out_buf *b, json_object *ev)
{
	json_object *x = NULL;
	int first = 1;

	ob_add(b, "{", 1);
	if (json_object_object_get_ex(ev, "start", &x) && json_object_is_type(x, json_type_int)) {
		ob_printf(b, "\"start\":%lld", (long long)json_object_get_int64(x));
		first = 0;
	}
	if (json_object_object_get_ex(ev, "end", &x) && json_object_is_type(x, json_type_int)) {
		ob_printf(b, "%s\"end\":%lld", first ? "" : ",", (long long)json_object_get_int64(x));
		first = 0;
	}
	if (json_object_object_get_ex(ev, "text", &x) && json_object_is_type(x, json_type_string)) {
		ob_adds(b, first ? "\"text\":" : ",\"text\":");
		ob_json_str(b, json_object_get_string(x), (size_t)json_object_get_string_len(x));
	}
	ob_add(b, "}", 1);
}

/* The first evidence span of a finding, or NULL. */
static json_object *first_evidence(json_object *finding)
{
	json_object *ev = NULL;

	if (!json_object_object_get_ex(finding, "evidence", &ev) || !ev ||
	    !json_object_is_type(ev, json_type_array) || json_object_array_length(ev) == 0)
		return NULL;
	ev = json_object_array_get_idx(ev, 0);
	return ev && json_object_is_type(ev, json_type_object) ? ev : NULL;
}

/* Call fn for each finding of dimension dn in a findings array. */
static void each_finding(json_object *findings, const char *dn,
			 void (*fn)(json_object *f, const char *rule, void *ud), void *ud)
{
	size_t n;

	if (!findings || !json_object_is_type(findings, json_type_array))
		return;
	n = json_object_array_length(findings);
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(findings, i), *x = NULL, *r = NULL;

		if (!f || !json_object_is_type(f, json_type_object) ||
		    !json_object_object_get_ex(f, "dimension", &x) || !x ||
		    !json_object_is_type(x, json_type_string) ||
		    strcmp(json_object_get_string(x), dn) != 0 ||
		    !json_object_object_get_ex(f, "rule", &r) || !r ||
		    !json_object_is_type(r, json_type_string))
			continue;
		fn(f, json_object_get_string(r), ud);
	}
}

typedef struct rule_cb {
	out_buf *b;
	int n;
} rule_cb;

static void json_rule(json_object *f, const char *rule, void *ud)
{
	rule_cb *c = ud;
	json_object *ev = first_evidence(f);

	ob_adds(c->b, c->n++ ? ",{\"rule\":" : "{\"rule\":");
	ob_json_str(c->b, rule, strlen(rule));
	if (ev) {
		ob_adds(c->b, ",\"evidence\":");
		json_evidence(c->b, ev);
	}
	ob_add(c->b, "}", 1);
}

static void json_errors(out_buf *b, const errlist *l, const char *dn)
{
	ob_adds(b, ",\"errors\":[");
	for (size_t i = 0; i < l->n; i++) {
		const errent *x = &l->v[i];

		ob_printf(b, "%s{\"type\":\"%s\",\"id\":", i ? "," : "", x->fp ? "fp" : "fn");
		ob_json_value(b, x->id);
		ob_adds(b, ",\"file\":");
		ob_json_str(b, shown_path(x->file), strlen(shown_path(x->file)));
		ob_printf(b, ",\"line\":%lu", x->line);
		if (x->fp && dn) {
			rule_cb c = { b, 0 };
			ob_adds(b, ",\"rules\":[");
			each_finding(x->ev, dn, json_rule, &c);
			ob_add(b, "]", 1);
		} else if (x->fp && x->ev && json_object_is_type(x->ev, json_type_object)) {
			ob_adds(b, ",\"evidence\":");
			json_evidence(b, x->ev);
		}
		ob_add(b, "}", 1);
	}
	ob_add(b, "]", 1);
}

static void json_row(out_buf *b, const char *name, const stats_confusion *c, int first,
		     const errlist *errs, const char *dn)
{
	stats_agreement m = stats_agree(c);

	ob_adds(b, first ? "{\"name\":" : ",{\"name\":");
	ob_json_str(b, name, strlen(name));
	ob_printf(b, ",\"tp\":%lu,\"fp\":%lu,\"fn\":%lu,\"tn\":%lu", c->tp, c->fp, c->fn, c->tn);
	json_num(b, "precision", m.precision);
	json_ci(b, "precision_ci", m.precision_ci);
	json_num(b, "recall", m.recall);
	json_ci(b, "recall_ci", m.recall_ci);
	json_num(b, "f1", m.f1);
	json_num(b, "kappa", m.kappa);
	if (errs)
		json_errors(b, errs, dn);
	ob_add(b, "}", 1);
}

/* Text: "  FP  id  file:line  evidence" per error. */
static void text_quoted(out_buf *b, json_object *ev)
{
	json_object *x = NULL;

	if (ev && json_object_object_get_ex(ev, "text", &x) && x &&
	    json_object_is_type(x, json_type_string)) {
		ob_add(b, "\"", 1);
		ob_safe_text(b, json_object_get_string(x), (size_t)json_object_get_string_len(x), 1);
		ob_add(b, "\"", 1);
	}
}

static void text_rule(json_object *f, const char *rule, void *ud)
{
	rule_cb *c = ud;
	json_object *ev = first_evidence(f);

	if (c->n++)
		ob_adds(c->b, "; ");
	ob_safe_text(c->b, rule, strlen(rule), 1);
	if (ev) {
		ob_add(c->b, " ", 1);
		text_quoted(c->b, ev);
	}
}

static void text_errors(out_buf *b, const char *what, const char *name, const errlist *l,
			const char *dn)
{
	size_t nfp = 0;

	if (!l->n)
		return;
	for (size_t i = 0; i < l->n; i++)
		nfp += l->v[i].fp;
	ob_printf(b, "%s %s: %zu false positive%s, %zu false negative%s\n", what, name, nfp,
		  nfp == 1 ? "" : "s", l->n - nfp, l->n - nfp == 1 ? "" : "s");
	for (size_t i = 0; i < l->n; i++) {
		const errent *x = &l->v[i];
		const char *id = x->id ? json_object_get_string(x->id) : "(no id)";

		ob_adds(b, x->fp ? "  FP  " : "  FN  ");
		ob_safe_text(b, id, strlen(id), 1);
		ob_printf(b, "  %s:%lu", shown_path(x->file), x->line);
		if (x->fp && dn) {
			rule_cb c = { b, 0 };
			ob_adds(b, "  ");
			each_finding(x->ev, dn, text_rule, &c);
		} else if (x->fp && x->ev && json_object_is_type(x->ev, json_type_object)) {
			json_object *s = NULL, *en = NULL;
			ob_adds(b, "  ");
			if (json_object_object_get_ex(x->ev, "start", &s) &&
			    json_object_object_get_ex(x->ev, "end", &en) && s && en)
				ob_printf(b, "%lld-%lld ", (long long)json_object_get_int64(s),
					  (long long)json_object_get_int64(en));
			text_quoted(b, x->ev);
		}
		while (b->len && b->data[b->len - 1] == ' ')
			b->len--;
		ob_add(b, "\n", 1);
	}
}

static double macro_f1(const stats_confusion *cs, size_t n, size_t stride)
{
	double sum = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		stats_agreement m = stats_agree((const stats_confusion *)((const char *)cs + i * stride));
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
	enum { O_MIN_RECALL = 256, O_MIN_PRECISION, O_LABELS, O_ERRORS };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "labels", required_argument, NULL, O_LABELS },
		{ "errors", no_argument, NULL, O_ERRORS },
		{ "rules", required_argument, NULL, 'r' },
		{ "min-recall", required_argument, NULL, O_MIN_RECALL },
		{ "min-precision", required_argument, NULL, O_MIN_PRECISION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] =
		"Usage: medscreen eval [--format text|json] [--labels FILE]... [--errors]\n"
		"                      [--rules PATH]... [--min-recall X] [--min-precision Y]\n"
		"                      SCANFILE...\n"
		"Compare scan results (medscreen scan --format jsonl) with human labels, carried\n"
		"by the records or joined to them by id from JSON Lines labels files (--labels;\n"
		"then the records' own labels are not used): per dimension and per labelled\n"
		"signal, TP/FP/FN/TN, precision and recall with 95% Wilson intervals, F1 and\n"
		"Cohen's kappa, and macro-F1.  --errors lists each false positive and false\n"
		"negative with its evidence.  --rules names the scanned pack, whose signals\n"
		"labels may name without a warning.  With --min-recall/--min-precision, exit 1\n"
		"when any dimension falls below the threshold.\n";
	evalstate e = { 0 };
	int c, json = 0, ret = EXIT_TROUBLE;
	double min_recall = -1, min_precision = -1;
	out_buf b = { 0 };
	const char **labfiles = NULL;
	size_t nlabfiles = 0, caplabfiles = 0;
	rule_opts ro = { 0 };
	ms_rules *rules = NULL;

	ro.color = COLOR_AUTO;
	while ((c = getopt_long(argc, argv, "f:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
		{
			static const char *const names[] = { "text", "json", NULL };
			json = cli_choice("--format", optarg, names);
			if (json < 0)
				goto out;
			break;
		}
		case O_LABELS:
			cli_grow(&labfiles, &caplabfiles, nlabfiles + 1, sizeof *labfiles);
			labfiles[nlabfiles++] = optarg;
			break;
		case O_ERRORS:
			e.keep_errors = 1;
			break;
		case 'r':
			if (rule_opts_add(&ro, optarg)) {
				cli_error("out of memory");
				goto out;
			}
			break;
		case O_MIN_RECALL:
			if (parse_unit(optarg, "--min-recall", &min_recall))
				goto out;
			break;
		case O_MIN_PRECISION:
			if (parse_unit(optarg, "--min-precision", &min_precision))
				goto out;
			break;
		case 'h':
			fputs(usage, stdout);
			ret = EXIT_CLEAR;
			goto out;
		default:
			fputs(usage, stderr);
			goto out;
		}
	}
	if (optind >= argc) {
		cli_error("eval needs at least one scan file");
		fputs(usage, stderr);
		goto out;
	}
	for (size_t i = 0; i < nlabfiles; i++)
		for (int j = optind; j < argc; j++)
			if (strcmp(labfiles[i], "-") == 0 && strcmp(argv[j], "-") == 0) {
				cli_error("--labels and a scan file cannot both be standard input");
				goto out;
			}
	if (ro.npaths && !(rules = load_rules(&ro)))
		goto out;
	e.use_files = nlabfiles > 0;
	for (size_t i = 0; i < nlabfiles; i++)
		if (read_labels(&e, labfiles[i]))
			goto out;
	if (index_labels(&e))
		goto out;
	for (int i = optind; i < argc; i++)
		if (scan_file_each(argv[i], eval_obj, &e))
			goto out;
	/* Keep the labelled signals, in order of first count, and derive
	 * the true negatives of the records with a list of signals. */
	{
		size_t k = 0;
		for (size_t i = 0; i < e.nsigs; i++) {
			sigstat *s = &e.sigs[i];
			if (!s->labelled) {
				free(s->name);
				errlist_free(&s->errs);
				continue;
			}
			s->lc.tn = e.sig_records - s->lc.tp - s->lc.fp - s->lc.fn;
			s->c.tp += s->lc.tp;
			s->c.fp += s->lc.fp;
			s->c.fn += s->lc.fn;
			s->c.tn += s->lc.tn;
			e.sigs[k++] = *s;
		}
		e.nsigs = k;
		if (k)
			qsort(e.sigs, k, sizeof *e.sigs, cmp_seq);
	}
	/* A labelled name that no record emitted and the pack does not define
	 * is probably a typo. */
	for (size_t i = 0; i < e.nsigs; i++) {
		int known = e.sigs[i].emitted;
		size_t n = rules ? ms_rules_signal_count(rules) : 0;
		for (size_t j = 0; j < n && !known; j++)
			known = strcmp(ms_rules_signal(rules, j)->id, e.sigs[i].name) == 0;
		if (!known)
			cli_warning("labels name signal '%s' that no record emitted", e.sigs[i].name);
	}
	if (nlabfiles) {
		unsigned long unmatched = 0;
		for (size_t i = 0; i < e.nlabs; i++)
			unmatched += !e.labs[i].used;
		if (unmatched)
			cli_warning("%lu id%s of the labels file%s matched no scan record", unmatched,
				    unmatched == 1 ? "" : "s", nlabfiles == 1 ? "" : "s");
		if (e.skipped_unlabelled)
			cli_warning("%lu scan record%s had no labels in the labels file%s",
				    e.skipped_unlabelled, e.skipped_unlabelled == 1 ? "" : "s",
				    nlabfiles == 1 ? "" : "s");
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
		stats_agreement m = stats_agree(&e.dim[d]);
		if ((min_recall >= 0 && !isnan(m.recall) && m.recall < min_recall) ||
		    (min_precision >= 0 && !isnan(m.precision) && m.precision < min_precision))
			ret = EXIT_FINDINGS;
	}
	if (json) {
		ob_printf(&b, "{\"records\":%lu,\"evaluated\":%lu,\"errors\":%lu,\"unlabelled\":%lu,"
			      "\"dimensions\":[",
			  e.records, e.used, e.skipped_error, e.skipped_unlabelled);
		for (int d = 0; d < MS_DIM_COUNT; d++)
			json_row(&b, ms_dimension_name((ms_dimension)d), &e.dim[d], d == 0,
				 e.keep_errors ? &e.dimerrs[d] : NULL,
				 ms_dimension_name((ms_dimension)d));
		ob_adds(&b, "],\"signals\":[");
		for (size_t i = 0; i < e.nsigs; i++)
			json_row(&b, e.sigs[i].name, &e.sigs[i].c, i == 0,
				 e.keep_errors ? &e.sigs[i].errs : NULL, NULL);
		ob_add(&b, "]", 1);
		json_num(&b, "macro_f1_dimensions", macro_f1(e.dim, MS_DIM_COUNT, sizeof(stats_confusion)));
		json_num(&b, "macro_f1_signals",
			 e.nsigs ? macro_f1(&e.sigs[0].c, e.nsigs, sizeof(sigstat)) : NAN);
		ob_adds(&b, "}\n");
		fwrite(b.data, 1, b.len, stdout);
	} else {
		char mf[16];
		printf("%lu records, %lu evaluated (%lu errors, %lu without labels)\n"
		       "positive = not compliant (dimensions) / present (signals)\n\n",
		       e.records, e.used, e.skipped_error, e.skipped_unlabelled);
		text_header("dimension");
		for (int d = 0; d < MS_DIM_COUNT; d++)
			text_row(ms_dimension_name((ms_dimension)d), &e.dim[d]);
		fmt_num(mf, sizeof mf, macro_f1(e.dim, MS_DIM_COUNT, sizeof(stats_confusion)));
		printf("%-22s %s\n", "macro-F1", mf);
		if (e.nsigs) {
			printf("\n");
			text_header("signal");
			for (size_t i = 0; i < e.nsigs; i++)
				text_row(e.sigs[i].name, &e.sigs[i].c);
			fmt_num(mf, sizeof mf, macro_f1(&e.sigs[0].c, e.nsigs, sizeof(sigstat)));
			printf("%-22s %s\n", "macro-F1", mf);
		}
		if (e.keep_errors) {
			size_t before;
			ob_adds(&b, "\nfalse positives (FP) and false negatives (FN)\n");
			before = b.len;
			for (int d = 0; d < MS_DIM_COUNT; d++)
				text_errors(&b, "dimension", ms_dimension_name((ms_dimension)d),
					    &e.dimerrs[d], ms_dimension_name((ms_dimension)d));
			for (size_t i = 0; i < e.nsigs; i++)
				text_errors(&b, "signal", e.sigs[i].name, &e.sigs[i].errs, NULL);
			if (b.len == before)
				ob_adds(&b, "none\n");
			fwrite(b.data, 1, b.len, stdout);
		}
	}
out:
	ob_free(&b);
	for (size_t i = 0; i < e.nsigs; i++) {
		free(e.sigs[i].name);
		errlist_free(&e.sigs[i].errs);
	}
	free(e.sigs);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		errlist_free(&e.dimerrs[d]);
	for (size_t i = 0; i < e.nlabs; i++) {
		free(e.labs[i].id);
		labelset_free(&e.labs[i].ls);
	}
	free(e.labs);
	free(labfiles);
	rule_opts_free(&ro);
	ms_rules_destroy(rules);
	return ret;
}
