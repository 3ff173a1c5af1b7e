/* The commands of the program, one file each under src/cli/cmd/: options
 * and orchestration only; the work is done by the modules they call. */
#ifndef CLI_CMDS_H
#define CLI_CMDS_H

int cmd_scan(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_lint(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_consensus(int argc, char **argv);
int cmd_study(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_estimate(int argc, char **argv);

#endif
