/* SARIF 2.1.0 pieces shared by scan (one result per finding) and diff (one
 * result per newly fired finding): the envelope, rule descriptors, the
 * severity-to-level mapping and result locations. */
#ifndef CLI_OUT_SARIF_H
#define CLI_OUT_SARIF_H

#include "buf.h"
#include "medscreen.h"

const char *sarif_level(ms_severity s);

/* From the document's start to the opening of the driver's "rules" list;
 * with_semver adds the driver's semanticVersion. */
void sarif_open(out_buf *b, int with_semver);

/* One reportingDescriptor of the driver's rules (a leading comma unless
 * first).  title and message may be NULL; `full` adds the dimension tag
 * and the references to the properties. */
typedef struct sarif_rule {
	const char *id, *title, *message;
	ms_severity severity;
	ms_dimension dimension;
	const char *const *references;
	size_t nreferences;
	int full;
} sarif_rule;
void sarif_rule_desc(out_buf *b, const sarif_rule *r, int first);

/* Closes the driver and opens the results list. */
void sarif_results(out_buf *b);
/* ,"locations":[...] for a line of a file. */
void sarif_location(out_buf *b, const char *uri, unsigned long line);
/* ,"properties":{"record":..,["model":..,]"prompt_id":.. left open. */
void sarif_record_props(out_buf *b, const char *record, int with_model, const char *model,
			const char *prompt_id);
/* Closes the results and the run: the invocation says whether it was
 * successful, with extra properties (an object's members, or NULL), and
 * with column_kind the run says columns count code points. */
void sarif_close(out_buf *b, int successful, const char *invocation_props, int column_kind);

#endif
