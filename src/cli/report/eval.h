/* medscreen eval's counting: agreement between scan results and human labels, carried
 * by the scanned records ("labels") or joined to them by id from labels
 * files (--labels).  A positive is a non-compliant answer (for dimensions)
 * or a present signal.  With labels files, the labels the records carry are
 * not used: a record without an entry in the files is unlabelled (datasets
 * often carry "labels" of their own, in another scheme).
 *
 * Label shapes, in records and in labels files alike:
 *   {"dimensions": {dim: 1|0|true|false}, "signals": [names present]}
 *   {"signals": {name: true|false|1|0}}
 *   {name-or-dimension: true|false|1|0, ...}   (flat; a dimension name is a
 *                                               dimension verdict, 1 compliant)
 * and mixtures of these.  With a list of signals, a signal not listed that
 * some other record labels counts as absent; with an object of booleans or
 * flat keys, only the signals named are labelled for that record. */
#ifndef CLI_REPORT_EVAL_H
#define CLI_REPORT_EVAL_H

#include <json-c/json.h>

#include "medscreen.h"
#include "../stats.h"
#include "../strmap.h"
#include "../out/buf.h"

typedef struct siglab {
	char *name;
	int v;            /* 1 present, 0 absent */
} siglab;

typedef struct labelset {
	signed char dim[MS_DIM_COUNT];  /* -1 not labelled, 0 not compliant, 1 compliant */
	int has_sigs;     /* some signal is labelled */
	int list;         /* "signals" is a list: the unlisted labelled signals are absent */
	siglab *s;
	size_t ns, cap;
} labelset;

/* One entry of a labels file. */
typedef struct labent {
	char *id;
	const char *file;
	unsigned long line;
	size_t seq;
	labelset ls;
	int used;
} labent;

/* A false positive or false negative kept for --errors. */
typedef struct errent {
	int fp;
	json_object *id;        /* reference, or NULL */
	const char *file;
	unsigned long line;
	json_object *ev;        /* signal: its signal_evidence entry; dimension: the findings */
} errent;

typedef struct errlist {
	errent *v;
	size_t n, cap;
} errlist;

typedef struct sigstat {
	char *name;
	stats_confusion c;      /* records with boolean signal labels */
	stats_confusion lc;     /* records with a list of signals: tn is derived at the end */
	int labelled;     /* the name occurs in some record's labels */
	int emitted;      /* some scan record has it in "signals" */
	size_t seq;       /* order of first count: the order of the tables */
	errlist errs;
} sigstat;

typedef struct evalstate {
	stats_confusion dim[MS_DIM_COUNT];
	errlist dimerrs[MS_DIM_COUNT];
	sigstat *sigs;
	size_t nsigs, capsigs;
	strmap sig_idx;              /* name -> index of sigs, while counting */
	unsigned long records, used, skipped_error, skipped_unlabelled;
	unsigned long sig_records;   /* evaluated records whose labels list signals */
	labent *labs;                /* from --labels, sorted by id */
	size_t nlabs, caplabs;
	int keep_errors;
	int use_files;               /* --labels given: the files alone are the labels */
	size_t nextseq;
} evalstate;

/* ---- labels (eval_labels.c) ---- */

void labelset_init(labelset *ls);
void labelset_free(labelset *ls);
/* A labelled signal of ls: 1 present, 0 absent, -1 not labelled here. */
int labelset_signal(const labelset *ls, const char *name);
/* Read one labels object into ls; errors name path:line and the field. */
int parse_labels(json_object *labels, labelset *ls, const char *path, unsigned long line);
/* The id as a string: strings as they are, integers in decimal; NULL for
 * anything else. */
const char *id_string(json_object *id);
/* "(stdin)" for "-". */
const char *shown_path(const char *path);
/* Read one labels file (--labels) into e->labs. */
int eval_read_labels(evalstate *e, const char *path);
/* Sort the labels by id; a duplicate id is an error naming both lines. */
int eval_index_labels(evalstate *e);
labent *eval_find_label(evalstate *e, const char *id);

/* ---- counting (eval_count.c) ---- */

/* Count one scan record (a scan_obj_fn). */
int eval_record(json_object *obj, const char *path, unsigned long line, void *ctx);
/* After the last record: keep the labelled signals, in order of first
 * count, with the true negatives of list-labelled records derived. */
void eval_finish(evalstate *e);
/* Warnings about labels that matched nothing; rules may be NULL. */
void eval_warn(const evalstate *e, const ms_rules *rules, size_t nlabfiles);
void eval_free(evalstate *e);

/* ---- output (eval_out.c) ---- */

void eval_render_json(out_buf *b, const evalstate *e);
void eval_render_text(out_buf *b, const evalstate *e);

#endif
