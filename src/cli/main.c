/* medscreen: the command-line program, a thin client of libmedscreen. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"
#include "rules.h"
#include "suggest.h"
#include "util.h"
#include "cmd/cmds.h"

static const struct command {
	const char *name;
	int (*run)(int, char **);
	const char *summary;
} commands[] = {
	{ "scan", cmd_scan, "screen records (JSON Lines, JSON, CSV) with the rules" },
	{ "test", cmd_test, "run every rule's embedded examples" },
	{ "lint", cmd_lint, "validate rules, report all problems" },
	{ "rules", cmd_rules, "list rules: id, dimension, severity, title" },
	{ "report", cmd_report, "per model x dimension, per prompt and per rule tables" },
	{ "diff", cmd_diff, "regression between two model versions" },
	{ "eval", cmd_eval, "agreement of scan results with human labels" },
	{ "review", cmd_review, "workbooks for reviewers: one CSV per reviewer" },
	{ "consensus", cmd_consensus, "reviewers' agreement and consensus labels" },
	{ "study", cmd_study, "compliance tables and tests from labels or flags" },
	{ "calibrate", cmd_calibrate, "fit a triage score to reviewers' labels" },
	{ "sample", cmd_sample, "plan which answers to review (stratified, seeded)" },
	{ "estimate", cmd_estimate, "non-compliance rates corrected by reviewers' labels" },
};

#define NCOMMANDS (sizeof commands / sizeof *commands)

static void suggest_command(const char *cmd)
{
	const char *names[NCOMMANDS], *best;

	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	if ((best = suggest_name(cmd, strlen(cmd), names, NCOMMANDS)))
		fprintf(stderr, "%s: did you mean '%s'?\n", cli_prog, best);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: medscreen COMMAND [OPTION]... [ARG]...\n"
		   "Rule-based screening of what medical language models answer.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'medscreen COMMAND --help' describes a command's options.\n"
		   "Exit status: 0 clear, 1 findings (or failing examples), 2 trouble.\n"
		   "Default rules: %s\nDefault prompts: %s\n"
		   "See medscreen(1) and medscreen-rules(5).\n",
		default_rules_dir(), default_prompts_file());
}

static int run(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_TROUBLE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return CLI_EXIT_CLEAR;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("medscreen %s\n", ms_version());
		return CLI_EXIT_CLEAR;
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command '%s'", cmd);
	suggest_command(cmd);
	usage(stderr);
	return CLI_EXIT_TROUBLE;
}

/* Whatever a command wrote reaches its file or the failure is reported:
 * buffered output is flushed and standard output closed here, so a full
 * disk or a closed pipe is exit status 2 for every command, --help and
 * --version included, never a silent success. */
int main(int argc, char **argv)
{
	int rc, flushed = 1;

	/* Large blocks (a huge record, its copies) come from and go back to
	 * the system at once: without a fixed threshold glibc raises it after
	 * the first such free, and later ones stay in the heap. */
#ifdef M_MMAP_THRESHOLD
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	/* Output to a file or a pipe goes in 64 KiB blocks, not the 4 KiB
	 * stdio picks for them: a scan's JSONL is about as large as its input,
	 * and a write() per 4 KiB cost about 2% of a benchmark scan.  A terminal
	 * keeps its line buffering. */
	if (!isatty(STDOUT_FILENO))
		cli_stdout_blocks();
	rc = run(argc, argv);

	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_write_error(errno);
		rc = CLI_EXIT_TROUBLE;
		flushed = 0;
	}
	/* -o FILE: replaced now, or left as it was. */
	rc = cli_output_finish(rc, flushed);
	errno = 0;
	if (fclose(stdout) != 0) {
		cli_write_error(errno);
		rc = CLI_EXIT_TROUBLE;
	}
	return rc;
}
