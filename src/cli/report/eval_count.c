/* medscreen eval's counting: scan records against labels. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "../util.h"
#include "../xalloc.h"

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
	size_t i = strmap_get(&e->sig_idx, name);

	if (i != (size_t)-1)
		return &e->sigs[i];
	xgrow(&e->sigs, &e->capsigs, e->nsigs + 1, sizeof *e->sigs);
	memset(&e->sigs[e->nsigs], 0, sizeof e->sigs[0]);
	e->sigs[e->nsigs].seq = SIZE_MAX;
	e->sigs[e->nsigs].name = xstrdup(name);
	/* The key is the entry's own copy of the name: it moves with it. */
	strmap_put(&e->sig_idx, e->sigs[e->nsigs].name, e->nsigs);
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
	xgrow(&l->v, &l->cap, l->n + 1, sizeof *l->v);
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

/* What one scan record says, and where it is. */
typedef struct scanned {
	json_object *dims, *psigs, *id, *sev, *findings;
	size_t np;
	const char *path;
	unsigned long line;
} scanned;

static void count_dimensions(evalstate *e, const labelset *ls, const scanned *r)
{
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		json_object *pv = NULL;
		int lab = ls->dim[d], pred;

		if (lab < 0)
			continue;
		json_object_object_get_ex(r->dims, ms_dimension_name((ms_dimension)d), &pv);
		pred = pv && strcmp(json_object_get_string(pv), "flagged") == 0;
		if (pred && !lab) {
			e->dim[d].tp++;
		} else if (pred) {
			e->dim[d].fp++;
			err_add(e, &e->dimerrs[d], 1, r->id, r->path, r->line, r->findings);
		} else if (!lab) {
			e->dim[d].fn++;
			err_add(e, &e->dimerrs[d], 0, r->id, r->path, r->line, NULL);
		} else {
			e->dim[d].tn++;
		}
	}
}

/* The entry of the i-th labelled name, or NULL when an earlier one had
 * the same name. */
static sigstat *labelled_signal(evalstate *e, const labelset *ls, size_t i)
{
	sigstat *st;

	for (size_t j = 0; j < i; j++)
		if (strcmp(ls->s[j].name, ls->s[i].name) == 0)
			return NULL;
	st = sig_count(e, ls->s[i].name);
	st->labelled = 1;
	return st;
}

/* A list of signals: every name listed or predicted is counted; the
 * others are true negatives, derived at the end. */
static void count_signal_list(evalstate *e, const labelset *ls, const scanned *r)
{
	e->sig_records++;
	for (size_t i = 0; i < ls->ns; i++) {
		sigstat *st = labelled_signal(e, ls, i);
		if (st && labelset_signal(ls, st->name))
			count_signal(e, st, &st->lc, 1, has_name(r->psigs, st->name), r->id, r->path,
				     r->line, r->sev);
	}
	for (size_t i = 0; i < r->np; i++) {
		json_object *v = json_object_array_get_idx(r->psigs, i);
		sigstat *st;

		if (!v || !json_object_is_type(v, json_type_string) ||
		    labelset_signal(ls, json_object_get_string(v)))
			continue; /* not a name, or counted from the labels' side */
		st = sig_count(e, json_object_get_string(v));
		count_signal(e, st, &st->lc, 0, 1, r->id, r->path, r->line, r->sev);
	}
}

/* Signals labelled true or false one by one: only those are counted. */
static void count_signal_flags(evalstate *e, const labelset *ls, const scanned *r)
{
	for (size_t i = 0; i < ls->ns; i++) {
		sigstat *st = labelled_signal(e, ls, i);
		if (st)
			count_signal(e, st, &st->c, labelset_signal(ls, st->name) == 1,
				     has_name(r->psigs, st->name), r->id, r->path, r->line, r->sev);
	}
}

/* Count one record.  Signals are evaluated in one pass, so that scan output
 * can be piped in: for records with a list of signals, true and false
 * positives and false negatives are counted per name as names appear, and
 * true negatives are derived at the end from the number of such records.
 * Only names that occur in some record's labels are reported. */
int eval_record(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	evalstate *e = ctx;
	json_object *labels = NULL, *status = NULL;
	scanned r = { .path = path, .line = line };
	labelset own;
	const labelset *ls;
	labent *le = NULL;
	const char *ids;

	e->records++;
	json_object_object_get_ex(obj, "status", &status);
	json_object_object_get_ex(obj, "labels", &labels);
	json_object_object_get_ex(obj, "dimensions", &r.dims);
	json_object_object_get_ex(obj, "signals", &r.psigs);
	json_object_object_get_ex(obj, "id", &r.id);
	json_object_object_get_ex(obj, "signal_evidence", &r.sev);
	json_object_object_get_ex(obj, "findings", &r.findings);
	if (!status || strcmp(json_object_get_string(status), "error") == 0 || !r.dims) {
		e->skipped_error++;
		return 0;
	}
	if (r.psigs && !json_object_is_type(r.psigs, json_type_array))
		r.psigs = NULL;
	r.np = r.psigs ? json_object_array_length(r.psigs) : 0;
	for (size_t i = 0; i < r.np; i++) {
		json_object *v = json_object_array_get_idx(r.psigs, i);
		if (v && json_object_is_type(v, json_type_string))
			sig_get(e, json_object_get_string(v))->emitted = 1;
	}
	ids = id_string(r.id);
	if (ids && e->nlabs)
		le = eval_find_label(e, ids);
	labelset_init(&own);
	if (le) {
		le->used = 1;
		ls = &le->ls;
	} else if (!e->use_files && labels && !json_object_is_type(labels, json_type_null)) {
		/* Present and not null: an object, or an error (never "unlabelled"). */
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
	count_dimensions(e, ls, &r);
	if (ls->list)
		count_signal_list(e, ls, &r);
	else
		count_signal_flags(e, ls, &r);
	labelset_free(&own);
	return 0;
}

void eval_finish(evalstate *e)
{
	size_t k = 0;

	strmap_free(&e->sig_idx);
	for (size_t i = 0; i < e->nsigs; i++) {
		sigstat *s = &e->sigs[i];
		if (!s->labelled) {
			free(s->name);
			errlist_free(&s->errs);
			continue;
		}
		s->lc.tn = e->sig_records - s->lc.tp - s->lc.fp - s->lc.fn;
		s->c.tp += s->lc.tp;
		s->c.fp += s->lc.fp;
		s->c.fn += s->lc.fn;
		s->c.tn += s->lc.tn;
		e->sigs[k++] = *s;
	}
	e->nsigs = k;
	if (k)
		qsort(e->sigs, k, sizeof *e->sigs, cmp_seq);
}

void eval_warn(const evalstate *e, const ms_rules *rules, size_t nlabfiles)
{
	unsigned long unmatched = 0;

	/* A labelled name that no record emitted and the pack does not
	 * define is probably a typo. */
	for (size_t i = 0; i < e->nsigs; i++) {
		int known = e->sigs[i].emitted;
		size_t n = rules ? ms_rules_signal_count(rules) : 0;
		for (size_t j = 0; j < n && !known; j++)
			known = strcmp(ms_rules_signal(rules, j)->id, e->sigs[i].name) == 0;
		if (!known)
			cli_warning("labels name signal '%s' that no record emitted", e->sigs[i].name);
	}
	if (!nlabfiles)
		return;
	for (size_t i = 0; i < e->nlabs; i++)
		unmatched += !e->labs[i].used;
	if (unmatched)
		cli_warning("%lu id%s of the labels file%s matched no scan record", unmatched,
			    unmatched == 1 ? "" : "s", nlabfiles == 1 ? "" : "s");
	if (e->skipped_unlabelled)
		cli_warning("%lu scan record%s had no labels in the labels file%s",
			    e->skipped_unlabelled, e->skipped_unlabelled == 1 ? "" : "s",
			    nlabfiles == 1 ? "" : "s");
}

void eval_free(evalstate *e)
{
	for (size_t i = 0; i < e->nsigs; i++) {
		free(e->sigs[i].name);
		errlist_free(&e->sigs[i].errs);
	}
	free(e->sigs);
	strmap_free(&e->sig_idx);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		errlist_free(&e->dimerrs[d]);
	for (size_t i = 0; i < e->nlabs; i++) {
		free(e->labs[i].id);
		labelset_free(&e->labs[i].ls);
	}
	free(e->labs);
}
