/* The XML writer (see xml.h). */
#include "config.h"

#include <string.h>

#include "xml.h"

void xml_text(out_buf *b, const char *s, size_t n)
{
	out_buf t = { 0 };

	ob_safe_text(&t, s, n, 0);
	for (size_t i = 0; i < t.len; i++) {
		switch (t.data[i]) {
		case '&': ob_adds(b, "&amp;"); break;
		case '<': ob_adds(b, "&lt;"); break;
		case '>': ob_adds(b, "&gt;"); break;
		case '"': ob_adds(b, "&quot;"); break;
		case '\'': ob_adds(b, "&apos;"); break;
		default: ob_add(b, t.data + i, 1);
		}
	}
	ob_free(&t);
}

void xml_str(out_buf *b, const char *s)
{
	xml_text(b, s ? s : "", s ? strlen(s) : 0);
}

void junit_open(out_buf *b, const char *name, const char *suite, unsigned long tests,
		unsigned long failures, unsigned long errors)
{
	ob_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	xml_str(b, name);
	ob_printf(b, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\">\n  <testsuite name=\"", tests,
		  failures, errors);
	xml_str(b, suite);
	ob_printf(b, "\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\">\n", tests, failures, errors);
}

void junit_properties(out_buf *b, const char *const *kv, size_t n)
{
	ob_adds(b, "    <properties>\n");
	for (size_t i = 0; i + 1 < n; i += 2) {
		if (!kv[i + 1])
			continue;
		ob_adds(b, "      <property name=\"");
		xml_str(b, kv[i]);
		ob_adds(b, "\" value=\"");
		xml_str(b, kv[i + 1]);
		ob_adds(b, "\"/>\n");
	}
	ob_adds(b, "    </properties>\n");
}

void junit_close(out_buf *b)
{
	ob_adds(b, "  </testsuite>\n</testsuites>\n");
}
