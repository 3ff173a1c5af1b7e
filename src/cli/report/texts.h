/* The answer texts of the report's drill-down: the scan results do not
 * repeat the responses, so `report --records FILE...` reads the records
 * that were scanned and joins them to the scan by id.  Only the records the
 * page shows are kept, and their evidence is checked against the text. */
#ifndef CLI_REPORT_TEXTS_H
#define CLI_REPORT_TEXTS_H

#include "../io/input.h"
#include "../io/results.h"

typedef struct answer_text {
	char *resp, *prompt;       /* owned, NUL-terminated; prompt may be NULL */
	size_t resp_len, prompt_len;
	const char *file;          /* the records file and line it came from */
	unsigned long line;
} answer_text;

typedef struct texts {
	answer_text *v;            /* the distinct ids wanted */
	size_t n;
	size_t *of;                /* per scan record: index into v, or (size_t)-1 */
	size_t missing;            /* records shown without a text */
} texts;

/* Read the records files for the scan records marked in `want`; an id with
 * two different texts, or a text its evidence does not match, is an error
 * (file:line; returns -1). */
int texts_read(texts *tx, const scan_set *set, const unsigned char *want,
	       const char *const *files, size_t nfiles, const field_map *fm);
/* The text of scan record k, or NULL. */
const answer_text *texts_of(const texts *tx, size_t k);
void texts_free(texts *tx);

#endif
