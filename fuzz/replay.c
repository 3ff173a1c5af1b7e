/* Replays fuzz inputs through a fuzz target without libFuzzer: each
 * argument is a file, or a directory whose files are all replayed.  Built
 * with the normal compiler by `make check` (tests/fuzz.sh), which runs the
 * corpora through both targets; under --enable-asan/--enable-ubsan that is
 * a sanitized replay.  Exits nonzero when a file cannot be read (a crash
 * of the target is the test's failure). */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (cap - len < 65536) {
			unsigned char *p = realloc(buf, cap + 65536);
			if (!p) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = p;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;
	size_t count = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
			rc |= replay_file(argv[i]) != 0;
			count++;
			continue;
		}
		if (!(d = opendir(argv[i]))) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		while ((e = readdir(d))) {
			char path[4096];
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
			rc |= replay_file(path) != 0;
			count++;
		}
		closedir(d);
	}
	printf("%zu inputs replayed\n", count);
	return rc;
}
