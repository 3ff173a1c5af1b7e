/* The HTML report: one self-contained page (inline CSS, SVG and a small
 * script; no network).  html.c lays out the page, its header and tables;
 * html_charts.c draws the SVG charts; html_answers.c the drill-down lists
 * and the answers with their evidence marked. */
#ifndef CLI_REPORT_HTML_H
#define CLI_REPORT_HTML_H

#include "aggregate.h"
#include "drill.h"
#include "texts.h"

typedef struct html_ctx {
	const char *date;                /* shown as given */
	const char *const *scans;        /* the scan files */
	size_t nscans;
	const char *const *records;      /* --records files, if any */
	size_t nrecords;
	const char *prompts_file, *rules_desc;   /* --prompts, --rules (or NULL) */
	const char *rules_fingerprint;   /* of --rules' pack, or NULL */
	const char *const *versions;     /* the medscreen versions that made the scans */
	size_t nversions;
	const scan_set *set;
	const report_data *data;         /* sorted by report_tables */
	const drill *drill;
	const texts *texts;              /* NULL without --records */
	const ms_prompts *prompts;       /* NULL without --prompts */
} html_ctx;

/* Cell colour of k flagged of n (see html.c): "#rrggbb", and whether text
 * on it should be white. */
void html_kn_colour(unsigned long k, unsigned long n, char hex[8], int *dark);
/* Escaped text through the XML writer. */
void html_text(out_buf *b, const char *s);
/* The charts, linked to the drill-down lists of the doc's tables. */
void html_charts(out_buf *b, const report_doc *d, const html_ctx *h);
/* The hidden answers and lists, the drill-down panel and its script. */
void html_drill(out_buf *b, const html_ctx *h);

#endif
