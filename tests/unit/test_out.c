/* The output leaf modules: the JSON writer, the CSV and XML escapers, the
 * UTF-8 helper, and the string map of the aggregations. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "strmap.h"
#include "out/csv.h"
#include "out/json.h"
#include "out/utf8.h"
#include "out/xml.h"
#include "suites.h"

START_TEST(json_writer_places_commas)
{
	out_buf b = { 0 };
	json_w w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "a");
	jw_arr(&w);
	jw_uint(&w, 1);
	jw_int(&w, -2);
	jw_null(&w);
	jw_arr(&w);
	jw_arr_end(&w);
	jw_obj(&w);
	jw_obj_end(&w);
	jw_arr_end(&w);
	jw_key(&w, "b");
	jw_str(&w, NULL);
	jw_key(&w, "c");
	jw_fixed(&w, 0.125, 2);
	jw_key(&w, "d");
	jw_fixed(&w, NAN, 4);
	jw_key(&w, "e");
	jw_bool(&w, 1);
	jw_key(&w, "f");
	jw_g(&w, 2.5);
	jw_key(&w, "g");
	jw_raw(&w, "1e3");
	jw_obj_end(&w);
	ck_assert_str_eq(b.data,
			 "{\"a\":[1,-2,null,[],{}],\"b\":null,\"c\":0.12,\"d\":null,\"e\":true,"
			 "\"f\":2.5,\"g\":1e3}");
	ob_free(&b);
}
END_TEST

START_TEST(json_writer_strings_and_resume)
{
	out_buf b = { 0 };
	json_w w;

	jw_init(&w, &b);
	jw_arr(&w);
	jw_strn(&w, "a\"\n\xff", 4);
	jw_str(&w, "b");
	ck_assert_str_eq(b.data, "[\"a\\\"\\n\xef\xbf\xbd\",\"b\"");
	/* Another writer closes what this one opened. */
	jw_resume(&w, &b, "[");
	jw_str(&w, "c");
	jw_arr_end(&w);
	ck_assert_str_eq(b.data, "[\"a\\\"\\n\xef\xbf\xbd\",\"b\",\"c\"]");
	ob_free(&b);
}
END_TEST

START_TEST(csv_fields)
{
	out_buf b = { 0 };

	csv_cell(&b, "plain", 0);
	csv_cell(&b, "a,b", 0);
	csv_cell(&b, "say \"hi\"", 0);
	csv_cell(&b, NULL, 0);
	csv_cell(&b, "two\nlines\x01", 1);
	ck_assert_str_eq(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",,\"two\nlines \"\r\n");
	ob_free(&b);
}
END_TEST

START_TEST(xml_text_escaped)
{
	out_buf b = { 0 };

	xml_str(&b, "<a href='x'>&\"</a>\x02\xc3");
	ck_assert_str_eq(b.data, "&lt;a href=&apos;x&apos;&gt;&amp;&quot;&lt;/a&gt; \xef\xbf\xbd");
	b.len = 0;
	junit_open(&b, "n & m", "s", 3, 1, 0);
	junit_close(&b);
	ck_assert_str_eq(b.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				 "<testsuites name=\"n &amp; m\" tests=\"3\" failures=\"1\" errors=\"0\">\n"
				 "  <testsuite name=\"s\" tests=\"3\" failures=\"1\" errors=\"0\">\n"
				 "  </testsuite>\n</testsuites>\n");
	ob_free(&b);
}
END_TEST

START_TEST(utf8_helper)
{
	const unsigned char ok2[] = "\xc3\xa9", ok4[] = "\xf0\x9f\x98\x80";

	ck_assert_uint_eq(utf8_len(ok2, 2), 2);
	ck_assert_uint_eq(utf8_len(ok4, 4), 4);
	ck_assert_uint_eq(utf8_len(ok4, 3), 0);                               /* cut short */
	ck_assert_uint_eq(utf8_len((const unsigned char *)"\xc0\xaf", 2), 0);   /* overlong */
	ck_assert_uint_eq(utf8_len((const unsigned char *)"\xed\xa0\x80", 3), 0); /* surrogate */
	ck_assert_uint_eq(utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	/* Cutting never splits a character. */
	ck_assert_uint_eq(utf8_cut("ab\xc3\xa9", 4, 3), 2);
	ck_assert_uint_eq(utf8_cut("ab\xc3\xa9", 4, 4), 4);
	ck_assert_uint_eq(utf8_cut("abc", 3, 10), 3);
	ck_assert_uint_eq(utf8_width("d\xc3\xa9j\xc3\xa0 vu"), 7);
}
END_TEST

START_TEST(strmap_lookups)
{
	strmap m = { 0 };
	char keys[1000][8];

	ck_assert_uint_eq(strmap_get(&m, "x"), (size_t)-1);
	for (size_t i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof keys[i], "k%zu", i);
		strmap_put(&m, keys[i], i);
	}
	strmap_put(&m, keys[7], 70);   /* replaces */
	ck_assert_uint_eq(m.n, 1000);
	for (size_t i = 0; i < 1000; i++)
		ck_assert_uint_eq(strmap_get(&m, keys[i]), i == 7 ? 70 : i);
	ck_assert_uint_eq(strmap_get(&m, "k1000"), (size_t)-1);
	strmap_free(&m);
	ck_assert_uint_eq(strmap_get(&m, "k1"), (size_t)-1);
}
END_TEST

Suite *make_out_suite(void)
{
	Suite *s = suite_create("out");
	TCase *tc = tcase_create("out");

	tcase_add_test(tc, json_writer_places_commas);
	tcase_add_test(tc, json_writer_strings_and_resume);
	tcase_add_test(tc, csv_fields);
	tcase_add_test(tc, xml_text_escaped);
	tcase_add_test(tc, utf8_helper);
	tcase_add_test(tc, strmap_lookups);
	suite_add_tcase(s, tc);
	return s;
}
