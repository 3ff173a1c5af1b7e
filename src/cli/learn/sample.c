/* The review sampling plan: allocation of the reviews to the strata, the
 * seeded draw, the plan file and the expected interval widths. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "sample.h"
#include "../stats.h"
#include "../xalloc.h"
#include "../out/json.h"
#include "../report/table.h"

/* The stratum of model m whose next review lowers the model's worst-case
 * variance most: W_h^2 S_h^2 (1/n_h - 1/(n_h + 1)); an unsampled stratum
 * first.  (size_t)-1 when every record of the model is sampled. */
static size_t best_stratum(const strata *st, size_t m)
{
	size_t best = (size_t)-1;
	double gain = -1;

	for (size_t h = 0; h < st->n; h++) {
		const stratum *x = &st->v[h];
		double g;
		if (x->model_idx != m || x->n >= x->N)
			continue;
		g = x->n == 0 ? INFINITY
			      : (double)x->N * (double)x->N / ((double)x->N - 1) *
					(1 / (double)x->n - 1 / ((double)x->n + 1));
		if (g > gain) {
			gain = g;
			best = h;
		}
	}
	return best;
}

/* The model with the widest expected interval that can still gain a
 * review; (size_t)-1 when none. */
static size_t worst_model(const strata *st)
{
	size_t worst = (size_t)-1;
	double v = -1;

	for (size_t m = 0; m < st->nmodels; m++) {
		double vm = strata_worst_variance(st, m);
		if (isinf(vm)) {
			/* A stratum without a review: the model with the fewest
			 * reviews so far goes first. */
			size_t n = 0;
			for (size_t h = 0; h < st->n; h++)
				if (st->v[h].model_idx == m)
					n += st->v[h].n;
			vm = 1e300 - (double)n * 1e290;
		}
		if (best_stratum(st, m) != (size_t)-1 && vm > v) {
			v = vm;
			worst = m;
		}
	}
	return worst;
}

size_t sample_allocate(strata *st, const sample_opts *o)
{
	size_t used = 0;

	for (size_t h = 0; h < st->n; h++)
		st->v[h].n = 0;
	if (o->budget) {
		/* Every model's widest interval first, one review at a time. */
		size_t m;
		while (used < o->budget && (m = worst_model(st)) != (size_t)-1) {
			st->v[best_stratum(st, m)].n++;
			used++;
		}
		return used;
	}
	for (size_t m = 0; m < st->nmodels; m++) {
		size_t h;
		while ((h = best_stratum(st, m)) != (size_t)-1 &&
		       !(STATS_Z95 * sqrt(strata_worst_variance(st, m)) <= o->halfwidth)) {
			st->v[h].n++;
			used++;
		}
	}
	return used;
}

static void shuffle(size_t *v, size_t n, gsl_rng *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = gsl_rng_uniform_int(rng, i), tmp = v[i - 1];
		v[i - 1] = v[j];
		v[j] = tmp;
	}
}

unsigned char *sample_draw(const strata *st, size_t nrecs, unsigned long seed)
{
	unsigned char *chosen = xcalloc(nrecs ? nrecs : 1, 1);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	if (!rng)
		xoom();
	gsl_rng_set(rng, seed);
	for (size_t h = 0; h < st->n; h++) {
		const stratum *x = &st->v[h];
		size_t *m = xmalloc((x->N ? x->N : 1) * sizeof *m);
		memcpy(m, x->members, x->N * sizeof *m);
		shuffle(m, x->N, rng);
		for (size_t j = 0; j < x->n; j++)
			chosen[m[j]] = 1;
		free(m);
	}
	gsl_rng_free(rng);
	return chosen;
}

void sample_write_plan(out_buf *b, const lset *s, const strata *st, const unsigned char *chosen,
		       unsigned long seed)
{
	for (size_t i = 0; i < s->n; i++) {
		const stratum *x = &st->v[st->rec_stratum[i]];
		json_w w;
		if (!chosen[i])
			continue;
		jw_init(&w, b);
		jw_obj(&w);
		jw_key(&w, "id"), jw_str(&w, s->v[i].id);
		jw_key(&w, "model"), jw_str(&w, x->model);
		jw_key(&w, "stratum"), jw_str(&w, x->name);
		jw_key(&w, "stratum_size"), jw_uint(&w, x->N);
		jw_key(&w, "stratum_sample"), jw_uint(&w, x->n);
		jw_key(&w, "seed"), jw_uint(&w, seed);
		jw_key(&w, "medscreen_version"), jw_str(&w, ms_version());
		jw_key(&w, "rules_fingerprint"), jw_str(&w, s->fingerprint);
		jw_obj_end(&w);
		ob_add(b, "\n", 1);
	}
}

void sample_tables(const strata *st, rtable *models, rtable *strat)
{
	table_init(models, "Reviews per model, and the expected 95% half-width of each of its "
			   "dimension rates (at most: worst case p = 1/2)",
		   "models", NULL);
	table_col(models, "model", 0);
	table_col(models, "records", 1);
	table_col(models, "sampled", 1);
	table_col(models, "halfwidth", 1);
	for (size_t m = 0; m < st->nmodels; m++) {
		size_t N = 0, n = 0, row = table_row(models);
		double v = strata_worst_variance(st, m);
		for (size_t h = 0; h < st->n; h++)
			if (st->v[h].model_idx == m)
				N += st->v[h].N, n += st->v[h].n;
		cell(models, row, 0, "%s", st->models[m]);
		cell(models, row, 1, "%zu", N);
		cell(models, row, 2, "%zu", n);
		if (isinf(v))
			cell(models, row, 3, "-");
		else
			cell(models, row, 3, "%.3f", STATS_Z95 * sqrt(v));
	}
	table_init(strat, "Strata (model|status[-score band])", "strata", NULL);
	table_col(strat, "stratum", 0);
	table_col(strat, "records", 1);
	table_col(strat, "sampled", 1);
	for (size_t h = 0; h < st->n; h++) {
		size_t row = table_row(strat);
		cell(strat, row, 0, "%s", st->v[h].name);
		cell(strat, row, 1, "%zu", st->v[h].N);
		cell(strat, row, 2, "%zu", st->v[h].n);
	}
}
