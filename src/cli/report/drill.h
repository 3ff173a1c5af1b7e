/* The report's drill-down: for each cell that counts answers (a model's or
 * a group's flag rate on a dimension, a prompt's flagged records, a rule's
 * firings), the list of those answers, highest score first, at most `max`
 * of them; and which records the lists show, for the HTML page to embed
 * once each. */
#ifndef CLI_REPORT_DRILL_H
#define CLI_REPORT_DRILL_H

#include "aggregate.h"

typedef struct drill_list {
	char *id;              /* "models-3-safety": the page's #open= target */
	char *title;           /* "model m · safety" */
	int rule;              /* the list of a rule's firings */
	const char *focus;     /* the rule's id or the dimension's name; NULL: any */
	size_t *recs;          /* indices into the scan set, at most max */
	size_t n;
	unsigned long total;   /* all the answers of the cell */
} drill_list;

typedef struct drill {
	drill_list *v;
	size_t n, cap;
	unsigned char *embed;  /* per record of the set: shown in some list */
	size_t nembed;
	size_t max;
} drill;

/* The tables are report_tables' (their data sorted); sets each drilling
 * cell's `drill`.  max 0: no lists.  The lists borrow from the tables. */
void drill_build(drill *dr, rtable *tables, const report_data *d, const scan_set *set,
		 size_t max);
void drill_free(drill *dr);

#endif
