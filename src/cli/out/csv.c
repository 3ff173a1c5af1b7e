/* The CSV writer (see csv.h). */
#include "config.h"

#include <string.h>

#include "csv.h"

void csv_field(out_buf *b, const char *s, size_t n)
{
	out_buf t = { 0 };
	int quote = 0;

	ob_safe_text(&t, s, n, 0);
	for (size_t i = 0; i < t.len && !quote; i++)
		quote = t.data[i] == ',' || t.data[i] == '"' || t.data[i] == '\n' || t.data[i] == '\r';
	if (quote) {
		ob_add(b, "\"", 1);
		for (size_t i = 0; i < t.len; i++) {
			if (t.data[i] == '"')
				ob_add(b, "\"", 1);
			ob_add(b, t.data + i, 1);
		}
		ob_add(b, "\"", 1);
	} else {
		ob_add(b, t.data, t.len);
	}
	ob_free(&t);
}

void csv_celln(out_buf *b, const char *s, size_t n, int last)
{
	csv_field(b, s ? s : "", s ? n : 0);
	ob_adds(b, last ? "\r\n" : ",");
}

void csv_cell(out_buf *b, const char *s, int last)
{
	csv_celln(b, s, s ? strlen(s) : 0, last);
}
