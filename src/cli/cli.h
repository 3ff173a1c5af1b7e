/* Shared declarations of the medscreen command-line program. */
#ifndef MS_CLI_H
#define MS_CLI_H

#include <stdio.h>
#include <json-c/json.h>

#include "medscreen.h"

/* Exit codes, like grep's: each has one meaning (see medscreen(1)). */
enum {
	EXIT_CLEAR = 0,     /* success; nothing at or above the threshold */
	EXIT_FINDINGS = 1,  /* findings (scan), regression (diff), failing example (test) */
	EXIT_TROUBLE = 2    /* usage, rule, prompt or input error */
};

extern const char *ms_prog;

/* Print "medscreen: message" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Colour: decided once per stream from --color and the terminal. */
typedef enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_mode;
int cli_use_color(color_mode m, FILE *f);

/* Grow *arrp (elements of `size` bytes, capacity *cap) to hold `need`
 * elements; exits with status 2 when memory runs out. */
void cli_grow(void *arrp, size_t *cap, size_t need, size_t size);

/* Index of `arg` in the NULL-terminated `names`; otherwise -1, after an
 * error naming the option and the accepted values. */
int cli_choice(const char *opt, const char *arg, const char *const *names);
int cli_parse_color(const char *arg, color_mode *m);

/* Rule and prompt loading shared by the commands. */
typedef struct rule_opts {
	const char **paths;
	size_t npaths;
	const char *prompts;      /* NULL: the installed default when it exists */
	int prompts_given;
	ms_compile_options copts;
	color_mode color;
	size_t nerrors, nwarnings;
} rule_opts;

int rule_opts_add(rule_opts *o, const char *path);
void rule_opts_free(rule_opts *o);
/* Compile the rules (installed pack when no path was given); diagnostics on
 * stderr as file:line:column: level: message.  NULL on failure. */
ms_rules *load_rules(rule_opts *o);
/* NULL without error when no prompt set is configured and none is installed. */
int load_prompts(rule_opts *o, ms_prompts **out);
void print_diag(const ms_diag *d, void *ud);

const char *default_rules_dir(void);
const char *default_prompts_file(void);

/* ---------------- input ---------------- */

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
extern const char *const field_names[F_COUNT];

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
	char errbuf[256];
} in_record;

/* Parse one line; never fails silently: on error rec->error says why, and
 * whatever could be read (id, model, prompt_id) is kept for the output. */
void in_record_parse(in_record *rec, json_tokener *tok, const field_map *m, const char *line,
		     size_t len);
void in_record_clear(in_record *rec);

/* ---------------- output ---------------- */

typedef struct out_buf {
	char *data;
	size_t len, cap;
} out_buf;

void ob_add(out_buf *b, const void *p, size_t n);
void ob_adds(out_buf *b, const char *s);
void ob_printf(out_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A number in decimal, without printf (the JSON Lines writer's hot path). */
void ob_uint(out_buf *b, unsigned long long v);
/* A JSON string literal; invalid UTF-8 becomes U+FFFD. */
void ob_json_str(out_buf *b, const char *s, size_t n);
/* Any json-c value, with the same string rules. */
void ob_json_value(out_buf *b, json_object *v);
/* Text with invalid UTF-8 replaced and control characters escaped, for terminals. */
void ob_safe_text(out_buf *b, const char *s, size_t n, int oneline);
/* A CSV field (RFC 4180), quoted when it must be; valid UTF-8. */
void ob_csv_field(out_buf *b, const char *s, size_t n);
/* XML or HTML text and attribute values, escaped; valid UTF-8. */
void ob_markup(out_buf *b, const char *s, size_t n);
void ob_free(out_buf *b);

typedef enum { FMT_TEXT, FMT_JSONL, FMT_CSV, FMT_SARIF, FMT_JUNIT } out_format;

typedef struct out_str {
	char *s;
	size_t len;
} out_str;

typedef struct out_ctx {
	out_format fmt;
	int color;
	const char *fname;          /* input name for text output and multi-file jsonl */
	int with_file;              /* include "file" in jsonl */
	const ms_rules *rules;
	unsigned context;           /* bytes of context around evidence in text output */
	const field_map *fields;    /* where the texts came from: not carried through */
	out_str *rule_json;         /* per rule: {"rule":..,"dimension":..,"severity":.. */
	out_str *rule_msg_json;     /* per rule: its message as a JSON string */
} out_ctx;

/* Prepare (and release) the per-rule JSON fragments of the jsonl output;
 * without them each finding is formatted in full. */
void out_ctx_prepare(out_ctx *o);
void out_ctx_release(out_ctx *o);

void emit_record(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		 const ms_record *rec, const ms_result *res, const char *error);

/* formats.c: CSV rows, SARIF results and JUnit test cases, one record at a
 * time, and the document parts around them. */
void emit_csv_header(out_buf *b);
void emit_csv(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
	      const ms_record *rec, const ms_result *res, const char *error);
void emit_sarif(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		const ms_record *rec, const ms_result *res, const char *error);
void emit_junit(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		const ms_record *rec, const ms_result *res, const char *error);
void sarif_header(FILE *f, const ms_rules *rules);
void sarif_footer(FILE *f, int successful);
void junit_header(FILE *f, unsigned long tests, unsigned long failures, unsigned long errors);
void junit_footer(FILE *f);

/* ---------------- commands ---------------- */
int cmd_scan(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);

#endif
