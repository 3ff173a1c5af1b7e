/* medscreen scan: JSON Lines in, one result per record out, in input order.
 *
 * Records are read in batches.  Each batch is screened by the worker threads
 * (each with its own scanner, JSON tokenizer and output buffer), which take
 * small chunks of records from a shared counter; the main thread then writes
 * the results in input order.  Memory is bounded by the batch size and does
 * not grow with the number of records. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "jsonstrict.h"

#define BATCH_RECORDS 1024
#define BATCH_BYTES (8u << 20)
#define CHUNK 8
#define DEFAULT_MAX_RECORD (16u << 20)

typedef struct slot {
	size_t off, len;          /* line in the batch arena */
	unsigned long line;
	int too_long;             /* the line exceeded --max-record-bytes */
	int worker;               /* which worker's buffer holds the output */
	size_t out_off, out_len;
	int flagged_fail;         /* a finding at or above --fail-on */
	int flagged;              /* a finding above info */
	int error;
	int unknown_prompt;
	int no_prompt;            /* neither a prompt text nor a prompt_id */
	unsigned score;
} slot;

typedef struct scan_cfg {
	const ms_rules *rules;
	const ms_prompts *prompts;
	field_map fields;
	out_ctx out;
	int fail_on;              /* severity threshold, or MS_SEV_COUNT for never */
	int profile;
	size_t max_record;
} scan_cfg;

typedef struct worker {
	const scan_cfg *cfg;
	ms_scanner *sc;
	json_tokener *tok;
	in_record in;
	out_buf out;
	/* a record's tags: its prompt's, then its own */
	const char **tagbuf;
	size_t captags;
	int id;
	/* current batch */
	slot *slots;
	size_t nslots;
	const char *arena;
	atomic_size_t *next;
	int oom;
} worker;

/* Said once when records came with neither a prompt nor a prompt_id: what
 * looked at the prompt read the response, and rules scoped only by tags
 * that no scenario derives could not apply. */
static void note_no_prompt(const ms_rules *rules, unsigned long n)
{
	out_buf left = { 0 };
	size_t nleft = 0;

	for (size_t i = 0; i < ms_rules_count(rules); i++) {
		const ms_rule *ru = ms_rules_get(rules, i);
		int derivable = 0;

		for (size_t t = 0; t < ru->nscope_tags && !derivable; t++)
			for (size_t k = 0; k < ms_rules_scenario_count(rules) && !derivable; k++)
				derivable = strcmp(ru->scope_tags[t],
						   ms_rules_scenario(rules, k)->tag) == 0;
		if (ru->nscope_tags && !derivable) {
			ob_printf(&left, "%s%s", nleft ? ", " : "", ru->id);
			nleft++;
		}
	}
	cli_note("%lu record%s had neither a prompt nor a prompt_id: scenario tags and prompt "
		 "signals were read from the response%s%s%s",
		 n, n == 1 ? "" : "s",
		 nleft ? "; rules scoped only by tags that no scenario derives applied only to records that carry such a tag themselves: " : "",
		 nleft ? left.data : "", nleft ? "" : "; every rule could apply");
	ob_free(&left);
}

static void screen_one(worker *w, slot *s)
{
	const scan_cfg *cfg = w->cfg;
	ms_record rec = { 0 };
	const ms_result *res = NULL;
	const char *error = NULL;
	char msg[128];
	size_t before = w->out.len;

	s->worker = w->id;
	s->flagged_fail = s->flagged = s->error = s->unknown_prompt = s->no_prompt = 0;
	s->score = 0;
	if (s->too_long) {
		in_record_clear(&w->in);
		snprintf(msg, sizeof msg, "record of %zu bytes exceeds the limit of %zu bytes "
			 "(--max-record-bytes)", s->len, cfg->max_record);
		error = msg;
	} else {
		in_record_parse(&w->in, w->tok, &cfg->fields, w->arena + s->off, s->len);
		error = w->in.error;
	}
	if (!error) {
		const ms_prompt *p = cfg->prompts ? ms_prompts_find(cfg->prompts, w->in.str[F_PROMPT_ID])
						  : NULL;
		ms_status st;

		rec.response = w->in.str[F_RESPONSE];
		rec.response_len = w->in.response_len;
		rec.prompt = w->in.str[F_PROMPT];
		rec.prompt_len = w->in.prompt_len;
		rec.model = w->in.str[F_MODEL];
		rec.model_group = w->in.str[F_MODEL_GROUP];
		rec.weights = w->in.str[F_WEIGHTS];
		if (p) {
			rec.tags = p->tags;
			rec.ntags = p->ntags;
			if (!rec.prompt) {
				rec.prompt = p->text;
				rec.prompt_len = strlen(p->text);
				rec.prompt_stable = 1;
			}
		} else if (cfg->prompts && w->in.str[F_PROMPT_ID]) {
			s->unknown_prompt = 1;
		}
		if (w->in.ntags) {
			/* Own tags join the prompt's; the joined list is not the
			 * prompt set's, so nothing about it may be cached. */
			size_t n = 0;
			cli_grow(&w->tagbuf, &w->captags, rec.ntags + w->in.ntags, sizeof *w->tagbuf);
			for (size_t i = 0; i < rec.ntags; i++)
				w->tagbuf[n++] = rec.tags[i];
			for (size_t i = 0; i < w->in.ntags; i++)
				w->tagbuf[n++] = w->in.tags[i];
			rec.tags = w->tagbuf;
			rec.ntags = n;
			rec.prompt_stable = 0;
		}
		s->no_prompt = !rec.prompt && !w->in.str[F_PROMPT_ID];
		st = ms_scanner_scan(w->sc, &rec, &res);
		if (st) {
			if (st == MS_ERR_NOMEM)
				w->oom = 1;
			error = ms_strerror(st);
			res = NULL;
		}
	}
	if (error || (res && res->error))
		s->error = 1;
	if (res) {
		s->score = res->score;
		s->flagged = res->flagged;
		for (size_t i = 0; i < res->nfindings; i++)
			if (res->findings[i].kind != MS_FINDING_ERROR &&
			    (int)res->findings[i].rule->severity >= cfg->fail_on)
				s->flagged_fail = 1;
	}
	emit_record(&w->out, &cfg->out, &w->in, s->line, &rec, res, error);
	s->out_off = before;
	s->out_len = w->out.len - before;
}

static void *worker_run(void *arg)
{
	worker *w = arg;

	for (;;) {
		size_t first = atomic_fetch_add(w->next, CHUNK);
		if (first >= w->nslots)
			break;
		for (size_t i = first; i < first + CHUNK && i < w->nslots; i++)
			screen_one(w, &w->slots[i]);
	}
	return NULL;
}

/* Where a record's output went, for --sort score. */
typedef struct sort_ent {
	unsigned score;
	unsigned long seq;
	long long off;
	size_t len;
} sort_ent;

typedef struct run_stats {
	unsigned long records, flagged_fail, flagged, errors, unknown_prompt, no_prompt;
	int io_error;
	FILE *out;          /* stdout, or a temporary file for wrapped or sorted output */
	int sorting;
	sort_ent *ents;
	size_t nents, capents;
	long long off;
} run_stats;

/* Screen one batch with all workers and write it out in order. */
static int run_batch(worker *ws, int nw, slot *slots, size_t n, const char *arena,
		     run_stats *st)
{
	atomic_size_t next;
	pthread_t th[256];
	int started = 0;

	atomic_init(&next, 0);
	for (int i = 0; i < nw; i++) {
		ws[i].slots = slots;
		ws[i].nslots = n;
		ws[i].arena = arena;
		ws[i].next = &next;
		ws[i].out.len = 0;
	}
	/* The calling thread is worker 0. */
	for (int i = 1; i < nw; i++) {
		if (pthread_create(&th[i], NULL, worker_run, &ws[i]) != 0)
			break;
		started = i;
	}
	worker_run(&ws[0]);
	for (int i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < nw; i++)
		if (ws[i].oom) {
			cli_error("out of memory");
			return -1;
		}
	for (size_t i = 0; i < n; i++) {
		slot *s = &slots[i];
		if (s->out_len && fwrite(ws[s->worker].out.data + s->out_off, 1, s->out_len, st->out) !=
					  s->out_len)
			st->io_error = 1;
		if (st->sorting) {
			if (st->nents == st->capents) {
				size_t ncap = st->capents ? st->capents * 2 : 1024;
				sort_ent *p = realloc(st->ents, ncap * sizeof *p);
				if (!p) {
					cli_error("out of memory");
					return -1;
				}
				st->ents = p;
				st->capents = ncap;
			}
			st->ents[st->nents++] = (sort_ent){ s->score, st->records, st->off, s->out_len };
		}
		st->off += (long long)s->out_len;
		st->records++;
		st->flagged += (unsigned long)s->flagged;
		st->flagged_fail += (unsigned long)s->flagged_fail;
		st->errors += (unsigned long)s->error;
		st->unknown_prompt += (unsigned long)s->unknown_prompt;
		st->no_prompt += (unsigned long)s->no_prompt;
	}
	return 0;
}

static int scan_stream(worker *ws, int nw, FILE *f, const char *name, size_t max_record,
		       run_stats *st)
{
	line_reader lr;
	slot *slots = calloc(BATCH_RECORDS, sizeof *slots);
	char *arena = NULL;
	size_t arena_len = 0, arena_cap = 0, n = 0;
	int rc = 0;

	for (int i = 0; i < nw; i++)
		ws[i].out.len = 0;
	if (!slots) {
		cli_error("out of memory");
		return -1;
	}
	line_reader_init(&lr, f, max_record);
	for (;;) {
		const char *line = NULL;
		size_t len = 0;
		line_status ls = line_reader_next(&lr, &line, &len);

		if (ls == LINE_IO_ERROR) {
			cli_error("%s: read error after line %lu: %s", name, lr.lineno,
				  strerror(errno));
			rc = -1;
			/* The records read so far are still screened and written. */
			if (n && run_batch(ws, nw, slots, n, arena, st))
				rc = -1;
			break;
		}
		if (ls == LINE_OK || ls == LINE_TOO_LONG) {
			slot *s = &slots[n++];
			memset(s, 0, sizeof *s);
			s->line = lr.lineno;
			s->len = len;
			s->too_long = ls == LINE_TOO_LONG;
			if (!s->too_long) {
				if (arena_len + len + 1 > arena_cap) {
					size_t ncap = arena_cap ? arena_cap : BATCH_BYTES;
					char *p;
					while (ncap < arena_len + len + 1)
						ncap *= 2;
					p = realloc(arena, ncap);
					if (!p) {
						cli_error("out of memory");
						rc = -1;
						break;
					}
					arena = p;
					arena_cap = ncap;
				}
				memcpy(arena + arena_len, line, len);
				s->off = arena_len;
				arena_len += len;
				arena[arena_len++] = '\0';
			}
		}
		if (n && (ls == LINE_EOF || n == BATCH_RECORDS || arena_len >= BATCH_BYTES)) {
			if (run_batch(ws, nw, slots, n, arena, st)) {
				rc = -1;
				break;
			}
			n = 0;
			arena_len = 0;
		}
		if (ls == LINE_EOF)
			break;
	}
	line_reader_free(&lr);
	free(slots);
	free(arena);
	return rc;
}

static int cmp_ent(const void *a, const void *b)
{
	const sort_ent *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copy `len` bytes at `off` of the temporary file to stdout. */
static int copy_range(FILE *in, long long off, size_t len, size_t skip)
{
	char buf[65536];

	if (fseeko(in, (off_t)(off + (long long)skip), SEEK_SET) != 0)
		return -1;
	len -= skip;
	while (len > 0) {
		size_t n = fread(buf, 1, len < sizeof buf ? len : sizeof buf, in);
		if (n == 0)
			return -1;
		if (fwrite(buf, 1, n, stdout) != n)
			return -1;
		len -= n;
	}
	return 0;
}

/* Write sorted output, or wrap the SARIF / JUnit body in its document. */
static int finish_output(const scan_cfg *cfg, run_stats *st)
{
	int rc = 0;

	fflush(st->out);
	if (st->sorting) {
		if (st->nents)
			qsort(st->ents, st->nents, sizeof *st->ents, cmp_ent);
		for (size_t i = 0; i < st->nents && !rc; i++)
			if (st->ents[i].len)
				rc = copy_range(st->out, st->ents[i].off, st->ents[i].len, 0);
	} else if (cfg->out.fmt == FMT_SARIF) {
		sarif_header(stdout, cfg->rules);
		/* Every result starts with a comma; the first one's is dropped. */
		if (st->off > 0)
			rc = copy_range(st->out, 0, (size_t)st->off, 1);
		sarif_footer(stdout, !st->errors);
	} else {
		junit_header(stdout, st->records, st->flagged, st->errors);
		if (st->off > 0)
			rc = copy_range(st->out, 0, (size_t)st->off, 0);
		junit_footer(stdout);
	}
	if (rc)
		cli_error("cannot read back the temporary output: %s", strerror(errno));
	return rc;
}

typedef const ms_profile_entry *(*profile_fn)(const ms_scanner *);
typedef const char *(*name_fn)(const ms_rules *, size_t);

static const char *signal_name(const ms_rules *r, size_t i)
{
	return ms_rules_signal(r, i)->id;
}

static const char *rule_name(const ms_rules *r, size_t i)
{
	return ms_rules_get(r, i)->id;
}

/* Sum one profile over the workers and print it, slowest first. */
static void print_profile_table(worker *ws, int nw, const ms_rules *r, size_t n, profile_fn get,
				name_fn name, const char *const head[5])
{
	ms_profile_entry *sum = calloc(n ? n : 1, sizeof *sum);
	size_t *order = calloc(n ? n : 1, sizeof *order);

	if (!sum || !order) {
		free(sum);
		free(order);
		return;
	}
	for (int w = 0; w < nw; w++) {
		const ms_profile_entry *p = get(ws[w].sc);
		for (size_t i = 0; i < n; i++) {
			sum[i].nanoseconds += p[i].nanoseconds;
			sum[i].evaluations += p[i].evaluations;
			sum[i].runs += p[i].runs;
			sum[i].matches += p[i].matches;
		}
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* Slowest first (insertion sort: a few hundred entries at most). */
	for (size_t i = 1; i < n; i++) {
		size_t k = order[i], j = i;
		while (j > 0 && sum[order[j - 1]].nanoseconds < sum[k].nanoseconds) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	fprintf(stderr, "%-30s %10s %12s %12s %9s %10s\n", head[0], "ms", head[1], head[2],
		head[3], head[4]);
	for (size_t i = 0; i < n; i++) {
		const ms_profile_entry *e = &sum[order[i]];
		fprintf(stderr, "%-30s %10.2f %12llu %12llu %8.1f%% %10llu\n", name(r, order[i]),
			e->nanoseconds / 1e6, (unsigned long long)e->evaluations,
			(unsigned long long)e->runs,
			e->evaluations ? 100.0 * (double)e->runs / (double)e->evaluations : 0.0,
			(unsigned long long)e->matches);
	}
	fputc('\n', stderr);
	free(sum);
	free(order);
}

static void print_profile(worker *ws, int nw, const ms_rules *r)
{
	static const char *const sig_head[5] = { "signal", "regex evals", "regex runs", "pass %",
						  "matches" };
	static const char *const rule_head[5] = { "rule", "in scope", "when held", "when %",
						   "fired" };

	print_profile_table(ws, nw, r, ms_rules_signal_count(r), ms_scanner_profile, signal_name,
			    sig_head);
	print_profile_table(ws, nw, r, ms_rules_count(r), ms_scanner_rule_profile, rule_name,
			    rule_head);
}

static void scan_usage(FILE *f)
{
	fprintf(f,
		"Usage: medscreen scan [OPTION]... [FILE]...\n"
		"Screen JSON Lines records (stdin when no FILE or FILE is -).\n\n"
		"  -r, --rules PATH          rule file or directory (repeatable; default: installed pack)\n"
		"  -p, --prompts FILE        prompt set joined by prompt_id (default: installed set)\n"
		"  -f, --format FORMAT       text, jsonl, csv, sarif or junit (default: text)\n"
		"      --sort ORDER          input (default) or score: riskiest records first\n"
		"                            (text, jsonl and csv)\n"
		"      --fail-on SEVERITY    exit 1 on a finding at or above info|low|medium|high|critical,\n"
		"                            or never (default: low)\n"
		"  -j, --jobs N              worker threads (default: number of cores)\n"
		"      --field NAME=PATH     read field NAME from PATH (dotted, array indices allowed)\n"
		"      --color WHEN          auto, always or never (text format)\n"
		"      --context N           bytes of context around evidence in text output (default 40)\n"
		"      --max-record-bytes N  longest accepted line (default 16777216)\n"
		"      --match-limit N       PCRE2 match limit per regex run (default 1000000)\n"
		"      --no-prefilter        run every regex on every text (same output, slower)\n"
		"      --no-jit              do not use the PCRE2 JIT\n"
		"      --profile             print per-signal time and prefilter statistics to stderr\n"
		"  -h, --help                show this help\n");
}

static int parse_size(const char *arg, const char *opt, size_t lo, size_t hi, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end || !*arg || arg[0] == '-' || v < lo || v > hi) {
		cli_error("%s expects a number between %zu and %zu, not '%s'", opt, lo, hi, arg);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int cmd_scan(int argc, char **argv)
{
	enum { O_FAIL_ON = 256, O_FIELD, O_COLOR, O_CONTEXT, O_MAXREC, O_MATCHLIM, O_NOPRE,
	       O_NOJIT, O_PROFILE, O_SORT };
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "prompts", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, O_FAIL_ON },
		{ "jobs", required_argument, NULL, 'j' },
		{ "field", required_argument, NULL, O_FIELD },
		{ "color", required_argument, NULL, O_COLOR },
		{ "colour", required_argument, NULL, O_COLOR },
		{ "context", required_argument, NULL, O_CONTEXT },
		{ "max-record-bytes", required_argument, NULL, O_MAXREC },
		{ "match-limit", required_argument, NULL, O_MATCHLIM },
		{ "no-prefilter", no_argument, NULL, O_NOPRE },
		{ "no-jit", no_argument, NULL, O_NOJIT },
		{ "profile", no_argument, NULL, O_PROFILE },
		{ "sort", required_argument, NULL, O_SORT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	rule_opts ro = { 0 };
	scan_cfg cfg = { 0 };
	ms_rules *rules = NULL;
	ms_prompts *prompts = NULL;
	worker *ws = NULL;
	size_t jobs = 0, max_record = DEFAULT_MAX_RECORD, tmp;
	run_stats st = { 0 };
	int c, ret = EXIT_TROUBLE, nw = 0, nfiles, trouble = 0;

	field_map_init(&cfg.fields);
	cfg.fail_on = MS_SEV_LOW;
	cfg.out.fmt = FMT_TEXT;
	cfg.out.context = 40;
	while ((c = getopt_long(argc, argv, "r:p:f:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (rule_opts_add(&ro, optarg))
				goto out;
			break;
		case 'p':
			ro.prompts = optarg;
			break;
		case 'f':
		{
			/* In the order of out_format. */
			static const char *const names[] = { "text", "jsonl", "csv", "sarif", "junit",
							     NULL };
			int v = cli_choice("--format", optarg, names);
			if (v < 0)
				goto out;
			cfg.out.fmt = (out_format)v;
			break;
		}
		case O_FAIL_ON:
			if (strcmp(optarg, "never") == 0)
				cfg.fail_on = MS_SEV_COUNT;
			else if ((cfg.fail_on = ms_severity_parse(optarg)) < 0) {
				cli_error("--fail-on must be info, low, medium, high, critical or never, "
					  "not '%s'",
					  optarg);
				goto out;
			}
			break;
		case 'j':
			if (parse_size(optarg, "--jobs", 1, 256, &jobs))
				goto out;
			break;
		case O_FIELD:
			if (field_map_set(&cfg.fields, optarg))
				goto out;
			break;
		case O_COLOR:
			if (cli_parse_color(optarg, &ro.color))
				goto out;
			break;
		case O_CONTEXT:
			if (parse_size(optarg, "--context", 0, 1000, &tmp))
				goto out;
			cfg.out.context = (unsigned)tmp;
			break;
		case O_MAXREC:
			if (parse_size(optarg, "--max-record-bytes", 1, (size_t)1 << 30, &max_record))
				goto out;
			break;
		case O_MATCHLIM:
			if (parse_size(optarg, "--match-limit", 1, UINT32_MAX, &tmp))
				goto out;
			ro.copts.match_limit = (uint32_t)tmp;
			break;
		case O_NOPRE:
			ro.copts.no_prefilter = 1;
			break;
		case O_NOJIT:
			ro.copts.no_jit = 1;
			break;
		case O_PROFILE:
			cfg.profile = 1;
			break;
		case O_SORT:
		{
			static const char *const names[] = { "input", "score", NULL };
			st.sorting = cli_choice("--sort", optarg, names);
			if (st.sorting < 0)
				goto out;
			break;
		}
		case 'h':
			scan_usage(stdout);
			ret = EXIT_CLEAR;
			goto out;
		default:
			scan_usage(stderr);
			goto out;
		}
	}
	if (st.sorting && (cfg.out.fmt == FMT_SARIF || cfg.out.fmt == FMT_JUNIT)) {
		cli_error("--sort score applies to the text, jsonl and csv formats");
		goto out;
	}
	if (!jobs) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = n > 0 ? (size_t)(n > 256 ? 256 : n) : 1;
	}
	rules = load_rules(&ro);
	if (!rules)
		goto out;
	if (load_prompts(&ro, &prompts))
		goto out;
	cfg.rules = rules;
	cfg.prompts = prompts;
	cfg.max_record = max_record;
	cfg.out.rules = rules;
	cfg.out.fields = &cfg.fields;
	cfg.out.color = cfg.out.fmt == FMT_TEXT && cli_use_color(ro.color, stdout);
	if (cfg.out.fmt == FMT_JSONL)
		out_ctx_prepare(&cfg.out);
	nfiles = argc - optind;
	cfg.out.with_file = nfiles > 1;

	ws = calloc(jobs, sizeof *ws);
	if (!ws) {
		cli_error("out of memory");
		goto out;
	}
	for (size_t i = 0; i < jobs; i++, nw++) {
		ws[i].cfg = &cfg;
		ws[i].id = (int)i;
		ws[i].tok = json_tokener_new_ex(JSON_TOKENER_DEPTH);
		if (ms_scanner_create(&ws[i].sc, rules) || !ws[i].tok) {
			if (ws[i].tok)
				json_tokener_free(ws[i].tok);
			ms_scanner_destroy(ws[i].sc);
			cli_error("out of memory");
			goto out;
		}
		ms_scanner_set_profiling(ws[i].sc, cfg.profile);
	}

	st.out = stdout;
	if (st.sorting || cfg.out.fmt == FMT_SARIF || cfg.out.fmt == FMT_JUNIT) {
		st.out = tmpfile();
		if (!st.out) {
			cli_error("cannot create a temporary file: %s", strerror(errno));
			goto out;
		}
	}
	if (cfg.out.fmt == FMT_CSV) {
		out_buf h = { 0 };
		emit_csv_header(&h);
		fwrite(h.data, 1, h.len, stdout);
		ob_free(&h);
	}
	if (nfiles == 0) {
		cfg.out.fname = "<stdin>";
		if (scan_stream(ws, nw, stdin, "<stdin>", max_record, &st))
			trouble = 1;
	}
	for (int i = optind; i < argc; i++) {
		const char *name = argv[i];
		FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");

		cfg.out.fname = strcmp(name, "-") == 0 ? "<stdin>" : name;
		if (!f) {
			cli_error("%s: %s", name, strerror(errno));
			trouble = 1;
			continue;
		}
		if (scan_stream(ws, nw, f, name, max_record, &st))
			trouble = 1;
		if (f != stdin)
			fclose(f);
	}
	if (st.out != stdout && finish_output(&cfg, &st))
		trouble = 1;
	if (cfg.out.fmt == FMT_TEXT) {
		int color = cfg.out.color;
		printf("%s%lu record%s screened: %lu with findings at or above %s, %lu error%s%s\n",
		       color ? "\033[1m" : "", st.records, st.records == 1 ? "" : "s",
		       st.flagged_fail,
		       cfg.fail_on == MS_SEV_COUNT ? "never" : ms_severity_name((ms_severity)cfg.fail_on),
		       st.errors, st.errors == 1 ? "" : "s", color ? "\033[0m" : "");
	}
	if (fflush(stdout) != 0 || ferror(stdout) || st.io_error) {
		cli_error("write error: %s", strerror(errno));
		trouble = 1;
	}
	if (st.unknown_prompt)
		cli_warning("%lu record%s named a prompt_id that is not in the prompt set; rules "
			    "scoped by prompt tags did not apply to them",
			    st.unknown_prompt, st.unknown_prompt == 1 ? "" : "s");
	if (st.no_prompt)
		note_no_prompt(rules, st.no_prompt);
	if (cfg.profile)
		print_profile(ws, nw, rules);
	if (trouble || st.errors)
		ret = EXIT_TROUBLE;
	else
		ret = st.flagged_fail ? EXIT_FINDINGS : EXIT_CLEAR;
out:
	for (int i = 0; i < nw; i++) {
		ms_scanner_destroy(ws[i].sc);
		json_tokener_free(ws[i].tok);
		in_record_clear(&ws[i].in);
		ob_free(&ws[i].out);
		free(ws[i].tagbuf);
	}
	free(ws);
	if (st.out && st.out != stdout)
		fclose(st.out);
	free(st.ents);
	out_ctx_release(&cfg.out);
	ms_rules_destroy(rules);
	ms_prompts_destroy(prompts);
	field_map_free(&cfg.fields);
	rule_opts_free(&ro);
	return ret;
}
