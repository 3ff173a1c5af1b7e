/* JSON Lines: one object per record, exactly as the product contract shows
 * it.  The hot path of large scans: per-rule fragments are prepared once,
 * numbers are written without printf. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "utf8.h"
#include "../learn/learn.h"
#include "writer.h"
#include "../xalloc.h"

#define EVIDENCE_TEXT_MAX 200

/* ,"k": for a key that needs no escaping (all are literals). */
static void key(out_buf *b, const char *k)
{
	ob_add(b, ",\"", 2);
	ob_adds(b, k);
	ob_add(b, "\":", 2);
}

static void opt_str(out_buf *b, const char *k, const char *v)
{
	key(b, k);
	if (v)
		ob_json_str(b, v, strlen(v));
	else
		ob_adds(b, "null");
}

/* Keys the output record defines itself; an input field with one of these
 * names is not carried through. */
static const char *const own_keys[] = {
	"id", "line", "file", "model", "prompt_id", "status", "score", "signals", "dimensions",
	"findings", "error", "signal_evidence", "derived_tags", "medscreen_version",
	"rules_fingerprint",
};
static const char own_initials[] = "ilfmpsder";

/* Whether k is the first segment, n bytes, of the dotted path. */
static int top_segment_is(const char *path, size_t n, const char *k)
{
	/* Equal for n bytes, none of them NUL: k[n] is there to read. */
	return strncmp(path, k, n) == 0 && k[n] == '\0';
}

/* `top` holds the lengths of the first segments of the response's and
 * the prompt's paths (the fields the texts came from). */
static int carried(const char *k, const out_ctx *o, const in_record *in, const size_t top[2])
{
	const field_map *m = o->fields;

	if ((o->with_length && strcmp(k, "response_length") == 0) ||
	    (in->p_noncompliant && strcmp(k, "p_noncompliant") == 0))
		return 0;
	/* Most input keys start with a letter no output key does. */
	if (strchr(own_initials, k[0]))
		for (size_t i = 0; i < sizeof own_keys / sizeof *own_keys; i++)
			if (own_keys[i][0] == k[0] && strcmp(k, own_keys[i]) == 0)
				return 0;
	/* The texts themselves are not repeated. */
	return !(m && (top_segment_is(m->path[F_RESPONSE], top[0], k) ||
		       top_segment_is(m->path[F_PROMPT], top[1], k)));
}

static void carry_fields(out_buf *b, const in_record *in, const out_ctx *o)
{
	size_t top[2] = { 0, 0 };

	if (!in->obj || !json_object_is_type(in->obj, json_type_object))
		return;
	/* Once per record, not once per key. */
	if (o->fields) {
		top[0] = strcspn(o->fields->path[F_RESPONSE], ".");
		top[1] = strcspn(o->fields->path[F_PROMPT], ".");
	}
	json_object_object_foreach(in->obj, k, val) {
		if (!carried(k, o, in, top))
			continue;
		ob_add(b, ",", 1);
		ob_json_str(b, k, strlen(k));
		ob_add(b, ":", 1);
		ob_json_value(b, val);
	}
}

/* {"start":..,"end":..,["on":"prompt",]"text":..} */
static void span(out_buf *b, const ms_record *rec, const ms_span *sp)
{
	const char *text = sp->in_prompt ? rec->prompt : rec->response;
	size_t n = sp->end - sp->start;

	ob_adds(b, "{\"start\":");
	ob_uint(b, sp->start);
	ob_adds(b, ",\"end\":");
	ob_uint(b, sp->end);
	ob_adds(b, sp->in_prompt ? ",\"on\":\"prompt\",\"text\":" : ",\"text\":");
	ob_json_str(b, text + sp->start, utf8_cut(text + sp->start, n, EVIDENCE_TEXT_MAX));
	ob_add(b, "}", 1);
}

static void spans(out_buf *b, const ms_record *rec, const ms_span *v, size_t n)
{
	ob_add(b, "[", 1);
	for (size_t k = 0; k < n; k++) {
		if (k)
			ob_add(b, ",", 1);
		span(b, rec, &v[k]);
	}
	ob_add(b, "]", 1);
}

static void str_list(out_buf *b, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_add(b, ",", 1);
		ob_json_str(b, v[i], strlen(v[i]));
	}
}

/* A signal's id as a JSON string. */
static void signal_id(out_buf *b, const out_ctx *o, size_t signal)
{
	if (o->signal_json) {
		ob_add(b, o->signal_json[signal].s, o->signal_json[signal].len);
	} else {
		const ms_signal_info *si = ms_rules_signal(o->rules, signal);
		ob_json_str(b, si->id, strlen(si->id));
	}
}

/* signals, signal_evidence (where each matched first) and derived_tags. */
static void signals(out_buf *b, const out_ctx *o, const ms_record *rec, const ms_result *res)
{
	ob_adds(b, ",\"signals\":[");
	for (size_t i = 0; i < res->nsignals; i++) {
		if (i)
			ob_add(b, ",", 1);
		signal_id(b, o, res->signals[i]);
	}
	ob_add(b, "]", 1);
	if (res->nsignals) {
		ob_adds(b, ",\"signal_evidence\":{");
		for (size_t i = 0; i < res->nsignals; i++) {
			if (i)
				ob_add(b, ",", 1);
			signal_id(b, o, res->signals[i]);
			ob_add(b, ":", 1);
			span(b, rec, &res->signal_spans[i]);
		}
		ob_add(b, "}", 1);
	}
	if (res->ntags) {
		ob_adds(b, ",\"derived_tags\":[");
		str_list(b, res->tags, res->ntags);
		ob_add(b, "]", 1);
	}
}

static void finding(out_buf *b, const out_ctx *o, const ms_record *rec, const ms_finding *f,
		    const char *waiver)
{
	if (o->rule_json) {
		const out_str *rj = &o->rule_json[f->rule->index];
		ob_add(b, rj->s, rj->len);
	} else {
		ob_adds(b, "{\"rule\":");
		ob_json_str(b, f->rule->id, strlen(f->rule->id));
		ob_printf(b, ",\"dimension\":\"%s\",\"severity\":\"%s\"",
			  ms_dimension_name(f->rule->dimension), ms_severity_name(f->rule->severity));
	}
	ob_adds(b, ",\"kind\":\"");
	ob_adds(b, ms_finding_kind_name(f->kind));
	ob_adds(b, "\",\"message\":");
	if (o->rule_json)
		ob_add(b, o->rule_msg_json[f->rule->index].s, o->rule_msg_json[f->rule->index].len);
	else
		ob_json_str(b, f->rule->message, strlen(f->rule->message));
	if (f->kind == MS_FINDING_ERROR) {
		key(b, "error");
		ob_json_str(b, f->error, strlen(f->error));
	}
	ob_adds(b, ",\"evidence\":");
	spans(b, rec, f->evidence, f->nevidence);
	if (f->ntrigger) {
		ob_adds(b, ",\"trigger\":");
		spans(b, rec, f->trigger, f->ntrigger);
	}
	if (waiver) {
		ob_adds(b, ",\"waived\":true,\"waiver\":");
		ob_json_str(b, waiver, strlen(waiver));
	}
	ob_add(b, "}", 1);
}

/* "p_noncompliant":{"overall":p,"safety":p,...}: the fitted model's
 * probabilities (scan --weights), dimensions without a fit left out. */
static void probabilities(out_buf *b, const double *p)
{
	ob_adds(b, ",\"p_noncompliant\":{");
	ob_printf(b, "\"overall\":%.4f", p[L_OVERALL]);
	for (int d = 0; d < MS_DIM_COUNT; d++)
		if (!isnan(p[d]))
			ob_printf(b, ",\"%s\":%.4f", ms_dimension_name((ms_dimension)d), p[d]);
	ob_add(b, "}", 1);
}

static void result(out_buf *b, const out_ctx *o, const in_record *in, const ms_record *rec,
		   const ms_result *res)
{
	ob_adds(b, res->error ? ",\"status\":\"error\",\"score\":"
			      : res->flagged ? ",\"status\":\"flagged\",\"score\":"
					     : ",\"status\":\"clear\",\"score\":");
	ob_uint(b, res->score);
	signals(b, o, rec, res);
	ob_adds(b, ",\"dimensions\":{");
	for (int d = 0; d < MS_DIM_COUNT; d++) {
		if (d)
			ob_add(b, ",", 1);
		ob_add(b, "\"", 1);
		ob_adds(b, ms_dimension_name((ms_dimension)d));
		ob_adds(b, res->dim_flagged[d] ? "\":\"flagged\"" : "\":\"clear\"");
	}
	ob_adds(b, "},\"findings\":[");
	for (size_t i = 0; i < res->nfindings; i++) {
		if (i)
			ob_add(b, ",", 1);
		finding(b, o, rec, &res->findings[i],
			in->waived && in->waived[i] ? in->waiver[i] : NULL);
	}
	ob_adds(b, "]");
	if (o->with_length) {
		ob_adds(b, ",\"response_length\":");
		ob_uint(b, rec->response_len);
	}
	if (in->p_noncompliant)
		probabilities(b, in->p_noncompliant);
	if (res->error) {
		const char *msg = out_error_message(res, NULL);
		if (msg) {
			key(b, "error");
			ob_json_str(b, msg, strlen(msg));
		}
	}
}

static void record(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		   const ms_record *rec, const ms_result *res, const char *error)
{
	ob_adds(b, "{\"id\":");
	if (in->str[F_ID])
		ob_json_str(b, in->str[F_ID], strlen(in->str[F_ID]));
	else
		ob_adds(b, "null");
	ob_adds(b, ",\"line\":");
	ob_uint(b, line);
	if (o->with_file) {
		key(b, "file");
		ob_json_str(b, o->fname, strlen(o->fname));
	}
	opt_str(b, "model", in->str[F_MODEL]);
	opt_str(b, "prompt_id", in->str[F_PROMPT_ID]);
	if (error || !res) {
		const char *msg = error ? error : "unknown error";
		ob_adds(b, ",\"status\":\"error\",\"error\":");
		ob_json_str(b, msg, strlen(msg));
	} else {
		result(b, o, in, rec, res);
	}
	/* Provenance: which program and which pack made the line, so that a
	 * scan is never compared with one made by other rules unknowingly. */
	ob_adds(b, ",\"medscreen_version\":\"" PACKAGE_VERSION "\",\"rules_fingerprint\":\"");
	ob_adds(b, o->fingerprint);
	ob_add(b, "\"", 1);
	carry_fields(b, in, o);
	ob_adds(b, "}\n");
}

static void release(out_ctx *o)
{
	size_t n = o->rules ? ms_rules_count(o->rules) : 0;

	for (size_t i = 0; i < n; i++) {
		if (o->rule_json)
			free(o->rule_json[i].s);
		if (o->rule_msg_json)
			free(o->rule_msg_json[i].s);
	}
	free(o->rule_json);
	free(o->rule_msg_json);
	o->rule_json = o->rule_msg_json = NULL;
	if (o->signal_json)
		for (size_t i = 0; i < ms_rules_signal_count(o->rules); i++)
			free(o->signal_json[i].s);
	free(o->signal_json);
	o->signal_json = NULL;
}

/* The parts of a finding that depend only on its rule, and the signals'
 * ids, formatted once. */
static void prepare(out_ctx *o)
{
	size_t n = ms_rules_count(o->rules), nsig = ms_rules_signal_count(o->rules);

	o->rule_json = xcalloc(n, sizeof *o->rule_json);
	o->rule_msg_json = xcalloc(n, sizeof *o->rule_msg_json);
	for (size_t i = 0; i < n; i++) {
		const ms_rule *r = ms_rules_get(o->rules, i);
		out_buf t = { 0 };

		ob_adds(&t, "{\"rule\":");
		ob_json_str(&t, r->id, strlen(r->id));
		ob_printf(&t, ",\"dimension\":\"%s\",\"severity\":\"%s\"",
			  ms_dimension_name(r->dimension), ms_severity_name(r->severity));
		o->rule_json[i] = (out_str){ t.data, t.len };
		t = (out_buf){ 0 };
		ob_json_str(&t, r->message, strlen(r->message));
		o->rule_msg_json[i] = (out_str){ t.data, t.len };
	}
	o->signal_json = xcalloc(nsig, sizeof *o->signal_json);
	for (size_t i = 0; i < nsig; i++) {
		const char *id = ms_rules_signal(o->rules, i)->id;
		out_buf t = { 0 };

		ob_json_str(&t, id, strlen(id));
		o->signal_json[i] = (out_str){ t.data, t.len };
	}
}

const out_writer out_jsonl = {
	.name = "jsonl",
	.sortable = 1,
	.record = record,
	.prepare = prepare,
	.release = release,
};
