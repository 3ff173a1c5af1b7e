/* Strata: model x status x score band. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strata.h"
#include "../xalloc.h"

static const char *model_of(const lrec *r)
{
	return r->model ? r->model : "(none)";
}

void stratum_name(const lrec *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s|%s", model_of(r),
		 !r->flagged ? "clear" : r->score >= L_BAND_CUT ? "flagged-high" : "flagged-low");
}

static size_t model_index(strata *st, const char *model)
{
	for (size_t i = 0; i < st->nmodels; i++)
		if (strcmp(st->models[i], model) == 0)
			return i;
	xgrow(&st->models, &st->capmodels, st->nmodels + 1, sizeof *st->models);
	st->models[st->nmodels] = model;
	return st->nmodels++;
}

void strata_build(strata *st, const lset *s)
{
	char name[1024];

	memset(st, 0, sizeof *st);
	st->rec_stratum = xmalloc((s->n ? s->n : 1) * sizeof *st->rec_stratum);
	for (size_t i = 0; i < s->n; i++) {
		size_t h;
		stratum *x;

		stratum_name(&s->v[i], name, sizeof name);
		h = strmap_get(&st->idx, name);
		if (h == (size_t)-1) {
			xgrow(&st->v, &st->cap, st->n + 1, sizeof *st->v);
			h = st->n++;
			memset(&st->v[h], 0, sizeof st->v[h]);
			st->v[h].name = xstrdup(name);
			st->v[h].model = model_of(&s->v[i]);
			st->v[h].model_idx = model_index(st, st->v[h].model);
			strmap_put(&st->idx, st->v[h].name, h);
		}
		x = &st->v[h];
		xgrow(&x->members, &x->cap, x->N + 1, sizeof *x->members);
		x->members[x->N++] = i;
		st->rec_stratum[i] = h;
	}
}

void strata_free(strata *st)
{
	for (size_t h = 0; h < st->n; h++) {
		free(st->v[h].name);
		free(st->v[h].members);
	}
	free(st->v);
	free(st->models);
	free(st->rec_stratum);
	strmap_free(&st->idx);
	memset(st, 0, sizeof *st);
}

double strata_worst_variance(const strata *st, size_t model)
{
	double nm = 0, v = 0;

	for (size_t h = 0; h < st->n; h++)
		if (st->v[h].model_idx == model)
			nm += (double)st->v[h].N;
	for (size_t h = 0; h < st->n; h++) {
		const stratum *x = &st->v[h];
		double w, s2;
		if (x->model_idx != model || x->n >= x->N)
			continue;
		if (x->n == 0)
			return INFINITY;
		w = (double)x->N / nm;
		/* S^2 of a 0/1 population of N_h with half ones. */
		s2 = 0.25 * (double)x->N / (double)(x->N - 1);
		v += w * w * (1 - (double)x->n / (double)x->N) * s2 / (double)x->n;
	}
	return v;
}
