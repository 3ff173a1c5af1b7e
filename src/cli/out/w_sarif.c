/* SARIF 2.1.0 for code-scanning dashboards: one result per finding, and one
 * per record that could not be screened. */
#include "config.h"

#include <string.h>

#include "sarif.h"
#include "writer.h"

#define SARIF_INPUT_ERROR "MS-INPUT-ERROR"

static void begin(out_buf *b, const out_ctx *o, const scan_totals *t)
{
	(void)t;
	sarif_open(b, 1);
	for (size_t i = 0; i < ms_rules_count(o->rules); i++) {
		const ms_rule *r = ms_rules_get(o->rules, i);
		sarif_rule d = { r->id, r->title, r->message, r->severity, r->dimension,
				 r->references, r->nreferences, 1 };
		sarif_rule_desc(b, &d, i == 0);
	}
	ob_adds(b, ",{\"id\":\"" SARIF_INPUT_ERROR "\",\"shortDescription\":{\"text\":\"Record "
		   "could not be screened\"},\"defaultConfiguration\":{\"level\":\"error\"}}");
	sarif_results(b);
}

static void end(out_buf *b, const out_ctx *o, const scan_totals *t)
{
	(void)o;
	sarif_close(b, !t->errors, NULL, 1);
}

static void input_error(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
			const char *msg)
{
	ob_adds(b, ",{\"ruleId\":\"" SARIF_INPUT_ERROR "\",\"level\":\"error\",\"kind\":\"fail\","
		   "\"message\":{\"text\":");
	ob_json_str(b, msg, strlen(msg));
	ob_add(b, "}", 1);
	sarif_location(b, o->fname, line);
	sarif_record_props(b, in->str[F_ID], 1, in->str[F_MODEL], in->str[F_PROMPT_ID]);
	ob_adds(b, "}}");
}

static void finding(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		    const ms_record *rec, const ms_finding *f)
{
	const ms_rule *r = f->rule;

	ob_adds(b, ",{\"ruleId\":");
	ob_json_str(b, r->id, strlen(r->id));
	ob_printf(b, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"kind\":\"fail\",\"message\":{\"text\":",
		  r->index, sarif_level(r->severity));
	ob_json_str(b, r->message, strlen(r->message));
	ob_add(b, "}", 1);
	sarif_location(b, o->fname, line);
	sarif_record_props(b, in->str[F_ID], 1, in->str[F_MODEL], in->str[F_PROMPT_ID]);
	ob_printf(b, ",\"dimension\":\"%s\",\"severity\":\"%s\",\"finding\":\"%s\",\"evidence\":[",
		  ms_dimension_name(r->dimension), ms_severity_name(r->severity),
		  ms_finding_kind_name(f->kind));
	for (size_t k = 0; k < f->nevidence; k++) {
		const ms_span *sp = &f->evidence[k];
		const char *txt = sp->in_prompt ? rec->prompt : rec->response;
		ob_printf(b, "%s{\"start\":%zu,\"end\":%zu,\"on\":\"%s\",\"text\":", k ? "," : "",
			  sp->start, sp->end, sp->in_prompt ? "prompt" : "response");
		ob_json_str(b, txt + sp->start, sp->end - sp->start > 200 ? 200 : sp->end - sp->start);
		ob_add(b, "}", 1);
	}
	ob_adds(b, "]}}");
}

/* Each result is written with a leading comma; `skip` drops the first. */
static void record(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		   const ms_record *rec, const ms_result *res, const char *error)
{
	if (!res || res->error) {
		const char *msg = out_error_message(res, error);
		input_error(b, o, in, line, msg ? msg : "unknown error");
		if (!res)
			return;
	}
	for (size_t i = 0; i < res->nfindings; i++)
		if (res->findings[i].kind != MS_FINDING_ERROR)
			finding(b, o, in, line, rec, &res->findings[i]);
}

const out_writer out_sarif = {
	.name = "sarif",
	.held = 1,
	.skip = 1,
	.begin = begin,
	.record = record,
	.end = end,
};
