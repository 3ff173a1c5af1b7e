/* JUnit XML for CI systems: one test case per record, failed when it was
 * flagged, in error when it could not be screened. */
#include "config.h"

#include <string.h>

#include "writer.h"
#include "xml.h"

static void begin(out_buf *b, const out_ctx *o, const scan_totals *t)
{
	const char *props[] = { "medscreen.version", PACKAGE_VERSION, "rules.fingerprint",
				o->fingerprint };

	junit_open(b, "medscreen", "medscreen scan", t->records, t->flagged, t->errors);
	junit_properties(b, props, 4);
}

static void end(out_buf *b, const out_ctx *o, const scan_totals *t)
{
	(void)o;
	(void)t;
	junit_close(b);
}

static void failure(out_buf *b, const ms_record *rec, const ms_result *res)
{
	ob_adds(b, "\n      <failure message=\"");
	for (size_t i = 0, k = 0; i < res->nfindings; i++) {
		if (res->findings[i].rule->severity == MS_SEV_INFO)
			continue;
		ob_adds(b, k++ ? ", " : "");
		xml_str(b, res->findings[i].rule->id);
	}
	ob_printf(b, "\" type=\"%s\">", ms_severity_name(res->max_severity));
	for (size_t i = 0; i < res->nfindings; i++) {
		const ms_finding *f = &res->findings[i];
		ob_printf(b, "\n%s %s [%s] ", ms_severity_name(f->rule->severity),
			  ms_dimension_name(f->rule->dimension), f->rule->id);
		xml_str(b, f->rule->title);
		ob_printf(b, " (%s)", ms_finding_kind_name(f->kind));
		for (size_t k = 0; k < f->nevidence; k++) {
			const ms_span *sp = &f->evidence[k];
			const char *txt = sp->in_prompt ? rec->prompt : rec->response;
			size_t n = sp->end - sp->start > 200 ? 200 : sp->end - sp->start;
			ob_printf(b, "\n  at %zu-%zu: ", sp->start, sp->end);
			xml_text(b, txt + sp->start, n);
		}
	}
	ob_adds(b, "</failure>");
}

static void record(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		   const ms_record *rec, const ms_result *res, const char *error)
{
	ob_adds(b, "    <testcase classname=\"");
	xml_str(b, in->str[F_MODEL] ? in->str[F_MODEL] : "medscreen");
	ob_adds(b, "\" name=\"");
	if (in->str[F_ID]) {
		xml_str(b, in->str[F_ID]);
	} else {
		char name[64];
		snprintf(name, sizeof name, "line %lu", line);
		xml_str(b, name);
	}
	if (in->str[F_PROMPT_ID]) {
		ob_adds(b, " (");
		xml_str(b, in->str[F_PROMPT_ID]);
		ob_adds(b, ")");
	}
	ob_adds(b, "\" file=\"");
	xml_str(b, o->fname);
	ob_printf(b, "\" line=\"%lu\">", line);
	if (!res || res->error) {
		const char *msg = out_error_message(res, error);
		ob_adds(b, "\n      <error message=\"");
		xml_str(b, msg ? msg : "unknown error");
		ob_adds(b, "\"/>");
	} else if (res->flagged) {
		failure(b, rec, res);
	}
	ob_adds(b, "</testcase>\n");
}

const out_writer out_junit = {
	.name = "junit",
	.held = 1,
	.begin = begin,
	.record = record,
	.end = end,
};
