/* SARIF 2.1.0 for code-scanning dashboards: one result per finding, and one
 * per record that could not be screened. */
#include "config.h"

#include "sarif.h"
#include "writer.h"
#include "../util.h"

#define SARIF_INPUT_ERROR "MS-INPUT-ERROR"
/* Results per run GitHub code scanning accepts, and shows. */
#define SARIF_RESULTS_MAX 25000
#define SARIF_RESULTS_SHOWN 5000
#define EVIDENCE_TEXT_MAX 200

static void begin(out_buf *b, const out_ctx *o, const scan_totals *t)
{
	json_w w;

	(void)t;
	jw_init(&w, b);
	sarif_open(&w, 1);
	for (size_t i = 0; i < ms_rules_count(o->rules); i++) {
		const ms_rule *r = ms_rules_get(o->rules, i);
		sarif_rule d = { r->id, r->title, r->message, r->severity, r->dimension,
				 r->references, r->nreferences, 1 };
		sarif_rule_desc(&w, &d);
	}
	/* The rule of records that could not be screened. */
	jw_obj(&w);
	jw_key(&w, "id");
	jw_str(&w, SARIF_INPUT_ERROR);
	jw_key(&w, "shortDescription");
	jw_obj(&w);
	jw_key(&w, "text");
	jw_str(&w, "Record could not be screened");
	jw_obj_end(&w);
	jw_key(&w, "defaultConfiguration");
	jw_obj(&w);
	jw_key(&w, "level");
	jw_str(&w, "error");
	jw_obj_end(&w);
	jw_obj_end(&w);
	sarif_results(&w, o->fingerprint);
}

static void end(out_buf *b, const out_ctx *o, const scan_totals *t)
{
	json_w w;

	(void)o;
	jw_resume(&w, b, SARIF_IN_RESULTS);
	sarif_close(&w, !t->errors, -1, 1);
	/* GitHub code scanning's documented limits per run. */
	if (t->findings + t->errors > SARIF_RESULTS_MAX)
		cli_warning("the SARIF run holds %lu results: GitHub code scanning rejects a run of "
			    "more than %d; scan fewer records per file, or raise --fail-on",
			    t->findings + t->errors, SARIF_RESULTS_MAX);
	else if (t->findings + t->errors > SARIF_RESULTS_SHOWN)
		cli_note("the SARIF run holds %lu results: GitHub code scanning shows only the "
			 "first %d by severity", t->findings + t->errors, SARIF_RESULTS_SHOWN);
}

/* The start of a result, up to its open properties.  Each result is
 * written with a leading comma (the workers do not know which is first);
 * the writer's `skip` drops the first one. */
static void result_head(json_w *w, const out_ctx *o, const in_record *in, unsigned long line,
			const char *rule, long index, const char *level, const char *message)
{
	ob_add(w->b, ",", 1);
	jw_obj(w);
	jw_key(w, "ruleId");
	jw_str(w, rule);
	if (index >= 0) {
		jw_key(w, "ruleIndex");
		jw_uint(w, (unsigned long long)index);
	}
	jw_key(w, "level");
	jw_str(w, level);
	jw_key(w, "kind");
	jw_str(w, "fail");
	sarif_message(w, message);
	sarif_location(w, o->fname, line);
	sarif_partial_fingerprint(w, rule, in->str[F_MODEL], in->str[F_PROMPT_ID],
				  in->str[F_SAMPLE], in->str[F_ID]);
	sarif_record_props(w, in->str[F_ID], 1, in->str[F_MODEL], in->str[F_PROMPT_ID]);
}

static void evidence(json_w *w, const ms_record *rec, const ms_finding *f)
{
	jw_key(w, "evidence");
	jw_arr(w);
	for (size_t k = 0; k < f->nevidence; k++) {
		const ms_span *sp = &f->evidence[k];
		const char *txt = sp->in_prompt ? rec->prompt : rec->response;
		size_t n = sp->end - sp->start;

		jw_obj(w);
		jw_key(w, "start");
		jw_uint(w, sp->start);
		jw_key(w, "end");
		jw_uint(w, sp->end);
		jw_key(w, "on");
		jw_str(w, sp->in_prompt ? "prompt" : "response");
		jw_key(w, "text");
		/* Cut at a byte count: a split character is shown as U+FFFD. */
		jw_strn(w, txt + sp->start, n > EVIDENCE_TEXT_MAX ? EVIDENCE_TEXT_MAX : n);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void finding(json_w *w, const out_ctx *o, const in_record *in, unsigned long line,
		    const ms_record *rec, const ms_finding *f, const char *waiver)
{
	const ms_rule *r = f->rule;

	result_head(w, o, in, line, r->id, (long)r->index, sarif_level(r->severity), r->message);
	jw_key(w, "dimension");
	jw_str(w, ms_dimension_name(r->dimension));
	jw_key(w, "severity");
	jw_str(w, ms_severity_name(r->severity));
	jw_key(w, "finding");
	jw_str(w, ms_finding_kind_name(f->kind));
	evidence(w, rec, f);
	jw_obj_end(w);     /* properties */
	if (waiver) {
		/* A reviewed and accepted finding: code-scanning services show it
		 * as dismissed, with the reason. */
		jw_key(w, "suppressions");
		jw_arr(w);
		jw_obj(w);
		jw_key(w, "kind");
		jw_str(w, "external");
		jw_key(w, "status");
		jw_str(w, "accepted");
		jw_key(w, "justification");
		jw_str(w, waiver);
		jw_obj_end(w);
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

static void record(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		   const ms_record *rec, const ms_result *res, const char *error)
{
	json_w w;

	jw_init(&w, b);
	if (!res || res->error) {
		const char *msg = out_error_message(res, error);
		result_head(&w, o, in, line, SARIF_INPUT_ERROR, -1, "error",
			    msg ? msg : "unknown error");
		jw_obj_end(&w);
		jw_obj_end(&w);
		if (!res)
			return;
	}
	for (size_t i = 0; i < res->nfindings; i++)
		if (res->findings[i].kind != MS_FINDING_ERROR)
			finding(&w, o, in, line, rec, &res->findings[i],
				in->waived && in->waived[i] ? in->waiver[i] : NULL);
}

const out_writer out_sarif = {
	.name = "sarif",
	.held = 1,
	.skip = 1,
	.begin = begin,
	.record = record,
	.end = end,
};
