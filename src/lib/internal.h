/* Internal declarations shared by the library's modules.  Nothing here is
 * exported from the shared library (it is built with hidden visibility). */
#ifndef MS_INTERNAL_H
#define MS_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "medscreen.h"

#define MS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------- growable byte buffer ---------------- */
typedef struct ms_buf {
	char *data;
	size_t len, cap;
} ms_buf;

int ms_buf_reserve(ms_buf *b, size_t extra);
int ms_buf_add(ms_buf *b, const void *p, size_t n);
int ms_buf_addc(ms_buf *b, char c);
int ms_buf_adds(ms_buf *b, const char *s);
int ms_buf_printf(ms_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ms_buf_free(ms_buf *b);

/* Grow *arr (of element size `size`) so that it holds at least `need` items. */
int ms_grow(void *arrp, size_t *cap, size_t need, size_t size);

/* A hash index: values (indices into the caller's array) by a 64-bit hash
 * of their key; the caller's eq() tells whether value v has the key sought.
 * Finds the first value added with an equal key. */
struct ms_hslot {
	uint64_t h;
	size_t v;
	int used;
};
typedef struct ms_hidx {
	struct ms_hslot *e;
	size_t cap, n;
} ms_hidx;
uint64_t ms_hash(const void *p, size_t n, uint64_t seed); /* seed 0: the basis */
int ms_hidx_add(ms_hidx *x, uint64_t h, size_t v);
/* The value, or (size_t)-1. */
size_t ms_hidx_find(const ms_hidx *x, uint64_t h, int (*eq)(const void *ctx, size_t v),
		    const void *ctx);
void ms_hidx_free(ms_hidx *x);

char *ms_strndup(const char *s, size_t n);
char *ms_strdup(const char *s);

/* ---------------- YAML tree ---------------- */
typedef enum { YN_SCALAR, YN_SEQ, YN_MAP } yn_kind;

typedef struct ynode {
	yn_kind kind;
	unsigned line, col;       /* 1-based */
	int plain;                /* scalar written without quotes */
	char *str;                /* scalar value, NUL-terminated */
	size_t len;
	struct ynode **items;     /* SEQ: elements; MAP: key, value, key, value... */
	size_t n;                 /* number of entries in items */
} ynode;

#define MS_YAML_MAX_DEPTH 64
#define MS_YAML_MAX_NODES 1000000
#define MS_YAML_MAX_FILE (16u << 20)

typedef void (*ms_report_fn)(void *ctx, ms_diag_level lvl, unsigned line, unsigned col,
			     const char *rule, const char *fmt, va_list ap);

/* Parse one YAML document.  Problems go to report(); returns NULL on error. */
ynode *ms_ytree_parse(const char *buf, size_t len, ms_report_fn report, void *ctx);
void ms_ytree_free(ynode *n);
/* Read a whole regular file; returns 0 and sets errno on failure: EFBIG
 * past the limit, MS_ENOTREG when it is not a regular file (a FIFO, a
 * device, a directory), which is refused before anything is read. */
#define MS_ENOTREG 0x4d534e52
int ms_read_file(const char *path, char **out, size_t *len, size_t limit);
/* The message of ms_read_file's errno. */
const char *ms_read_error(int err);

/* ---------------- Aho-Corasick ---------------- */
typedef struct ms_ac ms_ac;
typedef struct ms_ac_builder ms_ac_builder;

ms_ac_builder *ms_ac_builder_new(void);
/* Add a pattern (already normalised); `id` is returned on a match. */
int ms_ac_builder_add(ms_ac_builder *b, const char *pat, size_t len, uint32_t id);
/* The same; with word_start, the pattern is reported only where the byte
 * before it is not a word byte of the builder (ms_ac_builder_word_bytes();
 * none until it is called): with the ASCII word bytes, "her" in "her dose"
 * and "(her", not in "other". */
int ms_ac_builder_add_word(ms_ac_builder *b, const char *pat, size_t len, uint32_t id,
			   int word_start);
/* The bytes for which is_word() is true are the builder's word bytes. */
void ms_ac_builder_word_bytes(ms_ac_builder *b, int (*is_word)(unsigned char));
ms_ac *ms_ac_build(ms_ac_builder *b); /* consumes the builder */
/* The same with at most `row_bytes` of full transition rows (at least the
 * root's): the states beyond keep their trie edges and failure links. */
ms_ac *ms_ac_build_rows(ms_ac_builder *b, size_t row_bytes);
/* The same, with the trie holding the first `prefix` bytes of each pattern
 * (the rest is compared on the spot): AC_PREFIX by default. */
#define AC_PREFIX 8
ms_ac *ms_ac_build_opts(ms_ac_builder *b, size_t row_bytes, size_t prefix);
void ms_ac_free(ms_ac *ac);
void ms_ac_builder_free(ms_ac_builder *b);

/* An occurrence of pattern `id` at [start, start + its length).  The start,
 * not the end: the scanner files most hits by where they start, and would
 * otherwise read each pattern's length to find it. */
typedef struct ms_achit {
	uint32_t id;
	uint32_t start;    /* texts are shorter than 4 GiB (ms_scanner_scan checks) */
} ms_achit;
#define MS_TEXT_MAX UINT32_MAX
typedef struct ms_achitbuf {
	ms_achit *v;
	size_t n, cap;
} ms_achitbuf;
/* Scratch of a scan, kept between scans; the result is in `a`.  The text
 * is scanned as AC_STREAMS interleaved streams, the later ones' hits
 * gathered in `more` first. */
#define AC_STREAMS 4
typedef struct ms_achits {
	ms_achitbuf a, more[AC_STREAMS - 1];
	uint32_t *pend;     /* the steps that reach a reporting state, per stream */
	size_t cappend;     /* entries of pend, for all streams */
} ms_achits;
/* Every occurrence of every pattern in text, into hits->a: one pattern's
 * in order, all in order of where their first AC_PREFIX bytes end.
 * Returns 0, or -1 when memory runs out. */
int ms_ac_scan(const ms_ac *ac, const unsigned char *text, size_t len, ms_achits *hits);
/* The same without gathering: the hits are in a, then more[0], more[1] and
 * more[2], each in order of where their heads end, every one after all of the
 * buffer before (no copy of them all: a long text can hold millions). */
int ms_ac_scan_streams(const ms_ac *ac, const unsigned char *text, size_t len,
		       ms_achits *hits);
/* The same for the heads that end in (from, to] only, to <= len: a long
 * text is scanned a part at a time, so that the hits of one part need
 * room, not those of the whole text.  Offsets are into text; tails are
 * checked against all len bytes. */
int ms_ac_scan_part(const ms_ac *ac, const unsigned char *text, size_t len, size_t from,
		    size_t to, ms_achits *hits);
void ms_achits_free(ms_achits *hits);

/* ---------------- text helpers ---------------- */

/* Normalise a keyword: ASCII lower case, whitespace runs to one space,
 * trimmed, curly apostrophes to '.  Returns a new string. */
char *ms_norm_keyword(const char *s, size_t len, size_t *outlen);

/* Normalised view of a text, with a map back to original offsets. */
typedef struct ms_normtext {
	unsigned char *s;
	size_t len, cap;
	/* Back to original offsets: from cp_at[k] on (up to the next), s[i]
	 * came from offset i + cp_delta[k].  The shift changes only where white
	 * space collapses or a multi-byte character becomes one byte, so the
	 * list is short. */
	size_t *cp_at, *cp_delta;
	size_t ncp, capcp;
	/* Where to start looking: the last change at or before offset
	 * b * MS_NT_BLOCK is cp_at[blk[b]]. */
	uint32_t *blk;
	size_t capblk;
} ms_normtext;
#define MS_NT_BLOCK 32

int ms_normtext_build(ms_normtext *nt, const char *text, size_t len);
/* Is c, in the normalised view, an ASCII word byte of the original text, at
 * the place the view maps it to?  Letters other than k and s (which may
 * stand for the Kelvin sign and the long s), digits and '_'. */
int ms_norm_ascii_word_byte(unsigned char c);
/* Original offset of s[i] (i == len: the original length).  *hint, 0 at
 * first, carries the place found from one call to the next: lookups at
 * nearby offsets then cost a step or two. */
size_t ms_normtext_orig(const ms_normtext *nt, size_t i, size_t *hint);
/* The same for n offsets below nt->len in ascending order, in place: one
 * walk along the changes, which skips to each offset's block. */
void ms_normtext_orig_sorted(const ms_normtext *nt, uint32_t *v, size_t n);
/* Give back the normalised bytes when they take more than `keep` (the
 * offset map stays: the scanner reads the bytes only while the automaton
 * runs, and maps offsets back later). */
void ms_normtext_release_bytes(ms_normtext *nt, size_t keep);
void ms_normtext_free(ms_normtext *nt);

int ms_is_word_at(const unsigned char *s, size_t len, size_t i);   /* char starting at i */
int ms_is_word_before(const unsigned char *s, size_t i);           /* char ending at i */
int ms_is_word_byte_start(const unsigned char *s, size_t len);     /* first char of s */
int ms_is_word_byte_end(const unsigned char *s, size_t len);       /* last char of s */
/* A byte that \w matches in every mode: an ASCII letter, digit or '_'. */
static inline int ms_is_ascii_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Is the match starting at `start` preceded, within `window` words of the same
 * clause, by a negation cue? */
int ms_negated_before(const char *text, size_t start, unsigned window);

/* Number of words: runs of letters and digits, an apostrophe inside a word
 * ("don't") not splitting it. */
size_t ms_word_count(const char *text, size_t len);
/* A word count that goes only as far as asked: counting resumes at pos and
 * stops at the end of the text or once `words` reaches limit, whichever
 * comes first (a word is counted where it starts).  Start from all zero. */
typedef struct ms_wordcount {
	size_t words, pos;
	unsigned in_word;
} ms_wordcount;
void ms_word_count_resume(const char *text, size_t len, ms_wordcount *wc, size_t limit);

/* Does the text look cut off mid-sentence?  Returns 1 when it does, with
 * [*from, *to) the unfinished last line. */
int ms_truncated(const char *text, size_t len, size_t *from, size_t *to);

/* Byte offset just past the first `n` characters (code points) of text. */
size_t ms_char_limit(const char *text, size_t len, size_t n);
/* Byte offset at which sentence n+1 starts (len when there are fewer). */
size_t ms_sentence_limit(const char *text, size_t len, size_t n);

/* A set of strings, normalised like keywords, one of which every match of
 * the regex contains (a NULL-terminated array of *n strings), or NULL when
 * none is found that is worth looking for (strings of 3 or more bytes, or
 * of 2 that are not a common pair of letters).  *maxprefix receives an
 * upper bound of the bytes a match can span before the string it contains
 * starts, or -1 when there is none. */
char **ms_regex_literals(const char *pattern, size_t *n, long *maxprefix);

/* Is the string, white space around it aside, one of the hundred or so
 * commonest English words ("the", "your", "which")? */
int ms_common_word(const char *str);
/* Does a normalised string occur in nearly every English text: one byte,
 * a common word, or a common sequence of two or three letters ("er",
 * "ing")? */
int ms_common_fragment(const char *str);

/* A required set of a regex: every match contains one of its strings. */
typedef struct ms_reqset {
	char **strs;      /* normalised, NULL-terminated */
	size_t n;
	long maxprefix;   /* bytes a match can span before the string; -1: unbounded */
	size_t id;        /* in a compiled set: index of the distinct set of strings */
} ms_reqset;
#define MS_MAX_REQSETS 4
/* Every required set found, up to MS_MAX_REQSETS, the one of
 * ms_regex_literals first: a match contains one string of each.  Returns how
 * many were stored in sets[], or -1 when memory ran out. */
int ms_regex_required(const char *pattern, ms_reqset *sets);
void ms_reqset_free(ms_reqset *s);
/* Upper bound of the bytes the regex text [p, end) can match; -1: none. */
long ms_regex_maxlen(const char *p, const char *end);
/* 1 when every match of the regex starts at a word boundary: it begins
 * with \b and has no alternative at its top level (\bA|B does not).  0
 * when that is not certain. */
int ms_regex_word_start(const char *pattern);

/* ---------------- compiled rules ---------------- */
#define MS_MAX_WITHIN_SENTENCES 1000

/* The kinds of condition; cond.c has one table entry for each. */
typedef enum { C_SIGNAL, C_ALL, C_ANY, C_NOT, C_WORDS, C_REPEATED, C_TRUNCATED } ms_cond_type;

typedef enum { ON_DEFAULT = 0, ON_RESPONSE, ON_PROMPT } ms_on;

typedef struct ms_cond {
	ms_cond_type type;
	size_t sig;              /* C_SIGNAL: index into rules->sigs */
	ms_on on;
	unsigned min, max;       /* max == UINT_MAX: unbounded */
	size_t within_chars;     /* 0: no bound */
	size_t within_sentences; /* 0: no bound */
	int negation;            /* -1: the signal's setting, 0: keep, 1: exclude */
	unsigned negation_window;
	unsigned unit_words;     /* C_REPEATED: words a repeated unit has at least */
	struct ms_cond **kids;
	size_t nkids;
} ms_cond;

typedef struct ms_pattern {
	pcre2_code *code;
	char *src;
	size_t sig;
	char **lits;      /* req[0].strs (listed by the public API), or NULL */
	ms_reqset *req;   /* required sets: a match contains a string of each */
	size_t nreq;
	char **declared;  /* strings the rule declares every match contains, or NULL */
	size_t ndeclared;
	int windowed;     /* compiled with PCRE2_USE_OFFSET_LIMIT for windowed runs */
	int jit;          /* JIT-compiled: matched with pcre2_jit_match() */
	const char *file; /* where it is defined */
	unsigned line, col;
	size_t canon;     /* the first pattern with the same source; it owns `code`,
			   * and its matches on a text serve every copy */
	uint64_t hash;    /* of the source and declared strings, to find copies */
} ms_pattern;

typedef struct ms_example {
	int expect;       /* 1: must fire / match; 0: must not */
	char *response;
	char *prompt;
	char **tags;
	size_t ntags;
	int have_tags;
	char *model, *model_group, *weights;
	char *file;
	unsigned line, col;
} ms_example;

typedef struct ms_sig {
	ms_signal_info info;
	int named;              /* 0: anonymous inline signal */
	int negation;           /* exclude negated matches */
	unsigned negation_window;
	char **kw;              /* normalised keywords */
	size_t nkw;
	size_t *pats;           /* indices into rules->pats */
	size_t *canon;          /* the same, of the patterns that own code and matches */
	size_t npats;
	char **pat_src;         /* borrowed from pats, for info */
	char ***lits;           /* borrowed from pats, for info */
	char ****reqs;          /* per pattern, its sets' strings, for info */
	size_t *nreqs;
	ms_example *ex;
	size_t nex;
	unsigned col;
	/* A derived signal: the matches of another signal (*base) that start
	 * within a bound, negated ones left out when that signal excludes them. */
	size_t *base;
	size_t within_chars, within_sentences;
	/* Evaluated on a response somewhere (a response signal, one a rule
	 * reads with on: response, or the base of such a derived signal): its
	 * keywords and required strings go in the response automaton too. */
	int on_response;
} ms_sig;

/* A scenario: a tag a record gets when one of its signals matches the
 * prompt, or the response when the record has no prompt. */
typedef struct ms_scenario {
	ms_scenario_info info;
	size_t *sigs;
	unsigned col;
	int bit;                /* index in rules->meta[META_TAGS] below 64, or -1 */
} ms_scenario;

/* Scopes on a record's tags and metadata, numbered at compile time so that
 * a rule's scope is tested with one AND per kind. */
enum { META_TAGS, META_MODEL, META_GROUP, META_WEIGHTS, META_KINDS };

typedef struct ms_rule_int {
	ms_rule pub;
	char **refs;
	ms_cond *when;
	ms_cond *cond;
	int require;            /* 1: require (kind missing), 0: forbid (present) */
	char **scope_tags;       size_t nscope_tags;
	size_t *scope_psig;      size_t nscope_psig;
	char **scope_model;      size_t nscope_model;
	char **scope_group;      size_t nscope_group;
	char **scope_weights;    size_t nscope_weights;
	ms_example *ex;
	size_t nex;
	unsigned col;
	int tags_derivable;     /* some scope tag is a scenario's */
	uint64_t metamask[META_KINDS]; /* scope values as bits of rules->meta[kind] */
} ms_rule_int;

/* What the scanner checks before it runs a regex: the occurrence lists of
 * its required sets, kept small and together.  Only the sets the automata
 * look for are listed (a weak set is left out when the regex has a better
 * one, see add_sets() in seal.c), with the maxprefix each has in the
 * pattern's req[] (-1 also when it exceeds 32 bits): starting a run reads
 * this table only. */
typedef struct ms_patreq {
	uint32_t nreq;
	uint32_t id[MS_MAX_REQSETS];
	int32_t maxprefix[MS_MAX_REQSETS];
	/* The set's strings start where a match starts (maxprefix 0), each
	 * with an ASCII letter, digit or '_', and the regex's matches start at
	 * a word boundary: no match starts at an occurrence that an ASCII
	 * word byte precedes (the windows skip those). */
	uint8_t word_start[MS_MAX_REQSETS];
} ms_patreq;

/* Automaton entry of a keyword of a signal.  The automaton's ids below
 * rules->acent_lit0 are keywords, entries of acents; an id from there on is
 * required string id - acent_lit0, which needs no entry: the scanner files
 * it by where it starts. */
typedef struct ms_acent {
	uint32_t index;  /* the signal */
	uint32_t len;    /* normalised length */
	uint8_t bound_start, bound_end; /* need word boundaries at these ends */
} ms_acent;      /* 12 bytes: every keyword hit reads one */

struct ms_rules {
	ms_rule_int *rules;
	size_t nrules;
	ms_sig *sigs;
	size_t nsigs;
	size_t nnamed;
	size_t *named;          /* indices of named signals in sigs, in definition order */
	ms_pattern *pats;
	size_t npats;
	ms_scenario *scen;
	size_t nscen;
	ms_reqset **reqsets;    /* the distinct required sets of all patterns */
	ms_patreq *patreq;      /* per pattern, the ids of its sets (none: not windowed) */
	size_t nreqs;
	/* The distinct strings of the sets looked for: each is one automaton
	 * entry, so an occurrence is reported once however many sets hold the
	 * string ("help" is in nine).  The sets that hold string d are
	 * lit_sets[lit_first[d] .. lit_first[d + 1]), and memb_lit[j] is the
	 * string of entry j (a set that lists a string twice has two). */
	size_t nlits, nmemb;    /* strings; entries of lit_sets */
	uint32_t *lit_first;
	uint32_t *lit_sets, *memb_lit;
	ms_ac *ac;              /* every keyword and required string */
	/* Only those of signals evaluated on a response: a response is scanned
	 * with it when the record's prompt-side signals read its prompt (a
	 * third of the hits on an answer were strings of prompt signals). */
	ms_ac *ac_resp;
	ms_acent *acents;       /* the keywords' (see ms_acent) */
	size_t nacents;
	uint32_t acent_lit0;    /* automaton ids from here on are required strings */
	uint32_t match_limit;   /* also the depth limit */
	uint32_t heap_limit_kib;
	size_t jit_stack_bytes;
	uint32_t regex_time_ms;
	int no_prefilter;
	int any_prompt;         /* some signal is evaluated on the prompt */
	char **meta[META_KINDS]; /* distinct values of each kind of scope in all rules */
	size_t nmeta[META_KINDS];
	int meta_as_bits[META_KINDS]; /* at most 64 of them: scopes are tested as bits */
	void **allocs;          /* every allocation owned by the set, freed at destroy */
	size_t nallocs, capallocs;
};

const ms_rules *ms_scanner_rules(const ms_scanner *s);
/* ms_scanner_scan() of an embedded example: with lenient_scope, scope
 * fields the record leaves out (NULL) match; have_tags: tags were given. */
ms_status ms_scanner_scan_example(ms_scanner *s, const ms_record *rec, int lenient_scope,
				  int have_tags, const ms_result **out);


#endif
