/* Text: compiler-style findings for people, with the evidence in context,
 * and a summary line at the end. */
#include "config.h"

#include <string.h>

#include "color.h"
#include "utf8.h"
#include "writer.h"

#define EVIDENCE_TEXT_MAX 200

static const char *sev_color(ms_severity s)
{
	switch (s) {
	case MS_SEV_CRITICAL:
	case MS_SEV_HIGH: return C_RED;
	case MS_SEV_MEDIUM: return C_MAGENTA;
	case MS_SEV_LOW: return C_YELLOW;
	default: return C_CYAN;
	}
}

static void col(out_buf *b, const out_ctx *o, const char *c)
{
	if (o->color)
		ob_adds(b, c);
}

/* Start of the context window: back up `ctx` bytes, then to a character start. */
static size_t ctx_start(const char *t, size_t at, unsigned ctx)
{
	size_t s = at > ctx ? at - ctx : 0;
	while (s > 0 && s < at && utf8_is_cont((unsigned char)t[s]))
		s++;
	return s;
}

static size_t ctx_end(const char *t, size_t len, size_t at, unsigned ctx)
{
	size_t e = at + ctx < len ? at + ctx : len;
	while (e < len && e > at && utf8_is_cont((unsigned char)t[e]))
		e--;
	return e;
}

/* "file:line: LEVEL: " with the level in colour. */
static void where(out_buf *b, const out_ctx *o, unsigned long line, const char *c,
		  const char *level)
{
	col(b, o, C_BOLD);
	ob_printf(b, "%s:%lu:", o->fname, line);
	col(b, o, C_RESET);
	ob_add(b, " ", 1);
	col(b, o, c);
	ob_printf(b, "%s:", level);
	col(b, o, C_RESET);
	ob_add(b, " ", 1);
}

static void about(out_buf *b, const char *what, const char *v)
{
	if (v) {
		ob_adds(b, what);
		ob_safe_text(b, v, strlen(v), 1);
	}
}

/* One evidence span in its context, the match bracketed or in colour. */
static void evidence(out_buf *b, const out_ctx *o, const ms_record *rec, const ms_span *sp)
{
	const char *t = sp->in_prompt ? rec->prompt : rec->response;
	size_t tl = sp->in_prompt ? rec->prompt_len : rec->response_len;
	size_t a = ctx_start(t, sp->start, o->context);
	size_t e = ctx_end(t, tl, sp->end, o->context);

	ob_printf(b, "    %s %zu-%zu: %s", sp->in_prompt ? "prompt" : "at", sp->start, sp->end,
		  a > 0 ? "..." : "");
	ob_safe_text(b, t + a, sp->start - a, 1);
	col(b, o, C_RED);
	if (!o->color)
		ob_add(b, "[", 1);
	ob_safe_text(b, t + sp->start, sp->end - sp->start, 1);
	if (!o->color)
		ob_add(b, "]", 1);
	col(b, o, C_RESET);
	ob_safe_text(b, t + sp->end, e - sp->end, 1);
	ob_printf(b, "%s\n", e < tl ? "..." : "");
}

/* Why a missing finding applied: what brought the rule in. */
static void because(out_buf *b, const ms_record *rec, const ms_span *sp)
{
	const char *t = sp->in_prompt ? rec->prompt : rec->response;

	ob_printf(b, "    because the %s says at %zu-%zu: ", sp->in_prompt ? "prompt" : "answer",
		  sp->start, sp->end);
	ob_safe_text(b, t + sp->start, utf8_cut(t + sp->start, sp->end - sp->start, EVIDENCE_TEXT_MAX),
		     1);
	ob_add(b, "\n", 1);
}

static void finding(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		    const ms_record *rec, const ms_finding *f, const char *waiver)
{
	const ms_rule *r = f->rule;

	where(b, o, line, sev_color(r->severity), ms_severity_name(r->severity));
	ob_safe_text(b, r->title, strlen(r->title), 1);
	ob_add(b, " [", 2);
	col(b, o, C_BOLD);
	ob_adds(b, r->id);
	col(b, o, C_RESET);
	ob_add(b, "]\n", 2);
	col(b, o, C_DIM);
	ob_printf(b, "    %s, %s", ms_dimension_name(r->dimension),
		  f->kind == MS_FINDING_MISSING ? "missing" : "present");
	about(b, ", record ", in->str[F_ID]);
	about(b, ", model ", in->str[F_MODEL]);
	about(b, ", prompt ", in->str[F_PROMPT_ID]);
	col(b, o, C_RESET);
	ob_adds(b, "\n    ");
	ob_safe_text(b, r->message, strlen(r->message), 1);
	ob_add(b, "\n", 1);
	if (waiver) {
		ob_adds(b, "    waived: ");
		ob_safe_text(b, waiver, strlen(waiver), 1);
		ob_add(b, "\n", 1);
	}
	for (size_t k = 0; k < f->nevidence; k++)
		evidence(b, o, rec, &f->evidence[k]);
	for (size_t k = 0; f->kind == MS_FINDING_MISSING && k < f->ntrigger; k++)
		because(b, rec, &f->trigger[k]);
}

static void record(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		   const ms_record *rec, const ms_result *res, const char *error)
{
	if (error || !res || res->error) {
		const char *msg = out_error_message(res, error);
		if (!msg)
			msg = "unknown error";
		where(b, o, line, C_RED, "error");
		ob_safe_text(b, msg, strlen(msg), 1);
		ob_add(b, "\n", 1);
		if (!res)
			return;
	}
	for (size_t i = 0; i < res->nfindings; i++)
		if (res->findings[i].kind != MS_FINDING_ERROR)
			finding(b, o, in, line, rec, &res->findings[i],
				in->waived && in->waived[i] ? in->waiver[i] : NULL);
}

static void end(out_buf *b, const out_ctx *o, const scan_totals *t)
{
	ob_printf(b, "%s%lu record%s screened: %lu with findings at or above %s, %lu error%s",
		  o->color ? C_BOLD : "", t->records, t->records == 1 ? "" : "s", t->flagged_fail,
		  o->fail_on, t->errors, t->errors == 1 ? "" : "s");
	/* An input that was never read is not "0 errors". */
	if (t->unread)
		ob_printf(b, ", %lu input file%s not read", t->unread, t->unread == 1 ? "" : "s");
	ob_printf(b, "%s\n", o->color ? C_RESET : "");
}

const out_writer out_text = {
	.name = "text",
	.sortable = 1,
	.record = record,
	.end = end,
};
