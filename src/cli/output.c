/* Output: JSON Lines records exactly as the product contract shows them, and
 * compiler-style text for people.  All text written is valid UTF-8: invalid
 * bytes of the screened answer are shown as U+FFFD, while offsets stay byte
 * offsets into the original. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void ob_grow(out_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	{
		size_t ncap = b->cap ? b->cap : 4096;
		char *p;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		p = realloc(b->data, ncap);
		if (!p) {
			fputs("medscreen: out of memory\n", stderr);
			exit(EXIT_TROUBLE);
		}
		b->data = p;
		b->cap = ncap;
	}
}

void ob_add(out_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	ob_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void ob_adds(out_buf *b, const char *s)
{
	ob_add(b, s, strlen(s));
}

void ob_uint(out_buf *b, unsigned long long v)
{
	char tmp[24];
	size_t n = sizeof tmp;

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ob_add(b, tmp + n, sizeof tmp - n);
}

void ob_printf(out_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Format once into the free space; only a result that does not fit
	 * is formatted again after growing. */
	ob_grow(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		ob_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void ob_free(out_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is invalid. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static const char replacement[] = "\xEF\xBF\xBD";

void ob_json_str(out_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	ob_grow(b, n + 2);
	b->data[b->len++] = '"';
	while (i < n) {
		unsigned char c = u[i];
		size_t k;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		if (run) {
			ob_add(b, s + i - run, run);
			run = 0;
		}
		if (c < 0x80) {
			switch (c) {
			case '"': ob_add(b, "\\\"", 2); break;
			case '\\': ob_add(b, "\\\\", 2); break;
			case '\n': ob_add(b, "\\n", 2); break;
			case '\r': ob_add(b, "\\r", 2); break;
			case '\t': ob_add(b, "\\t", 2); break;
			default: ob_printf(b, "\\u%04x", c); break;
			}
			i++;
			continue;
		}
		k = utf8_len(u + i, n - i);
		if (k) {
			ob_add(b, s + i, k);
			i += k;
		} else {
			ob_add(b, replacement, 3);
			i++;
		}
	}
	if (run)
		ob_add(b, s + i - run, run);
	ob_add(b, "\"", 1);
}

void ob_json_value(out_buf *b, json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		ob_adds(b, "null");
		break;
	case json_type_boolean:
		ob_adds(b, json_object_get_boolean(v) ? "true" : "false");
		break;
	case json_type_int:
	case json_type_double:
		ob_adds(b, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_string:
		ob_json_str(b, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	case json_type_array: {
		size_t n = json_object_array_length(v);
		ob_add(b, "[", 1);
		for (size_t i = 0; i < n; i++) {
			if (i)
				ob_add(b, ",", 1);
			ob_json_value(b, json_object_array_get_idx(v, i));
		}
		ob_add(b, "]", 1);
		break;
	}
	case json_type_object: {
		int first = 1;
		ob_add(b, "{", 1);
		json_object_object_foreach(v, key, val) {
			if (!first)
				ob_add(b, ",", 1);
			first = 0;
			ob_json_str(b, key, strlen(key));
			ob_add(b, ":", 1);
			ob_json_value(b, val);
		}
		ob_add(b, "}", 1);
		break;
	}
	}
}

void ob_safe_text(out_buf *b, const char *s, size_t n, int oneline)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		size_t k;

		if (c < 0x20 || c == 0x7F) {
			if (c == '\n' && !oneline)
				ob_add(b, "\n", 1);
			else
				ob_add(b, " ", 1);
			i++;
			continue;
		}
		k = utf8_len(u + i, n - i);
		if (k) {
			ob_add(b, s + i, k);
			i += k;
		} else {
			ob_add(b, replacement, 3);
			i++;
		}
	}
}

void ob_csv_field(out_buf *b, const char *s, size_t n)
{
	out_buf t = { 0 };
	int quote = 0;

	ob_safe_text(&t, s, n, 0);
	for (size_t i = 0; i < t.len && !quote; i++)
		quote = t.data[i] == ',' || t.data[i] == '"' || t.data[i] == '\n' || t.data[i] == '\r';
	if (quote) {
		ob_add(b, "\"", 1);
		for (size_t i = 0; i < t.len; i++) {
			if (t.data[i] == '"')
				ob_add(b, "\"", 1);
			ob_add(b, t.data + i, 1);
		}
		ob_add(b, "\"", 1);
	} else {
		ob_add(b, t.data, t.len);
	}
	ob_free(&t);
}

void ob_markup(out_buf *b, const char *s, size_t n)
{
	out_buf t = { 0 };

	ob_safe_text(&t, s, n, 0);
	for (size_t i = 0; i < t.len; i++) {
		switch (t.data[i]) {
		case '&': ob_adds(b, "&amp;"); break;
		case '<': ob_adds(b, "&lt;"); break;
		case '>': ob_adds(b, "&gt;"); break;
		case '"': ob_adds(b, "&quot;"); break;
		case '\'': ob_adds(b, "&apos;"); break;
		default: ob_add(b, t.data + i, 1);
		}
	}
	ob_free(&t);
}

static void json_key(out_buf *b, const char *k)
{
	ob_printf(b, ",\"%s\":", k);
}

static void json_opt_str(out_buf *b, const char *k, const char *v)
{
	json_key(b, k);
	if (v)
		ob_json_str(b, v, strlen(v));
	else
		ob_adds(b, "null");
}

/* Keys the output record defines itself; an input field with one of these
 * names is not carried through. */
static const char *const own_keys[] = {
	"id", "line", "file", "model", "prompt_id", "status", "score", "signals", "dimensions",
	"findings", "error", "signal_evidence", "derived_tags",
};
static const char own_initials[] = "ilfmpsde";

static int top_segment_is(const char *path, const char *key)
{
	size_t n = strcspn(path, ".");
	return strlen(key) == n && strncmp(path, key, n) == 0;
}

static void carry_fields(out_buf *b, const in_record *in, const field_map *m)
{
	if (!in->obj || !json_object_is_type(in->obj, json_type_object))
		return;
	json_object_object_foreach(in->obj, key, val) {
		int skip = 0;

		/* Most input keys start with a letter no output key does. */
		if (strchr(own_initials, key[0]))
			for (size_t i = 0; i < sizeof own_keys / sizeof *own_keys && !skip; i++)
				skip = own_keys[i][0] == key[0] && strcmp(key, own_keys[i]) == 0;
		/* The texts themselves are not repeated. */
		if (m && (top_segment_is(m->path[F_RESPONSE], key) ||
			  top_segment_is(m->path[F_PROMPT], key)))
			skip = 1;
		if (skip)
			continue;
		ob_add(b, ",", 1);
		ob_json_str(b, key, strlen(key));
		ob_add(b, ":", 1);
		ob_json_value(b, val);
	}
}

#define EVIDENCE_TEXT_MAX 200

/* Cut at most `max` bytes without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* {"start":..,"end":..,["on":"prompt",]"text":..} */
static void json_span(out_buf *b, const ms_record *rec, const ms_span *sp)
{
	const char *text = sp->in_prompt ? rec->prompt : rec->response;
	size_t n = sp->end - sp->start;

	ob_adds(b, "{\"start\":");
	ob_uint(b, sp->start);
	ob_adds(b, ",\"end\":");
	ob_uint(b, sp->end);
	ob_add(b, ",", 1);
	if (sp->in_prompt)
		ob_adds(b, "\"on\":\"prompt\",");
	ob_adds(b, "\"text\":");
	ob_json_str(b, text + sp->start, utf8_cut(text + sp->start, n, EVIDENCE_TEXT_MAX));
	ob_add(b, "}", 1);
}

static void json_spans(out_buf *b, const ms_record *rec, const ms_span *v, size_t n)
{
	ob_add(b, "[", 1);
	for (size_t k = 0; k < n; k++) {
		if (k)
			ob_add(b, ",", 1);
		json_span(b, rec, &v[k]);
	}
	ob_add(b, "]", 1);
}

static void emit_jsonl(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		       const ms_record *rec, const ms_result *res, const char *error,
		       const field_map *m)
{
	ob_adds(b, "{\"id\":");
	if (in->str[F_ID])
		ob_json_str(b, in->str[F_ID], strlen(in->str[F_ID]));
	else
		ob_adds(b, "null");
	ob_printf(b, ",\"line\":%lu", line);
	if (o->with_file) {
		json_key(b, "file");
		ob_json_str(b, o->fname, strlen(o->fname));
	}
	json_opt_str(b, "model", in->str[F_MODEL]);
	json_opt_str(b, "prompt_id", in->str[F_PROMPT_ID]);
	if (error || !res) {
		ob_adds(b, ",\"status\":\"error\",\"error\":");
		ob_json_str(b, error ? error : "unknown error", strlen(error ? error : "unknown error"));
		carry_fields(b, in, m);
		ob_adds(b, "}\n");
		return;
	}
	ob_adds(b, res->error ? ",\"status\":\"error\",\"score\":"
			      : res->flagged ? ",\"status\":\"flagged\",\"score\":"
					     : ",\"status\":\"clear\",\"score\":");
	ob_uint(b, res->score);
	ob_adds(b, ",\"signals\":[");
	for (size_t i = 0; i < res->nsignals; i++) {
		const ms_signal_info *si = ms_rules_signal(o->rules, res->signals[i]);
		if (i)
			ob_add(b, ",", 1);
		ob_json_str(b, si->id, strlen(si->id));
	}
	ob_add(b, "]", 1);
	if (res->nsignals) {
		/* Where each signal matched first. */
		ob_adds(b, ",\"signal_evidence\":{");
		for (size_t i = 0; i < res->nsignals; i++) {
			const ms_signal_info *si = ms_rules_signal(o->rules, res->signals[i]);
			if (i)
				ob_add(b, ",", 1);
			ob_json_str(b, si->id, strlen(si->id));
			ob_add(b, ":", 1);
			json_span(b, rec, &res->signal_spans[i]);
		}
		ob_add(b, "}", 1);
	}
	if (res->ntags) {
		ob_adds(b, ",\"derived_tags\":[");
		for (size_t i = 0; i < res->ntags; i++) {
			if (i)
				ob_add(b, ",", 1);
			ob_json_str(b, res->tags[i], strlen(res->tags[i]));
		}
		ob_add(b, "]", 1);
	}
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
		const ms_finding *f = &res->findings[i];

		if (i)
			ob_add(b, ",", 1);
		if (o->rule_json) {
			/* {"rule":...,"dimension":...,"severity":..., prepared once */
			const out_str *rj = &o->rule_json[f->rule->index];
			ob_add(b, rj->s, rj->len);
		} else {
			ob_adds(b, "{\"rule\":");
			ob_json_str(b, f->rule->id, strlen(f->rule->id));
			ob_printf(b, ",\"dimension\":\"%s\",\"severity\":\"%s\"",
				  ms_dimension_name(f->rule->dimension),
				  ms_severity_name(f->rule->severity));
		}
		ob_adds(b, ",\"kind\":\"");
		ob_adds(b, ms_finding_kind_name(f->kind));
		ob_adds(b, "\",\"message\":");
		if (o->rule_json)
			ob_add(b, o->rule_msg_json[f->rule->index].s, o->rule_msg_json[f->rule->index].len);
		else
			ob_json_str(b, f->rule->message, strlen(f->rule->message));
		if (f->kind == MS_FINDING_ERROR) {
			json_key(b, "error");
			ob_json_str(b, f->error, strlen(f->error));
		}
		ob_adds(b, ",\"evidence\":");
		json_spans(b, rec, f->evidence, f->nevidence);
		if (f->ntrigger) {
			ob_adds(b, ",\"trigger\":");
			json_spans(b, rec, f->trigger, f->ntrigger);
		}
		ob_add(b, "}", 1);
	}
	ob_adds(b, "]");
	if (res->error) {
		for (size_t i = 0; i < res->nfindings; i++)
			if (res->findings[i].kind == MS_FINDING_ERROR) {
				json_key(b, "error");
				ob_json_str(b, res->findings[i].error, strlen(res->findings[i].error));
				break;
			}
	}
	carry_fields(b, in, m);
	ob_adds(b, "}\n");
}

/* ---------------- text ---------------- */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_DIM "\033[2m"

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
	while (s > 0 && s < at && ((unsigned char)t[s] & 0xC0) == 0x80)
		s++;
	return s;
}

static size_t ctx_end(const char *t, size_t len, size_t at, unsigned ctx)
{
	size_t e = at + ctx < len ? at + ctx : len;
	while (e < len && e > at && ((unsigned char)t[e] & 0xC0) == 0x80)
		e--;
	return e;
}

static void emit_text(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		      const ms_record *rec, const ms_result *res, const char *error)
{
	const char *id = in->str[F_ID], *model = in->str[F_MODEL], *pid = in->str[F_PROMPT_ID];

	if (error || !res || res->error) {
		const char *msg = error;
		if (!msg && res)
			for (size_t i = 0; i < res->nfindings && !msg; i++)
				if (res->findings[i].kind == MS_FINDING_ERROR)
					msg = res->findings[i].error;
		col(b, o, C_BOLD);
		ob_printf(b, "%s:%lu:", o->fname, line);
		col(b, o, C_RESET);
		ob_add(b, " ", 1);
		col(b, o, C_RED);
		ob_adds(b, "error:");
		col(b, o, C_RESET);
		ob_add(b, " ", 1);
		ob_safe_text(b, msg ? msg : "unknown error", strlen(msg ? msg : "unknown error"), 1);
		ob_add(b, "\n", 1);
		if (!res)
			return;
	}
	for (size_t i = 0; i < res->nfindings; i++) {
		const ms_finding *f = &res->findings[i];
		const ms_rule *r = f->rule;

		if (f->kind == MS_FINDING_ERROR)
			continue;
		col(b, o, C_BOLD);
		ob_printf(b, "%s:%lu:", o->fname, line);
		col(b, o, C_RESET);
		ob_add(b, " ", 1);
		col(b, o, sev_color(r->severity));
		ob_printf(b, "%s:", ms_severity_name(r->severity));
		col(b, o, C_RESET);
		ob_add(b, " ", 1);
		ob_safe_text(b, r->title, strlen(r->title), 1);
		ob_add(b, " [", 2);
		col(b, o, C_BOLD);
		ob_adds(b, r->id);
		col(b, o, C_RESET);
		ob_add(b, "]\n", 2);
		col(b, o, C_DIM);
		ob_printf(b, "    %s, %s", ms_dimension_name(r->dimension),
			  f->kind == MS_FINDING_MISSING ? "missing" : "present");
		if (id) {
			ob_adds(b, ", record ");
			ob_safe_text(b, id, strlen(id), 1);
		}
		if (model) {
			ob_adds(b, ", model ");
			ob_safe_text(b, model, strlen(model), 1);
		}
		if (pid) {
			ob_adds(b, ", prompt ");
			ob_safe_text(b, pid, strlen(pid), 1);
		}
		col(b, o, C_RESET);
		ob_adds(b, "\n    ");
		ob_safe_text(b, r->message, strlen(r->message), 1);
		ob_add(b, "\n", 1);
		for (size_t k = 0; k < f->nevidence; k++) {
			const ms_span *sp = &f->evidence[k];
			const char *t = sp->in_prompt ? rec->prompt : rec->response;
			size_t tl = sp->in_prompt ? rec->prompt_len : rec->response_len;
			size_t a = ctx_start(t, sp->start, o->context);
			size_t e = ctx_end(t, tl, sp->end, o->context);

			ob_printf(b, "    %s %zu-%zu: %s", sp->in_prompt ? "prompt" : "at", sp->start,
				  sp->end, a > 0 ? "..." : "");
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
		for (size_t k = 0; f->kind == MS_FINDING_MISSING && k < f->ntrigger; k++) {
			const ms_span *sp = &f->trigger[k];
			const char *t = sp->in_prompt ? rec->prompt : rec->response;

			ob_printf(b, "    because the %s says at %zu-%zu: ",
				  sp->in_prompt ? "prompt" : "answer", sp->start, sp->end);
			ob_safe_text(b, t + sp->start,
				     utf8_cut(t + sp->start, sp->end - sp->start, EVIDENCE_TEXT_MAX), 1);
			ob_add(b, "\n", 1);
		}
	}
}

void out_ctx_prepare(out_ctx *o)
{
	size_t n = ms_rules_count(o->rules);

	o->rule_json = calloc(n ? n : 1, sizeof *o->rule_json);
	o->rule_msg_json = calloc(n ? n : 1, sizeof *o->rule_msg_json);
	if (!o->rule_json || !o->rule_msg_json) {
		out_ctx_release(o);
		return; /* the slower path formats each finding in full */
	}
	for (size_t i = 0; i < n; i++) {
		const ms_rule *r = ms_rules_get(o->rules, i);
		out_buf t = { 0 };

		ob_adds(&t, "{\"rule\":");
		ob_json_str(&t, r->id, strlen(r->id));
		ob_printf(&t, ",\"dimension\":\"%s\",\"severity\":\"%s\"",
			  ms_dimension_name(r->dimension), ms_severity_name(r->severity));
		o->rule_json[i].s = t.data;
		o->rule_json[i].len = t.len;
		t = (out_buf){ 0 };
		ob_json_str(&t, r->message, strlen(r->message));
		o->rule_msg_json[i].s = t.data;
		o->rule_msg_json[i].len = t.len;
	}
}

void out_ctx_release(out_ctx *o)
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
}

void emit_record(out_buf *b, const out_ctx *o, const in_record *in, unsigned long line,
		 const ms_record *rec, const ms_result *res, const char *error)
{
	switch (o->fmt) {
	case FMT_JSONL:
		emit_jsonl(b, o, in, line, rec, res, error, o->fields);
		break;
	case FMT_TEXT:
		emit_text(b, o, in, line, rec, res, error);
		break;
	case FMT_CSV:
		emit_csv(b, o, in, line, rec, res, error);
		break;
	case FMT_SARIF:
		emit_sarif(b, o, in, line, rec, res, error);
		break;
	case FMT_JUNIT:
		emit_junit(b, o, in, line, rec, res, error);
		break;
	}
}
