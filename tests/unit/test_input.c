/* Record reading: the line reader, JSON parsing with field mapping, and JSON
 * string output. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/input.h"
#include "io/jsonbuild.h"
#include "io/jsonstrict.h"
#include "out/buf.h"
#include "suites.h"

static FILE *memfile(const char *data, size_t len)
{
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	rewind(f);
	return f;
}

START_TEST(reader_lines)
{
	static const char data[] = "one\r\ntwo\n\nthree";
	FILE *f = memfile(data, sizeof data - 1);
	line_reader r;
	const char *l;
	size_t n;

	line_reader_init(&r, f, 100);
	ck_assert_int_eq(line_reader_next(&r, &l, &n), LINE_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert(memcmp(l, "one", 3) == 0);
	ck_assert_int_eq(line_reader_next(&r, &l, &n), LINE_OK);
	ck_assert(n == 3 && memcmp(l, "two", 3) == 0);
	ck_assert_int_eq(line_reader_next(&r, &l, &n), LINE_OK);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(line_reader_next(&r, &l, &n), LINE_OK);
	ck_assert(n == 5 && memcmp(l, "three", 5) == 0);
	ck_assert_uint_eq(r.lineno, 4);
	ck_assert_int_eq(line_reader_next(&r, &l, &n), LINE_EOF);
	line_reader_free(&r);
	fclose(f);
}
END_TEST

START_TEST(reader_too_long)
{
	/* A 300 KB line between two short ones, with a 1 KB limit. */
	size_t big = 300000;
	char *data = malloc(big + 16);
	FILE *f;
	line_reader r;
	const char *l;
	size_t n;

	strcpy(data, "a\n");
	memset(data + 2, 'x', big);
	strcpy(data + 2 + big, "\nb\n");
	f = memfile(data, big + 5);
	line_reader_init(&r, f, 1024);
	ck_assert_int_eq(line_reader_next(&r, &l, &n), LINE_OK);
	ck_assert_int_eq(line_reader_next(&r, &l, &n), LINE_TOO_LONG);
	ck_assert_uint_eq(n, big);
	ck_assert_uint_eq(r.lineno, 2);
	ck_assert_int_eq(line_reader_next(&r, &l, &n), LINE_OK);
	ck_assert(n == 1 && l[0] == 'b');
	ck_assert_uint_eq(r.lineno, 3);
	ck_assert_int_eq(line_reader_next(&r, &l, &n), LINE_EOF);
	ck_assert_uint_lt(r.cap, 1024 * 1024);
	line_reader_free(&r);
	fclose(f);
	free(data);
}
END_TEST

static field_map fm;
static json_tokener *tok;
static in_record rec;

static void in_setup(void)
{
	field_map_init(&fm);
	tok = json_tokener_new_ex(64);
	memset(&rec, 0, sizeof rec);
}

static void in_teardown(void)
{
	in_record_clear(&rec);
	json_tokener_free(tok);
	field_map_free(&fm);
}

static void parse(const char *line)
{
	in_record_parse(&rec, tok, &fm, line, strlen(line));
}

START_TEST(record_ok)
{
	parse("{\"id\": 17, \"model\": \"m\", \"prompt_id\": \"P01\", \"response\": \"hi\", "
	      "\"sample\": 2, \"labels\": {\"signals\": []}, \"extra\": [1]}");
	ck_assert_ptr_null(rec.error);
	ck_assert_str_eq(rec.str[F_ID], "17");
	ck_assert_str_eq(rec.str[F_MODEL], "m");
	ck_assert_str_eq(rec.str[F_RESPONSE], "hi");
	ck_assert_uint_eq(rec.response_len, 2);
	ck_assert_ptr_nonnull(rec.labels);
}
END_TEST

START_TEST(record_errors)
{
	parse("not json");
	ck_assert_str_eq(rec.error, "invalid JSON: a record must be an object starting with '{'");
	parse("{\"response\": tru}");
	ck_assert_ptr_nonnull(strstr(rec.error, "invalid JSON at byte"));
	parse("{\"response\": \"abc");
	ck_assert_str_eq(rec.error, "truncated JSON: the line ends inside a value");
	parse("[1, 2]");
	ck_assert_str_eq(rec.error, "a record must be a JSON object, not an array");
	parse("{\"id\": \"x\"}");
	ck_assert_str_eq(rec.error, "no 'response' field");
	ck_assert_str_eq(rec.str[F_ID], "x"); /* still known for the error record */
	parse("{\"response\": 42}");
	ck_assert_str_eq(rec.error, "field 'response' must be a string, not int");
	parse("{\"response\": \"a\"} trailing");
	ck_assert_ptr_nonnull(strstr(rec.error, "unexpected data after the JSON value"));
	parse("   ");
	ck_assert_str_eq(rec.error, "empty line: expected a JSON object");
}
END_TEST

START_TEST(record_binary_line)
{
	static const char bin[] = "\x00\x01\xff{\"response\":\"x\"}";

	in_record_parse(&rec, tok, &fm, bin, sizeof bin - 1);
	ck_assert_ptr_nonnull(rec.error);
}
END_TEST

START_TEST(record_invalid_utf8_and_nul)
{
	static const char line[] = "{\"response\": \"a\xff\xfe b \\u0000 c\"}";

	in_record_parse(&rec, tok, &fm, line, sizeof line - 1);
	ck_assert_ptr_null(rec.error);
	ck_assert_uint_eq(rec.response_len, 9);
	ck_assert(memcmp(rec.str[F_RESPONSE], "a\xff\xfe b \0 c", 9) == 0);
}
END_TEST

START_TEST(record_field_paths)
{
	ck_assert_int_eq(field_map_set(&fm, "response=output.choices.1.text"), 0);
	ck_assert_int_eq(field_map_set(&fm, "model=meta.name"), 0);
	parse("{\"output\": {\"choices\": [{\"text\": \"no\"}, {\"text\": \"yes\"}]}, "
	      "\"meta\": {\"name\": \"mm\"}}");
	ck_assert_ptr_null(rec.error);
	ck_assert_str_eq(rec.str[F_RESPONSE], "yes");
	ck_assert_str_eq(rec.str[F_MODEL], "mm");
	parse("{\"output\": {\"choices\": []}}");
	ck_assert_str_eq(rec.error, "no 'output.choices.1.text' field");
	ck_assert_int_eq(field_map_set(&fm, "nosuch=x"), -1);
	ck_assert_int_eq(field_map_set(&fm, "response"), -1);
	ck_assert_int_eq(field_map_set(&fm, "response=a..b"), -1);
}
END_TEST

START_TEST(json_string_output)
{
	out_buf b = { 0 };
	static const char in[] = "q\"\\\n\t\x01 \xc3\xa9 \xff \xe2\x82";

	ob_json_str(&b, in, sizeof in - 1);
	ck_assert_str_eq(b.data, "\"q\\\"\\\\\\n\\t\\u0001 \xc3\xa9 \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\"");
	ob_free(&b);
}
END_TEST


/* The strict check accepts JSON and nothing near it. */
START_TEST(strict_json)
{
	static const char *const good[] = {
		"{}", " {\"a\": [1, -0, 2.5e-3, 1E+2, true, false, null, \"\\u00e9\\n\"]}\r",
		"-9223372036854775808", "9223372036854775807", "\"\xff raw bytes are left alone\"",
		"[[[]]]",
	};
	static const struct {
		const char *text;
		size_t at;
		const char *why;
	} bad[] = {
		{ "[1,]", 3, "a trailing comma is not JSON" },
		{ "{\"a\":1.}", 7, "a digit expected after the decimal point" },
		{ "{\"a\":1e}", 7, "a digit expected in the exponent" },
		{ "{\"a\":-}", 6, "a digit expected" },
		{ "{\"a\":+1}", 5, "a value expected" },
		{ "{\"a\":\"\\x\"}", 7, "an unknown escape in a string" },
		{ "{\"a\":\"\\u12g4\"}", 7, "\\u must be followed by four hexadecimal digits" },
		{ "{\"a\" 1}", 5, "':' expected after a member name" },
		{ "{a:1}", 1, "a member name in double quotes expected" },
		{ "[1 2]", 3, "',' or ']' expected" },
		{ "{\"a\":1", 6, "the text ends inside an object" },
		{ "9223372036854775808", 0, "an integer beyond 64 bits (write it as a string to keep it exact)" },
		{ "{} {}", 3, "unexpected data after the JSON value" },
		{ "nul", 0, "true, false or null expected" },
	};
	char deep[200];
	size_t at;
	const char *why;
	json_top top;

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(json_strict_check(good[i], strlen(good[i]), 63, &at, &why, &top) == 0,
			      "%s: %s", good[i], why);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(json_strict_check(bad[i].text, strlen(bad[i].text), 63, &at, &why,
						&top) == -1, "%s passed", bad[i].text);
		ck_assert_msg(at == bad[i].at && strcmp(why, bad[i].why) == 0, "%s: at %zu: %s",
			      bad[i].text, at, why);
	}
	/* Nesting: 63 levels pass, 64 do not. */
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	ck_assert_int_eq(json_strict_check(deep + 1, 126, 63, &at, &why, &top), 0);
	ck_assert_int_eq(json_strict_check(deep, 128, 63, &at, &why, &top), -1);
	ck_assert_str_eq(why, "nested too deeply");
	ck_assert_int_eq(top, JSON_TOP_ARRAY);
}
END_TEST

/* The plain runs of string content, crossed 16 bytes at a time with SSE2:
 * every stop byte at every offset of blocks and tails, against the byte by
 * byte definition. */
START_TEST(strict_string_runs)
{
	static const unsigned char stops[] = { '"', '\\', 0x00, 0x01, 0x0A, 0x1F };
	static const unsigned char plain[] = { 0x20, 'a', 0x7F, 0x80, 0xC3, 0xFF };
	unsigned char buf[80];

	for (size_t len = 0; len <= 70; len++)
		for (size_t at = 0; at < len; at++)
			for (size_t s = 0; s < sizeof stops + sizeof plain; s++) {
				unsigned char b = s < sizeof stops ? stops[s] : plain[s - sizeof stops];
				size_t want = s < sizeof stops ? at : len;

				for (size_t k = 0; k < len; k++)
					buf[k] = plain[k % sizeof plain];
				buf[at] = b;
				for (size_t from = 0; from <= at; from += 7)
					ck_assert_msg(json_string_run(buf, from, len) == want,
						      "byte %02x at %zu of %zu from %zu", b, at, len,
						      from);
			}
}
END_TEST

/* Escapes and bad bytes on either side of the 16-byte blocks of the check:
 * the same verdict, offset and message wherever they fall. */
START_TEST(strict_string_boundaries)
{
	char text[128];
	size_t at;
	const char *why;
	json_top top;

	for (size_t pad = 0; pad < 40; pad++) {
		/* ["<pad x>\n\u00e9\"<pad y>"]: valid. */
		size_t n = 0;

		text[n++] = '[';
		text[n++] = '"';
		memset(text + n, 'x', pad);
		n += pad;
		memcpy(text + n, "\\n\\u00e9\\\"", 10);
		n += 10;
		memset(text + n, 'y', 39 - pad);
		n += 39 - pad;
		memcpy(text + n, "\"]", 2);
		n += 2;
		ck_assert_msg(json_strict_check(text, n, 63, &at, &why, &top) == 0, "pad %zu: %s",
			      pad, why);
		/* A raw control byte, a NUL, a bad escape, an unclosed
		 * string, each right after the padding. */
		text[2 + pad] = '\x1f';
		ck_assert_int_eq(json_strict_check(text, n, 63, &at, &why, &top), -1);
		ck_assert_uint_eq(at, 2 + pad);
		ck_assert_str_eq(why, "a raw control character inside a string (escape it, e.g. \\n or \\t)");
		text[2 + pad] = '\0';
		ck_assert_int_eq(json_strict_check(text, n, 63, &at, &why, &top), -1);
		ck_assert_uint_eq(at, 2 + pad);
		ck_assert_str_eq(why, "a NUL byte inside a string (write it as \\u0000)");
		text[2 + pad] = '\\';
		text[3 + pad] = 'q';
		ck_assert_int_eq(json_strict_check(text, n, 63, &at, &why, &top), -1);
		ck_assert_uint_eq(at, 3 + pad);
		ck_assert_str_eq(why, "an unknown escape in a string");
		ck_assert_int_eq(json_strict_check(text, 2 + pad + 1, 63, &at, &why, &top), -1);
		ck_assert_uint_eq(at, 3 + pad);
		ck_assert_str_eq(why, "a string that is not closed");
		ck_assert_int_eq(json_strict_check(text, 2 + pad, 63, &at, &why, &top), -1);
		ck_assert_uint_eq(at, 2 + pad);
		ck_assert_str_eq(why, "a string that is not closed");
	}
}
END_TEST

/* One checked text built both ways. */
static void build_like_jsonc(json_tokener *t, const char *text, size_t len)
{
	size_t at;
	const char *why;
	json_top top;
	json_object *want, *got;

	ck_assert_msg(json_strict_check(text, len, 63, &at, &why, &top) == 0, "%.*s: %s",
		      (int)len, text, why);
	json_tokener_reset(t);
	want = json_tokener_parse_ex(t, text, (int)len);
	ck_assert_msg(json_tokener_get_error(t) == json_tokener_success, "json-c: %.*s",
		      (int)len, text);
	got = json_strict_build(text, len);
	ck_assert_msg(json_same_tree(want, got), "not as json-c builds it: %.*s", (int)len, text);
	json_object_put(want);
	json_object_put(got);
}

static unsigned long rnd_state;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005u + 1442695040888963407u;
	return (unsigned)(rnd_state >> 33) % n;
}

/* Pieces of string content where json-c's decoding has cases of its own. */
static const char *const pieces[] = {
	"a", "plain text ", "\xc3\xa9", "\xe2\x80\x99", "\xff", "\xc3", "\xf0\x9f\x98\x80",
	"\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\r", "\\u0000", "\\u0041",
	"\\u00e9", "\\u20AC", "\\uFFFF", "\\ud83d\\ude00", "\\uD83D", "\\uDE00", "\\udbff",
	"\\udc00", "\\ud800\\ud800", "\\ud800\\n", "\\ud800x", "\\u007f", "\\u0080", "\\u07ff",
	"\\u0800", "0123456789abcdef",
};

static void rnd_string(char *d, size_t *n)
{
	d[(*n)++] = '"';
	for (unsigned k = rnd(12); k > 0; k--) {
		const char *pc = pieces[rnd(sizeof pieces / sizeof pieces[0])];
		memcpy(d + *n, pc, strlen(pc));
		*n += strlen(pc);
	}
	d[(*n)++] = '"';
}

static const char *const scalars[] = {
	"0", "-0", "7", "-12", "9223372036854775807", "-9223372036854775808", "0.5", "-0.0",
	"1e2", "1E+2", "2.50e-3", "1.0000000000000000000001", "1e-400", "-1.5E300",
	"100000000000000000000000000000000000000000000000000000000000000000000000e-40",
	/* Too long for the check's test for infinity: json-c keeps it too. */
	"-100000000000000000000000000000000000000000000000000000000000000000000000e999",
	"true", "false", "null",
};

static void rnd_value(char *d, size_t *n, int depth)
{
	unsigned kind = depth > 3 ? rnd(2) : rnd(4);

	if (kind == 0) {
		const char *sc = scalars[rnd(sizeof scalars / sizeof scalars[0])];
		memcpy(d + *n, sc, strlen(sc));
		*n += strlen(sc);
	} else if (kind == 1) {
		rnd_string(d, n);
	} else {
		unsigned m = rnd(5);
		d[(*n)++] = kind == 2 ? '[' : '{';
		for (unsigned k = 0; k < m; k++) {
			if (k)
				d[(*n)++] = ',';
			if (rnd(3) == 0)
				d[(*n)++] = ' ';
			if (kind == 3) {
				/* Few names, so that some repeat. */
				static const char *const names[] = { "\"a\"", "\"b\"", "\"a\\u0000x\"",
								     "\"a\\u0000y\"", "\"\"" };
				const char *nm = rnd(4) ? names[rnd(5)] : NULL;
				if (nm) {
					memcpy(d + *n, nm, strlen(nm));
					*n += strlen(nm);
				} else {
					rnd_string(d, n);
				}
				d[(*n)++] = ':';
				if (rnd(2))
					d[(*n)++] = '\t';
			}
			rnd_value(d, n, depth + 1);
		}
		d[(*n)++] = kind == 2 ? ']' : '}';
	}
}

/* The builder makes json-c's tree of every kind of value and escape. */
START_TEST(build_as_jsonc)
{
	static const char *const texts[] = {
		"{}", " {\"a\": 1, \"a\": 2, \"b\": [], \"a\": {\"c\": null}} ",
		"{\"a\\u0000b\": 1, \"a\\u0000c\": 2, \"\": \"\"}",
		"{\"r\": \"\\ud800\\udc00 \\udbff\\udfff \\ud800\\u0041 \\udc00\\ud800 \\ud800\"}",
		"{\"n\": [0, -0, -0.0, 1.5, 1e5, 1E-5, -1.25e+10, 9223372036854775807]}",
		"[true, false, null, [[]], {}, \"\"]", "\"top\"",
	};
	json_tokener *t = json_tokener_new_ex(64);
	char *buf = malloc(1 << 20);

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		build_like_jsonc(t, texts[i], strlen(texts[i]));
	/* Long strings: escapes on every side of the 16-byte blocks, and
	 * beyond the builder's buffer on the stack. */
	for (size_t pad = 0; pad < 40; pad++) {
		size_t n = 0;

		memcpy(buf, "{\"r\": \"", 7);
		n = 7;
		memset(buf + n, 'x', pad);
		n += pad;
		memcpy(buf + n, "\\n\\u00e9\\ud83d\\ude00\\\"", 22);
		n += 22;
		memset(buf + n, 'y', pad * 150);
		n += pad * 150;
		memcpy(buf + n, "\"}", 2);
		n += 2;
		build_like_jsonc(t, buf, n);
	}
	rnd_state = 1;
	for (int k = 0; k < 3000; k++) {
		size_t n = 0;

		buf[n++] = '{';
		memcpy(buf + n, "\"r\":", 4);
		n += 4;
		rnd_value(buf, &n, 0);
		buf[n++] = '}';
		build_like_jsonc(t, buf, n);
	}
	free(buf);
	json_tokener_free(t);
}
END_TEST

Suite *make_input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *reader = tcase_create("reader");
	TCase *records = tcase_create("records");

	tcase_add_test(reader, reader_lines);
	tcase_add_test(reader, strict_json);
	tcase_add_test(reader, strict_string_runs);
	tcase_add_test(reader, strict_string_boundaries);
	tcase_add_test(reader, build_as_jsonc);
	tcase_add_test(reader, reader_too_long);
	tcase_add_test(reader, json_string_output);
	tcase_add_checked_fixture(records, in_setup, in_teardown);
	tcase_add_test(records, record_ok);
	tcase_add_test(records, record_errors);
	tcase_add_test(records, record_binary_line);
	tcase_add_test(records, record_invalid_utf8_and_nul);
	tcase_add_test(records, record_field_paths);
	suite_add_tcase(s, reader);
	suite_add_tcase(s, records);
	return s;
}
