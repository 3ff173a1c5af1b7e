/* Records in: a line reader that bounds memory per line, the field mapping
 * (--field), and JSON record parsing. */
#ifndef CLI_IO_INPUT_H
#define CLI_IO_INPUT_H

#include <stdio.h>
#include <json-c/json.h>

/* Reads lines of any length without holding more than `max` bytes of one:
 * a longer line is consumed and reported as too long. */
typedef struct line_reader {
	FILE *f;
	char *buf;
	size_t len, cap, pos, fill;
	size_t max;
	unsigned long lineno;
	int eof;
} line_reader;

typedef enum { LINE_OK, LINE_EOF, LINE_TOO_LONG, LINE_IO_ERROR } line_status;

void line_reader_init(line_reader *r, FILE *f, size_t max);
/* On LINE_OK, *line and *len hold the line without its newline, valid until the
 * next call.  On LINE_TOO_LONG, *len holds the line's full length. */
line_status line_reader_next(line_reader *r, const char **line, size_t *len);
void line_reader_free(line_reader *r);
/* The line last returned is no longer needed: when the buffer grew far
 * beyond what it still holds (after a huge line), give the room back. */
void line_reader_release_line(line_reader *r);

/* Field mapping: record field name -> path in the input object. */
enum { F_RESPONSE, F_ID, F_MODEL, F_MODEL_GROUP, F_WEIGHTS, F_PROMPT_ID, F_PROMPT, F_SAMPLE,
       F_LABELS, F_TAGS, F_COUNT };

/* Tags a record may carry in its `tags` field. */
#define MAX_RECORD_TAGS 64

typedef struct field_map {
	char *path[F_COUNT];
} field_map;

void field_map_init(field_map *m);
/* "NAME=PATH"; returns -1 with a message on a bad argument. */
int field_map_set(field_map *m, const char *arg);
void field_map_free(field_map *m);
/* The value at a dotted path (numeric segments index arrays); NULL. */
json_object *json_lookup(json_object *obj, const char *path);
extern const char *const field_names[F_COUNT];
/* Names under which records often hold the answer (output, completion,
 * ...): suggested as --field response=NAME.  NULL-terminated. */
extern const char *const answer_fields[];

/* A parsed input record.  Strings point into `obj` (owned). */
typedef struct in_record {
	json_object *obj;
	const char *str[F_COUNT];   /* string fields (sample as text), NULL: absent */
	size_t response_len;
	size_t prompt_len;
	json_object *labels;
	json_object *sample;
	const char *tags[MAX_RECORD_TAGS];  /* its `tags` field */
	size_t ntags;
	char idbuf[32];
	const char *error;          /* non-NULL: the record is unusable */
	/* Set by scan when waivers apply, per finding of the result the
	 * writers get: nonzero when waived, and the waiver's reason. */
	const unsigned char *waived;
	const char *const *waiver;
	/* Set by scan --weights: the fitted probabilities of non-compliance
	 * per dimension, then overall (NAN: no fit); NULL without weights. */
	const double *p_noncompliant;
	char errbuf[256];
} in_record;

/* Parse one line; never fails silently: on error rec->error says why, and
 * whatever could be read (id, model, prompt_id) is kept for the output. */
void in_record_parse(in_record *rec, json_tokener *tok, const field_map *m, const char *line,
		     size_t len);
void in_record_clear(in_record *rec);
/* The line as one record object, checked as in_record_parse does; NULL
 * when it is not one (in_record_parse then says why).  The caller owns it. */
json_object *json_record_object(json_tokener *tok, const char *line, size_t len);

#endif
