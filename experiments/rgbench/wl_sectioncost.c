/*
 * wl_sectioncost.c - noise-free cost per read section and per neighbour
 * query, for every policy: instructions and callgrind's simulated cache
 * misses, single thread, under valgrind (the machines have no hardware
 * counters, and 2 shared cores make timings noisy).
 *
 * `rgbench --workload sectioncost` re-runs itself under
 *   valgrind --tool=callgrind --collect-atstart=no --cache-sim=yes
 * (callgrind.c). The child builds the graph (default the cache-resident
 * uniform 2^14 nodes, degree 16; --graph), packs it, and measures LOOPS of
 * --ops operations over the first --ops ids of the query sequence; each
 * loop runs once unmeasured (warming the simulated caches), then once
 * between CALLGRIND_TOGGLE_COLLECT on and off, and is dumped under its
 * label. Every loop reads the next query id and adds to a sum; kinds:
 *   empty           sum += id + 1 (the baseline every other loop is
 *                   measured against: loop, query array, sum)
 *   section         exported rg_read_begin; sum += id + 1; rg_read_end
 *   query           exported section + rg_span + scan (rgb_q_section)
 *   section-inline  the same through <rcugraph/inline.h> (rcu-memb, nosync)
 *   query-inline
 *   span            nosync: one section around the whole loop, exported
 *                   rg_span + scan per op (the span lookup alone)
 *   span-inline     the same with rg_span_slots_inline
 *   csr             the static 4-byte CSR (rgb_q_csr)
 * section/query for every policy of --sync (default all); the rest once.
 * The parent subtracts the empty loop's totals and divides by the op
 * count: per-op instructions (Ir), data reads/writes (Dr, Dw) and
 * simulated misses (I1mr, D1mr, D1mw, ILmr, DLmr, DLmw), one CSV row each
 * (schema in docs/experiments.md). Equal work: the loops' sums are in the
 * CSV; the query kinds must agree with each other, the section kinds with
 * the empty loop.
 */
#include "queries.h"

#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <valgrind/callgrind.h>

#include "callgrind.h"

enum { S_EMPTY, S_SECTION, S_QUERY, S_SECTION_INLINE, S_QUERY_INLINE, S_SPAN, S_SPAN_INLINE, S_CSR,
       S_N };
static const char *const sname[S_N] = {"empty",        "section", "query", "section-inline",
				       "query-inline", "span",    "span-inline", "csr"};

/* ---------------- the child, under callgrind ---------------- */

struct seg {
	rg_graph_t *g;
	const rgb_statcsr_t *csr;
	const uint64_t *q;
	uint64_t n;
	int kind, memb;
};

/* The measured loop of a segment (the same code warms and measures). */
static uint64_t seg_loop(const struct seg *s)
{
	uint64_t sum = 0, retries = 0;
	const uint64_t *q = s->q;
	rg_graph_t *g = s->g;
	rg_read_t *r;
	switch (s->kind) {
	case S_EMPTY:
		for (uint64_t i = 0; i < s->n; i++)
			sum += q[i] + 1;
		break;
	case S_SECTION:
		for (uint64_t i = 0; i < s->n; i++) {
			if (rg_read_begin(g, &r)) {
				rgb_error_count();
				break;
			}
			sum += q[i] + 1;
			rg_read_end(r);
		}
		break;
	case S_QUERY:
		for (uint64_t i = 0; i < s->n; i++)
			sum += rgb_q_section(g, q[i], &retries);
		break;
	case S_SECTION_INLINE:
		if (s->memb)
			for (uint64_t i = 0; i < s->n; i++) {
				if (rg_read_begin_rcu_memb(g, &r)) {
					rgb_error_count();
					break;
				}
				sum += q[i] + 1;
				rg_read_end_rcu_memb(r);
			}
		else
			for (uint64_t i = 0; i < s->n; i++) {
				if (rg_read_begin_nosync(g, &r)) {
					rgb_error_count();
					break;
				}
				sum += q[i] + 1;
				rg_read_end_nosync(r);
			}
		break;
	case S_QUERY_INLINE:
		if (s->memb)
			for (uint64_t i = 0; i < s->n; i++)
				sum += rgb_q_inline_memb(g, q[i]);
		else
			for (uint64_t i = 0; i < s->n; i++)
				sum += rgb_q_inline_nosync(g, q[i]);
		break;
	case S_SPAN:
	case S_SPAN_INLINE:
		if (rg_read_begin(g, &r)) {
			rgb_error_count();
			break;
		}
		if (s->kind == S_SPAN)
			for (uint64_t i = 0; i < s->n; i++)
				sum += rgb_q_span(r, q[i]);
		else
			for (uint64_t i = 0; i < s->n; i++)
				sum += rgb_q_span_inline(r, q[i]);
		rg_read_end(r);
		break;
	default:
		for (uint64_t i = 0; i < s->n; i++)
			sum += rgb_q_csr(s->csr, q[i]);
		break;
	}
	return sum;
}

static void label_of(char *buf, size_t cap, const char *path, const char *sync, int kind)
{
	snprintf(buf, cap, "path=%s;sync=%s;kind=%s", path, sync, sname[kind]);
}

static int measure(FILE *man, struct seg *s, const char *path, const char *sync)
{
	char label[200];
	label_of(label, sizeof label, path, sync, s->kind);
	(void)seg_loop(s); /* warm the simulated caches; not collected */
	CALLGRIND_ZERO_STATS;
	CALLGRIND_TOGGLE_COLLECT;
	uint64_t sum = seg_loop(s);
	CALLGRIND_TOGGLE_COLLECT;
	CALLGRIND_DUMP_STATS_AT(label);
	fprintf(man, "%s\t%llu\t%016llx\n", label, (unsigned long long)s->n, (unsigned long long)sum);
	return 0;
}

static const char *sc_graph(void)
{
	return rgb_o.graph ? rgb_o.graph : "uniform:n=16384,deg=16,seed=1";
}

static uint64_t sc_ops(void)
{
	return rgb_o.ops ? (uint64_t)rgb_o.ops : rgb_o.quick ? 20000 : 100000;
}

static int child(void)
{
	if (!RUNNING_ON_VALGRIND) {
		fprintf(stderr, "rgbench: --callgrind-child must run under valgrind\n");
		return -1;
	}
	rgb_data_t *d = rgb_data_get(sc_graph());
	if (!d)
		return -1;
	uint64_t n = sc_ops();
	if (n > RGB_NQ)
		n = RGB_NQ;
	rgb_statcsr_t csr = {0};
	rg_graph_t *g = rgb_graph_build("nosync", d, NULL);
	char mpath[1100];
	snprintf(mpath, sizeof mpath, "%s/segments.tsv", rgb_o.cg_dir);
	FILE *man = fopen(mpath, "w");
	int rc = -1;
	if (!g || !man || rgb_statcsr_build(&csr, d->el.src, d->el.dst, d->el.n_edges))
		goto out;
	struct seg s = {.g = g, .csr = &csr, .q = d->queries, .n = n};
	s.kind = S_EMPTY;
	measure(man, &s, "none", "-");
	s.kind = S_CSR;
	measure(man, &s, "static", "csr");
	const char *syncs[RGB_MAX_LIST];
	int ns = rgb_sync_list(syncs, NULL);
	for (int k = 0; k < ns; k++) {
		if (rgb_set_policy(g, syncs[k]) || rg_reader_register(g))
			goto out;
		for (int kind = S_SECTION; kind <= S_QUERY; kind++) {
			s.kind = kind;
			measure(man, &s, "exported", syncs[k]);
		}
		rg_reader_unregister(g);
	}
	static const char *const inl[] = {"rcu-memb", "nosync"};
	for (int k = 0; k < 2; k++) {
		if (rgb_set_policy(g, inl[k]) || rg_reader_register(g))
			goto out;
		s.memb = k == 0;
		for (int kind = S_SECTION_INLINE; kind <= S_QUERY_INLINE; kind++) {
			s.kind = kind;
			measure(man, &s, "inline", inl[k]);
		}
		if (k == 1)
			for (int kind = S_SPAN; kind <= S_SPAN_INLINE; kind++) {
				s.kind = kind;
				measure(man, &s, kind == S_SPAN ? "exported" : "inline", "nosync");
			}
		rg_reader_unregister(g);
	}
	rc = 0;
out:
	if (man)
		fclose(man);
	rgb_statcsr_free(&csr);
	rgb_graph_close(g);
	return rc;
}

/* ---------------- the parent ---------------- */

struct mrow {
	char label[200], path[16], sync[24], kind[24];
	uint64_t ops, sum;
	const rgb_cg_dump_t *dump;
};

static void field_of(const char *label, const char *key, char *out, size_t cap)
{
	out[0] = 0;
	const char *p = strstr(label, key);
	if (!p)
		return;
	p += strlen(key);
	size_t n = strcspn(p, ";");
	snprintf(out, cap, "%.*s", (int)n, p);
}

static const char *const EV[] = {"Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"};
#define NEV ((int)(sizeof EV / sizeof EV[0]))

static void header(FILE *f)
{
	fputs("run_id,git_commit,date,host,cpu_model,nproc,kernel,compiler,build_type,seed,"
	      "tool,graph,nodes,edges,path,sync,kind,ops,sum,equal_work,"
	      "ir_total,ir_baseline_total",
	      f);
	for (int e = 0; e < NEV; e++)
		fprintf(f, ",%s_per_op", EV[e]);
	fputs(",cache_config\n", f);
}

static int write_csv(const char *path, const rgb_data_t *d, struct mrow *m, int nm,
		     const struct mrow *base, const char *cachecfg)
{
	struct stat st;
	int fresh = stat(path, &st) != 0 || st.st_size == 0;
	FILE *f = fopen(path, "a");
	if (!f) {
		fprintf(stderr, "rgbench: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fresh)
		header(f);
	uint64_t qsum = 0;
	for (int i = 0; i < nm; i++)
		if (strstr(m[i].kind, "query") || !strcmp(m[i].kind, "csr") || strstr(m[i].kind, "span")) {
			qsum = m[i].sum;
			break;
		}
	for (int i = 0; i < nm; i++) {
		if (&m[i] == base)
			continue;
		char b[64];
		rgb_put_meta(f);
		rgb_put_field(f, "callgrind", 0);
		rgb_put_field(f, d->spec, 0);
		snprintf(b, sizeof b, "%llu", (unsigned long long)d->nids);
		rgb_put_field(f, b, 0);
		snprintf(b, sizeof b, "%llu", (unsigned long long)d->el.n_edges);
		rgb_put_field(f, b, 0);
		rgb_put_field(f, m[i].path, 0);
		rgb_put_field(f, m[i].sync, 0);
		rgb_put_field(f, m[i].kind, 0);
		snprintf(b, sizeof b, "%llu", (unsigned long long)m[i].ops);
		rgb_put_field(f, b, 0);
		snprintf(b, sizeof b, "%016llx", (unsigned long long)m[i].sum);
		rgb_put_field(f, b, 0);
		int section = strstr(m[i].kind, "section") != NULL;
		int eq = section ? m[i].sum == base->sum : m[i].sum == qsum;
		rgb_put_field(f, eq ? "1" : "0", 0);
		snprintf(b, sizeof b, "%.0f", rgb_cg_event(m[i].dump, "Ir"));
		rgb_put_field(f, b, 0);
		snprintf(b, sizeof b, "%.0f", rgb_cg_event(base->dump, "Ir"));
		rgb_put_field(f, b, 0);
		for (int e = 0; e < NEV; e++) {
			double v = (rgb_cg_event(m[i].dump, EV[e]) - rgb_cg_event(base->dump, EV[e])) /
				   (double)m[i].ops;
			snprintf(b, sizeof b, "%.6g", v);
			rgb_put_field(f, b, 0);
		}
		rgb_put_field(f, cachecfg, 1);
	}
	fclose(f);
	return 0;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RGB_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RGB_SANITIZED 1
#endif
#endif

static int parent(void)
{
#ifdef RGB_SANITIZED
	fprintf(stderr, "rgbench: sectioncost: this is a sanitizer build, which valgrind cannot run; "
			"use the release build\n");
	return -1;
#endif
	if (!rgb_cg_available()) {
		fprintf(stderr, "rgbench: sectioncost needs valgrind (Debian package valgrind; "
				"scripts/setup.sh installs it)\n");
		return -1;
	}
	rgb_data_t *d = rgb_data_get(sc_graph());
	if (!d)
		return -1;
	char dir[512];
	if (rgb_tmpdir(dir, sizeof dir, "callgrind"))
		return -1;
	char ops[32], seed[32], pack[8];
	snprintf(ops, sizeof ops, "%llu", (unsigned long long)sc_ops());
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)rgb_o.seed);
	snprintf(pack, sizeof pack, "%d", rgb_o.pack);
	char *sync_list = NULL;
	if (rgb_o.nsync) {
		size_t len = 0;
		for (int i = 0; i < rgb_o.nsync; i++)
			len += strlen(rgb_o.syncs[i]) + 1;
		sync_list = calloc(len + 1, 1);
		for (int i = 0; sync_list && i < rgb_o.nsync; i++) {
			strcat(sync_list, rgb_o.syncs[i]);
			if (i + 1 < rgb_o.nsync)
				strcat(sync_list, ",");
		}
	}
	char self[4096];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
	if (sl <= 0) {
		fprintf(stderr, "rgbench: sectioncost: cannot find this program's path\n");
		free(sync_list);
		rgb_rmtree(dir);
		return -1;
	}
	self[sl] = 0;
	char *args[32];
	int n = 0;
	args[n++] = self;
	args[n++] = "--workload";
	args[n++] = "sectioncost";
	args[n++] = "--callgrind-child";
	args[n++] = dir;
	args[n++] = "--graph";
	args[n++] = (char *)sc_graph();
	args[n++] = "--ops";
	args[n++] = ops;
	args[n++] = "--seed";
	args[n++] = seed;
	args[n++] = "--pack";
	args[n++] = pack;
	if (sync_list) {
		args[n++] = "--sync";
		args[n++] = sync_list;
	}
	args[n] = NULL;
	fprintf(stderr, "[rgbench %7.1fs] sectioncost: running under callgrind (single thread, %s "
			"ops per loop)...\n",
		rgb_run_elapsed(), ops);
	double t0 = bu_now();
	int rc = rgb_cg_spawn(dir, args);
	free(sync_list);
	rgb_cg_dump_t *dumps = NULL;
	int nd = 0, nm = 0, ret = -1;
	struct mrow *m = NULL;
	if (rc != 0) {
		fprintf(stderr, "rgbench: sectioncost: the callgrind child failed (status %d)\n", rc);
		goto out;
	}
	if (rgb_cg_read_dumps(dir, &dumps, &nd) || nd == 0) {
		fprintf(stderr, "rgbench: sectioncost: no callgrind dumps in %s\n", dir);
		goto out;
	}
	char mpath[600], line[512];
	snprintf(mpath, sizeof mpath, "%s/segments.tsv", dir);
	FILE *man = fopen(mpath, "r");
	if (!man)
		goto out;
	m = calloc(256, sizeof *m);
	while (m && nm < 256 && fgets(line, sizeof line, man)) {
		struct mrow *r = &m[nm];
		unsigned long long ops_n, sum;
		char *tab = strchr(line, '\t');
		if (!tab || sscanf(tab + 1, "%llu\t%llx", &ops_n, &sum) != 2)
			continue;
		*tab = 0;
		snprintf(r->label, sizeof r->label, "%.199s", line);
		field_of(line, "path=", r->path, sizeof r->path);
		field_of(line, "sync=", r->sync, sizeof r->sync);
		field_of(line, "kind=", r->kind, sizeof r->kind);
		r->ops = ops_n;
		r->sum = sum;
		for (int k = 0; k < nd; k++)
			if (!strcmp(dumps[k].label, r->label))
				r->dump = &dumps[k];
		if (r->dump && r->ops)
			nm++;
	}
	fclose(man);
	const struct mrow *base = NULL;
	for (int i = 0; i < nm; i++)
		if (!strcmp(m[i].kind, "empty"))
			base = &m[i];
	if (!base) {
		fprintf(stderr, "rgbench: sectioncost: no baseline loop in the dumps\n");
		goto out;
	}
	char cachecfg[400] = "";
	for (int c = 0; c < base->dump->ncache; c++) {
		size_t l = strlen(cachecfg);
		snprintf(cachecfg + l, sizeof cachecfg - l, "%s%s", c ? "; " : "", base->dump->cache[c]);
	}
	printf("\n== sectioncost: per operation, baseline (empty loop: %.1f Ir/op) subtracted; "
	       "callgrind, single thread, graph %s, %llu ops per loop (%.0f s under valgrind) ==\n",
	       rgb_cg_event(base->dump, "Ir") / (double)base->ops, d->spec,
	       (unsigned long long)base->ops, bu_now() - t0);
	printf("   %-9s %-11s %-15s %9s %8s %8s %9s %9s  %s\n", "path", "sync", "kind", "Ir/op",
	       "Dr/op", "Dw/op", "D1mr/op", "DLmr/op", "equal work");
	for (int i = 0; i < nm; i++) {
		if (&m[i] == base)
			continue;
		double o = (double)m[i].ops;
#define PER(ev) ((rgb_cg_event(m[i].dump, ev) - rgb_cg_event(base->dump, ev)) / o)
		printf("   %-9s %-11s %-15s %9.2f %8.2f %8.2f %9.4f %9.4f  %s\n", m[i].path, m[i].sync,
		       m[i].kind, PER("Ir"), PER("Dr"), PER("Dw"), PER("D1mr"), PER("DLmr"),
		       strstr(m[i].kind, "section") ? (m[i].sum == base->sum ? "sum = empty loop's" : "SUM DIFFERS")
						    : "");
#undef PER
	}
	printf("   simulated caches: %s\n", cachecfg);
	fflush(stdout);
	if (rgb_o.sc_csv && write_csv(rgb_o.sc_csv, d, m, nm, base, cachecfg))
		goto out;
	ret = 0;
out:
	free(m);
	free(dumps);
	rgb_rmtree(dir);
	return ret;
}

static int sectioncost_run(void)
{
	return rgb_o.in_callgrind ? child() : parent();
}

RGB_WORKLOAD(sectioncost, 90,
	     "instructions and simulated cache misses per read section and per query, every "
	     "policy, exported and inline paths (valgrind callgrind; own CSV)",
	     0, NULL, sectioncost_run)
