/* The CSV writer (RFC 4180): fields quoted when they must be, rows ended
 * with CRLF, text valid UTF-8.  Used by scan --format csv and report.
 *
 * Spreadsheets run a cell that starts with =, +, -, @, a tab or a carriage
 * return as a formula, and these files are filled with model output, ids
 * and model names that anyone can choose.  Such a cell is written with an
 * apostrophe in front (OWASP's advice for CSV injection), unless it is a
 * plain number ("-0.25", "-3"), which stays a number, or a lone "-". */
#ifndef CLI_OUT_CSV_H
#define CLI_OUT_CSV_H

#include "buf.h"

/* The text of a field as the file holds it, before quoting: an apostrophe
 * in front when it would be a formula, invalid UTF-8 replaced, control
 * characters other than line breaks shown as spaces. */
void csv_text(out_buf *b, const char *s, size_t n);
/* One field, without separator. */
void csv_field(out_buf *b, const char *s, size_t n);
/* One field (NULL: empty) followed by "," or, when last, the row's CRLF. */
void csv_cell(out_buf *b, const char *s, int last);
void csv_celln(out_buf *b, const char *s, size_t n, int last);

#endif
