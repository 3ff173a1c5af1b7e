/* Records in, whatever the input's layout: JSON Lines, one JSON document
 * (an array of records), or CSV with a header row; optionally through a
 * preset that maps an evaluation tool's output to records (presets.h).
 *
 * A reader hands each record to a sink as the text of a JSON object, in
 * input order, with the line where it starts; the scan engine parses it
 * in its worker threads.  Every record of the input reaches the sink,
 * unusable ones included (with `error` or `too_long` set), so that each
 * yields exactly one output record. */
#ifndef CLI_IO_SOURCE_H
#define CLI_IO_SOURCE_H

#include <stdio.h>

#include "input.h"

typedef enum { INPUT_AUTO, INPUT_JSONL, INPUT_JSON, INPUT_CSV } input_format;

typedef struct rec_text {
	const char *text;     /* a JSON object's text; NULL when too_long */
	size_t len;           /* its length; for a record over the limit, the length it had */
	unsigned long line;   /* the input line where the record starts */
	int too_long;         /* longer than --max-record-bytes */
	const char *error;    /* non-NULL: unusable, why (text, if any, still gives id, model) */
	line_reader *reader;  /* the line reader that holds `text`, if any */
} rec_text;

/* Receives each record; `t` and its texts are valid only during the call. */
typedef void (*rec_sink)(void *ctx, const rec_text *t);

struct preset_run;

typedef struct source_cfg {
	input_format format;          /* INPUT_AUTO: from the file name (input_format_of) */
	struct preset_run *preset;    /* NULL: records as they are */
	const field_map *fields;      /* CSV: the columns the header must have */
	size_t max_record;            /* --max-record-bytes */
	unsigned long long consumed;  /* input bytes read so far, all inputs (progress) */
} source_cfg;

/* "jsonl", "json" or "csv"; -1 after an error naming --input-format. */
int input_format_parse(const char *arg, input_format *out);
/* From the name's extension (.jsonl, .ndjson, .json, .csv); JSON Lines otherwise. */
input_format input_format_of(const char *name);
/* The same, INPUT_AUTO when the extension is none of those. */
input_format input_format_of_ext(const char *name);
const char *input_format_name(input_format f);

/* Read all of `f` (named `name` in messages) into the sink.  Returns 0, or
 * -1 after an error message when the input could not be read to its end
 * (the records before the error have reached the sink). */
int source_read(source_cfg *c, FILE *f, const char *name, rec_sink sink, void *ctx);

/* The readers behind source_read (read_json.c, read_csv.c). */
int read_jsonl(source_cfg *c, FILE *f, const char *name, rec_sink sink, void *ctx);
int read_json(source_cfg *c, FILE *f, const char *name, const char *path, rec_sink sink,
	      void *ctx);
int read_csv(source_cfg *c, FILE *f, const char *name, rec_sink sink, void *ctx);

/* The whole of `f` in memory (NUL-terminated); NULL after an error. */
char *source_slurp(FILE *f, const char *name, size_t *len);

#endif
