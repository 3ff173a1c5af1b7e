/* The scan configuration file (see cliconfig.h), read with libyaml's document
 * loader and turned into the options it stands for. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

#include "cliconfig.h"
#include "util.h"
#include "xalloc.h"

typedef struct cfgread {
	yaml_document_t doc;
	const char *path;
	char **args;
	size_t n, cap;
	int has_rules;            /* the user gave --rules: the file's are not used */
} cfgread;

static int bad(const cfgread *c, const yaml_node_t *n, const char *what)
{
	cli_error("%s:%lu:%lu: %s", c->path, (unsigned long)n->start_mark.line + 1,
		  (unsigned long)n->start_mark.column + 1, what);
	return -1;
}

static void add(cfgread *c, const char *opt, const char *val)
{
	xgrow(&c->args, &c->cap, c->n + 2, sizeof *c->args);
	c->args[c->n++] = xstrdup(opt);
	c->args[c->n++] = xstrdup(val);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A string or a list of strings, each given to `opt`. */
static int strings(cfgread *c, const yaml_node_t *v, const char *opt, const char *what)
{
	if (scalar(v)) {
		add(c, opt, scalar(v));
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return bad(c, v, what);
	for (yaml_node_item_t *i = v->data.sequence.items.start; i < v->data.sequence.items.top; i++) {
		const yaml_node_t *e = yaml_document_get_node(&c->doc, *i);
		if (!scalar(e))
			return bad(c, e, what);
		add(c, opt, scalar(e));
	}
	return 0;
}

static int select_keys(cfgread *c, const yaml_node_t *v)
{
	static const char *const keys[][2] = { { "rules", "--rule" },
					       { "exclude_rules", "--exclude-rule" },
					       { "dimensions", "--dimension" },
					       { "tags", "--tag" } };

	if (v->type != YAML_MAPPING_NODE)
		return bad(c, v, "'select' must be a mapping of rules, exclude_rules, dimensions "
				 "and tags");
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
		const yaml_node_t *val = yaml_document_get_node(&c->doc, p->value);
		size_t i;

		for (i = 0; i < 4 && !(scalar(k) && strcmp(scalar(k), keys[i][0]) == 0); i++)
			;
		if (i == 4)
			return bad(c, k, "unknown key in 'select' (rules, exclude_rules, dimensions, "
					 "tags)");
		if (strings(c, val, keys[i][1], "expected a string or a list of strings"))
			return -1;
	}
	return 0;
}

static int severity_keys(cfgread *c, const yaml_node_t *v)
{
	if (v->type != YAML_MAPPING_NODE)
		return bad(c, v, "'severity' must be a mapping of rule globs to severities");
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		const char *k = scalar(yaml_document_get_node(&c->doc, p->key));
		const yaml_node_t *val = yaml_document_get_node(&c->doc, p->value);
		char *e;

		if (!k || !scalar(val))
			return bad(c, val, "expected RULE_GLOB: SEVERITY");
		e = xasprintf("%s=%s", k, scalar(val));
		add(c, "--severity", e);
		free(e);
	}
	return 0;
}

static int top_keys(cfgread *c, const yaml_node_t *root)
{
	if (root->type != YAML_MAPPING_NODE)
		return bad(c, root, "a configuration is a mapping (rules, prompts, format, fail_on, "
				    "select, severity)");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *kn = yaml_document_get_node(&c->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
		const char *k = scalar(kn);
		int rc;

		if (!k)
			return bad(c, kn, "keys must be strings");
		if (strcmp(k, "rules") == 0)
			rc = c->has_rules ? 0 : strings(c, v, "--rules", "expected a path or a list");
		else if (strcmp(k, "prompts") == 0 || strcmp(k, "format") == 0 ||
			 strcmp(k, "fail_on") == 0 || strcmp(k, "waivers") == 0)
			rc = scalar(v) ? (add(c, strcmp(k, "fail_on") == 0   ? "--fail-on"
					      : strcmp(k, "format") == 0 ? "--format"
					      : strcmp(k, "waivers") == 0 ? "--waivers"
									   : "--prompts",
					      scalar(v)),
					  0)
				       : bad(c, v, "expected a string");
		else if (strcmp(k, "select") == 0)
			rc = select_keys(c, v);
		else if (strcmp(k, "severity") == 0)
			rc = severity_keys(c, v);
		else
			rc = bad(c, kn, "unknown key (rules, prompts, format, fail_on, waivers, "
					"select, severity)");
		if (rc)
			return -1;
	}
	return 0;
}

int config_load(const char *path, int has_rules, char ***args, size_t *nargs)
{
	cfgread c = { .path = path, .has_rules = has_rules };
	yaml_parser_t parser;
	FILE *f = cli_open_input(path);
	int rc = -1;

	*args = NULL;
	*nargs = 0;
	if (!f)
		return -1;
	if (!yaml_parser_initialize(&parser))
		xoom();
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &c.doc)) {
		cli_error("%s:%lu:%lu: YAML syntax error: %s", path,
			  (unsigned long)parser.problem_mark.line + 1,
			  (unsigned long)parser.problem_mark.column + 1,
			  parser.problem ? parser.problem : "unknown");
	} else {
		const yaml_node_t *root = yaml_document_get_root_node(&c.doc);
		rc = root ? top_keys(&c, root) : 0; /* an empty file sets nothing */
		yaml_document_delete(&c.doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	if (rc) {
		for (size_t i = 0; i < c.n; i++)
			free(c.args[i]);
		free(c.args);
		return -1;
	}
	*args = c.args;
	*nargs = c.n;
	return 0;
}

const char *config_default_path(void)
{
	struct stat st;

	return stat(CONFIG_FILE_NAME, &st) == 0 && S_ISREG(st.st_mode) ? CONFIG_FILE_NAME : NULL;
}
