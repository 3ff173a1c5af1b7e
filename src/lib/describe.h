/* What the compiler made of a signal's regexes, for the command-line
 * program's `rules --format json` and the tests.  Not part of the public
 * API (medscreen.h): the prefilter is an implementation detail that may
 * change with any release.  The function is exported only so that a
 * program linked to the shared library finds it. */
#ifndef MS_DESCRIBE_H
#define MS_DESCRIBE_H

#include "medscreen.h"

/* The required sets of regex `pattern` of named signal `signal` (indexed
 * like ms_rules_signal() and its patterns): every match contains a string
 * of each set, so a text lacking one is skipped.  The first set is the
 * prefilter's literals.  Each set is a NULL-terminated list of normalised
 * strings, borrowed from the rule set.  Returns how many (*sets receives
 * them), 0 when the regex runs on every text. */
MS_API size_t ms_signal_required_sets(const ms_rules *rules, size_t signal, size_t pattern,
				      const char *const *const **sets);

#endif
