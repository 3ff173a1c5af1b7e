/* Matcher cases as data: the .cases files of tests/data/matcher, read here.
 *
 * A file holds cases.  A case is "=== name", the rule YAML, "---", then one
 * check per line (blank lines and lines starting with "#" are skipped):
 *
 *   count N: TEXT         matches of the first signal in TEXT
 *   signal ID N: TEXT     matches of signal ID
 *   findings N: TEXT      findings when TEXT is the response
 *   kind K: TEXT          the first finding is "present" or "missing"
 *   evidence N: TEXT      evidence spans of the first finding
 *   span I START END [ON]: TEXT   the first finding's evidence span I, and
 *                         with ON ("prompt" or "response") the text it is in
 *   triggers N: TEXT      trigger spans of the first finding
 *   trigger I START END ON: TEXT  the first finding's trigger span I
 *   derived T1 T2..: TEXT the tags the scenarios gave, "-" for none
 *   score N: TEXT         the record's score
 *   flagged N: TEXT       the record is flagged (1) or not (0)
 *   dims D1 D2..: TEXT    the flagged dimensions, "-" for none
 *   signals N: TEXT       named signals that matched
 *   prompt: TEXT          later scans have this prompt ("prompt -": none)
 *   tags: T1 T2..         later scans carry these tags ("tags -": none)
 *   model: M  group: G  weights: W   later scans' metadata ("-": none)
 *
 * TEXT is the rest of the line with the escapes \n \t \\ and \xHH; a
 * failure names file:line. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

#define CASES_DIR TEST_DATA "/matcher"
#define MAX_TAGS 8

typedef struct ctx {
	const char *file;
	unsigned line;
	ms_rules *rules;
	ms_scanner *sc;
	char prompt[1024];
	int has_prompt;
	char tagbuf[256];
	const char *tags[MAX_TAGS];
	size_t ntags;
	char meta[3][64];          /* model, group, weights; "" for none */
} ctx;

/* Decode the escapes of s into out; returns the length. */
static size_t unescape(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++) {
		if (*s != '\\' || !s[1]) {
			out[n++] = *s;
			continue;
		}
		s++;
		if (*s == 'n')
			out[n++] = '\n';
		else if (*s == 't')
			out[n++] = '\t';
		else if (*s == 'x' && s[1] && s[2]) {
			char hex[3] = { s[1], s[2], 0 };
			out[n++] = (char)strtoul(hex, NULL, 16);
			s += 2;
		} else
			out[n++] = *s;
	}
	out[n] = '\0';
	return n;
}

static const ms_result *scan_text(ctx *c, const char *text, size_t len)
{
	ms_record rec = { 0 };
	const ms_result *res = NULL;

	rec.response = text;
	rec.response_len = len;
	rec.prompt = c->has_prompt ? c->prompt : NULL;
	rec.prompt_len = c->has_prompt ? strlen(c->prompt) : 0;
	rec.tags = c->tags;
	rec.ntags = c->ntags;
	rec.model = c->meta[0][0] ? c->meta[0] : NULL;
	rec.model_group = c->meta[1][0] ? c->meta[1] : NULL;
	rec.weights = c->meta[2][0] ? c->meta[2] : NULL;
	ck_assert_msg(ms_scanner_scan(c->sc, &rec, &res) == MS_OK, "%s:%u: scan failed", c->file,
		      c->line);
	return res;
}

static size_t signal_index(ctx *c, const char *id)
{
	for (size_t i = 0; i < ms_rules_signal_count(c->rules); i++)
		if (strcmp(ms_rules_signal(c->rules, i)->id, id) == 0)
			return i;
	ck_abort_msg("%s:%u: no signal '%s'", c->file, c->line, id);
	return 0;
}

/* The flagged dimensions, space-separated, or "-". */
static void dims_of(const ms_result *r, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int d = 0; d < MS_DIM_COUNT; d++)
		if (r->dim_flagged[d])
			snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? " " : "",
				 ms_dimension_name((ms_dimension)d));
	if (!buf[0])
		snprintf(buf, n, "-");
}

/* A value of the first finding, checked to exist. */
static const ms_finding *first(ctx *c, const ms_result *r)
{
	ck_assert_msg(r->nfindings > 0, "%s:%u: no finding", c->file, c->line);
	return &r->findings[0];
}

/* "span I START END [ON]" or "trigger I START END ON" of finding f. */
static void check_span(ctx *c, const char *what, const char *args, const ms_finding *f)
{
	size_t i, s, e, n = what[0] == 's' ? f->nevidence : f->ntrigger;
	char on[16] = "";
	const ms_span *sp;
	int k = sscanf(args, "%zu %zu %zu %15s", &i, &s, &e, on);

	ck_assert_msg(k >= 3, "%s:%u: expected '%s I START END'", c->file, c->line, what);
	ck_assert_msg(i < n, "%s:%u: no %s %zu", c->file, c->line, what, i);
	sp = what[0] == 's' ? &f->evidence[i] : &f->trigger[i];
	ck_assert_msg(sp->start == s && sp->end == e, "%s:%u: %s %zu is %zu-%zu, not %zu-%zu",
		      c->file, c->line, what, i, sp->start, sp->end, s, e);
	if (on[0])
		ck_assert_msg(strcmp(on, sp->in_prompt ? "prompt" : "response") == 0,
			      "%s:%u: %s %zu is not in the %s", c->file, c->line, what, i, on);
}

/* A check "WHAT ARGS: TEXT". */
static void check(ctx *c, const char *what, const char *args, const char *text, size_t len)
{
	long want = strtol(args, NULL, 10), got;
	const ms_result *r;

	if (strcmp(what, "count") == 0) {
		got = ms_scanner_signal_count(c->sc, 0, text, len);
	} else if (strcmp(what, "signal") == 0) {
		char id[64];
		ck_assert(sscanf(args, "%63s %ld", id, &want) == 2);
		got = ms_scanner_signal_count(c->sc, signal_index(c, id), text, len);
	} else if (strcmp(what, "dims") == 0 || strcmp(what, "kind") == 0) {
		char buf[128];
		r = scan_text(c, text, len);
		if (what[0] == 'd')
			dims_of(r, buf, sizeof buf);
		else
			snprintf(buf, sizeof buf, "%s",
				 first(c, r)->kind == MS_FINDING_MISSING ? "missing" : "present");
		ck_assert_msg(strcmp(buf, args) == 0, "%s:%u: %s '%s', expected '%s'", c->file,
			      c->line, what, buf, args);
		return;
	} else if (strcmp(what, "span") == 0 || strcmp(what, "trigger") == 0) {
		check_span(c, what, args, first(c, scan_text(c, text, len)));
		return;
	} else if (strcmp(what, "derived") == 0) {
		char buf[256] = "";
		r = scan_text(c, text, len);
		for (size_t i = 0; i < r->ntags; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? " " : "",
				 r->tags[i]);
		ck_assert_msg(strcmp(r->ntags ? buf : "-", args) == 0, "%s:%u: derived '%s', expected '%s'",
			      c->file, c->line, r->ntags ? buf : "-", args);
		return;
	} else {
		r = scan_text(c, text, len);
		if (strcmp(what, "findings") == 0)
			got = (long)r->nfindings;
		else if (strcmp(what, "evidence") == 0)
			got = (long)first(c, r)->nevidence;
		else if (strcmp(what, "score") == 0)
			got = (long)r->score;
		else if (strcmp(what, "flagged") == 0)
			got = r->flagged != 0;
		else if (strcmp(what, "signals") == 0)
			got = (long)r->nsignals;
		else if (strcmp(what, "triggers") == 0)
			got = (long)first(c, r)->ntrigger;
		else
			ck_abort_msg("%s:%u: unknown check '%s'", c->file, c->line, what);
	}
	ck_assert_msg(got == want, "%s:%u: %s %ld, expected %ld", c->file, c->line, what, got, want);
}

static void set_tags(ctx *c, const char *v)
{
	char *save = NULL;

	c->ntags = 0;
	snprintf(c->tagbuf, sizeof c->tagbuf, "%.*s", (int)sizeof c->tagbuf - 1,
		 strcmp(v, "-") == 0 ? "" : v);
	for (char *t = strtok_r(c->tagbuf, " ", &save); t && c->ntags < MAX_TAGS;
	     t = strtok_r(NULL, " ", &save))
		c->tags[c->ntags++] = t;
}

/* A context line ("prompt: ..", "tags: ..", "model: ..", ...); 0 if not one. */
static int context_line(ctx *c, const char *line)
{
	static const char *const meta[] = { "model: ", "group: ", "weights: " };

	if (strcmp(line, "prompt -") == 0) {
		c->has_prompt = 0;
		return 1;
	}
	if (strncmp(line, "prompt: ", 8) == 0) {
		unescape(line + 8, c->prompt, sizeof c->prompt);
		c->has_prompt = 1;
		return 1;
	}
	if (strncmp(line, "tags: ", 6) == 0 || strcmp(line, "tags -") == 0) {
		set_tags(c, line[4] == ':' ? line + 6 : "-");
		return 1;
	}
	for (int i = 0; i < 3; i++)
		if (strncmp(line, meta[i], strlen(meta[i])) == 0) {
			const char *v = line + strlen(meta[i]);
			snprintf(c->meta[i], sizeof c->meta[i], "%s", strcmp(v, "-") == 0 ? "" : v);
			return 1;
		}
	return 0;
}

static void check_line(ctx *c, const char *line)
{
	char what[16], args[128], text[2048];
	const char *colon = strstr(line, ": ");
	size_t n, len;

	if (context_line(c, line))
		return;
	if (!colon && (n = strlen(line)) > 0 && line[n - 1] == ':')
		colon = line + n - 1;   /* an empty text */
	ck_assert_msg(colon != NULL, "%s:%u: expected 'CHECK ARGS: TEXT'", c->file, c->line);
	n = strcspn(line, " :");
	ck_assert(n < sizeof what);
	memcpy(what, line, n);
	what[n] = '\0';
	snprintf(args, sizeof args, "%.*s", (int)(colon - line - n), line + n);
	memmove(args, args + strspn(args, " "), strlen(args + strspn(args, " ")) + 1);
	len = unescape(colon[1] ? colon + 2 : "", text, sizeof text);
	check(c, what, args, text, len);
}

static void start_case(ctx *c, const char *yaml)
{
	diags d;

	c->rules = compile_yaml(yaml, &d);
	ck_assert_msg(c->rules != NULL, "%s:%u: rules failed to compile: %s", c->file, c->line,
		      d.n ? d.lines[0] : "?");
	ck_assert_int_eq(ms_scanner_create(&c->sc, c->rules), MS_OK);
	c->has_prompt = 0;
	c->ntags = 0;
	memset(c->meta, 0, sizeof c->meta);
}

static void end_case(ctx *c)
{
	ms_scanner_destroy(c->sc);
	ms_rules_destroy(c->rules);
	c->sc = NULL;
	c->rules = NULL;
}

/* Run every case of one file; returns the number of cases. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "r");
	ctx c = { .file = path };
	char line[4096], yaml[8192];
	int in_yaml = 0, ncases = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f)) {
		c.line++;
		if (in_yaml && strcmp(line, "---\n") == 0) {
			start_case(&c, yaml);
			in_yaml = 0;
		} else if (in_yaml) {
			ck_assert(strlen(yaml) + strlen(line) < sizeof yaml);
			strcat(yaml, line);
		} else if (strncmp(line, "=== ", 4) == 0) {
			if (c.rules)
				end_case(&c);
			yaml[0] = '\0';
			in_yaml = 1;
			ncases++;
		} else if (line[0] != '#' && line[0] != '\n') {
			line[strcspn(line, "\n")] = '\0';
			ck_assert_msg(c.rules != NULL, "%s:%u: a check outside a case", path, c.line);
			check_line(&c, line);
		}
	}
	if (c.rules)
		end_case(&c);
	fclose(f);
	return ncases;
}

START_TEST(matcher_cases)
{
	DIR *d = opendir(CASES_DIR);
	struct dirent *e;
	int nfiles = 0, ncases = 0;

	ck_assert_msg(d != NULL, "cannot open %s", CASES_DIR);
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char path[1024];
		if (n < 6 || strcmp(e->d_name + n - 6, ".cases") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", CASES_DIR, e->d_name);
		ncases += run_file(path);
		nfiles++;
	}
	closedir(d);
	ck_assert_int_ge(nfiles, 1);
	ck_assert_int_ge(ncases, 20);
}
END_TEST

Suite *make_cases_suite(void)
{
	Suite *s = suite_create("matcher cases");
	TCase *tc = tcase_create("cases");

	tcase_add_test(tc, matcher_cases);
	suite_add_tcase(s, tc);
	return s;
}
