/* The one UTF-8 helper of the command-line program.  Offsets stay byte
 * offsets; these only decide where characters start and end. */
#ifndef CLI_UTF8_H
#define CLI_UTF8_H

#include <stddef.h>

/* A continuation byte (10xxxxxx): not the start of a character. */
static inline int utf8_is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Length of the valid, shortest-form UTF-8 sequence at s (at most `left`
 * bytes), or 0 when it is invalid. */
size_t utf8_len(const unsigned char *s, size_t left);
/* At most `max` of the n bytes at s, not splitting a character. */
size_t utf8_cut(const char *s, size_t n, size_t max);
/* Number of characters (code points) of a NUL-terminated string. */
size_t utf8_width(const char *s);
/* U+FFFD, shown for each invalid byte. */
extern const char utf8_replacement[3];

#endif
