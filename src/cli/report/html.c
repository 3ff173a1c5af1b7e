/* The report as a self-contained HTML page: the tables with a heatmap of
 * flag rates. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "table.h"
#include "../out/xml.h"

static void html_text(out_buf *b, const char *s)
{
	xml_text(b, s, strlen(s));
}

/* Heat colour: white at 0, deep red at 1 (on a square-root scale so that
 * small but real flag rates are visible). */
static void heat_style(out_buf *b, double rate)
{
	double x = sqrt(rate < 0 ? 0 : rate > 1 ? 1 : rate);
	int r = 255, g = (int)(255 - 190 * x), bl = (int)(255 - 200 * x);

	ob_printf(b, " style=\"background:#%02x%02x%02x%s\"", r, g, bl,
		  x > 0.7 ? ";color:#fff" : "");
}

static void render_html_table(out_buf *b, const rtable *t)
{
	ob_adds(b, "<section>\n<h2>");
	html_text(b, t->title);
	ob_adds(b, "</h2>\n<table>\n<thead><tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		ob_adds(b, t->numeric[c] ? "<th class=\"n\">" : "<th>");
		html_text(b, t->cols[c]);
		ob_adds(b, "</th>");
	}
	ob_adds(b, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; r < t->nrows; r++) {
		ob_adds(b, "<tr>");
		for (size_t c = 0; c < t->ncols; c++) {
			double h = t->heat[r * t->ncols + c];
			const char *v = cellv(t, r, c);
			const char *pct = strchr(v, ' '), *ci = pct ? strchr(pct + 1, ' ') : NULL;

			ob_adds(b, t->numeric[c] || h >= 0 ? "<td class=\"n\"" : "<td");
			if (h >= 0)
				heat_style(b, h);
			ob_add(b, ">", 1);
			if (h >= 0 && pct && ci && strchr(v, '/') && strchr(v, '/') < pct) {
				/* "k/n p% [lo-hi]": the rate first, the counts and the
				 * interval below it in small type, to keep columns narrow. */
				out_buf tmp = { 0 };
				ob_add(&tmp, pct + 1, (size_t)(ci - pct - 1));
				ob_adds(b, "<b>");
				html_text(b, tmp.data);
				ob_adds(b, "</b><br><small>");
				tmp.len = 0;
				ob_add(&tmp, v, (size_t)(pct - v));
				ob_add(&tmp, ci, strlen(ci));
				html_text(b, tmp.data);
				ob_adds(b, "</small>");
				ob_free(&tmp);
			} else {
				html_text(b, v);
			}
			ob_adds(b, "</td>");
		}
		ob_adds(b, "</tr>\n");
	}
	ob_adds(b, "</tbody>\n</table>\n");
	if (t->note) {
		ob_adds(b, "<p class=\"note\">");
		html_text(b, t->note);
		ob_adds(b, "</p>\n");
	}
	ob_adds(b, "</section>\n");
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	"<title>medscreen report</title>\n<style>\n"
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;"
	"margin:2rem auto;max-width:90rem;padding:0 1rem;color:#1d1d1f;line-height:1.4}\n"
	"h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}\n"
	"p.meta{color:#555;margin-top:0}p.note{color:#555;font-size:.85rem}\n"
	"table{border-collapse:collapse;font-size:.85rem;width:100%}\n"
	"th,td{border:1px solid #d0d0d5;padding:.3rem .5rem;text-align:left;vertical-align:top}\n"
	"th{background:#f3f3f6;position:sticky;top:0}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"td small{color:inherit;opacity:.8}td:first-child{white-space:nowrap}\n"
	".legend span{display:inline-block;width:2.2rem;text-align:center;font-size:.75rem;"
	"border:1px solid #d0d0d5}\n"
	"@media print{body{margin:0;max-width:none}th{position:static}section{break-inside:avoid}"
	"td,th{padding:.15rem .3rem}}\n"
	"</style>\n</head>\n<body>\n";

void render_html(out_buf *b, const report_doc *d)
{
	ob_adds(b, html_head);
	ob_adds(b, "<h1>medscreen report</h1>\n<p class=\"meta\">");
	html_text(b, d->summary);
	ob_adds(b, "<br>");
	html_text(b, d->provenance);
	ob_adds(b, "</p>\n<p class=\"legend\">Flag rate: ");
	for (int i = 0; i <= 4; i++) {
		ob_adds(b, "<span");
		heat_style(b, i / 4.0);
		ob_printf(b, ">%d%%</span>", i * 25);
	}
	ob_adds(b, "</p>\n");
	for (size_t i = 0; i < d->ntables; i++)
		render_html_table(b, &d->tables[i]);
	ob_adds(b, "</body>\n</html>\n");
}
