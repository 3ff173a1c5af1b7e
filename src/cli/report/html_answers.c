/* The HTML report's drill-down: each shown answer once, hidden, with its
 * findings and its evidence marked in its text; the lists of the cells
 * that name them; the panel that shows a list, and the script that opens
 * it from the page's address (#open=LIST), so that a click, the back
 * button and a link all work alike. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "../out/utf8.h"
#include "../out/xml.h"
#include "../xalloc.h"

/* The longest answer text a page embeds, in bytes (cut at a character). */
#define ANSWER_TEXT_MAX 65536

/* A stretch of text to mark, and the finding it is evidence of. */
typedef struct mspan {
	size_t start, end;
	size_t finding;
} mspan;

static int cmp_mspan(const void *a, const void *b)
{
	const mspan *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->finding < y->finding ? -1 : x->finding > y->finding;
}

/* The evidence spans of r on the prompt or the response, within the text's
 * len bytes and widened to whole characters, in order. */
static mspan *spans_of(const scan_rec *r, int on_prompt, const char *s, size_t len, size_t *n)
{
	size_t cap = 0;
	mspan *v = NULL;

	*n = 0;
	for (size_t f = 0; f < r->nfired; f++)
		for (size_t e = 0; e < r->fired[f].nev; e++) {
			const ev_span *sp = &r->fired[f].ev[e];
			size_t a = sp->start, z = sp->end < len ? sp->end : len;
			if (sp->on_prompt != on_prompt || a >= z)
				continue;
			while (a > 0 && utf8_is_cont((unsigned char)s[a]))
				a--;
			while (z < len && utf8_is_cont((unsigned char)s[z]))
				z++;
			xgrow(&v, &cap, *n + 1, sizeof *v);
			v[(*n)++] = (mspan){ a, z, f };
		}
	if (*n)
		qsort(v, *n, sizeof *v, cmp_mspan);
	return v;
}

/* The distinct rules of n spans, separated by sep. */
static void mark_rules(out_buf *b, const scan_rec *r, const mspan *v, size_t n, const char *sep)
{
	for (size_t k = 0; k < n; k++) {
		const char *rule = r->fired[v[k].finding].rule;
		int seen = 0;
		for (size_t m = 0; m < k && !seen; m++)
			seen = strcmp(r->fired[v[m].finding].rule, rule) == 0;
		if (!seen) {
			ob_adds(b, k ? sep : "");
			html_text(b, rule);
		}
	}
}

/* The text with its evidence in <mark>, overlapping spans merged; each
 * mark's title names the rules it is evidence for, data-r and data-d (the
 * rules and dimensions, space-separated and -surrounded) let the script
 * bring forward those of the list shown. */
static void marked_text(out_buf *b, const scan_rec *r, int on_prompt, const char *s, size_t len)
{
	size_t n, pos = 0;
	mspan *v = spans_of(r, on_prompt, s, len, &n);

	ob_adds(b, "<div class=\"txt\">");
	for (size_t i = 0; i < n;) {
		size_t end = v[i].end, j;
		xml_text(b, s + pos, v[i].start - pos);
		for (j = i + 1; j < n && v[j].start < end; j++)
			if (v[j].end > end)
				end = v[j].end;
		ob_adds(b, "<mark title=\"");
		mark_rules(b, r, v + i, j - i, ", ");
		ob_adds(b, "\" data-r=\" ");
		mark_rules(b, r, v + i, j - i, " ");
		ob_adds(b, " \" data-d=\"");
		for (int d = 0; d < MS_DIM_COUNT; d++)
			for (size_t k = i; k < j; k++)
				if (r->fired[v[k].finding].dimension == (ms_dimension)d) {
					ob_printf(b, " %s", ms_dimension_name((ms_dimension)d));
					break;
				}
		ob_adds(b, " \">");
		xml_text(b, s + v[i].start, end - v[i].start);
		ob_adds(b, "</mark>");
		pos = end;
		i = j;
	}
	xml_text(b, s + pos, len - pos);
	ob_adds(b, "</div>\n");
	free(v);
}

/* One line per finding; its title and message show on hover.  data-r and data-d
 * as for marks. */
static void finding_item(out_buf *b, const html_ctx *h, const fired_rule *f)
{
	const char *title = report_rule_title(h->data, f->rule);

	ob_adds(b, "<li data-r=\"");
	html_text(b, f->rule);
	ob_printf(b, "\" data-d=\"%s\"", ms_dimension_name(f->dimension));
	if (f->message || *title) {
		ob_adds(b, " title=\"");
		html_text(b, title);
		ob_adds(b, *title && f->message ? ": " : "");
		html_text(b, f->message ? f->message : "");
		ob_adds(b, "\"");
	}
	ob_printf(b, "><span class=\"sev sev-%s\">%s</span><code>", ms_severity_name(f->severity),
		  ms_severity_name(f->severity));
	html_text(b, f->rule);
	ob_adds(b, "</code>");
	ob_printf(b, "<span class=\"tag\">%s</span>", ms_dimension_name(f->dimension));
	if (f->missing)
		ob_adds(b, "<span class=\"tag\">missing</span>");
	if (f->waived)
		ob_adds(b, "<span class=\"tag\">waived</span>");
	if (*title) {
		ob_adds(b, " ");
		html_text(b, title);
	}
	ob_adds(b, "</li>\n");
}

/* Without the answer's text: the evidence excerpts the scan kept. */
static void excerpts(out_buf *b, const html_ctx *h, const scan_rec *r)
{
	size_t n = 0;

	for (size_t f = 0; f < r->nfired; f++)
		for (size_t e = 0; e < r->fired[f].nev; e++)
			n += r->fired[f].ev[e].text != NULL;
	ob_adds(b, h->texts ? "<p class=\"note\">This answer's id is not in the records files"
			    : "<p class=\"note\">Answer texts are shown with <code>--records</code>");
	ob_adds(b, n ? "; the scan's evidence excerpts:</p>\n<ul class=\"fnd\">\n" : ".</p>\n");
	for (size_t f = 0; f < r->nfired; f++)
		for (size_t e = 0; e < r->fired[f].nev; e++) {
			if (!r->fired[f].ev[e].text)
				continue;
			ob_adds(b, "<li><code>");
			html_text(b, r->fired[f].rule);
			ob_adds(b, r->fired[f].ev[e].on_prompt ? "</code> (prompt) <mark>" : "</code> <mark>");
			xml_text(b, r->fired[f].ev[e].text, r->fired[f].ev[e].text_len);
			ob_adds(b, "</mark></li>\n");
		}
	if (n)
		ob_adds(b, "</ul>\n");
}

static void answer_head(out_buf *b, const html_ctx *h, const scan_rec *r)
{
	const char *pt = report_prompt_title(h->data, r->prompt_id);

	ob_adds(b, r->status == REC_FLAGGED ? "<header><span class=\"st\">flagged</span><b>"
					      : "<header><span class=\"st st-clear\">clear</span><b>");
	html_text(b, r->id ? r->id : "(no id)");
	ob_adds(b, "</b> \xc2\xb7 ");
	html_text(b, r->model ? r->model : "(no model)");
	if (r->prompt_id) {
		ob_adds(b, " \xc2\xb7 prompt ");
		html_text(b, r->prompt_id);
		if (*pt) {
			ob_adds(b, " \xe2\x80\x94 ");
			html_text(b, pt);
		}
	}
	if (r->sample) {
		ob_adds(b, " \xc2\xb7 sample ");
		html_text(b, r->sample);
	}
	ob_printf(b, " \xc2\xb7 score %u \xc2\xb7 ", r->score);
	html_text(b, r->file);
	ob_printf(b, ":%lu</header>\n", r->line);
}

static void answer(out_buf *b, const html_ctx *h, size_t k)
{
	const scan_rec *r = &h->set->v[k];
	const answer_text *a = h->texts ? texts_of(h->texts, k) : NULL;
	const ms_prompt *p = h->prompts && r->prompt_id ? ms_prompts_find(h->prompts, r->prompt_id) : NULL;
	const char *ptext = a && a->prompt ? a->prompt : p ? p->text : NULL;

	ob_printf(b, "<article class=\"ans\" id=\"a-%zu\">\n", k);
	answer_head(b, h, r);
	ob_adds(b, "<ul class=\"fnd\">\n");
	for (size_t f = 0; f < r->nfired; f++)
		finding_item(b, h, &r->fired[f]);
	ob_adds(b, "</ul>\n");
	if (ptext) {
		ob_adds(b, "<details><summary>Prompt</summary>\n");
		marked_text(b, r, 1, ptext, a && a->prompt ? a->prompt_len : strlen(ptext));
		ob_adds(b, "</details>\n");
	}
	if (a && a->resp_len > ANSWER_TEXT_MAX) {
		marked_text(b, r, 0, a->resp, utf8_cut(a->resp, a->resp_len, ANSWER_TEXT_MAX));
		ob_printf(b, "<p class=\"note\">The answer is cut at %d of its %zu bytes.</p>\n",
			  ANSWER_TEXT_MAX, a->resp_len);
	} else if (a)
		marked_text(b, r, 0, a->resp, a->resp_len);
	else
		excerpts(b, h, r);
	ob_adds(b, "</article>\n");
}

static void list_div(out_buf *b, const drill *dr, const drill_list *l)
{
	ob_adds(b, "<div id=\"d-");
	html_text(b, l->id);
	ob_adds(b, "\" data-title=\"");
	html_text(b, l->title);
	if (l->focus) {
		ob_adds(b, l->rule ? "\" data-r=\"" : "\" data-d=\"");
		html_text(b, l->focus);
	}
	ob_printf(b, "\" data-info=\"%lu answer%s %s", l->total, l->total == 1 ? "" : "s",
		  l->rule ? "it fired on" : "flagged");
	if (l->n < l->total)
		ob_printf(b, "; the %zu of highest score are shown (report --max-answers)", l->n);
	else
		ob_adds(b, ", highest score first");
	ob_adds(b, ".\" data-a=\"");
	for (size_t i = 0; i < l->n; i++)
		ob_printf(b, "%s%zu", i ? " " : "", l->recs[i]);
	ob_adds(b, "\"></div>\n");
	(void)dr;
}

/* Opens the list named by the address (#open=LIST): a copy of each of
 * its answers in the panel; the findings and marks of the list's rule or
 * dimension first and in full colour, the others faded. */
static const char drill_js[] =
	"(function(){\n"
	"var P=document.getElementById('drill'),B=P.querySelector('.dbody'),"
	"H=document.getElementById('dtitle'),I=P.querySelector('.dinfo');\n"
	"function sel(id){var s=document.querySelectorAll('a.sel'),i;"
	"for(i=0;i<s.length;i++)s[i].classList.remove('sel');if(!id)return;"
	"s=document.querySelectorAll('a[href=\"#open='+id+'\"]');"
	"for(i=0;i<s.length;i++)s[i].classList.add('sel');}\n"
	"function focus(a,k,v){if(!v)return;var e=a.querySelectorAll('[data-'+k+']'),i,m;"
	"for(i=0;i<e.length;i++){m=(' '+e[i].getAttribute('data-'+k)+' ').indexOf(' '+v+' ')>=0;"
	"if(!m)e[i].classList.add('other');"
	"else if(e[i].tagName==='LI')e[i].parentNode.insertBefore(e[i],e[i].parentNode.firstChild);}}\n"
	"function shut(){P.hidden=true;document.body.classList.remove('open');sel(null);}\n"
	"function open(id){var d=document.getElementById('d-'+id);if(!d){shut();return;}\n"
	"H.textContent=d.getAttribute('data-title');I.textContent=d.getAttribute('data-info');"
	"B.textContent='';\n"
	"d.getAttribute('data-a').split(' ').forEach(function(k){"
	"var a=document.getElementById('a-'+k);if(!a)return;var c=a.cloneNode(true);"
	"c.removeAttribute('id');focus(c,'r',d.getAttribute('data-r'));"
	"focus(c,'d',d.getAttribute('data-d'));B.appendChild(c);});\n"
	"P.hidden=false;document.body.classList.add('open');P.scrollTop=0;sel(id);}\n"
	"function route(){var m=/^#open=([A-Za-z0-9_-]+)$/.exec(location.hash);"
	"if(m)open(m[1]);else shut();}\n"
	"addEventListener('hashchange',route);\n"
	"addEventListener('keydown',function(e){if(e.key==='Escape'&&!P.hidden)location.hash='_';});\n"
	"route();\n"
	"})();\n";

void html_drill(out_buf *b, const html_ctx *h)
{
	const drill *dr = h->drill;

	if (!dr || !dr->n)
		return;
	ob_adds(b, "<aside id=\"drill\" hidden aria-labelledby=\"dtitle\">\n<div class=\"dhead\">"
		   "<h2 id=\"dtitle\"></h2><a href=\"#_\" title=\"Close (Esc)\" "
		   "aria-label=\"Close\">\xc3\x97</a></div>\n<p class=\"dinfo\"></p>\n"
		   "<div class=\"dbody\"></div>\n</aside>\n<div id=\"answers\" hidden>\n");
	for (size_t k = 0; k < h->set->n; k++)
		if (dr->embed[k])
			answer(b, h, k);
	for (size_t i = 0; i < dr->n; i++)
		list_div(b, dr, &dr->v[i]);
	ob_adds(b, "</div>\n<script>\n");
	ob_adds(b, drill_js);
	ob_adds(b, "</script>\n");
}
