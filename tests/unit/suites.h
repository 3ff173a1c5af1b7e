/* Check suites of the unit-test runner, one per module, and shared helpers. */
#ifndef MS_TEST_SUITES_H
#define MS_TEST_SUITES_H

#include <check.h>
#include <stddef.h>

#include "medscreen.h"

Suite *make_loader_suite(void);
Suite *make_matcher_suite(void);
Suite *make_input_suite(void);
Suite *make_stats_suite(void);
Suite *make_stats_infer_suite(void);
Suite *make_cases_suite(void);
Suite *make_out_suite(void);
Suite *make_review_suite(void);
Suite *make_sources_suite(void);
Suite *make_learn_suite(void);

/* Diagnostics collected by compile_yaml(), as "line:col: level: message". */
typedef struct diags {
	char lines[64][512];
	size_t n, errors, warnings;
} diags;

/* Compile YAML held in a string (file name "t.yaml"); NULL when it fails.
 * `d` may be NULL. */
ms_rules *compile_yaml(const char *yaml, diags *d);
/* An ms_diag_fn that collects into a diags. */
void collect_diag(const ms_diag *d, void *ud);
/* Does some collected diagnostic contain `needle` (after "line:col: ")? */
int diags_has(const diags *d, const char *needle);

#endif
