/* The XML writer: escaped text for JUnit documents and the HTML report,
 * and the JUnit envelope shared by scan and diff. */
#ifndef CLI_OUT_XML_H
#define CLI_OUT_XML_H

#include "buf.h"

/* Text or attribute value: markup characters escaped, valid UTF-8. */
void xml_text(out_buf *b, const char *s, size_t n);
/* The same for a NUL-terminated string; NULL writes nothing. */
void xml_str(out_buf *b, const char *s);

/* <testsuites name=NAME ...><testsuite name=SUITE ...>, and its end. */
/* The suite's <properties>: n strings, name and value in turn (a NULL
 * value leaves its property out). */
void junit_properties(out_buf *b, const char *const *kv, size_t n);
void junit_open(out_buf *b, const char *name, const char *suite, unsigned long tests,
		unsigned long failures, unsigned long errors);
void junit_close(out_buf *b);

#endif
