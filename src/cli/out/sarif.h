/* SARIF 2.1.0 pieces shared by scan (one result per finding) and diff (one
 * result per newly fired finding): the envelope, rule descriptors, the
 * severity-to-level mapping and result locations, through the JSON
 * writer. */
#ifndef CLI_OUT_SARIF_H
#define CLI_OUT_SARIF_H

#include "json.h"
#include "medscreen.h"

const char *sarif_level(ms_severity s);

/* From the document's start to the opening of the driver's "rules" list;
 * with_semver adds the driver's semanticVersion. */
void sarif_open(json_w *w, int with_semver);

/* One reportingDescriptor of the driver's rules.  title and message may be
 * NULL; `full` adds the dimension tag and the references to the
 * properties. */
typedef struct sarif_rule {
	const char *id, *title, *message;
	ms_severity severity;
	ms_dimension dimension;
	const char *const *references;
	size_t nreferences;
	int full;
} sarif_rule;
void sarif_rule_desc(json_w *w, const sarif_rule *r);

/* Closes the driver and opens the results list.  With a rule-pack
 * fingerprint, the driver's properties carry it and the run's
 * automationDetails id is "medscreen/<its first 16 digits>/", so that a
 * code-scanning service keeps the analyses of different packs apart. */
void sarif_results(json_w *w, const char *fingerprint);
/* "partialFingerprints" of a result: a hash of the rule and of what names
 * the record (model, prompt, sample, id), not of its line in a file, so
 * that a service tracks one finding across runs. */
void sarif_partial_fingerprint(json_w *w, const char *rule, const char *model,
			       const char *prompt_id, const char *sample, const char *record);
/* The open containers when the results list has just been opened, for
 * jw_resume() by whoever writes the rest of the document. */
#define SARIF_IN_RESULTS "{[{["
/* "message":{"text":..} and "locations":[..] for a line of a file. */
void sarif_message(json_w *w, const char *text);
void sarif_location(json_w *w, const char *uri, unsigned long line);
/* "properties":{"record":..,["model":..,]"prompt_id":.. left open. */
void sarif_record_props(json_w *w, const char *record, int with_model, const char *model,
			const char *prompt_id);
/* Closes the results and the run: the invocation says whether it was
 * successful, and when regression is 0 or 1 carries it as a property; with
 * column_kind the run says columns count code points. */
void sarif_close(json_w *w, int successful, int regression, int column_kind);

#endif
