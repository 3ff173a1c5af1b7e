/* Text helpers: the normalised view used by keyword matching, word
 * boundaries, negation cues, position limits and regex literal extraction. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(MS_NO_SIMD)
#include <emmintrin.h>
#endif
#include <strings.h>

#include "internal.h"

/* Length of a curly apostrophe (U+2018, U+2019, U+02BC) or no-break space
 * (U+00A0) at s, with *what set to '\'' or ' '; 0 when neither. */
static size_t special_seq(const unsigned char *s, size_t left, char *what)
{
	if (left >= 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x98 || s[2] == 0x99)) {
		*what = '\'';
		return 3;
	}
	if (left >= 2 && s[0] == 0xCA && s[1] == 0xBC) {
		*what = '\'';
		return 2;
	}
	if (left >= 2 && s[0] == 0xC2 && s[1] == 0xA0) {
		*what = ' ';
		return 2;
	}
	/* PCRE2's caseless matching folds the Kelvin sign to k and the long s
	 * to s; the normalised view must too, or a regex literal containing
	 * those letters would be missed by the prefilter. */
	if (left >= 3 && s[0] == 0xE2 && s[1] == 0x84 && s[2] == 0xAA) {
		*what = 'k';
		return 3;
	}
	if (left >= 2 && s[0] == 0xC5 && s[1] == 0xBF) {
		*what = 's';
		return 2;
	}
	return 0;
}

int ms_norm_ascii_word_byte(unsigned char c)
{
	return ms_is_ascii_word_byte(c) && c != 'k' && c != 's' && c != 'K' && c != 'S';
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int build(ms_normtext *nt, const char *text, size_t len, int offsets);

char *ms_norm_keyword(const char *s, size_t len, size_t *outlen)
{
	ms_normtext nt = {0};
	size_t a = 0, b;

	if (build(&nt, s, len, 0)) {
		ms_normtext_free(&nt);
		return NULL;
	}
	b = nt.len;
	while (a < b && nt.s[a] == ' ')
		a++;
	while (b > a && nt.s[b - 1] == ' ')
		b--;
	/* The view's buffer becomes the result (it has room for the NUL). */
	memmove(nt.s, nt.s + a, b - a);
	nt.s[b - a] = '\0';
	if (outlen)
		*outlen = b - a;
	return (char *)nt.s;
}

/* From s[o] on, original offsets are o + delta. */
static int set_shift(ms_normtext *nt, size_t o, size_t delta)
{
	if (nt->ncp && nt->cp_at[nt->ncp - 1] == o) {
		nt->cp_delta[nt->ncp - 1] = delta;
		return 0;
	}
	if (nt->ncp == nt->capcp) {
		size_t cap = nt->capcp ? nt->capcp * 2 : 64;
		size_t *a = realloc(nt->cp_at, cap * sizeof *a), *d;
		if (!a)
			return -1;
		nt->cp_at = a;
		d = realloc(nt->cp_delta, cap * sizeof *d);
		if (!d)
			return -1;
		nt->cp_delta = d;
		nt->capcp = cap;
	}
	nt->cp_at[nt->ncp] = o;
	nt->cp_delta[nt->ncp++] = delta;
	return 0;
}

/* The normalised view; with `offsets`, also the points where its offsets
 * shift against the original. */
static int build(ms_normtext *nt, const char *text, size_t len, int offsets)
{
	const unsigned char *t = (const unsigned char *)text;
	unsigned char *s;
	size_t o = 0, i = 0, delta = 0;
	int in_space = 0;

	if (len + 1 > nt->cap) {
		size_t ncap = len + 1 + len / 4;
		s = realloc(nt->s, ncap);
		if (!s)
			return -1;
		nt->s = s;
		nt->cap = ncap;
	}
	s = nt->s;
	nt->ncp = 0;
	if (offsets && set_shift(nt, 0, 0))
		return -1;
	/* Invariant at the top of the loop: the next byte written, s[o],
	 * comes from t[i]; delta is the shift in force, i - o, except just
	 * after bytes were dropped or merged. */
	while (i < len) {
		unsigned char c;
		char what;
		size_t k;

#if defined(__SSE2__) && !defined(MS_NO_SIMD)
		/* Sixteen bytes at a time while they are ASCII with no white
		 * space but single spaces: then the view is the text in lower
		 * case, and the offsets do not shift.  (o <= i, so the store
		 * stays inside the buffer.) */
		while (i + 16 <= len) {
			__m128i v = _mm_loadu_si128((const __m128i *)(t + i));
			__m128i ctl = _mm_sub_epi8(v, _mm_set1_epi8(9));
			__m128i sp = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
			__m128i before = _mm_or_si128(_mm_slli_si128(sp, 1),
						      _mm_cvtsi32_si128(in_space ? 0xFF : 0));
			__m128i up = _mm_sub_epi8(v, _mm_set1_epi8('A'));

			/* \t \n \v \f \r are 9-13: (c - 9) <= 4 unsigned */
			int bad, good;

			ctl = _mm_cmpeq_epi8(_mm_min_epu8(ctl, _mm_set1_epi8(4)), ctl);
			bad = _mm_movemask_epi8(_mm_or_si128(v, _mm_or_si128(ctl, _mm_and_si128(sp, before))));
			up = _mm_cmpeq_epi8(_mm_min_epu8(up, _mm_set1_epi8(25)), up);
			v = _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20)));
			_mm_storeu_si128((__m128i *)(s + o), v);
			/* The bytes before the first that needs care are done; the
			 * rest of the store is written over. */
			good = bad ? __builtin_ctz((unsigned)bad) : 16;
			if (good)
				in_space = t[i + (size_t)good - 1] == ' ';
			i += (size_t)good;
			o += (size_t)good;
			if (bad)
				break;
		}
		if (i >= len)
			break;
#endif
		c = t[i];
		if (c < 0x80 && !is_space(c)) {
			s[o++] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
			in_space = 0;
			i++;
			continue;
		}
		if (c < 0x80) {
			k = 1;
			what = ' ';
		} else if (!(k = special_seq(t + i, len - i, &what))) {
			s[o++] = c;
			in_space = 0;
			i++;
			continue;
		}
		if (what != ' ' || !in_space)
			s[o++] = (unsigned char)what;
		in_space = what == ' ';
		i += k;
		if (offsets && i - o != delta) {
			delta = i - o;
			if (set_shift(nt, o, delta))
				return -1;
		}
	}
	nt->len = o;
	return 0;
}

int ms_normtext_build(ms_normtext *nt, const char *text, size_t len)
{
	size_t nblk, k = 0;

	if (build(nt, text, len, 1))
		return -1;
	/* The block index of the changes, for the lookups of many offsets
	 * at once (ms_normtext_orig_sorted()). */
	nblk = nt->len / MS_NT_BLOCK + 1;
	if (nblk > nt->capblk) {
		uint32_t *b = realloc(nt->blk, nblk * sizeof *b);
		if (!b)
			return -1;
		nt->blk = b;
		nt->capblk = nblk;
	}
	for (size_t b = 0; b < nblk; b++) {
		while (k + 1 < nt->ncp && nt->cp_at[k + 1] <= b * MS_NT_BLOCK)
			k++;
		nt->blk[b] = (uint32_t)k;
	}
	return 0;
}

size_t ms_normtext_orig(const ms_normtext *nt, size_t i, size_t *hint)
{
	size_t k = *hint < nt->ncp ? *hint : 0;

	/* The last change at or before i (there is always one at 0). */
	while (k + 1 < nt->ncp && nt->cp_at[k + 1] <= i)
		k++;
	while (k > 0 && nt->cp_at[k] > i)
		k--;
	*hint = k;
	return i + nt->cp_delta[k];
}

void ms_normtext_orig_sorted(const ms_normtext *nt, uint32_t *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		size_t b = nt->blk[v[i] / MS_NT_BLOCK];

		/* From the last change before, or from the block's first: offsets
		 * far apart pass many changes, near ones none. */
		if (b > k)
			k = b;
		while (k + 1 < nt->ncp && nt->cp_at[k + 1] <= v[i])
			k++;
		v[i] = (uint32_t)(v[i] + nt->cp_delta[k]);
	}
}

void ms_normtext_release_bytes(ms_normtext *nt, size_t keep)
{
	if (nt->cap > keep) {
		free(nt->s);
		nt->s = NULL;
		nt->cap = 0;
	}
}

void ms_normtext_free(ms_normtext *nt)
{
	free(nt->s);
	free(nt->cp_at);
	free(nt->cp_delta);
	free(nt->blk);
	memset(nt, 0, sizeof *nt);
}

/* ASCII only, whatever the locale. */
static int ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Is the code point whose lead byte is `lead` a word character?  ASCII
 * letters, digits and '_'; Latin, Greek and Cyrillic letters (lead bytes
 * 0xC3-0xD4, less the multiplication and division signs); and scripts from
 * U+3000 on.  Punctuation and symbols (lead 0xC2, 0xE2) are not. */
static int lead_is_word(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return ascii_alnum(c) || c == '_';
	if (c >= 0xC3 && c <= 0xD4) {
		if (c == 0xC3 && left > 1 && (s[1] == 0x97 || s[1] == 0xB7))
			return 0;
		return 1;
	}
	return c >= 0xE3 && c < 0xF8;
}

int ms_is_word_at(const unsigned char *s, size_t len, size_t i)
{
	return i < len && (s[i] & 0xC0) != 0x80 && lead_is_word(s + i, len - i);
}

int ms_is_word_before(const unsigned char *s, size_t i)
{
	size_t j;

	if (i == 0)
		return 0;
	j = i - 1;
	while (j > 0 && (s[j] & 0xC0) == 0x80 && i - j < 4)
		j--;
	return lead_is_word(s + j, i - j);
}

int ms_is_word_byte_start(const unsigned char *s, size_t len)
{
	return len > 0 && lead_is_word(s, len);
}

int ms_is_word_byte_end(const unsigned char *s, size_t len)
{
	return ms_is_word_before(s, len);
}

/* Negation cues, lower case.  Any word ending in "n't" is a cue as well. */
static const char *const neg_cues[] = {
	"not", "no", "never", "neither", "nor", "none", "nothing", "nobody", "without",
	"cannot", "hardly", "barely", "lack", "lacks", "lacking", "absent", "avoid",
	"dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "wont",
	"wouldnt", "shouldnt", "couldnt", "aint", "unlikely", "false",
};

static int is_clause_stop(unsigned char c)
{
	return c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == ',' ||
	       c == '\n' || c == '(' || c == ')';
}

/* Characters that belong to a word for the purpose of cue matching. */
static int neg_word_byte(const unsigned char *t, size_t i)
{
	unsigned char c = t[i];
	return ascii_alnum(c) || c == '\'' || c >= 0x80;
}

/* Words that turn a negation cue before them into an urging: "don't
 * hesitate to call", "do not delay", "never ignore", "without delay". */
static const char *const urging[] = {
	"delay", "delaying", "forget", "hesitate", "hesitating", "hesitation", "ignore",
	"ignoring", "postpone", "wait", "waiting",
};
/* The same after "be": "don't be afraid to ask". */
static const char *const urging_be[] = { "afraid", "ashamed", "embarrassed", "reluctant", "shy" };

static int in_words(const char *w, const char *const *list, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(w, list[k]) == 0)
			return 1;
	return 0;
}

/* Does the cue, followed by the words w1 and w2, urge rather than negate? */
static int urges(const char *w1, const char *w2)
{
	return in_words(w1, urging, MS_ARRAY_LEN(urging)) ||
	       (strcmp(w1, "be") == 0 && in_words(w2, urging_be, MS_ARRAY_LEN(urging_be)));
}

int ms_negated_before(const char *text, size_t start, unsigned window)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t i = start;
	unsigned words = 0;
	char w1[32] = "", w2[32] = ""; /* the two words after the current one */

	while (words < window) {
		size_t end, b;
		char w[32];
		size_t wl = 0;

		/* Skip to the end of the previous word, stopping at clause ends. */
		while (i > 0 && !neg_word_byte(t, i - 1)) {
			if (is_clause_stop(t[i - 1]))
				return 0;
			i--;
		}
		if (i == 0)
			return 0;
		end = i;
		while (i > 0 && neg_word_byte(t, i - 1)) {
			/* A dash or other symbol (lead 0xE2) ends a word too. */
			if (t[i - 1] >= 0x80) {
				size_t j = i - 1;
				while (j > 0 && (t[j] & 0xC0) == 0x80 && i - j < 4)
					j--;
				if (t[j] == 0xE2 && !(i - j == 3 && t[j + 1] == 0x80 &&
						      (t[j + 2] == 0x98 || t[j + 2] == 0x99)))
					break;
				i = j;
				continue;
			}
			i--;
		}
		b = i;
		words++;
		/* Copy the word, lower case, curly apostrophes folded, others dropped. */
		for (size_t k = b; k < end && wl < sizeof w - 1;) {
			char what;
			size_t n = special_seq(t + k, end - k, &what);
			if (n && what == '\'') {
				k += n;
				continue; /* apostrophes are dropped: don't -> dont */
			}
			if (t[k] == '\'') {
				k++;
				continue;
			}
			w[wl++] = (char)ascii_lower(t[k]);
			k++;
		}
		w[wl] = '\0';
		{
			/* An apostrophe was dropped from "...n't", or a cue. */
			int cue = wl >= 3 && w[wl - 1] == 't' && w[wl - 2] == 'n' && end - b > wl;
			for (size_t k = 0; !cue && k < MS_ARRAY_LEN(neg_cues); k++)
				cue = neg_cues[k][0] == w[0] && strcmp(w, neg_cues[k]) == 0;
			if (cue && !urges(w1, w2))
				return 1;
		}
		memcpy(w2, w1, sizeof w2);
		memcpy(w1, w, sizeof w1);
	}
	return 0;
}

/* ASCII bytes for the word count: 1 a word byte (letter, digit, underscore),
 * 2 the apostrophe (decided by what follows), 0 anything else. */
static const unsigned char ascii_word[128] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
};

void ms_word_count_resume(const char *text, size_t len, ms_wordcount *wc, size_t limit)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t words = wc->words, i = wc->pos;
	unsigned in_word = wc->in_word;

	while (i < len && words < limit) {
		char what = 0;
		size_t k;

		/* ASCII other than the apostrophe: a word byte or not, at once
		 * (the common case, so a table and no branch on the class). */
		if (t[i] < 0x80 && ascii_word[t[i]] != 2) {
			unsigned w = ascii_word[t[i]];
			words += w & ~in_word;
			in_word = w;
			i++;
			continue;
		}
		k = t[i] >= 0x80 ? special_seq(t + i, len - i, &what) : 0;
		if (k && what == '\'') {
			/* Curly apostrophe: inside a word only when a word follows. */
			in_word = in_word && ms_is_word_at(t, len, i + k);
			i += k;
			continue;
		}
		if (t[i] == '\'' && in_word) {
			in_word = ms_is_word_at(t, len, i + 1);
			i++;
			continue;
		}
		if ((t[i] & 0xC0) == 0x80) {
			i++;
			continue;
		}
		if (ms_is_word_at(t, len, i)) {
			if (!in_word)
				words++;
			in_word = 1;
		} else {
			in_word = 0;
		}
		i++;
	}
	wc->words = words;
	wc->pos = i;
	wc->in_word = in_word;
}

size_t ms_word_count(const char *text, size_t len)
{
	ms_wordcount wc = { 0, 0, 0 };

	ms_word_count_resume(text, len, &wc, (size_t)-1);
	return wc.words;
}

size_t ms_char_limit(const char *text, size_t len, size_t n)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t chars = 0;

	for (size_t i = 0; i < len; i++) {
		if ((t[i] & 0xC0) != 0x80) {
			if (chars == n)
				return i;
			chars++;
		}
	}
	return len;
}

static const char *const abbrevs[] = {
	"e.g", "i.e", "dr", "mr", "mrs", "ms", "vs", "approx", "st", "no", "fig", "cf",
};

static int is_abbrev(const unsigned char *t, size_t dot)
{
	size_t b = dot;
	char w[8];
	size_t wl;

	while (b > 0 && (isalpha(t[b - 1]) || t[b - 1] == '.') && dot - b < sizeof w - 1)
		b--;
	if (b > 0 && (isalpha(t[b - 1]) || t[b - 1] == '.'))
		return 0;
	wl = dot - b;
	for (size_t i = 0; i < wl; i++)
		w[i] = (char)tolower(t[b + i]);
	w[wl] = '\0';
	if (wl == 1)
		return 1; /* an initial: "J. Smith" */
	for (size_t i = 0; i < MS_ARRAY_LEN(abbrevs); i++)
		if (strcmp(w, abbrevs[i]) == 0)
			return 1;
	return 0;
}

size_t ms_sentence_limit(const char *text, size_t len, size_t n)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t count = 0;
	int in_sentence = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = t[i];

		if (count == n && !is_space(c))
			return i;
		if (c == '\n') {
			if (in_sentence)
				count++;
			in_sentence = 0;
			continue;
		}
		if (is_space(c))
			continue;
		in_sentence = 1;
		if (c == '.' || c == '!' || c == '?') {
			size_t j = i;
			while (j + 1 < len && strchr(".!?\"')]*", t[j + 1]))
				j++;
			if ((j + 1 == len || is_space(t[j + 1])) &&
			    !(c == '.' && j == i && is_abbrev(t, i))) {
				count++;
				in_sentence = 0;
			}
			i = j;
		}
	}
	return len;
}

/* Words after which no sentence ends: an answer whose last word is one of
 * them was cut off. */
static const char *const dangling[] = {
	"a", "an", "and", "are", "as", "at", "be", "because", "but", "by", "can", "for",
	"from", "has", "have", "her", "his", "if", "in", "into", "is", "its", "may", "my",
	"of", "on", "or", "our", "should", "such", "than", "that", "the", "their", "these",
	"this", "to", "was", "were", "which", "who", "will", "with", "would", "your",
};

int ms_truncated(const char *text, size_t len, size_t *from, size_t *to)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t end = len, line, i, w, words;
	unsigned char last;
	char word[16];
	size_t wl = 0;

	while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t' || p[end - 1] == '\n' ||
			   p[end - 1] == '\r'))
		end--;
	if (end == 0)
		return 0;
	last = p[end - 1];
	/* Closing punctuation, brackets, quotes, markup, and any non-ASCII
	 * character (an ellipsis, a curly quote, an emoji) end an answer:
	 * most answers are decided here, before any counting. */
	if (!((last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z') ||
	      (last >= '0' && last <= '9') || last == ',' || last == '-'))
		return 0;
	if (ms_word_count(text, end) < 20)
		return 0;
	for (line = end; line > 0 && p[line - 1] != '\n'; line--)
		;
	*from = line;
	*to = end;
	if (last == ',' || last == '-')
		return 1;
	/* The last word. */
	for (w = end; w > line && ((p[w - 1] >= 'a' && p[w - 1] <= 'z') ||
				   (p[w - 1] >= 'A' && p[w - 1] <= 'Z'));
	     w--)
		;
	for (i = w; i < end && wl + 1 < sizeof word; i++)
		word[wl++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
	word[wl] = '\0';
	for (i = 0; wl && i < MS_ARRAY_LEN(dangling); i++)
		if (strcmp(word, dangling[i]) == 0)
			return 1;
	/* A list item, a reference ("[3] Author, Journal 2021"), a heading
	 * or a table row often ends without a full stop; a long line of prose
	 * does not. */
	for (i = line; i < end && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (p[i] == '-' || p[i] == '*' || p[i] == '#' || p[i] == '|' || p[i] == '>' ||
	    p[i] == '[' || p[i] == '(' ||
	    (p[i] >= '0' && p[i] <= '9') || (p[i] == 0xe2 && i + 2 < end && p[i + 1] == 0x80 &&
					     p[i + 2] == 0xa2))
		return 0;
	words = ms_word_count(text + line, end - line);
	return words >= 8;
}
