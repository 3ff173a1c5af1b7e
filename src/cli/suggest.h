/* "Did you mean ...": the nearest of a set of names to a mistyped one, by
 * edit distance (Damerau-Levenshtein, optimal string alignment: an
 * insertion, a deletion, a substitution or a swap of two neighbours each
 * cost 1). */
#ifndef CLI_SUGGEST_H
#define CLI_SUGGEST_H

#include <stddef.h>

struct option;

/* Edit distance between a[0..na) and b[0..nb). */
size_t edit_distance(const char *a, size_t na, const char *b, size_t nb);
/* The name of `names` (NULL-terminated, or the first n when n is not
 * (size_t)-1) nearest to `word`, when near enough to be a likely typo:
 * at most 2 edits, and fewer than half the word's length; else NULL. */
const char *suggest_name(const char *word, size_t len, const char *const *names, size_t n);
/* After getopt_long answered '?': when the offending argument was a long
 * option near a known one, say "did you mean '--NAME'?" on stderr. */
void suggest_option(int argc, char **argv, int optind_now, const struct option *opts);

/* getopt_long as every command uses it: -1 at the end; CLI_OPT_HELP after
 * printing usage to stdout for -h/--help; CLI_OPT_BAD after a mistyped or
 * incomplete option, its suggestion and the usage printed to stderr; else
 * the option for the command to handle (its value in optarg). */
enum { CLI_OPT_HELP = -2, CLI_OPT_BAD = -3 };
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *opts,
	       const char *usage);

#endif
