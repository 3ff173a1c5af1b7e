/* The command-line program's one memory policy: like jq, it exits with
 * status 2 and "out of memory" when an allocation fails, so no caller has
 * an error path for it. */
#ifndef CLI_XALLOC_H
#define CLI_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Grow *arrp (elements of `size` bytes, capacity *cap) to hold `need`
 * elements, doubling from 16. */
void xgrow(void *arrp, size_t *cap, size_t need, size_t size);
/* Append p to the array *arr of *n pointers. */
void xpush_ptr(char ***arr, size_t *n, char *p);
/* Report running out of memory and exit (for allocations made elsewhere,
 * e.g. by json-c or libmedscreen). */
_Noreturn void xoom(void);

#endif
