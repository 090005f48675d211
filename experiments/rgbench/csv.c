/*
 * csv.c - run metadata, the row buffer, flags (oversubscribed, suspect,
 * ratio_to_nosync), the tidy CSV (docs/experiments.md, "CSV schema") and
 * the per-workload human summary on stdout.
 *
 * A workload's rows are buffered and written together when it ends, because
 * the suspect flag compares every row with the 1-thread median of its group,
 * which is only known once the group has run. The file is flushed after
 * every workload, so an interrupted `--workload all` keeps the finished ones.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "rgbench.h"

#ifndef RGB_SOURCE_DIR
#define RGB_SOURCE_DIR "."
#endif
#ifndef RGB_BUILD_TYPE
#define RGB_BUILD_TYPE "unknown"
#endif

/* Speedup tolerance of the suspect flag: the rows of a configuration are
 * suspect when their median throughput exceeds threads * (the 1-thread
 * median of the same configuration) by more than this factor
 * (10 % allows for trial-to-trial noise; real superlinear effects above that
 * are exactly what must be explained). */
#define RGB_SUSPECT_TOL 1.10

static struct {
	char run_id[64], git[64], date[32], host[128], cpu[256], kernel[128], compiler[96],
		build[32];
	long nproc;
	int ready;
} meta;

static FILE *csv;
static rgb_row_t *rows;
static size_t nrows, caprows;

static void take_meta(void)
{
	if (meta.ready)
		return;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(meta.date, sizeof meta.date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char ts[32];
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(meta.run_id, sizeof meta.run_id, "%s-%ld", ts, (long)getpid());
	if (gethostname(meta.host, sizeof meta.host - 1))
		strcpy(meta.host, "unknown");
	snprintf(meta.cpu, sizeof meta.cpu, "%s", bu_cpu_model());
	meta.nproc = bu_nproc();
	struct utsname u;
	snprintf(meta.kernel, sizeof meta.kernel, "%s", uname(&u) == 0 ? u.release : "unknown");
#if defined(__clang__)
	snprintf(meta.compiler, sizeof meta.compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
	snprintf(meta.compiler, sizeof meta.compiler, "gcc %s", __VERSION__);
#else
	snprintf(meta.compiler, sizeof meta.compiler, "unknown");
#endif
	snprintf(meta.build, sizeof meta.build, "%s", RGB_BUILD_TYPE);
	/* git commit of the source tree this binary was built from, "-dirty"
	 * when it has uncommitted changes; "unknown" without git. */
	strcpy(meta.git, "unknown");
	FILE *p = popen("git -C '" RGB_SOURCE_DIR "' rev-parse --short=12 HEAD 2>/dev/null", "r");
	if (p) {
		char line[64] = "";
		if (fgets(line, sizeof line, p) && line[0]) {
			line[strcspn(line, "\r\n")] = 0;
			snprintf(meta.git, sizeof meta.git, "%s", line);
		}
		pclose(p);
	}
	if (strcmp(meta.git, "unknown")) {
		p = popen("git -C '" RGB_SOURCE_DIR "' status --porcelain --untracked-files=no 2>/dev/null",
			  "r");
		if (p) {
			char line[8];
			if (fgets(line, sizeof line, p))
				strncat(meta.git, "-dirty", sizeof meta.git - strlen(meta.git) - 1);
			pclose(p);
		}
	}
	meta.ready = 1;
}

const char *rgb_meta_run_id(void)
{
	take_meta();
	return meta.run_id;
}

long rgb_nproc(void)
{
	take_meta();
	return meta.nproc;
}

void rgb_row_init(rgb_row_t *r, const char *workload, const char *variant, const char *sync,
		  int threads, int trial)
{
	memset(r, 0, sizeof *r);
	snprintf(r->workload, sizeof r->workload, "%s", workload);
	snprintf(r->variant, sizeof r->variant, "%s", variant ? variant : "");
	snprintf(r->sync, sizeof r->sync, "%s", sync ? sync : "-");
	r->threads = threads;
	r->trial = trial;
	r->duration_s = rgb_o.duration;
	r->warmup_s = rgb_o.warmup;
	r->update_ratio = -1;
	r->batch = -1;
	snprintf(r->durability, sizeof r->durability, "none");
	r->p50_us = r->p90_us = r->p99_us = r->p999_us = -1;
	if (rgb_o.pack && sync)
		for (const char *const *p = rg_policy_names(); *p; p++)
			if (!strcmp(*p, sync)) { /* an rcugraph row: its graph was packed */
				rgb_extra(r, "pack=1");
				break;
			}
}

void rgb_extra(rgb_row_t *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (char *p = buf; *p; p++)
		if (*p == ',' || *p == '\n' || *p == '\r' || *p == '"')
			*p = '_';
	size_t len = strlen(r->extra);
	snprintf(r->extra + len, sizeof r->extra - len, "%s%s", len ? ";" : "", buf);
}

/* RFC 4180: quote a field holding a comma, quote or line break. */
static void put_field(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ',', f);
}

static const char *fmt_num(char *buf, size_t cap, double v, const char *fmt)
{
	if (v < 0 || !isfinite(v))
		buf[0] = 0;
	else
		snprintf(buf, cap, fmt, v);
	return buf;
}

void rgb_csv_header(FILE *f)
{
	fputs("run_id,git_commit,date,host,cpu_model,nproc,kernel,compiler,build_type,"
	      "workload,variant,sync,threads,trial,duration_s,warmup_s,graph,nodes,edges,"
	      "update_ratio,batch,durability,ops,throughput,unit,p50_us,p90_us,p99_us,p999_us,"
	      "checksum,oversubscribed,suspect,extra\n",
	      f);
}

void rgb_csv_write_row(FILE *f, const rgb_row_t *r)
{
	take_meta();
	char b[64];
	put_field(f, meta.run_id, 0);
	put_field(f, meta.git, 0);
	put_field(f, meta.date, 0);
	put_field(f, meta.host, 0);
	put_field(f, meta.cpu, 0);
	snprintf(b, sizeof b, "%ld", meta.nproc);
	put_field(f, b, 0);
	put_field(f, meta.kernel, 0);
	put_field(f, meta.compiler, 0);
	put_field(f, meta.build, 0);
	put_field(f, r->workload, 0);
	put_field(f, r->variant, 0);
	put_field(f, r->sync, 0);
	snprintf(b, sizeof b, "%d", r->threads);
	put_field(f, b, 0);
	snprintf(b, sizeof b, "%d", r->trial);
	put_field(f, b, 0);
	put_field(f, fmt_num(b, sizeof b, r->duration_s, "%.6g"), 0);
	put_field(f, fmt_num(b, sizeof b, r->warmup_s, "%.6g"), 0);
	put_field(f, r->graph, 0);
	snprintf(b, sizeof b, "%llu", (unsigned long long)r->nodes);
	put_field(f, b, 0);
	snprintf(b, sizeof b, "%llu", (unsigned long long)r->edges);
	put_field(f, b, 0);
	put_field(f, fmt_num(b, sizeof b, r->update_ratio, "%.6g"), 0);
	if (r->batch >= 0)
		snprintf(b, sizeof b, "%ld", r->batch);
	else
		b[0] = 0;
	put_field(f, b, 0);
	put_field(f, r->durability, 0);
	snprintf(b, sizeof b, "%llu", (unsigned long long)r->ops);
	put_field(f, b, 0);
	put_field(f, fmt_num(b, sizeof b, r->throughput, "%.1f"), 0);
	put_field(f, r->unit, 0);
	put_field(f, fmt_num(b, sizeof b, r->p50_us, "%.4g"), 0);
	put_field(f, fmt_num(b, sizeof b, r->p90_us, "%.4g"), 0);
	put_field(f, fmt_num(b, sizeof b, r->p99_us, "%.4g"), 0);
	put_field(f, fmt_num(b, sizeof b, r->p999_us, "%.4g"), 0);
	if (r->has_checksum)
		snprintf(b, sizeof b, "%016llx", (unsigned long long)r->checksum);
	else
		b[0] = 0;
	put_field(f, b, 0);
	put_field(f, r->oversubscribed ? "1" : "0", 0);
	put_field(f, r->suspect ? "1" : "0", 0);
	put_field(f, r->extra, 1);
}

int rgb_csv_open(const char *path)
{
	take_meta();
	if (!path)
		return 0;
	struct stat st;
	int fresh = stat(path, &st) != 0 || st.st_size == 0;
	csv = fopen(path, "a");
	if (!csv) {
		fprintf(stderr, "rgbench: cannot open --csv %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fresh)
		rgb_csv_header(csv);
	else
		fprintf(stderr, "rgbench: appending to existing %s (run_id %s)\n", path, meta.run_id);
	fflush(csv);
	return 0;
}

void rgb_csv_close(void)
{
	if (csv)
		fclose(csv);
	csv = NULL;
	free(rows);
	rows = NULL;
	nrows = caprows = 0;
}

void rgb_emit(const rgb_row_t *r)
{
	if (nrows == caprows) {
		size_t nc = caprows ? caprows * 2 : 256;
		rgb_row_t *n = realloc(rows, nc * sizeof *n);
		if (!n) {
			fprintf(stderr, "rgbench: out of memory buffering rows\n");
			exit(1);
		}
		rows = n;
		caprows = nc;
	}
	rows[nrows++] = *r;
}

/* Same configuration except threads and trial. */
static int same_group(const rgb_row_t *a, const rgb_row_t *b)
{
	return !strcmp(a->workload, b->workload) && !strcmp(a->variant, b->variant) &&
	       !strcmp(a->sync, b->sync) && !strcmp(a->graph, b->graph) &&
	       a->update_ratio == b->update_ratio && a->batch == b->batch &&
	       !strcmp(a->durability, b->durability);
}

static double median_of(double *v, int n)
{
	if (n <= 0)
		return -1;
	double med, lo, hi;
	bu_stats(v, n, &med, &lo, &hi);
	return med;
}

/* Median throughput of rows in b's group (optionally another sync) at
 * `threads`; -1 if none. */
static double group_median(const rgb_row_t *b, const char *sync, int threads)
{
	double *v = malloc(nrows * sizeof *v);
	int n = 0;
	rgb_row_t key = *b;
	if (sync)
		snprintf(key.sync, sizeof key.sync, "%s", sync);
	for (size_t i = 0; i < nrows; i++)
		if (rows[i].threads == threads && same_group(&rows[i], &key))
			v[n++] = rows[i].throughput;
	double m = median_of(v, n);
	free(v);
	return m;
}

double rgb_median(const char *workload, const char *variant, const char *sync, int threads,
		  double ratio)
{
	return rgb_median_field(workload, variant, sync, threads, ratio, RGB_F_THROUGHPUT);
}

double rgb_median_field(const char *workload, const char *variant, const char *sync, int threads,
			double ratio, int field)
{
	double *v = malloc((nrows + 1) * sizeof *v);
	int n = 0;
	for (size_t i = 0; i < nrows; i++) {
		const rgb_row_t *r = &rows[i];
		if ((workload && strcmp(r->workload, workload)) ||
		    (variant && strcmp(r->variant, variant)) || (sync && strcmp(r->sync, sync)) ||
		    (threads >= 0 && r->threads != threads) || (ratio >= 0 && r->update_ratio != ratio))
			continue;
		double x = field == RGB_F_P50 ? r->p50_us
			   : field == RGB_F_P99 ? r->p99_us
			   : field == RGB_F_P999 ? r->p999_us
						  : r->throughput;
		if (x >= 0)
			v[n++] = x;
	}
	double m = median_of(v, n);
	free(v);
	return m;
}

int rgb_checksums_equal(const char *workload, const char *prefix)
{
	int seen = 0;
	uint64_t c = 0;
	for (size_t i = 0; i < nrows; i++) {
		const rgb_row_t *r = &rows[i];
		if (strcmp(r->workload, workload) || !r->has_checksum ||
		    (prefix && strncmp(r->variant, prefix, strlen(prefix))))
			continue;
		if (seen && r->checksum != c)
			return 0;
		c = r->checksum;
		seen = 1;
	}
	return seen ? 1 : -1;
}

static void human(char *buf, size_t cap, double v)
{
	if (v < 0)
		snprintf(buf, cap, "-");
	else if (v >= 1e9)
		snprintf(buf, cap, "%.3gG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, cap, "%.3gM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, cap, "%.3gk", v / 1e3);
	else
		snprintf(buf, cap, "%.3g", v);
}

void rgb_flush_workload(const char *workload)
{
	take_meta();
	/* flags */
	for (size_t i = 0; i < nrows; i++) {
		rgb_row_t *r = &rows[i];
		r->oversubscribed = r->threads > meta.nproc;
		r->suspect = 0;
		if (r->threads > 1) {
			double base = group_median(r, NULL, 1);
			double here = group_median(r, NULL, r->threads);
			if (base > 0 && here > base * r->threads * RGB_SUSPECT_TOL)
				r->suspect = 1;
		}
	}
	for (size_t i = 0; i < nrows; i++) {
		rgb_row_t *r = &rows[i];
		if (!strcmp(r->sync, "nosync") || !strcmp(r->sync, "-"))
			continue;
		double ns = group_median(r, "nosync", r->threads);
		if (ns > 0)
			rgb_extra(r, "ratio_to_nosync=%.4f", r->throughput / ns);
	}
	if (csv) {
		for (size_t i = 0; i < nrows; i++)
			rgb_csv_write_row(csv, &rows[i]);
		fflush(csv);
	}
	/* summary: one line per configuration, in the order run */
	printf("\n== %s: %zu rows (medians over trials; speedup = vs the 1-thread median of "
	       "the same configuration) ==\n",
	       workload, nrows);
	printf("%-34s %-11s %4s %6s %9s %9s %9s %-11s %8s %s\n", "variant", "sync", "thr", "upd%",
	       "median", "min", "max", "unit/s", "speedup", "flags");
	char *done = calloc(nrows ? nrows : 1, 1);
	int nsuspect = 0, noversub = 0;
	for (size_t i = 0; i < nrows; i++) {
		if (done[i])
			continue;
		const rgb_row_t *r = &rows[i];
		double *v = malloc(nrows * sizeof *v);
		int n = 0, sus = 0;
		double p99 = -1;
		for (size_t k = i; k < nrows; k++)
			if (!done[k] && rows[k].threads == r->threads && same_group(&rows[k], r)) {
				done[k] = 1;
				v[n++] = rows[k].throughput;
				sus |= rows[k].suspect;
				if (rows[k].p99_us > p99)
					p99 = rows[k].p99_us;
			}
		double med, lo, hi;
		bu_stats(v, n, &med, &lo, &hi);
		free(v);
		double base = group_median(r, NULL, 1);
		char m[16], l[16], h[16], ratio[16], sp[16] = "-";
		human(m, sizeof m, med);
		human(l, sizeof l, lo);
		human(h, sizeof h, hi);
		if (base > 0 && r->threads > 1)
			snprintf(sp, sizeof sp, "%.2fx", med / base);
		fmt_num(ratio, sizeof ratio, r->update_ratio, "%g");
		printf("%-34.34s %-11s %4d %6s %9s %9s %9s %-11s %8s %s%s", r->variant[0] ? r->variant : "-",
		       r->sync, r->threads, ratio[0] ? ratio : "-", m, l, h, r->unit, sp,
		       r->oversubscribed ? "[oversubscribed]" : "", sus ? "[SUSPECT]" : "");
		if (p99 >= 0)
			printf(" p99<=%.3gus", p99);
		printf("\n");
		nsuspect += sus;
		noversub += r->oversubscribed;
	}
	free(done);
	if (nsuspect)
		printf("!! %d configuration(s) of %s show a speedup above their thread count: "
		       "a measurement effect to explain (rows have suspect=1)\n",
		       nsuspect, workload);
	fflush(stdout);
}

void rgb_rows_reset(void)
{
	nrows = 0;
}
