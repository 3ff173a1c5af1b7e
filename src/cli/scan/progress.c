/* Progress and summary on stderr (see progress.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "progress.h"
#include "../util.h"
#include "../xalloc.h"

#define EVERY 0.25   /* seconds between two updates */

struct progress {
	unsigned long long total;
	double every;        /* EVERY, or MEDSCREEN_PROGRESS_INTERVAL (tests) */
	double start, last;
	size_t shown;        /* length of the line on screen; 0: none */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static progress *shown_one;    /* the progress on screen, for messages */

static void clear_for_message(void)
{
	progress_clear(shown_one);
}

progress *progress_new(unsigned long long total)
{
	progress *p = xcalloc(1, sizeof *p);
	const char *env = getenv("MEDSCREEN_PROGRESS_INTERVAL");
	char *end;

	p->every = EVERY;
	if (env && *env) {
		double v = strtod(env, &end);
		if (!*end && v >= 0 && v <= 3600)
			p->every = v;
	}
	p->total = total;
	p->start = p->last = now();
	shown_one = p;
	cli_before_message = clear_for_message;
	return p;
}

/* h:mm:ss, or m:ss under an hour. */
static void clock_text(char *buf, size_t n, double secs)
{
	unsigned long s = secs > 0 ? (unsigned long)(secs + 0.5) : 0;

	if (s >= 3600)
		snprintf(buf, n, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, n, "%lu:%02lu", s / 60, s % 60);
}

void progress_update(progress *p, unsigned long records, unsigned long long bytes)
{
	double t, el;
	char line[200], elapsed[24], left[24];
	int len;

	if (!p || (t = now()) - p->last < p->every)
		return;
	el = t - p->start;
	p->last = t;
	clock_text(elapsed, sizeof elapsed, el);
	len = snprintf(line, sizeof line, "%s: %lu record%s, %.1f MB, %.0f records/s, %s elapsed",
		       cli_prog, records, records == 1 ? "" : "s", (double)bytes / 1e6,
		       el > 0 ? records / el : 0.0, elapsed);
	if (p->total && bytes && bytes <= p->total && el > 0) {
		clock_text(left, sizeof left, (double)(p->total - bytes) * el / (double)bytes);
		len += snprintf(line + len, sizeof line - (size_t)len, ", ETA %s", left);
	}
	/* Spaces over what a longer line before left. */
	fprintf(stderr, "\r%s%*s", line, p->shown > (size_t)len ? (int)(p->shown - (size_t)len) : 0,
		"");
	fflush(stderr);
	p->shown = (size_t)len;
}

void progress_clear(progress *p)
{
	if (!p || !p->shown)
		return;
	fprintf(stderr, "\r%*s\r", (int)p->shown, "");
	p->shown = 0;
}

void progress_summary(progress *p, const scan_totals *t)
{
	double el = now() - p->start;

	progress_clear(p);
	fprintf(stderr, "%s: %lu record%s, %lu finding%s, %lu flagged, %lu error%s in %.1f s\n",
		cli_prog, t->records, t->records == 1 ? "" : "s", t->findings,
		t->findings == 1 ? "" : "s", t->flagged, t->errors, t->errors == 1 ? "" : "s", el);
}

void progress_free(progress *p)
{
	if (p && p == shown_one) {
		shown_one = NULL;
		cli_before_message = NULL;
	}
	free(p);
}
