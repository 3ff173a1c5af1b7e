/* CSV for the two review rounds in a spreadsheet: one row per record, with
 * empty reviewer columns. */
#include "config.h"

#include <string.h>

#include "csv.h"
#include "utf8.h"
#include "writer.h"

#define CSV_EXCERPT 120

static void begin(out_buf *b, const out_ctx *o, const scan_totals *t)
{
	(void)o;
	(void)t;
	ob_adds(b, "id,model,prompt_id,line,status,score,flagged_dimensions,rules,evidence,error,"
		   "reviewer_1,reviewer_2,consensus,notes,medscreen_version,rules_fingerprint\r\n");
}

/* One excerpt per finding: the first evidence span, or the kind. */
static void excerpts(out_buf *t, const ms_record *rec, const ms_result *res)
{
	for (size_t i = 0; i < res->nfindings; i++) {
		const ms_finding *f = &res->findings[i];

		if (t->len)
			ob_adds(t, " | ");
		ob_printf(t, "%s: ", f->rule->id);
		if (f->kind == MS_FINDING_ERROR) {
			ob_adds(t, f->error);
		} else if (f->nevidence) {
			const ms_span *sp = &f->evidence[0];
			const char *txt = (sp->in_prompt ? rec->prompt : rec->response) + sp->start;
			size_t n = utf8_cut(txt, sp->end - sp->start, CSV_EXCERPT);

			ob_add(t, "\"", 1);
			ob_add(t, txt, n);
			ob_adds(t, n < sp->end - sp->start ? "...\"" : "\"");
		} else {
			ob_adds(t, "(missing)");
		}
	}
}

static void result(out_buf *b, const in_record *in, const ms_record *rec, const ms_result *res)
{
	out_buf t = { 0 };
	const char *err;

	csv_cell(b, res->error ? "error" : res->flagged ? "flagged" : "clear", 0);
	ob_printf(&t, "%u", res->score);
	csv_celln(b, t.data, t.len, 0);
	t.len = 0;
	for (int d = 0; d < MS_DIM_COUNT; d++)
		if (res->dim_flagged[d])
			ob_printf(&t, "%s%s", t.len ? ";" : "", ms_dimension_name((ms_dimension)d));
	csv_celln(b, t.data, t.len, 0);
	t.len = 0;
	for (size_t i = 0; i < res->nfindings; i++)
		ob_printf(&t, "%s%s%s", t.len ? ";" : "", res->findings[i].rule->id,
			  in->waived && in->waived[i] ? " (waived)" : "");
	csv_celln(b, t.data, t.len, 0);
	t.len = 0;
	excerpts(&t, rec, res);
	csv_celln(b, t.data, t.len, 0);
	err = res->error ? out_error_message(res, NULL) : NULL;
	csv_cell(b, err ? err : "", 0);
	ob_free(&t);
}

static void record(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		   const ms_record *rec, const ms_result *res, const char *error)
{
	char num[32];

	csv_cell(b, in->str[F_ID], 0);
	csv_cell(b, in->str[F_MODEL], 0);
	csv_cell(b, in->str[F_PROMPT_ID], 0);
	snprintf(num, sizeof num, "%lu", line);
	csv_cell(b, num, 0);
	if (res) {
		result(b, in, rec, res);
	} else {
		csv_cell(b, "error", 0);
		for (int i = 0; i < 4; i++)
			csv_cell(b, "", 0);
		csv_cell(b, error ? error : "unknown error", 0);
	}
	/* Empty columns for the two review rounds, then the provenance. */
	ob_printf(b, ",,,,%s,%s\r\n", PACKAGE_VERSION, o->fingerprint);
}

const out_writer out_csv = {
	.name = "csv",
	.sortable = 1,
	.begin = begin,
	.record = record,
};
