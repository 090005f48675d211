/*
 * csv.c - run metadata, the row buffer and the two CSVs
 * (docs/experiments.md, "CSV schema"):
 *
 *   --csv FILE      one row per configuration and round (a measured run),
 *                   with its configuration's statistics repeated on each
 *   --ratios FILE   one row per comparison the statistics made (paired
 *                   ratio, speedup, A/A, named targets); default: FILE with
 *                   .csv replaced by .ratios.csv
 *
 * A workload's rows are buffered and written together when it ends: the
 * statistics of a configuration, and whether the run is valid, are known
 * only once every round has run. The files are flushed after every
 * workload, so an interrupted `--workload all` keeps the finished ones.
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

static struct {
	char run_id[64], git[64], date[32], host[128], cpu[256], kernel[128], compiler[96],
		build[32];
	long nproc;
	int ready;
} meta;

static FILE *csv, *rcsv;
static rgb_row_t *rows;
static size_t nrows, caprows;
static rgb_cmp_row_t *cmps;
static size_t ncmps, capcmps;

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

void rgb_row_init(rgb_row_t *r, const char *workload, const char *variant, const char *sync,
		  int threads)
{
	memset(r, 0, sizeof *r);
	snprintf(r->workload, sizeof r->workload, "%s", workload);
	snprintf(r->variant, sizeof r->variant, "%s", variant ? variant : "");
	snprintf(r->sync, sizeof r->sync, "%s", sync ? sync : "-");
	r->threads = threads;
	r->duration_s = rgb_o.duration;
	r->warmup_s = rgb_o.warmup;
	r->update_ratio = -1;
	r->batch = -1;
	snprintf(r->durability, sizeof r->durability, "none");
	r->p50_us = r->p90_us = r->p99_us = r->p999_us = -1;
	r->ratio = r->ratio_lo = r->ratio_hi = NAN;
	r->speedup = r->speedup_lo = r->speedup_hi = NAN;
	r->resolution = NAN;
	snprintf(r->cpus, sizeof r->cpus, "none");
	snprintf(r->callrcu, sizeof r->callrcu, "none");
	snprintf(r->valid, sizeof r->valid, "valid");
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

/* Empty for negative or non-finite values. */
static const char *fmt_num(char *buf, size_t cap, double v, const char *fmt)
{
	if (v < 0 || !isfinite(v))
		buf[0] = 0;
	else
		snprintf(buf, cap, fmt, v);
	return buf;
}

static void put_num(FILE *f, double v, const char *fmt)
{
	char b[64];
	put_field(f, fmt_num(b, sizeof b, v, fmt), 0);
}

static void put_int(FILE *f, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	put_field(f, b, 0);
}

static void put_u64(FILE *f, uint64_t v)
{
	char b[32];
	snprintf(b, sizeof b, "%llu", (unsigned long long)v);
	put_field(f, b, 0);
}

static void put_meta(FILE *f, int full)
{
	take_meta();
	put_field(f, meta.run_id, 0);
	put_field(f, meta.git, 0);
	put_field(f, meta.date, 0);
	put_field(f, meta.host, 0);
	put_field(f, meta.cpu, 0);
	put_int(f, meta.nproc);
	if (full) {
		put_field(f, meta.kernel, 0);
		put_field(f, meta.compiler, 0);
		put_field(f, meta.build, 0);
	}
	put_u64(f, rgb_o.seed);
}

/* Throughput and ratios: never rounded (%.9g keeps every digit a double
 * of a count over a measured time carries that matters). */
void rgb_put_meta(FILE *f)
{
	put_meta(f, 1);
}

void rgb_put_field(FILE *f, const char *s, int last)
{
	put_field(f, s, last);
}

#define RGB_FMT_TPUT "%.9g"
#define RGB_FMT_RATIO "%.6g"

void rgb_csv_header(FILE *f)
{
	fputs("run_id,git_commit,date,host,cpu_model,nproc,kernel,compiler,build_type,seed,"
	      "workload,variant,sync,threads,round,order_pos,rounds,duration_s,warmup_s,"
	      "graph,nodes,edges,update_ratio,batch,durability,"
	      "ops,throughput,unit,p50_us,p90_us,p99_us,p999_us,checksum,"
	      "cpus,callrcu_cpus,oversubscribed,"
	      "ref,ratio,ratio_lo,ratio_hi,ratio_n,resolution,verdict,"
	      "speedup,speedup_lo,speedup_hi,rank,valid,extra\n",
	      f);
}

void rgb_csv_write_row(FILE *f, const rgb_row_t *r)
{
	char b[64];
	put_meta(f, 1);
	put_field(f, r->workload, 0);
	put_field(f, r->variant, 0);
	put_field(f, r->sync, 0);
	put_int(f, r->threads);
	put_int(f, r->round);
	put_int(f, r->order_pos);
	put_int(f, rgb_o.rounds);
	put_num(f, r->duration_s, "%.6g");
	put_num(f, r->warmup_s, "%.6g");
	put_field(f, r->graph, 0);
	put_u64(f, r->nodes);
	put_u64(f, r->edges);
	put_num(f, r->update_ratio, "%.6g");
	if (r->batch >= 0)
		put_int(f, r->batch);
	else
		put_field(f, "", 0);
	put_field(f, r->durability, 0);
	put_u64(f, r->ops);
	put_num(f, r->throughput, RGB_FMT_TPUT);
	put_field(f, r->unit, 0);
	put_num(f, r->p50_us, "%.6g");
	put_num(f, r->p90_us, "%.6g");
	put_num(f, r->p99_us, "%.6g");
	put_num(f, r->p999_us, "%.6g");
	if (r->has_checksum)
		snprintf(b, sizeof b, "%016llx", (unsigned long long)r->checksum);
	else
		b[0] = 0;
	put_field(f, b, 0);
	put_field(f, r->cpus, 0);
	put_field(f, r->callrcu, 0);
	put_field(f, r->oversubscribed ? "1" : "0", 0);
	put_field(f, r->ref, 0);
	put_num(f, r->ratio, RGB_FMT_RATIO);
	put_num(f, r->ratio_lo, RGB_FMT_RATIO);
	put_num(f, r->ratio_hi, RGB_FMT_RATIO);
	if (r->ratio_n > 0)
		put_int(f, r->ratio_n);
	else
		put_field(f, "", 0);
	put_num(f, r->resolution, RGB_FMT_RATIO);
	put_field(f, r->verdict, 0);
	put_num(f, r->speedup, RGB_FMT_RATIO);
	put_num(f, r->speedup_lo, RGB_FMT_RATIO);
	put_num(f, r->speedup_hi, RGB_FMT_RATIO);
	if (r->rank > 0)
		put_int(f, r->rank);
	else
		put_field(f, "", 0);
	put_field(f, r->valid, 0);
	put_field(f, r->extra, 1);
}

static void ratios_header(FILE *f)
{
	fputs("run_id,git_commit,date,host,cpu_model,nproc,seed,"
	      "workload,study,variant,threads,oversubscribed,name,kind,num,den,"
	      "est,lo,hi,coverage,n,nskipped,resolution,aa_biased,verdict,rank,valid,reason\n",
	      f);
}

static void ratios_write(FILE *f, const rgb_cmp_row_t *c, const char *valid)
{
	put_meta(f, 0);
	put_field(f, c->workload, 0);
	put_field(f, c->study, 0);
	put_field(f, c->variant, 0);
	put_int(f, c->threads);
	put_field(f, c->oversubscribed ? "1" : "0", 0);
	put_field(f, c->name, 0);
	put_field(f, c->kind, 0);
	put_field(f, c->num, 0);
	put_field(f, c->den, 0);
	int ok = c->ci.n > 0;
	put_num(f, ok ? c->ci.est : NAN, RGB_FMT_RATIO);
	put_num(f, ok ? c->ci.lo : NAN, RGB_FMT_RATIO);
	put_num(f, ok ? c->ci.hi : NAN, RGB_FMT_RATIO);
	put_num(f, ok ? c->ci.coverage : NAN, "%.5f");
	put_u64(f, c->ci.n);
	put_u64(f, c->ci.nskipped);
	put_num(f, c->resolution, RGB_FMT_RATIO);
	put_field(f, c->aa_biased ? "1" : "0", 0);
	put_field(f, c->verdict, 0);
	if (c->rank > 0)
		put_int(f, c->rank);
	else
		put_field(f, "", 0);
	put_field(f, valid, 0);
	put_field(f, c->reason, 1);
}

static char *csv_path, *rcsv_path;

static FILE *open_csv(const char *path, void (*header)(FILE *))
{
	struct stat st;
	int fresh = stat(path, &st) != 0 || st.st_size == 0;
	FILE *f = fopen(path, "a");
	if (!f) {
		fprintf(stderr, "rgbench: cannot open %s for writing: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fresh)
		header(f);
	else
		fprintf(stderr, "rgbench: appending to existing %s (run_id %s)\n", path, meta.run_id);
	if (fflush(f) || ferror(f)) {
		fprintf(stderr, "rgbench: cannot write %s: %s\n", path, strerror(errno));
		fclose(f);
		return NULL;
	}
	return f;
}

int rgb_check_writable(const char *path)
{
	struct stat st;
	int existed = stat(path, &st) == 0;
	if (existed && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "rgbench: %s is a directory, not a CSV file\n", path);
		return -1;
	}
	FILE *f = fopen(path, "a");
	if (!f) {
		fprintf(stderr, "rgbench: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	fclose(f);
	if (!existed)
		unlink(path); /* created by the check: the run creates it when it has rows */
	return 0;
}

int rgb_csv_open(const char *path, const char *ratios_path)
{
	take_meta();
	if ((path && rgb_check_writable(path)) || (ratios_path && rgb_check_writable(ratios_path)))
		return -1;
	free(csv_path);
	free(rcsv_path);
	csv_path = path ? strdup(path) : NULL;
	rcsv_path = ratios_path ? strdup(ratios_path) : NULL;
	return 0;
}

void rgb_csv_close(void)
{
	if (csv)
		fclose(csv);
	if (rcsv)
		fclose(rcsv);
	csv = rcsv = NULL;
	free(csv_path);
	free(rcsv_path);
	csv_path = rcsv_path = NULL;
	free(rows);
	free(cmps);
	rows = NULL;
	cmps = NULL;
	nrows = caprows = ncmps = capcmps = 0;
}

static void *grow(void *p, size_t *cap, size_t elem)
{
	size_t nc = *cap ? *cap * 2 : 256;
	void *n = realloc(p, nc * elem);
	if (!n) {
		fprintf(stderr, "rgbench: out of memory buffering rows\n");
		exit(1);
	}
	*cap = nc;
	return n;
}

void rgb_emit(const rgb_row_t *r)
{
	if (nrows == caprows)
		rows = grow(rows, &caprows, sizeof *rows);
	rows[nrows++] = *r;
}

void rgb_emit_cmp(const rgb_cmp_row_t *c)
{
	if (ncmps == capcmps)
		cmps = grow(cmps, &capcmps, sizeof *cmps);
	cmps[ncmps++] = *c;
}

int rgb_flush_workload(const char *workload, int ninvalid)
{
	const char *run_valid = ninvalid ? "INVALID" : "valid";
	for (size_t i = 0; i < nrows; i++)
		if (strcmp(rows[i].valid, "flawed"))
			snprintf(rows[i].valid, sizeof rows[i].valid, "%s", run_valid);
	if (!csv && csv_path && nrows && !(csv = open_csv(csv_path, rgb_csv_header)))
		rgb_error_count();
	if (!rcsv && rcsv_path && ncmps && !(rcsv = open_csv(rcsv_path, ratios_header)))
		rgb_error_count();
	if (csv) {
		for (size_t i = 0; i < nrows; i++)
			rgb_csv_write_row(csv, &rows[i]);
		fflush(csv);
	}
	if (rcsv) {
		for (size_t i = 0; i < ncmps; i++)
			ratios_write(rcsv, &cmps[i], run_valid);
		fflush(rcsv);
	}
	if (ninvalid)
		printf("!! %s: INVALID: %d configuration(s) failed a hard check (see 'invalid' above; "
		       "valid=INVALID on every row of this workload)\n",
		       workload, ninvalid);
	fflush(stdout);
	return ninvalid;
}

void rgb_rows_reset(void)
{
	nrows = 0;
	ncmps = 0;
}
