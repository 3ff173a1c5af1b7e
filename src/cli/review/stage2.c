/* Stage 2 of the consensus: the workbook of the disagreements, and the
 * verdicts read back from it (see consensus.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "consensus.h"
#include "../util.h"
#include "../xalloc.h"
#include "../out/csv.h"

/* "reviewer 1: note" and "reviewer 2: note", the ones written. */
static void notes_cell(out_buf *b, const char *n1, const char *n2, int last)
{
	out_buf t = { 0 };

	if (*n1)
		ob_printf(&t, "reviewer 1: %s", wb_plain(n1));
	if (*n2)
		ob_printf(&t, "%sreviewer 2: %s", *n1 ? "\n" : "", wb_plain(n2));
	csv_celln(b, t.data, t.len, last);
	ob_free(&t);
}

static void stage2_row(out_buf *b, const wb_layout *l, const consensus *c, size_t i)
{
	const wb_row *x = &c->r[0].rows[i], *y = &c->r[1].rows[c->other[i]];

	(void)l;
	csv_cell(b, wb_plain(x->id), 0);
	csv_cell(b, c->r[0].t.rows[x->row - 1].f[c->r[0].l.check], 0);
	csv_cell(b, wb_plain(x->model), 0);
	csv_cell(b, wb_plain(x->group), 0);
	csv_cell(b, wb_plain(x->weights), 0);
	csv_cell(b, wb_plain(x->prompt_id), 0);
	csv_cell(b, wb_plain(x->sample), 0);
	csv_cell(b, wb_plain(x->prompt), 0);
	csv_cell(b, wb_plain(x->answer), 0);
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		csv_cell(b, wb_verdict_name(x->verdict[d]), 0);
		csv_cell(b, wb_verdict_name(y->verdict[d]), 0);
		notes_cell(b, x->note[d], y->note[d], 0);
		csv_cell(b, wb_verdict_name(c->label[i][d]), 0);
		csv_cell(b, "", d + 1 == MS_DIM_COUNT);
	}
}

void cs_write_stage2(const consensus *c, out_buf *b, int bom)
{
	wb_layout l;

	wb_layout_init(&l, WB_STAGE2);
	if (bom)
		ob_add(b, "\xEF\xBB\xBF", 3);
	wb_write_header(b, &l);
	for (size_t i = 0; i < c->r[0].n; i++)
		if (c->stage[i] == 2)
			stage2_row(b, &l, c, i);
}

/* One dimension of a stage 2 row against stage 1. */
static void adj_dim(consensus *c, const wb_row *a, size_t i, int d)
{
	workbook *w = &c->adj;
	const wb_row *x = &c->r[0].rows[i], *y = &c->r[1].rows[c->other[i]];

	if (a->r1[d] != x->verdict[d] || a->r2[d] != y->verdict[d])
		wb_cell_error(w, a->row, a->r1[d] != x->verdict[d] ? w->l.r1[d] : w->l.r2[d],
			      "the reviewers' verdicts are %s and %s, not as shown here",
			      wb_verdict_name(x->verdict[d]), wb_verdict_name(y->verdict[d]));
	else if (x->verdict[d] == y->verdict[d]) {
		if (a->verdict[d] >= 0 && a->verdict[d] != x->verdict[d])
			wb_cell_error(w, a->row, w->l.verdict[d], "both reviewers said %s: stage 2 "
				      "decides disagreements only", wb_verdict_name(x->verdict[d]));
	} else if (a->verdict[d] >= 0) {
		c->label[i][d] = a->verdict[d];
		c->dim[d].resolved++;
	}
}

size_t cs_stage2(consensus *c, const char *path)
{
	workbook *w = &c->adj;

	c->have_adj = 1;
	if (wb_read(path, 1u << WB_STAGE2, 0, w))
		return wb_problems_done(w);
	for (size_t k = 0; k < w->n; k++) {
		const wb_row *a = &w->rows[k];
		size_t i = strmap_get(&c->r[0].idx, a->id);
		if (i == (size_t)-1 || c->stage[i] != 2) {
			wb_cell_error(w, a->row, w->l.id, "'%s' %s", a->id,
				      i == (size_t)-1 ? "is not in the reviews"
						      : "had no disagreement: it is not a stage 2 record");
			continue;
		}
		for (int d = 0; d < MS_DIM_COUNT; d++)
			adj_dim(c, a, i, d);
	}
	c->unresolved = 0;
	for (size_t i = 0; i < c->r[0].n; i++) {
		int open = 0;
		for (int d = 0; d < MS_DIM_COUNT; d++)
			open |= c->label[i][d] < 0;
		c->unresolved += open;
	}
	return wb_problems_done(w);
}
