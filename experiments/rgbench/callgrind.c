/*
 * callgrind.c - running rgbench under valgrind's callgrind and reading
 * its dumps (the sectioncost workload: noise-free instruction and
 * simulated-cache counts; the machines have no hardware counters).
 *
 * The child runs with --collect-atstart=no: nothing is counted until it
 * toggles collection on around a measured loop (CALLGRIND_TOGGLE_COLLECT),
 * off after it, and dumps the loop's counts with CALLGRIND_DUMP_STATS_AT
 * (which also zeroes them); each dump is a file DIR/cg.out.N whose
 * "desc: Trigger: Client Request: LABEL" line names the loop and whose
 * "summary:" line holds the totals of the "events:" line.
 */
#include <dirent.h>
#include <errno.h>
#include <spawn.h>
#include <sys/wait.h>

#include "callgrind.h"

extern char **environ;

/* The L3 (LL) geometry of CPU 0 from sysfs: callgrind's own detection can
 * be wrong in a VM (it took a 256 MiB direct-mapped LL here). */
static int ll_option(char *buf, size_t cap)
{
	const char *base = "/sys/devices/system/cpu/cpu0/cache/index3/";
	char p[256], v[64];
	long size = 0, ways = 0, line = 0;
	const char *keys[3] = {"size", "ways_of_associativity", "coherency_line_size"};
	long *vals[3] = {&size, &ways, &line};
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", base, keys[i]);
		FILE *f = fopen(p, "r");
		if (!f)
			return -1;
		if (!fgets(v, sizeof v, f)) {
			fclose(f);
			return -1;
		}
		fclose(f);
		char *end;
		*vals[i] = strtol(v, &end, 10);
		if (*end == 'K')
			*vals[i] *= 1024;
		else if (*end == 'M')
			*vals[i] *= 1024 * 1024;
	}
	if (size <= 0 || ways <= 0 || line <= 0)
		return -1;
	snprintf(buf, cap, "--LL=%ld,%ld,%ld", size, ways, line);
	return 0;
}

int rgb_cg_available(void)
{
	FILE *p = popen("valgrind --version 2>/dev/null", "r");
	if (!p)
		return 0;
	char line[64] = "";
	int ok = fgets(line, sizeof line, p) && !strncmp(line, "valgrind", 8);
	pclose(p);
	return ok;
}

int rgb_cg_spawn(const char *dir, char *const *child_args)
{
	char out[600], ll[96];
	snprintf(out, sizeof out, "--callgrind-out-file=%s/cg.out", dir);
	const char *argv[128];
	int n = 0;
	argv[n++] = "valgrind";
	argv[n++] = "--tool=callgrind";
	argv[n++] = "--collect-atstart=no";
	argv[n++] = "--cache-sim=yes";
	argv[n++] = out;
	if (ll_option(ll, sizeof ll) == 0)
		argv[n++] = ll;
	argv[n++] = "--quiet";
	for (int i = 0; child_args[i] && n < 126; i++)
		argv[n++] = child_args[i];
	argv[n] = NULL;
	if (rgb_o.verbose) {
		fprintf(stderr, "rgbench: sectioncost:");
		for (int i = 0; i < n; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "\n");
	}
	pid_t pid;
	int rc = posix_spawnp(&pid, "valgrind", NULL, NULL, (char *const *)argv, environ);
	if (rc) {
		fprintf(stderr, "rgbench: cannot run valgrind: %s\n", strerror(rc));
		return -1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int parse_dump(const char *path, rgb_cg_dump_t *d)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	memset(d, 0, sizeof *d);
	char line[4096];
	char events[1024] = "", summary[2048] = "";
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "desc: Trigger: Client Request: ", 31))
			snprintf(d->label, sizeof d->label, "%.255s", line + 31);
		else if (!strncmp(line, "desc: ", 6) && d->ncache < RGB_CG_MAXDESC &&
			 (strstr(line, "cache:")))
			snprintf(d->cache[d->ncache++], sizeof d->cache[0], "%.95s", line + 6);
		else if (!strncmp(line, "events: ", 8))
			snprintf(events, sizeof events, "%.1023s", line + 8);
		else if (!strncmp(line, "summary: ", 9))
			snprintf(summary, sizeof summary, "%.2047s", line + 9);
	}
	fclose(f);
	if (!d->label[0] || !events[0])
		return -1;
	char *save = NULL;
	for (char *t = strtok_r(events, " ", &save); t && d->nev < RGB_CG_MAXEV;
	     t = strtok_r(NULL, " ", &save))
		snprintf(d->ev[d->nev++], sizeof d->ev[0], "%s", t);
	save = NULL;
	int k = 0;
	for (char *t = strtok_r(summary, " ", &save); t && k < d->nev; t = strtok_r(NULL, " ", &save))
		d->val[k++] = strtod(t, NULL);
	/* trailing zero events are omitted in the file: they stay 0 */
	return 0;
}

int rgb_cg_read_dumps(const char *dir, rgb_cg_dump_t **out, int *n)
{
	*out = NULL;
	*n = 0;
	DIR *dp = opendir(dir);
	if (!dp)
		return -1;
	int cap = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (strncmp(e->d_name, "cg.out.", 7))
			continue;
		char path[1200];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			rgb_cg_dump_t *p = realloc(*out, (size_t)cap * sizeof *p);
			if (!p) {
				closedir(dp);
				return -1;
			}
			*out = p;
		}
		if (parse_dump(path, &(*out)[*n]) == 0)
			(*n)++;
	}
	closedir(dp);
	return 0;
}

double rgb_cg_event(const rgb_cg_dump_t *d, const char *ev)
{
	for (int i = 0; i < d->nev; i++)
		if (!strcmp(d->ev[i], ev))
			return d->val[i];
	return 0;
}
