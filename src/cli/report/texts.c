/* Answer texts joined to the scan by id (see texts.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "texts.h"
#include "../io/jsonstrict.h"
#include "../out/utf8.h"
#include "../strmap.h"
#include "../util.h"
#include "../xalloc.h"

typedef struct join {
	texts *tx;
	strmap ids;               /* id -> index into tx->v; keys borrowed from the set */
	const field_map *fm;
} join;

static char *dup_bytes(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Keep the record's texts when its id is wanted; -1 when a second record
 * of the id says something else. */
static int take(join *j, const in_record *in, const char *file, unsigned long line)
{
	size_t i = in->str[F_ID] ? strmap_get(&j->ids, in->str[F_ID]) : (size_t)-1;
	answer_text *a;

	if (i == (size_t)-1)
		return 0;
	a = &j->tx->v[i];
	if (in->error) {
		cli_error("%s:%lu: id %s: %s", file, line, in->str[F_ID], in->error);
		return -1;
	}
	if (a->resp) {
		if (a->resp_len == in->response_len && memcmp(a->resp, in->str[F_RESPONSE], a->resp_len) == 0)
			return 0;
		cli_error("%s:%lu: id %s has another response at %s:%lu; answers are joined to the "
			  "scan by id, which must be unique",
			  file, line, in->str[F_ID], a->file, a->line);
		return -1;
	}
	a->resp = dup_bytes(in->str[F_RESPONSE], in->response_len);
	a->resp_len = in->response_len;
	if (in->str[F_PROMPT]) {
		a->prompt = dup_bytes(in->str[F_PROMPT], in->prompt_len);
		a->prompt_len = in->prompt_len;
	}
	a->file = file;
	a->line = line;
	return 0;
}

static int read_file(join *j, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : cli_open_input(path);
	json_tokener *tok;
	line_reader lr;
	in_record in = { 0 };
	int rc = 0;

	if (!f)
		return -1;
	if (!(tok = json_tokener_new_ex(JSON_TOKENER_DEPTH)))
		xoom();
	line_reader_init(&lr, f, (size_t)1 << 30);
	for (;;) {
		const char *line;
		size_t len;
		line_status ls = line_reader_next(&lr, &line, &len);

		if (ls == LINE_EOF)
			break;
		if (ls != LINE_OK) {
			cli_error("%s:%lu: cannot read line", path, lr.lineno);
			rc = -1;
			break;
		}
		in_record_parse(&in, tok, j->fm, line, len);
		if ((rc = take(j, &in, path, lr.lineno)))
			break;
	}
	in_record_clear(&in);
	line_reader_free(&lr);
	json_tokener_free(tok);
	if (f != stdin)
		fclose(f);
	return rc;
}

static int valid_utf8(const char *s, size_t n)
{
	for (size_t i = 0, l; i < n; i += l)
		if (!(l = utf8_len((const unsigned char *)s + i, n - i)))
			return 0;
	return 1;
}

/* The scan's evidence of record r reads what the text says at its offsets
 * (the scan cuts the text at 200 bytes and shows invalid UTF-8 otherwise). */
static int check_evidence(const scan_rec *r, const answer_text *a)
{
	for (size_t f = 0; f < r->nfired; f++)
		for (size_t e = 0; e < r->fired[f].nev; e++) {
			const ev_span *sp = &r->fired[f].ev[e];
			const char *t = sp->on_prompt ? a->prompt : a->resp;
			size_t len = sp->on_prompt ? a->prompt_len : a->resp_len;

			if (sp->on_prompt && !t)
				continue;   /* the prompt came from the prompt set */
			if (sp->end <= len && (!sp->text || sp->text_len > sp->end - sp->start ||
					       !valid_utf8(t + sp->start, sp->text_len) ||
					       memcmp(t + sp->start, sp->text, sp->text_len) == 0))
				continue;
			cli_error("%s:%lu: the evidence of %s at bytes %zu-%zu does not match the %s of "
				  "id %s in %s:%lu; are these the records that were scanned?",
				  r->file, r->line, r->fired[f].rule, sp->start, sp->end,
				  sp->on_prompt ? "prompt" : "response", r->id, a->file, a->line);
			return -1;
		}
	return 0;
}

int texts_read(texts *tx, const scan_set *set, const unsigned char *want,
	       const char *const *files, size_t nfiles, const field_map *fm)
{
	join j = { tx, { 0 }, fm };
	int rc = 0;

	memset(tx, 0, sizeof *tx);
	tx->of = xcalloc(set->n + 1, sizeof *tx->of);
	tx->v = xcalloc(set->n + 1, sizeof *tx->v);
	for (size_t k = 0; k < set->n; k++) {
		size_t i = (size_t)-1;
		if (want[k] && set->v[k].id && (i = strmap_get(&j.ids, set->v[k].id)) == (size_t)-1) {
			i = tx->n++;
			strmap_put(&j.ids, set->v[k].id, i);
		}
		tx->of[k] = i;
	}
	for (size_t i = 0; i < nfiles && !rc; i++)
		rc = read_file(&j, files[i]);
	for (size_t k = 0; k < set->n && !rc; k++) {
		const answer_text *a = texts_of(tx, k);
		if (!want[k])
			continue;
		if (!a)
			tx->missing++;
		else
			rc = check_evidence(&set->v[k], a);
	}
	strmap_free(&j.ids);
	return rc;
}

const answer_text *texts_of(const texts *tx, size_t k)
{
	size_t i = tx->of ? tx->of[k] : (size_t)-1;

	return i != (size_t)-1 && tx->v[i].resp ? &tx->v[i] : NULL;
}

void texts_free(texts *tx)
{
	for (size_t i = 0; i < tx->n; i++) {
		free(tx->v[i].resp);
		free(tx->v[i].prompt);
	}
	free(tx->v);
	free(tx->of);
	memset(tx, 0, sizeof *tx);
}
