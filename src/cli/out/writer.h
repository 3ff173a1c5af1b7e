/* Scan output: one writer per format, each a {name, begin, record, end}.
 * The scan engine calls record() from its worker threads, each with its
 * own buffer, and writes the buffers in input order; begin() and end()
 * frame the document once. */
#ifndef CLI_OUT_WRITER_H
#define CLI_OUT_WRITER_H

#include "buf.h"
#include "medscreen.h"
#include "../io/input.h"

typedef struct out_str {
	char *s;
	size_t len;
} out_str;

/* What the writers need to know about the run. */
typedef struct out_ctx {
	int color;
	const char *fname;          /* input name for text output and multi-file jsonl */
	int with_file;              /* include "file" in jsonl */
	int with_length;            /* include "response_length" in jsonl */
	const ms_rules *rules;
	char fingerprint[65];       /* of the rules (ms_rules_fingerprint) */
	unsigned context;           /* bytes of context around evidence in text output */
	const field_map *fields;    /* where the texts came from: not carried through */
	const char *fail_on;        /* the --fail-on threshold's name */
	out_str *rule_json;         /* jsonl, per rule: {"rule":..,"dimension":..,"severity":.. */
	out_str *rule_msg_json;     /* jsonl, per rule: its message as a JSON string */
	out_str *signal_json;       /* jsonl, per signal: its id as a JSON string */
} out_ctx;

/* Counts of the whole run, for headers and summaries. */
typedef struct scan_totals {
	unsigned long records, flagged, flagged_fail, errors;
	unsigned long unread;     /* input files that could not be opened or read */
	unsigned long findings;   /* all records' findings */
} scan_totals;

typedef void (*out_frame_fn)(out_buf *b, const out_ctx *o, const scan_totals *t);
typedef void (*out_record_fn)(out_buf *b, const out_ctx *o, const in_record *in,
			      unsigned long line, const ms_record *rec, const ms_result *res,
			      const char *error);

typedef struct out_writer {
	const char *name;
	int held;          /* the body waits for the end: begin() needs the totals */
	int sortable;      /* --sort score applies */
	size_t skip;       /* bytes dropped from the held body's start */
	out_frame_fn begin, end;                /* NULL: nothing */
	out_record_fn record;
	void (*prepare)(out_ctx *o);            /* NULL: nothing to prepare */
	void (*release)(out_ctx *o);
} out_writer;

extern const out_writer out_text, out_jsonl, out_csv, out_sarif, out_junit;

/* The writer named by --format's argument; NULL after an error listing
 * the names. */
const out_writer *out_writer_choose(const char *opt, const char *name);

/* The message of an unusable record or of its first rule that could not be
 * evaluated; NULL when there is none. */
const char *out_error_message(const ms_result *res, const char *error);

#endif
