/* The evaluation tools' outputs as records (see presets.h).  Each input
 * record is parsed here, on the reading thread, mapped to a new object
 * with the usual field names, and handed on as that object's text. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "jsonstrict.h"
#include "presets.h"
#include "../out/buf.h"
#include "../suggest.h"
#include "../util.h"
#include "../xalloc.h"

#define MAX_SKIP_KINDS 16

typedef struct emitter {
	preset_run *p;
	const rec_text *in;
	rec_sink sink;
	void *ctx;
} emitter;

typedef void (*map_fn)(emitter *e, json_object *in);

typedef struct preset_def {
	const char *name;
	map_fn map;
	input_format format;      /* of a file whose name does not say */
	const char *json_path;    /* the records in a JSON document */
} preset_def;

struct preset_run {
	const preset_def *def;
	json_tokener *tok;
	char *model;              /* garak: the target named in the run's setup */
	char *skip_kind[MAX_SKIP_KINDS];
	unsigned long skip_n[MAX_SKIP_KINDS + 1];   /* the last: other kinds */
	size_t nkinds;
};

/* ---------------------------------------------------------------- helpers */

static const char *str_of(json_object *v)
{
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static const char *str_at(json_object *o, const char *path)
{
	return str_of(json_lookup(o, path));
}

static void put_str(json_object *o, const char *k, const char *v)
{
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

/* A string value copied with its length (NUL bytes kept). */
static void put_text(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, json_object_new_string_len(json_object_get_string(v),
								 json_object_get_string_len(v)));
}

static void put_value(json_object *o, const char *k, json_object *v)
{
	if (v)
		json_object_object_add(o, k, json_object_get(v));
}

/* Hand `out` on as a record (unusable when `error`), then free it. */
static void emit(emitter *e, json_object *out, const char *error)
{
	rec_text t = { 0 };
	size_t n = 0;

	t.text = json_object_to_json_string_length(
		out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	t.len = n;
	t.line = e->in->line;
	t.error = error;
	e->sink(e->ctx, &t);
	json_object_put(out);
}

/* The text of a chat message's content: a string, or a list of parts of
 * which those with a text are joined by newlines.  0 when it has none. */
static int content_text(json_object *c, out_buf *b)
{
	int found = 0;

	if (json_object_is_type(c, json_type_string)) {
		ob_add(b, json_object_get_string(c), (size_t)json_object_get_string_len(c));
		return 1;
	}
	if (json_object_is_type(c, json_type_object))   /* garak: {text, lang, ...} */
		return str_of(json_lookup(c, "text")) ? content_text(json_lookup(c, "text"), b) : 0;
	if (!json_object_is_type(c, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(c); i++) {
		json_object *part = json_object_array_get_idx(c, i), *t = json_lookup(part, "text");
		if (!str_of(t))
			continue;
		if (found)
			ob_add(b, "\n", 1);
		content_text(t, b);
		found = 1;
	}
	return found;
}

static void put_buf(json_object *o, const char *k, const out_buf *b)
{
	json_object_object_add(o, k, json_object_new_string_len(b->len ? b->data : "", (int)b->len));
}

static void skipped(preset_run *p, const char *kind)
{
	for (size_t i = 0; i < p->nkinds; i++)
		if (strcmp(p->skip_kind[i], kind) == 0) {
			p->skip_n[i]++;
			return;
		}
	if (p->nkinds == MAX_SKIP_KINDS) {
		p->skip_n[MAX_SKIP_KINDS]++;
		return;
	}
	p->skip_kind[p->nkinds] = xstrdup(kind);
	p->skip_n[p->nkinds++] = 1;
}

/* ---------------------------------------------------------------- promptfoo */

/* One promptfoo result: {id, promptIdx, testIdx, prompt: {raw, label},
 * provider: {id, label}, vars, response: {output, error}, error, ...}. */
static void map_promptfoo(emitter *e, json_object *r)
{
	json_object *out = json_object_new_object(), *v, *o;
	const char *err = NULL, *why;
	char msg[300];

	if ((v = json_lookup(r, "id")) && str_of(v))
		put_str(out, "id", str_of(v));
	else if (json_lookup(r, "testIdx") && json_lookup(r, "promptIdx")) {
		snprintf(msg, sizeof msg, "test%s-prompt%s",
			 json_object_get_string(json_lookup(r, "testIdx")),
			 json_object_get_string(json_lookup(r, "promptIdx")));
		put_str(out, "id", msg);
	}
	v = json_lookup(r, "provider");
	put_str(out, "model", str_of(v) ? str_of(v) : str_at(r, "provider.label")
		? str_at(r, "provider.label") : str_at(r, "provider.id"));
	if ((v = json_lookup(r, "prompt.raw")) && str_of(v))
		put_text(out, "prompt", v);
	put_value(out, "vars", json_lookup(r, "vars") ? json_lookup(r, "vars")
						       : json_lookup(r, "testCase.vars"));
	o = json_lookup(r, "response.output");
	if (str_of(o)) {
		put_text(out, "response", o);
	} else if (o && !json_object_is_type(o, json_type_null)) {
		/* Structured output: its JSON text is what the model said. */
		put_str(out, "response", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	} else {
		why = str_at(r, "response.error") ? str_at(r, "response.error") : str_at(r, "error");
		if (why)
			snprintf(msg, sizeof msg, "promptfoo: the provider gave no output: %.200s", why);
		else
			snprintf(msg, sizeof msg, "promptfoo: the result has no response.output");
		err = msg;
	}
	emit(e, out, err);
}

/* ---------------------------------------------------------------- openai-batch */

/* The answer in a response body: chat completions (choices[0].message:
 * content, or refusal), completions (choices[0].text), or the Responses
 * API (output[].content[] parts of type output_text). */
static int batch_answer(json_object *body, out_buf *b)
{
	static const char *const paths[] = { "choices.0.message.content",
					     "choices.0.message.refusal", "choices.0.text", NULL };
	json_object *out;

	for (size_t i = 0; paths[i]; i++) {
		json_object *v = json_lookup(body, paths[i]);
		if (v && !json_object_is_type(v, json_type_object) && content_text(v, b))
			return 1;
	}
	out = json_lookup(body, "output");
	if (!out || !json_object_is_type(out, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(out); i++) {
		json_object *item = json_object_array_get_idx(out, i);
		if (str_at(item, "type") && strcmp(str_at(item, "type"), "message") == 0 &&
		    content_text(json_lookup(item, "content"), b))
			return 1;
	}
	return 0;
}

/* One line of a batch output or error file: {id, custom_id, response:
 * {status_code, request_id, body}, error: {code, message}}. */
static void map_openai_batch(emitter *e, json_object *l)
{
	json_object *out = json_object_new_object(), *status;
	const char *err = NULL;
	out_buf b = { 0 };
	char msg[300];

	put_str(out, "id", str_at(l, "custom_id"));
	put_str(out, "model", str_at(l, "response.body.model"));
	status = json_lookup(l, "response.status_code");
	if (!str_at(l, "custom_id")) {
		err = "openai-batch: the line has no custom_id";
	} else if (json_lookup(l, "error") && !json_object_is_type(json_lookup(l, "error"),
								     json_type_null)) {
		snprintf(msg, sizeof msg, "openai-batch: the request failed: %.60s: %.200s",
			 str_at(l, "error.code") ? str_at(l, "error.code") : "no code",
			 str_at(l, "error.message") ? str_at(l, "error.message") : "no message");
		err = msg;
	} else if (!json_lookup(l, "response.body")) {
		err = "openai-batch: the line has neither response.body nor error";
	} else if (status && json_object_get_int(status) != 200) {
		snprintf(msg, sizeof msg, "openai-batch: the request failed with HTTP status %d: "
			 "%.200s", json_object_get_int(status),
			 str_at(l, "response.body.error.message")
				 ? str_at(l, "response.body.error.message") : "no message");
		err = msg;
	} else if (!batch_answer(json_lookup(l, "response.body"), &b)) {
		err = "openai-batch: response.body has no choices[0].message.content (nor text, "
		      "refusal or output_text)";
	} else {
		put_buf(out, "response", &b);
	}
	ob_free(&b);
	emit(e, out, err);
}

/* ---------------------------------------------------------------- garak */

/* The prompt of an attempt: a string (garak before 0.10) or a
 * conversation {turns: [{role, content: {text}}]}: its last user turn. */
static int garak_prompt(json_object *prompt, out_buf *b)
{
	json_object *turns = json_lookup(prompt, "turns");

	if (str_of(prompt))
		return content_text(prompt, b);
	if (!turns || !json_object_is_type(turns, json_type_array))
		return 0;
	for (size_t i = json_object_array_length(turns); i-- > 0;) {
		json_object *t = json_object_array_get_idx(turns, i);
		const char *role = str_at(t, "role");
		if (role && strcmp(role, "user") == 0)
			return content_text(json_lookup(t, "content"), b);
	}
	return 0;
}

/* The target's name, from the setup entry at the head of a report. */
static void garak_setup(preset_run *p, json_object *entry)
{
	static const char *const keys[] = { "plugins.target_name", "plugins.model_name", NULL };
	json_object *v;

	for (size_t i = 0; keys[i]; i++)
		if (json_object_object_get_ex(entry, keys[i], &v) && str_of(v)) {
			free(p->model);
			p->model = xstrdup(str_of(v));
			return;
		}
}

/* One record per output of an evaluated attempt (status 2; garak logs
 * each attempt first with status 1, before its detectors ran). */
static void garak_attempt(emitter *e, json_object *a)
{
	json_object *outputs = json_lookup(a, "outputs");
	const char *uuid = str_at(a, "uuid");
	out_buf prompt = { 0 };
	int has_prompt = garak_prompt(json_lookup(a, "prompt"), &prompt);
	size_t n = outputs && json_object_is_type(outputs, json_type_array)
			   ? json_object_array_length(outputs) : 0;
	char id[128];

	for (size_t k = 0; k < (n ? n : 1); k++) {
		json_object *out = json_object_new_object();
		out_buf text = { 0 };
		int ok = n && content_text(json_object_array_get_idx(outputs, k), &text);

		snprintf(id, sizeof id, "%.80s:%zu", uuid ? uuid : "attempt", k);
		put_str(out, "id", id);
		put_str(out, "model", e->p->model);
		put_str(out, "probe", str_at(a, "probe_classname"));
		put_str(out, "goal", str_at(a, "goal"));
		if (has_prompt)
			put_buf(out, "prompt", &prompt);
		if (ok)
			put_buf(out, "response", &text);
		ob_free(&text);
		emit(e, out, ok ? NULL : n ? "garak: this output is empty (null): the generator "
					     "gave nothing"
					   : "garak: the attempt has no outputs");
	}
	ob_free(&prompt);
}

static void map_garak(emitter *e, json_object *entry)
{
	const char *type = str_at(entry, "entry_type");
	json_object *status = json_lookup(entry, "status");
	char kind[64];

	if (!type) {
		emit(e, json_object_new_object(), "garak: the line has no entry_type: not a garak "
						  "report entry");
		return;
	}
	if (strcmp(type, "start_run setup") == 0)
		garak_setup(e->p, entry);
	if (strcmp(type, "attempt") != 0) {
		skipped(e->p, type);
		return;
	}
	if (!status || json_object_get_int(status) != 2) {
		snprintf(kind, sizeof kind, "attempt with status %s",
			 status ? json_object_get_string(status) : "none");
		skipped(e->p, kind);
		return;
	}
	garak_attempt(e, entry);
}

/* ---------------------------------------------------------------- messages */

/* A chat: the last assistant turn with a text is the response, the last
 * user turn before it the prompt; the record's other fields stay. */
/* The last turn of `role` before index `before` with a text, into b;
 * its index, or -1. */
static long last_turn(json_object *msgs, size_t before, const char *role, out_buf *b)
{
	for (size_t i = before; i-- > 0;) {
		json_object *m = json_object_array_get_idx(msgs, i);
		const char *r = str_at(m, "role");
		if (r && strcmp(r, role) == 0 && content_text(json_lookup(m, "content"), b))
			return (long)i;
	}
	return -1;
}

static void map_messages(emitter *e, json_object *r)
{
	json_object *out = json_object_new_object(), *msgs = json_lookup(r, "messages");
	out_buf resp = { 0 }, prompt = { 0 };
	const char *err = NULL;
	long ia = -1;

	json_object_object_foreach(r, k, v) {
		if (strcmp(k, "messages") != 0)
			put_value(out, k, v);
	}
	if (!msgs || !json_object_is_type(msgs, json_type_array)) {
		err = "messages: the record has no 'messages' list";
	} else if ((ia = last_turn(msgs, json_object_array_length(msgs), "assistant", &resp)) < 0) {
		err = "messages: no assistant turn with a text in 'messages'";
	} else {
		put_buf(out, "response", &resp);
		if (last_turn(msgs, (size_t)ia, "user", &prompt) >= 0)
			put_buf(out, "prompt", &prompt);
	}
	ob_free(&resp);
	ob_free(&prompt);
	emit(e, out, err);
}

/* ---------------------------------------------------------------- the run */

static const preset_def presets[] = {
	{ "promptfoo", map_promptfoo, INPUT_JSON, "results.results" },
	{ "openai-batch", map_openai_batch, INPUT_JSONL, NULL },
	{ "garak", map_garak, INPUT_JSONL, NULL },
	{ "messages", map_messages, INPUT_JSONL, NULL },
};
#define NPRESETS (sizeof presets / sizeof *presets)

preset_run *preset_run_new(const char *name)
{
	const char *names[NPRESETS + 1] = { 0 }, *best;
	preset_run *p;

	for (size_t i = 0; i < NPRESETS; i++) {
		names[i] = presets[i].name;
		if (strcmp(name, presets[i].name) == 0) {
			p = xcalloc(1, sizeof *p);
			p->def = &presets[i];
			if (!(p->tok = json_tokener_new_ex(JSON_TOKENER_DEPTH)))
				xoom();
			return p;
		}
	}
	best = suggest_name(name, strlen(name), names, NPRESETS);
	cli_error("--preset must be promptfoo, openai-batch, garak or messages, not '%s'%s%s%s",
		  name, best ? " (did you mean '" : "", best ? best : "", best ? "'?)" : "");
	return NULL;
}

void preset_run_free(preset_run *p)
{
	if (!p)
		return;
	json_tokener_free(p->tok);
	free(p->model);
	for (size_t i = 0; i < p->nkinds; i++)
		free(p->skip_kind[i]);
	free(p);
}

input_format preset_format(const preset_run *p, const char *fname)
{
	input_format f = input_format_of_ext(fname);

	return f != INPUT_AUTO ? f : p->def->format;
}

const char *preset_json_path(const preset_run *p)
{
	return p->def->json_path;
}

void preset_feed(preset_run *p, const rec_text *t, rec_sink sink, void *ctx)
{
	emitter e = { p, t, sink, ctx };
	json_object *in;

	/* What is not a record object goes on as it is: the engine says why. */
	if (t->too_long || t->error || !(in = json_record_object(p->tok, t->text, t->len))) {
		sink(ctx, t);
		return;
	}
	p->def->map(&e, in);
	json_object_put(in);
}

void preset_report(const preset_run *p)
{
	out_buf b = { 0 };
	unsigned long total = p->skip_n[MAX_SKIP_KINDS];

	for (size_t i = 0; i < p->nkinds; i++) {
		ob_printf(&b, "%s%lu %s", i ? ", " : "", p->skip_n[i], p->skip_kind[i]);
		total += p->skip_n[i];
	}
	if (p->skip_n[MAX_SKIP_KINDS])
		ob_printf(&b, ", %lu of other kinds", p->skip_n[MAX_SKIP_KINDS]);
	if (total)
		cli_note("%s: %lu entr%s skipped, not evaluated attempts: %s", p->def->name, total,
			 total == 1 ? "y" : "ies", b.data);
	ob_free(&b);
}
