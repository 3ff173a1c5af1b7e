/*
 * naive: the straightforward design, as a baseline for the medscreen benchmark.
 *
 * Reads the patterns of a rule pack as medscreen compiles them (the output of
 * `medscreen rules --format json`), compiles one PCRE2 JIT pattern per keyword
 * phrase and one per regex, and runs every pattern, one after the other, over
 * the response of every answer in JSON Lines files, counting matches.  No
 * prefilter, no shared automaton: this is what a first implementation of the
 * rule language would do.
 *
 * A keyword phrase becomes a regex the way medscreen matches phrases: each
 * character escaped, any run of white space (or no-break space) between words,
 * \b where the phrase begins or ends with a word character, and an apostrophe
 * that also matches the curly apostrophes.  Everything is compiled with
 * PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS, like medscreen.
 *
 *   naive --rules-json FILE [--signals response|all] [--time-limit S] [--limit N]
 *         [--stats] FILE...
 *
 * With --time-limit, reading stops after the first answer that ends past S
 * seconds, and the figures are those of the answers actually scanned.  With
 * --limit, it stops after the first N answers (so that two packs can be
 * timed on the same text).
 *
 * Prints one JSON object: answers, bytes, seconds (scan_s: matching only;
 * total_s: reading, parsing and matching, which MB/s and answers/s use),
 * matches, peak RSS.  Build:
 *   cc -O2 -o naive naive.c $(pkg-config --cflags --libs libpcre2-8 json-c)
 */

#define _POSIX_C_SOURCE 200809L
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct pattern {
	pcre2_code *code;
	int is_keyword;
	const char *signal;
	char *source;
	unsigned long matches;
	double seconds;         /* with --stats only */
};

static struct pattern *pats;
static size_t npats, cappats;

static void die(const char *msg)
{
	fprintf(stderr, "naive: %s\n", msg);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int is_word_byte(unsigned char c)
{
	return isalnum(c) || c == '_';
}

/* Append to a growing string. */
struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* The regex equivalent of a normalised keyword phrase. */
static char *keyword_regex(const char *kw)
{
	struct buf b = { 0 };
	size_t n = strlen(kw);
	const unsigned char *u = (const unsigned char *)kw;

	if (n && is_word_byte(u[0]))
		puts_(&b, "\\b");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		if (c == ' ') {
			puts_(&b, "[\\s\\x{a0}]+");
			while (i + 1 < n && u[i + 1] == ' ')
				i++;
		} else if (c == '\'') {
			puts_(&b, "['\\x{2018}\\x{2019}\\x{2bc}]");
		} else if (c < 0x80 && !isalnum(c) && c != '_') {
			char esc[3] = { '\\', (char)c, 0 };
			puts_(&b, esc);
		} else {
			put(&b, (const char *)&u[i], 1);
		}
	}
	if (n && is_word_byte(u[n - 1]))
		puts_(&b, "\\b");
	return b.s ? b.s : strdup("");
}

static void add_pattern(const char *signal, const char *src, int is_keyword)
{
	int err;
	PCRE2_SIZE off;
	char *rx = is_keyword ? keyword_regex(src) : strdup(src);
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)rx, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS,
					 &err, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof msg);
		fprintf(stderr, "naive: %s: cannot compile /%s/ at %zu: %s\n", signal, rx, (size_t)off, msg);
		exit(2);
	}
	if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0)
		fprintf(stderr, "naive: %s: no JIT for /%s/\n", signal, rx);
	if (npats == cappats) {
		cappats = cappats ? cappats * 2 : 256;
		pats = xrealloc(pats, cappats * sizeof *pats);
	}
	pats[npats++] = (struct pattern){ code, is_keyword, signal, rx, 0, 0.0 };
}

static void load_rules(const char *path, int all_signals)
{
	json_object *root = json_object_from_file(path), *sigs;

	if (!root || !json_object_object_get_ex(root, "signals", &sigs))
		die("cannot read the signals of the rules JSON");
	size_t ns = json_object_array_length(sigs);
	/* Keywords first, then regexes, as medscreen reports them. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ns; i++) {
			json_object *s = json_object_array_get_idx(sigs, i), *v, *list;
			const char *id = "?";
			if (json_object_object_get_ex(s, "id", &v))
				id = strdup(json_object_get_string(v));
			if (!all_signals && json_object_object_get_ex(s, "on", &v) &&
			    strcmp(json_object_get_string(v), "response") != 0)
				continue;
			if (!json_object_object_get_ex(s, pass == 0 ? "keywords" : "patterns", &list))
				continue;
			size_t n = json_object_array_length(list);
			for (size_t k = 0; k < n; k++)
				add_pattern(id, json_object_get_string(json_object_array_get_idx(list, k)),
					    pass == 0);
		}
	}
	json_object_put(root);
}

int main(int argc, char **argv)
{
	const char *rules = NULL;
	int all_signals = 0, stats = 0;
	double time_limit = 0;
	unsigned long limit = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rules-json") && i + 1 < argc)
			rules = argv[++i];
		else if (!strcmp(argv[i], "--signals") && i + 1 < argc)
			all_signals = !strcmp(argv[++i], "all");
		else if (!strcmp(argv[i], "--time-limit") && i + 1 < argc)
			time_limit = atof(argv[++i]);
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc)
			limit = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--stats"))
			stats = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			die("usage: naive --rules-json FILE [--signals response|all] [--time-limit S] [--limit N] [--stats] FILE...");
		else
			break;
	}
	if (!rules || i >= argc)
		die("usage: naive --rules-json FILE [--signals response|all] [--time-limit S] [--limit N] [--stats] FILE...");

	double t0 = now();
	load_rules(rules, all_signals);
	double compile_s = now() - t0;
	size_t nkw = 0;
	for (size_t p = 0; p < npats; p++)
		nkw += pats[p].is_keyword;

	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mc, 1000000);
	json_tokener *tok = json_tokener_new();
	unsigned long answers = 0, bytes = 0, matches = 0, kw_hit = 0, rx_hit = 0, bad = 0;
	int stopped = 0;
	double scan_s = 0, t_start = now();
	char *line = NULL;
	size_t linecap = 0;

	for (; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
		if (!f) {
			fprintf(stderr, "naive: %s: %s\n", argv[i], strerror(errno));
			return 2;
		}
		ssize_t len;
		while ((len = getline(&line, &linecap, f)) > 0) {
			json_tokener_reset(tok);
			json_object *rec = json_tokener_parse_ex(tok, line, (int)len), *resp;
			if (!rec || !json_object_object_get_ex(rec, "response", &resp) ||
			    !json_object_is_type(resp, json_type_string)) {
				bad++;
				json_object_put(rec);
				continue;
			}
			const char *text = json_object_get_string(resp);
			size_t tlen = (size_t)json_object_get_string_len(resp);
			double t1 = now();
			for (size_t p = 0; p < npats; p++) {
				PCRE2_SIZE start = 0;
				unsigned long n = 0;
				double tp = stats ? now() : 0;
				for (;;) {
					int rc = pcre2_match(pats[p].code, (PCRE2_SPTR)text, tlen, start, 0, md, mc);
					if (rc < 0)
						break;
					PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
					n++;
					start = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
					/* Keep to a character boundary. */
					while (start < tlen && (text[start] & 0xC0) == 0x80)
						start++;
					if (start > tlen)
						break;
				}
				if (stats)
					pats[p].seconds += now() - tp;
				if (n) {
					pats[p].matches += n;
					matches += n;
					if (pats[p].is_keyword)
						kw_hit++;
					else
						rx_hit++;
				}
			}
			scan_s += now() - t1;
			answers++;
			bytes += tlen;
			json_object_put(rec);
			if ((time_limit > 0 && now() - t_start >= time_limit) ||
			    (limit > 0 && answers >= limit)) {
				stopped = 1;
				break;
			}
		}
		if (f != stdin)
			fclose(f);
		if (stopped)
			break;
	}
	double total_s = now() - t_start;

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"engine\": \"naive-pcre2\", \"keywords\": %zu, \"regexes\": %zu, \"compile_s\": %.4f, "
	       "\"answers\": %lu, \"bytes\": %lu, \"scan_s\": %.3f, \"total_s\": %.3f, \"mb_s\": %.4f, "
	       "\"answers_s\": %.2f, \"matches\": %lu, \"unreadable\": %lu, \"subset\": %s, \"peak_rss_kb\": %ld",
	       nkw, npats - nkw, compile_s, answers, bytes, scan_s, total_s,
	       total_s > 0 ? bytes / 1e6 / total_s : 0.0, total_s > 0 ? answers / total_s : 0.0, matches, bad,
	       stopped ? "true" : "false", ru.ru_maxrss);
	if (stats && answers) {
		unsigned long never = 0;
		for (size_t p = 0; p < npats; p++)
			never += pats[p].matches == 0;
		printf(", \"mean_keywords_matched\": %.2f, \"mean_regexes_matched\": %.2f, "
		       "\"mean_bytes\": %.1f, \"patterns_never_matched\": %lu",
		       (double)kw_hit / answers, (double)rx_hit / answers, (double)bytes / answers, never);
	}
	printf("}\n");
	if (stats) {
		/* Every pattern: matches, seconds, kind, signal, source (sort as needed). */
		for (size_t p = 0; p < npats; p++)
			fprintf(stderr, "%8lu %9.4f %s %-26s %.70s\n", pats[p].matches, pats[p].seconds,
				pats[p].is_keyword ? "kw" : "rx", pats[p].signal, pats[p].source);
	}
	free(line);
	json_tokener_free(tok);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	return 0;
}
