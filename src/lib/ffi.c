/* Flat entry points for foreign-function bindings (the Python package's
 * ctypes layer).  They take plain scalars and pointers instead of the option
 * and record structures, so that a binding does not mirror the layout of
 * ms_compile_options or ms_record: those structures may gain or lose fields
 * between releases, these signatures do not. */
#include "config.h"

#include "medscreen.h"

ms_status ms_ffi_compiler_create(ms_compiler **out, uint32_t match_limit, int no_jit,
				 int no_prefilter, ms_diag_fn diag, void *userdata)
{
	ms_compile_options o = { 0 };

	o.match_limit = match_limit;
	o.no_jit = no_jit;
	o.no_prefilter = no_prefilter;
	return ms_compiler_create(out, &o, diag, userdata);
}

ms_status ms_ffi_scan(ms_scanner *s, const char *response, size_t response_len,
		      const char *prompt, size_t prompt_len, const char *model,
		      const char *model_group, const char *weights, const char *const *tags,
		      size_t ntags, int prompt_stable, const ms_result **out)
{
	ms_record rec = { 0 };

	rec.response = response;
	rec.response_len = response_len;
	rec.prompt = prompt;
	rec.prompt_len = prompt_len;
	rec.model = model;
	rec.model_group = model_group;
	rec.weights = weights;
	rec.tags = tags;
	rec.ntags = ntags;
	rec.prompt_stable = prompt_stable;
	return ms_scanner_scan(s, &rec, out);
}
