/* The table of scan writers (see writer.h). */
#include "config.h"

#include "writer.h"
#include "../util.h"

/* In the order --help lists them. */
static const out_writer *const writers[] = { &out_text, &out_jsonl, &out_csv, &out_sarif,
					     &out_junit };
#define NWRITERS (sizeof writers / sizeof *writers)

const out_writer *out_writer_choose(const char *opt, const char *name)
{
	const char *names[NWRITERS + 1];
	int v;

	for (size_t i = 0; i < NWRITERS; i++)
		names[i] = writers[i]->name;
	names[NWRITERS] = NULL;
	v = cli_choice(opt, name, names);
	return v < 0 ? NULL : writers[v];
}

const char *out_error_message(const ms_result *res, const char *error)
{
	if (error || !res)
		return error;
	for (size_t i = 0; i < res->nfindings; i++)
		if (res->findings[i].kind == MS_FINDING_ERROR)
			return res->findings[i].error;
	return NULL;
}
