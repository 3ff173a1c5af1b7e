/* Repetition: the unit of text (a sentence or a line) that occurs most
 * often in a text, for the `repeated` condition.
 *
 * A unit's identity is its words in lower case: what comes before its first
 * letter (a list number, a bullet) is left out, and words are compared, not
 * the punctuation or spacing between them, so that "3. Drink water." and
 * "4. Drink  water!" are one unit.
 *
 * Most answers repeat nothing, and hashing every byte of every unit cost
 * more than all other conditions together.  So the analysis runs in two
 * passes.  The first reads the text 64 bytes at a time as bit masks (word
 * bytes, letters, unit ends), takes each unit's bounds and word count from
 * them, and gives the unit a signature made of what its identity fixes: how
 * many words and word bytes it has, and the first and last bytes of its
 * words.  Equal units have equal signatures, so a text whose signatures are
 * all distinct repeats no unit.  The second pass hashes only the units whose
 * signature recurs, in full (FNV-1a of their words), and counts those
 * hashes: the units it leaves out occur once, and the most repeated unit,
 * with the tie rule below, is the one a count of every unit would find. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
/* MS_NO_SIMD builds the portable code on x86 too (for its tests). */
#if defined(__SSE2__) && !defined(MS_NO_SIMD)
#define UNIT_SSE2 1
#include <emmintrin.h>
#else
#define UNIT_SSE2 0
#endif

#include "scanner.h"

typedef struct unit {
	uint64_t hash;  /* the signature, then the full hash */
	size_t start, end;
} unit;

struct unitslot {
	uint32_t first; /* the first unit with the slot's hash */
	uint32_t count; /* how many units have it; 0: an empty slot */
};

/* A byte of a unit's words as it enters the unit's identity: letters in
 * lower case, digits and bytes of non-ASCII characters as they are, 0 for
 * everything else (which separates words). */
static unsigned char unit_fold(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c + ('a' - 'A'));
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80)
		return c;
	return 0;
}

#if !UNIT_SSE2
static int unit_letter(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}
#endif

/* The FNV-1a hash of a unit's words, the identity units are compared by. */
#define UNIT_HASH0 1469598103934665603u
#define UNIT_PRIME 1099511628211u

/* The masks of the 64 bytes at o: bit k stands for byte o + k.  w: a word
 * byte (unit_fold() not 0); l: a letter, where a unit may start; e: where a
 * unit ends, at a newline, or at . ! ? before a space, a newline or the end
 * of the text.  Bytes past the end read as newlines: no word, and the first
 * of them ends the last unit. */
typedef struct umasks {
	uint64_t w, l, e;
} umasks;

static void block_masks(const unsigned char *p, size_t len, size_t o, umasks *m)
{
	unsigned char pad[64 + 16];
	const unsigned char *b = p + o;

	if (len - o < 65) {
		/* The last block: 64 bytes and the one after them are read. */
		memcpy(pad, p + o, len - o);
		memset(pad + (len - o), '\n', sizeof pad - (len - o));
		b = pad;
	}
#if UNIT_SSE2
	m->w = m->l = m->e = 0;
	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k));
		__m128i nx = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k + 1));
		/* c | 0x20 in 'a'..'z', and c in '0'..'9', as signed compares
		 * after a shift that puts the range's start at -128. */
		__m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
		__m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(lower, _mm_set1_epi8((char)(0x80 - 'a'))),
					       _mm_set1_epi8((char)(-128 + 26)));
		__m128i digit = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
					       _mm_set1_epi8((char)(-128 + 10)));
		__m128i nl = _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'));
		__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')),
							 _mm_cmpeq_epi8(v, _mm_set1_epi8('!'))),
					    _mm_cmpeq_epi8(v, _mm_set1_epi8('?')));
		__m128i gap = _mm_or_si128(_mm_cmpeq_epi8(nx, _mm_set1_epi8(' ')),
					   _mm_cmpeq_epi8(nx, _mm_set1_epi8('\n')));
		uint64_t high = (uint64_t)(unsigned)_mm_movemask_epi8(v);
		uint64_t l = (uint64_t)(unsigned)_mm_movemask_epi8(alpha) | high;
		uint64_t d = (uint64_t)(unsigned)_mm_movemask_epi8(digit);
		uint64_t e = (uint64_t)(unsigned)_mm_movemask_epi8(
			_mm_or_si128(nl, _mm_and_si128(stop, gap)));

		m->l |= l << (16 * k);
		m->w |= (l | d) << (16 * k);
		m->e |= e << (16 * k);
	}
#else
	m->w = m->l = m->e = 0;
	for (int k = 0; k < 64; k++) {
		unsigned char c = b[k], n = b[k + 1];
		uint64_t bit = (uint64_t)1 << k;

		if (unit_fold(c))
			m->w |= bit;
		if (unit_letter(c))
			m->l |= bit;
		if (c == '\n' || ((c == '.' || c == '!' || c == '?') && (n == ' ' || n == '\n')))
			m->e |= bit;
	}
#endif
}

/* The masks of the block being read, and where its words start (a word
 * byte after one that is not). */
typedef struct ucursor {
	const unsigned char *p;
	size_t len, o;
	umasks m;
	uint64_t starts;
} ucursor;

static void cursor_at(ucursor *c, size_t o, uint64_t carry)
{
	c->o = o;
	block_masks(c->p, c->len, o, &c->m);
	c->starts = c->m.w & ~((c->m.w << 1) | carry);
}

static void cursor_next(ucursor *c)
{
	cursor_at(c, c->o + 64, c->m.w >> 63);
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53u;
	x ^= x >> 33;
	return x;
}

/* The signature of the unit [a, b): up to four folded bytes of its first
 * word and of its last, its words and its word bytes. */
static uint64_t unit_signature(const unsigned char *p, size_t a, size_t b, size_t words,
			       size_t wbytes)
{
	uint64_t head = 0, tail = 0;
	unsigned char f;

	for (size_t i = a; i < b && i < a + 4 && (f = unit_fold(p[i])) != 0; i++)
		head = head << 8 | f;
	for (size_t i = b; i > a && i + 4 > b && (f = unit_fold(p[i - 1])) != 0; i--)
		tail = tail << 8 | f;
	return mix64((head | tail << 32) ^ (uint64_t)wbytes * 0x9e3779b97f4a7c15u ^
		     (uint64_t)words * 0xc2b2ae3d27d4eb4fu);
}

/* The identity of the unit [a, b) (a is the first byte of its first word). */
static uint64_t unit_hash(const unsigned char *p, size_t a, size_t b)
{
	uint64_t h = UNIT_HASH0;
	int inword = 0, words = 0;

	for (size_t i = a; i < b; i++) {
		unsigned char f = unit_fold(p[i]);
		if (!f) {
			inword = 0;
			continue;
		}
		if (!inword && words++)
			h = (h ^ ' ') * UNIT_PRIME;
		inword = 1;
		h = (h ^ f) * UNIT_PRIME;
	}
	return h;
}

/* The units of at least minwords words, in order, with their signatures,
 * into s->units: how many, or -1 when memory runs out. */
static long find_units(ms_scanner *s, const unsigned char *p, size_t len, unsigned minwords)
{
	ucursor c = { p, len, 0, { 0, 0, 0 }, 0 };
	size_t i = 0, nu = 0;

	if (!len)
		return 0;
	cursor_at(&c, 0, 0);
	while (i < len) {
		uint64_t from, bits;
		size_t a, end, words, wbytes = 0, last;

		while (i - c.o >= 64)
			cursor_next(&c);
		/* The unit starts at the next letter. */
		from = ~(uint64_t)0 << (i - c.o);
		while (!(bits = c.m.l & from)) {
			if (c.o + 64 >= len)
				return (long)nu;
			cursor_next(&c);
			from = ~(uint64_t)0;
		}
		a = c.o + (size_t)__builtin_ctzll(bits);
		from = ~(uint64_t)0 << (a - c.o);
		/* Its first word starts at a even after a digit. */
		words = (c.starts >> (a - c.o) & 1) ? 0 : 1;
		last = a;
		/* It ends at the next end mark, or with the text. */
		for (;;) {
			uint64_t e = c.m.e & from, in = e ? (e & -e) - 1 : ~(uint64_t)0, w;

			in &= from;
			w = c.m.w & in;
			words += (size_t)__builtin_popcountll(c.starts & in);
			wbytes += (size_t)__builtin_popcountll(w);
			if (w)
				last = c.o + 63 - (size_t)__builtin_clzll(w);
			if (e) {
				end = c.o + (size_t)__builtin_ctzll(e);
				break;
			}
			if (c.o + 64 >= len) {
				end = len;
				break;
			}
			cursor_next(&c);
			from = ~(uint64_t)0;
		}
		i = end + 1;
		if (words < minwords)
			continue;
		if (nu == s->capunits && ms_grow(&s->units, &s->capunits, nu + 1, sizeof *s->units))
			return -1;
		s->units[nu++] =
			(unit){ unit_signature(p, a, last + 1, words, wbytes), a, last + 1 };
	}
	return (long)nu;
}

/* Count the hashes of units[0 .. nu) in s->uslots (nslots, a power of two,
 * at least twice nu): returns the greatest count, with the hash that has
 * it in *best and the first unit with that hash in *first.  Of hashes that
 * occur equally often, the lowest is kept (as when the units were sorted
 * by hash to be counted): the unit that ends with the most occurrences is
 * kept at the moment it reaches them, and so is each of its equals. */
static size_t count_hashes(ms_scanner *s, size_t nu, size_t nslots, uint64_t *best,
			   size_t *first)
{
	const unit *u = s->units;
	struct unitslot *slot = s->uslots;
	size_t bestn = 1;

	memset(slot, 0, nslots * sizeof *slot);
	*best = u[0].hash;
	*first = 0;
	for (size_t k = 0; k < nu; k++) {
		uint64_t h = u[k].hash;
		size_t j = (size_t)(h ^ (h >> 29)) & (nslots - 1);

		while (slot[j].count && u[slot[j].first].hash != h)
			j = (j + 1) & (nslots - 1);
		if (!slot[j].count++)
			slot[j].first = (uint32_t)k;
		if (slot[j].count > bestn || (slot[j].count == bestn && h < *best)) {
			bestn = slot[j].count;
			*best = h;
			*first = slot[j].first;
		}
	}
	return bestn;
}

/* How many units share unit k's hash (after count_hashes()). */
static uint32_t hash_count(const ms_scanner *s, size_t nslots, size_t k)
{
	const unit *u = s->units;
	const struct unitslot *slot = s->uslots;
	uint64_t h = u[k].hash;
	size_t j = (size_t)(h ^ (h >> 29)) & (nslots - 1);

	while (u[slot[j].first].hash != h)
		j = (j + 1) & (nslots - 1);
	return slot[j].count;
}

int ms_analyse_repeats(ms_scanner *s, textstate *t, unsigned minwords)
{
	const unsigned char *p = (const unsigned char *)t->text;
	size_t nu, nslots, bestn, first, m = 0;
	long found;
	uint64_t best;

	t->rep.n = 0;
	t->rep_max = 0;
	t->rep_words = minwords;
	t->rep_done = 1;
	found = find_units(s, p, t->len, minwords);
	if (found < 0)
		return -1;
	nu = (size_t)found;
	if (nu < 2)
		return 0;
	/* Open addressing, at most half full; a slot is 8 bytes, so the
	 * table of a long text costs less than its units. */
	for (nslots = 4; nslots < 2 * nu; nslots *= 2)
		;
	if (nu > UINT32_MAX || ms_grow(&s->uslots, &s->capuslots, nslots, sizeof *s->uslots))
		return -1;
	if (count_hashes(s, nu, nslots, &best, &first) == 1) {
		/* All distinct: no unit occurs twice. */
		t->rep_max = 1;
		return 0;
	}
	/* The units whose signature recurs, in order, by their identities:
	 * the others are marked first (the table still reads the signatures
	 * of the units it lists first), then left out. */
	for (size_t k = 0; k < nu; k++)
		if (hash_count(s, nslots, k) == 1)
			s->units[k].start = SIZE_MAX;
	for (size_t k = 0; k < nu; k++) {
		const unit *u = &s->units[k];
		if (u->start != SIZE_MAX)
			s->units[m++] = (unit){ unit_hash(p, u->start, u->end), u->start, u->end };
	}
	bestn = count_hashes(s, m, nslots, &best, &first);
	t->rep_max = (unsigned)bestn;
	if (bestn == 1)
		return 0;
	/* The most repeated unit's occurrences in the order of the text, the
	 * first left out. */
	for (size_t k = first + 1, seen = 1; seen < bestn; k++)
		if (s->units[k].hash == best) {
			seen++;
			if (ms_span_push(&t->rep, s->units[k].start, s->units[k].end, t->in_prompt))
				return -1;
		}
	return 0;
}
