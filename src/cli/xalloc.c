/* Allocation that exits on failure (see xalloc.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xalloc.h"

_Noreturn void xoom(void)
{
	cli_error("out of memory");
	exit(CLI_EXIT_TROUBLE);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		xoom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		xoom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		xoom();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		xoom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		xoom();
	return s;
}

void xgrow(void *arrp, size_t *cap, size_t need, size_t size)
{
	void **arr = arrp;
	size_t ncap = *cap ? *cap : 16;

	if (need <= *cap)
		return;
	while (ncap < need) {
		if (ncap > (size_t)-1 / 2 / size)
			xoom();
		ncap *= 2;
	}
	*arr = xrealloc(*arr, ncap * size);
	*cap = ncap;
}

void xpush_ptr(char ***arr, size_t *n, char *p)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
	(*arr)[(*n)++] = p;
}
