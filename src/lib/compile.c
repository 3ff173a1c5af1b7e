/* The rule compiler: YAML rule files to an immutable, shareable rule set.
 *
 * Every problem is reported through the diagnostics callback with its file,
 * line and column, and compilation goes on so that one run reports all the
 * problems of all the files.  References to signals are resolved when the
 * compiler is sealed (seal.c), since a rule may use a signal defined in a
 * later file.  This file holds the compiler object, its diagnostics, typed
 * access to YAML nodes and the reading of files; parse.c and cond.c turn the
 * YAML into the rule tree.
 *
 * Memory: everything the rule set owns, except compiled patterns and the
 * automaton, is registered in rules->allocs and released in one sweep by
 * ms_rules_destroy(), which keeps the many error paths of the parser simple. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiler.h"
#include "describe.h"

/* ---------------- allocation and diagnostics ---------------- */

void *cc_own(ms_compiler *c, void *p)
{
	ms_rules *r = c->r;

	if (!p)
		return NULL;
	if (ms_grow(&r->allocs, &r->capallocs, r->nallocs + 1, sizeof(void *))) {
		free(p);
		return NULL;
	}
	r->allocs[r->nallocs++] = p;
	return p;
}

void *cc_calloc(ms_compiler *c, size_t n, size_t size)
{
	return cc_own(c, calloc(n ? n : 1, size));
}

char *cc_strdup(ms_compiler *c, const char *s)
{
	return cc_own(c, ms_strdup(s));
}

void cc_vreport(ms_compiler *c, ms_diag_level lvl, const char *file, unsigned line,
		    unsigned col, const char *rule, const char *fmt, va_list ap)
{
	char msg[1024];
	ms_diag d;

	if (lvl == MS_DIAG_ERROR)
		c->errors++;
	if (!c->diag)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	d.level = lvl;
	d.file = file ? file : "<rules>";
	d.line = line;
	d.column = col;
	d.rule = rule;
	d.message = msg;
	c->diag(&d, c->ud);
}

void cc_err(ms_compiler *c, const ynode *n, const char *rule, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cc_vreport(c, MS_DIAG_ERROR, c->file, n ? n->line : 0, n ? n->col : 0, rule, fmt, ap);
	va_end(ap);
}

void cc_warn(ms_compiler *c, const char *file, unsigned line, unsigned col,
		    const char *rule, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cc_vreport(c, MS_DIAG_WARNING, file, line, col, rule, fmt, ap);
	va_end(ap);
}

/* Bridge for the YAML reader. */
void cc_yreport(void *ctx, ms_diag_level lvl, unsigned line, unsigned col, const char *rule,
		    const char *fmt, va_list ap)
{
	ms_compiler *c = ctx;
	cc_vreport(c, lvl, c->file, line, col, rule, fmt, ap);
}

/* ---------------- typed access to YAML nodes ---------------- */
const char *cc_kind_name(const ynode *n)
{
	switch (n->kind) {
	case YN_SCALAR: return "a scalar";
	case YN_SEQ: return "a list";
	case YN_MAP: return "a mapping";
	}
	return "?";
}

/* Pick the known keys of a mapping into `f` (terminated by a NULL name);
 * unknown and repeated keys are errors.  Returns -1 if n is not a mapping. */
int cc_fields(ms_compiler *c, ynode *n, const char *what, const char *owner, field *f)
{
	if (n->kind != YN_MAP) {
		cc_err(c, n, owner, "%s must be a mapping, not %s", what, cc_kind_name(n));
		return -1;
	}
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		ynode *k = n->items[i], *v = n->items[i + 1];
		field *hit = NULL;

		if (k->kind != YN_SCALAR) {
			cc_err(c, k, owner, "keys of %s must be plain strings", what);
			continue;
		}
		for (field *p = f; p->name; p++)
			if (strcmp(p->name, k->str) == 0)
				hit = p;
		if (!hit) {
			ms_buf allowed = {0};
			for (field *p = f; p->name; p++)
				ms_buf_printf(&allowed, "%s%s", p == f ? "" : ", ", p->name);
			cc_err(c, k, owner, "unknown key '%s' in %s (expected one of: %s)", k->str, what,
			    allowed.data ? allowed.data : "");
			ms_buf_free(&allowed);
			continue;
		}
		if (hit->val) {
			cc_err(c, k, owner, "duplicate key '%s' in %s (first at line %u)", k->str, what,
			    hit->key->line);
			continue;
		}
		hit->key = k;
		hit->val = v;
	}
	return 0;
}

const char *cc_str(ms_compiler *c, const field *f, const char *owner)
{
	if (!f->val)
		return NULL;
	if (f->val->kind != YN_SCALAR) {
		cc_err(c, f->val, owner, "'%s' must be a string, not %s", f->name, cc_kind_name(f->val));
		return NULL;
	}
	return f->val->str;
}

const char *cc_need_str(ms_compiler *c, const field *f, const ynode *map, const char *what,
			    const char *owner)
{
	const char *s;

	if (!f->val) {
		cc_err(c, map, owner, "%s has no '%s'", what, f->name);
		return NULL;
	}
	s = cc_str(c, f, owner);
	if (s && !*s) {
		cc_err(c, f->val, owner, "'%s' must not be empty", f->name);
		return NULL;
	}
	return s;
}

/* Non-negative integer in [lo, hi]; returns -1 (reported) when it is not. */
long cc_uint(ms_compiler *c, const field *f, long lo, long hi, const char *owner)
{
	char *end;
	long v;

	if (f->val->kind != YN_SCALAR || !f->val->plain || !*f->val->str) {
		cc_err(c, f->val, owner, "'%s' must be an integer", f->name);
		return -1;
	}
	errno = 0;
	v = strtol(f->val->str, &end, 10);
	if (*end || errno) {
		cc_err(c, f->val, owner, "'%s' must be an integer, not '%s'", f->name, f->val->str);
		return -1;
	}
	if (v < lo || v > hi) {
		cc_err(c, f->val, owner, "'%s' must be between %ld and %ld, not %ld", f->name, lo, hi, v);
		return -1;
	}
	return v;
}

/* A string or a list of strings, owned by the rule set.  Type errors are
 * reported and leave the list empty; -1 only when memory runs out. */
int cc_strlist(ms_compiler *c, const field *f, const char *owner, char ***out, size_t *n)
{
	ynode *v = f->val;
	char **arr;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (v->kind == YN_SCALAR) {
		arr = cc_calloc(c, 1, sizeof *arr);
		if (!arr || !(arr[0] = cc_strdup(c, v->str)))
			return -1;
		*out = arr;
		*n = 1;
		return 0;
	}
	if (v->kind != YN_SEQ) {
		cc_err(c, v, owner, "'%s' must be a string or a list of strings", f->name);
		return 0; /* reported; -1 is for running out of memory */
	}
	arr = cc_calloc(c, v->n, sizeof *arr);
	if (!arr)
		return -1;
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i]->kind != YN_SCALAR) {
			cc_err(c, v->items[i], owner, "items of '%s' must be strings, not %s", f->name,
			    cc_kind_name(v->items[i]));
			continue;
		}
		if (!(arr[k++] = cc_strdup(c, v->items[i]->str)))
			return -1;
	}
	*out = arr;
	*n = k;
	return 0;
}

int cc_valid_id(const char *s, int upper)
{
	const char *p = s;

	if (upper ? !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) : !(*p >= 'a' && *p <= 'z'))
		return 0;
	for (p++; *p; p++) {
		int ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
		if (upper)
			ok = ok || (*p >= 'A' && *p <= 'Z') || *p == '-' || *p == '.';
		if (!ok)
			return 0;
	}
	return p - s <= 128;
}

/* ---------------- signals ---------------- */
int cc_add_ref(ms_compiler *c, const ynode *n, const char *name, size_t *slot,
		   const char *owner, ms_on on)
{
	sigref *r;

	if (ms_grow(&c->refs, &c->caprefs, c->nrefs + 1, sizeof *c->refs))
		return -1;
	r = &c->refs[c->nrefs];
	r->name = ms_strdup(name);
	if (!r->name)
		return -1;
	r->slot = slot;
	r->file = c->file;
	r->line = n->line;
	r->col = n->col;
	r->owner = owner;
	r->on = on;
	c->nrefs++;
	return 0;
}

ms_sig *cc_new_sig(ms_compiler *c, size_t *index)
{
	ms_rules *r = c->r;

	if (ms_grow(&r->sigs, &c->capsigs, r->nsigs + 1, sizeof *r->sigs))
		return NULL;
	*index = r->nsigs;
	memset(&r->sigs[r->nsigs], 0, sizeof *r->sigs);
	return &r->sigs[r->nsigs++];
}

int cc_same_list(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

/* ---------------- files ---------------- */

static int compile_tree(ms_compiler *c, ynode *root)
{
	static int (*const parse[])(ms_compiler *, ynode *) = { cc_signal, cc_rule, cc_scenario };
	field f[] = { { "signals" }, { "rules" }, { "scenarios" }, { NULL } };

	if (cc_fields(c, root, "a rule file", NULL, f))
		return 0;
	for (size_t k = 0; k < MS_ARRAY_LEN(parse); k++) {
		ynode *v = f[k].val;
		if (!v)
			continue;
		if (v->kind != YN_SEQ) {
			cc_err(c, v, NULL, "'%s' must be a list", f[k].name);
			continue;
		}
		for (size_t i = 0; i < v->n; i++)
			if (parse[k](c, v->items[i]))
				return -1;
	}
	return 0;
}

ms_status ms_compiler_add_string(ms_compiler *c, const char *name, const char *yaml, size_t len)
{
	ynode *root;
	int rc;

	if (!c || c->sealed || !name || (!yaml && len))
		return MS_ERR_USAGE;
	c->file = cc_strdup(c, name);
	if (!c->file)
		return MS_ERR_NOMEM;
	root = ms_ytree_parse(yaml ? yaml : "", len, cc_yreport, c);
	if (!root)
		return MS_ERR_RULES;
	rc = compile_tree(c, root);
	ms_ytree_free(root);
	if (rc)
		return MS_ERR_NOMEM;
	return c->errors ? MS_ERR_RULES : MS_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static ms_status add_file(ms_compiler *c, const char *path)
{
	char *buf;
	size_t len;
	ms_status st;

	if (!ms_read_file(path, &buf, &len, MS_YAML_MAX_FILE)) {
		const char *why = ms_read_error(errno);
		c->file = cc_strdup(c, path);
		cc_err(c, NULL, NULL, "cannot read rule file: %s", why);
		return MS_ERR_IO;
	}
	st = ms_compiler_add_string(c, path, buf, len);
	free(buf);
	return st;
}

ms_status ms_compiler_add_path(ms_compiler *c, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	ms_status rc = MS_OK;

	if (!c || c->sealed || !path)
		return MS_ERR_USAGE;
	if (!c->first_path && !(c->first_path = cc_strdup(c, path)))
		return MS_ERR_NOMEM;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return add_file(c, path);
	d = opendir(path);
	if (!d) {
		c->file = cc_strdup(c, path);
		cc_err(c, NULL, NULL, "cannot open rule directory: %s", strerror(errno));
		return MS_ERR_IO;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char *full;

		if (e->d_name[0] == '.')
			continue;
		if (!((l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0) ||
		      (l > 4 && strcmp(e->d_name + l - 4, ".yml") == 0)))
			continue;
		if (ms_grow(&names, &cap, n + 1, sizeof *names)) {
			rc = MS_ERR_NOMEM;
			break;
		}
		full = malloc(strlen(path) + l + 2);
		if (!full) {
			rc = MS_ERR_NOMEM;
			break;
		}
		sprintf(full, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		names[n++] = full;
	}
	closedir(d);
	if (rc == MS_OK && n == 0) {
		c->file = cc_strdup(c, path);
		cc_err(c, NULL, NULL, "no *.yaml rule files in directory");
		rc = MS_ERR_RULES;
	}
	if (rc == MS_OK) {
		qsort(names, n, sizeof *names, cmp_str);
		for (size_t i = 0; i < n; i++) {
			ms_status r1 = add_file(c, names[i]);
			if (r1 == MS_ERR_NOMEM) {
				rc = r1;
				break;
			}
			if (r1 != MS_OK && rc == MS_OK)
				rc = r1;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
ms_status ms_compiler_create(ms_compiler **out, const ms_compile_options *opts, ms_diag_fn diag,
			     void *userdata)
{
	ms_compiler *c;

	if (!out)
		return MS_ERR_USAGE;
	*out = NULL;
	c = calloc(1, sizeof *c);
	if (!c)
		return MS_ERR_NOMEM;
	c->r = calloc(1, sizeof *c->r);
	if (!c->r) {
		free(c);
		return MS_ERR_NOMEM;
	}
	if (opts)
		c->opts = *opts;
	c->r->match_limit = c->opts.match_limit ? c->opts.match_limit : MS_DEFAULT_MATCH_LIMIT;
	c->r->heap_limit_kib = c->opts.heap_limit_kib ? c->opts.heap_limit_kib
						      : MS_DEFAULT_HEAP_LIMIT_KIB;
	c->r->jit_stack_bytes = c->opts.jit_stack_bytes ? c->opts.jit_stack_bytes
							: MS_DEFAULT_JIT_STACK_BYTES;
	c->r->regex_time_ms = c->opts.regex_time_ms ? c->opts.regex_time_ms
						    : MS_DEFAULT_REGEX_TIME_MS;
	c->r->no_prefilter = c->opts.no_prefilter;
	c->diag = diag;
	c->ud = userdata;
	*out = c;
	return MS_OK;
}

void ms_compiler_destroy(ms_compiler *c)
{
	if (!c)
		return;
	ms_rules_destroy(c->r);
	for (size_t i = 0; i < c->nrefs; i++)
		free(c->refs[i].name);
	free(c->refs);
	ms_hidx_free(&c->sig_idx);
	ms_hidx_free(&c->pat_idx);
	free(c);
}

void ms_rules_destroy(ms_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->npats; i++)
		if (r->pats[i].canon == i)
			pcre2_code_free(r->pats[i].code);
	ms_ac_free(r->ac);
	ms_ac_free(r->ac_resp);
	for (size_t i = 0; i < r->nallocs; i++)
		free(r->allocs[i]);
	free(r->allocs);
	free(r->reqsets);
	free(r->patreq);
	free(r->lit_first);
	free(r->lit_sets);
	free(r->memb_lit);
	for (int k = 0; k < META_KINDS; k++)
		free(r->meta[k]);
	free(r->pats);
	free(r->sigs);
	free(r->rules);
	free(r->acents);
	free(r->named);
	free(r->scen);
	free(r);
}

/* ---------------- read-only views ---------------- */

size_t ms_rules_count(const ms_rules *r)
{
	return r ? r->nrules : 0;
}

const ms_rule *ms_rules_get(const ms_rules *r, size_t i)
{
	return r && i < r->nrules ? &r->rules[i].pub : NULL;
}

size_t ms_rules_signal_count(const ms_rules *r)
{
	return r ? r->nnamed : 0;
}

const ms_signal_info *ms_rules_signal(const ms_rules *r, size_t i)
{
	return r && i < r->nnamed ? &r->sigs[r->named[i]].info : NULL;
}

size_t ms_rules_scenario_count(const ms_rules *r)
{
	return r ? r->nscen : 0;
}

const ms_scenario_info *ms_rules_scenario(const ms_rules *r, size_t i)
{
	return r && i < r->nscen ? &r->scen[i].info : NULL;
}


size_t ms_signal_required_sets(const ms_rules *r, size_t signal, size_t pattern,
			       const char *const *const **sets)
{
	const ms_sig *sg;

	*sets = NULL;
	if (!r || signal >= r->nnamed)
		return 0;
	sg = &r->sigs[r->named[signal]];
	if (pattern >= sg->npats || !sg->nreqs[pattern])
		return 0;
	*sets = (const char *const *const *)sg->reqs[pattern];
	return sg->nreqs[pattern];
}
