#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

const char *rg_dataset(const char *name)
{
	static __thread char buf[4096];
	const char *dir = getenv("RG_DATASETS");
	if (!dir || !*dir)
		dir = RG_DATASETS;
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
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
