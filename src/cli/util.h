/* Messages, exit codes and option-value parsing shared by the commands. */
#ifndef CLI_UTIL_H
#define CLI_UTIL_H

#include <stdio.h>
#include <stddef.h>

/* Exit codes, like grep's: each has one meaning (see medscreen(1)). */
enum {
	CLI_EXIT_CLEAR = 0,     /* success; nothing at or above the threshold */
	CLI_EXIT_FINDINGS = 1,  /* findings (scan), regression (diff), failing example (test) */
	CLI_EXIT_TROUBLE = 2    /* usage, rule, prompt or input error */
};

extern const char *cli_prog;

/* Print "medscreen: error: message" (warning:, note:) to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report a failed write to standard output (errno value `err`), once: main()
 * also checks the final flush and close, and says nothing more when a
 * command has already said it. */
void cli_write_error(int err);
/* Standard output in full 64 KiB blocks (glibc ignores setvbuf()'s size
 * without a buffer of the caller's, and gives a file or a pipe 4 KiB).
 * Before the first output, or right after a flush. */
void cli_stdout_blocks(void);
/* Open an input file for reading; NULL after saying why (cannot open, or a
 * directory, which would only fail at the first read). */
FILE *cli_open_input(const char *path);
int cli_reported_write_error(void);
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Called before each of those messages (scan: rubs its progress line out). */
extern void (*cli_before_message)(void);

/* Colour: decided once per stream from --color and the terminal. */
typedef enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_mode;
int cli_use_color(color_mode m, FILE *f);
int cli_parse_color(const char *arg, color_mode *m);

/* Index of `arg` in the NULL-terminated `names`; otherwise -1, after an
 * error naming the option and the accepted values. */
int cli_choice(const char *opt, const char *arg, const char *const *names);
/* A whole number in [lo, hi]; -1 after an error naming the option. */
int cli_parse_size(const char *arg, const char *opt, size_t lo, size_t hi, size_t *out);
/* A real number in [lo, hi]; `what` describes it in the error, e.g.
 * "a number between 0 and 1". */
int cli_parse_real(const char *arg, const char *opt, double lo, double hi, const char *what,
		   double *out);

#endif
