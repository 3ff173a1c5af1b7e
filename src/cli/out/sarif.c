/* SARIF 2.1.0 pieces (see sarif.h). */
#include "config.h"

#include <string.h>

#include "sarif.h"

const char *sarif_level(ms_severity s)
{
	switch (s) {
	case MS_SEV_CRITICAL:
	case MS_SEV_HIGH: return "error";
	case MS_SEV_MEDIUM: return "warning";
	default: return "note";
	}
}

void sarif_open(out_buf *b, int with_semver)
{
	ob_adds(b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
		   "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"medscreen\","
		   "\"version\":\"" PACKAGE_VERSION "\",");
	if (with_semver)
		ob_adds(b, "\"semanticVersion\":\"" PACKAGE_VERSION "\",");
	ob_adds(b, "\"informationUri\":\"" PACKAGE_URL "\",\"rules\":[");
}

static void text_prop(out_buf *b, const char *key, const char *text)
{
	if (!text)
		return;
	ob_printf(b, ",\"%s\":{\"text\":", key);
	ob_json_str(b, text, strlen(text));
	ob_add(b, "}", 1);
}

void sarif_rule_desc(out_buf *b, const sarif_rule *r, int first)
{
	ob_adds(b, first ? "{\"id\":" : ",{\"id\":");
	ob_json_str(b, r->id, strlen(r->id));
	text_prop(b, "shortDescription", r->title);
	text_prop(b, "fullDescription", r->message);
	ob_printf(b, ",\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{"
		     "\"dimension\":\"%s\",\"severity\":\"%s\"",
		  sarif_level(r->severity), ms_dimension_name(r->dimension),
		  ms_severity_name(r->severity));
	if (r->full) {
		ob_printf(b, ",\"tags\":[\"%s\"],\"references\":[", ms_dimension_name(r->dimension));
		for (size_t k = 0; k < r->nreferences; k++) {
			if (k)
				ob_add(b, ",", 1);
			ob_json_str(b, r->references[k], strlen(r->references[k]));
		}
		ob_add(b, "]", 1);
	}
	ob_adds(b, "}}");
}

void sarif_results(out_buf *b)
{
	ob_adds(b, "]}},\"results\":[");
}

void sarif_location(out_buf *b, const char *uri, unsigned long line)
{
	ob_adds(b, ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
	ob_json_str(b, uri, strlen(uri));
	ob_printf(b, "},\"region\":{\"startLine\":%lu}}}]", line);
}

static void str_or_null(out_buf *b, const char *s)
{
	if (s)
		ob_json_str(b, s, strlen(s));
	else
		ob_adds(b, "null");
}

void sarif_record_props(out_buf *b, const char *record, int with_model, const char *model,
			const char *prompt_id)
{
	ob_adds(b, ",\"properties\":{\"record\":");
	str_or_null(b, record);
	if (with_model) {
		ob_adds(b, ",\"model\":");
		str_or_null(b, model);
	}
	ob_adds(b, ",\"prompt_id\":");
	str_or_null(b, prompt_id);
}

void sarif_close(out_buf *b, int successful, const char *invocation_props, int column_kind)
{
	ob_printf(b, "],\"invocations\":[{\"executionSuccessful\":%s", successful ? "true" : "false");
	if (invocation_props)
		ob_printf(b, ",\"properties\":{%s}", invocation_props);
	ob_adds(b, column_kind ? "}],\"columnKind\":\"unicodeCodePoints\"}]}\n" : "}]}]}\n");
}
