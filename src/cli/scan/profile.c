/* --profile tables (see profile.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "profile.h"
#include "../xalloc.h"

typedef const ms_profile_entry *(*profile_fn)(const ms_scanner *);
typedef const char *(*name_fn)(const ms_rules *, size_t);

static const char *signal_name(const ms_rules *r, size_t i)
{
	return ms_rules_signal(r, i)->id;
}

static const char *rule_name(const ms_rules *r, size_t i)
{
	return ms_rules_get(r, i)->id;
}

static ms_profile_entry *sum_profiles(ms_scanner *const *sc, int nw, size_t n, profile_fn get)
{
	ms_profile_entry *sum = xcalloc(n, sizeof *sum);

	for (int w = 0; w < nw; w++) {
		const ms_profile_entry *p = get(sc[w]);
		for (size_t i = 0; i < n; i++) {
			sum[i].nanoseconds += p[i].nanoseconds;
			sum[i].evaluations += p[i].evaluations;
			sum[i].runs += p[i].runs;
			sum[i].matches += p[i].matches;
		}
	}
	return sum;
}

/* Indices of sum, slowest first (insertion sort: a few hundred at most). */
static size_t *slowest_first(const ms_profile_entry *sum, size_t n)
{
	size_t *order = xcalloc(n, sizeof *order);

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = 1; i < n; i++) {
		size_t k = order[i], j = i;
		while (j > 0 && sum[order[j - 1]].nanoseconds < sum[k].nanoseconds) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	return order;
}

static void print_table(ms_scanner *const *sc, int nw, const ms_rules *r, size_t n, profile_fn get,
			name_fn name, const char *const head[5])
{
	ms_profile_entry *sum = sum_profiles(sc, nw, n, get);
	size_t *order = slowest_first(sum, n);

	fprintf(stderr, "%-30s %10s %12s %12s %9s %10s\n", head[0], "ms", head[1], head[2],
		head[3], head[4]);
	for (size_t i = 0; i < n; i++) {
		const ms_profile_entry *e = &sum[order[i]];
		fprintf(stderr, "%-30s %10.2f %12llu %12llu %8.1f%% %10llu\n", name(r, order[i]),
			e->nanoseconds / 1e6, (unsigned long long)e->evaluations,
			(unsigned long long)e->runs,
			e->evaluations ? 100.0 * (double)e->runs / (double)e->evaluations : 0.0,
			(unsigned long long)e->matches);
	}
	fputc('\n', stderr);
	free(sum);
	free(order);
}

void print_profile(ms_scanner *const *sc, int n, const ms_rules *r)
{
	static const char *const sig_head[5] = { "signal", "regex evals", "regex runs", "pass %",
						  "matches" };
	static const char *const rule_head[5] = { "rule", "in scope", "when held", "when %",
						   "fired" };

	print_table(sc, n, r, ms_rules_signal_count(r), ms_scanner_profile, signal_name, sig_head);
	print_table(sc, n, r, ms_rules_count(r), ms_scanner_rule_profile, rule_name, rule_head);
}
