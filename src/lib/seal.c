/* Sealing the compiler: duplicate ids and references are checked, then the
 * work on the patterns that needs the whole pack: their required sets
 * (literals.c), the JIT on all cores, and the keyword automaton built
 * alongside it; last, the scope values are numbered so that a record's
 * scope is tested with one AND per kind. */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"

static void report_dup(ms_compiler *c, const char *what, const char *id, const char *file,
		       unsigned line, unsigned col, const char *ffile, unsigned fline)
{
	ynode pos = { 0 };

	c->file = file;
	pos.line = line;
	pos.col = col;
	cc_err(c, &pos, id, "duplicate %s id '%s' (first defined at %s:%u)", what, id, ffile, fline);
}

typedef struct idctx {
	const ms_rules *r;
	const char *id;
} idctx;

static int same_sig_id(const void *ctx, size_t v)
{
	const idctx *x = ctx;
	return strcmp(x->r->sigs[v].info.id, x->id) == 0;
}

static int same_rule_id(const void *ctx, size_t v)
{
	const idctx *x = ctx;
	return strcmp(x->r->rules[v].pub.id, x->id) == 0;
}

/* Duplicate ids, through a hash index of the named signals (kept in
 * c->sig_idx for the references) and one of the rules.  -1: out of memory. */
static int check_duplicates(ms_compiler *c)
{
	ms_rules *r = c->r;
	ms_hidx rules = { 0 };

	for (size_t i = 0; i < r->nsigs; i++) {
		idctx x = { r, r->sigs[i].info.id };
		uint64_t h;
		size_t j;

		if (!r->sigs[i].named || strcmp(x.id, "?") == 0)
			continue;
		h = ms_hash(x.id, strlen(x.id), 0);
		j = ms_hidx_find(&c->sig_idx, h, same_sig_id, &x);
		if (j != (size_t)-1)
			report_dup(c, "signal", x.id, r->sigs[i].info.file, r->sigs[i].info.line,
				   r->sigs[i].col, r->sigs[j].info.file, r->sigs[j].info.line);
		else if (ms_hidx_add(&c->sig_idx, h, i))
			return -1;
	}
	for (size_t i = 0; i < r->nrules; i++) {
		idctx x = { r, r->rules[i].pub.id };
		uint64_t h;
		size_t j;

		if (strcmp(x.id, "?") == 0)
			continue;
		h = ms_hash(x.id, strlen(x.id), 0);
		j = ms_hidx_find(&rules, h, same_rule_id, &x);
		if (j != (size_t)-1)
			report_dup(c, "rule", x.id, r->rules[i].pub.file, r->rules[i].pub.line,
				   r->rules[i].col, r->rules[j].pub.file, r->rules[j].pub.line);
		else if (ms_hidx_add(&rules, h, i)) {
			ms_hidx_free(&rules);
			return -1;
		}
	}
	ms_hidx_free(&rules);
	return 0;
}

static int resolve_refs(ms_compiler *c)
{
	ms_rules *r = c->r;

	for (size_t i = 0; i < c->nrefs; i++) {
		sigref *ref = &c->refs[i];
		idctx x = { r, ref->name };
		size_t found = ms_hidx_find(&c->sig_idx, ms_hash(x.id, strlen(x.id), 0),
					    same_sig_id, &x);

		if (found == (size_t)-1) {
			ynode pos = { 0 };
			pos.line = ref->line;
			pos.col = ref->col;
			c->file = ref->file;
			cc_err(c, &pos, ref->owner, "undefined signal '%s'", ref->name);
			*ref->slot = 0;
			continue;
		}
		*ref->slot = found;
		if (ref->on == ON_PROMPT || (ref->on == ON_DEFAULT && r->sigs[found].info.on_prompt))
			r->any_prompt = 1;
		if (ref->on == ON_RESPONSE)
			r->sigs[found].on_response = 1;
	}
	return 0;
}

static uint64_t hash_list(char **strs, size_t n)
{
	uint64_t h = 0;

	for (size_t k = 0; k < n; k++)
		h = ms_hash(strs[k], strlen(strs[k]) + 1, h);
	return h;
}

typedef struct setctx {
	const ms_rules *r;
	const ms_reqset *rs;
} setctx;

static int same_set(const void *ctx, size_t g)
{
	const setctx *x = ctx;
	return cc_same_list(x->r->reqsets[g]->strs, x->r->reqsets[g]->n, x->rs->strs, x->rs->n);
}

/* Which signals are evaluated on a response (see ms_sig.on_response):
 * the response signals, those already marked by a reference, and the
 * bases of such derived signals, down their chains. */
static void mark_on_response(ms_rules *r)
{
	int changed = 1;

	for (size_t i = 0; i < r->nsigs; i++)
		if (!r->sigs[i].info.on_prompt)
			r->sigs[i].on_response = 1;
	while (changed) {
		changed = 0;
		for (size_t i = 0; i < r->nsigs; i++) {
			const ms_sig *sg = &r->sigs[i];
			if (sg->on_response && sg->base && !r->sigs[*sg->base].on_response) {
				r->sigs[*sg->base].on_response = 1;
				changed = 1;
			}
		}
	}
}

/* One automaton string, id: in both automata, or in the full one only;
 * word_start as in ms_ac_builder_add_word(). */
static int add_entry(ms_ac_builder *b, ms_ac_builder *bresp, int resp, const char *str,
		     size_t len, uint32_t id, int word_start)
{
	if (ms_ac_builder_add_word(b, str, len, id, word_start))
		return -1;
	return resp ? ms_ac_builder_add_word(bresp, str, len, id, word_start) : 0;
}

static int add_keywords(ms_rules *r, ms_ac_builder *b, ms_ac_builder *bresp, size_t *cap)
{
	for (size_t i = 0; i < r->nsigs; i++) {
		ms_sig *sg = &r->sigs[i];
		for (size_t k = 0; k < sg->nkw; k++) {
			const unsigned char *kw = (const unsigned char *)sg->kw[k];
			size_t len = strlen(sg->kw[k]);

			if (len > UINT32_MAX || i > UINT32_MAX || r->nacents >= UINT32_MAX)
				return -1;
			if (ms_grow(&r->acents, cap, r->nacents + 1, sizeof *r->acents) ||
			    add_entry(b, bresp, sg->on_response, sg->kw[k], len,
				      (uint32_t)r->nacents, 0))
				return -1;
			r->acents[r->nacents++] =
				(ms_acent){ (uint32_t)i, (uint32_t)len,
					    (uint8_t)ms_is_word_byte_start(kw, len),
					    (uint8_t)ms_is_word_byte_end(kw, len) };
		}
	}
	return 0;
}

/* What add_sets() knows of each distinct set and each distinct string. */
typedef struct setinfo {
	uint8_t weak;     /* weak_set() */
	uint8_t kept;     /* looked for: SET_NEEDED, SET_FREE (number_strings()), or 0 */
	uint8_t resp;     /* a pattern of a response signal lists it */
	uint8_t word;     /* WORD_UNUSED, or whether every pattern that lists it */
			  /* has word_start for it (fill_patreq()) */
} setinfo;
enum { SET_NEEDED = 1, SET_FREE = 2 };
enum { WORD_UNUSED = 2 };

typedef struct litinfo {
	const char *s;    /* borrowed from a set */
	uint8_t resp;     /* it goes in the response automaton too */
} litinfo;

/* A string of a set (a set that lists a string twice has it twice: each
 * occurrence was counted twice, and still is). */
typedef struct setlit {
	uint32_t set, lit;
} setlit;

typedef struct setwork {
	uint8_t *resp;    /* per pattern: a response signal's (canonical ones) */
	setinfo *set;
	size_t capset;
	litinfo *lit;
	size_t caplit;
	ms_hidx lits;     /* lit by string */
	setlit *memb;     /* the strings of the sets kept, rules->nmemb of them */
	size_t capmemb;
} setwork;

typedef struct litctx {
	const litinfo *lit;
	const char *s;    /* the string sought */
} litctx;

static int same_lit(const void *ctx, size_t d)
{
	const litctx *x = ctx;
	return strcmp(x->lit[d].s, x->s) == 0;
}

static size_t find_lit(const setwork *w, const char *str, uint64_t *h)
{
	litctx x = { w->lit, str };

	*h = ms_hash(str, strlen(str), 0);
	return ms_hidx_find(&w->lits, *h, same_lit, &x);
}

/* Is a required set weak: bound to occur in nearly every answer, so that
 * looking for it costs automaton hits on every text and rules out almost
 * none?  It is when one of its strings is (a set is as common as its
 * commonest string), that is, when one is a common English word or
 * sequence of letters (ms_common_fragment(): "your", "ing" of \w+ing, "men"
 * inside "recommend" and "women").  Short strings are not weak as such:
 * "hiv", "nhs" or "999" rule out most answers. */
static int weak_set(const ms_reqset *rs)
{
	for (size_t k = 0; k < rs->n; k++)
		if (ms_common_fragment(rs->strs[k]))
			return 1;
	return 0;
}

/* Must the automata look for set q of pattern p?  A required set serves
 * twice: a text without it is skipped, and the windows may go around it.
 * A weak set does neither well, so it is left out when the pattern has a
 * set that is not weak and that gives windows as good a bound: one with a
 * maxprefix, or any when the weak set has none either.  A set left out is
 * not used for either purpose; the pattern's matches are the same, found
 * through its other sets.  A pattern whose sets are all weak keeps them:
 * without windows, some regexes (leading lookbehinds) run many times
 * slower. */
static int set_needed(const ms_pattern *p, size_t q, const setwork *w)
{
	const ms_reqset *rs = &p->req[q];

	if (!w->set[rs->id].weak)
		return 1;
	for (size_t o = 0; o < p->nreq; o++) {
		const ms_reqset *other = &p->req[o];
		if (other->id != rs->id && !w->set[other->id].weak &&
		    (other->maxprefix >= 0 || rs->maxprefix < 0))
			return 0;
	}
	return 1;
}

/* The distinct sets, numbered in r->reqsets (packs repeat sets: a list of
 * professions after each verb of referral), and which of them the
 * automata look for. */
static int number_sets(ms_rules *r, setwork *w)
{
	size_t capsets = 0;
	ms_hidx sets = { 0 };
	int rc = -1;

	for (size_t i = 0; i < r->nsigs; i++)
		for (size_t k = 0; r->sigs[i].on_response && k < r->sigs[i].npats; k++)
			w->resp[r->pats[r->sigs[i].pats[k]].canon] = 1;
	for (size_t i = 0; i < r->npats; i++) {
		ms_pattern *p = &r->pats[i];

		if (p->canon != i)
			continue;
		for (size_t q = 0; q < p->nreq; q++) {
			ms_reqset *rs = &p->req[q];
			setctx x = { r, rs };
			uint64_t h = hash_list(rs->strs, rs->n);
			size_t g = ms_hidx_find(&sets, h, same_set, &x);

			if (g == (size_t)-1) {
				g = r->nreqs;
				if (ms_grow(&r->reqsets, &capsets, g + 1, sizeof *r->reqsets) ||
				    ms_grow(&w->set, &w->capset, g + 1, sizeof *w->set) ||
				    ms_hidx_add(&sets, h, g))
					goto out;
				r->reqsets[r->nreqs++] = rs;
				w->set[g] = (setinfo){ (uint8_t)weak_set(rs), 0, 0, WORD_UNUSED };
			}
			rs->id = g;
			w->set[g].resp |= w->resp[i];
		}
	}
	for (size_t i = 0; i < r->npats; i++) {
		const ms_pattern *p = &r->pats[i];
		for (size_t q = 0; p->canon == i && q < p->nreq; q++)
			if (set_needed(p, q, w))
				w->set[p->req[q].id].kept = SET_NEEDED;
	}
	rc = 0;
out:
	ms_hidx_free(&sets);
	return rc;
}

/* Number the strings of set g that are not numbered yet, and note that
 * the set holds each. */
static int add_set_strings(ms_rules *r, setwork *w, size_t g)
{
	for (size_t k = 0; k < r->reqsets[g]->n; k++) {
		const char *str = r->reqsets[g]->strs[k];
		uint64_t h;
		size_t d = find_lit(w, str, &h);

		if (d == (size_t)-1) {
			d = r->nlits;
			if (ms_grow(&w->lit, &w->caplit, d + 1, sizeof *w->lit) ||
			    ms_hidx_add(&w->lits, h, d))
				return -1;
			w->lit[r->nlits++] = (litinfo){ str, 0 };
		}
		if (ms_grow(&w->memb, &w->capmemb, r->nmemb + 1, sizeof *w->memb))
			return -1;
		w->memb[r->nmemb++] = (setlit){ (uint32_t)g, (uint32_t)d };
		w->lit[d].resp |= w->set[g].resp;
	}
	return 0;
}

/* Number the distinct strings of the sets needed, first met first.  A set
 * left out whose common strings are looked for anyway is looked for after
 * all: it costs only the hits of its other strings, which are rare, and
 * keeps its pattern off the texts without it (each one taken can bring
 * others in, until none is left).  Then each string's sets.  Returns 0 or
 * -1. */
static int number_strings(ms_rules *r, setwork *w)
{
	int more = 1;

	for (size_t g = 0; g < r->nreqs; g++)
		if (w->set[g].kept == SET_NEEDED && add_set_strings(r, w, g))
			return -1;
	while (more) {
		more = 0;
		for (size_t g = 0; g < r->nreqs; g++) {
			int all = !w->set[g].kept;
			for (size_t k = 0; all && k < r->reqsets[g]->n; k++) {
				uint64_t h;
				const char *str = r->reqsets[g]->strs[k];
				all = !ms_common_fragment(str) || find_lit(w, str, &h) != (size_t)-1;
			}
			if (!all)
				continue;
			w->set[g].kept = SET_FREE;
			if (add_set_strings(r, w, g))
				return -1;
			more = 1;
		}
	}
	/* The (set, string) pairs sorted by string, by counting: lit_first[d +
	 * 1] is first the number of d's sets, then where d's run starts, then
	 * where it ends.  (Entries are numbered in 32 bits, here and in the
	 * scanner's chains.) */
	if (r->nmemb >= UINT32_MAX)
		return -1;
	r->lit_first = calloc(r->nlits + 1, sizeof *r->lit_first);
	r->lit_sets = malloc((r->nmemb ? r->nmemb : 1) * sizeof *r->lit_sets);
	r->memb_lit = malloc((r->nmemb ? r->nmemb : 1) * sizeof *r->memb_lit);
	if (!r->lit_first || !r->lit_sets || !r->memb_lit)
		return -1;
	for (size_t j = 0; j < r->nmemb; j++)
		r->lit_first[w->memb[j].lit + 1]++;
	for (size_t d = 0; d < r->nlits; d++)
		r->lit_first[d + 1] += r->lit_first[d];
	for (size_t j = 0; j < r->nmemb; j++) {
		uint32_t at = r->lit_first[w->memb[j].lit]++;
		r->lit_sets[at] = w->memb[j].set;
		r->memb_lit[at] = w->memb[j].lit;
	}
	for (size_t d = r->nlits; d > 0; d--)
		r->lit_first[d] = r->lit_first[d - 1];
	r->lit_first[0] = 0;
	return 0;
}

/* The table the scanner checks before it runs a regex: per pattern, the
 * sets looked for, with their maxprefix and word_start.  Each set learns
 * whether every pattern that lists it has word_start for it. */
static void fill_patreq(ms_rules *r, setwork *w)
{
	for (size_t i = 0; i < r->npats; i++) {
		const ms_pattern *p = &r->pats[i];
		ms_patreq *pr = &r->patreq[i];
		int word = p->windowed && p->nreq && ms_regex_word_start(p->src);

		for (size_t q = 0; p->windowed && q < p->nreq; q++)
			if (w->set[p->req[q].id].kept) {
				const ms_reqset *rq = &p->req[q];
				setinfo *si = &w->set[rq->id];
				long pre = rq->maxprefix;
				int ws = word && pre == 0;

				for (size_t m = 0; ws && m < rq->n; m++)
					ws = ms_is_ascii_word_byte((unsigned char)rq->strs[m][0]);
				pr->word_start[pr->nreq] = (uint8_t)ws;
				pr->maxprefix[pr->nreq] = pre <= INT32_MAX ? (int32_t)pre : -1;
				pr->id[pr->nreq++] = (uint32_t)rq->id;
				si->word = (uint8_t)(si->word == WORD_UNUSED ? ws : si->word && ws);
			}
	}
}

/* The required sets in the automata: one entry per distinct string, which
 * the scanner files under the string and, from there, under the sets that
 * hold it; a string goes in the response automaton too once a pattern of a
 * response signal lists one of its sets.  Weak sets a pattern can do
 * without are left out (set_needed()), unless another pattern needs them.
 *
 * A string whose every set has word_start for every pattern that lists it
 * ("his" and "her" of \b(?:his|her|their) ...) starts those patterns'
 * matches right after a word boundary: an occurrence inside a word ("her"
 * in "other") can neither start a match nor be part of one, so the
 * automaton does not report it (ms_ac_builder_add_word()).  The
 * occurrences the windows would pass over (window_at()) are then not
 * filed, counted or merged either, and a set found only inside words rules
 * its patterns out.  The automaton reads the normalised view, where the
 * windows read the original: so it passes over an occurrence only when the
 * byte before it and its own first byte are both ms_norm_ascii_word_byte(),
 * which the view copies from ASCII word bytes of the original, side by
 * side.  A "k" or "s" of the view may be a Kelvin sign or a long s, which
 * \b may not count as a word character: strings that begin with one are
 * reported everywhere, and one before a string does not hide it. */
static int add_sets(ms_rules *r, ms_ac_builder *b, ms_ac_builder *bresp)
{
	setwork w = { 0 };
	uint8_t *word = NULL;
	int rc = -1;

	w.resp = calloc(r->npats ? r->npats : 1, 1);
	if (!w.resp || number_sets(r, &w) || number_strings(r, &w))
		goto out;
	fill_patreq(r, &w);
	if (!(word = malloc(r->nlits ? r->nlits : 1)))
		goto out;
	for (size_t d = 0; d < r->nlits; d++)
		word[d] = (uint8_t)ms_norm_ascii_word_byte((unsigned char)w.lit[d].s[0]);
	for (size_t j = 0; j < r->nmemb; j++)
		if (!w.set[w.memb[j].set].word)
			word[w.memb[j].lit] = 0;
	for (size_t d = 0; d < r->nlits; d++) {
		if (d >= UINT32_MAX - r->acent_lit0 ||
		    add_entry(b, bresp, w.lit[d].resp, w.lit[d].s, strlen(w.lit[d].s),
			      r->acent_lit0 + (uint32_t)d, word[d]))
			goto out;
	}
	rc = 0;
out:
	free(word);
	free(w.resp);
	free(w.set);
	free(w.lit);
	free(w.memb);
	ms_hidx_free(&w.lits);
	return rc;
}

static int build_automaton(ms_compiler *c)
{
	ms_rules *r = c->r;
	ms_ac_builder *b = ms_ac_builder_new(), *bresp = ms_ac_builder_new();
	size_t cap = 0;

	if (!b || !bresp)
		goto fail;
	ms_ac_builder_word_bytes(b, ms_norm_ascii_word_byte);
	ms_ac_builder_word_bytes(bresp, ms_norm_ascii_word_byte);
	mark_on_response(r);
	r->patreq = calloc(r->npats ? r->npats : 1, sizeof *r->patreq);
	if (!r->patreq || add_keywords(r, b, bresp, &cap))
		goto fail;
	/* The required strings' ids follow the keywords' (file_hits_of()). */
	r->acent_lit0 = (uint32_t)r->nacents;
	if (!r->no_prefilter && add_sets(r, b, bresp))
		goto fail;
	r->ac = ms_ac_build(b);
	b = NULL;
	r->ac_resp = ms_ac_build(bresp);
	return r->ac && r->ac_resp ? 0 : -1;
fail:
	ms_ac_builder_free(b);
	ms_ac_builder_free(bresp);
	return -1;
}

/* A rule's scope values of one kind. */
static char **rule_meta(ms_rule_int *ru, int kind, size_t *n)
{
	switch (kind) {
	case META_TAGS:
		*n = ru->nscope_tags;
		return ru->scope_tags;
	case META_MODEL:
		*n = ru->nscope_model;
		return ru->scope_model;
	case META_GROUP:
		*n = ru->nscope_group;
		return ru->scope_group;
	default:
		*n = ru->nscope_weights;
		return ru->scope_weights;
	}
}

/* Number the distinct scope values of each kind, so that a record is looked
 * up once per kind and each rule's scope is tested with one AND. */
static int index_meta(ms_compiler *c)
{
	ms_rules *r = c->r;

	for (int kind = 0; kind < META_KINDS; kind++) {
		size_t cap = 0;

		for (size_t i = 0; i < r->nrules; i++) {
			size_t n;
			char **list = rule_meta(&r->rules[i], kind, &n);

			for (size_t k = 0; k < n; k++) {
				size_t j;

				for (j = 0; j < r->nmeta[kind]; j++)
					if (strcmp(r->meta[kind][j], list[k]) == 0)
						break;
				if (j == r->nmeta[kind]) {
					if (ms_grow(&r->meta[kind], &cap, r->nmeta[kind] + 1,
						    sizeof *r->meta[kind]))
						return -1;
					r->meta[kind][r->nmeta[kind]++] = list[k];
				}
				if (j < 64)
					r->rules[i].metamask[kind] |= (uint64_t)1 << j;
			}
		}
		r->meta_as_bits[kind] = r->nmeta[kind] <= 64;
	}
	/* The scenarios' tags among the scope tags. */
	for (size_t k = 0; k < r->nscen; k++)
		for (size_t j = 0; j < r->nmeta[META_TAGS] && j < 64; j++)
			if (strcmp(r->meta[META_TAGS][j], r->scen[k].info.tag) == 0)
				r->scen[k].bit = (int)j;
	for (size_t i = 0; i < r->nrules; i++) {
		ms_rule_int *ru = &r->rules[i];
		for (size_t t = 0; t < ru->nscope_tags && !ru->tags_derivable; t++)
			for (size_t k = 0; k < r->nscen && !ru->tags_derivable; k++)
				ru->tags_derivable = strcmp(ru->scope_tags[t], r->scen[k].info.tag) == 0;
	}
	return 0;
}

/* A derived signal must not lead back to itself. */
static void check_derived(ms_compiler *c)
{
	ms_rules *r = c->r;

	for (size_t i = 0; i < r->nsigs; i++) {
		size_t at = i, steps = 0;

		while (r->sigs[at].base && steps <= r->nsigs) {
			at = *r->sigs[at].base;
			steps++;
			if (at == i)
				break;
		}
		if (r->sigs[i].base && (at == i || steps > r->nsigs)) {
			ynode pos = { 0 };
			pos.line = r->sigs[i].info.line;
			pos.col = r->sigs[i].col;
			c->file = r->sigs[i].info.file;
			cc_err(c, &pos, r->sigs[i].info.id,
			       "signal '%s' is derived from itself, through 'signal'", r->sigs[i].info.id);
		}
	}
}

/* The work on each distinct regex that needs no diagnostics in source
 * order: its required sets (literals.c), then the JIT.  The regexes are
 * independent, so each step is shared out among as many threads as there
 * are cores (up to 8), and the automaton, which needs the required sets, is
 * built while the other threads run the JIT: together this is most of the
 * time it takes to compile a pack. */
#define MAX_PREP_THREADS 8

enum { PREP_SETS, PREP_JIT };

typedef struct prepjob {
	ms_pattern *pats;
	size_t *todo;       /* indices of the distinct patterns */
	size_t n;
	ms_reqset (*sets)[MS_MAX_REQSETS]; /* per entry of todo */
	int *nsets;         /* per entry: how many sets, -1: out of memory */
	int *jit;           /* per entry: pcre2_jit_compile's result */
	int step;           /* PREP_SETS or PREP_JIT */
	atomic_size_t next; /* the next entry of todo to take */
	pthread_t th[MAX_PREP_THREADS];
	size_t nth;
} prepjob;

/* The rule's own required strings become one more set (in place of the
 * weakest found when there is no room).  Nothing bounds where they stand
 * in a match.  Returns the number of sets, or -1 when memory runs out. */
static int add_declared(const ms_pattern *p, ms_reqset *sets, int n)
{
	ms_reqset d = { calloc(p->ndeclared + 1, sizeof(char *)), 0, -1, 0 };

	if (!d.strs)
		goto oom;
	for (size_t i = 0; i < p->ndeclared; i++) {
		if (!(d.strs[i] = ms_strdup(p->declared[i])))
			goto oom;
		d.n++;
	}
	if (n == MS_MAX_REQSETS)
		ms_reqset_free(&sets[--n]);
	sets[n++] = d;
	return n;
oom:
	ms_reqset_free(&d);
	while (n > 0)
		ms_reqset_free(&sets[--n]);
	return -1;
}

static void *prep_worker(void *arg)
{
	prepjob *j = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		ms_pattern *p;

		if (i >= j->n)
			return NULL;
		p = &j->pats[j->todo[i]];
		if (j->step == PREP_SETS) {
			j->nsets[i] = ms_regex_required(p->src, j->sets[i]);
			if (p->ndeclared && j->nsets[i] >= 0)
				j->nsets[i] = add_declared(p, j->sets[i], j->nsets[i]);
		} else
			j->jit[i] = pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
	}
}

/* Start a step on the other threads; the caller joins in with
 * prep_worker() and ends it with prep_join(). */
static void prep_start(prepjob *j, int step, unsigned threads)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = threads ? threads : cores > 1 ? (size_t)cores : 1;

	/* A thread for every 16 patterns at most: starting one costs about
	 * what preparing a few patterns does. */
	if (want > MAX_PREP_THREADS)
		want = MAX_PREP_THREADS;
	if (want > j->n / 16 + 1)
		want = j->n / 16 + 1;
	j->step = step;
	atomic_store(&j->next, 0);
	j->nth = 0;
	while (j->nth + 1 < want && pthread_create(&j->th[j->nth], NULL, prep_worker, j) == 0)
		j->nth++;
}

static void prep_join(prepjob *j)
{
	prep_worker(j); /* whatever is left */
	for (size_t t = 0; t < j->nth; t++)
		pthread_join(j->th[t], NULL);
	j->nth = 0;
}

static void prep_free(prepjob *j)
{
	free(j->todo);
	free(j->sets);
	free(j->nsets);
	free(j->jit);
}

static int prep_init(ms_compiler *c, prepjob *j)
{
	ms_rules *r = c->r;
	size_t np = r->npats ? r->npats : 1;

	memset(j, 0, sizeof *j);
	j->pats = r->pats;
	j->todo = calloc(np, sizeof *j->todo);
	j->sets = calloc(np, sizeof *j->sets);
	j->nsets = calloc(np, sizeof *j->nsets);
	j->jit = calloc(np, sizeof *j->jit);
	atomic_init(&j->next, 0);
	if (!j->todo || !j->sets || !j->nsets || !j->jit) {
		prep_free(j);
		return -1;
	}
	for (size_t i = 0; i < r->npats; i++)
		if (r->pats[i].canon == i)
			j->todo[j->n++] = i;
	return 0;
}

/* Give a pattern its required sets, owned by the rule set.  Consumes them,
 * whatever happens. */
static int attach_sets(ms_compiler *c, ms_pattern *p, ms_reqset *sets, int k)
{
	ms_reqset *req;
	int bad = 0;

	if (k <= 0)
		return k;
	req = cc_calloc(c, (size_t)k, sizeof *req);
	for (int i = 0; i < k; i++) {
		if (!req || bad) {
			ms_reqset_free(&sets[i]);
			continue;
		}
		req[i] = sets[i];
		for (size_t m = 0; m < req[i].n; m++)
			if (bad)
				free(req[i].strs[m]);
			else if (!cc_own(c, req[i].strs[m]))
				bad = 1; /* cc_own() freed it */
		if (bad)
			free(req[i].strs);
		else if (!cc_own(c, req[i].strs))
			bad = 1;
	}
	if (!req || bad)
		return -1;
	p->req = req;
	p->nreq = (size_t)k;
	p->lits = req[0].strs;
	p->windowed = !c->opts.no_prefilter;
	return 0;
}

/* Step one: the required sets of every pattern. */
static int find_required_sets(ms_compiler *c, prepjob *j)
{
	ms_rules *r = c->r;
	int rc = 0;

	prep_start(j, PREP_SETS, c->opts.threads);
	prep_join(j);
	for (size_t k = 0; k < j->n; k++)
		if (attach_sets(c, &r->pats[j->todo[k]], j->sets[k], j->nsets[k]))
			rc = -1;
	for (size_t i = 0; i < r->npats; i++) {
		ms_pattern *p = &r->pats[i], *o = &r->pats[p->canon];
		p->req = o->req;
		p->nreq = o->nreq;
		p->lits = o->lits;
		p->windowed = o->windowed;
	}
	return rc;
}

/* Step two: the JIT on the other threads while this one builds the
 * automaton, then helps. */
static int jit_and_automaton(ms_compiler *c, prepjob *j)
{
	ms_rules *r = c->r;
	int rc;

	if (!c->opts.no_jit)
		prep_start(j, PREP_JIT, c->opts.threads);
	rc = build_automaton(c);
	if (c->opts.no_jit)
		return rc;
	prep_join(j);
	for (size_t k = 0; k < j->n; k++) {
		ms_pattern *p = &r->pats[j->todo[k]];

		p->jit = j->jit[k] == 0;
		if (j->jit[k] != 0 && !c->jit_warned) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(j->jit[k], msg, sizeof msg);
			cc_warn(c, p->file, p->line, p->col, r->sigs[p->sig].info.id,
				"PCRE2 JIT unavailable (%s); using the interpreter",
				(const char *)msg);
			c->jit_warned = 1;
		}
	}
	for (size_t i = 0; i < r->npats; i++)
		r->pats[i].jit = r->pats[r->pats[i].canon].jit;
	return rc;
}

/* Does the rule match one entry of this kind (prefix "kind:")?  -1 when
 * no entry has that kind. */
static int select_kind(const ms_compile_options *o, const char *kind, const ms_rule_int *ri)
{
	size_t kl = strlen(kind);
	int any = -1;

	for (size_t i = 0; i < o->nrule_select; i++) {
		const char *e = o->rule_select[i];

		if (strncmp(e, kind, kl) != 0 || e[kl] != ':')
			continue;
		if (any < 0)
			any = 0;
		e += kl + 1;
		if (strcmp(kind, "dimension") == 0)
			any |= fnmatch(e, ms_dimension_name(ri->pub.dimension), 0) == 0;
		else if (strcmp(kind, "tag") == 0)
			for (size_t t = 0; t < ri->nscope_tags; t++)
				any |= fnmatch(e, ri->scope_tags[t], 0) == 0;
		else
			any |= fnmatch(e, ri->pub.id, 0) == 0;
	}
	return any;
}

/* Keep the rules the options select (see ms_compile_options). */
static int select_rules(ms_compiler *c)
{
	const ms_compile_options *o = &c->opts;
	ms_rules *r = c->r;
	size_t kept = 0;

	if (!o->nrule_select)
		return 0;
	for (size_t i = 0; i < o->nrule_select; i++) {
		const char *e = o->rule_select[i], *colon = e ? strchr(e, ':') : NULL;
		size_t kl = colon ? (size_t)(colon - e) : 0;
		if (!colon || !((kl == 4 && !strncmp(e, "rule", 4)) || (kl == 5 && !strncmp(e, "!rule", 5)) ||
				(kl == 9 && !strncmp(e, "dimension", 9)) || (kl == 3 && !strncmp(e, "tag", 3)))) {
			c->file = "(rule selection)";
			cc_err(c, NULL, NULL, "rule selection '%s': expected rule:, !rule:, dimension: or tag: "
			       "and a pattern", e ? e : "(null)");
			return -1;
		}
	}
	for (size_t i = 0; i < r->nrules; i++) {
		const ms_rule_int *ri = &r->rules[i];
		if (select_kind(o, "rule", ri) == 0 || select_kind(o, "dimension", ri) == 0 ||
		    select_kind(o, "tag", ri) == 0 || select_kind(o, "!rule", ri) == 1)
			continue;
		r->rules[kept++] = r->rules[i];
	}
	if (!kept) {
		c->file = "(rule selection)";
		cc_err(c, NULL, NULL, "the rule selection leaves no rule of the %zu in the pack",
		       r->nrules);
		return -1;
	}
	r->nrules = kept;
	return 0;
}

/* Apply the severity overrides (see ms_compile_options). */
static int override_severities(ms_compiler *c)
{
	const ms_compile_options *o = &c->opts;
	ms_rules *r = c->r;

	for (size_t i = 0; i < o->nseverity_override; i++) {
		const char *e = o->severity_override[i], *eq = e ? strrchr(e, '=') : NULL;
		char glob[256];
		int sev = eq ? ms_severity_parse(eq + 1) : -1;
		size_t gl = eq ? (size_t)(eq - e) : 0;

		if (!eq || !gl || gl >= sizeof glob || sev < 0) {
			c->file = "(severity override)";
			cc_err(c, NULL, NULL, "severity override '%s': expected RULE_GLOB=SEVERITY with "
			       "a severity of info, low, medium, high or critical", e ? e : "(null)");
			return -1;
		}
		memcpy(glob, e, gl);
		glob[gl] = '\0';
		for (size_t k = 0; k < r->nrules; k++)
			if (fnmatch(glob, r->rules[k].pub.id, 0) == 0)
				r->rules[k].pub.severity = (ms_severity)sev;
	}
	return 0;
}

ms_status ms_compiler_get_rules(ms_compiler *c, ms_rules **out)
{
	ms_rules *r;
	prepjob j;
	int rc;

	if (!c || !out || c->sealed)
		return MS_ERR_USAGE;
	*out = NULL;
	c->sealed = 1;
	r = c->r;
	if (c->first_path && !r->nrules && !c->errors) {
		/* Rule files without a rule (empty, comments, signals only)
		 * would let every record pass. */
		c->file = c->first_path;
		cc_err(c, NULL, NULL, "no rules in the rule files given: every record would pass");
	}
	if (check_duplicates(c))
		return MS_ERR_NOMEM;
	resolve_refs(c);
	if (!c->errors)
		check_derived(c);
	if (c->errors)
		return MS_ERR_RULES;
	if (select_rules(c) || override_severities(c))
		return MS_ERR_RULES;
	for (size_t i = 0; i < r->nrules; i++) {
		r->rules[i].pub.index = i;
		r->rules[i].pub.scope_tags = (const char *const *)r->rules[i].scope_tags;
		r->rules[i].pub.nscope_tags = r->rules[i].nscope_tags;
	}
	if (prep_init(c, &j))
		return MS_ERR_NOMEM;
	if (find_required_sets(c, &j)) {
		prep_free(&j);
		return MS_ERR_NOMEM;
	}
	/* Public views of the signals. */
	r->named = calloc(r->nsigs ? r->nsigs : 1, sizeof *r->named);
	if (!r->named) {
		prep_free(&j);
		return MS_ERR_NOMEM;
	}
	for (size_t i = 0; i < r->nsigs; i++) {
		ms_sig *sg = &r->sigs[i];

		sg->info.keywords = (const char *const *)sg->kw;
		sg->info.nkeywords = sg->nkw;
		sg->info.npatterns = sg->npats;
		if (sg->npats) {
			sg->pat_src = cc_calloc(c, sg->npats, sizeof(char *));
			sg->lits = cc_calloc(c, sg->npats, sizeof(char **));
			sg->reqs = cc_calloc(c, sg->npats, sizeof(char ***));
			sg->canon = cc_calloc(c, sg->npats, sizeof(size_t));
			sg->nreqs = cc_calloc(c, sg->npats, sizeof(size_t));
			if (!sg->pat_src || !sg->lits || !sg->reqs || !sg->nreqs || !sg->canon) {
				prep_free(&j);
				return MS_ERR_NOMEM;
			}
			for (size_t k = 0; k < sg->npats; k++) {
				sg->pat_src[k] = r->pats[sg->pats[k]].src;
				const ms_pattern *p = &r->pats[sg->pats[k]];

				sg->lits[k] = p->lits;
				sg->canon[k] = p->canon;
				sg->nreqs[k] = p->nreq;
				if (p->nreq && !(sg->reqs[k] = cc_calloc(c, p->nreq, sizeof(char **)))) {
					prep_free(&j);
					return MS_ERR_NOMEM;
				}
				for (size_t q = 0; q < p->nreq; q++)
					sg->reqs[k][q] = p->req[q].strs;
			}
		}
		sg->info.patterns = (const char *const *)sg->pat_src;
		if (sg->named)
			r->named[r->nnamed++] = i;
	}
	rc = jit_and_automaton(c, &j);
	prep_free(&j);
	if (rc || index_meta(c))
		return MS_ERR_NOMEM;
	*out = r;
	c->r = NULL;
	return MS_OK;
}
