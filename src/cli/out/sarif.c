/* SARIF 2.1.0 pieces (see sarif.h). */
#include "config.h"

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

static void key_str(json_w *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void sarif_open(json_w *w, int with_semver)
{
	jw_obj(w);
	key_str(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	key_str(w, "version", "2.1.0");
	jw_key(w, "runs");
	jw_arr(w);
	jw_obj(w);
	jw_key(w, "tool");
	jw_obj(w);
	jw_key(w, "driver");
	jw_obj(w);
	key_str(w, "name", "medscreen");
	key_str(w, "version", PACKAGE_VERSION);
	if (with_semver)
		key_str(w, "semanticVersion", PACKAGE_VERSION);
	key_str(w, "informationUri", PACKAGE_URL);
	jw_key(w, "rules");
	jw_arr(w);
}

static void text_prop(json_w *w, const char *key, const char *text)
{
	if (!text)
		return;
	jw_key(w, key);
	jw_obj(w);
	key_str(w, "text", text);
	jw_obj_end(w);
}

void sarif_rule_desc(json_w *w, const sarif_rule *r)
{
	jw_obj(w);
	key_str(w, "id", r->id);
	text_prop(w, "shortDescription", r->title);
	text_prop(w, "fullDescription", r->message);
	jw_key(w, "defaultConfiguration");
	jw_obj(w);
	key_str(w, "level", sarif_level(r->severity));
	jw_obj_end(w);
	jw_key(w, "properties");
	jw_obj(w);
	key_str(w, "dimension", ms_dimension_name(r->dimension));
	key_str(w, "severity", ms_severity_name(r->severity));
	if (r->full) {
		jw_key(w, "tags");
		jw_arr(w);
		jw_str(w, ms_dimension_name(r->dimension));
		jw_arr_end(w);
		jw_key(w, "references");
		jw_arr(w);
		for (size_t k = 0; k < r->nreferences; k++)
			jw_str(w, r->references[k]);
		jw_arr_end(w);
	}
	jw_obj_end(w);
	jw_obj_end(w);
}

void sarif_results(json_w *w)
{
	jw_arr_end(w);     /* rules */
	jw_obj_end(w);     /* driver */
	jw_obj_end(w);     /* tool */
	jw_key(w, "results");
	jw_arr(w);
}

void sarif_message(json_w *w, const char *text)
{
	text_prop(w, "message", text);
}

void sarif_location(json_w *w, const char *uri, unsigned long line)
{
	jw_key(w, "locations");
	jw_arr(w);
	jw_obj(w);
	jw_key(w, "physicalLocation");
	jw_obj(w);
	jw_key(w, "artifactLocation");
	jw_obj(w);
	key_str(w, "uri", uri);
	jw_obj_end(w);
	jw_key(w, "region");
	jw_obj(w);
	jw_key(w, "startLine");
	jw_uint(w, line);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_arr_end(w);
}

void sarif_record_props(json_w *w, const char *record, int with_model, const char *model,
			const char *prompt_id)
{
	jw_key(w, "properties");
	jw_obj(w);
	key_str(w, "record", record);
	if (with_model)
		key_str(w, "model", model);
	key_str(w, "prompt_id", prompt_id);
}

void sarif_close(json_w *w, int successful, int regression, int column_kind)
{
	jw_arr_end(w);     /* results */
	jw_key(w, "invocations");
	jw_arr(w);
	jw_obj(w);
	jw_key(w, "executionSuccessful");
	jw_bool(w, successful);
	if (regression >= 0) {
		jw_key(w, "properties");
		jw_obj(w);
		jw_key(w, "regression");
		jw_bool(w, regression);
		jw_obj_end(w);
	}
	jw_obj_end(w);
	jw_arr_end(w);
	if (column_kind)
		key_str(w, "columnKind", "unicodeCodePoints");
	jw_obj_end(w);     /* run */
	jw_arr_end(w);     /* runs */
	jw_obj_end(w);
	ob_adds(w->b, "\n");
}
