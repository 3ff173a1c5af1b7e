/* Internal declarations of the rule compiler's modules: compile.c (the
 * compiler object, diagnostics, typed access to YAML nodes, files),
 * parse.c (signals, rules, scenarios and examples into the rule tree),
 * cond.c (conditions), seal.c (checks, literal analysis, JIT, automaton)
 * and prompts.c (the prompt set).  Nothing here leaves the library. */
#ifndef MS_COMPILER_H
#define MS_COMPILER_H

#include "internal.h"

/* A reference to a signal by name, resolved when the compiler is sealed. */
typedef struct sigref {
	char *name;
	size_t *slot;
	const char *file;
	unsigned line, col;
	const char *owner;
	ms_on on;            /* where the reference evaluates the signal */
} sigref;

struct ms_compiler {
	ms_compile_options opts;
	ms_diag_fn diag;
	void *ud;
	ms_rules *r;
	const char *file;       /* current file (owned by r) */
	size_t errors;
	int sealed;
	int jit_warned;
	ms_hidx sig_idx;        /* named signals by id (seal.c) */
	ms_hidx pat_idx;        /* distinct patterns by source (parse.c) */
	const char *first_path; /* first path added (owned by r), or NULL */
	sigref *refs;
	size_t nrefs, caprefs;
	size_t caprules, capsigs, cappats, capscen;
	size_t anon;
};

/* ---- allocation owned by the rule set, and diagnostics (compile.c) ---- */
void *cc_own(ms_compiler *c, void *p);
void *cc_calloc(ms_compiler *c, size_t n, size_t size);
char *cc_strdup(ms_compiler *c, const char *s);
void cc_vreport(ms_compiler *c, ms_diag_level lvl, const char *file, unsigned line,
		unsigned col, const char *rule, const char *fmt, va_list ap);
void cc_err(ms_compiler *c, const ynode *n, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void cc_warn(ms_compiler *c, const char *file, unsigned line, unsigned col, const char *rule,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Bridge for the YAML reader. */
void cc_yreport(void *ctx, ms_diag_level lvl, unsigned line, unsigned col, const char *rule,
		const char *fmt, va_list ap);

/* ---- typed access to YAML nodes (compile.c) ---- */
typedef struct field {
	const char *name;
	ynode *key, *val;
} field;

const char *cc_kind_name(const ynode *n);
/* Pick the known keys of a mapping into `f` (terminated by a NULL name);
 * unknown and repeated keys are errors.  Returns -1 if n is not a mapping. */
int cc_fields(ms_compiler *c, ynode *n, const char *what, const char *owner, field *f);
const char *cc_str(ms_compiler *c, const field *f, const char *owner);
const char *cc_need_str(ms_compiler *c, const field *f, const ynode *map, const char *what,
			const char *owner);
/* Non-negative integer in [lo, hi]; returns -1 (reported) when it is not. */
long cc_uint(ms_compiler *c, const field *f, long lo, long hi, const char *owner);
/* A string or a list of strings, owned by the rule set.  Type errors are
 * reported and leave the list empty; -1 only when memory runs out. */
int cc_strlist(ms_compiler *c, const field *f, const char *owner, char ***out, size_t *n);
int cc_valid_id(const char *s, int upper);
/* 'response' or 'prompt' (reported otherwise); ON_DEFAULT when absent. */
ms_on cc_on(ms_compiler *c, const field *f, const char *owner);

/* A position bound: {chars: N, sentences: M} (cond.c). */
void cc_within(ms_compiler *c, ynode *v, const char *owner, size_t *chars, size_t *sentences);

/* ---- signals (compile.c, parse.c) ---- */
int cc_add_ref(ms_compiler *c, const ynode *n, const char *name, size_t *slot,
	       const char *owner, ms_on on);
ms_sig *cc_new_sig(ms_compiler *c, size_t *index);
int cc_same_list(char **a, size_t na, char **b, size_t nb);
/* 'keep' or 'exclude': 0 or 1, -1 when reported. */
int cc_negation(ms_compiler *c, const field *f, const char *owner);
/* The keywords and patterns of a signal, named or inline. */
int cc_matchers(ms_compiler *c, ms_sig *sg, size_t sigi, field *kw, field *pat,
		const char *owner);

/* ---- the rule tree (parse.c, cond.c) ---- */
int cc_signal(ms_compiler *c, ynode *n);
int cc_rule(ms_compiler *c, ynode *n);
int cc_scenario(ms_compiler *c, ynode *n);
ms_cond *cc_cond(ms_compiler *c, ynode *n, const char *owner);

/* ---- sealing (seal.c) ---- */
ms_status cc_seal(ms_compiler *c);

#endif
