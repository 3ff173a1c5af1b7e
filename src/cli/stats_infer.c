/* Inferential statistics: rank tests, reviewer agreement, ranking quality,
 * logistic regression.  See stats.h for what each computes. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "stats.h"

/* ---------------- ranks ---------------- */

typedef struct keyed {
	double v;
	size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
	const keyed *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Average ranks (1-based) of v into rank, and the sum over tie groups of
 * t^3 - t.  Returns -1 when memory runs out. */
static int average_ranks(const double *v, size_t n, double *rank, double *ties)
{
	keyed *k = malloc((n ? n : 1) * sizeof *k);

	if (!k)
		return -1;
	for (size_t i = 0; i < n; i++)
		k[i] = (keyed){ v[i], i };
	qsort(k, n, sizeof *k, cmp_keyed);
	*ties = 0;
	for (size_t g = 0; g < n;) {
		size_t e = g + 1;
		double t, avg;

		while (e < n && k[e].v == k[g].v)
			e++;
		t = (double)(e - g);
		avg = ((double)g + 1 + (double)e) / 2; /* ranks g+1 .. e */
		for (size_t j = g; j < e; j++)
			rank[k[j].i] = avg;
		*ties += t * t * t - t;
		g = e;
	}
	free(k);
	return 0;
}

/* ---------------- Kruskal-Wallis ---------------- */

int stats_kruskal_wallis(const double *x, const size_t *group, size_t n, size_t ngroups,
			 stats_kruskal *out)
{
	double *rank = malloc((n ? n : 1) * sizeof *rank);
	double *rsum = calloc(ngroups ? ngroups : 1, sizeof *rsum);
	size_t *cnt = calloc(ngroups ? ngroups : 1, sizeof *cnt);
	double ties, nn = (double)n, ssbn = 0, c;
	int rc = -1;

	*out = (stats_kruskal){ NAN, NAN, NAN, 0 };
	if (!rank || !rsum || !cnt || average_ranks(x, n, rank, &ties))
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (group[i] >= ngroups)
			goto done;
		rsum[group[i]] += rank[i];
		cnt[group[i]]++;
	}
	for (size_t g = 0; g < ngroups; g++)
		if (cnt[g]) {
			out->groups++;
			ssbn += rsum[g] * rsum[g] / (double)cnt[g];
		}
	c = n > 1 ? 1 - ties / (nn * nn * nn - nn) : 0;
	if (out->groups < 2 || c <= 0)
		goto done;
	out->h = (12 / (nn * (nn + 1)) * ssbn - 3 * (nn + 1)) / c;
	out->df = (double)(out->groups - 1);
	out->p = gsl_cdf_chisq_Q(out->h, out->df);
	rc = 0;
done:
	free(rank);
	free(rsum);
	free(cnt);
	return rc;
}

/* ---------------- Mann-Whitney ---------------- */

/* P(U >= u) for samples of m and n values without ties: the coefficients
 * of the Gaussian binomial [m+n choose m]_q count the arrangements by U.
 * Built by [N choose j] = [N-1 choose j-1] + q^j [N-1 choose j], all
 * additions of non-negative terms (no cancellation), truncated at degree
 * m*n, beyond which no term reaches the result.  Returns NAN when memory
 * runs out. */
static double mw_exact_sf(size_t m, size_t n, double u)
{
	size_t deg = m * n, w = deg + 1;
	double *g, tail = 0, total = 0;

	if (m > n) {
		size_t t = m;
		m = n;
		n = t;
	}
	g = calloc((m + 1) * w, sizeof *g); /* g[j*w + k]: coefficient k of [N choose j] */
	if (!g)
		return NAN;
	g[0] = 1;
	for (size_t N = 1; N <= m + n; N++)
		for (size_t j = (N < m ? N : m); j >= 1; j--) {
			double *cur = &g[j * w];
			const double *lower = &g[(j - 1) * w];
			/* cur = lower + q^j cur, from the top so cur's old values are read first */
			for (size_t k = deg + 1; k-- > 0;)
				cur[k] = lower[k] + (k >= j ? cur[k - j] : 0);
		}
	for (size_t k = 0; k <= deg; k++) {
		total += g[m * w + k];
		if ((double)k >= u)
			tail += g[m * w + k];
	}
	free(g);
	return tail / total;
}

int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		       stats_mw_method method, stats_mw *out)
{
	size_t n = nx + ny;
	double *all, *rank, ties, r1 = 0, u1, u2, umax, mn = (double)nx * (double)ny;
	int exact;

	*out = (stats_mw){ NAN, NAN, 0 };
	if (!nx || !ny)
		return -1;
	all = malloc(n * sizeof *all);
	rank = malloc(n * sizeof *rank);
	if (!all || !rank || (memcpy(all, x, nx * sizeof *x), memcpy(all + nx, y, ny * sizeof *y),
			      average_ranks(all, n, rank, &ties))) {
		free(all);
		free(rank);
		return -1;
	}
	for (size_t i = 0; i < nx; i++)
		r1 += rank[i];
	free(all);
	free(rank);
	u1 = r1 - (double)nx * ((double)nx + 1) / 2;
	u2 = mn - u1;
	umax = u1 > u2 ? u1 : u2;
	exact = ties == 0 && (method == STATS_MW_EXACT ||
			      (method == STATS_MW_AUTO && (nx <= 8 || ny <= 8)));
	out->u = u1;
	out->exact = exact;
	if (exact) {
		double sf = mw_exact_sf(nx, ny, umax);
		if (isnan(sf))
			return -1;
		out->p = 2 * sf;
	} else {
		double nn = (double)n;
		double s = sqrt(mn / 12 * ((nn + 1) - ties / (nn * (nn - 1))));
		out->p = 2 * gsl_cdf_ugaussian_Q((umax - mn / 2 - 0.5) / s);
	}
	if (out->p > 1)
		out->p = 1;
	return 0;
}

/* ---------------- agreement ---------------- */

double stats_percent_agreement(const stats_pair_table *t)
{
	double n = t->a + t->b + t->c + t->d;

	return n > 0 ? (t->a + t->d) / n : NAN;
}

static stats_estimate estimate(double value, double var, double z)
{
	stats_estimate e = { value, NAN, NAN, NAN };

	if (!isnan(value) && var >= 0) {
		e.se = sqrt(var);
		e.lo = value - z * e.se;
		e.hi = value + z * e.se;
	}
	return e;
}

/* The table as proportions; its total, 0 when empty. */
static double proportions(const stats_pair_table *t, double p[2][2])
{
	double n = t->a + t->b + t->c + t->d;

	if (n > 0) {
		p[0][0] = t->a / n;
		p[0][1] = t->b / n;
		p[1][0] = t->c / n;
		p[1][1] = t->d / n;
	}
	return n > 0 ? n : 0;
}

stats_estimate stats_kappa(const stats_pair_table *t, double z)
{
	double p[2][2], r[2], c[2], po, pe, k, ta = 0, tb = 0, tc;
	double n = proportions(t, p);

	if (n <= 0)
		return estimate(NAN, NAN, z);
	for (int i = 0; i < 2; i++) {
		r[i] = p[i][0] + p[i][1];
		c[i] = p[0][i] + p[1][i];
	}
	po = p[0][0] + p[1][1];
	pe = r[0] * c[0] + r[1] * c[1];
	if (pe >= 1)
		return estimate(NAN, NAN, z);
	k = (po - pe) / (1 - pe);
	/* Fleiss, Cohen and Everitt (1969): the variance under the alternative. */
	for (int i = 0; i < 2; i++) {
		double f = 1 - (r[i] + c[i]) * (1 - k);
		ta += p[i][i] * f * f;
		for (int j = 0; j < 2; j++)
			if (i != j)
				tb += p[i][j] * (c[i] + r[j]) * (c[i] + r[j]);
	}
	tb *= (1 - k) * (1 - k);
	tc = (k - pe * (1 - k)) * (k - pe * (1 - k));
	return estimate(k, (ta + tb - tc) / ((1 - pe) * (1 - pe)) / n, z);
}

stats_estimate stats_gwet_ac1(const stats_pair_table *t, double z)
{
	double p[2][2], pi[2], pa, pe, g, s1 = 0, s2 = 0, v;
	double n = proportions(t, p);

	if (n <= 0)
		return estimate(NAN, NAN, z);
	for (int k = 0; k < 2; k++)
		pi[k] = (p[k][0] + p[k][1] + p[0][k] + p[1][k]) / 2;
	pa = p[0][0] + p[1][1];
	/* Two categories: pe = (1/(q-1)) sum pi_k (1 - pi_k) with q = 2. */
	pe = pi[0] * (1 - pi[0]) + pi[1] * (1 - pi[1]);
	if (pe >= 1)
		return estimate(NAN, NAN, z);
	g = (pa - pe) / (1 - pe);
	/* Gwet (2008), two raters, sampling fraction 0:
	 * var = [pa(1-pa) - 4(1-g)(S1 - pa pe) + 4(1-g)^2 (S2 - pe^2)] / (n (1-pe)^2)
	 * with S1 = sum_k p_kk (1 - pi_k) and S2 = sum_kl p_kl (1 - (pi_k + pi_l)/2)^2. */
	for (int k = 0; k < 2; k++) {
		s1 += p[k][k] * (1 - pi[k]);
		for (int l = 0; l < 2; l++) {
			double f = 1 - (pi[k] + pi[l]) / 2;
			s2 += p[k][l] * f * f;
		}
	}
	v = (pa * (1 - pa) - 4 * (1 - g) * (s1 - pa * pe) + 4 * (1 - g) * (1 - g) * (s2 - pe * pe)) /
	    (n * (1 - pe) * (1 - pe));
	return estimate(g, v < 0 ? 0 : v, z);
}

/* ---------------- ranking quality ---------------- */

int stats_auroc(const double *score, const int *label, size_t n, double *auc)
{
	double *rank = malloc((n ? n : 1) * sizeof *rank), ties, rpos = 0, npos = 0, nneg;

	*auc = NAN;
	if (!rank || average_ranks(score, n, rank, &ties)) {
		free(rank);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (label[i]) {
			rpos += rank[i];
			npos++;
		}
	free(rank);
	nneg = (double)n - npos;
	if (npos > 0 && nneg > 0)
		*auc = (rpos - npos * (npos + 1) / 2) / (npos * nneg);
	return 0;
}

static int cmp_keyed_desc(const void *a, const void *b)
{
	return cmp_keyed(b, a);
}

int stats_average_precision(const double *score, const int *label, size_t n, double *ap)
{
	keyed *k = malloc((n ? n : 1) * sizeof *k);
	double npos = 0, tp = 0, seen = 0, sum = 0, prev_recall = 0;

	*ap = NAN;
	if (!k)
		return -1;
	for (size_t i = 0; i < n; i++) {
		k[i] = (keyed){ score[i], i };
		npos += label[i] != 0;
	}
	qsort(k, n, sizeof *k, cmp_keyed_desc);
	for (size_t g = 0; g < n && npos > 0;) {
		size_t e = g;
		double recall;

		/* One threshold per distinct score: its ties are taken together. */
		while (e < n && k[e].v == k[g].v) {
			tp += label[k[e].i] != 0;
			seen++;
			e++;
		}
		recall = tp / npos;
		sum += (recall - prev_recall) * (tp / seen);
		prev_recall = recall;
		g = e;
	}
	free(k);
	if (npos > 0)
		*ap = sum;
	return 0;
}

/* ---------------- logistic regression ---------------- */

double stats_logit_predict(const double *beta, const double *row, size_t p)
{
	double eta = beta[0];

	for (size_t j = 0; j < p; j++)
		eta += beta[j + 1] * row[j];
	return 1 / (1 + exp(-eta));
}

/* log(1 + exp(eta)) without overflow. */
static double log1pexp(double eta)
{
	return eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta));
}

/* The penalised objective at beta. */
static double logit_loss(const double *x, const double *y, size_t n, size_t p, double lambda,
			 const double *beta)
{
	double loss = 0;

	for (size_t i = 0; i < n; i++) {
		const double *row = &x[i * p];
		double eta = beta[0];
		for (size_t j = 0; j < p; j++)
			eta += beta[j + 1] * row[j];
		loss += log1pexp(eta) - y[i] * eta;
	}
	for (size_t j = 1; j <= p; j++)
		loss += lambda / 2 * beta[j] * beta[j];
	return loss;
}

#define LOGIT_MAX_ITER 100
#define LOGIT_TOL 1e-10

int stats_logit_fit(const double *x, const double *y, size_t n, size_t p, double lambda,
		    double *beta, unsigned *iterations)
{
	size_t q = p + 1;
	gsl_matrix *h = gsl_matrix_alloc(q, q);
	gsl_vector *g = gsl_vector_alloc(q), *d = gsl_vector_alloc(q);
	double *trial = malloc(q * sizeof *trial), *xi = malloc(q * sizeof *xi), loss;
	size_t *nz = malloc(q * sizeof *nz);
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	int rc = -1;
	unsigned it = 0;

	if (!h || !g || !d || !trial || !xi || !nz)
		goto done;
	memset(beta, 0, q * sizeof *beta);
	loss = logit_loss(x, y, n, p, lambda, beta);
	for (it = 1; it <= LOGIT_MAX_ITER; it++) {
		double step = 1, maxd = 0, nl;

		gsl_matrix_set_zero(h);
		gsl_vector_set_zero(g);
		/* Gradient and Hessian (upper triangle) of the log-loss; the
		 * intercept is column 0 of an implicit leading 1. */
		for (size_t i = 0; i < n; i++) {
			const double *row = &x[i * p];
			double mu, w, eta = beta[0], *gd = gsl_vector_ptr(g, 0);
			size_t nnz = 1;
			/* Only the nonzero features add to the sums: sparse
			 * rows (indicator features) cost their nonzeros
			 * squared, not p squared. */
			xi[0] = 1;
			nz[0] = 0;
			for (size_t j = 0; j < p; j++)
				if (row[j] != 0) {
					xi[j + 1] = row[j];
					nz[nnz++] = j + 1;
					eta += beta[j + 1] * row[j];
				}
			mu = 1 / (1 + exp(-eta));
			w = mu * (1 - mu);
			for (size_t k = 0; k < nnz; k++) {
				size_t a = nz[k];
				double wa = w * xi[a];
				double *hrow = gsl_matrix_ptr(h, a, 0);
				gd[a] += (mu - y[i]) * xi[a];
				if (wa != 0)
					for (size_t l = k; l < nnz; l++)
						hrow[nz[l]] += wa * xi[nz[l]];
			}
		}
		for (size_t a = 1; a < q; a++) {
			*gsl_vector_ptr(g, a) += lambda * beta[a];
			*gsl_matrix_ptr(h, a, a) += lambda;
		}
		for (size_t a = 0; a < q; a++)
			for (size_t b = a + 1; b < q; b++)
				gsl_matrix_set(h, b, a, gsl_matrix_get(h, a, b));
		if (gsl_linalg_cholesky_decomp1(h) || gsl_linalg_cholesky_solve(h, g, d))
			goto done;
		/* Newton step, halved until the objective does not rise. */
		for (;;) {
			for (size_t a = 0; a < q; a++)
				trial[a] = beta[a] - step * gsl_vector_get(d, a);
			nl = logit_loss(x, y, n, p, lambda, trial);
			if (nl <= loss + 1e-12 * fabs(loss) || step < 1e-10)
				break;
			step /= 2;
		}
		for (size_t a = 0; a < q; a++) {
			double delta = fabs(trial[a] - beta[a]);
			if (delta > maxd)
				maxd = delta;
		}
		memcpy(beta, trial, q * sizeof *beta);
		loss = nl;
		if (maxd < LOGIT_TOL * (1 + fabs(beta[0]))) {
			rc = 0;
			break;
		}
	}
	if (rc != 0 && it > LOGIT_MAX_ITER)
		rc = 1;
done:
	if (iterations)
		*iterations = it > LOGIT_MAX_ITER ? LOGIT_MAX_ITER : it;
	gsl_set_error_handler(old);
	gsl_matrix_free(h);
	gsl_vector_free(g);
	gsl_vector_free(d);
	free(trial);
	free(xi);
	free(nz);
	return rc;
}

/* ---------------- multiple testing ---------------- */

int stats_holm(const double *p, size_t n, double *adj)
{
	keyed *k = malloc((n ? n : 1) * sizeof *k);
	size_t m = 0;
	double run = 0;

	if (!k)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isnan(p[i]))
			k[m++] = (keyed){ p[i], i };
	qsort(k, m, sizeof *k, cmp_keyed);
	for (size_t i = 0; i < n; i++)
		if (isnan(p[i]))
			adj[i] = NAN;
	for (size_t r = 0; r < m; r++) {
		double v = (double)(m - r) * k[r].v;
		if (v > 1)
			v = 1;
		if (v > run)
			run = v;
		adj[k[r].i] = run;
	}
	free(k);
	return 0;
}

/* ---------------- corrected rates ---------------- */

double stats_rogan_gladen(double observed, double sensitivity, double specificity)
{
	double j = sensitivity + specificity - 1, v;

	if (!(j > 0))
		return NAN;
	v = (observed + specificity - 1) / j;
	return v < 0 ? 0 : v > 1 ? 1 : v;
}
