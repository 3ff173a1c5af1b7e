/* Internal declarations of the scanner, shared by scan.c (the scanner and
 * its per-text state) and cond.c (the evaluation of conditions). */
#ifndef MS_SCANNER_H
#define MS_SCANNER_H

#include "internal.h"

#define MS_MAX_EVIDENCE 16

typedef struct spanvec {
	ms_span *v;
	size_t n, cap;
} spanvec;

/* Offsets only: where the strings of a required set start in a text (4
 * bytes an occurrence instead of a span's 24: a long text can hold
 * millions; texts of 4 GiB or more are refused before the automaton). */
typedef struct offvec {
	uint32_t *v;
	size_t n, cap;
} offvec;

/* The occurrences of a distinct required string in a text: offsets into
 * the normalised text as filed, into the original one once `orig` (only
 * the strings of a set that windows go around are mapped back). */
typedef struct litocc {
	offvec occ;
	uint32_t lit;       /* the string (index in rules->lit_first) */
	int orig;
} litocc;

enum { SIG_PENDING = 0, SIG_DONE = 1 };
enum { SET_ABSENT = 0, SET_SEEN = 1, SET_BUILT = 2 };

/* A regex's run on a text is resumable: its matches are found one at a time,
 * left to right, as far as a question about the text needs them.  Asking
 * whether a signal occurs, or for its first match, then often needs only
 * the regex's first match, or none at all when a literal it needs occurs
 * only after a match already found. */
enum { PAT_UNRUN = 0, PAT_DONE = 1, PAT_PARTIAL = 2 };

typedef struct patcur {
	size_t pos;        /* unwindowed: next offset; windowed: end of the last match */
	/* Windowed: where the strings of the set the windows go around start
	 * (NULL: the run is not windowed), the set's longest prefix before
	 * its string (-1: unbounded), and the next occurrence to try. */
	const offvec *occ;
	long maxprefix;
	size_t i;
	uint64_t deadline; /* of the run (CLOCK_MONOTONIC ns), 0 until its clock is first read */
	/* Windowed: no match starts at an occurrence that an ASCII word byte
	 * precedes (ms_patreq.word_start). */
	int word_start;
	/* Windowed: the pattern's other required sets whose strings lie a
	 * bounded distance into a match (a window that none of a set's
	 * occurrences can be in a match of has no match): where their strings
	 * start, the first not before the latest window, and the set's
	 * maxprefix (a string starts at most that far into a match).  Only
	 * the first nother entries are set (begin_pattern() clears the
	 * fields above them alone: a run starts for each regex that can
	 * match, in every text). */
	uint32_t nother;
	const offvec *other[MS_MAX_REQSETS - 1];
	size_t oi[MS_MAX_REQSETS - 1];
	size_t omax[MS_MAX_REQSETS - 1];
} patcur;

typedef struct textstate {
	const char *text;
	size_t len;
	int present;
	ms_normtext nt;
	spanvec *m;         /* per signal: matches (keywords first, then regexes) */
	uint8_t *state;     /* per signal: SIG_PENDING / SIG_DONE */
	const char **err;   /* per signal: error message of a failed regex run */
	/* Occurrences of the required strings, filed per distinct string, and
	 * per set only when a regex's windows go around that set: setn[g] is
	 * how many times set g's strings occur, known once the text is
	 * scanned, and occ[g] lists where they start once setstate[g] is
	 * SET_BUILT (or the list of its one string that occurs serves).
	 * setstate[g] also tells, in a byte the scanner reads for every regex it
	 * considers, whether the set occurs at all.  (Counts and states are
	 * apart from the lists: each text updates hundreds of them.) */
	offvec *occ;        /* per required set */
	uint32_t *setn;     /* per required set */
	uint8_t *setstate;  /* per required set: SET_ABSENT, SET_SEEN or SET_BUILT */
	uint32_t *lit_slot; /* per distinct string: its entry in lits_seen + 1, 0: none */
	litocc *lits_seen;  /* the strings that occur, nlits_seen of them */
	uint32_t *sets_seen; /* the sets that occur, nsets_seen of them */
	size_t nlits_seen, caplits_seen, nsets_seen;
	/* The strings of set g that occur: entries of rules->lit_sets (+1),
	 * from set_head[g] on along memb_next (0 ends the chain). */
	uint32_t *set_head; /* per required set */
	uint32_t *memb_next; /* per entry of rules->lit_sets */
	spanvec *pm;        /* per original pattern: its matches found so far */
	int *prc;           /* per original pattern: a PAT_ state, or -PCRE2 error */
	struct patcur *cur; /* per original pattern: where its run stands */
	int32_t *nlive;     /* per signal: how many of its regexes can match here, -1 not known yet */
	uint32_t *live;     /* ... and which (at the signal's offset, ms_scanner's liveoff) */
	size_t lim_chars_n, lim_chars;   /* one-entry caches of position limits */
	size_t lim_sent_n, lim_sent;
	ms_wordcount wc;    /* the words counted so far (as far as a condition needed) */
	int rep_done;       /* the repetition analysis below is done */
	unsigned rep_words; /* ... for units of at least this many words */
	unsigned rep_max;   /* most occurrences of one unit */
	spanvec rep;        /* the later occurrences of the most repeated unit */
	int in_prompt;
	char **errs;        /* messages of the failed regex runs on this text, one */
	size_t nerrs, caperrs; /* per signal that failed (t->err points into them) */
} textstate;

/* Prompts repeat: a campaign has a few dozen prompts and thousands of
 * answers.  A prompt whose text the caller keeps unchanged (ms_record's
 * prompt_stable) is prepared once and its signals kept. */
#define PROMPT_CACHE 64

/* The tag mask of a prompt set's tags, by their address. */
#define TAGMASK_CACHE 64

typedef struct tagmask_entry {
	const char *const *tags;
	size_t ntags;
	uint64_t mask;
} tagmask_entry;

struct ms_scanner {
	const ms_rules *r;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_match_context *mctx_window;   /* the same, with an offset limit */
	pcre2_jit_stack *jstack;            /* of both contexts */
	uint64_t *deadline; /* that of the run being stepped (its patcur's) */
	unsigned callouts;  /* calls since the clock was last read */
	int timed_out;      /* the current run was stopped by its deadline */
	/* The current record is an embedded example: scope fields it leaves
	 * out (no tags given, no prompt, no model metadata) match; have_tags:
	 * it gave tags (even none). */
	int lenient_scope, have_tags;
	textstate t[2];     /* 0: response, 1: a prompt that is not cached */
	textstate *pt;      /* the current record's prompt: &t[1] or a cache entry */
	textstate pcache[PROMPT_CACHE];
	size_t npcache;
	ms_achits hits;     /* the automaton's scratch */
	ms_finding *f;
	size_t nf, capf;
	spanvec ev;         /* evidence pool for the current record */
	spanvec tmp;        /* evidence of the condition being evaluated */
	size_t *sigs;
	size_t nsigs, capsigs;
	ms_result res;
	int profiling;
	ms_profile_entry *prof;      /* per signal (all of them) */
	ms_profile_entry *prof_pub;  /* per named signal, filled on request */
	ms_profile_entry *prof_rules; /* per rule */
	uint64_t recmask;   /* the current record's tags as bits of rules->meta[META_TAGS] */
	tagmask_entry tagcache[TAGMASK_CACHE];
	int recmeta[META_KINDS]; /* its model, group, weights in rules->meta, or -1 */
	uint64_t dmask;     /* the tags the scenarios gave it, as the same bits */
	const char **dtags; /* ... as names */
	size_t ndtags, capdtags;
	ms_span *dtrig;     /* per scenario: the match that gave its tag (start SIZE_MAX: none) */
	spanvec trig;       /* what brought the rule being evaluated into play */
	ms_span *sigspans;  /* per entry of sigs: its first match */
	size_t capsigspans;
	size_t *fidx;       /* scratch of ms_signal_first(): 3 x fmost entries */
	size_t fmost;       /* the most regexes a signal has */
	size_t *liveoff;    /* per signal: where its part of textstate's live begins */
	struct unit *units;      /* scratch of the repetition analysis (repeat.c) */
	size_t capunits;
	struct unitslot *uslots; /* ... and its table of unit hashes */
	size_t capuslots;
};

/* What one rule's evaluation carries. */
typedef struct evalctx {
	ms_scanner *s;
	const char *err;   /* first regex error met, if any */
	int oom;
} evalctx;

int ms_span_push(spanvec *v, size_t start, size_t end, int in_prompt);
/* The matches of signal si on a text, found on first use; NULL when memory
 * runs out.  *err receives the message of a regex run that failed. */
const spanvec *ms_signal_spans(ms_scanner *s, textstate *t, size_t si, const char **err);
/* The first span of signal si on a text (its matches merged as
 * ms_signal_spans() gives them) that starts before `limit` and, when `neg`,
 * is not negated within `win` words, into *out: 1 found, 0 none, -1 when
 * memory runs out.  Runs the signal's regexes only as far as that needs.
 * *err as for ms_signal_spans(), for the regexes that ran. */
int ms_signal_first(ms_scanner *s, textstate *t, size_t si, int neg, unsigned win, size_t limit,
		    ms_span *out, const char **err);
/* The text a condition or signal evaluated `on` reads. */
textstate *ms_cond_text(ms_scanner *s, ms_on on, int sig_on_prompt);
/* Byte offset of the end of the first `chars` characters or `sentences`
 * sentences of a text (0: no bound), whichever is further. */
size_t ms_text_limit(textstate *t, size_t chars, size_t sentences);
/* The repetition analysis of a text for units of at least minwords words
 * (repeat.c): fills t's rep_ fields; -1 when memory runs out. */
int ms_analyse_repeats(ms_scanner *s, textstate *t, unsigned minwords);
/* Evaluate a condition (cond.c); its evidence is appended to ev, if given. */
int ms_cond_eval(evalctx *e, const ms_cond *c, spanvec *ev);

#endif
