/*
 * wl_footprint.c - bytes per edge (the writer issue's memory target): the
 * packed graph and the live graph from rg_stats_t.mem_*, beside the static
 * CSR baseline of both directions (gb_csr_bytes). Deterministic: ONE
 * measurement (round 0), no timing, no rounds.
 *
 * Graph: R-MAT scale 20, edge factor 16 (--quick scale 16; --graph SPEC).
 *   packed   a fresh rcu-memb graph, rg_edgelist_insert(g, &el, 0, 0, NULL):
 *            the bulk load that builds the pack
 *   live     a fresh rcu-memb graph, rg_edgelist_insert(g, &el, 0, 10000,
 *            NULL): the nodes in one transaction, then the edges through
 *            rg_txn_add_edges in 10,000-edge transactions, never packed
 *   csr      gb_csr_build (experiments/baseline): out- and in-CSR, 8-byte
 *            offsets, 4-byte neighbour ids
 * The graph's bytes are mem_nodes + mem_heads + mem_arrays + mem_pack (what
 * the graph holds; mem_reserved, the allocator's free memory included, is
 * in extra), read once deferred reclamation has drained and the writer's
 * pool has taken the memory back (see build_rg: superseded memory counts
 * as in use until then, which made the live graph's figure depend on
 * timing by up to 30%). Rows (one per store): ops = edges, throughput = BYTES PER EDGE
 * (unit bytes/edge: the column holds this workload's one measured value),
 * ratio = bytes per edge over the CSR's (ratio_lo = ratio_hi: no
 * sampling), extra the mem_* parts in bytes and per edge. Named
 * comparisons t-footprint-packed/csr (goal <= 2.5) and
 * t-footprint-live/csr (reported) in the ratios CSV, n = 1.
 * Equal work: the three stores' edge counts and whole-adjacency checksums
 * (rgb_adj_*) must agree, else every row is INVALID.
 */
#include <malloc.h>
#include <math.h>

#include "gapcsr.h"
#include "rgbench.h"

enum { F_PACKED, F_LIVE, F_CSR, F_N };
static const char *const fname[F_N] = {"packed", "live", "csr"};

struct fp {
	uint64_t bytes, checksum, edges;
	rg_stats_t st;
	int ok;
};

static int build_rg(const rgb_data_t *d, size_t batch, struct fp *o)
{
	rg_options_t opt;
	rg_options_init(&opt);
	opt.sync = "rcu-memb";
	rg_graph_t *g;
	int rc = rg_open(&g, &opt);
	if (!rc)
		rc = rg_edgelist_insert(g, &d->el, 0, batch, NULL);
	if (rc) {
		fprintf(stderr, "rgbench: footprint: %s: %s\n", batch ? "live" : "packed", rg_strerror(rc));
		rg_close(g);
		return -1;
	}
	/* Memory a transaction superseded counts as in use until its grace
	 * period has passed AND the writer's pool has taken it back, which it
	 * does at the writer's next allocation. So: wait for reclamation (at
	 * most 10 s), then let one transaction allocate (a head for each
	 * endpoint of an edge) and abort it: the pool drains, and what the
	 * abort itself retires (at most two heads, 128 bytes) is the only
	 * residue, the same in every run. */
	double t0 = bu_now();
	for (rg_stats_get(g, &o->st); o->st.gc_pending_bytes && bu_now() - t0 < 10;
	     rg_stats_get(g, &o->st))
		usleep(10000);
	rg_txn_t *t;
	if (!rg_txn_begin(g, &t)) {
		rg_txn_add_edge(t, d->el.src[0], d->el.dst[0], 0, 0);
		rg_txn_abort(t);
	}
	rg_stats_get(g, &o->st);
	o->bytes = o->st.mem_nodes + o->st.mem_heads + o->st.mem_arrays + o->st.mem_pack;
	rc = rgb_adj_checksum(g, d->ids, d->nids, &o->checksum, &o->edges);
	rg_close(g);
	malloc_trim(0);
	o->ok = rc == 0;
	return rc;
}

static int build_csr(const rgb_data_t *d, struct fp *o)
{
	gb_csr_t c;
	uint64_t n = d->ids[d->nids - 1] + 1;
	int rc = n > GB_MAX_VERTICES ? GB_ERANGE
				     : gb_csr_build(&c, n, d->el.src, d->el.dst, d->el.n_edges, 1);
	if (rc) {
		fprintf(stderr, "rgbench: footprint: gb_csr_build: %s\n", gb_strerror(rc));
		return -1;
	}
	o->bytes = gb_csr_bytes(&c);
	o->checksum = rgb_csr_adj_checksum(&c, d, &o->edges);
	o->ok = 1;
	gb_csr_free(&c);
	return 0;
}

static int footprint_run(void)
{
	char spec[128];
	snprintf(spec, sizeof spec, "rmat:scale=%d,ef=16,seed=%llu", rgb_o.quick ? 16 : 20,
		 (unsigned long long)rgb_o.seed);
	const rgb_data_t *d = rgb_data_get(rgb_o.graph ? rgb_o.graph : spec);
	if (!d)
		return -1;
	struct fp f[F_N];
	memset(f, 0, sizeof f);
	double t0 = bu_now();
	if (build_rg(d, 0, &f[F_PACKED]) || build_rg(d, 10000, &f[F_LIVE]) || build_csr(d, &f[F_CSR]))
		return -1;
	const double m = (double)d->el.n_edges;
	char why[256] = "";
	for (int k = 0; k < F_N; k++)
		if (f[k].edges != d->el.n_edges || f[k].checksum != f[F_CSR].checksum)
			snprintf(why, sizeof why, "unequal work: %s holds %llu edges, checksum %016llx, "
						  "the CSR %016llx",
				 fname[k], (unsigned long long)f[k].edges,
				 (unsigned long long)f[k].checksum, (unsigned long long)f[F_CSR].checksum);
	double csr_bpe = (double)f[F_CSR].bytes / m;
	printf("\n== footprint: bytes per edge, %s (%llu nodes, %llu edges), one measurement "
	       "(deterministic), %.1f s ==\n",
	       d->spec, (unsigned long long)d->nids, (unsigned long long)d->el.n_edges, bu_now() - t0);
	for (int k = 0; k < F_N; k++) {
		rgb_row_t r;
		rgb_row_init(&r, "footprint", fname[k], k == F_CSR ? "csr" : "rcu-memb", 1);
		rgb_row_graph(&r, d);
		r.round = 0;
		r.order_pos = k;
		r.duration_s = r.warmup_s = -1;
		r.batch = k == F_LIVE ? 10000 : -1;
		r.ops = d->el.n_edges;
		r.throughput = (double)f[k].bytes / m;
		snprintf(r.unit, sizeof r.unit, "bytes/edge");
		r.has_checksum = 1;
		r.checksum = f[k].checksum;
		snprintf(r.cpus, sizeof r.cpus, "none");
		snprintf(r.callrcu, sizeof r.callrcu, "%s", rgb_callrcu_cpus(r.sync));
		if (k != F_CSR) {
			snprintf(r.ref, sizeof r.ref, "csr@csr");
			r.ratio = r.ratio_lo = r.ratio_hi = r.throughput / csr_bpe;
			r.ratio_n = 1;
		} else {
			snprintf(r.verdict, sizeof r.verdict, "reference");
		}
		rgb_extra(&r, "bytes=%llu;deterministic=1", (unsigned long long)f[k].bytes);
		if (k != F_CSR && f[k].st.gc_pending_bytes)
			rgb_extra(&r, "gc_pending_bytes=%llu", (unsigned long long)f[k].st.gc_pending_bytes);
		if (k != F_CSR) {
			const rg_stats_t *st = &f[k].st;
			rgb_extra(&r, "mem_nodes=%llu;mem_heads=%llu;mem_arrays=%llu;mem_pack=%llu;"
				      "mem_reserved=%llu;nodes_bpe=%.3f;heads_bpe=%.3f;arrays_bpe=%.3f;"
				      "pack_bpe=%.3f;reserved_bpe=%.3f;slots=%llu;dense=%d",
				  (unsigned long long)st->mem_nodes, (unsigned long long)st->mem_heads,
				  (unsigned long long)st->mem_arrays, (unsigned long long)st->mem_pack,
				  (unsigned long long)st->mem_reserved, (double)st->mem_nodes / m,
				  (double)st->mem_heads / m, (double)st->mem_arrays / m,
				  (double)st->mem_pack / m, (double)st->mem_reserved / m,
				  (unsigned long long)st->node_slots, st->dense);
		}
		if (why[0])
			rgb_extra(&r, "invalid_reason=%s", why);
		rgb_emit(&r);
		printf("   %-7s %8.2f bytes/edge%s\n", fname[k], r.throughput,
		       k == F_CSR ? " (reference)" : "");
		if (k != F_CSR) {
			rgb_cmp_row_t o;
			memset(&o, 0, sizeof o);
			snprintf(o.workload, sizeof o.workload, "footprint");
			snprintf(o.study, sizeof o.study, "footprint");
			snprintf(o.variant, sizeof o.variant, "%s", fname[k]);
			o.threads = 1;
			snprintf(o.name, sizeof o.name, "t-footprint-%s/csr", fname[k]);
			snprintf(o.kind, sizeof o.kind, "compare");
			snprintf(o.num, sizeof o.num, "rcu-memb@%s 1T", fname[k]);
			snprintf(o.den, sizeof o.den, "csr@csr 1T");
			o.ci.est = o.ci.lo = o.ci.hi = r.ratio;
			o.ci.n = 1;
			o.ci.coverage = 1;
			o.resolution = 0;
			snprintf(o.verdict, sizeof o.verdict, "%s", why[0] ? "invalid" : "deterministic");
			snprintf(o.reason, sizeof o.reason, "one measurement of a deterministic quantity");
			rgb_emit_cmp(&o);
			printf("   t-footprint-%s/csr = %.3f\n", fname[k], r.ratio);
		}
	}
	if (why[0]) {
		printf("   !! footprint INVALID: %s\n", why);
		rgb_wl_invalid++;
	}
	fflush(stdout);
	return 0;
}

RGB_WORKLOAD(footprint, 38,
	     "bytes per edge of the packed and the live graph (rg_stats mem_*) beside the static "
	     "CSR; one deterministic measurement",
	     1, NULL, footprint_run)
