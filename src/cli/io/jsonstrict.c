/* Strict JSON check: recursive descent over RFC 8259's grammar, with
 * messages for the usual near-JSON (Python's repr, JavaScript literals,
 * hand-edited files). */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(MS_NO_SIMD)
#include <emmintrin.h>
#endif

#include "jsonstrict.h"

typedef struct jcheck {
	const unsigned char *s;
	size_t len, i;
	int depth, max_depth;
	const char *why;
} jcheck;

static int bad(jcheck *c, const char *why)
{
	c->why = why;
	return -1;
}

static void skip_ws(jcheck *c)
{
	while (c->i < c->len &&
	       (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
		c->i++;
}

static int hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

size_t json_string_run(const unsigned char *p, size_t i, size_t len)
{
#if defined(__SSE2__) && !defined(MS_NO_SIMD)
	/* 16 bytes at a time: a byte stops the run when it is the quote, the
	 * backslash, or at most 0x1F (max(x, 0x1F) == 0x1F, an unsigned
	 * compare SSE2 lacks otherwise).  Bytes from 0x80 up go on. */
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
		      ctl = _mm_set1_epi8(0x1F);

	while (i + 16 <= len) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
							 _mm_cmpeq_epi8(x, bslash)),
					    _mm_cmpeq_epi8(_mm_max_epu8(x, ctl), ctl));
		unsigned mask = (unsigned)_mm_movemask_epi8(stop);

		if (mask)
			return i + (size_t)__builtin_ctz(mask);
		i += 16;
	}
#endif
	/* The last bytes (or all of them without SSE2), one at a time. */
	while (i < len && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
		i++;
	return i;
}

static int string(jcheck *c)
{
	const unsigned char *p = (const unsigned char *)c->s;
	size_t i = c->i + 1, len = c->len; /* past the opening quote */

	for (;;) {
		unsigned char ch;

		/* The long runs of ordinary text: not the quote, not the
		 * backslash, not a control character. */
		i = json_string_run(p, i, len);
		if (i >= len)
			break;
		ch = p[i];
		c->i = i;
		if (ch == '"') {
			c->i = i + 1;
			return 0;
		}
		if (ch == 0)
			return bad(c, "a NUL byte inside a string (write it as \\u0000)");
		if (ch < 0x20)
			return bad(c, "a raw control character inside a string (escape it, "
				      "e.g. \\n or \\t)");
		if (++i >= len)
			break;
		switch (p[i]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			i++;
			break;
		case 'u':
			for (int k = 1; k <= 4; k++)
				if (i + k >= len || hexval(p[i + k]) < 0) {
					c->i = i;
					return bad(c, "\\u must be followed by four hexadecimal digits");
				}
			i += 5;
			break;
		default:
			c->i = i;
			return bad(c, "an unknown escape in a string");
		}
	}
	c->i = i < len ? i : len;
	return bad(c, "a string that is not closed");
}

/* An integer literal (no fraction, no exponent) within 64 bits signed. */
static int int64_fits(const unsigned char *p, size_t n)
{
	static const char max[] = "9223372036854775807", min[] = "9223372036854775808";
	int neg = p[0] == '-';
	const char *lim = neg ? min : max;

	if (neg) {
		p++;
		n--;
	}
	if (n != sizeof max - 1)
		return n < sizeof max - 1;
	return memcmp(p, lim, n) <= 0;
}

static int number(jcheck *c)
{
	size_t start = c->i, digits;
	int integral = 1;

	if (c->s[c->i] == '-')
		c->i++;
	if (c->i >= c->len || c->s[c->i] < '0' || c->s[c->i] > '9') {
		if (c->i < c->len && (c->s[c->i] == 'I' || c->s[c->i] == 'i'))
			return bad(c, "Infinity is not a JSON number");
		return bad(c, "a digit expected");
	}
	if (c->s[c->i] == '0' && c->i + 1 < c->len && c->s[c->i + 1] >= '0' && c->s[c->i + 1] <= '9')
		return bad(c, "leading zeros are not allowed in JSON numbers");
	while (c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9')
		c->i++;
	if (c->i < c->len && c->s[c->i] == '.') {
		integral = 0;
		c->i++;
		for (digits = 0; c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9'; digits++)
			c->i++;
		if (!digits)
			return bad(c, "a digit expected after the decimal point");
	}
	if (c->i < c->len && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
		integral = 0;
		c->i++;
		if (c->i < c->len && (c->s[c->i] == '+' || c->s[c->i] == '-'))
			c->i++;
		for (digits = 0; c->i < c->len && c->s[c->i] >= '0' && c->s[c->i] <= '9'; digits++)
			c->i++;
		if (!digits)
			return bad(c, "a digit expected in the exponent");
	}
	if (integral && !int64_fits(c->s + start, c->i - start)) {
		c->i = start;
		return bad(c, "an integer beyond 64 bits (write it as a string to keep it exact)");
	}
	if (!integral) {
		char buf[64];
		size_t n = c->i - start;
		double v;

		if (n < sizeof buf) {
			memcpy(buf, c->s + start, n);
			buf[n] = '\0';
			v = strtod(buf, NULL);
			if (isinf(v)) {
				c->i = start;
				return bad(c, "a number too large for a double");
			}
		}
	}
	return 0;
}

static int literal(jcheck *c, const char *word)
{
	size_t n = strlen(word);

	if (c->len - c->i >= n && memcmp(c->s + c->i, word, n) == 0) {
		c->i += n;
		return 0;
	}
	return bad(c, "true, false or null expected");
}

static int value(jcheck *c, json_top *top);

static int container(jcheck *c, int object)
{
	unsigned char close = object ? '}' : ']';

	if (++c->depth > c->max_depth)
		return bad(c, "nested too deeply");
	c->i++;
	skip_ws(c);
	if (c->i < c->len && c->s[c->i] == close) {
		c->i++;
		c->depth--;
		return 0;
	}
	for (;;) {
		json_top t;

		skip_ws(c);
		if (object) {
			if (c->i >= c->len)
				break;
			if (c->s[c->i] == '\'')
				return bad(c, "single quotes are not JSON: use double quotes");
			if (c->s[c->i] == close)
				return bad(c, "a trailing comma is not JSON");
			if (c->s[c->i] != '"')
				return bad(c, "a member name in double quotes expected");
			if (string(c))
				return -1;
			skip_ws(c);
			if (c->i >= c->len || c->s[c->i] != ':')
				return c->i >= c->len ? bad(c, "the text ends inside an object")
						      : bad(c, "':' expected after a member name");
			c->i++;
			skip_ws(c);
		} else if (c->i < c->len && c->s[c->i] == close) {
			return bad(c, "a trailing comma is not JSON");
		}
		if (value(c, &t))
			return -1;
		skip_ws(c);
		if (c->i >= c->len)
			break;
		if (c->s[c->i] == ',') {
			c->i++;
			continue;
		}
		if (c->s[c->i] == close) {
			c->i++;
			c->depth--;
			return 0;
		}
		if (c->s[c->i] == '/')
			return bad(c, "comments are not JSON");
		return bad(c, object ? "',' or '}' expected" : "',' or ']' expected");
	}
	return bad(c, object ? "the text ends inside an object" : "the text ends inside an array");
}

static int value(jcheck *c, json_top *top)
{
	unsigned char ch;

	skip_ws(c);
	if (c->i >= c->len)
		return bad(c, "a value expected");
	ch = c->s[c->i];
	switch (ch) {
	case '{':
		*top = JSON_TOP_OBJECT;
		return container(c, 1);
	case '[':
		*top = JSON_TOP_ARRAY;
		return container(c, 0);
	case '"':
		*top = JSON_TOP_STRING;
		return string(c);
	case 't':
	case 'f':
		if (literal(c, ch == 't' ? "true" : "false"))
			return -1;
		*top = JSON_TOP_BOOL;
		return 0;
	case 'n':
		if (literal(c, "null"))
			return -1;
		*top = JSON_TOP_NULL;
		return 0;
	case '\'':
		return bad(c, "single quotes are not JSON: use double quotes");
	case 'N':
		return bad(c, "NaN is not a JSON number");
	case 'I':
		return bad(c, "Infinity is not a JSON number");
	case 'T': case 'F':
		return bad(c, "true and false are lower case in JSON");
	case '/':
		return bad(c, "comments are not JSON");
	case 0:
		return bad(c, "a NUL byte");
	default:
		if (ch == '-' || (ch >= '0' && ch <= '9')) {
			*top = JSON_TOP_NUMBER;
			return number(c);
		}
		return bad(c, ch >= 0x80 ? "a value expected (a non-ASCII byte outside a string)"
					 : "a value expected");
	}
}

int json_strict_check(const char *s, size_t len, int max_depth, size_t *at, const char **why,
		      json_top *top)
{
	jcheck c = { (const unsigned char *)s, len, 0, 0, max_depth, NULL };

	*top = JSON_TOP_NONE;
	if (value(&c, top) == 0) {
		skip_ws(&c);
		if (c.i == c.len)
			return 0;
		c.why = c.s[c.i] == '/' ? "comments are not JSON" : JSON_STRICT_TRAILING;
	}
	*at = c.i;
	*why = c.why;
	return -1;
}

const char *json_top_name(json_top t)
{
	switch (t) {
	case JSON_TOP_OBJECT: return "an object";
	case JSON_TOP_ARRAY: return "an array";
	case JSON_TOP_STRING: return "a string";
	case JSON_TOP_NUMBER: return "a number";
	case JSON_TOP_BOOL: return "a boolean";
	case JSON_TOP_NULL: return "null";
	default: return "nothing";
	}
}
