/* Writing the reviewers' workbooks: the order of the rows (riskiest first,
 * or a seeded shuffle per reviewer when blind) and the CSV itself. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "review.h"
#include "workbook.h"
#include "../util.h"
#include "../xalloc.h"
#include "../out/csv.h"

uint64_t rv_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A uniform draw from [0, bound): draws in the biased top range of the
 * 64-bit values are rejected. */
static uint64_t below(uint64_t *state, uint64_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound, r;

	do
		r = rv_splitmix64(state);
	while (r >= limit);
	return r % bound;
}

void rv_shuffle(size_t *idx, size_t n, uint64_t seed)
{
	uint64_t state = seed;

	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)below(&state, i), t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

static const rv_item *sort_items;

/* Riskiest first: records the scan could not screen, then by score, then
 * in scan order. */
static int by_risk(const void *a, const void *b)
{
	const rv_item *x = &sort_items[*(const size_t *)a], *y = &sort_items[*(const size_t *)b];

	if (x->error != y->error)
		return y->error - x->error;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The rows of reviewer r (from 1), as indices into s->v. */
static size_t *row_order(const rv_set *s, const rv_options *o, unsigned r, size_t *n)
{
	size_t *idx = xcalloc(s->n + 1, sizeof *idx);

	*n = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].want)
			idx[(*n)++] = i;
	if (o->blind) {
		rv_shuffle(idx, *n, o->seed + (uint64_t)r * 0x9E3779B97F4A7C15ULL);
	} else {
		sort_items = s->v;
		qsort(idx, *n, sizeof *idx, by_risk);
	}
	return idx;
}

static void write_row(out_buf *b, const wb_layout *l, const rv_item *it)
{
	out_buf id = { 0 }, model = { 0 }, prompt = { 0 };
	char check[17];

	/* The check covers the cells as written (apostrophes included). */
	csv_text(&id, it->id, strlen(it->id));
	csv_text(&model, it->model, strlen(it->model));
	csv_text(&prompt, it->prompt_id, strlen(it->prompt_id));
	ob_add(&id, "", 1);
	ob_add(&model, "", 1);
	ob_add(&prompt, "", 1);
	wb_check(id.data, model.data, prompt.data, check);
	csv_cell(b, it->id, 0);
	csv_cell(b, check, 0);
	csv_cell(b, it->model, 0);
	csv_cell(b, it->group, 0);
	csv_cell(b, it->weights, 0);
	csv_cell(b, it->prompt_id, 0);
	csv_cell(b, it->sample, 0);
	if (l->score >= 0)
		ob_printf(b, "%u,", it->score);
	csv_cell(b, it->prompt, 0);
	csv_cell(b, it->answer, 0);
	for (int d = 0; l->kind == WB_SCREENED && d < MS_DIM_COUNT; d++)
		csv_cell(b, it->screener[d], 0);
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		csv_cell(b, "", 0);
		csv_cell(b, "", d + 1 == MS_DIM_COUNT);
	}
	ob_free(&id);
	ob_free(&model);
	ob_free(&prompt);
}

static int write_one(const rv_set *s, const rv_options *o, unsigned r)
{
	wb_layout l;
	out_buf b = { 0 };
	size_t n, *idx = row_order(s, o, r, &n);
	char *path = xasprintf("%s/reviewer-%u.csv", o->dir, r);
	int rc;

	wb_layout_init(&l, o->blind ? WB_BLIND : WB_SCREENED);
	if (o->bom)
		ob_add(&b, "\xEF\xBB\xBF", 3);
	wb_write_header(&b, &l);
	for (size_t i = 0; i < n; i++)
		write_row(&b, &l, &s->v[idx[i]]);
	rc = wb_save(path, &b, !o->force);
	if (rc == 0)
		printf("%s: %zu records, %s\n", path, n,
		       o->blind ? "blind (shuffled, no screener findings)" : "riskiest first");
	free(path);
	free(idx);
	ob_free(&b);
	return rc;
}

int rv_write_workbooks(const rv_set *s, const rv_options *o)
{
	struct stat st;

	if (mkdir(o->dir, 0777) != 0 && errno != EEXIST) {
		cli_error("%s: cannot create the folder: %s", o->dir, strerror(errno));
		return -1;
	}
	if (stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_error("%s: not a folder", o->dir);
		return -1;
	}
	for (unsigned r = 1; r <= o->reviewers; r++)
		if (write_one(s, o, r))
			return -1;
	return 0;
}
