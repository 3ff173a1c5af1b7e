/* --preset NAME: the outputs of evaluation tools read as records.
 *
 *   promptfoo     `promptfoo eval -o results.json` (records at results.results)
 *                 or its JSON Lines output: one result per line
 *   openai-batch  the output (or error) file of an OpenAI Batch API job
 *   garak         a garak report.jsonl: one record per output of each
 *                 evaluated attempt; other entries skipped and counted
 *   messages      records holding a chat, `messages: [{role, content}]`
 *
 * Each input record is mapped to a record with the usual fields (id,
 * model, prompt, response, ...); one that cannot be mapped still yields a
 * record, with an error that names the missing field. */
#ifndef CLI_IO_PRESETS_H
#define CLI_IO_PRESETS_H

#include "source.h"

typedef struct preset_run preset_run;

/* NULL after an error listing the presets (and the nearest name). */
preset_run *preset_run_new(const char *name);
void preset_run_free(preset_run *p);
/* The input format a preset's files have when the name does not say. */
input_format preset_format(const preset_run *p, const char *fname);
/* Where the records are in a JSON document (dotted), or NULL: the top. */
const char *preset_json_path(const preset_run *p);
/* Map one input record and pass the result(s) on. */
void preset_feed(preset_run *p, const rec_text *t, rec_sink sink, void *ctx);
/* Notes on stderr about the entries skipped (garak). */
void preset_report(const preset_run *p);

#endif
