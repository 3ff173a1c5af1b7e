/* Small shared utilities: buffers, strings, names of enums, file reading. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int ms_grow(void *arrp, size_t *cap, size_t need, size_t size)
{
	void **arr = arrp;
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > ((size_t)-1) / 2 / size)
			return -1;
		ncap *= 2;
	}
	p = realloc(*arr, ncap * size);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

int ms_buf_reserve(ms_buf *b, size_t extra)
{
	if (b->len + extra + 1 < b->len)
		return -1;
	return ms_grow(&b->data, &b->cap, b->len + extra + 1, 1);
}

int ms_buf_add(ms_buf *b, const void *p, size_t n)
{
	if (ms_buf_reserve(b, n))
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int ms_buf_addc(ms_buf *b, char c)
{
	return ms_buf_add(b, &c, 1);
}

int ms_buf_adds(ms_buf *b, const char *s)
{
	return ms_buf_add(b, s, strlen(s));
}

int ms_buf_printf(ms_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ms_buf_reserve(b, (size_t)n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void ms_buf_free(ms_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *ms_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ms_strdup(const char *s)
{
	return ms_strndup(s, strlen(s));
}

const char *ms_read_error(int err)
{
	if (err == EFBIG)
		return "file larger than 16 MiB";
	if (err == MS_ENOTREG)
		return "not a regular file";
	return strerror(err);
}

int ms_read_file(const char *path, char **out, size_t *len, size_t limit)
{
	/* Opened without blocking (a FIFO with no writer would block the open
	 * itself), then refused unless it is a regular file: a FIFO, a device
	 * or a directory is never read. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *f;
	ms_buf b = {0};
	char chunk[65536];
	size_t n;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = fstat(fd, &st) != 0 ? errno : MS_ENOTREG;
		close(fd);
		errno = e;
		return 0;
	}
	/* Back to blocking reads: a regular file never blocks anyway. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "rb");
	if (!f) {
		int e = errno;
		close(fd);
		errno = e;
		return 0;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > limit) {
			errno = EFBIG;
			goto fail;
		}
		if (ms_buf_add(&b, chunk, n)) {
			errno = ENOMEM;
			goto fail;
		}
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	if (!b.data && ms_buf_add(&b, "", 0)) {
		errno = ENOMEM;
		return 0;
	}
	*out = b.data;
	*len = b.len;
	return 1;
fail:
	{
		int e = errno ? errno : EIO;
		fclose(f);
		ms_buf_free(&b);
		errno = e;
	}
	return 0;
}

static const char *const status_names[] = {
	[MS_OK] = "success",
	[MS_ERR_NOMEM] = "out of memory",
	[MS_ERR_IO] = "input/output error",
	[MS_ERR_RULES] = "errors in rule files",
	[MS_ERR_PROMPTS] = "errors in the prompt set",
	[MS_ERR_INPUT] = "malformed input record",
	[MS_ERR_LIMIT] = "input exceeds a limit",
	[MS_ERR_USAGE] = "invalid use of the API",
};

const char *ms_strerror(ms_status status)
{
	if ((size_t)status < MS_ARRAY_LEN(status_names) && status_names[status])
		return status_names[status];
	return "unknown status";
}

const char *ms_version(void)
{
	return PACKAGE_VERSION;
}

static const char *const dim_names[MS_DIM_COUNT] = {
	"safety", "professionalism", "fairness", "humanism", "regulation",
};

static const char *const sev_names[MS_SEV_COUNT] = {
	"info", "low", "medium", "high", "critical",
};

/* Score weights: each step of severity counts for roughly twice the one below,
 * so one critical finding outranks two high ones. */
static const unsigned sev_weights[MS_SEV_COUNT] = { 0, 1, 3, 5, 10 };

const char *ms_dimension_name(ms_dimension d)
{
	return (unsigned)d < MS_DIM_COUNT ? dim_names[d] : "unknown";
}

const char *ms_severity_name(ms_severity s)
{
	return (unsigned)s < MS_SEV_COUNT ? sev_names[s] : "unknown";
}

unsigned ms_severity_weight(ms_severity s)
{
	return (unsigned)s < MS_SEV_COUNT ? sev_weights[s] : 0;
}

int ms_dimension_parse(const char *name)
{
	for (int i = 0; i < MS_DIM_COUNT; i++)
		if (strcmp(name, dim_names[i]) == 0)
			return i;
	return -1;
}

int ms_severity_parse(const char *name)
{
	for (int i = 0; i < MS_SEV_COUNT; i++)
		if (strcmp(name, sev_names[i]) == 0)
			return i;
	return -1;
}

const char *ms_finding_kind_name(ms_finding_kind k)
{
	switch (k) {
	case MS_FINDING_PRESENT: return "present";
	case MS_FINDING_MISSING: return "missing";
	case MS_FINDING_ERROR: return "error";
	}
	return "unknown";
}

/* ---------------- hash index ---------------- */

uint64_t ms_hash(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	/* FNV-1a, 64 bits. */
	if (!h)
		h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

static int hidx_rehash(ms_hidx *x, size_t cap)
{
	struct ms_hslot *e = calloc(cap, sizeof *e);

	if (!e)
		return -1;
	for (size_t i = 0; i < x->cap; i++) {
		size_t k;
		if (!x->e[i].used)
			continue;
		for (k = x->e[i].h & (cap - 1); e[k].used; k = (k + 1) & (cap - 1))
			;
		e[k] = x->e[i];
	}
	free(x->e);
	x->e = e;
	x->cap = cap;
	return 0;
}

int ms_hidx_add(ms_hidx *x, uint64_t h, size_t v)
{
	size_t k;

	if ((x->n + 1) * 2 > x->cap && hidx_rehash(x, x->cap ? x->cap * 2 : 64))
		return -1;
	for (k = h & (x->cap - 1); x->e[k].used; k = (k + 1) & (x->cap - 1))
		;
	x->e[k].used = 1;
	x->e[k].h = h;
	x->e[k].v = v;
	x->n++;
	return 0;
}

size_t ms_hidx_find(const ms_hidx *x, uint64_t h, int (*eq)(const void *ctx, size_t v),
		    const void *ctx)
{
	if (!x->cap)
		return (size_t)-1;
	for (size_t k = h & (x->cap - 1); x->e[k].used; k = (k + 1) & (x->cap - 1))
		if (x->e[k].h == h && eq(ctx, x->e[k].v))
			return x->e[k].v;
	return (size_t)-1;
}

void ms_hidx_free(ms_hidx *x)
{
	free(x->e);
	x->e = NULL;
	x->cap = x->n = 0;
}
