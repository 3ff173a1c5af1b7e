/* The input readers (JSON documents, CSV), the presets and the
 * suggestions of mistyped names. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/presets.h"
#include "io/source.h"
#include "suggest.h"
#include "suites.h"

#define MAXREC 16

typedef struct got {
	char *text[MAXREC], *error[MAXREC];
	unsigned long line[MAXREC];
	int too_long[MAXREC];
	size_t n;
} got;

static void collect(void *ctx, const rec_text *t)
{
	got *g = ctx;

	ck_assert_uint_lt(g->n, MAXREC);
	g->text[g->n] = t->text ? strndup(t->text, t->len) : NULL;
	g->error[g->n] = t->error ? strdup(t->error) : NULL;
	g->line[g->n] = t->line;
	g->too_long[g->n] = t->too_long;
	g->n++;
}

static void got_free(got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->text[i]);
		free(g->error[i]);
	}
	memset(g, 0, sizeof *g);
}

/* Read `data` as format `fmt` (with `preset` when not NULL) into g. */
static int read_str(const char *data, size_t len, input_format fmt, const char *preset, got *g)
{
	FILE *f = tmpfile();
	field_map m;
	source_cfg c = { .format = fmt, .fields = &m, .max_record = 1000 };
	int rc;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	rewind(f);
	field_map_init(&m);
	if (preset)
		ck_assert_ptr_nonnull(c.preset = preset_run_new(preset));
	memset(g, 0, sizeof *g);
	rc = source_read(&c, f, "t", collect, g);
	if (rc == 0)
		ck_assert_uint_eq(c.consumed, len);
	preset_run_free(c.preset);
	field_map_free(&m);
	fclose(f);
	return rc;
}

#define READ(lit, fmt, preset, g) read_str(lit, sizeof lit - 1, fmt, preset, g)

START_TEST(distances)
{
	ck_assert_uint_eq(edit_distance("kitten", 6, "sitting", 7), 3);
	ck_assert_uint_eq(edit_distance("", 0, "abc", 3), 3);
	ck_assert_uint_eq(edit_distance("scna", 4, "scan", 4), 1);     /* a swap is one edit */
	ck_assert_uint_eq(edit_distance("ca", 2, "abc", 3), 3);        /* OSA, not full DL (2) */
	ck_assert_uint_eq(edit_distance("format", 6, "format", 6), 0);
}
END_TEST

START_TEST(suggestions)
{
	static const char *const names[] = { "scan", "test", "lint", "rules", "report", NULL };

	ck_assert_str_eq(suggest_name("scna", 4, names, (size_t)-1), "scan");
	ck_assert_str_eq(suggest_name("reprot", 6, names, (size_t)-1), "report");
	ck_assert_ptr_null(suggest_name("scan", 4, names, (size_t)-1));    /* exact: nothing */
	ck_assert_ptr_null(suggest_name("xy", 2, names, (size_t)-1));      /* too short to guess */
	ck_assert_ptr_null(suggest_name("frobnicate", 10, names, (size_t)-1));
	ck_assert_str_eq(suggest_name("lnit", 4, names, 3), "lint");
}
END_TEST

START_TEST(json_array)
{
	got g;

	ck_assert_int_eq(READ("\xEF\xBB\xBF[\n {\"a\": \"x]\\\"}\"},\n\n  2 ,{\"b\":[1,{}]}]\n",
			      INPUT_JSON, NULL, &g), 0);
	ck_assert_uint_eq(g.n, 3);
	ck_assert_str_eq(g.text[0], "{\"a\": \"x]\\\"}\"}");
	ck_assert_uint_eq(g.line[0], 2);
	ck_assert_str_eq(g.text[1], "2");
	ck_assert_uint_eq(g.line[1], 4);
	ck_assert_str_eq(g.text[2], "{\"b\":[1,{}]}");
	got_free(&g);
	ck_assert_int_eq(READ("{\"n\": 1, \"rows\": [{\"r\": \"1\"}]}", INPUT_JSON, NULL, &g), 0);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.text[0], "{\"r\": \"1\"}");
	got_free(&g);
	ck_assert_int_eq(READ("[]", INPUT_JSON, NULL, &g), 0);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_int_eq(READ("[{}, ]", INPUT_JSON, NULL, &g), -1);
	ck_assert_int_eq(READ("{\"a\": {}}", INPUT_JSON, NULL, &g), -1);
	ck_assert_int_eq(READ("\"x\"", INPUT_JSON, NULL, &g), -1);
	ck_assert_int_eq(READ("  \n", INPUT_JSON, NULL, &g), -1);
	ck_assert_uint_eq(g.n, 0);
}
END_TEST

START_TEST(csv_rows)
{
	got g;

	ck_assert_int_eq(READ("\xEF\xBB\xBFid,response\r\n1, a b \r\n\r\n2,\"x,\n\"\"y\"\"\"\n"
			      "3,\n4,a,b\n5,\"nul\0\"",
			      INPUT_CSV, NULL, &g), 0);
	ck_assert_uint_eq(g.n, 5);
	/* Cells are not trimmed. */
	ck_assert_str_eq(g.text[0], "{\"id\":\"1\",\"response\":\" a b \"}");
	ck_assert_uint_eq(g.line[0], 2);
	ck_assert_str_eq(g.text[1], "{\"id\":\"2\",\"response\":\"x,\\n\\\"y\\\"\"}");
	ck_assert_uint_eq(g.line[1], 4);
	/* An empty response is an empty answer. */
	ck_assert_str_eq(g.text[2], "{\"id\":\"3\",\"response\":\"\"}");
	ck_assert_uint_eq(g.line[2], 6);
	ck_assert_str_eq(g.error[3], "row 5 has 3 fields; the header has 2");
	ck_assert_str_eq(g.text[4], "{\"id\":\"5\",\"response\":\"nul\\u0000\"}");
	ck_assert_ptr_null(g.error[4]);
	got_free(&g);
	ck_assert_int_eq(READ("id,text\n1,x\n", INPUT_CSV, NULL, &g), -1);
	ck_assert_int_eq(READ("id,response,id\n", INPUT_CSV, NULL, &g), -1);
	ck_assert_int_eq(READ("id,response\n1,\"a\"b\n2,c\n", INPUT_CSV, NULL, &g), 0);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_ptr_nonnull(strstr(g.error[0], "line 2, column 6"));
	ck_assert_str_eq(g.text[1], "{\"id\":\"2\",\"response\":\"c\"}");
	got_free(&g);
	/* RFC 4180: a cell with a quote is quoted. */
	ck_assert_int_eq(READ("id,response\n1,a \"b\"\n", INPUT_CSV, NULL, &g), 0);
	ck_assert_ptr_nonnull(strstr(g.error[0], "line 2, column 5"));
	got_free(&g);
}
END_TEST

START_TEST(presets_map)
{
	got g;

	ck_assert_int_eq(READ("{\"custom_id\":\"a\",\"response\":{\"status_code\":200,\"body\":"
			      "{\"model\":\"m\",\"choices\":[{\"message\":{\"content\":\"hi\"}}]}}}\n"
			      "not json\n",
			      INPUT_JSONL, "openai-batch", &g), 0);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.text[0], "{\"id\":\"a\",\"model\":\"m\",\"response\":\"hi\"}");
	ck_assert_str_eq(g.text[1], "not json");   /* passed on: the engine says why */
	got_free(&g);
	ck_assert_int_eq(READ("{\"entry_type\":\"attempt\",\"status\":2,\"uuid\":\"u\",\"prompt\":"
			      "\"p\",\"outputs\":[\"x\",{\"text\":\"y\"}]}\n",
			      INPUT_JSONL, "garak", &g), 0);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_str_eq(g.text[1], "{\"id\":\"u:1\",\"prompt\":\"p\",\"response\":\"y\"}");
	got_free(&g);
	ck_assert_int_eq(READ("{\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"content\":\"q1\"},"
			      "{\"role\":\"assistant\",\"content\":\"a1\"},{\"role\":\"user\","
			      "\"content\":[{\"type\":\"text\",\"text\":\"q2\"}]},{\"role\":"
			      "\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
			      "{\"type\":\"text\",\"text\":\"b\"}]}]}\n",
			      INPUT_JSONL, "messages", &g), 0);
	ck_assert_str_eq(g.text[0], "{\"id\":\"c\",\"response\":\"a\\nb\",\"prompt\":\"q2\"}");
	got_free(&g);
}
END_TEST

Suite *make_sources_suite(void)
{
	Suite *s = suite_create("sources");
	TCase *names = tcase_create("suggest"), *readers = tcase_create("readers");

	tcase_add_test(names, distances);
	tcase_add_test(names, suggestions);
	tcase_add_test(readers, json_array);
	tcase_add_test(readers, csv_rows);
	tcase_add_test(readers, presets_map);
	suite_add_tcase(s, names);
	suite_add_tcase(s, readers);
	return s;
}
