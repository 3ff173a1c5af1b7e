/* The unit-test runner: every module's suite in one program. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

void collect_diag(const ms_diag *d, void *ud)
{
	diags *ds = ud;

	if (d->level == MS_DIAG_ERROR)
		ds->errors++;
	else
		ds->warnings++;
	if (ds->n < sizeof ds->lines / sizeof ds->lines[0])
		snprintf(ds->lines[ds->n++], sizeof ds->lines[0], "%u:%u: %s: %s", d->line, d->column,
			 d->level == MS_DIAG_ERROR ? "error" : "warning", d->message);
}

ms_rules *compile_yaml(const char *yaml, diags *d)
{
	diags local;
	ms_compiler *c = NULL;
	ms_rules *r = NULL;

	if (!d)
		d = &local;
	memset(d, 0, sizeof *d);
	if (ms_compiler_create(&c, NULL, collect_diag, d) != MS_OK)
		return NULL;
	ms_compiler_add_string(c, "t.yaml", yaml, strlen(yaml));
	if (ms_compiler_get_rules(c, &r) != MS_OK)
		r = NULL;
	ms_compiler_destroy(c);
	return r;
}

int diags_has(const diags *d, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->lines[i], needle))
			return 1;
	return 0;
}

int main(void)
{
	SRunner *sr = srunner_create(make_loader_suite());
	int failed;

	srunner_add_suite(sr, make_matcher_suite());
	srunner_add_suite(sr, make_input_suite());
	srunner_add_suite(sr, make_stats_suite());
	srunner_add_suite(sr, make_stats_infer_suite());
	srunner_add_suite(sr, make_cases_suite());
	srunner_add_suite(sr, make_out_suite());
	srunner_add_suite(sr, make_review_suite());
	srunner_add_suite(sr, make_sources_suite());
	srunner_add_suite(sr, make_learn_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
