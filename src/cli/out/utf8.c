/* UTF-8 decoding decisions (see utf8.h). */
#include "config.h"

#include <stdint.h>

#include "utf8.h"

const char utf8_replacement[3] = "\xEF\xBF\xBD";

size_t utf8_len(const unsigned char *s, size_t left)
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
		if (!utf8_is_cont(s[i]))
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* Overlong forms and surrogates are invalid too. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && utf8_is_cont((unsigned char)s[max]))
		max--;
	return max;
}

size_t utf8_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += !utf8_is_cont((unsigned char)*s);
	return w;
}
