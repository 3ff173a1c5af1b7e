/* Feedback on long scans, on stderr: a progress line rewritten in place
 * (records, megabytes, rate, time elapsed and, when the size of the input
 * is known, the time left), at most four times a second, and a one-line
 * summary at the end. */
#ifndef CLI_SCAN_PROGRESS_H
#define CLI_SCAN_PROGRESS_H

#include "../out/writer.h"

typedef struct progress progress;

/* total: the input's size in bytes, 0 when unknown. */
progress *progress_new(unsigned long long total);
/* Records read so far and the input bytes they came from. */
void progress_update(progress *p, unsigned long records, unsigned long long bytes);
/* Rub the progress line out (before other messages). */
void progress_clear(progress *p);
/* The summary line. */
void progress_summary(progress *p, const scan_totals *t);
void progress_free(progress *p);

#endif
