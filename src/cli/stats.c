/* Statistics of the command-line program (see stats.h).  Each formula keeps
 * the order of operations it had in the commands it came from, so that
 * printed figures do not move by a last digit. */
#include "config.h"

#include <math.h>

#include "stats.h"

stats_interval stats_wilson(unsigned long k, unsigned long n, double z)
{
	stats_interval iv = { NAN, NAN };
	double p, nn, z2, den, centre, half;

	if (!n)
		return iv;
	nn = (double)n;
	p = (double)k / nn;
	z2 = z * z;
	den = 1.0 + z2 / nn;
	centre = (p + z2 / (2.0 * nn)) / den;
	half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / den;
	iv.lo = centre - half < 0 ? 0 : centre - half;
	iv.hi = centre + half > 1 ? 1 : centre + half;
	return iv;
}

double stats_mcnemar_exact(unsigned long b, unsigned long c)
{
	unsigned long n = b + c, k = b < c ? b : c;
	double sum = 0;

	if (n == 0)
		return 1.0;
	/* Twice the lower tail of Binomial(n, 1/2) at min(b, c), in logs so
	 * that large n neither overflows nor underflows term by term. */
	for (unsigned long i = 0; i <= k; i++)
		sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
			   lgamma((double)(n - i) + 1) - (double)n * log(2.0));
	sum *= 2;
	return sum > 1 ? 1 : sum;
}

double stats_cohen_kappa(const stats_confusion *c)
{
	double n = (double)(c->tp + c->fp + c->fn + c->tn);
	double po, pe;

	if (!(n > 0))
		return NAN;
	po = (double)(c->tp + c->tn) / n;
	pe = ((double)(c->tp + c->fp) * (double)(c->tp + c->fn) +
	      (double)(c->fn + c->tn) * (double)(c->fp + c->tn)) /
	     (n * n);
	/* pe == 1: both raters gave one answer throughout; kappa is undefined. */
	return pe < 1.0 ? (po - pe) / (1.0 - pe) : NAN;
}

stats_agreement stats_agree(const stats_confusion *c)
{
	stats_agreement m;
	double tp = (double)c->tp, fp = (double)c->fp, fn = (double)c->fn;

	m.precision = c->tp + c->fp ? tp / (double)(c->tp + c->fp) : NAN;
	m.recall = c->tp + c->fn ? tp / (double)(c->tp + c->fn) : NAN;
	m.precision_ci = stats_wilson(c->tp, c->tp + c->fp, STATS_Z95);
	m.recall_ci = stats_wilson(c->tp, c->tp + c->fn, STATS_Z95);
	m.f1 = 2.0 * tp + fp + fn > 0 ? 2.0 * tp / (2.0 * tp + fp + fn) : NAN;
	m.kappa = stats_cohen_kappa(c);
	return m;
}

double stats_mean_defined(const double *v, unsigned long n)
{
	double sum = 0;
	unsigned long k = 0;

	for (unsigned long i = 0; i < n; i++)
		if (!isnan(v[i])) {
			sum += v[i];
			k++;
		}
	return k ? sum / (double)k : NAN;
}
