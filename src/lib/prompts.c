/* The prompt set: the stress-test prompts with their tags, joined to
 * records by prompt_id.  It reuses the compiler's typed YAML access and
 * diagnostics. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"

/* The prompt set reuses the compiler's typed YAML access and diagnostics; its
 * strings live in the allocation list of a private ms_rules object. */
struct ms_prompts {
	ms_rules *store;
	ms_prompt *v;
	size_t n;
	size_t *sorted;   /* indices of v sorted by id */
};

static const ms_prompts *cmp_ctx;

static int cmp_prompt(const void *a, const void *b)
{
	return strcmp(cmp_ctx->v[*(const size_t *)a].id, cmp_ctx->v[*(const size_t *)b].id);
}

void ms_prompts_destroy(ms_prompts *p)
{
	if (!p)
		return;
	ms_rules_destroy(p->store);
	free(p->v);
	free(p->sorted);
	free(p);
}

static int parse_prompts(ms_compiler *c, ynode *root, ms_prompts *p)
{
	field top[] = { { "prompts" }, { NULL } };
	ynode *list;

	if (cc_fields(c, root, "a prompt file", NULL, top))
		return 0;
	list = top[0].val;
	if (!list) {
		cc_err(c, root, NULL, "a prompt file needs a 'prompts' list");
		return 0;
	}
	if (list->kind != YN_SEQ) {
		cc_err(c, list, NULL, "'prompts' must be a list");
		return 0;
	}
	p->v = calloc(list->n ? list->n : 1, sizeof *p->v);
	if (!p->v)
		return -1;
	for (size_t i = 0; i < list->n; i++) {
		field f[] = { { "id" }, { "dimension" }, { "title" }, { "text" }, { "tags" },
			      { NULL } };
		ynode *n = list->items[i];
		ms_prompt *pr = &p->v[p->n];
		const char *s;
		char **tags = NULL;

		if (cc_fields(c, n, "a prompt", NULL, f))
			continue;
		if (!(s = cc_need_str(c, &f[0], n, "a prompt", NULL)))
			continue;
		if (!(pr->id = cc_strdup(c, s)))
			return -1;
		if ((s = cc_need_str(c, &f[1], n, "a prompt", pr->id))) {
			if (ms_dimension_parse(s) < 0)
				cc_err(c, f[1].val, pr->id, "unknown dimension '%s'", s);
			if (!(pr->dimension = cc_strdup(c, s)))
				return -1;
		}
		if ((s = cc_need_str(c, &f[2], n, "a prompt", pr->id)) && !(pr->title = cc_strdup(c, s)))
			return -1;
		if ((s = cc_need_str(c, &f[3], n, "a prompt", pr->id)) && !(pr->text = cc_strdup(c, s)))
			return -1;
		if (cc_strlist(c, &f[4], pr->id, &tags, &pr->ntags))
			return -1;
		pr->tags = (const char *const *)tags;
		for (size_t k = 0; k < pr->ntags; k++)
			if (!cc_valid_id(tags[k], 0))
				cc_err(c, f[4].val, pr->id, "tag '%s' must match [a-z][a-z0-9_]*", tags[k]);
		for (size_t k = 0; k < p->n; k++)
			if (strcmp(p->v[k].id, pr->id) == 0) {
				cc_err(c, f[0].val, pr->id, "duplicate prompt id '%s'", pr->id);
				break;
			}
		p->n++;
	}
	return 0;
}

ms_status ms_prompts_load(ms_prompts **out, const char *path, ms_diag_fn diag, void *userdata)
{
	ms_compiler *c = NULL;
	ms_prompts *p = NULL;
	ynode *root = NULL;
	char *buf = NULL;
	size_t len;
	ms_status st;

	if (!out || !path)
		return MS_ERR_USAGE;
	*out = NULL;
	st = ms_compiler_create(&c, NULL, diag, userdata);
	if (st)
		return st;
	c->file = cc_strdup(c, path);
	p = calloc(1, sizeof *p);
	if (!c->file || !p) {
		st = MS_ERR_NOMEM;
		goto done;
	}
	if (!ms_read_file(path, &buf, &len, MS_YAML_MAX_FILE)) {
		cc_err(c, NULL, NULL, "cannot read prompt set: %s", ms_read_error(errno));
		st = MS_ERR_IO;
		goto done;
	}
	root = ms_ytree_parse(buf, len, cc_yreport, c);
	if (!root) {
		st = MS_ERR_PROMPTS;
		goto done;
	}
	if (parse_prompts(c, root, p)) {
		st = MS_ERR_NOMEM;
		goto done;
	}
	if (c->errors) {
		st = MS_ERR_PROMPTS;
		goto done;
	}
	p->sorted = calloc(p->n ? p->n : 1, sizeof *p->sorted);
	if (!p->sorted) {
		st = MS_ERR_NOMEM;
		goto done;
	}
	for (size_t i = 0; i < p->n; i++)
		p->sorted[i] = i;
	cmp_ctx = p;
	qsort(p->sorted, p->n, sizeof *p->sorted, cmp_prompt);
	cmp_ctx = NULL;
	p->store = c->r;
	c->r = NULL;
	*out = p;
	p = NULL;
	st = MS_OK;
done:
	ms_ytree_free(root);
	free(buf);
	ms_prompts_destroy(p);
	ms_compiler_destroy(c);
	return st;
}

const ms_prompt *ms_prompts_find(const ms_prompts *p, const char *id)
{
	size_t lo = 0, hi;

	if (!p || !id)
		return NULL;
	hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, p->v[p->sorted[mid]].id);
		if (c == 0)
			return &p->v[p->sorted[mid]];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t ms_prompts_count(const ms_prompts *p)
{
	return p ? p->n : 0;
}

const ms_prompt *ms_prompts_get(const ms_prompts *p, size_t i)
{
	return p && i < p->n ? &p->v[i] : NULL;
}
