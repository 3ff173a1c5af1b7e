/* A strict RFC 4180 reader for the files people edit in a spreadsheet: the
 * review workbooks.  Fields separated by commas, rows by CRLF or LF, quoted
 * fields may hold commas, quotes (doubled) and line breaks; a UTF-8 byte
 * order mark at the start is skipped.  Anything else is an error that names
 * the file and the physical line: a quote inside an unquoted field, text
 * after a closing quote, a quoted field still open at the end, a NUL byte.
 * Blank lines are kept as rows of one empty field, so that row numbers are
 * the spreadsheet's (row 1 the header). */
#ifndef CLI_IO_CSVREAD_H
#define CLI_IO_CSVREAD_H

#include <stddef.h>

typedef struct csv_row {
	char **f;               /* fields, NUL-terminated, owned */
	size_t nf;
	unsigned long line;     /* physical line where the row starts */
} csv_row;

typedef struct csv_table {
	csv_row *rows;
	size_t n, cap;
	int bom;                /* the file started with a byte order mark */
} csv_table;

/* Read a whole file ("-": standard input).  Returns 0, or -1 after an error
 * "path:line: why" (the table is freed then). */
int csv_read_file(const char *path, csv_table *t);
/* The same on a buffer; `shown` names it in errors. */
int csv_read_buf(const char *data, size_t len, const char *shown, csv_table *t);
void csv_table_free(csv_table *t);

#endif
