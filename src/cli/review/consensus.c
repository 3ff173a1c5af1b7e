/* The consensus of two reviews (see consensus.h): reading them back against
 * each other, stage 1 and stage 2. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "consensus.h"
#include "../util.h"
#include "../xalloc.h"

/* The cells that must be the same in both reviews, and their columns. */
static int same_record(workbook *wb, const wb_row *a, const wb_row *b)
{
	const struct {
		const char *x, *y;
		int col;
	} f[] = {
		{ a->model, b->model, wb->l.model },   { a->group, b->group, wb->l.group },
		{ a->weights, b->weights, wb->l.weights }, { a->prompt_id, b->prompt_id, wb->l.prompt_id },
		{ a->sample, b->sample, wb->l.sample },
	};
	int ok = 1;

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (strcmp(f[i].x, f[i].y) != 0) {
			wb_cell_error(wb, b->row, f[i].col, "'%s' here, '%s' in %s row %lu", f[i].y,
				      f[i].x, "the first review", a->row);
			ok = 0;
		}
	return ok;
}

/* Pair every row of the first review with the second's; rows in one and
 * not the other are problems. */
static void pair_rows(consensus *c)
{
	workbook *a = &c->r[0], *b = &c->r[1];
	unsigned char *seen = xcalloc(b->n + 1, 1);

	c->other = xcalloc(a->n + 1, sizeof *c->other);
	for (size_t i = 0; i < a->n; i++) {
		size_t k = strmap_get(&b->idx, a->rows[i].id);
		c->other[i] = k;
		if (k == (size_t)-1) {
			wb_cell_error(b, 0, -1, "the record '%s' (%s row %lu) is missing",
				      a->rows[i].id, a->path, a->rows[i].row);
			continue;
		}
		seen[k] = 1;
		same_record(b, &a->rows[i], &b->rows[k]);
	}
	for (size_t k = 0; k < b->n; k++)
		if (!seen[k])
			wb_cell_error(b, b->rows[k].row, b->l.id, "the record '%s' is not in %s (a "
				      "row added, or its id edited in both places?)", b->rows[k].id,
				      a->path);
	free(seen);
}

size_t cs_read(consensus *c, const char *r1, const char *r2)
{
	const unsigned kinds = 1u << WB_SCREENED | 1u << WB_BLIND;
	size_t problems = wb_read(r1, kinds, 1, &c->r[0]);

	problems += wb_read(r2, kinds, 1, &c->r[1]);
	if (problems == 0)
		pair_rows(c);
	return wb_problems_done(&c->r[0]) + wb_problems_done(&c->r[1]);
}

void cs_stage1(consensus *c)
{
	const workbook *a = &c->r[0], *b = &c->r[1];

	c->label = xcalloc(a->n + 1, sizeof *c->label);
	c->stage = xcalloc(a->n + 1, 1);
	for (size_t i = 0; i < a->n; i++) {
		const wb_row *x = &a->rows[i], *y = &b->rows[c->other[i]];
		c->stage[i] = 1;
		for (int d = 0; d < MS_DIM_COUNT; d++) {
			int u = x->verdict[d], v = y->verdict[d];
			stats_pair_table *t = &c->dim[d].t;
			t->a += u && v;
			t->b += u && !v;
			t->c += !u && v;
			t->d += !u && !v;
			c->label[i][d] = (signed char)(u == v ? u : -1);
			if (u != v) {
				c->dim[d].disagreed++;
				c->stage[i] = 2;
			}
		}
		c->stage2 += c->stage[i] == 2;
	}
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		cs_dim *s = &c->dim[d];
		s->agreement = stats_percent_agreement(&s->t);
		s->kappa = stats_kappa(&s->t, STATS_Z95);
		s->ac1 = stats_gwet_ac1(&s->t, STATS_Z95);
	}
	c->unresolved = c->stage2;
}

void cs_free(consensus *c)
{
	wb_free(&c->r[0]);
	wb_free(&c->r[1]);
	if (c->have_adj)
		wb_free(&c->adj);
	free(c->other);
	free(c->label);
	free(c->stage);
}
