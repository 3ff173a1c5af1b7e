/* The output leaf modules: the JSON writer, the CSV and XML escapers, the
 * UTF-8 helper, and the string map of the aggregations. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* ob_json_str's fast path copies plain ASCII 8 bytes at a time and keeps
 * valid UTF-8 in the copied run: every case where it could go wrong, with
 * the text it must write spelt out. */
#define FFFD "\xef\xbf\xbd"

/* Each byte alone, as a JSON string's contents. */
static const char *const json_byte[256] = {
	"\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
	"\\u0008", "\\t", "\\n", "\\u000b", "\\u000c", "\\r", "\\u000e", "\\u000f",
	"\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
	"\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
	" ", "!", "\\\"", "#", "$", "%", "&", "'",
	"(", ")", "*", "+", ",", "-", ".", "/",
	"0", "1", "2", "3", "4", "5", "6", "7",
	"8", "9", ":", ";", "<", "=", ">", "?",
	"@", "A", "B", "C", "D", "E", "F", "G",
	"H", "I", "J", "K", "L", "M", "N", "O",
	"P", "Q", "R", "S", "T", "U", "V", "W",
	"X", "Y", "Z", "[", "\\\\", "]", "^", "_",
	"`", "a", "b", "c", "d", "e", "f", "g",
	"h", "i", "j", "k", "l", "m", "n", "o",
	"p", "q", "r", "s", "t", "u", "v", "w",
	"x", "y", "z", "{", "|", "}", "~", "\x7f",
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,
	FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD, FFFD,

};

/* The n bytes at s as ob_json_str writes them after what a buffer holds:
 * `want` between quotes, the NUL after it. */
static void check_json(const char *s, size_t n, const char *want, const char *what, size_t at)
{
	out_buf b = { 0 };
	size_t wn = strlen(want);

	ob_add(&b, "x", 1);
	ob_json_str(&b, s, n);
	ck_assert_msg(b.len == wn + 3 && memcmp(b.data, "x\"", 2) == 0 &&
			      memcmp(b.data + 2, want, wn) == 0 && b.data[b.len - 1] == '"' &&
			      b.data[b.len] == '\0',
		      "%s at %zu (%zu bytes): got %s, want \"%s\"", what, at, n, b.data + 1, want);
	ob_free(&b);
}

START_TEST(json_str_every_byte)
{
	for (unsigned c = 0; c < 256; c++) {
		char s = (char)c;

		check_json(&s, 1, json_byte[c], "byte", c);
	}
}
END_TEST

/* Each byte at every place of plain texts of 1 to 24 bytes (so inside a
 * word of 8, in the last few bytes and in short texts), and repeated. */
START_TEST(json_str_byte_in_runs)
{
	for (unsigned c = 0; c < 256; c++) {
		for (size_t n = 1; n <= 24; n++) {
			for (size_t at = 0; at < n; at++) {
				char s[24], want[24 + 8];
				size_t k = 0;

				for (size_t i = 0; i < n; i++)
					s[i] = (char)('a' + i);
				s[at] = (char)c;
				memcpy(want, s, at);
				k = at;
				memcpy(want + k, json_byte[c], strlen(json_byte[c]));
				k += strlen(json_byte[c]);
				memcpy(want + k, s + at + 1, n - at - 1);
				want[k + n - at - 1] = '\0';
				check_json(s, n, want, "byte in a run", c);
			}
		}
		{
			char s[19], want[19 * 6 + 1] = "";

			memset(s, (int)c, sizeof s);
			for (size_t i = 0; i < sizeof s; i++)
				strcat(want, json_byte[c]);
			check_json(s, sizeof s, want, "repeated byte", c);
		}
	}
}
END_TEST

START_TEST(json_str_valid_utf8)
{
	/* The first and last code points of each length and of the ranges
	 * the lead bytes E0, ED, F0 and F4 narrow, and common ones. */
	static const char *const seqs[] = {
		"\xc2\x80", "\xc3\xa9", "\xdf\xbf",                     /* U+0080 U+00E9 U+07FF */
		"\xe0\xa0\x80", "\xe2\x80\x99", "\xe2\x80\x9c", "\xec\xbf\xbf", /* U+0800 ’ “ U+CFFF */
		"\xed\x80\x80", "\xed\x9f\xbf",                         /* U+D000 U+D7FF */
		"\xee\x80\x80", "\xef\xbf\xbd", "\xef\xbf\xbf",         /* U+E000 U+FFFD U+FFFF */
		"\xf0\x90\x80\x80", "\xf0\x9f\x98\x80", "\xf3\xbf\xbf\xbf", /* U+10000 😀 U+FFFFF */
		"\xf4\x80\x80\x80", "\xf4\x8f\xbf\xbf",                 /* U+100000 U+10FFFF */
	};

	for (size_t q = 0; q < sizeof seqs / sizeof *seqs; q++) {
		const char *u = seqs[q];
		size_t un = strlen(u);

		check_json(u, un, u, "sequence", q);
		/* At every place of plain texts, the end included. */
		for (size_t n = 0; n <= 20; n++) {
			for (size_t at = 0; at <= n; at++) {
				char s[24 + 4], want[24 + 4 + 1];

				for (size_t i = 0; i < n; i++)
					s[i] = (char)('A' + i);
				memmove(s + at + un, s + at, n - at);
				memcpy(s + at, u, un);
				memcpy(want, s, n + un);
				want[n + un] = '\0';
				check_json(s, n + un, want, "sequence in a run", q);
			}
		}
		/* Four in a row, then with quotes and backslashes next to them. */
		{
			char s[32], want[64];

			snprintf(s, sizeof s, "%s%s%s%s", u, u, u, u);
			check_json(s, strlen(s), s, "sequences", q);
			snprintf(s, sizeof s, "\"%s\\%s\"", u, u);
			snprintf(want, sizeof want, "\\\"%s\\\\%s\\\"", u, u);
			check_json(s, strlen(s), want, "quoted sequence", q);
			snprintf(s, sizeof s, "%s\"\\%s\n", u, u);
			snprintf(want, sizeof want, "%s\\\"\\\\%s\\n", u, u);
			check_json(s, strlen(s), want, "sequence then quote", q);
		}
	}
}
END_TEST

START_TEST(json_str_invalid_utf8)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		/* Overlong forms. */
		{ "\xc0\xaf", FFFD FFFD },
		{ "\xc1\xbf", FFFD FFFD },
		{ "\xe0\x80\xaf", FFFD FFFD FFFD },
		{ "\xe0\x9f\xbf", FFFD FFFD FFFD },
		{ "\xf0\x80\x80\x80", FFFD FFFD FFFD FFFD },
		{ "\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD },
		/* Surrogates, and beyond U+10FFFF. */
		{ "\xed\xa0\x80", FFFD FFFD FFFD },
		{ "\xed\xbf\xbf", FFFD FFFD FFFD },
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD },
		{ "\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD },
		{ "\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD },
		/* A continuation byte missing, before plain text or escapes. */
		{ "\xc3" "A", FFFD "A" },
		{ "\xe2\x80" "A", FFFD FFFD "A" },
		{ "\xe2" "A\x80", FFFD "A" FFFD },
		{ "\xf0\x9f\x98" "A", FFFD FFFD FFFD "A" },
		{ "\xc3\"", FFFD "\\\"" },
		{ "\xe2\x80\\", FFFD FFFD "\\\\" },
		{ "\xe2\x80\xc3\xa9", FFFD FFFD "\xc3\xa9" },
		{ "\xf0\x9f\x98\xe2\x80\x99", FFFD FFFD FFFD "\xe2\x80\x99" },
		/* Cut short at the end of a short text and of a long one. */
		{ "ab\xc3", "ab" FFFD },
		{ "ab\xe2\x80", "ab" FFFD FFFD },
		{ "ab\xf0\x9f\x98", "ab" FFFD FFFD FFFD },
		{ "abcdefghijklm\xc3", "abcdefghijklm" FFFD },
		{ "abcdefghijkl\xe2\x80", "abcdefghijkl" FFFD FFFD },
		{ "abcdefghijk\xf0\x9f\x98", "abcdefghijk" FFFD FFFD FFFD },
		{ "abcdefgh\xf0\x9f\x98", "abcdefgh" FFFD FFFD FFFD },
		{ "abcdefg\xe2\x80\x99\xf0\x9f", "abcdefg\xe2\x80\x99" FFFD FFFD },
		/* Stray continuation bytes after a valid sequence. */
		{ "\xc3\xa9\xa9", "\xc3\xa9" FFFD },
		{ "\xe2\x80\x99\x80\x80", "\xe2\x80\x99" FFFD FFFD },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		check_json(cases[i].in, strlen(cases[i].in), cases[i].want, "invalid", i);
	/* A NUL inside is escaped, not an end. */
	check_json("a\0b\"\xe2\x80\x99\0", 8, "a\\u0000b\\\"\xe2\x80\x99\\u0000", "NUL", 0);
}
END_TEST

/* Texts longer than the room the buffer starts with, whose escapes make
 * them grow several times over. */
START_TEST(json_str_grows)
{
	static const char unit[] = "ab\x01\"\xe2\x80\x99\xff\\\n12345678";
	static const char unit_json[] = "ab\\u0001\\\"\xe2\x80\x99" FFFD "\\\\\\n12345678";
	size_t reps = 2000, un = sizeof unit - 1, wn = sizeof unit_json - 1;
	char *s = malloc(reps * un), *want = malloc(reps * wn + 1);
	char *ctl = malloc(5000), *ctl_want = malloc(5000 * 6 + 1);

	for (size_t i = 0; i < reps; i++) {
		memcpy(s + i * un, unit, un);
		memcpy(want + i * wn, unit_json, wn);
	}
	want[reps * wn] = '\0';
	check_json(s, reps * un, want, "repeated unit", reps);
	memset(ctl, 0x1f, 5000);
	for (size_t i = 0; i < 5000; i++)
		memcpy(ctl_want + i * 6, "\\u001f", 6);
	ctl_want[5000 * 6] = '\0';
	check_json(ctl, 5000, ctl_want, "control bytes", 5000);
	free(s);
	free(want);
	free(ctl);
	free(ctl_want);
}
END_TEST

START_TEST(numbers_and_json_values)
{
	static const unsigned long long nums[] = {
		0, 9, 10, 99, 100, 101, 12345, 4294967295ULL, 9999999999999999999ULL,
		10000000000000000000ULL, 18446744073709551615ULL,
	};
	static const char *const ints[] = {
		"0", "-0", "7", "-7", "1234567890", "9223372036854775806", "9223372036854775807",
		"9223372036854775808", "18446744073709551615", "-9223372036854775807",
		"-9223372036854775808",
	};
	out_buf b = { 0 };
	json_object *v;

	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
		char want[32];

		b.len = 0;
		ob_uint(&b, nums[i]);
		snprintf(want, sizeof want, "%llu", nums[i]);
		ck_assert_str_eq(b.data, want);
	}
	/* Integers exactly as json-c writes them. */
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		v = json_tokener_parse(ints[i]);
		ck_assert_ptr_nonnull(v);
		b.len = 0;
		ob_json_value(&b, v);
		ck_assert_str_eq(b.data, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		json_object_put(v);
	}
	v = json_tokener_parse("{\"a\": [1, -2, 18446744073709551615, -0], \"b\": 1.50, "
			       "\"c\\u00e9\": \"\\u2019\\/\\\"\", \"d\": {\"e\": null, \"f\": true, "
			       "\"g\": false, \"h\": []}, \"i\": {}}");
	ck_assert_ptr_nonnull(v);
	b.len = 0;
	ob_json_value(&b, v);
	ck_assert_str_eq(b.data, "{\"a\":[1,-2,18446744073709551615,0],\"b\":1.50,"
				 "\"c\xc3\xa9\":\"\xe2\x80\x99/\\\"\",\"d\":{\"e\":null,\"f\":true,"
				 "\"g\":false,\"h\":[]},\"i\":{}}");
	json_object_put(v);
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
	tcase_add_test(tc, json_str_every_byte);
	tcase_add_test(tc, json_str_byte_in_runs);
	tcase_add_test(tc, json_str_valid_utf8);
	tcase_add_test(tc, json_str_invalid_utf8);
	tcase_add_test(tc, json_str_grows);
	tcase_add_test(tc, numbers_and_json_values);
	tcase_add_test(tc, csv_fields);
	tcase_add_test(tc, xml_text_escaped);
	tcase_add_test(tc, utf8_helper);
	tcase_add_test(tc, strmap_lookups);
	suite_add_tcase(s, tc);
	return s;
}
