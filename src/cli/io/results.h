/* Scan results read back from JSON Lines, for report and diff. */
#ifndef CLI_IO_RESULTS_H
#define CLI_IO_RESULTS_H

#include <json-c/json.h>

#include "medscreen.h"

enum { REC_CLEAR, REC_FLAGGED, REC_ERROR };

/* An evidence span of a finding: byte offsets into the response (or the
 * prompt, with on_prompt) and the text as the scan wrote it (cut at 200
 * bytes). */
typedef struct ev_span {
	size_t start, end;
	char *text;
	size_t text_len;
	int on_prompt;
} ev_span;

typedef struct fired_rule {
	char *rule;
	char *message;         /* the rule's message, or NULL */
	ms_severity severity;
	ms_dimension dimension;
	int error;             /* the rule could not be evaluated */
	int missing;           /* kind "missing": something the answer lacks */
	int waived;            /* a waiver applies */
	ev_span *ev;           /* its evidence */
	size_t nev;
} fired_rule;

typedef struct scan_rec {
	char *id, *model, *group, *weights, *prompt_id, *sample;
	char *pack;            /* rules_fingerprint: the pack that scanned it, or NULL */
	char *version;         /* medscreen_version that scanned it, or NULL */
	const char *file;      /* owned by the set */
	unsigned long line;    /* line in the scan file */
	int status;
	unsigned score;
	unsigned char dim[MS_DIM_COUNT];
	fired_rule *fired;
	size_t nfired;
} scan_rec;

typedef struct scan_set {
	scan_rec *v;
	size_t n, cap;
	char **files;
	size_t nfiles;
} scan_set;

/* Call fn for each JSON object of a scan file (stdin for "-"), in order; a
 * line that is not a JSON object is reported with file:line and stops the
 * reading, as does a nonzero return of fn.  Returns 0 or -1. */
typedef int (*scan_obj_fn)(json_object *obj, const char *path, unsigned long line, void *ctx);
int scan_file_each(const char *path, scan_obj_fn fn, void *ctx);
/* The same for any JSON Lines file of objects: `shown` names it in errors,
 * `not_object` says what a line that is not an object should have been, and
 * with skip_blank blank lines are skipped. */
int jsonl_each(const char *path, const char *shown, const char *not_object, int skip_blank,
	       scan_obj_fn fn, void *ctx);

/* Append the records of one scan file; errors are reported with file:line. */
int scan_set_read(scan_set *s, const char *path);
void scan_set_free(scan_set *s);

#endif
