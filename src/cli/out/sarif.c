/* SARIF 2.1.0 pieces (see sarif.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
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

static void key_str(json_w *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

/* GitHub's security-severity scale: 9.0 and up critical, 7.0 high, 4.0
 * medium, 0.1 low; info findings get none. */
static const char *security_severity(ms_severity s)
{
	switch (s) {
	case MS_SEV_CRITICAL: return "9.5";
	case MS_SEV_HIGH: return "8.0";
	case MS_SEV_MEDIUM: return "5.5";
	case MS_SEV_LOW: return "2.0";
	default: return NULL;
	}
}

/* The first web address in a rule's references, for helpUri. */
static int first_url(const char *const *refs, size_t n, const char **start, size_t *len)
{
	for (size_t i = 0; i < n; i++) {
		const char *u = strstr(refs[i], "https://");
		if (!u)
			u = strstr(refs[i], "http://");
		if (u) {
			*start = u;
			*len = strcspn(u, " \t\"'<>)]");
			while (*len && strchr(".,;:", u[*len - 1]))
				(*len)--;
			return 1;
		}
	}
	return 0;
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
	const char *url;
	size_t ulen;

	jw_obj(w);
	key_str(w, "id", r->id);
	text_prop(w, "shortDescription", r->title);
	text_prop(w, "fullDescription", r->message);
	if (first_url(r->references, r->nreferences, &url, &ulen)) {
		jw_key(w, "helpUri");
		jw_strn(w, url, ulen);
	}
	jw_key(w, "defaultConfiguration");
	jw_obj(w);
	key_str(w, "level", sarif_level(r->severity));
	jw_obj_end(w);
	jw_key(w, "properties");
	jw_obj(w);
	key_str(w, "dimension", ms_dimension_name(r->dimension));
	key_str(w, "severity", ms_severity_name(r->severity));
	if (security_severity(r->severity))
		key_str(w, "security-severity", security_severity(r->severity));
	key_str(w, "problem.severity", r->severity >= MS_SEV_HIGH     ? "error"
				       : r->severity == MS_SEV_MEDIUM ? "warning"
								      : "recommendation");
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

void sarif_results(json_w *w, const char *fingerprint)
{
	jw_arr_end(w);     /* rules */
	if (fingerprint) {
		jw_key(w, "properties");
		jw_obj(w);
		key_str(w, "rulesFingerprint", fingerprint);
		jw_obj_end(w);
	}
	jw_obj_end(w);     /* driver */
	jw_obj_end(w);     /* tool */
	if (fingerprint) {
		char id[40];
		snprintf(id, sizeof id, "medscreen/%.16s/", fingerprint);
		jw_key(w, "automationDetails");
		jw_obj(w);
		key_str(w, "id", id);
		jw_obj_end(w);
	}
	jw_key(w, "results");
	jw_arr(w);
}

/* FNV-1a over the fields, each ended by a NUL byte (so that no two field
 * lists hash alike by concatenation), an absent field as one byte 1. */
static uint64_t fnv_fields(const char *const *f, size_t n)
{
	uint64_t h = 14695981039346656037u;

	for (size_t i = 0; i < n; i++) {
		for (const char *p = f[i] ? f[i] : "\1"; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211u;
		h *= 1099511628211u; /* the NUL: h ^ 0 is h */
	}
	return h;
}

void sarif_partial_fingerprint(json_w *w, const char *rule, const char *model,
			       const char *prompt_id, const char *sample, const char *record)
{
	const char *f[] = { rule, model, prompt_id, sample, record };
	char hex[17];

	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)fnv_fields(f, 5));
	jw_key(w, "partialFingerprints");
	jw_obj(w);
	key_str(w, "medscreenFinding/v1", hex);
	jw_obj_end(w);
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
