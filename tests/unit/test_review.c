/* The reviewers' modules: the strict CSV reader, the workbook's verdict
 * spellings, neutralised cells and checks, and the blind shuffle. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io/csvread.h"
#include "out/csv.h"
#include "review/review.h"
#include "review/workbook.h"
#include "suites.h"

static int read_csv(const char *text, csv_table *t)
{
	return csv_read_buf(text, strlen(text), "t.csv", t);
}

START_TEST(csv_reader_fields)
{
	csv_table t;

	ck_assert_int_eq(read_csv("\xEF\xBB\xBF" "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
				  "\n,,\nlast,row", &t), 0);
	ck_assert_int_eq(t.bom, 1);
	ck_assert_uint_eq(t.n, 5);
	ck_assert_str_eq(t.rows[0].f[0], "a");
	ck_assert_uint_eq(t.rows[1].nf, 3);
	ck_assert_str_eq(t.rows[1].f[0], "x, y");
	ck_assert_str_eq(t.rows[1].f[1], "say \"hi\"");
	ck_assert_str_eq(t.rows[1].f[2], "two\nlines");
	/* the blank line is a row of one empty field; lines are physical */
	ck_assert_uint_eq(t.rows[2].nf, 1);
	ck_assert_str_eq(t.rows[2].f[0], "");
	ck_assert_uint_eq(t.rows[2].line, 4);
	ck_assert_uint_eq(t.rows[3].nf, 3);
	ck_assert_uint_eq(t.rows[4].line, 6);
	ck_assert_str_eq(t.rows[4].f[1], "row");
	csv_table_free(&t);
	ck_assert_int_eq(read_csv("", &t), 0);
	ck_assert_uint_eq(t.n, 0);
	csv_table_free(&t);
}
END_TEST

START_TEST(csv_reader_errors)
{
	csv_table t;

	ck_assert_int_eq(read_csv("a,b\nx\"y,z\n", &t), -1);
	ck_assert_int_eq(read_csv("a,b\n\"x\"y,z\n", &t), -1);
	ck_assert_int_eq(read_csv("a,b\n\"open,z\n", &t), -1);
	ck_assert_int_eq(read_csv("a,b\nx,\"q\"\n", &t), 0);
	csv_table_free(&t);
	ck_assert_int_eq(csv_read_buf("a,b\nx\0y\n", 8, "t.csv", &t), -1);
}
END_TEST

START_TEST(verdict_spellings)
{
	const char *yes[] = { "compliant", "Compliant", " c ", "YES", "y", "1", "pass", "\tC" };
	const char *no[] = { "non-compliant", "Non-Compliant", "noncompliant", "non compliant",
			     "NC", "no", "N", "0", "fail" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		ck_assert_int_eq(wb_verdict(yes[i]), 1);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		ck_assert_int_eq(wb_verdict(no[i]), 0);
	ck_assert_int_eq(wb_verdict(""), -1);
	ck_assert_int_eq(wb_verdict("  "), -1);
	ck_assert_int_eq(wb_verdict("maybe"), -2);
	ck_assert_int_eq(wb_verdict("non"), -2);
	ck_assert_int_eq(wb_verdict("compliantx"), -2);
	ck_assert_int_eq(wb_verdict("non-compliant!"), -2);
}
END_TEST

START_TEST(cells_neutralised_and_checked)
{
	out_buf b = { 0 };
	char c1[17], c2[17];

	csv_text(&b, "=1+2", 4);
	csv_text(&b, "|", 1);
	csv_text(&b, "-3", 2);
	csv_text(&b, "|", 1);
	csv_text(&b, "\tx", 2);
	ob_add(&b, "", 1);
	ck_assert_str_eq(b.data, "'=1+2|-3|' x");
	ob_free(&b);
	ck_assert_str_eq(wb_plain("'=1+2"), "=1+2");
	ck_assert_str_eq(wb_plain("'@x"), "@x");
	ck_assert_str_eq(wb_plain("'quoted'"), "'quoted'");
	ck_assert_str_eq(wb_plain("-3"), "-3");
	wb_check("a.P01.s1", "m", "P01", c1);
	wb_check("a.P01.s1", "m", "P01", c2);
	ck_assert_str_eq(c1, c2);
	ck_assert_uint_eq(strlen(c1), 16);
	wb_check("a.P01.s2", "m", "P01", c2);
	ck_assert_str_ne(c1, c2);
	/* the separator keeps the cells apart */
	wb_check("ab", "c", "P", c1);
	wb_check("a", "bc", "P", c2);
	ck_assert_str_ne(c1, c2);
}
END_TEST

/* SplitMix64's published outputs for the seed 1234567 (Vigna's
 * splitmix64.c), and a shuffle computed by the independent Python version
 * in tests/data/review/check-workbook.py. */
START_TEST(splitmix64_and_shuffle)
{
	static const uint64_t want[] = { 6457827717110365317ULL, 3203168211198807973ULL,
					 9817491932198370423ULL, 4593380528125082431ULL,
					 16408922859458223821ULL };
	static const size_t order[] = { 0, 9, 5, 8, 6, 4, 7, 2, 1, 3 };
	uint64_t state = 1234567;
	size_t idx[10];

	for (size_t i = 0; i < 5; i++)
		ck_assert(rv_splitmix64(&state) == want[i]);
	for (size_t i = 0; i < 10; i++)
		idx[i] = i;
	rv_shuffle(idx, 10, 42);
	for (size_t i = 0; i < 10; i++)
		ck_assert_uint_eq(idx[i], order[i]);
	rv_shuffle(idx, 0, 42);   /* nothing to shuffle */
	rv_shuffle(idx, 1, 42);
}
END_TEST

START_TEST(layouts)
{
	wb_layout l;

	wb_layout_init(&l, WB_SCREENED);
	ck_assert_uint_eq(l.ncols, 25);
	ck_assert_str_eq(l.names[l.verdict[0]], "safety_verdict");
	ck_assert_str_eq(l.names[l.screener[4]], "screener_regulation");
	wb_layout_init(&l, WB_BLIND);
	ck_assert_uint_eq(l.ncols, 19);
	ck_assert_int_eq(l.score, -1);
	wb_layout_init(&l, WB_STAGE2);
	ck_assert_uint_eq(l.ncols, 34);
	ck_assert_str_eq(l.names[l.r2[1]], "professionalism_reviewer_2");
}
END_TEST

Suite *make_review_suite(void)
{
	Suite *s = suite_create("review");
	TCase *tc = tcase_create("review");

	tcase_add_test(tc, csv_reader_fields);
	tcase_add_test(tc, csv_reader_errors);
	tcase_add_test(tc, verdict_spellings);
	tcase_add_test(tc, cells_neutralised_and_checked);
	tcase_add_test(tc, splitmix64_and_shuffle);
	tcase_add_test(tc, layouts);
	suite_add_tcase(s, tc);
	return s;
}
