/* Suggestions for mistyped names (see suggest.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "util.h"
#include "xalloc.h"

#define MAX_EDITS 2

size_t edit_distance(const char *a, size_t na, const char *b, size_t nb)
{
	/* Three rows of the dynamic programme: i-2, i-1 and i. */
	size_t *d = xcalloc(3 * (nb + 1), sizeof *d);
	size_t *pp = d, *p = d + nb + 1, *c = d + 2 * (nb + 1), res;

	for (size_t j = 0; j <= nb; j++)
		p[j] = j;
	for (size_t i = 1; i <= na; i++) {
		c[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	res = p[nb];
	free(d);
	return res;
}

const char *suggest_name(const char *word, size_t len, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t bestd = MAX_EDITS + 1;

	for (size_t i = 0; n == (size_t)-1 ? names[i] != NULL : i < n; i++) {
		size_t d = edit_distance(word, len, names[i], strlen(names[i]));
		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	/* Two edits turn any two-letter word into any other. */
	if (!best || bestd == 0 || 2 * bestd >= len)
		return NULL;
	return best;
}

void suggest_option(int argc, char **argv, int optind_now, const struct option *opts)
{
	const char *arg, **names;
	const char *best;
	size_t n = 0, len;

	/* getopt_long has moved past the argument it rejected. */
	if (optind_now < 1 || optind_now > argc)
		return;
	arg = argv[optind_now - 1];
	if (strncmp(arg, "--", 2) != 0 || !arg[2])
		return;
	arg += 2;
	len = strcspn(arg, "=");
	while (opts[n].name)
		n++;
	names = xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		names[i] = opts[i].name;
		/* A known option (missing its value, say) needs no suggestion. */
		if (strlen(names[i]) == len && strncmp(names[i], arg, len) == 0) {
			free(names);
			return;
		}
	}
	best = suggest_name(arg, len, names, n);
	if (best)
		fprintf(stderr, "%s: did you mean '--%s'?\n", cli_prog, best);
	free(names);
}

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *opts,
	       const char *usage)
{
	int c = getopt_long(argc, argv, shortopts, opts, NULL);

	if (c == 'h') {
		fputs(usage, stdout);
		return CLI_OPT_HELP;
	}
	if (c == '?' || c == ':') {
		suggest_option(argc, argv, optind, opts);
		fputs(usage, stderr);
		return CLI_OPT_BAD;
	}
	return c;
}
