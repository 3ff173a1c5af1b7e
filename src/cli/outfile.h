/* -o FILE: a command's standard output goes to FILE, atomically.  It is
 * written to a temporary file beside FILE (same directory, so the rename
 * stays on one file system), flushed to disk and renamed over FILE at the
 * end.  A run that fails, or is stopped by SIGINT, SIGTERM or SIGHUP,
 * removes the temporary file and leaves FILE as it was. */
#ifndef CLI_OUTFILE_H
#define CLI_OUTFILE_H

/* Send standard output to a temporary file for `path`; 0, or -1 after an
 * error message.  Call before anything is written to standard output. */
int cli_output_open(const char *path);
/* The command's output is whole although its exit status may be 2 (scan:
 * records that could not be screened are part of its output). */
void cli_output_complete(void);
/* At exit, after standard output was flushed (`flushed` nonzero when that
 * worked): FILE replaced when the run completed, else the temporary file
 * removed.  Returns the exit status, 2 when FILE could not be written. */
int cli_output_finish(int rc, int flushed);

#endif
