/* medscreen rules: list the rules; as JSON, also every signal as compiled. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "../rules.h"
#include "../out/json.h"
#include "describe.h"
#include "../xalloc.h"

static void str_list(json_w *w, const char *key, const char *const *v, size_t n)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, v[i]);
	jw_arr_end(w);
}

static void print_text(const ms_rules *rules)
{
	size_t w = 4;

	for (size_t i = 0; i < ms_rules_count(rules); i++) {
		size_t l = strlen(ms_rules_get(rules, i)->id);
		if (l > w)
			w = l;
	}
	printf("%-*s  %-15s  %-8s  %s\n", (int)w, "ID", "DIMENSION", "SEVERITY", "TITLE");
	for (size_t i = 0; i < ms_rules_count(rules); i++) {
		const ms_rule *r = ms_rules_get(rules, i);
		printf("%-*s  %-15s  %-8s  %s\n", (int)w, r->id, ms_dimension_name(r->dimension),
		       ms_severity_name(r->severity), r->title);
	}
}

static void rule_json(json_w *w, const ms_rule *r)
{
	jw_obj(w);
	jw_key(w, "id");
	jw_str(w, r->id);
	jw_key(w, "dimension");
	jw_str(w, ms_dimension_name(r->dimension));
	jw_key(w, "severity");
	jw_str(w, ms_severity_name(r->severity));
	jw_key(w, "title");
	jw_str(w, r->title);
	jw_key(w, "message");
	jw_str(w, r->message);
	str_list(w, "references", r->references, r->nreferences);
	jw_key(w, "file");
	jw_str(w, r->file);
	jw_key(w, "line");
	jw_uint(w, r->line);
	jw_obj_end(w);
}

/* Per pattern: its prefilter literals (its first required set), and all
 * its required sets, as the library's describe call gives them. */
static void signal_literals(json_w *w, const ms_rules *rules, size_t si,
			    const ms_signal_info *s)
{
	jw_key(w, "literals");
	jw_arr(w);
	for (size_t k = 0; k < s->npatterns; k++) {
		const char *const *const *sets;
		const char *const *lits = ms_signal_required_sets(rules, si, k, &sets) ? sets[0] : NULL;

		jw_arr(w);
		for (size_t q = 0; lits && lits[q]; q++)
			jw_str(w, lits[q]);
		jw_arr_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "required");
	jw_arr(w);
	for (size_t k = 0; k < s->npatterns; k++) {
		const char *const *const *sets;
		size_t nsets = ms_signal_required_sets(rules, si, k, &sets);

		jw_arr(w);
		for (size_t q = 0; q < nsets; q++) {
			jw_arr(w);
			for (size_t m = 0; sets[q][m]; m++)
				jw_str(w, sets[q][m]);
			jw_arr_end(w);
		}
		jw_arr_end(w);
	}
	jw_arr_end(w);
}

static void signal_json(json_w *w, const ms_rules *rules, size_t si, const ms_signal_info *s)
{
	jw_obj(w);
	jw_key(w, "id");
	jw_str(w, s->id);
	jw_key(w, "on");
	jw_str(w, s->on_prompt ? "prompt" : "response");
	str_list(w, "keywords", s->keywords, s->nkeywords);
	str_list(w, "patterns", s->patterns, s->npatterns);
	signal_literals(w, rules, si, s);
	jw_obj_end(w);
}

static void print_json(const ms_rules *rules)
{
	out_buf b = { 0 };
	json_w w;

	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "rules");
	jw_arr(&w);
	for (size_t i = 0; i < ms_rules_count(rules); i++)
		rule_json(&w, ms_rules_get(rules, i));
	jw_arr_end(&w);
	jw_key(&w, "signals");
	jw_arr(&w);
	for (size_t i = 0; i < ms_rules_signal_count(rules); i++)
		signal_json(&w, rules, i, ms_rules_signal(rules, i));
	jw_arr_end(&w);
	jw_obj_end(&w);
	ob_adds(&b, "\n");
	ob_write(&b, stdout);
	ob_free(&b);
}

int cmd_rules(int argc, char **argv)
{
	static const char usage[] =
		"Usage: medscreen rules [--rules PATH]... [--format text|json | --fingerprint]\n"
		"List the rules (id, dimension, severity, title); with --format json, also every\n"
		"signal's keywords and regexes exactly as compiled, with their prefilter literals\n"
		"and all their required sets.  --fingerprint prints only the pack's fingerprint\n"
		"(SHA-256 of what decides a scan's output; see medscreen-rules(5)), the value\n"
		"scan writes in every record's rules_fingerprint.\n";
	rule_opts ro = { 0 };
	ms_rules *rules = NULL;
	int json = 0, rc = rule_cmd_parse(argc, argv, &ro, usage, NULL, &json);

	if (rc) {
		rc = rc > 0 ? CLI_EXIT_CLEAR : CLI_EXIT_TROUBLE;
	} else if (!(rules = load_rules(&ro))) {
		rc = CLI_EXIT_TROUBLE;
	} else {
		char fp[65];

		if (json == RULES_OUT_FINGERPRINT) {
			if (ms_rules_fingerprint(rules, fp) != MS_OK)
				xoom();
			printf("%s\n", fp);
		} else if (json == RULES_OUT_JSON) {
			print_json(rules);
		} else {
			print_text(rules);
		}
		rc = CLI_EXIT_CLEAR;
	}
	ms_rules_destroy(rules);
	rule_opts_free(&ro);
	return rc;
}
