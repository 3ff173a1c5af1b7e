/* The CSV writer (see csv.h). */
#include "config.h"

#include <string.h>

#include "csv.h"

/* A decimal number, as written in numeric columns: -?digits[.digits][e[+-]digits]. */
static int plain_number(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (i < n && s[i] == '-')
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		d++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			d++;
	if (d && i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			e++;
		if (!e)
			return 0;
	}
	return d > 0 && i == n;
}

/* Would a spreadsheet read the cell as a formula?  A lone "-" (the
 * report's "no value") has nothing to compute. */
static int formula_like(const char *s, size_t n)
{
	return n > 0 && s[0] && strchr("=+-@\t\r", s[0]) && !plain_number(s, n) &&
	       !(n == 1 && s[0] == '-');
}

void csv_text(out_buf *b, const char *s, size_t n)
{
	if (formula_like(s, n))
		ob_add(b, "'", 1);
	ob_safe_text(b, s, n, 0);
}

void csv_field(out_buf *b, const char *s, size_t n)
{
	out_buf t = { 0 };
	int quote = 0;

	csv_text(&t, s, n);
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
