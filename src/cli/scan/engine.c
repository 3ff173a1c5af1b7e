/* The scan engine (see engine.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "profile.h"
#include "progress.h"
#include "../io/presets.h"
#include "../io/jsonstrict.h"
#include "../waivers.h"
#include "../util.h"
#include "../xalloc.h"

#define BATCH_RECORDS 1024
#define BATCH_BYTES (8u << 20)
#define CHUNK 8

typedef struct slot {
	size_t off, len;          /* line in the batch arena */
	const char *ext;          /* or, for a record larger than a batch, where the reader has it */
	line_reader *reader;      /* that reader, to give its room back once parsed (or NULL) */
	int no_text;              /* the reader gave only an error */
	size_t err_off;           /* the reader's error in the arena (has_err) */
	const char *ext_err;      /* or beside ext */
	int has_err;
	unsigned long line;
	int too_long;             /* the line exceeded --max-record-bytes */
	int worker;               /* which worker's buffer holds the output */
	size_t out_off, out_len;
	int flagged_fail;         /* a finding at or above --fail-on */
	int flagged;              /* a finding above info */
	unsigned findings;        /* findings (not rule errors): results in SARIF */
	int error;
	int unknown_prompt;
	int no_prompt;            /* neither a prompt text nor a prompt_id */
	double key;               /* --sort score: the score, or the fitted probability */
} slot;

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
	/* waivers: per finding of the current result, and the result without
	 * the waived findings' weight */
	unsigned char *waived;
	const char **why;
	size_t capwaived;
	ms_result adj;
	/* --weights: the record as the model sees it, its features and
	 * probabilities, and the result with the fitted score */
	lrec lr;
	size_t caplsig, caplfind;
	double *x;
	double p[L_TARGETS];
	ms_result scored;
} worker;

/* Where a record's output went, for --sort score. */
typedef struct sort_ent {
	double key;
	unsigned long seq;
	long long off;
	size_t len;
} sort_ent;

struct scan_run {
	scan_cfg *cfg;
	worker *ws;
	int nw;
	scan_totals t;
	unsigned long unknown_prompt, no_prompt;
	int io_error;
	FILE *out;          /* stdout, or a temporary file for held or sorted output */
	sort_ent *ents;
	size_t nents, capents;
	long long off;
	slot *slots;
	char *arena;
	size_t arena_cap;
	size_t n, arena_len;      /* the batch being filled */
	unsigned long read;       /* records read */
	int failed;               /* the output could not be written whole */
	progress *prog;
};

/* The record the library screens: the input's texts, the prompt set's
 * prompt and tags, and the record's own tags joined to them. */
static void make_record(worker *w, slot *s, ms_record *rec)
{
	const scan_cfg *cfg = w->cfg;
	const ms_prompt *p = cfg->prompts ? ms_prompts_find(cfg->prompts, w->in.str[F_PROMPT_ID])
					  : NULL;

	rec->response = w->in.str[F_RESPONSE];
	rec->response_len = w->in.response_len;
	rec->prompt = w->in.str[F_PROMPT];
	rec->prompt_len = w->in.prompt_len;
	rec->model = w->in.str[F_MODEL];
	rec->model_group = w->in.str[F_MODEL_GROUP];
	rec->weights = w->in.str[F_WEIGHTS];
	if (p) {
		rec->tags = p->tags;
		rec->ntags = p->ntags;
		if (!rec->prompt) {
			rec->prompt = p->text;
			rec->prompt_len = strlen(p->text);
			rec->prompt_stable = 1;
		}
	} else if (cfg->prompts && w->in.str[F_PROMPT_ID]) {
		s->unknown_prompt = 1;
	}
	if (w->in.ntags) {
		/* Own tags join the prompt's; the joined list is not the
		 * prompt set's, so nothing about it may be cached. */
		size_t n = 0;
		xgrow(&w->tagbuf, &w->captags, rec->ntags + w->in.ntags, sizeof *w->tagbuf);
		for (size_t i = 0; i < rec->ntags; i++)
			w->tagbuf[n++] = rec->tags[i];
		for (size_t i = 0; i < w->in.ntags; i++)
			w->tagbuf[n++] = w->in.tags[i];
		rec->tags = w->tagbuf;
		rec->ntags = n;
		rec->prompt_stable = 0;
	}
	s->no_prompt = !rec->prompt && !w->in.str[F_PROMPT_ID];
}

static void tally(const scan_cfg *cfg, slot *s, const ms_result *res, const char *error,
		  const unsigned char *waived)
{
	if (error || (res && res->error))
		s->error = 1;
	if (!res)
		return;
	s->key = res->score;
	s->flagged = res->flagged;
	for (size_t i = 0; i < res->nfindings; i++) {
		if (res->findings[i].kind == MS_FINDING_ERROR || (waived && waived[i]))
			continue;
		s->findings++;
		if ((int)res->findings[i].rule->severity >= cfg->fail_on)
			s->flagged_fail = 1;
	}
}

/* The result as the waivers leave it: waived findings stay (the writers
 * mark them) but carry no weight, flag nothing and fail nothing. */
static const ms_result *apply_waivers(worker *w, const ms_result *res)
{
	size_t nw = 0;

	if (!res->nfindings)
		return res;
	if (res->nfindings > w->capwaived) {
		xgrow(&w->waived, &w->capwaived, res->nfindings, 1);
		w->why = xrealloc(w->why, w->capwaived * sizeof *w->why);
	}
	for (size_t i = 0; i < res->nfindings; i++) {
		const ms_finding *f = &res->findings[i];
		const waiver *wv = f->kind == MS_FINDING_ERROR
					   ? NULL
					   : waiver_find(w->cfg->waivers, f->rule->id, w->in.str[F_ID],
							 w->in.str[F_MODEL], w->in.str[F_PROMPT_ID]);
		w->waived[i] = wv != NULL;
		w->why[i] = wv ? wv->reason : NULL;
		nw += wv != NULL;
	}
	if (!nw)
		return res;
	w->adj = *res;
	w->adj.score = 0;
	w->adj.flagged = 0;
	w->adj.max_severity = MS_SEV_INFO;
	memset(w->adj.dim_flagged, 0, sizeof w->adj.dim_flagged);
	for (size_t i = 0; i < res->nfindings; i++) {
		const ms_finding *f = &res->findings[i];
		ms_severity sev = f->rule->severity;

		if (w->waived[i] || f->kind == MS_FINDING_ERROR)
			continue;
		w->adj.score += ms_severity_weight(sev);
		if (sev > w->adj.max_severity)
			w->adj.max_severity = sev;
		if (sev > MS_SEV_INFO) {
			w->adj.flagged = 1;
			w->adj.dim_flagged[f->rule->dimension] = 1;
		}
	}
	w->in.waived = w->waived;
	w->in.waiver = w->why;
	return &w->adj;
}

/* The record as the fitted model sees it (the same as calibrate reads it
 * back from JSON Lines: waived findings and rule errors left out). */
static void model_record(worker *w, const ms_record *rec, const ms_result *res)
{
	lrec *lr = &w->lr;

	xgrow(&lr->sigs, &w->caplsig, res->nsignals + 1, sizeof *lr->sigs);
	xgrow(&lr->finds, &w->caplfind, res->nfindings + 1, sizeof *lr->finds);
	lr->nsigs = res->nsignals;
	for (size_t i = 0; i < res->nsignals; i++) {
		lr->sigs[i].name = ms_rules_signal(w->cfg->rules, res->signals[i])->id;
		lr->sigs[i].start = res->signal_spans[i].start;
		lr->sigs[i].in_prompt = res->signal_spans[i].in_prompt;
	}
	lr->nfinds = 0;
	memset(lr->dimsev, 0, sizeof lr->dimsev);
	for (size_t i = 0; i < res->nfindings; i++) {
		const ms_finding *f = &res->findings[i];
		lfind *x;
		if (f->kind == MS_FINDING_ERROR || (w->in.waived && w->in.waived[i]))
			continue;
		x = &lr->finds[lr->nfinds++];
		x->rule = f->rule->id;
		x->dim = (int)f->rule->dimension;
		x->weight = ms_severity_weight(f->rule->severity);
		x->nev = f->nevidence;
		lr->dimsev[x->dim] += x->weight;
	}
	lr->tags = (const char **)res->tags;
	lr->ntags = res->ntags;
	lr->meta_weights = rec->weights;
	lr->length = (double)rec->response_len;
	lr->score = res->score;
}

/* The result with the fitted score: the overall probability of
 * non-compliance in thousandths; the probabilities go to the writers. */
static const ms_result *apply_model(worker *w, const ms_record *rec, const ms_result *res)
{
	if (!w->x)
		w->x = xmalloc((w->cfg->model->v.n + 1) * sizeof *w->x);
	model_record(w, rec, res);
	lmodel_predict(w->cfg->model, &w->lr, w->x, w->p);
	w->scored = *res;
	w->scored.score = (unsigned)(w->p[L_OVERALL] * 1000 + 0.5);
	w->in.p_noncompliant = w->p;
	return &w->scored;
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
	s->findings = 0;
	s->key = 0;
	if (s->too_long) {
		in_record_clear(&w->in);
		snprintf(msg, sizeof msg, "record of %zu bytes exceeds the limit of %zu bytes "
			 "(--max-record-bytes)", s->len, cfg->max_record);
		error = msg;
	} else if (s->no_text) {
		in_record_clear(&w->in);
	} else {
		in_record_parse(&w->in, w->tok, &cfg->fields, s->ext ? s->ext : w->arena + s->off,
				s->len);
		error = w->in.error;
		/* After a record larger than a batch, give the reader's room
		 * back before the scan, which needs room of its own.  (The
		 * record's tree is built without json-c's tokener, which kept
		 * a buffer as large as the longest string it had read.) */
		if (s->ext && s->reader) {
			/* The main thread waits for this batch: the reader is ours. */
			line_reader_release_line(s->reader);
		}
	}
	if (!s->too_long && s->has_err) {
		/* The reader's or the preset's reason comes first. */
		snprintf(w->in.errbuf, sizeof w->in.errbuf, "%s",
			 s->ext_err ? s->ext_err : w->arena + s->err_off);
		error = w->in.error = w->in.errbuf;
	}
	if (!error) {
		ms_status st;
		make_record(w, s, &rec);
		st = ms_scanner_scan(w->sc, &rec, &res);
		if (st) {
			/* Out of memory in the library: the main thread exits. */
			w->oom |= st == MS_ERR_NOMEM;
			error = ms_strerror(st);
			res = NULL;
		}
	}
	if (res && cfg->waivers)
		res = apply_waivers(w, res);
	w->in.p_noncompliant = NULL;
	if (res && cfg->model)
		res = apply_model(w, &rec, res);
	tally(cfg, s, res, error, w->in.waived);
	if (res && cfg->model)
		s->key = w->p[L_OVERALL];
	cfg->writer->record(&w->out, &cfg->out, &w->in, s->line, &rec, res, error);
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

/* Screen n slots with all workers; the calling thread is worker 0. */
static void screen_batch(scan_run *r, size_t n)
{
	atomic_size_t next;
	pthread_t th[256];
	int started = 0;

	atomic_init(&next, 0);
	for (int i = 0; i < r->nw; i++) {
		r->ws[i].slots = r->slots;
		r->ws[i].nslots = n;
		r->ws[i].arena = r->arena;
		r->ws[i].next = &next;
		r->ws[i].out.len = 0;
	}
	for (int i = 1; i < r->nw; i++) {
		if (pthread_create(&th[i], NULL, worker_run, &r->ws[i]) != 0)
			break;
		started = i;
	}
	worker_run(&r->ws[0]);
	for (int i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < r->nw; i++)
		if (r->ws[i].oom)
			xoom();
}

/* Screen one batch and write it out in input order. */
static void run_batch(scan_run *r, size_t n)
{
	screen_batch(r, n);
	for (size_t i = 0; i < n; i++) {
		slot *s = &r->slots[i];
		if (s->out_len &&
		    fwrite(r->ws[s->worker].out.data + s->out_off, 1, s->out_len, r->out) != s->out_len)
			r->io_error = 1;
		if (r->cfg->sort_score) {
			xgrow(&r->ents, &r->capents, r->nents + 1, sizeof *r->ents);
			r->ents[r->nents++] = (sort_ent){ s->key, r->t.records, r->off, s->out_len };
		}
		r->off += (long long)s->out_len;
		r->t.records++;
		r->t.flagged += (unsigned long)s->flagged;
		r->t.flagged_fail += (unsigned long)s->flagged_fail;
		r->t.errors += (unsigned long)s->error;
		r->t.findings += s->findings;
		r->unknown_prompt += (unsigned long)s->unknown_prompt;
		r->no_prompt += (unsigned long)s->no_prompt;
	}
}

/* Keep n bytes in the batch arena (NUL-terminated); their offset. */
static size_t keep(scan_run *r, const char *p, size_t len)
{
	size_t off = r->arena_len;

	if (r->arena_len + len + 1 > r->arena_cap) {
		size_t ncap = r->arena_cap ? r->arena_cap : BATCH_BYTES;
		while (ncap < r->arena_len + len + 1)
			ncap *= 2;
		r->arena = xrealloc(r->arena, ncap);
		r->arena_cap = ncap;
	}
	memcpy(r->arena + r->arena_len, p, len);
	r->arena_len += len;
	r->arena[r->arena_len++] = '\0';
	return off;
}

static void flush_batch(scan_run *r)
{
	if (r->n)
		run_batch(r, r->n);
	r->n = 0;
	r->arena_len = 0;
}

/* The sink of the readers: each record joins the batch, which is screened
 * when full.  A record larger than a batch is screened where the reader
 * holds it, alone, after the batch before it: no copy of it. */
static void take_record(void *ctx, const rec_text *t)
{
	scan_run *r = ctx;
	slot *s;

	r->read++;
	progress_update(r->prog, r->read, r->cfg->src.consumed);
	if (t->text && t->len > BATCH_BYTES) {
		flush_batch(r);
		s = &r->slots[0];
		memset(s, 0, sizeof *s);
		s->ext = t->text;
		s->reader = t->reader;
		s->ext_err = t->error;
		s->has_err = t->error != NULL;
		s->line = t->line;
		s->len = t->len;
		r->n = 1;
		flush_batch(r);
		return;
	}
	s = &r->slots[r->n++];
	memset(s, 0, sizeof *s);
	s->line = t->line;
	s->len = t->len;
	s->too_long = t->too_long;
	s->no_text = !t->too_long && !t->text;
	if (t->text && !t->too_long)
		s->off = keep(r, t->text, t->len);
	if (t->error) {
		s->has_err = 1;
		s->err_off = keep(r, t->error, strlen(t->error));
	}
	if (r->n == BATCH_RECORDS || r->arena_len >= BATCH_BYTES)
		flush_batch(r);
}

int scan_run_file(scan_run *r, const char *name)
{
	int std = !name || strcmp(name, "-") == 0;
	FILE *f = std ? stdin : cli_open_input(name);
	int rc;

	r->cfg->out.fname = std ? "<stdin>" : name;
	if (!f) {
		r->t.unread++;
		return -1;
	}
	rc = source_read(&r->cfg->src, f, std ? "<stdin>" : name, take_record, r);
	/* The records read before an error are still screened and written. */
	flush_batch(r);
	if (f != stdin)
		fclose(f);
	return rc;
}

static void start_workers(scan_run *r)
{
	const scan_cfg *cfg = r->cfg;

	r->ws = xcalloc(cfg->jobs, sizeof *r->ws);
	for (size_t i = 0; i < cfg->jobs; i++, r->nw++) {
		worker *w = &r->ws[i];
		w->cfg = cfg;
		w->id = (int)i;
		w->tok = json_tokener_new_ex(JSON_TOKENER_DEPTH);
		/* Creating a scanner fails only when memory runs out. */
		if (!w->tok || ms_scanner_create(&w->sc, cfg->rules))
			xoom();
		ms_scanner_set_profiling(w->sc, cfg->profile);
	}
}

scan_run *scan_run_new(scan_cfg *cfg)
{
	scan_run *r = xcalloc(1, sizeof *r);

	r->cfg = cfg;
	r->slots = xcalloc(BATCH_RECORDS, sizeof *r->slots);
	cfg->src.fields = &cfg->fields;
	cfg->src.max_record = cfg->max_record;
	if (cfg->progress)
		r->prog = progress_new(cfg->input_size);
	if (cfg->writer->prepare)
		cfg->writer->prepare(&cfg->out);
	start_workers(r);
	r->out = stdout;
	if (cfg->sort_score || cfg->writer->held) {
		r->out = tmpfile();
		if (!r->out) {
			cli_error("cannot create a temporary file: %s", strerror(errno));
			scan_run_free(r);
			return NULL;
		}
	}
	if (!cfg->writer->held && cfg->writer->begin) {
		out_buf b = { 0 };
		cfg->writer->begin(&b, &cfg->out, &r->t);
		ob_write(&b, stdout);
		ob_free(&b);
	}
	return r;
}

void scan_run_free(scan_run *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nw; i++) {
		ms_scanner_destroy(r->ws[i].sc);
		json_tokener_free(r->ws[i].tok);
		in_record_clear(&r->ws[i].in);
		ob_free(&r->ws[i].out);
		free(r->ws[i].tagbuf);
		free(r->ws[i].waived);
		free(r->ws[i].why);
		free(r->ws[i].lr.sigs);
		free(r->ws[i].lr.finds);
		free(r->ws[i].x);
	}
	free(r->ws);
	if (r->out && r->out != stdout)
		fclose(r->out);
	if (r->cfg->writer->release)
		r->cfg->writer->release(&r->cfg->out);
	free(r->ents);
	free(r->slots);
	free(r->arena);
	progress_free(r->prog);
	free(r);
}

static int cmp_ent(const void *a, const void *b)
{
	const sort_ent *x = a, *y = b;

	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copy `len` bytes at `off` of the temporary file to stdout. */
static int copy_range(FILE *in, long long off, size_t len)
{
	char buf[65536];

	if (fseeko(in, (off_t)off, SEEK_SET) != 0)
		return -1;
	while (len > 0) {
		size_t n = fread(buf, 1, len < sizeof buf ? len : sizeof buf, in);
		if (n == 0 || fwrite(buf, 1, n, stdout) != n)
			return -1;
		len -= n;
	}
	return 0;
}

/* Everything after the records: sorted records or the framed body, then
 * the writer's end. */
static int write_rest(scan_run *r)
{
	const out_writer *wr = r->cfg->writer;
	out_buf b = { 0 };
	int rc = 0;

	fflush(r->out);
	if (r->cfg->sort_score) {
		if (r->nents)
			qsort(r->ents, r->nents, sizeof *r->ents, cmp_ent);
		for (size_t i = 0; i < r->nents && !rc; i++)
			if (r->ents[i].len)
				rc = copy_range(r->out, r->ents[i].off, r->ents[i].len);
	} else if (wr->held) {
		wr->begin(&b, &r->cfg->out, &r->t);
		ob_write(&b, stdout);
		b.len = 0;
		if (r->off > (long long)wr->skip)
			rc = copy_range(r->out, (long long)wr->skip, (size_t)r->off - wr->skip);
	}
	if (rc)
		cli_error("cannot read back the temporary output: %s", strerror(errno));
	if (wr->end)
		wr->end(&b, &r->cfg->out, &r->t);
	ob_write(&b, stdout);
	ob_free(&b);
	return rc;
}

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

static void report_profile(const scan_run *r)
{
	ms_scanner **sc = xcalloc((size_t)r->nw, sizeof *sc);

	for (int i = 0; i < r->nw; i++)
		sc[i] = r->ws[i].sc;
	print_profile(sc, r->nw, r->cfg->rules);
	free(sc);
}

int scan_run_failed(const scan_run *r)
{
	return r->failed;
}

int scan_run_finish(scan_run *r, int trouble)
{
	if (write_rest(r))
		trouble = r->failed = 1;
	if (fflush(stdout) != 0 || ferror(stdout) || r->io_error) {
		cli_write_error(errno);
		trouble = r->failed = 1;
	}
	progress_clear(r->prog);
	waivers_report(r->cfg->waivers);
	if (r->cfg->src.preset)
		preset_report(r->cfg->src.preset);
	if (r->unknown_prompt)
		cli_warning("%lu record%s named a prompt_id that is not in the prompt set; rules "
			    "scoped by prompt tags did not apply to them",
			    r->unknown_prompt, r->unknown_prompt == 1 ? "" : "s");
	if (r->no_prompt)
		note_no_prompt(r->cfg->rules, r->no_prompt);
	if (r->cfg->profile)
		report_profile(r);
	if (r->prog)
		progress_summary(r->prog, &r->t);
	if (trouble || r->t.errors)
		return CLI_EXIT_TROUBLE;
	return r->t.flagged_fail ? CLI_EXIT_FINDINGS : CLI_EXIT_CLEAR;
}
