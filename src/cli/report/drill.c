/* The report's drill-down lists (see drill.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "../xalloc.h"

#define CLASSES (MS_DIM_COUNT + 1)    /* any dimension, then each one */

typedef struct idxvec {
	size_t *v;
	size_t n, cap;
} idxvec;

static void push(idxvec *x, size_t i)
{
	xgrow(&x->v, &x->cap, x->n + 1, sizeof *x->v);
	x->v[x->n++] = i;
}

static size_t row_of(const strmap *m, const char *name)
{
	return strmap_get(m, name ? name : "(none)");
}

/* Add record k to the lists of its row in table ti: "any" when the record
 * is flagged (a rule's: when the rule fired), and each flagged dimension. */
static void add_record(idxvec *lists, int ti, const report_data *d, const scan_rec *r, size_t k)
{
	static const size_t none = (size_t)-1;
	size_t row = none;

	if (r->status == REC_ERROR)
		return;
	if (ti == 4) {
		for (size_t f = 0; f < r->nfired; f++)
			if (!r->fired[f].error &&
			    (row = strmap_get(&d->rule_idx, r->fired[f].rule)) != none) {
				idxvec *x = &lists[row * CLASSES];
				if (x->n == 0 || x->v[x->n - 1] != k)   /* once per record */
					push(x, k);
			}
		return;
	}
	row = ti == 0 ? row_of(&d->models.idx, r->model)
	      : ti == 1 ? row_of(&d->fams.idx, r->group)
	      : ti == 2 ? row_of(&d->weights.idx, r->weights)
			: row_of(&d->slice_idx, r->prompt_id);
	if (row == none || r->status != REC_FLAGGED)
		return;
	push(&lists[row * CLASSES], k);
	for (int dm = 0; dm < MS_DIM_COUNT; dm++)
		if (r->dim[dm])
			push(&lists[row * CLASSES + 1 + (size_t)dm], k);
}

typedef struct ranked {
	unsigned score;
	size_t k;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
	const ranked *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* A list from the answers of one cell: highest score first, then in the
 * order read, at most dr->max; its index. */
static size_t make_list(drill *dr, const scan_set *set, const idxvec *x, char *id, char *title,
			int rule)
{
	ranked *rk = xcalloc(x->n, sizeof *rk);
	drill_list *l;

	for (size_t i = 0; i < x->n; i++)
		rk[i] = (ranked){ set->v[x->v[i]].score, x->v[i] };
	qsort(rk, x->n, sizeof *rk, cmp_ranked);
	xgrow(&dr->v, &dr->cap, dr->n + 1, sizeof *dr->v);
	l = &dr->v[dr->n];
	*l = (drill_list){ id, title, rule, NULL, NULL, 0, x->n };
	l->n = x->n < dr->max ? x->n : dr->max;
	l->recs = xcalloc(l->n + 1, sizeof *l->recs);
	for (size_t i = 0; i < l->n; i++) {
		l->recs[i] = rk[i].k;
		if (!dr->embed[rk[i].k]) {
			dr->embed[rk[i].k] = 1;
			dr->nembed++;
		}
	}
	free(rk);
	return dr->n++;
}

static const char *class_name(int c)
{
	return c == DRILL_ANY ? "any" : ms_dimension_name((ms_dimension)c);
}

/* The lists of one table, each made once, and its cells' links to them. */
static void table_lists(drill *dr, rtable *t, int ti, const report_data *d, const scan_set *set)
{
	idxvec *lists = xcalloc(t->nrows * CLASSES + 1, sizeof *lists);
	long *made = xcalloc(t->nrows * CLASSES + 1, sizeof *made);

	for (size_t k = 0; k < set->n; k++)
		add_record(lists, ti, d, &set->v[k], k);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			int cl = t->coldrill[c];
			size_t li = r * CLASSES + (size_t)(cl + 1);
			if (cl == DRILL_NONE || lists[li].n == 0)
				continue;
			if (!made[li]) {
				char *id = xasprintf("%s-%zu-%s", t->key, r + 1, class_name(cl));
				char *title = ti == 4 ? xasprintf("rule %s", cellv(t, r, 0))
						      : xasprintf("%s %s \xc2\xb7 %s", t->cols[0], cellv(t, r, 0),
								  cl == DRILL_ANY ? "any dimension" : class_name(cl));
				made[li] = (long)make_list(dr, set, &lists[li], id, title, ti == 4) + 1;
				dr->v[made[li] - 1].focus = ti == 4 ? cellv(t, r, 0)
							    : cl == DRILL_ANY ? NULL : class_name(cl);
			}
			t->cells[r * t->ncols + c].drill = made[li] - 1;
		}
	for (size_t i = 0; i < t->nrows * CLASSES; i++)
		free(lists[i].v);
	free(lists);
	free(made);
}

void drill_build(drill *dr, rtable *tables, const report_data *d, const scan_set *set, size_t max)
{
	memset(dr, 0, sizeof *dr);
	dr->max = max;
	dr->embed = xcalloc(set->n + 1, 1);
	if (!max)
		return;
	for (int ti = 0; ti < REPORT_TABLES; ti++)
		table_lists(dr, &tables[ti], ti, d, set);
}

void drill_free(drill *dr)
{
	for (size_t i = 0; i < dr->n; i++) {
		free(dr->v[i].id);
		free(dr->v[i].title);
		free(dr->v[i].recs);
	}
	free(dr->v);
	free(dr->embed);
}
