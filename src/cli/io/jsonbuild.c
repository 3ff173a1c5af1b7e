/* json-c objects from a checked JSON text (jsonbuild.h).
 *
 * The tree is the one json-c 0.16's tokener makes of the same text, built
 * with the same json-c calls:
 *   - objects with json_object_object_add, so that a repeated member name
 *     replaces the earlier value where it stood, and a name is cut at its
 *     first NUL (\u0000), as the tokener's strdup of the name cuts it;
 *   - integers (no fraction, no exponent) as int64 from strtoll (the check
 *     keeps them within 64 bits), other numbers as json_object_new_double_s
 *     with strtod's value and their text, which is what they print as;
 *   - strings with their escapes decoded as the tokener decodes them: a
 *     \u escape in UTF-8 (\u0000 a NUL byte kept in the length), a high
 *     surrogate followed by a \u low surrogate as one character, and
 *     U+FFFD for a surrogate without its other half; other bytes, invalid
 *     UTF-8 included, as they are.
 * The unit tests compare the two trees on texts made to differ. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonbuild.h"
#include "jsonstrict.h"
#include "../xalloc.h"

typedef struct jbuild {
	const unsigned char *s;
	size_t len, i;
	/* Decoded member names and strings, and numbers' text, each with a
	 * NUL after it.  A name is kept while its value is built, above it
	 * the value's own; each needs no more room than its text in the
	 * line, so len + 1 bytes hold all that is live at once. */
	char *scratch;
	size_t used;
} jbuild;

static const unsigned char replacement[3] = { 0xEF, 0xBF, 0xBD }; /* U+FFFD */

static void skip_ws(jbuild *b)
{
	while (b->i < b->len && (b->s[b->i] == ' ' || b->s[b->i] == '\t' || b->s[b->i] == '\n' ||
				 b->s[b->i] == '\r'))
		b->i++;
}

static json_object *checked(json_object *v)
{
	if (!v)
		xoom();
	return v;
}

static unsigned hex4(const unsigned char *p)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		unsigned char ch = p[k];
		v = v << 4 | (ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10);
	}
	return v;
}

/* The code point cp (below 0x110000, no surrogate) in UTF-8 at d. */
static size_t put_utf8(unsigned char *d, unsigned cp)
{
	if (cp < 0x80) {
		d[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (unsigned char)(0xC0 | cp >> 6);
		d[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (unsigned char)(0xE0 | cp >> 12);
		d[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		d[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	d[0] = (unsigned char)(0xF0 | (cp >> 18 & 0x07));
	d[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	d[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	d[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* The string whose opening quote is at b->i, decoded into the scratch at
 * b->used with a NUL after it; b->i goes past the closing quote.  Returns
 * the decoded length. */
static size_t decode(jbuild *b)
{
	const unsigned char *p = b->s;
	unsigned char *d = (unsigned char *)b->scratch + b->used;
	size_t i = b->i + 1, n = 0;
	unsigned hi = 0; /* a high surrogate waiting for its low half */

	for (;;) {
		size_t j = json_string_run(p, i, b->len);
		unsigned char esc;

		if (j > i) {
			if (hi) {
				memcpy(d + n, replacement, 3);
				n += 3;
				hi = 0;
			}
			memcpy(d + n, p + i, j - i);
			n += j - i;
			i = j;
		}
		/* The check let through nothing else than the closing quote
		 * and escapes here. */
		if (p[i] == '"')
			break;
		esc = p[i + 1];
		if (esc == 'u') {
			unsigned cp = hex4(p + i + 2);

			i += 6;
			if (hi) {
				if (cp >= 0xDC00 && cp <= 0xDFFF) {
					n += put_utf8(d + n, 0x10000 + ((hi & 0x3FF) << 10) +
								 (cp & 0x3FF));
					hi = 0;
					continue;
				}
				memcpy(d + n, replacement, 3);
				n += 3;
				hi = 0;
			}
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				hi = cp;
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				memcpy(d + n, replacement, 3);
				n += 3;
			} else {
				n += put_utf8(d + n, cp);
			}
			continue;
		}
		if (hi) {
			memcpy(d + n, replacement, 3);
			n += 3;
			hi = 0;
		}
		switch (esc) {
		case 'b': d[n++] = '\b'; break;
		case 'f': d[n++] = '\f'; break;
		case 'n': d[n++] = '\n'; break;
		case 'r': d[n++] = '\r'; break;
		case 't': d[n++] = '\t'; break;
		default: d[n++] = esc; break; /* '"', '\\', '/' */
		}
		i += 2;
	}
	if (hi) {
		memcpy(d + n, replacement, 3);
		n += 3;
	}
	d[n] = '\0';
	b->i = i + 1;
	return n;
}

static json_object *string(jbuild *b)
{
	size_t start = b->i + 1, end = json_string_run(b->s, start, b->len);

	/* Without escapes (the usual short value), straight from the line. */
	if (b->s[end] == '"') {
		b->i = end + 1;
		return checked(json_object_new_string_len((const char *)b->s + start,
							  (int)(end - start)));
	}
	return checked(json_object_new_string_len(b->scratch + b->used, (int)decode(b)));
}

static json_object *number(jbuild *b)
{
	size_t start = b->i, n;
	int integral = 1;
	char *text = b->scratch + b->used;

	while (b->i < b->len) {
		unsigned char ch = b->s[b->i];
		if (ch == '.' || ch == 'e' || ch == 'E')
			integral = 0;
		else if (!(ch == '-' || ch == '+' || (ch >= '0' && ch <= '9')))
			break;
		b->i++;
	}
	n = b->i - start;
	memcpy(text, b->s + start, n);
	text[n] = '\0';
	if (integral)
		return checked(json_object_new_int64(strtoll(text, NULL, 10)));
	return checked(json_object_new_double_s(strtod(text, NULL), text));
}

static json_object *value(jbuild *b);

static json_object *object(jbuild *b)
{
	json_object *o = checked(json_object_new_object());

	b->i++;
	skip_ws(b);
	if (b->s[b->i] == '}') {
		b->i++;
		return o;
	}
	for (;;) {
		size_t mark = b->used;
		const char *name = b->scratch + mark;
		json_object *v;

		skip_ws(b);
		b->used += decode(b) + 1;
		skip_ws(b);
		b->i++; /* ':' */
		v = value(b);
		if (json_object_object_add(o, name, v))
			xoom();
		b->used = mark;
		skip_ws(b);
		if (b->s[b->i++] == '}')
			return o;
	}
}

static json_object *array(jbuild *b)
{
	json_object *a = checked(json_object_new_array());

	b->i++;
	skip_ws(b);
	if (b->s[b->i] == ']') {
		b->i++;
		return a;
	}
	for (;;) {
		if (json_object_array_add(a, value(b)))
			xoom();
		skip_ws(b);
		if (b->s[b->i++] == ']')
			return a;
	}
}

static json_object *value(jbuild *b)
{
	skip_ws(b);
	switch (b->s[b->i]) {
	case '{':
		return object(b);
	case '[':
		return array(b);
	case '"':
		return string(b);
	case 't':
		b->i += 4;
		return checked(json_object_new_boolean(1));
	case 'f':
		b->i += 5;
		return checked(json_object_new_boolean(0));
	case 'n':
		b->i += 4;
		return NULL;
	default:
		return number(b);
	}
}

json_object *json_strict_build(const char *s, size_t len)
{
	char small[4096];
	jbuild b = { (const unsigned char *)s, len, 0, small, 0 };
	json_object *v;

	if (len + 1 > sizeof small)
		b.scratch = xmalloc(len + 1);
	v = value(&b);
	if (b.scratch != small)
		free(b.scratch);
	return v;
}

/* The same tree in every respect the program reads: types, strings byte
 * for byte with their length, integers, doubles with their value and the
 * text they print as, members in order with their names, arrays. */
int json_same_tree(json_object *a, json_object *b)
{
	if (!a || !b)
		return a == b;
	if (json_object_get_type(a) != json_object_get_type(b))
		return 0;
	switch (json_object_get_type(a)) {
	case json_type_null:
		return 1;
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_int:
		return json_object_get_int64(a) == json_object_get_int64(b) &&
		       strcmp(json_object_get_string(a), json_object_get_string(b)) == 0;
	case json_type_double: {
		double x = json_object_get_double(a), y = json_object_get_double(b);
		return memcmp(&x, &y, sizeof x) == 0 &&
		       strcmp(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
			      json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN)) == 0;
	}
	case json_type_string:
		return json_object_get_string_len(a) == json_object_get_string_len(b) &&
		       memcmp(json_object_get_string(a), json_object_get_string(b),
			      (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array:
		if (json_object_array_length(a) != json_object_array_length(b))
			return 0;
		for (size_t i = 0; i < json_object_array_length(a); i++)
			if (!json_same_tree(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i)))
				return 0;
		return 1;
	case json_type_object: {
		struct json_object_iterator i = json_object_iter_begin(a), ie = json_object_iter_end(a);
		struct json_object_iterator j = json_object_iter_begin(b), je = json_object_iter_end(b);

		if (json_object_object_length(a) != json_object_object_length(b))
			return 0;
		for (; !json_object_iter_equal(&i, &ie); json_object_iter_next(&i),
							 json_object_iter_next(&j)) {
			if (json_object_iter_equal(&j, &je) ||
			    strcmp(json_object_iter_peek_name(&i), json_object_iter_peek_name(&j)) ||
			    !json_same_tree(json_object_iter_peek_value(&i), json_object_iter_peek_value(&j)))
				return 0;
		}
		return json_object_iter_equal(&j, &je);
	}
	}
	return 0;
}
