/*
 * benchutil.h - what every measurement program here needs: machine facts,
 * a clock, a start barrier, medians with ranges. Header-only so each
 * program in experiments/ stays a single file.
 */
#ifndef RG_BENCHUTIL_H
#define RG_BENCHUTIL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double bu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU model string from /proc/cpuinfo ("unknown" if absent). */
static inline const char *bu_cpu_model(void)
{
	static char model[256] = "";
	if (model[0])
		return model;
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	strcpy(model, "unknown");
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "model name", 10) == 0) {
			char *p = strchr(line, ':');
			if (p) {
				p += 1 + (p[1] == ' ');
				p[strcspn(p, "\n")] = 0;
				snprintf(model, sizeof model, "%s", p);
			}
			break;
		}
	}
	if (f)
		fclose(f);
	return model;
}

static inline long bu_nproc(void) { return sysconf(_SC_NPROCESSORS_ONLN); }

static inline void bu_print_machine(FILE *out, const char *prefix)
{
	char host[128] = "?";
	gethostname(host, sizeof host - 1);
	fprintf(out, "%smachine: %s, nproc=%ld, host=%s\n", prefix, bu_cpu_model(), bu_nproc(), host);
}

static int bu_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median, min and max of n values (sorts v in place). */
static inline void bu_stats(double *v, int n, double *med, double *lo, double *hi)
{
	qsort(v, (size_t)n, sizeof *v, bu_cmp_double);
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*lo = v[0];
	*hi = v[n - 1];
}

/* 64-byte padded per-thread counters: no false sharing between workers. */
struct bu_padded {
	_Alignas(64) volatile uint64_t ops;
	uint64_t checksum;
	char pad[64 - 2 * sizeof(uint64_t)];
};

static inline uint64_t bu_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 2685821657736338717ULL;
}

#endif
