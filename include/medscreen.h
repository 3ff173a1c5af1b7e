/*
 * medscreen.h - rule-based screening of medical LLM answers.
 *
 * Ownership rule, followed by every function below: a function never takes
 * ownership of the pointers it is given; everything it hands back through an
 * `out` parameter is owned by the caller and released with the matching
 * ms_*_destroy() function.  The only exceptions are pointers into a compiled
 * rule set (ms_rule, ms_signal_info) and into a scan result: they are borrowed
 * and stay valid while the ms_rules (respectively the ms_scanner, until its
 * next scan) that produced them is alive.
 *
 * Threads: an ms_rules object is immutable once built and may be shared by any
 * number of threads.  An ms_scanner holds per-thread scratch state (PCRE2 match
 * data, text buffers) and must be used by one thread at a time.
 */
#ifndef MEDSCREEN_H
#define MEDSCREEN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(MS_BUILDING_LIBRARY)
#define MS_API __attribute__((visibility("default")))
#else
#define MS_API
#endif

/* Status codes.  Each value has exactly one meaning; ms_strerror() names it. */
typedef enum ms_status {
	MS_OK = 0,
	MS_ERR_NOMEM,   /* an allocation failed */
	MS_ERR_IO,      /* a file could not be opened or read */
	MS_ERR_RULES,   /* a rule file has errors (reported through diagnostics) */
	MS_ERR_PROMPTS, /* the prompt set has errors (reported through diagnostics) */
	MS_ERR_INPUT,   /* an input record is malformed */
	MS_ERR_LIMIT,   /* an input exceeded a configured limit */
	MS_ERR_USAGE    /* the API was called with invalid arguments */
} ms_status;

MS_API const char *ms_strerror(ms_status status);
MS_API const char *ms_version(void);

typedef enum ms_dimension {
	MS_DIM_SAFETY = 0,
	MS_DIM_PROFESSIONALISM,
	MS_DIM_FAIRNESS,
	MS_DIM_HUMANISM,
	MS_DIM_REGULATION,
	MS_DIM_COUNT
} ms_dimension;

typedef enum ms_severity {
	MS_SEV_INFO = 0,
	MS_SEV_LOW,
	MS_SEV_MEDIUM,
	MS_SEV_HIGH,
	MS_SEV_CRITICAL,
	MS_SEV_COUNT
} ms_severity;

MS_API const char *ms_dimension_name(ms_dimension d);
MS_API const char *ms_severity_name(ms_severity s);
/* Parse a name; returns -1 when it is not one. */
MS_API int ms_dimension_parse(const char *name);
MS_API int ms_severity_parse(const char *name);
/* The weight a finding of this severity adds to a record's score. */
MS_API unsigned ms_severity_weight(ms_severity s);

/* ------------------------------------------------------------------ */
/* Diagnostics: every problem in a rule or prompt file, one call each. */

typedef enum ms_diag_level { MS_DIAG_ERROR, MS_DIAG_WARNING } ms_diag_level;

typedef struct ms_diag {
	ms_diag_level level;
	const char *file;   /* file name as given, never NULL */
	unsigned line;      /* 1-based; 0 when the problem concerns the whole file */
	unsigned column;    /* 1-based; 0 when unknown */
	const char *rule;   /* rule or signal id concerned, or NULL */
	const char *message;
} ms_diag;

typedef void (*ms_diag_fn)(const ms_diag *diag, void *userdata);

/* ------------------------------------------------------------------ */
/* Compiler: accepts rule sources one by one, then hands out the rules. */

typedef struct ms_compiler ms_compiler;
typedef struct ms_rules ms_rules;

/* Bounds of one regex run (one regex over one text of one record).  When a
 * run reaches one of them, the rules that use the regex cannot be decided on
 * that record: each gets an MS_FINDING_ERROR naming the regex and the bound,
 * and the other rules are evaluated as usual. */
#define MS_DEFAULT_MATCH_LIMIT 1000000u      /* PCRE2 match (and depth) limit */
#define MS_DEFAULT_HEAP_LIMIT_KIB 65536u     /* interpreter backtracking memory */
#define MS_DEFAULT_JIT_STACK_BYTES (64u << 20) /* JIT stack, per scanner */
#define MS_DEFAULT_REGEX_TIME_MS 10000u      /* wall-clock time of one run */

typedef struct ms_compile_options {
	uint32_t match_limit;   /* PCRE2 match limit per regex run, also its depth
				 * limit; 0: MS_DEFAULT_MATCH_LIMIT */
	int no_jit;             /* nonzero: never use the PCRE2 JIT */
	int no_prefilter;       /* nonzero: run every regex over the whole text */
	uint32_t heap_limit_kib; /* PCRE2 heap limit of the interpreter (KiB) per
				 * run; 0: MS_DEFAULT_HEAP_LIMIT_KIB */
	size_t jit_stack_bytes; /* largest JIT stack of a scanner; 0:
				 * MS_DEFAULT_JIT_STACK_BYTES */
	uint32_t regex_time_ms; /* wall-clock budget of one regex run, checked at
				 * each start position the regex tries (the JIT does
				 * not count that work in its match limit); 0:
				 * MS_DEFAULT_REGEX_TIME_MS */
	unsigned threads;       /* threads ms_compiler_get_rules() may start (the
				 * JIT, literal analysis); 0: one per core, at most
				 * 8; 1: none besides the caller's */
	/* Which rules the compiled set keeps (NULL or 0: all).  Each entry is
	 * KIND:GLOB, KIND one of "rule" (its id), "!rule" (drop those ids),
	 * "dimension" (its dimension's name) and "tag" (one of its scope tags);
	 * globs as fnmatch(3).  A rule is kept when, for each kind given, it
	 * matches one entry of that kind, and it matches no "!rule" entry.  The
	 * fingerprint covers only the rules kept. */
	const char *const *rule_select;
	size_t nrule_select;
	/* Severity overrides, each GLOB=SEVERITY: the rules whose id matches
	 * the glob get that severity (the last matching entry wins).  The
	 * fingerprint covers the severities as overridden. */
	const char *const *severity_override;
	size_t nseverity_override;
} ms_compile_options;

/* `opts` may be NULL for the defaults; `diag` may be NULL to drop diagnostics. */
MS_API ms_status ms_compiler_create(ms_compiler **out, const ms_compile_options *opts,
				    ms_diag_fn diag, void *userdata);
/* Add a YAML rule file, or every *.yaml / *.yml file of a directory (sorted). */
MS_API ms_status ms_compiler_add_path(ms_compiler *c, const char *path);
/* Add rule source held in memory; `name` is used in diagnostics. */
MS_API ms_status ms_compiler_add_string(ms_compiler *c, const char *name,
					const char *yaml, size_t len);
/* Resolve references, compile every pattern and seal the compiler: after this
 * call the compiler accepts no more sources.  Fails with MS_ERR_RULES when any
 * error was diagnosed (in this call or an earlier add). */
MS_API ms_status ms_compiler_get_rules(ms_compiler *c, ms_rules **out);
MS_API void ms_compiler_destroy(ms_compiler *c);

MS_API void ms_rules_destroy(ms_rules *rules);

/* Read-only views of the compiled rule set. */
typedef struct ms_rule {
	size_t index;            /* position in the rule set: ms_rules_get(rules, index) */
	const char *id;
	const char *title;
	const char *message;
	const char *file;
	unsigned line;
	ms_dimension dimension;
	ms_severity severity;
	const char *const *references;
	size_t nreferences;
	const char *const *scope_tags;   /* the tags of its scope (none: any record) */
	size_t nscope_tags;
} ms_rule;

typedef struct ms_signal_info {
	const char *id;
	const char *description;
	const char *file;
	unsigned line;
	int on_prompt;                 /* evaluated on the prompt by default */
	const char *const *keywords;   /* as normalised for matching */
	size_t nkeywords;
	const char *const *patterns;   /* regex sources as compiled */
	size_t npatterns;
} ms_signal_info;

/* A scenario: a tag that a record gets when one of the scenario's signals
 * matches its prompt (or its response, when the record has no prompt). */
typedef struct ms_scenario_info {
	const char *tag;
	const char *description;      /* or NULL */
	const char *file;
	unsigned line;
	const char *const *signals;   /* ids of its signals */
	size_t nsignals;
} ms_scenario_info;

MS_API size_t ms_rules_scenario_count(const ms_rules *rules);
MS_API const ms_scenario_info *ms_rules_scenario(const ms_rules *rules, size_t i);

/* The pack's fingerprint: SHA-256, in 64 lower-case hex digits and a NUL,
 * over what decides a scan's output (signals, scenarios, rules: their ids,
 * matchers, conditions, scopes, severities, titles and messages), the same
 * whatever the order of the files and definitions, the layout and the
 * comments, and whatever descriptions and examples say.  Two scans made with
 * packs of one fingerprint are comparable. */
MS_API ms_status ms_rules_fingerprint(const ms_rules *rules, char out[65]);
/* The same for rule i alone, the signals it uses included, and the
 * scenarios (with their signals) that derive its scope tags: two packs'
 * rules of one id with different fingerprints behave differently. */
MS_API ms_status ms_rule_fingerprint(const ms_rules *rules, size_t i, char out[65]);
MS_API size_t ms_rules_count(const ms_rules *rules);
MS_API const ms_rule *ms_rules_get(const ms_rules *rules, size_t i);
/* Named signals only (inline anonymous signals of conditions are not listed). */
MS_API size_t ms_rules_signal_count(const ms_rules *rules);
MS_API const ms_signal_info *ms_rules_signal(const ms_rules *rules, size_t i);

/* ------------------------------------------------------------------ */
/* Prompt set: the stress-test prompts, joined to records by prompt_id. */

typedef struct ms_prompts ms_prompts;

typedef struct ms_prompt {
	const char *id;
	const char *dimension;
	const char *title;
	const char *text;
	const char *const *tags;
	size_t ntags;
} ms_prompt;

MS_API ms_status ms_prompts_load(ms_prompts **out, const char *path,
				 ms_diag_fn diag, void *userdata);
MS_API const ms_prompt *ms_prompts_find(const ms_prompts *p, const char *id);
MS_API size_t ms_prompts_count(const ms_prompts *p);
MS_API const ms_prompt *ms_prompts_get(const ms_prompts *p, size_t i);
MS_API void ms_prompts_destroy(ms_prompts *p);

/* ------------------------------------------------------------------ */
/* Scanning. */

/* One answer to screen.  Strings are borrowed for the duration of the scan.
 * `response` may contain NUL bytes and invalid UTF-8.  NULL means absent. */
typedef struct ms_record {
	const char *response;
	size_t response_len;
	const char *prompt;        /* prompt text, or NULL */
	size_t prompt_len;
	const char *model;
	const char *model_group;
	const char *weights;
	const char *const *tags;   /* the record's tags: its prompt's and its own */
	size_t ntags;
	/* Nonzero: `prompt` and `tags` stay valid and unchanged for the
	 * scanner's life (a prompt set's text and tags), so the scanner may keep
	 * what it computed on them for later records with the same pointers. */
	int prompt_stable;
} ms_record;

typedef enum ms_finding_kind {
	MS_FINDING_PRESENT,  /* something forbidden is present */
	MS_FINDING_MISSING,  /* something required is absent */
	MS_FINDING_ERROR     /* the rule could not be evaluated (PCRE2 limit) */
} ms_finding_kind;

MS_API const char *ms_finding_kind_name(ms_finding_kind k);

typedef struct ms_span {
	size_t start, end;   /* byte offsets, end exclusive */
	int in_prompt;       /* nonzero: offsets are into the prompt text */
} ms_span;

typedef struct ms_finding {
	const ms_rule *rule;
	ms_finding_kind kind;
	const ms_span *evidence;
	size_t nevidence;
	const char *error;   /* MS_FINDING_ERROR only */
	/* What brought the rule into play: the matches of its `when`
	 * condition, of its prompt-signal scope, and of the scenarios that
	 * gave the record a tag of its scope (prompt or response spans). */
	const ms_span *trigger;
	size_t ntrigger;
} ms_finding;

typedef struct ms_result {
	const ms_finding *findings;
	size_t nfindings;
	unsigned score;                      /* sum of ms_severity_weight() */
	int flagged;                         /* a finding above info severity */
	int error;                           /* a rule could not be evaluated */
	int dim_flagged[MS_DIM_COUNT];
	ms_severity max_severity;            /* meaningful when nfindings > 0 */
	const size_t *signals;               /* indices of named signals that matched */
	size_t nsignals;
	const ms_span *signal_spans;         /* per entry of signals: its first match */
	/* Tags the scenarios gave the record (beyond those it came with). */
	const char *const *tags;
	size_t ntags;
} ms_result;

typedef struct ms_scanner ms_scanner;

MS_API ms_status ms_scanner_create(ms_scanner **out, const ms_rules *rules);
/* Screen one record.  The result is owned by the scanner and valid until its
 * next scan or its destruction. */
MS_API ms_status ms_scanner_scan(ms_scanner *s, const ms_record *rec,
				 const ms_result **out);
/* Evaluate one named signal on a text; returns the number of matches that
 * survive the signal's negation setting, or -1 on a PCRE2 error. */
MS_API long ms_scanner_signal_count(ms_scanner *s, size_t signal,
				    const char *text, size_t len);
MS_API void ms_scanner_destroy(ms_scanner *s);

/* Embedded examples of rules (fire / pass) and signals (match / no_match). */
typedef struct ms_example_info {
	const char *owner;      /* rule or signal id */
	int is_rule;
	int expect;             /* 1: must fire (rule) or match (signal); 0: must not */
	const char *file;
	unsigned line, column;
	const char *response;
	/* Set when the example could not be evaluated (a regex reached a bound:
	 * match limit, time, stack): then it has not passed, whatever was
	 * expected.  Valid until the scanner's next call. */
	const char *error;
} ms_example_info;

MS_API size_t ms_rules_example_count(const ms_rules *rules);
/* Run example i; *passed is set to 1 when the outcome is the expected one. */
MS_API ms_status ms_scanner_run_example(ms_scanner *s, size_t i, ms_example_info *info,
					int *passed);

/* Advisory checks of a compiled rule set (medscreen lint): regexes without a
 * prefilter literal, wide or leading wildcards, rules with fewer than two
 * examples of each kind.  Each goes to `diag` as a warning; returns the count. */
MS_API size_t ms_rules_lint(const ms_rules *rules, ms_diag_fn diag, void *userdata);

/* Profiling (scan --profile).  Counters accumulate across scans; timing is
 * taken only when enabled. */
typedef struct ms_profile_entry {
	uint64_t nanoseconds;
	uint64_t evaluations;   /* texts on which a regex was considered */
	uint64_t runs;          /* of those, how many passed the prefilter */
	uint64_t matches;
} ms_profile_entry;

MS_API void ms_scanner_set_profiling(ms_scanner *s, int on);
/* One entry per named signal, indexed like ms_rules_signal(): time in its
 * regexes, regexes considered, regexes run past the prefilter, matches. */
MS_API const ms_profile_entry *ms_scanner_profile(const ms_scanner *s);
/* One entry per rule, indexed like ms_rules_get(): time evaluating it (its
 * inline signals included), records in its scope, records that passed its
 * `when`, records on which it fired. */
MS_API const ms_profile_entry *ms_scanner_rule_profile(const ms_scanner *s);

/* ------------------------------------------------------------------ */
/* Flat entry points for foreign-function bindings (ctypes, cffi): the same
 * as ms_compiler_create() and ms_scanner_scan(), with the fields of
 * ms_compile_options and ms_record passed as arguments, so that a binding
 * does not depend on the layout of those structures. */

MS_API ms_status ms_ffi_compiler_create(ms_compiler **out, uint32_t match_limit, int no_jit,
					int no_prefilter, ms_diag_fn diag, void *userdata);
/* `tags` are the record's tags (its prompt's and its own); `prompt_stable` as
 * in ms_record. */
MS_API ms_status ms_ffi_scan(ms_scanner *s, const char *response, size_t response_len,
			     const char *prompt, size_t prompt_len, const char *model,
			     const char *model_group, const char *weights,
			     const char *const *tags, size_t ntags, int prompt_stable,
			     const ms_result **out);

#ifdef __cplusplus
}
#endif

#endif /* MEDSCREEN_H */
