/* Open addressing with linear probing, FNV-1a hashes, at most half full. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

static size_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot of key, or the empty slot where it would go. */
static size_t slot_of(const strmap *m, const char *key)
{
	size_t i = hash(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

size_t strmap_get(const strmap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return (size_t)-1;
	i = slot_of(m, key);
	return m->keys[i] ? m->vals[i] : (size_t)-1;
}

static void rehash(strmap *m, size_t ncap)
{
	strmap t = { xcalloc(ncap, sizeof *t.keys), xcalloc(ncap, sizeof *t.vals), 0, ncap };

	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			strmap_put(&t, m->keys[i], m->vals[i]);
	strmap_free(m);
	*m = t;
}

void strmap_put(strmap *m, const char *key, size_t val)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap)
		rehash(m, m->cap ? 2 * m->cap : 16);
	i = slot_of(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->n++;
	}
	m->vals[i] = val;
}

void strmap_free(strmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}
