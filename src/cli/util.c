/* Messages, colour decisions and option-value parsing (see util.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

const char *cli_prog = "medscreen";

void (*cli_before_message)(void);

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	if (cli_before_message)
		cli_before_message();
	fprintf(stderr, "%s: %s", cli_prog, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

FILE *cli_open_input(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (!f) {
		cli_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		cli_error("%s: is a directory, not a JSON Lines file", path);
		fclose(f);
		return NULL;
	}
	return f;
}

static int write_error_reported;

void cli_stdout_blocks(void)
{
	static char block[1 << 16];

	setvbuf(stdout, block, _IOFBF, sizeof block);
}

void cli_write_error(int err)
{
	if (!write_error_reported)
		cli_error("write error on standard output: %s", err ? strerror(err) : "unknown error");
	write_error_reported = 1;
}

int cli_reported_write_error(void)
{
	return write_error_reported;
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("note: ", fmt, ap);
	va_end(ap);
}

int cli_choice(const char *opt, const char *arg, const char *const *names)
{
	char list[256] = "";
	size_t n = 0;

	for (int i = 0; names[i]; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	for (int i = 0; names[i]; i++) {
		int w = snprintf(list + n, sizeof list - n, "%s%s", i == 0 ? "" : names[i + 1] ? ", " : " or ",
				 names[i]);
		if (w < 0 || (size_t)w >= sizeof list - n)
			break;
		n += (size_t)w;
	}
	cli_error("%s must be %s, not '%s'", opt, list, arg);
	return -1;
}

int cli_parse_color(const char *arg, color_mode *m)
{
	static const char *const names[] = { "auto", "always", "never", NULL };
	int v = arg ? cli_choice("--color", arg, names) : COLOR_AUTO;

	if (v < 0)
		return -1;
	*m = (color_mode)v;
	return 0;
}

int cli_use_color(color_mode m, FILE *f)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (m == COLOR_ALWAYS)
		return 1;
	if (m == COLOR_NEVER || (nc && *nc))
		return 0;
	return isatty(fileno(f)) && !(term && strcmp(term, "dumb") == 0);
}

int cli_parse_size(const char *arg, const char *opt, size_t lo, size_t hi, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end || !*arg || arg[0] == '-' || v < lo || v > hi) {
		cli_error("%s expects a number between %zu and %zu, not '%s'", opt, lo, hi, arg);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int cli_parse_real(const char *arg, const char *opt, double lo, double hi, const char *what,
		   double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || *end || !*arg || !(v >= lo && v <= hi)) { /* NaN fails both */
		cli_error("%s expects %s, not '%s'", opt, what, arg);
		return -1;
	}
	*out = v;
	return 0;
}
