/* Helpers shared by the commands: messages, colour, rule and prompt loading. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

const char *ms_prog = "medscreen";

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", ms_prog, kind);
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

void cli_grow(void *arrp, size_t *cap, size_t need, size_t size)
{
	void **arr = arrp;
	size_t ncap = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, ncap * size);
	if (!p) {
		cli_error("out of memory");
		exit(EXIT_TROUBLE);
	}
	*arr = p;
	*cap = ncap;
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
	if (!arg || strcmp(arg, "auto") == 0)
		*m = COLOR_AUTO;
	else if (strcmp(arg, "always") == 0)
		*m = COLOR_ALWAYS;
	else if (strcmp(arg, "never") == 0)
		*m = COLOR_NEVER;
	else {
		cli_error("--color must be auto, always or never, not '%s'", arg);
		return -1;
	}
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

const char *default_rules_dir(void)
{
	const char *e = getenv("MEDSCREEN_RULES");
	return e && *e ? e : MS_DATADIR "/rules";
}

const char *default_prompts_file(void)
{
	const char *e = getenv("MEDSCREEN_PROMPTS");
	return e && *e ? e : MS_DATADIR "/prompts.yaml";
}

int rule_opts_add(rule_opts *o, const char *path)
{
	const char **p = realloc(o->paths, (o->npaths + 1) * sizeof *p);

	if (!p)
		return -1;
	o->paths = p;
	o->paths[o->npaths++] = path;
	return 0;
}

void rule_opts_free(rule_opts *o)
{
	free(o->paths);
	o->paths = NULL;
	o->npaths = 0;
}

void print_diag(const ms_diag *d, void *ud)
{
	rule_opts *o = ud;
	int color = cli_use_color(o ? o->color : COLOR_AUTO, stderr);
	const char *lvl = d->level == MS_DIAG_ERROR ? "error" : "warning";

	if (o) {
		if (d->level == MS_DIAG_ERROR)
			o->nerrors++;
		else
			o->nwarnings++;
	}
	if (color)
		fputs("\033[1m", stderr);
	fputs(d->file, stderr);
	if (d->line)
		fprintf(stderr, ":%u", d->line);
	if (d->line && d->column)
		fprintf(stderr, ":%u", d->column);
	fputs(":", stderr);
	if (color)
		fputs(d->level == MS_DIAG_ERROR ? "\033[0m \033[1;31m" : "\033[0m \033[1;35m", stderr);
	else
		fputs(" ", stderr);
	fprintf(stderr, "%s:", lvl);
	if (color)
		fputs("\033[0m", stderr);
	fprintf(stderr, " %s", d->message);
	if (d->rule && !strstr(d->message, d->rule))
		fprintf(stderr, " [%s]", d->rule);
	fputc('\n', stderr);
}

ms_rules *load_rules(rule_opts *o)
{
	ms_compiler *c = NULL;
	ms_rules *r = NULL;
	ms_status st;
	const char *def = default_rules_dir();

	{
		/* The JIT's generated code looks like uninitialised reads to
		 * valgrind; MEDSCREEN_NO_JIT lets memory checkers run clean. */
		const char *nj = getenv("MEDSCREEN_NO_JIT");
		if (nj && *nj && strcmp(nj, "0") != 0)
			o->copts.no_jit = 1;
	}
	st = ms_compiler_create(&c, &o->copts, print_diag, o);
	if (st) {
		cli_error("%s", ms_strerror(st));
		return NULL;
	}
	if (o->npaths == 0) {
		struct stat sb;
		if (stat(def, &sb) != 0) {
			cli_error("no rules given and the default rule pack %s is not installed; "
				  "use --rules PATH",
				  def);
			ms_compiler_destroy(c);
			return NULL;
		}
		st = ms_compiler_add_path(c, def);
	} else {
		for (size_t i = 0; i < o->npaths; i++) {
			ms_status s1 = ms_compiler_add_path(c, o->paths[i]);
			if (s1 == MS_ERR_NOMEM) {
				st = s1;
				break;
			}
			if (s1 && !st)
				st = s1;
		}
	}
	if (st != MS_ERR_NOMEM) {
		ms_status s2 = ms_compiler_get_rules(c, &r);
		if (!st)
			st = s2;
	}
	ms_compiler_destroy(c);
	if (st) {
		if (st == MS_ERR_NOMEM)
			cli_error("%s", ms_strerror(st));
		else if (o->nerrors)
			fprintf(stderr, "%s: %zu error%s in rule files; nothing was scanned\n", ms_prog,
				o->nerrors, o->nerrors == 1 ? "" : "s");
		ms_rules_destroy(r);
		return NULL;
	}
	return r;
}

int load_prompts(rule_opts *o, ms_prompts **out)
{
	const char *path = o->prompts;
	ms_status st;

	*out = NULL;
	if (!path) {
		struct stat sb;
		path = default_prompts_file();
		if (stat(path, &sb) != 0)
			return 0; /* no prompt set installed: records carry their own prompts */
	}
	st = ms_prompts_load(out, path, print_diag, o);
	if (st) {
		if (st == MS_ERR_NOMEM)
			cli_error("%s", ms_strerror(st));
		return -1;
	}
	return 0;
}
