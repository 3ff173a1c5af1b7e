/* A hash map from borrowed NUL-terminated strings to indices: the lookups
 * of report, diff and eval, where a linear search per record was
 * quadratic.  Keys must outlive the map. */
#ifndef CLI_STRMAP_H
#define CLI_STRMAP_H

#include <stddef.h>

typedef struct strmap {
	const char **keys;
	size_t *vals;
	size_t n, cap;          /* cap: a power of two, or 0 */
} strmap;

/* The index stored for key, or (size_t)-1. */
size_t strmap_get(const strmap *m, const char *key);
/* Store key -> val (replacing an earlier value). */
void strmap_put(strmap *m, const char *key, size_t val);
void strmap_free(strmap *m);

#endif
