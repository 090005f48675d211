#include "testutil.h"
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef RG_DATASETS
#define RG_DATASETS "datasets" /* CMake passes the repository's datasets/ */
#endif

const char *rg_dataset(const char *name)
{
	static __thread char buf[4096];
	const char *dir = getenv("RG_DATASETS");
	if (!dir || !*dir)
		dir = RG_DATASETS;
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	/* A directory of uncompressed copies ($RG_DATASETS=...) serves too:
	 * NAME.gz missing, NAME present -> NAME. */
	size_t n = strlen(buf);
	if (n > 3 && !strcmp(buf + n - 3, ".gz") && access(buf, F_OK) != 0) {
		buf[n - 3] = '\0';
		if (access(buf, F_OK) != 0)
			buf[n - 3] = '.'; /* neither: report the .gz name */
	}
	return buf;
}

double rg_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

double rg_stress_seconds(double dflt)
{
	const char *s = getenv("RG_STRESS_SECONDS");
	if (s && *s) {
		double v = atof(s);
		if (v > 0)
			return v;
	}
	return dflt;
}

int rg_test_open_dir(rg_graph_t **g, const char *dir, int durability)
{
	rg_options_t o;
	rg_options_init(&o);
	o.dir = dir;
	o.durability = durability;
	return rg_open(g, &o);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(p);
}

int rg_test_rm_rf(const char *dir)
{
	/* depth first, not following symlinks: children before their directory */
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
