/* The report as one self-contained HTML page: a header saying what was
 * screened, by what and when; the charts; the tables, whose rates are
 * coloured by what the data show (the rate and how sure it is); and the
 * drill-down from a cell to its answers. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "html.h"
#include "../stats.h"
#include "../out/xml.h"

void html_text(out_buf *b, const char *s)
{
	xml_text(b, s, strlen(s));
}

/* The colour of k flagged answers of n.  The flag rate p = k/n gives the
 * heat h(p): white at 0 to red at 1 on a square-root scale (so that small
 * but real rates show); it is then mixed with a neutral grey in proportion
 * to the width w = hi - lo of the 95% Wilson interval:
 *   colour = (1 - w) h(p) + w grey.
 * A rate measured on many answers keeps its colour (47/50: w = 0.14, deep
 * red); one measured on a few fades to grey (1/1: w = 0.79), as does an
 * empty cell's "nothing known". */
void html_kn_colour(unsigned long k, unsigned long n, char hex[8], int *dark)
{
	static const double grey[3] = { 188, 188, 194 };
	double p = n ? (double)k / (double)n : 0, x = sqrt(p), w = 1, c[3];
	double heat[3] = { 255, 255 - 190 * x, 255 - 200 * x };

	if (n) {
		stats_interval iv = stats_wilson(k, n, STATS_Z95);
		w = iv.hi - iv.lo;
	}
	for (int i = 0; i < 3; i++)
		c[i] = (1 - w) * heat[i] + w * grey[i];
	snprintf(hex, 8, "#%02x%02x%02x", (int)lround(c[0]), (int)lround(c[1]), (int)lround(c[2]));
	*dark = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] < 150;
}

static void kn_style(out_buf *b, unsigned long k, unsigned long n)
{
	char hex[8];
	int dark;

	html_kn_colour(k, n, hex, &dark);
	ob_printf(b, " style=\"background:%s%s\"", hex, dark ? ";color:#fff" : "");
}

/* A rate cell: the rate in bold, k/n and the interval below it. */
static void rate_content(out_buf *b, const char *v)
{
	const char *pct = strchr(v, ' '), *ci = pct ? strchr(pct + 1, ' ') : NULL;

	if (!ci) {
		html_text(b, v);
		return;
	}
	ob_adds(b, "<b>");
	xml_text(b, pct + 1, (size_t)(ci - pct - 1));
	ob_adds(b, "</b><small>");
	xml_text(b, v, (size_t)(pct - v));
	xml_text(b, ci, strlen(ci));
	ob_adds(b, "</small>");
}

static void render_cell(out_buf *b, const rtable *t, const html_ctx *h, size_t r, size_t c)
{
	const rcell *x = cellp(t, r, c);
	const char *v = cellv(t, r, c);
	int link = h && h->drill && x->drill >= 0;

	ob_adds(b, t->numeric[c] != COL_TEXT ? "<td class=\"n\"" : "<td");
	if (x->kind != CELL_TEXT)
		kn_style(b, x->k, x->n);
	ob_add(b, ">", 1);
	if (link) {
		ob_adds(b, "<a href=\"#open=");
		html_text(b, h->drill->v[x->drill].id);
		ob_adds(b, "\">");
	}
	if (x->kind == CELL_RATE)
		rate_content(b, v);
	else
		html_text(b, v);
	ob_adds(b, link ? "</a></td>" : "</td>");
}

static void render_html_table(out_buf *b, const rtable *t, const html_ctx *h)
{
	ob_adds(b, "<section id=\"t-");
	html_text(b, t->key);
	ob_adds(b, "\">\n<h2>");
	html_text(b, t->title);
	ob_adds(b, "</h2>\n<div class=\"scroll\"><table>\n<thead><tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		ob_adds(b, t->numeric[c] != COL_TEXT ? "<th class=\"n\">" : "<th>");
		html_text(b, t->cols[c]);
		ob_adds(b, "</th>");
	}
	ob_adds(b, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < t->nrows; r++) {
		ob_adds(b, "<tr>");
		for (size_t c = 0; c < t->ncols; c++)
			render_cell(b, t, h, r, c);
		ob_adds(b, "</tr>\n");
	}
	ob_adds(b, "</tbody>\n</table></div>\n");
	if (t->note) {
		ob_adds(b, "<p class=\"note\">");
		html_text(b, t->note);
		ob_adds(b, "</p>\n");
	}
	ob_adds(b, "</section>\n");
}

static const char html_css[] =
	":root{--ink:#1d1d1f;--mute:#5b5b66;--line:#d6d6dc;--soft:#f4f4f7;--acc:#b42318;"
	"--dw:min(37rem,42vw)}\n"
	"*{box-sizing:border-box}\n"
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;"
	"margin:0;color:var(--ink);line-height:1.4;font-size:15px}\n"
	"main{max-width:92rem;margin:0 auto;padding:1.5rem 1.5rem 4rem}\n"
	"h1{font-size:1.55rem;margin:0 0 .6rem}h2{font-size:1.1rem;margin:2rem 0 .5rem}\n"
	"header.top{border-bottom:1px solid var(--line);padding-bottom:1rem}\n"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0;"
	"font-size:.88rem}\n"
	"dl.meta dt{color:var(--mute)}dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
	"code{font-family:\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-size:.85em}\n"
	".warn{color:var(--acc);font-weight:600}\n"
	"p.note,p.legend-text{color:var(--mute);font-size:.85rem;max-width:60rem}\n"
	".figs{display:flex;flex-wrap:wrap;gap:1.5rem 3rem;align-items:flex-start}\n"
	"figure{margin:0;max-width:100%}figcaption{font-weight:600;font-size:.95rem;margin-bottom:.3rem}\n"
	"figure svg{display:block;width:100%;height:auto}\n"
	"svg text{font-size:11px;fill:var(--ink)}svg .ax{stroke:#c8c8d0}svg .grid{stroke:#ececf1}\n"
	"svg a:hover circle,svg a:hover rect{stroke:#000;stroke-width:1.5}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;font-size:.84rem;width:100%}\n"
	"th,td{border:1px solid var(--line);padding:.25rem .4rem;text-align:left;vertical-align:top}\n"
	"th{background:var(--soft);font-weight:600}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.n{white-space:nowrap}\n"
	"td b{display:block}td small{display:block;opacity:.85;font-size:.7rem}\n"
	"td:first-child{white-space:nowrap}\n"
	"td a{color:inherit;text-decoration:none;display:block}td a:hover{text-decoration:underline}\n"
	"td:first-child a{color:#1a4fa0}td a.sel{outline:2px solid #1a4fa0;outline-offset:2px}\n"
	"table.legend{width:auto;font-size:.75rem}table.legend td{width:3.2rem;text-align:center;"
	"padding:.2rem}table.legend th{background:none;border:0;text-align:right;font-weight:400;"
	"color:var(--mute)}\n"
	"body.open main{margin-right:var(--dw);max-width:none}\n"
	"#drill{position:fixed;top:0;right:0;bottom:0;width:var(--dw);overflow:auto;"
	"background:#fff;border-left:1px solid var(--line);box-shadow:-8px 0 24px rgba(0,0,0,.12);"
	"padding:0 1.25rem 2rem;z-index:10}\n"
	".dhead{position:sticky;top:0;background:#fff;padding:1rem 0 .5rem;"
	"border-bottom:1px solid var(--line);display:flex;align-items:baseline;gap:1rem}\n"
	".dhead h2{margin:0;flex:1;font-size:1.1rem}.dhead a{font-size:1.5rem;color:var(--mute);"
	"text-decoration:none;line-height:1}\n"
	".dinfo{color:var(--mute);font-size:.85rem}\n"
	"article.ans{border:1px solid var(--line);border-radius:6px;margin:.9rem 0;padding:.7rem .9rem}\n"
	"article.ans>header{font-size:.85rem;color:var(--mute)}article.ans>header b{color:var(--ink)}\n"
	".st{display:inline-block;border-radius:3px;padding:0 .35rem;font-size:.72rem;"
	"font-weight:600;text-transform:uppercase;letter-spacing:.03em;background:#fde8e7;"
	"color:var(--acc);margin-right:.3rem}.st-clear{background:#e7f4ec;color:#1e6b3a}\n"
	"ul.fnd{margin:.45rem 0;padding:0;list-style:none;font-size:.83rem}\n"
	"ul.fnd li{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;margin:.1rem 0}\n"
	"ul.fnd li.other{opacity:.5}mark.other{background:#fff3c4;border-bottom-color:#f0d68a}\n"
	".sev{display:inline-block;min-width:3.6rem;font-size:.72rem;font-weight:600}\n"
	".sev-critical{color:#8f1111}.sev-high{color:#b42318}.sev-medium{color:#b54708}"
	".sev-low{color:#667085}.sev-info{color:#667085}\n"
	".tag{font-size:.7rem;color:var(--mute);border:1px solid var(--line);border-radius:3px;"
	"padding:0 .25rem;margin-left:.3rem}\n"
	".txt{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.86rem;background:#fafafb;"
	"border:1px solid #ececf1;border-radius:4px;padding:.6rem .75rem;margin-top:.4rem}\n"
	"mark{background:#ffe27a;border-bottom:2px solid #e0a800;padding:0 1px}\n"
	"details summary{cursor:pointer;font-size:.82rem;color:var(--mute)}\n"
	"@media print{#drill,#answers{display:none}main{max-width:none;padding:0}"
	"section{break-inside:avoid}td,th{padding:.15rem .3rem}}\n";

/* "<dt>NAME</dt><dd>" */
static void meta_key(out_buf *b, const char *name)
{
	ob_adds(b, "<dt>");
	html_text(b, name);
	ob_adds(b, "</dt><dd>");
}

static void code_list(out_buf *b, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ob_adds(b, i ? ", <code>" : "<code>");
		html_text(b, v[i]);
		ob_adds(b, "</code>");
	}
}

static void header_packs(out_buf *b, const report_doc *d, const html_ctx *h)
{
	meta_key(b, d->npacks > 1 ? "Rule packs" : "Rule pack");
	if (d->npacks == 0)
		ob_adds(b, "not recorded in the scans");
	if (d->npacks > 1)
		ob_adds(b, "<span class=\"warn\">the scans were made with different rule packs:</span> ");
	code_list(b, d->packs, d->npacks);
	if (h->rules_fingerprint) {
		int same = d->npacks == 1 && strcmp(d->packs[0], h->rules_fingerprint) == 0;
		ob_adds(b, "<br>titles from ");
		html_text(b, h->rules_desc);
		if (!same) {
			ob_adds(b, " <span class=\"warn\">(another pack: <code>");
			html_text(b, h->rules_fingerprint);
			ob_adds(b, "</code>)</span>");
		}
	}
	ob_adds(b, "</dd>\n");
}

static void render_header(out_buf *b, const report_doc *d, const html_ctx *h)
{
	ob_adds(b, "<header class=\"top\">\n<h1>medscreen report</h1>\n<dl class=\"meta\">\n");
	meta_key(b, "Date");
	html_text(b, h->date);
	ob_adds(b, "</dd>\n");
	meta_key(b, h->nscans == 1 ? "Scan" : "Scans");
	code_list(b, h->scans, h->nscans);
	ob_adds(b, "</dd>\n");
	if (h->nrecords) {
		meta_key(b, "Answers from");
		code_list(b, h->records, h->nrecords);
		ob_adds(b, "</dd>\n");
	}
	if (h->prompts_file) {
		meta_key(b, "Prompt set");
		code_list(b, &h->prompts_file, 1);
		ob_adds(b, "</dd>\n");
	}
	meta_key(b, "Records");
	html_text(b, d->summary);
	ob_adds(b, "</dd>\n");
	meta_key(b, "Tool");
	ob_printf(b, "medscreen %s", PACKAGE_VERSION);
	if (h->nversions) {
		ob_adds(b, "; scans made by medscreen ");
		for (size_t i = 0; i < h->nversions; i++) {
			ob_adds(b, i ? ", " : "");
			html_text(b, h->versions[i]);
		}
	}
	ob_adds(b, "</dd>\n");
	header_packs(b, d, h);
	ob_adds(b, "</dl>\n</header>\n");
}

/* Sample cells of several sizes: the same rate fades as the interval
 * widens. */
static void render_legend(out_buf *b)
{
	static const unsigned long rows[][8] = {
		{ 50, 0, 5, 13, 25, 38, 47, 50 },
		{ 8, 0, 1, 2, 4, 6, 7, 8 },
		{ 1, 0, 1 },
	};

	ob_adds(b, "<section id=\"legend\">\n<h2>How to read the colours</h2>\n"
		   "<table class=\"legend\"><tbody>\n");
	for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
		unsigned long n = rows[r][0];
		ob_printf(b, "<tr><th>%lu answer%s</th>", n, n == 1 ? "" : "s");
		for (size_t i = 1; i < 8 && (i == 1 || rows[r][i]); i++) {
			ob_adds(b, "<td");
			kn_style(b, rows[r][i], n);
			ob_printf(b, ">%lu/%lu</td>", rows[r][i], n);
		}
		ob_adds(b, "</tr>\n");
	}
	ob_adds(b, "</tbody></table>\n<p class=\"legend-text\">A cell's colour is its flag rate, "
		   "white at 0% to red at 100% (on a square-root scale), mixed with grey in "
		   "proportion to the width of the rate's 95% Wilson interval: a rate measured on "
		   "many answers keeps its colour, one measured on few fades to grey. 47/50 "
		   "(interval 83.8\xe2\x80\x93" "97.9%) is deep red; 1/1 (20.7\xe2\x80\x93" "100%) is "
		   "a greyish pink. Click a coloured cell, a prompt or a rule to see its "
		   "flagged answers with the evidence marked.</p>\n</section>\n");
}

void render_html(out_buf *b, const report_doc *d)
{
	const html_ctx *h = d->html;

	ob_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<title>medscreen report</title>\n<style>\n");
	ob_adds(b, html_css);
	ob_adds(b, "</style>\n</head>\n<body>\n<main>\n");
	render_header(b, d, h);
	html_charts(b, d, h);
	render_legend(b);
	for (size_t i = 0; i < d->ntables; i++)
		render_html_table(b, &d->tables[i], h);
	ob_adds(b, "</main>\n");
	html_drill(b, h);
	ob_adds(b, "</body>\n</html>\n");
}
