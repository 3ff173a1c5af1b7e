/* Scan output formats for other tools: CSV for the two review rounds in a
 * spreadsheet, SARIF 2.1.0 for code-scanning dashboards, JUnit XML for CI
 * systems.  Records are emitted one by one like JSON Lines; SARIF and JUnit
 * bodies are then wrapped by a header and footer once the run is over. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---------------- CSV (RFC 4180) ---------------- */

static void csv_field(out_buf *b, const char *s, size_t n, int last)
{
	ob_csv_field(b, s, n);
	ob_adds(b, last ? "\r\n" : ",");
}

static void csv_str(out_buf *b, const char *s, int last)
{
	csv_field(b, s ? s : "", s ? strlen(s) : 0, last);
}

void emit_csv_header(out_buf *b)
{
	ob_adds(b, "id,model,prompt_id,line,status,score,flagged_dimensions,rules,evidence,error,"
		   "reviewer_1,reviewer_2,consensus,notes\r\n");
}

#define CSV_EXCERPT 120

void emit_csv(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
	      const ms_record *rec, const ms_result *res, const char *error)
{
	out_buf t = { 0 };
	char num[32];

	csv_str(b, in->str[F_ID], 0);
	csv_str(b, in->str[F_MODEL], 0);
	csv_str(b, in->str[F_PROMPT_ID], 0);
	snprintf(num, sizeof num, "%lu", line);
	csv_str(b, num, 0);
	if (!res) {
		csv_str(b, "error", 0);
		csv_str(b, "", 0);
		csv_str(b, "", 0);
		csv_str(b, "", 0);
		csv_str(b, "", 0);
		csv_str(b, error ? error : "unknown error", 0);
	} else {
		csv_str(b, res->error ? "error" : res->flagged ? "flagged" : "clear", 0);
		snprintf(num, sizeof num, "%u", res->score);
		csv_str(b, num, 0);
		for (int d = 0; d < MS_DIM_COUNT; d++)
			if (res->dim_flagged[d])
				ob_printf(&t, "%s%s", t.len ? ";" : "", ms_dimension_name((ms_dimension)d));
		csv_field(b, t.data ? t.data : "", t.len, 0);
		t.len = 0;
		for (size_t i = 0; i < res->nfindings; i++)
			ob_printf(&t, "%s%s", t.len ? ";" : "", res->findings[i].rule->id);
		csv_field(b, t.data ? t.data : "", t.len, 0);
		t.len = 0;
		/* One excerpt per finding: the first evidence span, or the kind. */
		for (size_t i = 0; i < res->nfindings; i++) {
			const ms_finding *f = &res->findings[i];
			if (t.len)
				ob_adds(&t, " | ");
			ob_printf(&t, "%s: ", f->rule->id);
			if (f->kind == MS_FINDING_ERROR) {
				ob_adds(&t, f->error);
			} else if (f->nevidence) {
				const ms_span *sp = &f->evidence[0];
				const char *txt = sp->in_prompt ? rec->prompt : rec->response;
				size_t n = sp->end - sp->start;
				if (n > CSV_EXCERPT) {
					n = CSV_EXCERPT;
					while (n > 0 && ((unsigned char)txt[sp->start + n] & 0xC0) == 0x80)
						n--;
				}
				ob_add(&t, "\"", 1);
				ob_add(&t, txt + sp->start, n);
				ob_adds(&t, n < sp->end - sp->start ? "...\"" : "\"");
			} else {
				ob_adds(&t, "(missing)");
			}
		}
		csv_field(b, t.data ? t.data : "", t.len, 0);
		t.len = 0;
		if (res->error) {
			for (size_t i = 0; i < res->nfindings; i++)
				if (res->findings[i].kind == MS_FINDING_ERROR) {
					ob_adds(&t, res->findings[i].error);
					break;
				}
		}
		csv_field(b, t.data ? t.data : "", t.len, 0);
	}
	/* Empty columns for the two review rounds. */
	ob_adds(b, ",,,\r\n");
	ob_free(&t);
	(void)o;
}

/* ---------------- SARIF 2.1.0 ---------------- */

static const char *sarif_level(ms_severity s)
{
	switch (s) {
	case MS_SEV_CRITICAL:
	case MS_SEV_HIGH: return "error";
	case MS_SEV_MEDIUM: return "warning";
	default: return "note";
	}
}

#define SARIF_INPUT_ERROR "MS-INPUT-ERROR"

static void sarif_location(out_buf *b, const out_ctx *o, unsigned long line)
{
	ob_adds(b, ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
	ob_json_str(b, o->fname, strlen(o->fname));
	ob_printf(b, "},\"region\":{\"startLine\":%lu}}}]", line);
}

static void sarif_record_props(out_buf *b, const in_record *in)
{
	ob_adds(b, ",\"properties\":{\"record\":");
	if (in->str[F_ID])
		ob_json_str(b, in->str[F_ID], strlen(in->str[F_ID]));
	else
		ob_adds(b, "null");
	ob_adds(b, ",\"model\":");
	if (in->str[F_MODEL])
		ob_json_str(b, in->str[F_MODEL], strlen(in->str[F_MODEL]));
	else
		ob_adds(b, "null");
	ob_adds(b, ",\"prompt_id\":");
	if (in->str[F_PROMPT_ID])
		ob_json_str(b, in->str[F_PROMPT_ID], strlen(in->str[F_PROMPT_ID]));
	else
		ob_adds(b, "null");
}

/* Each result is written with a leading comma; the first one's is dropped
 * when the body is copied into the document. */
void emit_sarif(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		const ms_record *rec, const ms_result *res, const char *error)
{
	const char *msg = error;

	if (!res || res->error) {
		if (!msg && res)
			for (size_t i = 0; i < res->nfindings && !msg; i++)
				if (res->findings[i].kind == MS_FINDING_ERROR)
					msg = res->findings[i].error;
		ob_adds(b, ",{\"ruleId\":\"" SARIF_INPUT_ERROR "\",\"level\":\"error\",\"kind\":\"fail\","
			   "\"message\":{\"text\":");
		ob_json_str(b, msg ? msg : "unknown error", strlen(msg ? msg : "unknown error"));
		ob_add(b, "}", 1);
		sarif_location(b, o, line);
		sarif_record_props(b, in);
		ob_adds(b, "}}");
		if (!res)
			return;
	}
	for (size_t i = 0; i < res->nfindings; i++) {
		const ms_finding *f = &res->findings[i];
		const ms_rule *r = f->rule;
		size_t idx = r->index;

		if (f->kind == MS_FINDING_ERROR)
			continue;
		ob_adds(b, ",{\"ruleId\":");
		ob_json_str(b, r->id, strlen(r->id));
		ob_printf(b, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"kind\":\"fail\",\"message\":{\"text\":",
			  idx, sarif_level(r->severity));
		ob_json_str(b, r->message, strlen(r->message));
		ob_add(b, "}", 1);
		sarif_location(b, o, line);
		sarif_record_props(b, in);
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
}

void sarif_header(FILE *f, const ms_rules *rules)
{
	out_buf b = { 0 };

	ob_adds(&b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
		    "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"medscreen\","
		    "\"version\":\"" PACKAGE_VERSION "\",\"semanticVersion\":\"" PACKAGE_VERSION "\","
		    "\"informationUri\":\"" PACKAGE_URL "\",\"rules\":[");
	for (size_t i = 0; i < ms_rules_count(rules); i++) {
		const ms_rule *r = ms_rules_get(rules, i);
		ob_adds(&b, i ? ",{\"id\":" : "{\"id\":");
		ob_json_str(&b, r->id, strlen(r->id));
		ob_adds(&b, ",\"shortDescription\":{\"text\":");
		ob_json_str(&b, r->title, strlen(r->title));
		ob_adds(&b, "},\"fullDescription\":{\"text\":");
		ob_json_str(&b, r->message, strlen(r->message));
		ob_printf(&b, "},\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{"
			      "\"dimension\":\"%s\",\"severity\":\"%s\",\"tags\":[\"%s\"],\"references\":[",
			  sarif_level(r->severity), ms_dimension_name(r->dimension),
			  ms_severity_name(r->severity), ms_dimension_name(r->dimension));
		for (size_t k = 0; k < r->nreferences; k++) {
			if (k)
				ob_add(&b, ",", 1);
			ob_json_str(&b, r->references[k], strlen(r->references[k]));
		}
		ob_adds(&b, "]}}");
	}
	ob_adds(&b, ",{\"id\":\"" SARIF_INPUT_ERROR "\",\"shortDescription\":{\"text\":\"Record "
		    "could not be screened\"},\"defaultConfiguration\":{\"level\":\"error\"}}");
	ob_adds(&b, "]}},\"results\":[");
	fwrite(b.data, 1, b.len, f);
	ob_free(&b);
}

void sarif_footer(FILE *f, int successful)
{
	fprintf(f, "],\"invocations\":[{\"executionSuccessful\":%s}],"
		   "\"columnKind\":\"unicodeCodePoints\"}]}\n",
		successful ? "true" : "false");
}

/* ---------------- JUnit XML ---------------- */

static void xml_s(out_buf *b, const char *s)
{
	ob_markup(b, s ? s : "", s ? strlen(s) : 0);
}

void emit_junit(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		const ms_record *rec, const ms_result *res, const char *error)
{
	char name[64];

	ob_adds(b, "    <testcase classname=\"");
	xml_s(b, in->str[F_MODEL] ? in->str[F_MODEL] : "medscreen");
	ob_adds(b, "\" name=\"");
	if (in->str[F_ID])
		xml_s(b, in->str[F_ID]);
	else {
		snprintf(name, sizeof name, "line %lu", line);
		xml_s(b, name);
	}
	if (in->str[F_PROMPT_ID]) {
		ob_adds(b, " (");
		xml_s(b, in->str[F_PROMPT_ID]);
		ob_adds(b, ")");
	}
	ob_adds(b, "\" file=\"");
	xml_s(b, o->fname);
	ob_printf(b, "\" line=\"%lu\">", line);
	if (!res || res->error) {
		const char *msg = error;
		if (!msg && res)
			for (size_t i = 0; i < res->nfindings && !msg; i++)
				if (res->findings[i].kind == MS_FINDING_ERROR)
					msg = res->findings[i].error;
		ob_adds(b, "\n      <error message=\"");
		xml_s(b, msg ? msg : "unknown error");
		ob_adds(b, "\"/>");
	} else if (res->flagged) {
		ob_adds(b, "\n      <failure message=\"");
		for (size_t i = 0, k = 0; i < res->nfindings; i++) {
			if (res->findings[i].rule->severity == MS_SEV_INFO)
				continue;
			ob_adds(b, k++ ? ", " : "");
			xml_s(b, res->findings[i].rule->id);
		}
		ob_printf(b, "\" type=\"%s\">", ms_severity_name(res->max_severity));
		for (size_t i = 0; i < res->nfindings; i++) {
			const ms_finding *f = &res->findings[i];
			ob_adds(b, "\n");
			ob_printf(b, "%s %s [%s] ", ms_severity_name(f->rule->severity),
				  ms_dimension_name(f->rule->dimension), f->rule->id);
			xml_s(b, f->rule->title);
			ob_printf(b, " (%s)", ms_finding_kind_name(f->kind));
			for (size_t k = 0; k < f->nevidence; k++) {
				const ms_span *sp = &f->evidence[k];
				const char *txt = sp->in_prompt ? rec->prompt : rec->response;
				size_t n = sp->end - sp->start > 200 ? 200 : sp->end - sp->start;
				ob_printf(b, "\n  at %zu-%zu: ", sp->start, sp->end);
				ob_markup(b, txt + sp->start, n);
			}
		}
		ob_adds(b, "</failure>");
	}
	ob_adds(b, "</testcase>\n");
}

void junit_header(FILE *f, unsigned long tests, unsigned long failures, unsigned long errors)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuites name=\"medscreen\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\">\n"
		   "  <testsuite name=\"medscreen scan\" tests=\"%lu\" failures=\"%lu\" errors=\"%lu\">\n",
		tests, failures, errors, tests, failures, errors);
}

void junit_footer(FILE *f)
{
	fputs("  </testsuite>\n</testsuites>\n", f);
}
