/* The scanner: per-thread state that evaluates a compiled rule set on one
 * record at a time.
 *
 * For each text (the response, and the prompt when some signal looks at it)
 * the scanner builds the normalised view once and runs the keyword automaton
 * once; that pass yields every keyword match and where the strings of the
 * regexes' required sets occur.  A signal's regexes run lazily, the first
 * time a rule or the signal list asks for the signal, only on texts that
 * hold a string of each of their sets, and only as far as the question
 * needs: whether the signal occurs, or where it first does, is answered
 * from the regexes' first matches (ms_signal_first), and evidence from all
 * of them (finish_signal).  All buffers are kept between records, so a warm
 * scanner allocates nothing. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner.h"

static int textstate_init(textstate *t, const ms_rules *r, int in_prompt)
{
	size_t ns = r->nsigs ? r->nsigs : 1, np = r->npats ? r->npats : 1;
	size_t nq = r->nreqs ? r->nreqs : 1, nl = r->nlits ? r->nlits : 1;
	size_t nm = r->nmemb ? r->nmemb : 1;

	t->m = calloc(ns, sizeof *t->m);
	t->state = calloc(ns, 1);
	t->err = calloc(ns, sizeof *t->err);
	t->occ = calloc(nq, sizeof *t->occ);
	t->setn = calloc(nq, sizeof *t->setn);
	t->setstate = calloc(nq, 1);
	t->sets_seen = malloc((nq + 1) * sizeof *t->sets_seen); /* + 1: scan_hits() */
	t->set_head = calloc(nq, sizeof *t->set_head);
	t->lit_slot = calloc(nl, sizeof *t->lit_slot);
	t->memb_next = malloc(nm * sizeof *t->memb_next);
	t->pm = calloc(np, sizeof *t->pm);
	t->prc = calloc(np, sizeof *t->prc);
	t->cur = calloc(np, sizeof *t->cur);
	t->nlive = malloc(ns * sizeof *t->nlive);
	{
		size_t nrefs = 1;
		for (size_t i = 0; i < r->nsigs; i++)
			nrefs += r->sigs[i].npats;
		t->live = malloc(nrefs * sizeof *t->live);
	}
	t->in_prompt = in_prompt;
	return t->m && t->state && t->err && t->occ && t->setn && t->setstate && t->sets_seen &&
			       t->set_head && t->lit_slot && t->memb_next && t->pm && t->prc &&
			       t->cur && t->nlive && t->live
		       ? 0
		       : -1;
}

static void clear_errors(textstate *t)
{
	for (size_t i = 0; i < t->nerrs; i++)
		free(t->errs[i]);
	t->nerrs = 0;
}

static void textstate_free(textstate *t, const ms_rules *r)
{
	if (t->m)
		for (size_t i = 0; i < r->nsigs; i++)
			free(t->m[i].v);
	free(t->m);
	free(t->state);
	free(t->err);
	if (t->occ)
		for (size_t i = 0; i < r->nreqs; i++)
			free(t->occ[i].v);
	free(t->occ);
	free(t->setn);
	for (size_t i = 0; i < t->caplits_seen; i++)
		free(t->lits_seen[i].occ.v);
	free(t->lits_seen);
	free(t->lit_slot);
	free(t->setstate);
	free(t->sets_seen);
	free(t->set_head);
	free(t->memb_next);
	if (t->pm)
		for (size_t i = 0; i < r->npats; i++)
			free(t->pm[i].v);
	free(t->pm);
	free(t->prc);
	free(t->cur);
	free(t->nlive);
	free(t->live);
	free(t->rep.v);
	clear_errors(t);
	free(t->errs);
	ms_normtext_free(&t->nt);
}

static uint64_t now_ns(void);

/* The callout each regex makes before it tries a start position (see
 * compile_timed() in parse.c): the run stops once past its deadline.  The
 * clock is read every 16 calls; what runs between two reads is a few start
 * positions' work, each bounded by the match limit and the text's length.
 * The first read sets the run's deadline: most runs end sooner, and never
 * read the clock at all (reading it when each run began cost more than
 * some signals' regexes). */
static int on_callout(pcre2_callout_block *cb, void *data)
{
	ms_scanner *s = data;
	uint64_t now;

	(void)cb;
	if (++s->callouts < 16)
		return 0;
	s->callouts = 0;
	now = now_ns();
	if (!*s->deadline) {
		*s->deadline = now + (uint64_t)s->r->regex_time_ms * 1000000u;
		return 0;
	}
	if (now < *s->deadline)
		return 0;
	s->timed_out = 1;
	return PCRE2_ERROR_CALLOUT;
}

ms_status ms_scanner_create(ms_scanner **out, const ms_rules *r)
{
	ms_scanner *s;

	if (!out || !r)
		return MS_ERR_USAGE;
	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return MS_ERR_NOMEM;
	s->r = r;
	/* One pair: a match's bounds are all the scanner reads (a regex with
	 * groups then returns 0, "too small", with the bounds filled in). */
	s->md = pcre2_match_data_create(1, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	s->mctx_window = pcre2_match_context_create(NULL);
	s->prof = calloc(r->nsigs ? r->nsigs : 1, sizeof *s->prof);
	s->prof_pub = calloc(r->nnamed ? r->nnamed : 1, sizeof *s->prof_pub);
	s->prof_rules = calloc(r->nrules ? r->nrules : 1, sizeof *s->prof_rules);
	s->dtrig = calloc(r->nscen ? r->nscen : 1, sizeof *s->dtrig);
	{
		size_t most = 1;
		for (size_t i = 0; i < r->nsigs; i++)
			if (r->sigs[i].npats > most)
				most = r->sigs[i].npats;
		/* Per pattern: the next match to read, and room for the
		 * candidates of the search for the least start. */
		s->fidx = calloc(3 * most, sizeof *s->fidx);
		s->fmost = most;
		s->liveoff = calloc(r->nsigs ? r->nsigs : 1, sizeof *s->liveoff);
		for (size_t i = 1; s->liveoff && i < r->nsigs; i++)
			s->liveoff[i] = s->liveoff[i - 1] + r->sigs[i - 1].npats;
	}
	if (!s->dtrig || !s->fidx || !s->liveoff || !s->md || !s->mctx || !s->mctx_window || !s->prof || !s->prof_pub || !s->prof_rules || textstate_init(&s->t[0], r, 0) ||
	    textstate_init(&s->t[1], r, 1)) {
		ms_scanner_destroy(s);
		return MS_ERR_NOMEM;
	}
	s->pt = &s->t[1];
	/* The JIT stack starts small and grows on demand up to the bound (its
	 * memory is mapped when used).  No stack (an mmap failure) leaves the
	 * JIT its default 32 KiB one: deep runs then fail, reported per rule. */
	s->jstack = pcre2_jit_stack_create(32 * 1024, r->jit_stack_bytes, NULL);
	for (int k = 0; k < 2; k++) {
		pcre2_match_context *m = k ? s->mctx_window : s->mctx;

		pcre2_set_match_limit(m, r->match_limit);
		pcre2_set_depth_limit(m, r->match_limit);
		pcre2_set_heap_limit(m, r->heap_limit_kib);
		pcre2_set_callout(m, on_callout, s);
		if (s->jstack)
			pcre2_jit_stack_assign(m, NULL, s->jstack);
	}
	*out = s;
	return MS_OK;
}

void ms_scanner_destroy(ms_scanner *s)
{
	if (!s)
		return;
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	pcre2_match_context_free(s->mctx_window);
	pcre2_jit_stack_free(s->jstack);
	textstate_free(&s->t[0], s->r);
	textstate_free(&s->t[1], s->r);
	ms_achits_free(&s->hits);
	for (size_t i = 0; i < s->npcache; i++)
		textstate_free(&s->pcache[i], s->r);
	free(s->f);
	free(s->ev.v);
	free(s->tmp.v);
	free(s->sigs);
	free(s->prof);
	free(s->prof_pub);
	free(s->prof_rules);
	free(s->units);
	free(s->uslots);
	free(s->dtrig);
	free(s->dtags);
	free(s->trig.v);
	free(s->sigspans);
	free(s->fidx);
	free(s->liveoff);
	free(s);
}

const ms_rules *ms_scanner_rules(const ms_scanner *s)
{
	return s->r;
}

void ms_scanner_set_profiling(ms_scanner *s, int on)
{
	s->profiling = on;
}

const ms_profile_entry *ms_scanner_rule_profile(const ms_scanner *s)
{
	return s->prof_rules;
}

const ms_profile_entry *ms_scanner_profile(const ms_scanner *s)
{
	for (size_t i = 0; i < s->r->nnamed; i++)
		s->prof_pub[i] = s->prof[s->r->named[i]];
	return s->prof_pub;
}

int ms_span_push(spanvec *v, size_t start, size_t end, int in_prompt)
{
	if (ms_grow(&v->v, &v->cap, v->n + 1, sizeof *v->v))
		return -1;
	v->v[v->n++] = (ms_span){ start, end, in_prompt };
	return 0;
}

/* ---------------- per-text preparation ---------------- */

/* File the automaton's hits: keyword matches that respect their word
 * boundaries go to their signal, required-string occurrences to their set,
 * all as offsets in the original text. */
static int file_hits_of(ms_scanner *s, textstate *t, const ms_achitbuf *hb, size_t *hintp);

/* hint: where the last hit filed lies (hits come in order of their ends). */
static int file_hits(ms_scanner *s, textstate *t, size_t *hint)
{
	for (int b = 0; b < AC_STREAMS; b++) {
		const ms_achitbuf *hb = b ? &s->hits.more[b - 1] : &s->hits.a;

		if (file_hits_of(s, t, hb, hint))
			return -1;
	}
	return 0;
}

/* A text longer than this is run through the automaton a part at a time,
 * each part's hits filed before the next is scanned: the hits of a 100 MB
 * text would need several hundred megabytes at once. */
#define AC_PART (1u << 20)

static int scan_hits(ms_scanner *s, textstate *t, const ms_ac *ac)
{
	const ms_rules *r = s->r;
	const unsigned char *text = (const unsigned char *)t->nt.s;
	size_t len = t->nt.len, hint = 0;

	for (size_t from = 0; from < len || from == 0;) {
		size_t to = len - from > AC_PART ? from + AC_PART : len;

		if (ms_ac_scan_part(ac, text, len, from, to, &s->hits) ||
		    file_hits(s, t, &hint))
			return -1;
		if (to == len)
			break;
		from = to;
	}
	/* Each set learns how often its strings occur, enough to tell whether
	 * a regex can match and around which set its windows go, and which
	 * of its strings do.  (Locals: a few hundred entries a text.) */
	{
		uint32_t *setn = t->setn;
		uint32_t *seen = t->sets_seen, *head = t->set_head, *next = t->memb_next;
		size_t nseen = t->nsets_seen;

		for (size_t i = 0; i < t->nlits_seen; i++) {
			uint32_t d = t->lits_seen[i].lit;
			size_t n = t->lits_seen[i].occ.n;

			/* No branch on whether the set is new to the text: it
			 * would be mispredicted about half the time.  (A state
			 * is not SET_BUILT before the text is scanned.) */
			for (uint32_t j = r->lit_first[d], e = r->lit_first[d + 1]; j < e; j++) {
				uint32_t g = r->lit_sets[j];

				seen[nseen] = g; /* (sets_seen has an entry to spare) */
				nseen += !setn[g];
				t->setstate[g] = SET_SEEN;
				setn[g] += (uint32_t)n;
				next[j] = head[g];
				head[g] = (uint32_t)j + 1;
			}
		}
		t->nsets_seen = nseen;
	}
	return 0;
}

static int file_hits_of(ms_scanner *s, textstate *t, const ms_achitbuf *hb, size_t *hintp)
{
	const ms_rules *r = s->r;
	size_t hint = *hintp;
	uint32_t lit0 = r->acent_lit0;

	for (size_t k = 0; k < hb->n; k++) {
		uint32_t id = hb->v[k].id;
		size_t start = hb->v[k].start, end;
		const ms_acent *e;
		spanvec *v;

		if (id >= lit0) {
			/* A required string (they follow the keywords): the
			 * windows need only where an occurrence starts, and in
			 * the original text only for the sets they go around
			 * (set_occurrences()). */
			uint32_t d = id - lit0, slot = t->lit_slot[d];
			offvec *ov;

			if (!slot) {
				/* The string's first occurrence: it takes the
				 * next entry, whose buffer is kept from texts
				 * before. */
				size_t cap = t->caplits_seen;
				if (t->nlits_seen == cap) {
					if (ms_grow(&t->lits_seen, &cap, cap + 1, sizeof *t->lits_seen))
						return -1;
					memset(t->lits_seen + t->caplits_seen, 0,
					       (cap - t->caplits_seen) * sizeof *t->lits_seen);
					t->caplits_seen = cap;
				}
				slot = (uint32_t)++t->nlits_seen;
				t->lits_seen[slot - 1].lit = d;
				t->lits_seen[slot - 1].orig = 0;
				t->lits_seen[slot - 1].occ.n = 0;
				t->lit_slot[d] = slot;
			}
			ov = &t->lits_seen[slot - 1].occ;
			if (ov->n == ov->cap && ms_grow(&ov->v, &ov->cap, ov->n + 1, sizeof *ov->v))
				return -1;
			ov->v[ov->n++] = (uint32_t)start;
			continue;
		}
		e = &r->acents[id];
		end = start + e->len;
		if (e->bound_start && ms_is_word_before(t->nt.s, start))
			continue;
		if (e->bound_end && ms_is_word_at(t->nt.s, t->nt.len, end))
			continue;
		v = &t->m[e->index];
		if (ms_span_push(v, ms_normtext_orig(&t->nt, start, &hint),
			      ms_normtext_orig(&t->nt, end, &hint), t->in_prompt))
			return -1;
	}
	*hintp = hint;
	return 0;
}

/* ac: the automaton for the text, s->r->ac unless only response signals
 * will read it (s->r->ac_resp). */
#define NT_KEEP_BYTES (4u << 20)

static int prepare_text(ms_scanner *s, textstate *t, const char *text, size_t len,
			const ms_ac *ac)
{
	const ms_rules *r = s->r;

	t->text = text;
	t->len = len;
	t->present = text != NULL;
	t->lim_chars_n = t->lim_sent_n = 0;
	t->wc = (ms_wordcount){ 0, 0, 0 };
	t->rep_done = 0;
	for (size_t i = 0; i < r->nsigs; i++)
		t->m[i].n = 0;
	memset(t->state, SIG_PENDING, r->nsigs);
	memset(t->err, 0, r->nsigs * sizeof *t->err);
	clear_errors(t);
	for (size_t i = 0; i < t->nlits_seen; i++)
		t->lit_slot[t->lits_seen[i].lit] = 0;
	for (size_t i = 0; i < t->nsets_seen; i++) {
		t->occ[t->sets_seen[i]].n = 0;
		t->setn[t->sets_seen[i]] = 0;
		t->setstate[t->sets_seen[i]] = SET_ABSENT;
		t->set_head[t->sets_seen[i]] = 0;
	}
	t->nlits_seen = t->nsets_seen = 0;
	memset(t->prc, 0, r->npats * sizeof *t->prc);
	memset(t->nlive, 0xff, r->nsigs * sizeof *t->nlive);
	if (!text)
		return 0;
	if (ms_normtext_build(&t->nt, text, len) || scan_hits(s, t, ac))
		return -1;
	/* Nothing reads the normalised bytes after the automaton: those of a
	 * long text are given back rather than kept through its evaluation
	 * (a warm scanner keeps a usual answer's). */
	ms_normtext_release_bytes(&t->nt, NT_KEEP_BYTES);
	return 0;
}

/* Point s->pt at the prepared state of the record's prompt. */
static int select_prompt(ms_scanner *s, const ms_record *rec)
{
	const char *text = s->r->any_prompt ? rec->prompt : NULL;

	/* A record without a prompt: what looks at the prompt reads the
	 * response (not for embedded examples, whose missing prompt means
	 * "any prompt"). */
	if (s->r->any_prompt && !rec->prompt && !s->lenient_scope) {
		s->pt = &s->t[0];
		return 0;
	}

	if (text && rec->prompt_stable) {
		for (size_t i = 0; i < s->npcache; i++)
			if (s->pcache[i].text == text && s->pcache[i].len == rec->prompt_len) {
				s->pt = &s->pcache[i];
				return 0;
			}
		if (s->npcache < PROMPT_CACHE) {
			textstate *t = &s->pcache[s->npcache];
			memset(t, 0, sizeof *t);
			if (textstate_init(t, s->r, 1)) {
				textstate_free(t, s->r);
				return -1;
			}
			s->pt = t;
			if (prepare_text(s, t, text, rec->prompt_len, s->r->ac)) {
				/* Not kept half prepared. */
				textstate_free(t, s->r);
				s->pt = &s->t[1];
				return -1;
			}
			s->npcache++;
			return 0;
		}
	}
	s->pt = &s->t[1];
	return prepare_text(s, &s->t[1], text, rec->prompt_len, s->r->ac);
}

static int cmp_span(const void *a, const void *b)
{
	const ms_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Record a failed regex run (match limit and the like) against the signal:
 * each signal gets its own message, kept with the text's state.  Returns -1
 * when memory runs out. */
static int report_regex_error(ms_scanner *s, textstate *t, size_t si, const ms_pattern *p,
			      int pcre_rc)
{
	char buf[320];
	PCRE2_UCHAR msg[160];
	char *m;

	if (-pcre_rc == PCRE2_ERROR_CALLOUT && s->timed_out)
		snprintf((char *)msg, sizeof msg, "time limit of %lu ms exceeded",
			 (unsigned long)s->r->regex_time_ms);
	else if (-pcre_rc == PCRE2_ERROR_JIT_STACKLIMIT)
		snprintf((char *)msg, sizeof msg, "JIT stack limit of %zu KiB reached",
			 s->r->jit_stack_bytes >> 10);
	else if (-pcre_rc == PCRE2_ERROR_HEAPLIMIT)
		snprintf((char *)msg, sizeof msg, "heap limit of %lu KiB exceeded",
			 (unsigned long)s->r->heap_limit_kib);
	else
		pcre2_get_error_message(-pcre_rc, msg, sizeof msg);
	snprintf(buf, sizeof buf, "signal '%s': regex '%.60s%s' failed: %s",
		 s->r->sigs[si].info.id, p->src, strlen(p->src) > 60 ? "..." : "",
		 (const char *)msg);
	if (ms_grow(&t->errs, &t->caperrs, t->nerrs + 1, sizeof *t->errs) ||
	    !(m = ms_strdup(buf)))
		return -1;
	t->errs[t->nerrs++] = m;
	t->err[si] = m;
	return 0;
}

/* One pcre2_match call from `off`; returns 1 with the match in *ms / *me,
 * 0 for no match, or the negated PCRE2 error code. */
static int match_at(ms_scanner *s, const textstate *t, const ms_pattern *p, size_t off,
		    pcre2_match_context *mctx, size_t *ms, size_t *me)
{
	/* The JIT entry point skips the checks pcre2_match() repeats on every
	 * call; the subject was checked once, by us, and is valid to read. */
	int rc = p->jit ? pcre2_jit_match(p->code, (PCRE2_SPTR)t->text, t->len, off, 0, s->md, mctx)
			: pcre2_match(p->code, (PCRE2_SPTR)t->text, t->len, off, 0, s->md, mctx);
	PCRE2_SIZE *ov;

	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return rc;
	ov = pcre2_get_ovector_pointer(s->md);
	*ms = ov[0];
	*me = ov[1];
	return 1;
}

enum { STEP_BOUND = 2 };

/* The next match of an unwindowed run, from cur->pos: 1 with it in *a / *b,
 * 0 at the end, or the (negative) PCRE2 error code of a failed call. */
static int step_full(ms_scanner *s, textstate *t, const ms_pattern *p, patcur *cur, size_t *a,
		     size_t *b)
{
	while (cur->pos <= t->len) {
		int rc = match_at(s, t, p, cur->pos, s->mctx, a, b);
		if (rc <= 0)
			return rc;
		if (*b <= *a) {
			/* Cannot happen (empty matches are rejected at compile time),
			 * but never loop forever. */
			cur->pos = *a + 1;
			continue;
		}
		cur->pos = *b;
		return 1;
	}
	return 0;
}

/* The windows of a windowed run.  Let M be the leftmost match not before
 * the previous match's end, and L_j the first literal occurrence at or
 * after M's start (M contains one).  Then M starts after L_(j-1), at most
 * maxprefix bytes before L_j when that bound is known, and not after L_j.
 * So for each occurrence L_i a search from the greatest of those lower
 * bounds, whose start may not pass L_i (the offset limit), finds M when
 * i = j and nothing before.  cur->pos is the previous match's end, cur->i
 * the next occurrence to try.
 *
 * The window of occurrence i: 1 with its first start in *from and the
 * occurrence in *lit, 0 when it has none.  When the run's matches start at
 * a word boundary where the set's strings start (word_start), an
 * occurrence inside a word ("his" in "this") has none: ASCII word bytes
 * on both sides of it are word characters however the regex reads them. */
static int window_at(const patcur *cur, const textstate *t, size_t i, size_t *from,
		     size_t *lit)
{
	const offvec *occ = cur->occ;
	long maxprefix = cur->maxprefix;
	size_t l = occ->v[i], f = cur->pos;

	if (l < cur->pos)
		return 0;
	if (cur->word_start && l > 0 && l < t->len &&
	    ms_is_ascii_word_byte((unsigned char)t->text[l - 1]) &&
	    ms_is_ascii_word_byte((unsigned char)t->text[l]))
		return 0;
	if (i > 0 && occ->v[i - 1] == l)
		return 0; /* two strings at one place */
	if (i > 0 && occ->v[i - 1] + 1 > f)
		f = occ->v[i - 1] + 1;
	if (maxprefix >= 0 && l > (size_t)maxprefix && l - (size_t)maxprefix > f)
		f = l - (size_t)maxprefix;
	if (f > l)
		return 0;
	*from = f;
	*lit = l;
	return 1;
}

/* Can a match start in the window [from, lit]?  Not when one of the
 * pattern's other required sets has no occurrence that such a match could
 * hold: a string of the set starts at most maxprefix bytes into a match,
 * so in [from, lit + maxprefix].  The windows' starts only grow, so each
 * set's list is passed over once in a run. */
static int others_within(patcur *cur, size_t from, size_t lit)
{
	for (uint32_t k = 0; k < cur->nother; k++) {
		const offvec *ov = cur->other[k];
		size_t i = cur->oi[k];

		while (i < ov->n && ov->v[i] < from)
			i++;
		cur->oi[k] = i;
		if (i == ov->n || (ov->v[i] > lit && ov->v[i] - lit > cur->omax[k]))
			return 0;
	}
	return 1;
}

/* The next match of a windowed run: as step_full(), or STEP_BOUND, before
 * a window whose matches cannot start before `bound`. */
static int step_windowed(ms_scanner *s, textstate *t, const ms_pattern *p, patcur *cur,
			 size_t bound, size_t *a, size_t *b)
{
	const offvec *occ = cur->occ;

	for (; cur->i < occ->n; cur->i++) {
		size_t from, lit;
		int rc;

		if (!window_at(cur, t, cur->i, &from, &lit))
			continue;
		if (from >= bound)
			return STEP_BOUND;
		if (!others_within(cur, from, lit))
			continue;
		pcre2_set_offset_limit(s->mctx_window, lit);
		rc = match_at(s, t, p, from, s->mctx_window, a, b);
		if (rc == 0 || (rc > 0 && *b <= *a))
			continue;
		if (rc < 0)
			return rc;
		cur->i++;
		cur->pos = *b;
		return 1;
	}
	return 0;
}

/* Where the next match of a started run can start at the earliest, from
 * what the run knows without running the regex (SIZE_MAX: nowhere).  The
 * occurrences that have no window are passed over for good (cur->pos only
 * grows, so they never get one), which keeps repeated questions cheap. */
static size_t pattern_lower_bound(const textstate *t, const ms_pattern *p, patcur *cur)
{
	const offvec *occ;

	if (!cur->occ)
		return cur->pos;
	occ = cur->occ;
	for (; cur->i < occ->n; cur->i++) {
		size_t from, lit;
		if (window_at(cur, t, cur->i, &from, &lit))
			return from;
	}
	return SIZE_MAX;
}

/* The occurrences of one string, in the original text. */
static const offvec *lit_occurrences(textstate *t, litocc *lo)
{
	if (!lo->orig) {
		ms_normtext_orig_sorted(&t->nt, lo->occ.v, lo->occ.n);
		lo->orig = 1;
	}
	return &lo->occ;
}

/* Where the strings of set g start in the text, in order, in the original
 * text; NULL when memory runs out.  When only one of its strings occurs,
 * that string's list; else they are merged on first use, one list after
 * the other from the back of the set's (each is in order already: one
 * string's occurrences are found in order of their ends, all of the same
 * length). */
static const offvec *set_occurrences(const ms_scanner *s, textstate *t, uint32_t g)
{
	const ms_rules *r = s->r;
	offvec *ov = &t->occ[g];
	uint32_t j = t->set_head[g];
	size_t n = 0;

	if (!j)
		return ov; /* none (the caller checks that the set occurs) */
	if (!t->memb_next[j - 1])
		return lit_occurrences(t, &t->lits_seen[t->lit_slot[r->memb_lit[j - 1]] - 1]);
	if (t->setstate[g] == SET_BUILT)
		return ov;
	if (t->setn[g] > ov->cap && ms_grow(&ov->v, &ov->cap, t->setn[g], sizeof *ov->v))
		return NULL;
	for (; j; j = t->memb_next[j - 1]) {
		const offvec *sv =
			lit_occurrences(t, &t->lits_seen[t->lit_slot[r->memb_lit[j - 1]] - 1]);
		size_t a = n, b = sv->n, k = n + sv->n;

		while (b > 0) {
			if (a > 0 && ov->v[a - 1] > sv->v[b - 1])
				ov->v[--k] = ov->v[--a];
			else
				ov->v[--k] = sv->v[--b];
		}
		n += sv->n;
	}
	ov->n = n;
	t->setstate[g] = SET_BUILT;
	return ov;
}

/* What a regex call costs besides scanning, in bytes scanned. */
#define WINDOW_CALL_COST 64

enum { RUN_NOMEM = INT_MIN };

/* Start the run of pattern pi on a text: 0, or RUN_NOMEM.  The caller has
 * checked that every required set occurs. */
static int begin_pattern(ms_scanner *s, textstate *t, size_t pi, ms_profile_entry *pe)
{
	const ms_patreq *pr = &s->r->patreq[pi];
	patcur *cur = &t->cur[pi];

	t->pm[pi].n = 0;
	t->prc[pi] = PAT_PARTIAL;
	cur->pos = 0;
	cur->occ = NULL;
	cur->maxprefix = 0;
	cur->i = 0;
	cur->deadline = 0;
	cur->word_start = 0;
	cur->nother = 0;
	pe->runs++;
	if (pr->nreq) { /* sets are listed for windowed patterns only */
		/* The windows go around the occurrences of the set that
		 * promises the least work: a call per occurrence, and the bytes
		 * the windows span (the whole text at worst when the prefix is
		 * unbounded).  The sets are those the automaton looks for. */
		size_t best = 0, best_cost = (size_t)-1;

		for (size_t q = 0; q < pr->nreq; q++) {
			size_t c = t->setn[pr->id[q]], cost;
			long pre = pr->maxprefix[q];

			cost = c * WINDOW_CALL_COST;
			if (pre >= 0 && (size_t)pre < t->len / c)
				cost += c * (size_t)pre;
			else
				cost += t->len;
			if (cost < best_cost) {
				best = q;
				best_cost = cost;
			}
		}
		cur->occ = set_occurrences(s, t, pr->id[best]);
		if (!cur->occ)
			return RUN_NOMEM;
		cur->maxprefix = pr->maxprefix[best];
		cur->word_start = pr->word_start[best];
		for (size_t q = 0; q < pr->nreq; q++) {
			const offvec *ov;

			if (q == best || pr->maxprefix[q] < 0)
				continue;
			if (!(ov = set_occurrences(s, t, pr->id[q])))
				return RUN_NOMEM;
			cur->omax[cur->nother] = (size_t)pr->maxprefix[q];
			cur->oi[cur->nother] = 0;
			cur->other[cur->nother++] = ov;
		}
	}
	return 0;
}

/* Find the next match of a started run and append it to t->pm[pi]: 1 when
 * one was found, STEP_BOUND when none can start before `bound` (a windowed
 * run stops there, to go on later), 0 when the run is over (t->prc[pi]
 * PAT_DONE), RUN_NOMEM,
 * or the (negative) PCRE2 error code of a failed run, also left in
 * t->prc[pi].  The time limit applies to the run as a whole: its deadline
 * is set once, and a step taken later has what remains (the steps of one
 * run are all taken while one record is evaluated; reading the clock around
 * every step cost more than the steps of most windows). */
static int pull_pattern(ms_scanner *s, textstate *t, size_t pi, size_t bound,
			ms_profile_entry *pe)
{
	const ms_pattern *p = &s->r->pats[pi];
	patcur *cur = &t->cur[pi];
	size_t a, b;
	int rc;

	s->timed_out = 0;
	s->callouts = 0;
	s->deadline = &cur->deadline;
	rc = cur->occ ? step_windowed(s, t, p, cur, bound, &a, &b)
		      : step_full(s, t, p, cur, &a, &b);
	if (rc == STEP_BOUND)
		return STEP_BOUND;
	if (rc == 0) {
		t->prc[pi] = PAT_DONE;
		return 0;
	}
	if (rc == 1) {
		if (ms_span_push(&t->pm[pi], a, b, t->in_prompt))
			return RUN_NOMEM;
		pe->matches++;
		return 1;
	}
	t->prc[pi] = rc;
	return rc;
}

/* Sort spans by start, then end: by insertion when there are few (the
 * usual case, and much cheaper than qsort), else with qsort. */
static void sort_spans(spanvec *v)
{
	if (v->n > 24) {
		qsort(v->v, v->n, sizeof *v->v, cmp_span);
		return;
	}
	for (size_t i = 1; i < v->n; i++) {
		ms_span x = v->v[i];
		size_t j = i;
		while (j > 0 && cmp_span(&v->v[j - 1], &x) > 0) {
			v->v[j] = v->v[j - 1];
			j--;
		}
		v->v[j] = x;
	}
}

/* Most regexes lack a required set in most texts, and then cannot match:
 * tell that from the small table before anything else. */
static int pattern_absent(const ms_rules *r, const textstate *t, size_t pi)
{
	const ms_patreq *q = &r->patreq[pi];

	for (uint32_t j = 0; j < q->nreq; j++)
		if (t->setstate[q->id[j]] == SET_ABSENT)
			return 1;
	return 0;
}

/* The regexes of signal si that can match the text (all their sets occur),
 * started, in the signal's order: listed once per text at
 * t->live + s->liveoff[si].  Returns how many, or -1 when memory runs out. */
static long live_patterns(ms_scanner *s, textstate *t, size_t si)
{
	const ms_rules *r = s->r;
	const ms_sig *sg = &r->sigs[si];
	uint32_t *live = t->live + s->liveoff[si];
	ms_profile_entry *pe = &s->prof[si];
	size_t n = 0;

	if (t->nlive[si] >= 0)
		return t->nlive[si];
	pe->evaluations += sg->npats;
	for (size_t k = 0; k < sg->npats; k++) {
		size_t pi = sg->canon[k];

		if (t->prc[pi] == PAT_UNRUN) {
			if (pattern_absent(r, t, pi))
				continue;
			if (begin_pattern(s, t, pi, pe))
				return -1;
		}
		live[n++] = (uint32_t)pi;
	}
	t->nlive[si] = (int32_t)n;
	return (long)n;
}

/* Run the regexes of a signal and merge all its matches: sorted by start,
 * overlapping matches joined into one span. */
static int finish_signal(ms_scanner *s, textstate *t, size_t si)
{
	const ms_rules *r = s->r;
	const ms_sig *sg = &r->sigs[si];
	spanvec *m = &t->m[si];
	uint64_t t0 = s->profiling ? now_ns() : 0;
	ms_profile_entry *pe = &s->prof[si];
	long nlive;

	t->state[si] = SIG_DONE;
	if (sg->base) {
		/* Derived: the base signal's matches within the bound. */
		const ms_sig *bs = &r->sigs[*sg->base];
		const char *serr = NULL;
		const spanvec *bm = ms_signal_spans(s, t, *sg->base, &serr);
		size_t lim;

		if (!bm)
			return -1;
		t->err[si] = serr;
		lim = ms_text_limit(t, sg->within_chars, sg->within_sentences);
		for (size_t i = 0; i < bm->n && bm->v[i].start < lim; i++)
			if ((!bs->negation ||
			     !ms_negated_before(t->text, bm->v[i].start, bs->negation_window)) &&
			    ms_span_push(m, bm->v[i].start, bm->v[i].end, bm->v[i].in_prompt))
				return -1;
		return 0;
	}
	nlive = live_patterns(s, t, si);
	if (nlive < 0)
		return -1;
	for (long k = 0; k < nlive; k++) {
		size_t pi = t->live[s->liveoff[si] + (size_t)k];
		const spanvec *pm = &t->pm[pi];
		int rc;

		while ((rc = t->prc[pi]) == PAT_PARTIAL)
			if (pull_pattern(s, t, pi, SIZE_MAX, pe) == RUN_NOMEM)
				return -1;
		if (rc < 0) {
			if (report_regex_error(s, t, si, &r->pats[pi], -rc))
				return -1;
			break;
		}
		for (size_t i = 0; i < pm->n; i++)
			if (ms_span_push(m, pm->v[i].start, pm->v[i].end, pm->v[i].in_prompt))
				return -1;
	}
	if (m->n > 1) {
		size_t o = 0;

		sort_spans(m);
		for (size_t i = 1; i < m->n; i++) {
			if (m->v[i].start < m->v[o].end) {
				if (m->v[i].end > m->v[o].end)
					m->v[o].end = m->v[i].end;
			} else {
				m->v[++o] = m->v[i];
			}
		}
		m->n = o + 1;
	}
	if (s->profiling)
		pe->nanoseconds += now_ns() - t0;
	return 0;
}

const spanvec *ms_signal_spans(ms_scanner *s, textstate *t, size_t si, const char **err)
{
	if (t->state[si] == SIG_PENDING && finish_signal(s, t, si))
		return NULL;
	*err = t->err[si];
	return &t->m[si];
}

/* ms_signal_first() on a signal whose matches are all known. */
static int first_of_spans(const textstate *t, const spanvec *m, int neg, unsigned win,
			  size_t limit, ms_span *out)
{
	for (size_t i = 0; i < m->n && m->v[i].start < limit; i++)
		if (!neg || !ms_negated_before(t->text, m->v[i].start, win)) {
			*out = m->v[i];
			return 1;
		}
	return 0;
}

/* The merged spans of a signal come out of a k-way merge of its sources:
 * its keyword matches (sorted here) and the match stream of each regex,
 * pulled one match at a time.  A regex whose next match cannot start before
 * the place in question (its lower bound) is not run.  Each merged span is
 * the one finish_signal() would make: it starts at the least start of all
 * sources and takes in every match that starts before its end.  A regex
 * that fails hands the question to finish_signal(), which reports it. */
int ms_signal_first(ms_scanner *s, textstate *t, size_t si, int neg, unsigned win, size_t limit,
		    ms_span *out, const char **err)
{
	const ms_rules *r = s->r;
	const ms_sig *sg = &r->sigs[si];
	spanvec *kw = &t->m[si];
	size_t *idx = s->fidx, ki = 0, nlive;
	size_t *lbs = idx + s->fmost, *ks = idx + 2 * s->fmost;
	uint32_t *live = t->live + s->liveoff[si];
	ms_profile_entry *pe = &s->prof[si];
	uint64_t t0;

	*err = NULL;
	if (t->state[si] == SIG_DONE || sg->base) {
		const spanvec *m = ms_signal_spans(s, t, si, err);
		return m ? first_of_spans(t, m, neg, win, limit, out) : -1;
	}
	t0 = s->profiling ? now_ns() : 0;
	if (t->nlive[si] < 0) {
		/* First question about the signal on this text. */
		if (live_patterns(s, t, si) < 0)
			return -1;
		sort_spans(kw);
	}
	nlive = (size_t)t->nlive[si];
	for (size_t j = 0; j < nlive; j++)
		idx[j] = 0;
	for (;;) {
		size_t start = SIZE_MAX, end, nc = 0;
		int grew;

		/* The least start of all sources: the known heads first, then
		 * the regexes that could still start a match before it (or
		 * before the limit), in order of where they could: one pass,
		 * as a run stopped at a bound cannot beat a lesser one. */
		if (ki < kw->n)
			start = kw->v[ki].start;
		for (size_t k = 0; k < nlive; k++) {
			size_t pi = live[k];
			const spanvec *pm = &t->pm[pi];

			if (idx[k] < pm->n) {
				if (pm->v[idx[k]].start < start)
					start = pm->v[idx[k]].start;
			} else if (t->prc[pi] == PAT_PARTIAL) {
				size_t b = pattern_lower_bound(t, &r->pats[pi], &t->cur[pi]), j = nc++;

				/* Insertion by lower bound: a signal has a few dozen regexes. */
				for (; j > 0 && lbs[j - 1] > b; j--) {
					lbs[j] = lbs[j - 1];
					ks[j] = ks[j - 1];
				}
				lbs[j] = b;
				ks[j] = k;
			} else if (t->prc[pi] < 0) {
				goto full;
			}
		}
		for (size_t j = 0; j < nc; j++) {
			size_t k = ks[j], pi = live[k], bound = start < limit ? start : limit;
			int rc;

			if (lbs[j] >= bound)
				break;
			rc = pull_pattern(s, t, pi, bound, pe);
			if (rc == RUN_NOMEM)
				return -1;
			if (rc < 0)
				goto full;
			if (rc == 1 && t->pm[pi].v[idx[k]].start < start)
				start = t->pm[pi].v[idx[k]].start;
		}
		if (start == SIZE_MAX || start >= limit)
			break;
		/* The span's end: every match that starts before it. */
		end = start;
		do {
			grew = 0;
			while (ki < kw->n && kw->v[ki].start < end + (end == start)) {
				if (kw->v[ki].end > end)
					end = kw->v[ki].end;
				ki++;
				grew = 1;
			}
			for (size_t k = 0; k < nlive; k++) {
				size_t pi = live[k];
				const spanvec *pm = &t->pm[pi];

				for (;;) {
					if (idx[k] < pm->n) {
						const ms_span *h = &pm->v[idx[k]];
						if (h->start >= end + (end == start))
							break;
						if (h->end > end)
							end = h->end;
						idx[k]++;
						grew = 1;
						continue;
					}
					if (t->prc[pi] < 0)
						goto full;
					if (t->prc[pi] != PAT_PARTIAL ||
					    pattern_lower_bound(t, &r->pats[pi], &t->cur[pi]) >=
						    end + (end == start))
						break;
					{
						int rc = pull_pattern(s, t, pi, end + (end == start), pe);
						if (rc == RUN_NOMEM)
							return -1;
						if (rc < 0)
							goto full;
					}
				}
			}
		} while (grew);
		if (!neg || !ms_negated_before(t->text, start, win)) {
			*out = (ms_span){ start, end, t->in_prompt };
			if (s->profiling)
				pe->nanoseconds += now_ns() - t0;
			return 1;
		}
	}
	if (s->profiling)
		pe->nanoseconds += now_ns() - t0;
	return 0;
full:
	if (s->profiling)
		pe->nanoseconds += now_ns() - t0;
	{
		const spanvec *m = ms_signal_spans(s, t, si, err);
		return m ? first_of_spans(t, m, neg, win, limit, out) : -1;
	}
}

/* ---------------- texts of conditions ---------------- */

textstate *ms_cond_text(ms_scanner *s, ms_on on, int sig_on_prompt)
{
	return on == ON_PROMPT || (on == ON_DEFAULT && sig_on_prompt) ? s->pt : &s->t[0];
}

size_t ms_text_limit(textstate *t, size_t chars, size_t sentences)
{
	size_t lc = 0, ls = 0;

	if (chars) {
		if (t->lim_chars_n != chars) {
			t->lim_chars = ms_char_limit(t->text, t->len, chars);
			t->lim_chars_n = chars;
		}
		lc = t->lim_chars;
	}
	if (sentences) {
		if (t->lim_sent_n != sentences) {
			t->lim_sent = ms_sentence_limit(t->text, t->len, sentences);
			t->lim_sent_n = sentences;
		}
		ls = t->lim_sent;
	}
	return lc > ls ? lc : ls;
}

/* ---------------- scope ---------------- */

static int in_list(char *const *list, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], v) == 0)
			return 1;
	return 0;
}

static int meta_ok(const ms_scanner *s, int kind, char *const *list, size_t n, uint64_t mask,
		   const char *v, int lenient)
{
	if (!n)
		return 1;
	if (!v)
		return lenient;
	if (s->r->meta_as_bits[kind])
		return s->recmeta[kind] >= 0 && (mask >> s->recmeta[kind] & 1);
	return in_list(list, n, v);
}

/* Is the rule in scope through a tag the scenarios gave the record (and
 * not one it came with)?  Then the matches that gave it are its trigger. */
static int derived_scope(ms_scanner *s, const ms_rule_int *ru, const ms_record *rec,
			 spanvec *trig)
{
	const ms_rules *r = s->r;
	int ok = 0;

	if (r->meta_as_bits[META_TAGS]) {
		if (ru->metamask[META_TAGS] & s->recmask)
			return 1;
		if (!(ru->metamask[META_TAGS] & s->dmask))
			return 0;
	} else {
		for (size_t i = 0; i < rec->ntags; i++)
			if (in_list(ru->scope_tags, ru->nscope_tags, rec->tags[i]))
				return 1;
	}
	for (size_t k = 0; k < r->nscen; k++) {
		const ms_scenario *sc = &r->scen[k];
		if (s->dtrig[k].start == SIZE_MAX ||
		    !in_list(ru->scope_tags, ru->nscope_tags, sc->info.tag))
			continue;
		ok = 1;
		if (ms_span_push(trig, s->dtrig[k].start, s->dtrig[k].end, s->dtrig[k].in_prompt))
			return -1;
	}
	return ok;
}

static int in_scope(evalctx *e, const ms_rule_int *ru, const ms_record *rec, spanvec *trig)
{
	ms_scanner *s = e->s;
	int lenient = s->lenient_scope;

	if (ru->nscope_tags) {
		int ok;
		if (lenient && !s->have_tags)
			ok = 1;
		else if (s->r->meta_as_bits[META_TAGS] && !ru->tags_derivable)
			ok = (ru->metamask[META_TAGS] & s->recmask) != 0;
		else
			ok = derived_scope(s, ru, rec, trig);
		if (ok < 0)
			e->oom = 1;
		if (ok <= 0)
			return 0;
	}
	if (!meta_ok(s, META_MODEL, ru->scope_model, ru->nscope_model, ru->metamask[META_MODEL],
		     rec->model, lenient) ||
	    !meta_ok(s, META_GROUP, ru->scope_group, ru->nscope_group, ru->metamask[META_GROUP],
		     rec->model_group, lenient) ||
	    !meta_ok(s, META_WEIGHTS, ru->scope_weights, ru->nscope_weights,
		     ru->metamask[META_WEIGHTS], rec->weights, lenient))
		return 0;
	if (ru->nscope_psig) {
		int ok = 0;
		if (!s->pt->present)
			return lenient;
		for (size_t i = 0; !ok && i < ru->nscope_psig; i++) {
			const char *serr = NULL;
			const ms_sig *sg = &s->r->sigs[ru->scope_psig[i]];
			const spanvec *m = ms_signal_spans(s, s->pt, ru->scope_psig[i], &serr);

			if (!m) {
				e->oom = 1;
				return 0;
			}
			if (serr && !e->err)
				e->err = serr;
			for (size_t k = 0; !ok && k < m->n; k++) {
				ok = !sg->negation ||
				     !ms_negated_before(s->pt->text, m->v[k].start, sg->negation_window);
				if (ok && ms_span_push(trig, m->v[k].start, m->v[k].end,
						       m->v[k].in_prompt))
					e->oom = 1;
			}
		}
		if (!ok)
			return 0;
	}
	return 1;
}

/* A record's tags as bits, and its model, group and weights as indices,
 * of the values the rules' scopes name. */
static void record_scope_bits(ms_scanner *s, const ms_record *rec)
{
	const ms_rules *r = s->r;
	const char *v[META_KINDS] = { NULL, rec->model, rec->model_group, rec->weights };

	s->recmask = 0;
	if (r->meta_as_bits[META_TAGS] && r->nmeta[META_TAGS] && rec->ntags) {
		/* Stable tags (a prompt set's): their mask is kept for the next
		 * records of the same prompt, in a small table by address. */
		size_t slot = ((uintptr_t)rec->tags >> 4) % TAGMASK_CACHE;
		tagmask_entry *e = &s->tagcache[slot];

		if (rec->prompt_stable && e->tags == rec->tags && e->ntags == rec->ntags) {
			s->recmask = e->mask;
		} else {
			for (size_t i = 0; i < rec->ntags; i++)
				for (size_t j = 0; j < r->nmeta[META_TAGS]; j++)
					if (strcmp(rec->tags[i], r->meta[META_TAGS][j]) == 0)
						s->recmask |= (uint64_t)1 << j;
			if (rec->prompt_stable)
				*e = (tagmask_entry){ rec->tags, rec->ntags, s->recmask };
		}
	}
	for (int k = META_MODEL; k < META_KINDS; k++) {
		s->recmeta[k] = -1;
		for (size_t j = 0; v[k] && j < r->nmeta[k] && j < 64; j++)
			if (strcmp(v[k], r->meta[k][j]) == 0) {
				s->recmeta[k] = (int)j;
				break;
			}
	}
}

/* ---------------- scenarios ---------------- */

static int has_tag(const char *const *tags, size_t n, const char *tag)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tags[i], tag) == 0)
			return 1;
	return 0;
}

/* The tags the scenarios give the record: a scenario's tag when one of its
 * signals matches (and is not negated, where the signal excludes that) in
 * the prompt, or in the response when there is no prompt. */
static int derive_tags(ms_scanner *s, const ms_record *rec)
{
	const ms_rules *r = s->r;
	textstate *t = s->pt->present ? s->pt : &s->t[0];

	s->dmask = 0;
	s->ndtags = 0;
	for (size_t k = 0; k < r->nscen; k++) {
		const ms_scenario *sc = &r->scen[k];
		ms_span *d = &s->dtrig[k];

		d->start = SIZE_MAX;
		for (size_t i = 0; i < sc->info.nsignals && d->start == SIZE_MAX; i++) {
			const ms_sig *sg = &r->sigs[sc->sigs[i]];
			const char *serr = NULL;
			int found = ms_signal_first(s, t, sc->sigs[i], sg->negation,
						    sg->negation_window, SIZE_MAX, d, &serr);

			if (found < 0)
				return -1;
			if (!found)
				d->start = SIZE_MAX;
		}
		if (d->start == SIZE_MAX)
			continue;
		if (sc->bit >= 0)
			s->dmask |= (uint64_t)1 << sc->bit;
		if (has_tag(rec->tags, rec->ntags, sc->info.tag) ||
		    has_tag(s->dtags, s->ndtags, sc->info.tag))
			continue;
		if (ms_grow(&s->dtags, &s->capdtags, s->ndtags + 1, sizeof *s->dtags))
			return -1;
		s->dtags[s->ndtags++] = sc->info.tag;
	}
	return 0;
}

/* ---------------- scanning ---------------- */

/* Spans into the evidence pool: sorted, duplicates dropped, at most
 * MS_MAX_EVIDENCE of them.  Returns how many, or -1. */
static long pool_spans(ms_scanner *s, spanvec *v)
{
	size_t n = 0;

	if (!v || !v->n)
		return 0;
	sort_spans(v);
	for (size_t i = 0; i < v->n && n < MS_MAX_EVIDENCE; i++) {
		if (n && v->v[i].start == s->ev.v[s->ev.n - 1].start &&
		    v->v[i].end == s->ev.v[s->ev.n - 1].end &&
		    v->v[i].in_prompt == s->ev.v[s->ev.n - 1].in_prompt)
			continue;
		if (ms_span_push(&s->ev, v->v[i].start, v->v[i].end, v->v[i].in_prompt))
			return -1;
		n++;
	}
	return (long)n;
}

static int add_finding(ms_scanner *s, const ms_rule_int *ru, ms_finding_kind kind,
		       spanvec *ev, spanvec *trig, const char *errmsg)
{
	ms_finding *f;
	size_t first = s->ev.n, tfirst;
	long n, nt;

	if (ms_grow(&s->f, &s->capf, s->nf + 1, sizeof *s->f))
		return -1;
	if ((n = pool_spans(s, ev)) < 0)
		return -1;
	tfirst = s->ev.n;
	if ((nt = pool_spans(s, trig)) < 0)
		return -1;
	f = &s->f[s->nf++];
	f->rule = &ru->pub;
	f->kind = kind;
	/* Span pointers are fixed once the pool stops growing; keep the
	 * offsets in the pointers' places until then. */
	f->evidence = (const ms_span *)(uintptr_t)first;
	f->nevidence = (size_t)n;
	f->trigger = (const ms_span *)(uintptr_t)tfirst;
	f->ntrigger = (size_t)nt;
	f->error = errmsg;
	return 0;
}

ms_status ms_scanner_scan(ms_scanner *s, const ms_record *rec, const ms_result **out)
{
	return ms_scanner_scan_example(s, rec, 0, 0, out);
}

ms_status ms_scanner_scan_example(ms_scanner *s, const ms_record *rec, int lenient_scope,
				  int have_tags, const ms_result **out)
{
	const ms_rules *r;
	ms_result *res;

	if (!s || !rec || !out || (!rec->response && rec->response_len))
		return MS_ERR_USAGE;
	if (rec->response_len >= MS_TEXT_MAX || (rec->prompt && rec->prompt_len >= MS_TEXT_MAX))
		return MS_ERR_LIMIT;
	s->lenient_scope = lenient_scope;
	s->have_tags = have_tags;
	r = s->r;
	res = &s->res;
	s->nf = 0;
	s->ev.n = 0;
	s->nsigs = 0;
	/* Prompt signals read the response only when the record has no prompt
	 * (see select_prompt): otherwise the response needs only the strings
	 * of response signals. */
	if (prepare_text(s, &s->t[0], rec->response ? rec->response : "", rec->response_len,
			 r->any_prompt && !rec->prompt && !lenient_scope ? r->ac : r->ac_resp))
		return MS_ERR_NOMEM;
	if (select_prompt(s, rec))
		return MS_ERR_NOMEM;
	record_scope_bits(s, rec);
	/* An example that gives its tags tests the scope itself: its tags
	 * are all it has. */
	s->dmask = 0;
	s->ndtags = 0;
	for (size_t k = 0; k < r->nscen; k++)
		s->dtrig[k].start = SIZE_MAX;
	if (r->nscen && !(s->lenient_scope && s->have_tags) && derive_tags(s, rec))
		return MS_ERR_NOMEM;
	memset(res, 0, sizeof *res);

	/* Named response signals present in the answer. */
	for (size_t i = 0; i < r->nnamed; i++) {
		size_t si = r->named[i];
		const ms_sig *sg = &r->sigs[si];
		const char *serr = NULL;
		ms_span first;
		int found;

		if (sg->info.on_prompt)
			continue;
		found = ms_signal_first(s, &s->t[0], si, sg->negation, sg->negation_window,
					SIZE_MAX, &first, &serr);
		if (found < 0)
			return MS_ERR_NOMEM;
		if (found) {
			if (ms_grow(&s->sigs, &s->capsigs, s->nsigs + 1, sizeof *s->sigs) ||
			    ms_grow(&s->sigspans, &s->capsigspans, s->nsigs + 1,
				    sizeof *s->sigspans))
				return MS_ERR_NOMEM;
			s->sigspans[s->nsigs] = first;
			s->sigs[s->nsigs++] = i;
		}
	}

	for (size_t i = 0; i < r->nrules; i++) {
		const ms_rule_int *ru = &r->rules[i];
		evalctx e = { s, NULL, 0 };
		ms_profile_entry *pr = &s->prof_rules[i];
		uint64_t t0 = s->profiling ? now_ns() : 0;
		int fire = 0;

		s->trig.n = 0;
		if (!in_scope(&e, ru, rec, &s->trig))
			goto check;
		pr->evaluations++;
		if (ru->when && !ms_cond_eval(&e, ru->when, &s->trig))
			goto check;
		pr->runs++;
		s->tmp.n = 0;
		fire = ms_cond_eval(&e, ru->cond, ru->require ? NULL : &s->tmp);
		if (ru->require)
			fire = !fire;
		pr->matches += (uint64_t)fire;
		if (!e.oom && !e.err && fire &&
		    add_finding(s, ru, ru->require ? MS_FINDING_MISSING : MS_FINDING_PRESENT,
				&s->tmp, &s->trig, NULL))
			return MS_ERR_NOMEM;
check:
		if (s->profiling)
			pr->nanoseconds += now_ns() - t0;
		if (e.oom)
			return MS_ERR_NOMEM;
		if (e.err) {
			/* A regex that could not finish leaves the rule undecided:
			 * report that instead of a silent pass. */
			if (add_finding(s, ru, MS_FINDING_ERROR, NULL, NULL, e.err))
				return MS_ERR_NOMEM;
			res->error = 1;
		}
	}

	for (size_t i = 0; i < s->nf; i++) {
		ms_finding *f = &s->f[i];
		ms_severity sev = f->rule->severity;

		/* No arithmetic on a null pool (nothing was ever pooled). */
		f->evidence = f->nevidence ? s->ev.v + (size_t)(uintptr_t)f->evidence : NULL;
		f->trigger = f->ntrigger ? s->ev.v + (size_t)(uintptr_t)f->trigger : NULL;
		if (f->kind == MS_FINDING_ERROR)
			continue;
		res->score += ms_severity_weight(sev);
		if (sev > res->max_severity)
			res->max_severity = sev;
		if (sev > MS_SEV_INFO) {
			res->flagged = 1;
			res->dim_flagged[f->rule->dimension] = 1;
		}
	}
	res->findings = s->f;
	res->nfindings = s->nf;
	res->signals = s->sigs;
	res->nsignals = s->nsigs;
	res->signal_spans = s->sigspans;
	res->tags = s->dtags;
	res->ntags = s->ndtags;
	*out = res;
	return MS_OK;
}

long ms_scanner_signal_count(ms_scanner *s, size_t signal, const char *text, size_t len)
{
	const ms_rules *r = s->r;
	const ms_sig *sg;
	const spanvec *m;
	const char *serr = NULL;
	long count = 0;

	if (signal >= r->nnamed)
		return -1;
	signal = r->named[signal];
	sg = &r->sigs[signal];
	if (prepare_text(s, &s->t[0], text, len, r->ac))
		return -1;
	m = ms_signal_spans(s, &s->t[0], signal, &serr);
	if (!m || serr)
		return -1;
	for (size_t k = 0; k < m->n; k++)
		if (!sg->negation || !ms_negated_before(text, m->v[k].start, sg->negation_window))
			count++;
	return count;
}
