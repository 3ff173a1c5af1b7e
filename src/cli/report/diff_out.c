/* medscreen diff's renderers: text, JSON, JUnit XML and SARIF. */
#include "config.h"

#include <string.h>

#include "diff.h"
#include "../out/json.h"
#include "../out/sarif.h"
#include "../out/xml.h"

const char *const diff_format_names[] = { "text", "json", "junit", "sarif", NULL };

static void text_dimensions(out_buf *b, const diff_result *d)
{
	ob_printf(b, "%-16s %9s %9s %9s %9s %9s %9s %9s  %s\n", "dimension", "baseline",
		  "candidate", "change", "new", "resolved", "p", "Holm p", "verdict");
	for (int k = 0; k < MS_DIM_COUNT; k++) {
		const dimstat *x = &d->ds[k];
		ob_printf(b, "%-16s %8.1f%% %8.1f%% %+7.1fpp %9lu %9lu %9.4f %9.4f  %s: %s\n",
			  ms_dimension_name((ms_dimension)k), 100 * x->base_rate, 100 * x->cand_rate,
			  x->delta_pp, x->cand_only, x->base_only, x->p, x->p_holm,
			  x->regression ? "REGRESSION" : "ok", x->why);
	}
	ob_printf(b, "(new: flagged in the candidate only; resolved: in the baseline only; a "
		     "dimension fails when its rise exceeds the tolerance %.1fpp and its "
		     "Holm-adjusted McNemar p is at most alpha %g)\n",
		  d->tol, d->alpha);
}

static void text_rule_list(out_buf *b, const char *what, char *const *ids, size_t n)
{
	if (!n)
		return;
	ob_printf(b, "  %s", what);
	for (size_t i = 0; i < n; i++)
		ob_printf(b, " %s", ids[i]);
	ob_add(b, "\n", 1);
}

static void render_text(out_buf *b, const diff_result *d)
{
	ob_printf(b, "baseline:  %s (%zu records)\ncandidate: %s (%zu records)\n",
		  d->base_name, d->base.n, d->cand_name, d->cand.n);
	for (size_t i = 0; i < d->nrenames; i++)
		ob_printf(b, "paired:    baseline model %s with candidate model %s%s\n",
			  d->renames[i].base, d->renames[i].cand,
			  d->auto_renamed ? " (one model in each scan)" : "");
	if (d->base_pack && d->cand_pack && strcmp(d->base_pack, d->cand_pack) != 0) {
		ob_printf(b, "RULE PACK CHANGED: baseline %s\n                   candidate %s\n",
			  d->base_pack, d->cand_pack);
		text_rule_list(b, "rules added:  ", d->rules_added, d->nadded);
		text_rule_list(b, "rules removed:", d->rules_removed, d->nremoved);
		text_rule_list(b, "rules changed:", d->rules_changed, d->nchanged);
	}
	else if (d->base_pack)
		ob_printf(b, "rules:     %s\n", d->base_pack);
	ob_printf(b, "%lu pairs by %s, %lu records unpaired\n\n", d->npaired,
		  diff_pair_keys(d->pair_by), d->nunpaired);
	text_dimensions(b, d);
	for (int k = 0; k < 2; k++) {
		const changes *ch = k ? &d->removed : &d->added;
		ob_printf(b, "\n%s (%zu)\n", k ? "Rules no longer fired" : "Rules newly fired", ch->n);
		for (size_t i = 0; i < ch->n; i++)
			ob_printf(b, "  %s [%s, %s] x%lu: %s\n", ch->v[i].rule,
				  ms_dimension_name(ch->v[i].dimension),
				  ms_severity_name(ch->v[i].severity), ch->v[i].count, ch->v[i].where.data);
	}
	ob_printf(b, "\nUnpaired records (%lu)\n", d->nunpaired);
	for (unsigned long i = 0; i < d->nunpaired; i++) {
		const unpaired_rec *u = &d->unpaired[i];
		ob_printf(b, "  %s %s:%lu: %s (%s)\n", u->candidate ? "candidate" : "baseline ",
			  u->k->rec->file, u->k->rec->line, u->k->key, u->why);
	}
	ob_printf(b, "\n%s\n", d->regression ? "Result: REGRESSION" : "Result: no regression");
}

static void json_dimension(json_w *w, const dimstat *x)
{
	jw_obj(w);
	jw_key(w, "baseline_rate");
	jw_fixed(w, x->base_rate, 4);
	jw_key(w, "candidate_rate");
	jw_fixed(w, x->cand_rate, 4);
	jw_key(w, "change_pp");
	jw_fixed(w, x->delta_pp, 2);
	jw_key(w, "new");
	jw_uint(w, x->cand_only);
	jw_key(w, "resolved");
	jw_uint(w, x->base_only);
	jw_key(w, "both");
	jw_uint(w, x->both);
	jw_key(w, "neither");
	jw_uint(w, x->neither);
	jw_key(w, "mcnemar_p");
	jw_fixed(w, x->p, 6);
	jw_key(w, "mcnemar_p_holm");
	jw_fixed(w, x->p_holm, 6);
	jw_key(w, "regression");
	jw_bool(w, x->regression);
	jw_key(w, "reason");
	jw_str(w, x->why);
	jw_obj_end(w);
}

static void json_changes(json_w *w, const char *key, const changes *ch)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t i = 0; i < ch->n; i++) {
		jw_obj(w);
		jw_key(w, "rule");
		jw_str(w, ch->v[i].rule);
		jw_key(w, "dimension");
		jw_str(w, ms_dimension_name(ch->v[i].dimension));
		jw_key(w, "severity");
		jw_str(w, ms_severity_name(ch->v[i].severity));
		jw_key(w, "count");
		jw_uint(w, ch->v[i].count);
		jw_key(w, "pairs");
		jw_strn(w, ch->v[i].where.data, ch->v[i].where.len);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void json_unpaired(json_w *w, const unpaired_rec *u)
{
	jw_obj(w);
	jw_key(w, "side");
	jw_str(w, u->candidate ? "candidate" : "baseline");
	jw_key(w, "file");
	jw_str(w, u->k->rec->file);
	jw_key(w, "line");
	jw_uint(w, u->k->rec->line);
	jw_key(w, "key");
	jw_str(w, u->k->key);
	jw_key(w, "reason");
	jw_str(w, u->why);
	jw_obj_end(w);
}

static void render_json(out_buf *b, const diff_result *d)
{
	json_w w;

	jw_init(&w, b);
	jw_obj(&w);
	jw_key(&w, "pairs");
	jw_uint(&w, d->npaired);
	jw_key(&w, "unpaired");
	jw_uint(&w, d->nunpaired);
	jw_key(&w, "tolerance_pp");
	jw_g(&w, d->tol);
	jw_key(&w, "alpha");
	jw_g(&w, d->alpha);
	jw_key(&w, "baseline_rules_fingerprint");
	if (d->base_pack)
		jw_str(&w, d->base_pack);
	else
		jw_null(&w);
	jw_key(&w, "candidate_rules_fingerprint");
	if (d->cand_pack)
		jw_str(&w, d->cand_pack);
	else
		jw_null(&w);
	if (d->base_rules_path && d->cand_rules_path && d->base_pack && d->cand_pack &&
	    strcmp(d->base_pack, d->cand_pack) != 0) {
		const char *keys[] = { "added", "removed", "changed" };
		char *const *lists[] = { d->rules_added, d->rules_removed, d->rules_changed };
		size_t ns[] = { d->nadded, d->nremoved, d->nchanged };

		jw_key(&w, "rule_changes");
		jw_obj(&w);
		for (int k = 0; k < 3; k++) {
			jw_key(&w, keys[k]);
			jw_arr(&w);
			for (size_t i = 0; i < ns[k]; i++)
				jw_str(&w, lists[k][i]);
			jw_arr_end(&w);
		}
		jw_obj_end(&w);
	}
	jw_key(&w, "pair_by");
	jw_str(&w, diff_pair_keys(d->pair_by));
	jw_key(&w, "renames");
	jw_arr(&w);
	for (size_t i = 0; i < d->nrenames; i++) {
		jw_obj(&w);
		jw_key(&w, "baseline_model");
		jw_str(&w, d->renames[i].base);
		jw_key(&w, "candidate_model");
		jw_str(&w, d->renames[i].cand);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_key(&w, "regression");
	jw_bool(&w, d->regression);
	jw_key(&w, "dimensions");
	jw_obj(&w);
	for (int k = 0; k < MS_DIM_COUNT; k++) {
		jw_key(&w, ms_dimension_name((ms_dimension)k));
		json_dimension(&w, &d->ds[k]);
	}
	jw_obj_end(&w);
	json_changes(&w, "rules_newly_fired", &d->added);
	json_changes(&w, "rules_no_longer_fired", &d->removed);
	jw_key(&w, "unpaired_records");
	jw_arr(&w);
	for (unsigned long i = 0; i < d->nunpaired; i++)
		json_unpaired(&w, &d->unpaired[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	ob_adds(b, "\n");
}

/* One test case per dimension, failed on a regression, with the rules that
 * newly fired on it. */
static void render_junit(out_buf *b, const diff_result *d)
{
	unsigned long fails = 0;

	for (int k = 0; k < MS_DIM_COUNT; k++)
		fails += (unsigned long)d->ds[k].regression;
	{
		const char *props[] = { "medscreen.version", PACKAGE_VERSION,
					"rules.fingerprint.baseline", d->base_pack,
					"rules.fingerprint.candidate", d->cand_pack };
		junit_open(b, "medscreen diff", "medscreen diff", MS_DIM_COUNT, fails, 0);
		junit_properties(b, props, 6);
	}
	for (int k = 0; k < MS_DIM_COUNT; k++) {
		const dimstat *x = &d->ds[k];
		ob_printf(b, "    <testcase classname=\"medscreen.diff\" name=\"%s flag rate\">",
			  ms_dimension_name((ms_dimension)k));
		if (x->regression) {
			ob_printf(b, "\n      <failure message=\"flag rate %.1f%% -&gt; %.1f%% "
				     "(%+.1fpp, tolerance %.1fpp, McNemar p=%.4f, Holm p=%.4f, "
				     "alpha %g)\" type=\"regression\">",
				  100 * x->base_rate, 100 * x->cand_rate, x->delta_pp, d->tol, x->p,
				  x->p_holm, d->alpha);
			for (size_t i = 0; i < d->added.n; i++) {
				if (d->added.v[i].dimension != (ms_dimension)k)
					continue;
				ob_printf(b, "\nnewly fired %s x%lu: ", d->added.v[i].rule,
					  d->added.v[i].count);
				xml_text(b, d->added.v[i].where.data, d->added.v[i].where.len);
			}
			ob_adds(b, "</failure>");
		}
		ob_adds(b, "</testcase>\n");
	}
	junit_close(b);
}

static void sarif_result(json_w *w, const rulechange *rc, size_t index, const scan_rec *r)
{
	jw_obj(w);
	jw_key(w, "ruleId");
	jw_str(w, rc->rule);
	jw_key(w, "ruleIndex");
	jw_uint(w, index);
	jw_key(w, "level");
	jw_str(w, sarif_level(rc->severity));
	sarif_message(w, rc->message ? rc->message : rc->rule);
	jw_key(w, "baselineState");
	jw_str(w, "new");
	sarif_location(w, r->file, r->line);
	sarif_partial_fingerprint(w, rc->rule, r->model, r->prompt_id, r->sample, r->id);
	sarif_record_props(w, r->id, 0, NULL, r->prompt_id);
	jw_obj_end(w);     /* properties */
	jw_obj_end(w);
}

/* One result per finding that is new in the candidate, located at the
 * candidate record's line; the rules involved in the tool's driver. */
static void render_sarif(out_buf *b, const diff_result *d)
{
	const changes *added = &d->added;
	json_w w;

	jw_init(&w, b);
	sarif_open(&w, 0);
	for (size_t i = 0; i < added->n; i++) {
		const rulechange *rc = &added->v[i];
		sarif_rule desc = { rc->rule, NULL, rc->message, rc->severity, rc->dimension, NULL, 0, 0 };
		sarif_rule_desc(&w, &desc);
	}
	sarif_results(&w, d->cand_pack);
	for (size_t i = 0; i < added->n; i++)
		for (unsigned long k = 0; k < added->v[i].count; k++)
			sarif_result(&w, &added->v[i], i, added->v[i].recs[k]);
	sarif_close(&w, 1, d->regression, 0);
}

void diff_render(out_buf *b, diff_format fmt, const diff_result *d)
{
	switch (fmt) {
	case D_TEXT: render_text(b, d); break;
	case D_JSON: render_json(b, d); break;
	case D_JUNIT: render_junit(b, d); break;
	case D_SARIF: render_sarif(b, d); break;
	}
}
