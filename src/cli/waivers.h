/* Waivers: findings a team has reviewed and accepted, so that they stop
 * failing a release check without being hidden.  A YAML file:
 *
 *   waivers:
 *     - rule: SAF-EMERGENCY-FAILSAFE     # a rule id or glob
 *       record: v2.E1.s1                 # a record id, or model and prompt_id:
 *       # model: medtune-7b
 *       # prompt_id: E1
 *       reason: The answer sends the person to the emergency department.
 *       accepted_by: A. Reviewer
 *       expires: 2027-06-30              # YYYY-MM-DD; after it the waiver lapses
 *
 * A waived finding stays in the output (JSON Lines "waived": true with the
 * reason, a SARIF suppression) and does not count towards the record's
 * status, score, flagged dimensions or the exit status.  Lapsed waivers and
 * waivers that matched nothing are reported at the end of a scan. */
#ifndef CLI_WAIVERS_H
#define CLI_WAIVERS_H

#include <stdatomic.h>
#include <stddef.h>

#include "medscreen.h"

typedef struct waiver {
	char *rule, *record, *model, *prompt_id, *reason, *accepted_by;
	char expires[11];        /* YYYY-MM-DD */
	int lapsed;              /* expired before today */
	unsigned long line;      /* in the waiver file */
	atomic_ulong used;       /* findings it waived (workers count in parallel) */
} waiver;

typedef struct waiver_set {
	waiver *v;
	size_t n;
	char *path;
} waiver_set;

/* Read a waiver file; `today` is YYYY-MM-DD.  -1 after an error naming the
 * file, line and column (nothing is kept then). */
int waivers_load(waiver_set *ws, const char *path, const char *today);
void waivers_free(waiver_set *ws);
/* The waiver in force for this rule on this record, or NULL; counts its use. */
const waiver *waiver_find(waiver_set *ws, const char *rule, const char *record,
			  const char *model, const char *prompt_id);
/* Say on standard error which waivers lapsed and which matched nothing. */
void waivers_report(const waiver_set *ws);
/* Today's date as YYYY-MM-DD (local time), or $MEDSCREEN_TODAY when set
 * (reproducible runs and tests). */
void waivers_today(char out[11]);

#endif
