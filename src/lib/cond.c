/* Conditions: one table entry per condition keyword, with how it is parsed
 * from YAML and how it is evaluated on a record.  Adding a keyword means
 * adding an entry here (and its ms_cond_type).
 *
 * A condition is a bare signal name or a mapping with exactly one keyword
 * (signal, keywords/patterns, all, any, not, words, repeated, truncated),
 * refined by options (on, min, max, within, negation, negation_window), each
 * of which applies to some of the keywords only. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "scanner.h"

/* ---------------- options ---------------- */

enum { OPT_ON, OPT_MIN, OPT_MAX, OPT_WITHIN, OPT_NEGATION, OPT_NEGWIN, NOPTS };

static const char *const opt_names[NOPTS] = { "on", "min", "max", "within", "negation",
					      "negation_window" };

#define O(x) (1u << (x))
#define SIGNAL_OPTS (O(OPT_ON) | O(OPT_MIN) | O(OPT_MAX) | O(OPT_WITHIN) | O(OPT_NEGATION) | \
		     O(OPT_NEGWIN))

/* ---------------- the table ---------------- */

typedef ms_cond *(*cond_parse_fn)(ms_compiler *c, ynode *n, field *kf, const char *owner);
typedef int (*cond_eval_fn)(evalctx *e, const ms_cond *k, spanvec *ev);

typedef struct cond_kind {
	const char *key;     /* the keyword that selects it */
	const char *alt;     /* a second keyword that selects it, or NULL */
	unsigned opts;       /* the options it takes, as bits */
	cond_parse_fn parse; /* kf: the keyword's field (and, for alt, the next) */
	cond_eval_fn eval;
} cond_kind;

static ms_cond *parse_signal_ref(ms_compiler *c, ynode *n, field *kf, const char *owner);
static ms_cond *parse_inline(ms_compiler *c, ynode *n, field *kf, const char *owner);
static ms_cond *parse_all(ms_compiler *c, ynode *n, field *kf, const char *owner);
static ms_cond *parse_any(ms_compiler *c, ynode *n, field *kf, const char *owner);
static ms_cond *parse_not(ms_compiler *c, ynode *n, field *kf, const char *owner);
static ms_cond *parse_words(ms_compiler *c, ynode *n, field *kf, const char *owner);
static ms_cond *parse_repeated(ms_compiler *c, ynode *n, field *kf, const char *owner);
static ms_cond *parse_truncated(ms_compiler *c, ynode *n, field *kf, const char *owner);
static int eval_signal(evalctx *e, const ms_cond *k, spanvec *ev);
static int eval_all(evalctx *e, const ms_cond *k, spanvec *ev);
static int eval_any(evalctx *e, const ms_cond *k, spanvec *ev);
static int eval_not(evalctx *e, const ms_cond *k, spanvec *ev);
static int eval_words(evalctx *e, const ms_cond *k, spanvec *ev);
static int eval_repeated(evalctx *e, const ms_cond *k, spanvec *ev);
static int eval_truncated(evalctx *e, const ms_cond *k, spanvec *ev);

/* Indexed by ms_cond_type, except that the inline signal (keywords and
 * patterns) is a second entry of C_SIGNAL, last. */
static const cond_kind kinds[] = {
	[C_SIGNAL] = { "signal", NULL, SIGNAL_OPTS, parse_signal_ref, eval_signal },
	[C_ALL] = { "all", NULL, 0, parse_all, eval_all },
	[C_ANY] = { "any", NULL, 0, parse_any, eval_any },
	[C_NOT] = { "not", NULL, 0, parse_not, eval_not },
	[C_WORDS] = { "words", NULL, O(OPT_ON), parse_words, eval_words },
	[C_REPEATED] = { "repeated", NULL, O(OPT_ON), parse_repeated, eval_repeated },
	[C_TRUNCATED] = { "truncated", NULL, O(OPT_ON), parse_truncated, eval_truncated },
	{ "keywords", "patterns", SIGNAL_OPTS, parse_inline, eval_signal },
};
#define NKINDS MS_ARRAY_LEN(kinds)

/* ---------------- parsing ---------------- */

static ms_cond *new_cond(ms_compiler *c, ms_cond_type t)
{
	ms_cond *k = cc_calloc(c, 1, sizeof *k);

	if (k) {
		k->type = t;
		k->min = 1;
		k->max = UINT_MAX;
		k->negation = -1;
	}
	return k;
}

static ms_cond *parse_signal_ref(ms_compiler *c, ynode *n, field *kf, const char *owner)
{
	ms_cond *k = new_cond(c, C_SIGNAL);
	const char *name;

	(void)n;
	if (!k)
		return NULL;
	name = cc_str(c, kf, owner);
	if (name && cc_add_ref(c, kf->val, name, &k->sig, owner, ON_DEFAULT))
		return NULL;
	return k;
}

/* An anonymous signal of its own: kf[0] keywords, kf[1] patterns. */
static ms_cond *parse_inline(ms_compiler *c, ynode *n, field *kf, const char *owner)
{
	ms_cond *k = new_cond(c, C_SIGNAL);
	char idbuf[200];
	size_t sigi;
	ms_sig *sg;

	if (!k || !(sg = cc_new_sig(c, &sigi)))
		return NULL;
	snprintf(idbuf, sizeof idbuf, "%s (inline, line %u)", owner, n->line);
	sg->info.id = cc_strdup(c, idbuf);
	sg->info.file = c->file;
	sg->info.line = n->line;
	sg->negation_window = 3;
	if (!sg->info.id || cc_matchers(c, sg, sigi, &kf[0], &kf[1], owner))
		return NULL;
	k->sig = sigi;
	return k;
}

static ms_cond *parse_list(ms_compiler *c, field *kf, ms_cond_type t, const char *owner)
{
	ynode *v = kf->val;
	ms_cond *k;

	if (v->kind != YN_SEQ || v->n == 0) {
		cc_err(c, v, owner, "'%s' must be a non-empty list of conditions", kf->name);
		return NULL;
	}
	k = new_cond(c, t);
	if (!k || !(k->kids = cc_calloc(c, v->n, sizeof *k->kids)))
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		ms_cond *kid = cc_cond(c, v->items[i], owner);
		if (kid)
			k->kids[k->nkids++] = kid;
	}
	return k;
}

static ms_cond *parse_all(ms_compiler *c, ynode *n, field *kf, const char *owner)
{
	(void)n;
	return parse_list(c, kf, C_ALL, owner);
}

static ms_cond *parse_any(ms_compiler *c, ynode *n, field *kf, const char *owner)
{
	(void)n;
	return parse_list(c, kf, C_ANY, owner);
}

static ms_cond *parse_not(ms_compiler *c, ynode *n, field *kf, const char *owner)
{
	ms_cond *kid = cc_cond(c, kf->val, owner), *k;

	(void)n;
	if (!kid || !(k = new_cond(c, C_NOT)))
		return NULL;
	if (!(k->kids = cc_calloc(c, 1, sizeof *k->kids)))
		return NULL;
	k->kids[0] = kid;
	k->nkids = 1;
	return k;
}

/* An optional integer option of a keyword's mapping into *out. */
static void opt_uint(ms_compiler *c, field *f, long lo, long hi, const char *owner,
		     unsigned *out)
{
	if (f->val) {
		long v = cc_uint(c, f, lo, hi, owner);
		if (v >= 0)
			*out = (unsigned)v;
	}
}

static ms_cond *parse_words(ms_compiler *c, ynode *n, field *kf, const char *owner)
{
	field wf[] = { { "min" }, { "max" }, { NULL } };
	ms_cond *k = new_cond(c, C_WORDS);

	(void)n;
	if (!k)
		return NULL;
	k->min = 0;
	if (cc_fields(c, kf->val, "'words'", owner, wf))
		return k;
	if (!wf[0].val && !wf[1].val)
		cc_err(c, kf->val, owner, "'words' needs 'min' or 'max'");
	opt_uint(c, &wf[0], 0, 100000000, owner, &k->min);
	opt_uint(c, &wf[1], 0, 100000000, owner, &k->max);
	if (k->min > k->max)
		cc_err(c, wf[1].val, owner, "'max' (%u) is below 'min' (%u)", k->max, k->min);
	return k;
}

static ms_cond *parse_repeated(ms_compiler *c, ynode *n, field *kf, const char *owner)
{
	field rf[] = { { "min" }, { "words" }, { NULL } };
	ms_cond *k = new_cond(c, C_REPEATED);

	(void)n;
	if (!k)
		return NULL;
	k->min = 3;
	k->unit_words = 5;
	if (kf->val->kind == YN_SCALAR && !*kf->val->str)
		return k; /* `repeated:` alone: the defaults */
	if (cc_fields(c, kf->val, "'repeated'", owner, rf))
		return k;
	opt_uint(c, &rf[0], 2, 100000, owner, &k->min);
	opt_uint(c, &rf[1], 1, 1000, owner, &k->unit_words);
	return k;
}

static ms_cond *parse_truncated(ms_compiler *c, ynode *n, field *kf, const char *owner)
{
	ms_cond *k = new_cond(c, C_TRUNCATED);
	const char *v = cc_str(c, kf, owner);

	(void)n;
	if (!k)
		return NULL;
	if (v && strcmp(v, "true") == 0)
		k->min = 1;
	else if (v && strcmp(v, "false") == 0)
		k->min = 0;
	else if (v)
		cc_err(c, kf->val, owner, "'truncated' must be true or false, not '%s'", v);
	return k;
}

void cc_within(ms_compiler *c, ynode *v, const char *owner, size_t *chars, size_t *sentences)
{
	field wf[] = { { "chars" }, { "sentences" }, { NULL } };
	unsigned ch = 0, se = 0;

	if (cc_fields(c, v, "'within'", owner, wf))
		return;
	if (!wf[0].val && !wf[1].val)
		cc_err(c, v, owner, "'within' needs 'chars' or 'sentences'");
	opt_uint(c, &wf[0], 1, 100000000, owner, &ch);
	opt_uint(c, &wf[1], 1, MS_MAX_WITHIN_SENTENCES, owner, &se);
	*chars = ch;
	*sentences = se;
}

ms_on cc_on(ms_compiler *c, const field *f, const char *owner)
{
	const char *on = cc_str(c, f, owner);

	if (!on)
		return ON_DEFAULT;
	if (strcmp(on, "prompt") == 0)
		return ON_PROMPT;
	if (strcmp(on, "response") == 0)
		return ON_RESPONSE;
	cc_err(c, f->val, owner, "'on' must be 'response' or 'prompt', not '%s'", on);
	return ON_DEFAULT;
}

/* The options given with a keyword, into k. */
static void parse_options(ms_compiler *c, field *of, ms_cond *k, int kind, const char *owner)
{
	for (int i = 0; i < NOPTS; i++)
		if (of[i].val && !(kinds[kind].opts & O(i))) {
			cc_err(c, of[i].key, owner, "'%s' does not apply to '%s'", of[i].name,
			       kinds[kind].key);
			of[i].val = NULL;
		}
	if (of[OPT_ON].val)
		k->on = cc_on(c, &of[OPT_ON], owner);
	opt_uint(c, &of[OPT_MIN], 0, 100000, owner, &k->min);
	opt_uint(c, &of[OPT_MAX], 0, 100000, owner, &k->max);
	if (of[OPT_MAX].val && k->min > k->max)
		cc_err(c, of[OPT_MAX].val, owner, "'max' (%u) is below 'min' (%u)", k->max, k->min);
	if (of[OPT_WITHIN].val)
		cc_within(c, of[OPT_WITHIN].val, owner, &k->within_chars, &k->within_sentences);
	if (of[OPT_NEGATION].val) {
		int m = cc_negation(c, &of[OPT_NEGATION], owner);
		if (m >= 0)
			k->negation = m;
	}
	opt_uint(c, &of[OPT_NEGWIN], 1, 20, owner, &k->negation_window);
}

ms_cond *cc_cond(ms_compiler *c, ynode *n, const char *owner)
{
	/* The keywords first (the alternative of the last entry right after
	 * its key), then the options. */
	field f[NKINDS + 1 + NOPTS + 1];
	size_t nf = 0, kindat[NKINDS];
	field *of;
	int kind = -1, forms = 0;
	ms_cond *k;

	if (n->kind == YN_SCALAR) {
		k = new_cond(c, C_SIGNAL);
		if (k && cc_add_ref(c, n, n->str, &k->sig, owner, ON_DEFAULT))
			return NULL;
		return k;
	}
	memset(f, 0, sizeof f);
	for (size_t i = 0; i < NKINDS; i++) {
		kindat[i] = nf;
		f[nf++].name = kinds[i].key;
		if (kinds[i].alt)
			f[nf++].name = kinds[i].alt;
	}
	of = &f[nf];
	for (int i = 0; i < NOPTS; i++)
		f[nf++].name = opt_names[i];
	if (cc_fields(c, n, "a condition", owner, f))
		return NULL;
	for (size_t i = 0; i < NKINDS; i++)
		if (f[kindat[i]].val || (kinds[i].alt && f[kindat[i] + 1].val)) {
			forms++;
			kind = (int)i;
		}
	if (forms != 1) {
		cc_err(c, n, owner,
		       forms ? "a condition must have exactly one of signal, keywords/patterns, all, any, not, words, repeated, truncated"
			     : "a condition needs one of signal, keywords/patterns, all, any, not, words, repeated, truncated");
		return NULL;
	}
	k = kinds[kind].parse(c, n, &f[kindat[kind]], owner);
	if (!k)
		return NULL;
	parse_options(c, of, k, kind, owner);
	/* A reference made through this condition evaluates the signal where
	 * it says. */
	if (kind == C_SIGNAL && k->on != ON_DEFAULT && c->nrefs)
		c->refs[c->nrefs - 1].on = k->on;
	if (k->on == ON_PROMPT)
		c->r->any_prompt = 1;
	return k;
}

/* ---------------- evaluation ---------------- */

int ms_cond_eval(evalctx *e, const ms_cond *c, spanvec *ev)
{
	unsigned t = c->type;

	/* The inline signal shares C_SIGNAL's evaluation. */
	return kinds[t].eval(e, c, ev);
}

/* What is under a `not` gives no evidence: it is evaluated without. */
static int eval_not(evalctx *e, const ms_cond *c, spanvec *ev)
{
	(void)ev;
	return !ms_cond_eval(e, c->kids[0], NULL);
}

static int eval_all(evalctx *e, const ms_cond *c, spanvec *ev)
{
	size_t mark = ev ? ev->n : 0;

	for (size_t i = 0; i < c->nkids; i++)
		if (!ms_cond_eval(e, c->kids[i], ev)) {
			if (ev)
				ev->n = mark;
			return 0;
		}
	return 1;
}

static int eval_any(evalctx *e, const ms_cond *c, spanvec *ev)
{
	int any = 0;

	for (size_t i = 0; i < c->nkids; i++)
		any |= ms_cond_eval(e, c->kids[i], ev);
	return any;
}

static int eval_words(evalctx *e, const ms_cond *c, spanvec *ev)
{
	textstate *t = ms_cond_text(e->s, c->on, 0);
	/* Counting stops as soon as the answer is known: at min words when
	 * there is no maximum, else one past the maximum. */
	size_t limit = c->max == UINT_MAX ? (size_t)c->min : (size_t)c->max + 1, n = 0;

	(void)ev;
	if (t->present) {
		if (t->wc.words < limit && t->wc.pos < t->len)
			ms_word_count_resume(t->text, t->len, &t->wc, limit);
		n = t->wc.words;
	}
	return n >= c->min && n <= c->max;
}

/* ---- repetition (the analysis is in repeat.c) ---- */

static int eval_repeated(evalctx *e, const ms_cond *c, spanvec *ev)
{
	textstate *t = ms_cond_text(e->s, c->on, 0);

	if (!t->present)
		return 0;
	if ((!t->rep_done || t->rep_words != c->unit_words) &&
	    ms_analyse_repeats(e->s, t, c->unit_words)) {
		e->oom = 1;
		return 0;
	}
	if (t->rep_max < c->min)
		return 0;
	for (size_t i = 0; ev && i < t->rep.n; i++)
		if (ms_span_push(ev, t->rep.v[i].start, t->rep.v[i].end, t->in_prompt))
			e->oom = 1;
	return 1;
}

static int eval_truncated(evalctx *e, const ms_cond *c, spanvec *ev)
{
	textstate *t = ms_cond_text(e->s, c->on, 0);
	size_t from = 0, to = 0;
	int cut;

	if (!t->present)
		return 0;
	cut = ms_truncated(t->text, t->len, &from, &to);
	if (cut && c->min && ev && ms_span_push(ev, from, to, t->in_prompt))
		e->oom = 1;
	return cut == (int)c->min;
}

/* ---- signals ---- */

static int eval_signal(evalctx *e, const ms_cond *c, spanvec *ev)
{
	ms_scanner *s = e->s;
	const ms_sig *sg = &s->r->sigs[c->sig];
	textstate *t = ms_cond_text(s, c->on, sg->info.on_prompt);
	const spanvec *m;
	const char *serr = NULL;
	int neg = c->negation >= 0 ? c->negation : sg->negation;
	unsigned win = c->negation_window ? c->negation_window : sg->negation_window;
	size_t lim = 0, count = 0, mark = ev ? ev->n : 0;
	int bounded = c->within_chars || c->within_sentences;

	if (!t->present)
		return c->min == 0;
	if (bounded)
		lim = ms_text_limit(t, c->within_chars, c->within_sentences);
	if (!ev && c->min == 1 && c->max == UINT_MAX) {
		/* Only whether it occurs: its first match may be enough. */
		ms_span first;
		int found = ms_signal_first(s, t, c->sig, neg, win, bounded ? lim : SIZE_MAX,
					    &first, &serr);
		if (found < 0)
			e->oom = 1;
		if (serr && !e->err)
			e->err = serr;
		return found > 0;
	}
	m = ms_signal_spans(s, t, c->sig, &serr);
	if (!m) {
		e->oom = 1;
		return 0;
	}
	if (serr && !e->err)
		e->err = serr;
	for (size_t i = 0; i < m->n; i++) {
		const ms_span *sp = &m->v[i];
		if (bounded && sp->start >= lim)
			break;
		if (neg && ms_negated_before(t->text, sp->start, win))
			continue;
		count++;
		if (ev && ms_span_push(ev, sp->start, sp->end, sp->in_prompt))
			e->oom = 1;
	}
	if (count >= c->min && count <= c->max)
		return 1;
	if (ev)
		ev->n = mark;
	return 0;
}
