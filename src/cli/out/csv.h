/* The CSV writer (RFC 4180): fields quoted when they must be, rows ended
 * with CRLF, text valid UTF-8.  Used by scan --format csv and report. */
#ifndef CLI_OUT_CSV_H
#define CLI_OUT_CSV_H

#include "buf.h"

/* One field, without separator. */
void csv_field(out_buf *b, const char *s, size_t n);
/* One field (NULL: empty) followed by "," or, when last, the row's CRLF. */
void csv_cell(out_buf *b, const char *s, int last);
void csv_celln(out_buf *b, const char *s, size_t n, int last);

#endif
