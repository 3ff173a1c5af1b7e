/* YAML to a small tree of nodes with source positions.
 *
 * Rule files are untrusted input, so the loader enforces what libyaml 0.2.5
 * does not: a nesting limit, a node-count limit, and a policy on anchors and
 * aliases.  Aliases are rejected outright (an alias bomb expands to gigabytes
 * from a few lines); anchors are rejected too, since without aliases they
 * would only hint at a feature that does not exist.  Only one document per
 * file is accepted. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"

typedef struct yctx {
	ms_report_fn report;
	void *ctx;
	size_t nodes;
	int failed;
	const char *buf;  /* the whole input, for positions libyaml gives as offsets */
	size_t len;
} yctx;

static void yerr(yctx *y, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void yerr(yctx *y, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	y->report(y->ctx, MS_DIAG_ERROR, m ? (unsigned)m->line + 1 : 0,
		  m ? (unsigned)m->column + 1 : 0, NULL, fmt, ap);
	va_end(ap);
	y->failed = 1;
}

void ms_ytree_free(ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ms_ytree_free(n->items[i]);
	free(n->items);
	free(n->str);
	free(n);
}

static ynode *new_node(yctx *y, yn_kind k, const yaml_mark_t *m)
{
	ynode *n;

	if (++y->nodes > MS_YAML_MAX_NODES) {
		yerr(y, m, "too many YAML nodes (limit %d)", MS_YAML_MAX_NODES);
		return NULL;
	}
	n = calloc(1, sizeof *n);
	if (!n) {
		yerr(y, m, "out of memory");
		return NULL;
	}
	n->kind = k;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	return n;
}

static int add_item(ynode *parent, ynode *child)
{
	size_t need = parent->n + 1;

	/* Capacity is implicit: the array is reallocated whenever the count
	 * reaches a power of two, so it always holds at least 2 * count. */
	if ((need & (need - 1)) == 0) {
		ynode **p = realloc(parent->items, (need < 4 ? 4 : need * 2) * sizeof *p);

		if (!p)
			return -1;
		parent->items = p;
	}
	parent->items[parent->n++] = child;
	return 0;
}

static int next_event(yaml_parser_t *p, yaml_event_t *ev, yctx *y)
{
	if (!yaml_parser_parse(p, ev)) {
		yaml_mark_t m = p->problem_mark;

		if (p->error == YAML_READER_ERROR) {
			/* The reader (invalid UTF-8, a control character) gives only
			 * a byte offset: line and column come from the text. */
			size_t off = p->problem_offset < y->len ? p->problem_offset : y->len;
			m.line = m.column = 0;
			for (size_t i = 0; i < off; i++) {
				if (y->buf[i] == '\n') {
					m.line++;
					m.column = 0;
				} else if (((unsigned char)y->buf[i] & 0xC0) != 0x80) {
					m.column++;
				}
			}
			yerr(y, &m, "YAML syntax error: %s at byte %zu", p->problem ? p->problem : "unknown",
			     off);
			return -1;
		}
		yerr(y, &m, "YAML syntax error: %s%s%s", p->problem ? p->problem : "unknown",
		     p->context ? " " : "", p->context ? p->context : "");
		return -1;
	}
	return 0;
}

/* Parse the node whose first event is `ev` (ownership of ev passes here). */
static ynode *parse_node(yaml_parser_t *p, yaml_event_t *ev, yctx *y, int depth)
{
	ynode *n = NULL;
	yaml_event_t sub;

	if (depth > MS_YAML_MAX_DEPTH) {
		yerr(y, &ev->start_mark, "nesting deeper than %d levels", MS_YAML_MAX_DEPTH);
		yaml_event_delete(ev);
		return NULL;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		yerr(y, &ev->start_mark, "YAML aliases are not allowed in medscreen files");
		yaml_event_delete(ev);
		return NULL;
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor) {
			yerr(y, &ev->start_mark, "YAML anchors are not allowed in medscreen files");
			break;
		}
		n = new_node(y, YN_SCALAR, &ev->start_mark);
		if (!n)
			break;
		n->str = ms_strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (!n->str) {
			yerr(y, &ev->start_mark, "out of memory");
			free(n);
			n = NULL;
		}
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int is_map = ev->type == YAML_MAPPING_START_EVENT;
		yaml_event_type_t end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
		const yaml_char_t *anchor = is_map ? ev->data.mapping_start.anchor
						   : ev->data.sequence_start.anchor;

		if (anchor) {
			yerr(y, &ev->start_mark, "YAML anchors are not allowed in medscreen files");
			yaml_event_delete(ev);
			return NULL;
		}
		n = new_node(y, is_map ? YN_MAP : YN_SEQ, &ev->start_mark);
		yaml_event_delete(ev);
		if (!n)
			return NULL;
		for (;;) {
			ynode *child;

			if (next_event(p, &sub, y)) {
				ms_ytree_free(n);
				return NULL;
			}
			if (sub.type == end) {
				yaml_event_delete(&sub);
				break;
			}
			child = parse_node(p, &sub, y, depth + 1);
			if (!child || add_item(n, child)) {
				ms_ytree_free(child);
				ms_ytree_free(n);
				return NULL;
			}
		}
		return n;
	}
	default:
		yerr(y, &ev->start_mark, "unexpected YAML event");
		break;
	}
	yaml_event_delete(ev);
	return n;
}

ynode *ms_ytree_parse(const char *buf, size_t len, ms_report_fn report, void *ctx)
{
	yaml_parser_t p;
	yaml_event_t ev;
	yctx y = { report, ctx, 0, 0, buf, len };
	ynode *root = NULL;
	int state = 0; /* 0: before doc, 1: in doc, 2: after doc */

	if (!yaml_parser_initialize(&p)) {
		yerr(&y, NULL, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (;;) {
		if (next_event(&p, &ev, &y))
			goto fail;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
			yaml_event_delete(&ev);
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (state != 0) {
				yerr(&y, &ev.start_mark, "only one YAML document per file is allowed");
				yaml_event_delete(&ev);
				goto fail;
			}
			state = 1;
			yaml_event_delete(&ev);
			break;
		case YAML_DOCUMENT_END_EVENT:
			state = 2;
			yaml_event_delete(&ev);
			break;
		default:
			root = parse_node(&p, &ev, &y, 1);
			if (!root)
				goto fail;
			break;
		}
	}
	yaml_parser_delete(&p);
	if (!root) {
		/* An empty file is a valid empty document. */
		yaml_mark_t m = { 0, 0, 0 };
		root = new_node(&y, YN_MAP, &m);
	}
	return root;
fail:
	ms_ytree_free(root);
	yaml_parser_delete(&p);
	return NULL;
}
