/* The output buffer and its JSON and terminal escapers (see buf.h). */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"
#include "../xalloc.h"

void ob_grow(out_buf *b, size_t n)
{
	size_t ncap;

	if (b->len + n + 1 <= b->cap)
		return;
	ncap = b->cap ? b->cap : 4096;
	while (ncap < b->len + n + 1)
		ncap *= 2;
	b->data = xrealloc(b->data, ncap);
	b->cap = ncap;
}

/* Two decimal digits at a time: half the divisions of one at a time. */
static const char digits2[] = "00010203040506070809101112131415161718192021222324"
			      "25262728293031323334353637383940414243444546474849"
			      "50515253545556575859606162636465666768697071727374"
			      "75767778798081828384858687888990919293949596979899";

/* The number of decimal digits of v: branch-free below 10000, where
 * nearly all offsets and counts are. */
static size_t dec_digits(unsigned long long v)
{
	size_t nd = 1;

	while (v >= 10000) {
		v /= 10000;
		nd += 4;
	}
	return nd + (v >= 10) + (v >= 100) + (v >= 1000);
}

void ob_uint(out_buf *b, unsigned long long v)
{
	/* The number of digits first, so that they are written in place. */
	size_t nd = dec_digits(v);
	char *o;

	ob_reserve(b, nd);
	o = b->data + b->len + nd;
	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		*--o = digits2[d + 1];
		*--o = digits2[d];
	}
	if (v >= 10) {
		*--o = digits2[v * 2 + 1];
		*--o = digits2[v * 2];
	} else {
		*--o = (char)('0' + v);
	}
	b->len += nd;
	b->data[b->len] = '\0';
}

/* A signed number as printf's %lld writes it. */
static void ob_int(out_buf *b, long long v)
{
	if (v < 0) {
		ob_add(b, "-", 1);
		ob_uint(b, 0ULL - (unsigned long long)v);
	} else {
		ob_uint(b, (unsigned long long)v);
	}
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

int ob_write(const out_buf *b, FILE *f)
{
	return b->len && fwrite(b->data, 1, b->len, f) != b->len ? -1 : 0;
}

void ob_free(out_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* How ob_json_str treats each byte.  Printable ASCII other than '"' and
 * '\\' is copied; so is a whole valid UTF-8 sequence, whose lead byte tells
 * its length and the range its second byte must be in (for E0, ED, F0 and
 * F4 narrower than 80..BF: that excludes overlong forms, surrogates and
 * code points above U+10FFFF, as utf8_len does).  The rest is escaped, and
 * a byte that starts no valid sequence becomes U+FFFD.  Curly quotes and
 * accented letters are common in answers: checking them here keeps them in
 * the run that is copied at once. */
enum {
	J_PLAIN, J_ESCAPE, J_BAD,       /* one byte */
	J_U2, J_U3, J_E0, J_ED, J_U4, J_F0, J_F4   /* lead bytes */
};

#define PL J_PLAIN
#define ES J_ESCAPE
#define XX J_BAD
#define U2 J_U2
#define U3 J_U3
#define E0 J_E0
#define ED J_ED
#define U4 J_U4
#define F0 J_F0
#define F4 J_F4
static const unsigned char json_class[256] = {
	ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES,  /* 0x00 */
	ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES, ES,  /* 0x10 */
	PL, PL, ES, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,  /* 0x20 */
	PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,  /* 0x30 */
	PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,  /* 0x40 */
	PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, ES, PL, PL, PL,  /* 0x50 */
	PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,  /* 0x60 */
	PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,  /* 0x70 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,  /* 0x80 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,  /* 0x90 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,  /* 0xA0 */
	XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,  /* 0xB0 */
	XX, XX, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2,  /* 0xC0 */
	U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2, U2,  /* 0xD0 */
	E0, U3, U3, U3, U3, U3, U3, U3, U3, U3, U3, U3, U3, ED, U3, U3,  /* 0xE0 */
	F0, U4, U4, U4, F4, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,  /* 0xF0 */
};
#undef PL
#undef ES
#undef XX
#undef U2
#undef U3
#undef E0
#undef ED
#undef U4
#undef F0
#undef F4

/* Per lead class: the sequence's length and its second byte's range. */
static const unsigned char json_seq_len[] = { 0, 0, 0, 2, 3, 3, 3, 4, 4, 4 };
static const unsigned char json_seq_lo[] = { 0, 0, 0, 0x80, 0x80, 0xA0, 0x80, 0x80, 0x90, 0x80 };
static const unsigned char json_seq_hi[] = { 0, 0, 0, 0xBF, 0xBF, 0xBF, 0x9F, 0xBF, 0xBF, 0x8F };

/* The length of the valid UTF-8 sequence at p (left bytes of it) whose
 * lead byte is of class c; 0 when it is not one. */
static inline size_t json_seq(const unsigned char *p, size_t left, unsigned c)
{
	size_t k = json_seq_len[c];

	if (k == 0 || left < k || p[1] < json_seq_lo[c] || p[1] > json_seq_hi[c])
		return 0;
	if (k >= 3 && (p[2] & 0xC0) != 0x80)
		return 0;
	if (k == 4 && (p[3] & 0xC0) != 0x80)
		return 0;
	return k;
}

/* Whether the 8 bytes at p are all plain ASCII, tested as one word: a byte
 * has its high bit set, is below 0x20, or equals '"' or '\\' (the usual
 * "has a zero / a smaller byte" tricks; a borrow can only mark bytes above
 * one that is marked rightly, so the word's answer is exact). */
static inline int json_plain8(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t x, q, bs;

	memcpy(&x, p, 8);
	q = x ^ (ones * '"');
	bs = x ^ (ones * '\\');
	return ((x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high) == 0;
}

/* The escape of byte c, which is neither plain nor the start of a valid
 * sequence, at o; its length (at most 6). */
static size_t json_escape(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e;

	if (c >= 0x80) {
		memcpy(o, utf8_replacement, 3);
		return 3;
	}
	switch (c) {
	case '"': e = '"'; break;
	case '\\': e = '\\'; break;
	case '\n': e = 'n'; break;
	case '\r': e = 'r'; break;
	case '\t': e = 't'; break;
	default:
		/* printf's "\\u%04x" of a control character. */
		memcpy(o, "\\u00", 4);
		o[4] = hex[c >> 4];
		o[5] = hex[c & 15];
		return 6;
	}
	o[0] = '\\';
	o[1] = e;
	return 2;
}

void ob_json_str(out_buf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	char *o;

	/* Room for the text as it is, the quotes and the NUL; an escape makes
	 * the room it needs beyond that, so that from o there is always room
	 * for n - i bytes, the closing quote and the NUL. */
	ob_reserve(b, n + 2);
	o = b->data + b->len;
	*o++ = '"';
	while (i < n) {
		size_t stop;

		if (n - i >= 8) {
			if (json_plain8(u + i)) {
				memcpy(o, u + i, 8);
				o += 8;
				i += 8;
				continue;
			}
			stop = i + 8;
		} else {
			/* The last few bytes: when the 8 that end the text are
			 * plain, those before i were copied one for one, so
			 * the 8 are written as one word over those copies. */
			if (n >= 8 && json_plain8(u + n - 8)) {
				memcpy(o - (i - (n - 8)), u + n - 8, 8);
				o += n - i;
				break;
			}
			stop = n;
		}
		/* One of these bytes is not plain ASCII: byte by byte up to
		 * their end (a sequence may reach past it). */
		while (i < stop) {
			unsigned c = json_class[u[i]];
			size_t k;

			if (c == J_PLAIN) {
				*o++ = (char)u[i++];
				continue;
			}
			k = json_seq(u + i, n - i, c);
			if (k) {
				o[0] = (char)u[i];
				o[1] = (char)u[i + 1];
				if (k > 2)
					o[2] = (char)u[i + 2];
				if (k > 3)
					o[3] = (char)u[i + 3];
				o += k;
				i += k;
				continue;
			}
			b->len = (size_t)(o - b->data);
			ob_reserve(b, 6 + (n - i) + 1);
			o = b->data + b->len;
			o += json_escape(o, u[i]);
			i++;
		}
	}
	*o++ = '"';
	*o = '\0';
	b->len = (size_t)(o - b->data);
}

/* An integer as json-c writes it: "%" PRId64, or "%" PRIu64 above
 * INT64_MAX, where json_object_get_int64 says INT64_MAX: that one case is
 * left to json-c. */
static void json_int(out_buf *b, json_object *v)
{
	int64_t x = json_object_get_int64(v);

	if (x != INT64_MAX)
		ob_int(b, x);
	else
		ob_adds(b, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

static void json_array(out_buf *b, json_object *v)
{
	size_t n = json_object_array_length(v);

	ob_add(b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_add(b, ",", 1);
		ob_json_value(b, json_object_array_get_idx(v, i));
	}
	ob_add(b, "]", 1);
}

static void json_object_(out_buf *b, json_object *v)
{
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
		json_int(b, v);
		break;
	case json_type_double:
		ob_adds(b, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_string:
		ob_json_str(b, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		json_array(b, v);
		break;
	case json_type_object:
		json_object_(b, v);
		break;
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
			ob_add(b, utf8_replacement, 3);
			i++;
		}
	}
}
