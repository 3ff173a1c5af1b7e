/* Scan results read back as lrecs, and the reviewers' labels joined to them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "learn.h"
#include "../util.h"
#include "../xalloc.h"
#include "../io/results.h"
#include "../report/eval.h"

const char *l_target_name(int t)
{
	return t == L_OVERALL ? "overall" : ms_dimension_name((ms_dimension)t);
}

static const char *intern(lpool *p, const char *s)
{
	size_t i = strmap_get(&p->map, s);

	if (i != (size_t)-1)
		return p->v[i];
	xgrow(&p->v, &p->cap, p->n + 1, sizeof *p->v);
	p->v[p->n] = xstrdup(s);
	strmap_put(&p->map, p->v[p->n], p->n);
	return p->v[p->n++];
}

static void lrec_free(lrec *r)
{
	free(r->id);
	free(r->sigs);
	free(r->finds);
	free(r->tags);
}

void lset_free(lset *s)
{
	for (size_t i = 0; i < s->n; i++)
		lrec_free(&s->v[i]);
	free(s->v);
	for (size_t i = 0; i < s->pool.n; i++)
		free(s->pool.v[i]);
	free(s->pool.v);
	strmap_free(&s->pool.map);
	memset(s, 0, sizeof *s);
}

typedef struct rctx {
	lset *s;
	const char *path;
	unsigned long line;
} rctx;

static int bad(const rctx *c, const char *field, const char *what)
{
	cli_error("%s:%lu: %s: %s", c->path, c->line, field, what);
	return -1;
}

static json_object *member(json_object *o, const char *k, json_type t)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v) || !v || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static int read_signals(const rctx *c, json_object *obj, lrec *r)
{
	json_object *list = member(obj, "signals", json_type_array);
	json_object *ev = member(obj, "signal_evidence", json_type_object);
	size_t n = list ? json_object_array_length(list) : 0;

	if (!list)
		return bad(c, "signals", "missing or not a list (not a scan result?)");
	r->sigs = xcalloc(n ? n : 1, sizeof *r->sigs);
	for (size_t i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(list, i), *sp, *st;
		if (!x || !json_object_is_type(x, json_type_string))
			return bad(c, "signals", "expected a list of signal names");
		r->sigs[i].name = intern(&c->s->pool, json_object_get_string(x));
		r->sigs[i].start = (size_t)-1;
		sp = ev ? member(ev, r->sigs[i].name, json_type_object) : NULL;
		if (sp && (st = member(sp, "start", json_type_int)))
			r->sigs[i].start = (size_t)json_object_get_int64(st);
		r->sigs[i].in_prompt = sp && member(sp, "on", json_type_string);
	}
	r->nsigs = n;
	return 0;
}

static int read_finding(const rctx *c, json_object *f, lrec *r)
{
	json_object *rule = member(f, "rule", json_type_string);
	json_object *dim = member(f, "dimension", json_type_string);
	json_object *sev = member(f, "severity", json_type_string);
	json_object *ev = member(f, "evidence", json_type_array);
	json_object *kind = member(f, "kind", json_type_string);
	json_object *waived = member(f, "waived", json_type_boolean);
	int d, s;
	lfind *x;

	if (!rule || !dim || !sev)
		return bad(c, "findings", "each finding needs rule, dimension and severity");
	if ((d = ms_dimension_parse(json_object_get_string(dim))) < 0)
		return bad(c, "findings.dimension", "not a dimension");
	if ((s = ms_severity_parse(json_object_get_string(sev))) < 0)
		return bad(c, "findings.severity", "not a severity");
	if ((kind && strcmp(json_object_get_string(kind), "error") == 0) ||
	    (waived && json_object_get_boolean(waived)))
		return 0;
	x = &r->finds[r->nfinds++];
	x->rule = intern(&c->s->pool, json_object_get_string(rule));
	x->dim = d;
	x->weight = ms_severity_weight((ms_severity)s);
	x->nev = ev ? json_object_array_length(ev) : 0;
	r->dimsev[d] += x->weight;
	return 0;
}

static int read_findings(const rctx *c, json_object *obj, lrec *r)
{
	json_object *list = member(obj, "findings", json_type_array);
	size_t n = list ? json_object_array_length(list) : 0;

	if (!list)
		return bad(c, "findings", "missing or not a list (not a scan result?)");
	r->finds = xcalloc(n ? n : 1, sizeof *r->finds);
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(list, i);
		if (!f || !json_object_is_type(f, json_type_object))
			return bad(c, "findings", "expected a list of objects");
		if (read_finding(c, f, r))
			return -1;
	}
	return 0;
}

static int read_dims(const rctx *c, json_object *obj, lrec *r)
{
	json_object *dims = member(obj, "dimensions", json_type_object);

	if (!dims)
		return bad(c, "dimensions", "missing or not an object (not a scan result?)");
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		json_object *v = member(dims, ms_dimension_name((ms_dimension)d), json_type_string);
		r->flag[d] = v && strcmp(json_object_get_string(v), "flagged") == 0;
	}
	return 0;
}

static void read_meta(const rctx *c, json_object *obj, lrec *r)
{
	json_object *v;
	size_t n;

	if ((v = member(obj, "model", json_type_string)))
		r->model = intern(&c->s->pool, json_object_get_string(v));
	if ((v = member(obj, "weights", json_type_string)))
		r->meta_weights = intern(&c->s->pool, json_object_get_string(v));
	r->length = -1;
	if ((v = member(obj, "response_length", json_type_int)))
		r->length = (double)json_object_get_int64(v);
	if ((v = member(obj, "derived_tags", json_type_array))) {
		n = json_object_array_length(v);
		r->tags = xcalloc(n ? n : 1, sizeof *r->tags);
		for (size_t i = 0; i < n; i++) {
			json_object *t = json_object_array_get_idx(v, i);
			if (t && json_object_is_type(t, json_type_string))
				r->tags[r->ntags++] = intern(&c->s->pool, json_object_get_string(t));
		}
	}
}

static int check_pack(const rctx *c, json_object *obj)
{
	json_object *fp = member(obj, "rules_fingerprint", json_type_string);
	const char *f = fp ? json_object_get_string(fp) : "";

	if (strlen(f) >= sizeof c->s->fingerprint)
		return bad(c, "rules_fingerprint", "not a fingerprint");
	if (c->s->n == 0 && !c->s->fingerprint[0])
		strcpy(c->s->fingerprint, f);
	else if (strcmp(c->s->fingerprint, f) != 0)
		return bad(c, "rules_fingerprint",
			   "the records were scanned with different rule packs; scan them again "
			   "with one pack");
	return 0;
}

/* The targets of a record from a labels object. */
static void set_targets(lrec *r, const labelset *ls)
{
	int o = -1, any_bad = 0, all = 1;

	/* labels.overall, parsed as a flat key: only when given. */
	for (size_t i = 0; i < ls->ns; i++)
		if (strcmp(ls->s[i].name, "overall") == 0)
			o = ls->s[i].v;

	for (int d = 0; d < MS_DIM_COUNT; d++) {
		r->y[d] = ls->dim[d] < 0 ? -1 : !ls->dim[d];
		any_bad |= ls->dim[d] == 0;
		all &= ls->dim[d] >= 0;
	}
	if (o >= 0)
		r->y[L_OVERALL] = !o;
	else
		r->y[L_OVERALL] = any_bad ? 1 : all ? 0 : -1;
}

static int own_labels(const rctx *c, json_object *labels, lrec *r)
{
	labelset ls;
	int rc;

	labelset_init(&ls);
	if (!(rc = parse_labels(labels, &ls, c->path, c->line)))
		set_targets(r, &ls);
	labelset_free(&ls);
	return rc;
}

static int parse_rec(const rctx *c, json_object *obj, lrec *r)
{
	json_object *v = NULL, *st;
	const char *id;

	if (!json_object_object_get_ex(obj, "id", &v) || !(id = id_string(v)))
		return bad(c, "id", "missing, or not a string or an integer");
	r->id = xstrdup(id);
	r->file = c->path;
	r->line = c->line;
	for (int t = 0; t < L_TARGETS; t++)
		r->y[t] = -1;
	if (!(st = member(obj, "status", json_type_string)))
		return bad(c, "status", "missing (not a scan result?)");
	if (json_object_object_get_ex(obj, "p_noncompliant", NULL))
		return bad(c, "p_noncompliant",
			   "scanned with --weights, so its score is a fitted one; scan again "
			   "without --weights (the severity score is needed)");
	r->error = strcmp(json_object_get_string(st), "error") == 0;
	r->flagged = strcmp(json_object_get_string(st), "flagged") == 0;
	if ((v = member(obj, "score", json_type_int)))
		r->score = (unsigned)json_object_get_int64(v);
	read_meta(c, obj, r);
	if (r->error)
		return 0;
	if (c->s->own_labels && member(obj, "labels", json_type_object) &&
	    own_labels(c, member(obj, "labels", json_type_object), r))
		return -1;
	if (read_dims(c, obj, r) || read_signals(c, obj, r) || read_findings(c, obj, r))
		return -1;
	return check_pack(c, obj);
}

static int add_rec(json_object *obj, const char *path, unsigned long line, void *ctx)
{
	rctx *c = ctx;
	lset *s = c->s;
	lrec r;

	memset(&r, 0, sizeof r);
	c->line = line;
	c->path = path;
	if (parse_rec(c, obj, &r)) {
		lrec_free(&r);
		return -1;
	}
	if (r.error) {
		s->errors++;
		lrec_free(&r);
		return 0;
	}
	xgrow(&s->v, &s->cap, s->n + 1, sizeof *s->v);
	s->v[s->n++] = r;
	return 0;
}

int lset_read(lset *s, const char *path)
{
	rctx c = { s, path, 0 };

	return scan_file_each(path, add_rec, &c);
}

static int labelled(const lrec *r)
{
	for (int t = 0; t < L_TARGETS; t++)
		if (r->y[t] >= 0)
			return 1;
	return 0;
}

/* Join the labels of e to the records by id. */
static int join(lset *s, evalstate *e)
{
	strmap ids = { 0 };
	int rc = 0;

	for (size_t i = 0; i < s->n; i++) {
		size_t j = strmap_get(&ids, s->v[i].id);
		if (j != (size_t)-1) {
			cli_error("%s:%lu: duplicate id '%s' (first at %s:%lu)", s->v[i].file,
				  s->v[i].line, s->v[i].id, s->v[j].file, s->v[j].line);
			rc = -1;
			break;
		}
		strmap_put(&ids, s->v[i].id, i);
	}
	for (size_t k = 0; !rc && k < e->nlabs; k++) {
		size_t j = strmap_get(&ids, e->labs[k].id);
		if (j == (size_t)-1) {
			cli_error("%s:%lu: id '%s': unknown (in no scan record)", e->labs[k].file,
				  e->labs[k].line, e->labs[k].id);
			rc = -1;
		} else {
			set_targets(&s->v[j], &e->labs[k].ls);
		}
	}
	strmap_free(&ids);
	return rc;
}

int lset_join_labels(lset *s, const char *const *files, size_t nfiles, size_t *nlabelled)
{
	evalstate e;
	int rc = 0;

	memset(&e, 0, sizeof e);
	for (size_t i = 0; !rc && i < nfiles; i++)
		rc = eval_read_labels(&e, files[i]);
	if (!rc && nfiles)
		rc = eval_index_labels(&e) || join(s, &e);
	*nlabelled = 0;
	for (size_t i = 0; i < s->n; i++)
		*nlabelled += (size_t)labelled(&s->v[i]);
	eval_free(&e);
	return rc ? -1 : 0;
}
