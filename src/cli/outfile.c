/* Atomic output files (see outfile.h). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "util.h"

static char tmp_path[PATH_MAX];
static const char *final_path;
static volatile sig_atomic_t active;
static int complete, existed;

/* Async-signal-safe: remove the temporary file, then die of the signal. */
static void on_signal(int sig)
{
	if (active)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* The new file's mode: the old file's, else what umask leaves of 0666. */
static mode_t new_mode(const char *path)
{
	struct stat st;
	mode_t um;

	if (stat(path, &st) == 0) {
		existed = 1;
		return st.st_mode & 07777;
	}
	um = umask(0);
	umask(um);
	return 0666 & ~um;
}

int cli_output_open(const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path) + 1 : 0, fd;
	struct stat st;

	if (active) {
		cli_error("-o/--output: given twice");
		return -1;
	}
	if (!*path || (slash && !slash[1]) || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
		cli_error("-o/--output: '%s' is a directory, not a file", path);
		return -1;
	}
	if ((size_t)snprintf(tmp_path, sizeof tmp_path, "%.*s.%s.XXXXXX", dirlen, path,
			     path + dirlen) >= sizeof tmp_path) {
		cli_error("-o/--output: the path is too long: %s", path);
		return -1;
	}
	catch_signals();
	if ((fd = mkstemp(tmp_path)) < 0) {
		cli_error("%s: cannot create a temporary file beside it: %s", path, strerror(errno));
		return -1;
	}
	active = 1;
	final_path = path;
	if (fchmod(fd, new_mode(path)) != 0 || fflush(stdout) != 0 ||
	    dup2(fd, STDOUT_FILENO) < 0) {
		cli_error("%s: %s", tmp_path, strerror(errno));
		close(fd);
		unlink(tmp_path);
		active = 0;
		return -1;
	}
	close(fd);
	/* A file, not a terminal: full buffering, whatever stdout was. */
	cli_stdout_blocks();
	return 0;
}

void cli_output_complete(void)
{
	complete = 1;
}

int cli_output_finish(int rc, int flushed)
{
	if (!active)
		return rc;
	if (flushed && (rc != CLI_EXIT_TROUBLE || complete)) {
		if (fsync(STDOUT_FILENO) != 0 && errno != EINVAL) {
			cli_error("%s: %s", final_path, strerror(errno));
		} else if (rename(tmp_path, final_path) != 0) {
			cli_error("%s: cannot replace it: %s", final_path, strerror(errno));
		} else {
			active = 0;
			return rc;
		}
		rc = CLI_EXIT_TROUBLE;
	} else {
		cli_note("%s %s: the run did not complete", final_path,
			 existed ? "left as it was" : "not written");
	}
	unlink(tmp_path);
	active = 0;
	return rc;
}
