/* --profile: per-signal and per-rule time and prefilter statistics. */
#ifndef CLI_SCAN_PROFILE_H
#define CLI_SCAN_PROFILE_H

#include "medscreen.h"

/* Sum the profiles of the scanners and print them to stderr, slowest first. */
void print_profile(ms_scanner *const *scanners, int n, const ms_rules *r);

#endif
