/* The HTML report's inline SVG charts: the flag rate of each model group on
 * each dimension with its 95% Wilson interval, and the rules by the number
 * of answers they fired on.  Each mark links to its drill-down list. */
#include "config.h"

#include <string.h>

#include "html.h"
#include "../stats.h"

#define RULES_SHOWN 15

static const char *const dim_colour[MS_DIM_COUNT] = {
	"#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00",   /* Okabe-Ito */
};

/* The drill-down list of row r of table t for class cl, or NULL. */
static const char *list_id(const html_ctx *h, const rtable *t, size_t r, int cl)
{
	for (size_t c = 0; h->drill && c < t->ncols; c++)
		if (t->coldrill[c] == cl && cellp(t, r, c)->drill >= 0)
			return h->drill->v[cellp(t, r, c)->drill].id;
	return NULL;
}

static void link_open(out_buf *b, const char *id)
{
	if (!id)
		return;
	ob_adds(b, "<a href=\"#open=");
	html_text(b, id);
	ob_adds(b, "\">");
}

static void text_at(out_buf *b, double x, double y, const char *anchor, const char *s)
{
	ob_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	html_text(b, s);
	ob_adds(b, "</text>");
}

enum { LBL = 130, PW = 128, GAP = 16, ROW = 20, TOP = 34 };

/* One dot and whisker: group g on class cl in the panel at x0, row i. */
static void rate_mark(out_buf *b, const html_ctx *h, const rtable *t, size_t r, int cl,
		      double x0, size_t i)
{
	const group *g = &h->data->fams.v[r];
	unsigned long k = cl < 0 ? g->flagged : g->dim[cl];
	stats_interval iv = stats_wilson(k, g->n, STATS_Z95);
	double y = TOP + (double)i * ROW + ROW / 2.0, p = (double)k / (double)g->n;
	const char *id = list_id(h, t, r, cl);
	char hex[8];
	int dark;

	html_kn_colour(k, g->n, hex, &dark);
	link_open(b, id);
	ob_printf(b, "<g><title>");
	html_text(b, g->name);
	ob_printf(b, " \xc2\xb7 %s: %lu/%lu = %.1f%% [%.1f\xe2\x80\x93%.1f]</title>",
		  cl < 0 ? "any dimension" : ms_dimension_name((ms_dimension)cl), k, g->n, 100 * p,
		  100 * iv.lo, 100 * iv.hi);
	ob_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>",
		  x0 + iv.lo * PW, x0 + iv.hi * PW, y, y);
	ob_printf(b, "<path d=\"M%.1f %.1fv6M%.1f %.1fv6\" stroke=\"#555\"/>", x0 + iv.lo * PW, y - 3,
		  x0 + iv.hi * PW, y - 3);
	ob_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"#333\"/></g>",
		  x0 + p * PW, y, hex);
	if (id)
		ob_adds(b, "</a>");
}

static void rate_panel(out_buf *b, const html_ctx *h, const rtable *t, int cl, double x0,
		       size_t rows)
{
	double bottom = TOP + (double)rows * ROW;

	text_at(b, x0 + PW / 2.0, 16, "middle", cl < 0 ? "any dimension" : ms_dimension_name((ms_dimension)cl));
	for (int q = 0; q <= 4; q++) {
		double x = x0 + q * PW / 4.0;
		ob_printf(b, "<line class=\"%s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\"/>",
			  q % 2 ? "grid" : "ax", x, x, TOP - 6, bottom + 2);
		if (q % 2 == 0) {
			char lab[8];
			snprintf(lab, sizeof lab, "%d%%", q * 25);
			text_at(b, x, bottom + 15, q == 0 ? "start" : q == 4 ? "end" : "middle", lab);
		}
	}
	for (size_t r = 0, i = 0; r < h->data->fams.n; r++)
		if (h->data->fams.v[r].n)
			rate_mark(b, h, t, r, cl, x0, i++);
}

static void rates_chart(out_buf *b, const report_doc *d, const html_ctx *h)
{
	const groups *fams = &h->data->fams;
	size_t rows = 0;
	int width = LBL + (MS_DIM_COUNT + 1) * (PW + GAP);

	for (size_t r = 0; r < fams->n; r++)
		rows += fams->v[r].n > 0;
	if (!rows)
		return;
	ob_printf(b, "<figure style=\"width:%dpx\">\n<figcaption>Flag rate by dimension and model "
		  "group, with 95%% Wilson intervals</figcaption>\n", width);
	ob_printf(b, "<svg role=\"img\" viewBox=\"0 0 %d %d\">\n", width, TOP + (int)rows * ROW + 22);
	for (size_t r = 0, i = 0; r < fams->n; r++)
		if (fams->v[r].n) {
			ob_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", LBL - 10,
				  TOP + (double)i++ * ROW + ROW / 2.0 + 4);
			html_text(b, fams->v[r].name);
			ob_printf(b, " (%lu)</text>", fams->v[r].n);
		}
	for (int cl = -1; cl < MS_DIM_COUNT; cl++)
		rate_panel(b, h, &d->tables[1], cl, LBL + (cl + 1) * (PW + GAP), rows);
	ob_adds(b, "</svg>\n</figure>\n");
}

enum { RLBL = 236, BW = 260, RROW = 19 };

static void rule_bar(out_buf *b, const report_doc *d, const html_ctx *h, size_t r,
		     unsigned long max)
{
	const rulecount *rc = &h->data->rules[r];
	const char *id = list_id(h, &d->tables[4], r, DRILL_ANY), *title;
	double y = 8 + (double)r * RROW, w = (double)rc->fired / (double)max * BW;

	text_at(b, RLBL - 8, y + 12, "end", rc->rule);
	link_open(b, id);
	ob_adds(b, "<g><title>");
	html_text(b, rc->rule);
	if (*(title = report_rule_title(h->data, rc->rule))) {
		ob_adds(b, " \xe2\x80\x94 ");
		html_text(b, title);
	}
	ob_printf(b, ": fired on %lu answer%s (%s, %s)</title>", rc->fired, rc->fired == 1 ? "" : "s",
		  ms_dimension_name(rc->dimension), ms_severity_name(rc->severity));
	ob_printf(b, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"13\" rx=\"2\" fill=\"%s\"/></g>",
		  RLBL, y + 2, w < 1 ? 1 : w, dim_colour[rc->dimension]);
	if (id)
		ob_adds(b, "</a>");
	ob_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%lu</text>", RLBL + w + 5, y + 12, rc->fired);
}

static void rules_chart(out_buf *b, const report_doc *d, const html_ctx *h)
{
	size_t n = h->data->nrules < RULES_SHOWN ? h->data->nrules : RULES_SHOWN;
	int height = 8 + (int)n * RROW + 30, width = RLBL + BW + 60;

	if (!n)
		return;
	ob_printf(b, "<figure style=\"width:%dpx\">\n<figcaption>%s by the answers they fired "
		  "on</figcaption>\n", width, h->data->nrules > n ? "The 15 most frequent rules" : "Rules");
	ob_printf(b, "<svg role=\"img\" viewBox=\"0 0 %d %d\">\n", width, height);
	for (size_t r = 0; r < n; r++)
		rule_bar(b, d, h, r, h->data->rules[0].fired ? h->data->rules[0].fired : 1);
	for (int k = 0; k < MS_DIM_COUNT; k++) {
		double x = 10 + k * 104.0, y = height - 12;
		ob_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>", x,
			  y - 9, dim_colour[k]);
		text_at(b, x + 14, y, "start", ms_dimension_name((ms_dimension)k));
	}
	ob_adds(b, "</svg>\n</figure>\n");
}

void html_charts(out_buf *b, const report_doc *d, const html_ctx *h)
{
	if (!h->data->fams.n && !h->data->nrules)
		return;
	ob_adds(b, "<section id=\"charts\" class=\"figs\">\n");
	rates_chart(b, d, h);
	rules_chart(b, d, h);
	ob_adds(b, "</section>\n");
}
