/* The comparison of medscreen diff (see diff.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "../stats.h"

#include "../util.h"
#include "../rules.h"
#include "../xalloc.h"

static int cmp_keyed(const void *a, const void *b)
{
	return strcmp(((const keyed *)a)->key, ((const keyed *)b)->key);
}

const char *diff_pair_keys(unsigned pair_by)
{
	static char buf[64];
	const char *part[4];
	size_t n = 0;

	if (pair_by & PAIR_MODEL)
		part[n++] = "model";
	if (pair_by & PAIR_PROMPT)
		part[n++] = "prompt_id";
	if (pair_by & PAIR_SAMPLE)
		part[n++] = "sample";
	if (pair_by & PAIR_ID)
		part[n++] = "id";
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",
			 i == 0 ? "" : i + 1 == n ? " and " : ", ", part[i]);
	return buf;
}

/* The baseline's name for a candidate's model. */
static const char *base_model(const diff_result *d, const char *model)
{
	for (size_t i = 0; model && i < d->nrenames; i++)
		if (strcmp(d->renames[i].cand, model) == 0)
			return d->renames[i].base;
	return model;
}

/* The pairing key of a record, from the chosen fields; a record without a
 * prompt_id stands for its id in place of it (or for its line without one). */
static char *pair_key(const diff_result *d, const scan_rec *r, int candidate)
{
	out_buf b = { 0 };
	char *key;

	if (d->pair_by & PAIR_MODEL) {
		const char *m = candidate ? base_model(d, r->model) : r->model;
		ob_printf(&b, "model %s", m ? m : "(none)");
	}
	if (d->pair_by & PAIR_PROMPT) {
		if (r->prompt_id)
			ob_printf(&b, "%sprompt %s", b.len ? ", " : "", r->prompt_id);
		else if (r->id && !(d->pair_by & PAIR_ID))
			ob_printf(&b, "%sid %s", b.len ? ", " : "", r->id);
		else if (!r->id)
			ob_printf(&b, "%s%s line %lu", b.len ? ", " : "", r->file, r->line);
	}
	if (d->pair_by & PAIR_SAMPLE)
		ob_printf(&b, "%ssample %s", b.len ? ", " : "", r->sample ? r->sample : "1");
	if (d->pair_by & PAIR_ID)
		ob_printf(&b, "%sid %s", b.len ? ", " : "", r->id ? r->id : "(none)");
	key = xstrdup(b.data ? b.data : "");
	ob_free(&b);
	return key;
}

static keyed *index_set(const diff_result *d, scan_set *s, int candidate)
{
	keyed *v = xcalloc(s->n, sizeof *v);

	for (size_t i = 0; i < s->n; i++) {
		v[i].rec = &s->v[i];
		v[i].key = pair_key(d, &s->v[i], candidate);
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

static void note_change(changes *ch, const fired_rule *fr, const char *key, const scan_rec *rec)
{
	size_t i = strmap_get(&ch->idx, fr->rule);
	rulechange *rc;

	if (i == (size_t)-1) {
		xgrow(&ch->v, &ch->cap, ch->n + 1, sizeof *ch->v);
		rc = &ch->v[ch->n];
		memset(rc, 0, sizeof *rc);
		rc->rule = fr->rule;
		rc->message = fr->message;
		rc->dimension = fr->dimension;
		rc->severity = fr->severity;
		strmap_put(&ch->idx, fr->rule, ch->n++);
	} else {
		rc = &ch->v[i];
	}
	xgrow(&rc->recs, &rc->caprecs, rc->count + 1, sizeof *rc->recs);
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

/* A pair of usable records with the same key: its dimensions and rules. */
static void compare_pair(diff_result *d, const char *key, const scan_rec *rb, const scan_rec *rc)
{
	for (int k = 0; k < MS_DIM_COUNT; k++) {
		if (rb->dim[k] && rc->dim[k])
			d->ds[k].both++;
		else if (rb->dim[k])
			d->ds[k].base_only++;
		else if (rc->dim[k])
			d->ds[k].cand_only++;
		else
			d->ds[k].neither++;
	}
	for (size_t k = 0; k < rc->nfired; k++)
		if (!rc->fired[k].error && !has_rule(rb, rc->fired[k].rule))
			note_change(&d->added, &rc->fired[k], key, rc);
	for (size_t k = 0; k < rb->nfired; k++)
		if (!rb->fired[k].error && !has_rule(rc, rb->fired[k].rule))
			note_change(&d->removed, &rb->fired[k], key, rb);
}

/* Merge the two sorted indexes; pairs are unique keys on both sides. */
static void pair_up(diff_result *d)
{
	for (size_t i = 0, j = 0; i < d->base.n || j < d->cand.n;) {
		int cmp = i >= d->base.n ? 1 : j >= d->cand.n ? -1 : strcmp(d->kb[i].key, d->kc[j].key);
		keyed *x = cmp <= 0 ? &d->kb[i] : NULL, *y = cmp >= 0 ? &d->kc[j] : NULL;

		if (x && y && !x->dup && !y->dup && x->rec->status != REC_ERROR &&
		    y->rec->status != REC_ERROR) {
			d->npaired++;
			x->paired = y->paired = 1;
			compare_pair(d, x->key, x->rec, y->rec);
		}
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
}

/* The records left over, baseline first, each with the reason. */
static void list_unpaired(diff_result *d)
{
	d->unpaired = xcalloc(d->base.n + d->cand.n + 1, sizeof *d->unpaired);
	for (int side = 0; side < 2; side++) {
		const keyed *v = side ? d->kc : d->kb;
		size_t n = side ? d->cand.n : d->base.n;
		for (size_t i = 0; i < n; i++) {
			unpaired_rec *u;
			if (v[i].paired)
				continue;
			u = &d->unpaired[d->nunpaired++];
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
}

/* Per dimension: rates, change, McNemar's p adjusted by Holm across the
 * dimensions, and the verdict with its reason. */
static void dimension_stats(diff_result *d)
{
	double np = (double)d->npaired, p[MS_DIM_COUNT], adj[MS_DIM_COUNT];

	for (int k = 0; k < MS_DIM_COUNT; k++) {
		dimstat *x = &d->ds[k];
		x->base_rate = d->npaired ? (double)(x->both + x->base_only) / np : 0;
		x->cand_rate = d->npaired ? (double)(x->both + x->cand_only) / np : 0;
		x->delta_pp = 100.0 * (x->cand_rate - x->base_rate);
		p[k] = x->p = stats_mcnemar_exact(x->base_only, x->cand_only);
	}
	if (stats_holm(p, MS_DIM_COUNT, adj))
		xoom();
	for (int k = 0; k < MS_DIM_COUNT; k++) {
		dimstat *x = &d->ds[k];
		/* A small epsilon keeps exact ties at the tolerance from failing. */
		int rise = x->delta_pp > d->tol + 1e-9, significant = adj[k] <= d->alpha;

		x->p_holm = adj[k];
		x->regression = rise && significant;
		if (!rise)
			snprintf(x->why, sizeof x->why, "change %+.1fpp within the tolerance %.1fpp",
				 x->delta_pp, d->tol);
		else if (!significant)
			snprintf(x->why, sizeof x->why, "%+.1fpp, but Holm p %.4f > alpha %g",
				 x->delta_pp, adj[k], d->alpha);
		else
			snprintf(x->why, sizeof x->why, "%+.1fpp > %.1fpp and Holm p %.4f <= alpha %g",
				 x->delta_pp, d->tol, adj[k], d->alpha);
		d->regression |= x->regression;
	}
}

/* The distinct model of a scan, or NULL when it has none or several. */
static const char *only_model(const scan_set *s)
{
	const char *m = NULL;

	for (size_t i = 0; i < s->n; i++) {
		if (!s->v[i].model || s->v[i].status == REC_ERROR)
			continue;
		if (m && strcmp(m, s->v[i].model) != 0)
			return NULL;
		m = s->v[i].model;
	}
	return m;
}

/* With no --rename, two scans of one model each, of other names, are two
 * versions of that model: pair them, and say so. */
static void auto_rename(diff_result *d)
{
	const char *mb, *mc;

	if (!(d->pair_by & PAIR_MODEL) || d->nrenames)
		return;
	mb = only_model(&d->base);
	mc = only_model(&d->cand);
	if (!mb || !mc || strcmp(mb, mc) == 0)
		return;
	d->renames = xcalloc(1, sizeof *d->renames);
	d->renames[0] = (model_rename){ mb, mc };
	d->nrenames = 1;
	d->auto_renamed = 1;
	cli_note("pairing baseline model '%s' with candidate model '%s' (one model in each "
		 "scan; --rename sets other pairings)", mb, mc);
}

/* The rule pack a scan was made with: its one rules_fingerprint, NULL when
 * its records carry none; several is an error. */
static int scan_pack(const scan_set *s, const char *name, const char **out)
{
	*out = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const char *p = s->v[i].pack;
		if (!p)
			continue;
		if (*out && strcmp(*out, p) != 0) {
			cli_error("%s mixes records of two rule packs (%.12s and %.12s, line %lu): "
				  "diff compares scans made with one pack each",
				  name, *out, p, s->v[i].line);
			return -1;
		}
		*out = p;
	}
	return 0;
}

/* The rule ids of a pack and each rule's fingerprint, sorted by id. */
typedef struct rule_fp {
	const char *id;
	char fp[65];
} rule_fp;

static int cmp_rule_fp(const void *a, const void *b)
{
	return strcmp(((const rule_fp *)a)->id, ((const rule_fp *)b)->id);
}

static rule_fp *pack_rules(const ms_rules *r, size_t *n)
{
	rule_fp *v;

	*n = ms_rules_count(r);
	v = xcalloc(*n + 1, sizeof *v);
	for (size_t i = 0; i < *n; i++) {
		v[i].id = ms_rules_get(r, i)->id;
		if (ms_rule_fingerprint(r, i, v[i].fp) != MS_OK)
			xoom();
	}
	qsort(v, *n, sizeof *v, cmp_rule_fp);
	return v;
}

/* Rules added, removed and changed between the two packs given. */
static int rule_changes(diff_result *d)
{
	rule_opts ob = { 0 }, oc = { 0 };
	ms_rules *rb, *rc = NULL;
	rule_fp *vb = NULL, *vc = NULL;
	size_t nb = 0, nc = 0, cap[3] = { 0 };
	int ret = -1;

	rule_opts_add(&ob, d->base_rules_path);
	rule_opts_add(&oc, d->cand_rules_path);
	if (!(rb = load_rules(&ob)) || !(rc = load_rules(&oc)))
		goto done;
	vb = pack_rules(rb, &nb);
	vc = pack_rules(rc, &nc);
	for (size_t i = 0, j = 0; i < nb || j < nc;) {
		int cmp = i >= nb ? 1 : j >= nc ? -1 : strcmp(vb[i].id, vc[j].id);
		if (cmp < 0) {
			xgrow(&d->rules_removed, &cap[1], d->nremoved + 1, sizeof(char *));
			d->rules_removed[d->nremoved++] = xstrdup(vb[i++].id);
		} else if (cmp > 0) {
			xgrow(&d->rules_added, &cap[0], d->nadded + 1, sizeof(char *));
			d->rules_added[d->nadded++] = xstrdup(vc[j++].id);
		} else {
			if (strcmp(vb[i].fp, vc[j].fp) != 0) {
				xgrow(&d->rules_changed, &cap[2], d->nchanged + 1, sizeof(char *));
				d->rules_changed[d->nchanged++] = xstrdup(vb[i].id);
			}
			i++;
			j++;
		}
	}
	ret = 0;
done:
	free(vb);
	free(vc);
	ms_rules_destroy(rb);
	ms_rules_destroy(rc);
	rule_opts_free(&ob);
	rule_opts_free(&oc);
	return ret;
}

/* Two scans made with different packs are not comparable unless asked. */
static int check_packs(diff_result *d)
{
	if (scan_pack(&d->base, d->base_name, &d->base_pack) ||
	    scan_pack(&d->cand, d->cand_name, &d->cand_pack))
		return -1;
	if (!d->base_pack || !d->cand_pack || strcmp(d->base_pack, d->cand_pack) == 0)
		return 0;
	if (!d->allow_pack_change) {
		cli_error("the scans were made with different rule packs (baseline %.12s, candidate "
			  "%.12s): a change of findings may be a change of rules; "
			  "--allow-pack-change compares them anyway",
			  d->base_pack, d->cand_pack);
		return -1;
	}
	cli_warning("the scans were made with different rule packs (baseline %.12s, candidate "
		    "%.12s)", d->base_pack, d->cand_pack);
	if (d->base_rules_path && d->cand_rules_path)
		return rule_changes(d);
	cli_note("--baseline-rules and --candidate-rules (the two packs) list the rules added, "
		 "removed and changed");
	return 0;
}

/* Too little paired to compare: an error that says why. */
static int check_pairing(const diff_result *d)
{
	unsigned long ub = 0, uc = 0, dups = 0, errs = 0;

	for (unsigned long i = 0; i < d->nunpaired; i++) {
		const unpaired_rec *u = &d->unpaired[i];
		*(u->candidate ? &uc : &ub) += 1;
		dups += u->k->dup;
		errs += u->k->rec->status == REC_ERROR;
	}
	if (!d->npaired) {
		cli_error("no record of %s pairs with one of %s by %s (%zu and %zu records; %lu "
			  "with a key that is not unique, %lu in error); see --pair-by and --rename",
			  d->cand_name, d->base_name, diff_pair_keys(d->pair_by), d->cand.n,
			  d->base.n, dups, errs);
		return -1;
	}
	if (!ub && !uc)
		return 0;
	if (!d->allow_unpaired && (2 * ub > d->base.n || 2 * uc > d->cand.n)) {
		cli_error("only %lu pairs: %lu of %zu baseline and %lu of %zu candidate records are "
			  "unpaired by %s (--allow-unpaired compares the pairs anyway)",
			  d->npaired, ub, d->base.n, uc, d->cand.n, diff_pair_keys(d->pair_by));
		return -1;
	}
	cli_warning("%lu baseline and %lu candidate records unpaired by %s (listed in the output)",
		    ub, uc, diff_pair_keys(d->pair_by));
	return 0;
}

int diff_run(diff_result *d)
{
	if (scan_set_read(&d->base, d->base_name) || scan_set_read(&d->cand, d->cand_name) ||
	    check_packs(d))
		return -1;
	auto_rename(d);
	d->kb = index_set(d, &d->base, 0);
	d->kc = index_set(d, &d->cand, 1);
	pair_up(d);
	list_unpaired(d);
	if (check_pairing(d))
		return -1;
	dimension_stats(d);
	if (d->added.n)
		qsort(d->added.v, d->added.n, sizeof *d->added.v, cmp_change);
	if (d->removed.n)
		qsort(d->removed.v, d->removed.n, sizeof *d->removed.v, cmp_change);
	return 0;
}

static void changes_free(changes *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		ob_free(&ch->v[i].where);
		free(ch->v[i].recs);
	}
	free(ch->v);
	strmap_free(&ch->idx);
}

void diff_free(diff_result *d)
{
	for (size_t i = 0; d->kb && i < d->base.n; i++)
		free(d->kb[i].key);
	for (size_t i = 0; d->kc && i < d->cand.n; i++)
		free(d->kc[i].key);
	free(d->kb);
	free(d->kc);
	changes_free(&d->added);
	changes_free(&d->removed);
	free(d->unpaired);
	for (size_t i = 0; i < d->nadded; i++)
		free(d->rules_added[i]);
	for (size_t i = 0; i < d->nremoved; i++)
		free(d->rules_removed[i]);
	for (size_t i = 0; i < d->nchanged; i++)
		free(d->rules_changed[i]);
	free(d->rules_added);
	free(d->rules_removed);
	free(d->rules_changed);
	if (d->auto_renamed)
		free(d->renames);
	scan_set_free(&d->base);
	scan_set_free(&d->cand);
}
