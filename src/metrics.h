/*
 * src/metrics.h - internal, inline fast path of the metrics module.
 *
 * The graph core owns one `struct rg_metrics *` per graph (NULL when
 * metrics are off for that graph) and calls:
 *
 *   rg__metrics_add(m, RG_C_COMMITS, 1);            counters
 *   rg__metrics_observe(m, RG_H_COMMIT_SECONDS, ns); histograms (ns)
 *   rg__metrics_set(m, RG_G_TRAVERSAL_SPEEDUP, x);  last-value gauges
 *   t0 = rg__metrics_timer_start(m); ... rg__metrics_observe_since(m, h, t0);
 *   t0 = rg__metrics_read_enter(m); ...            read sections (counts
 *   rg__metrics_read_exit(m, t0);                    both ends + sampled latency)
 *   rg__metrics_lock_waited(m, ns);                 lock-based policies
 *
 * With m == NULL every call is one predictable branch and nothing else.
 * Built with -DRG_NO_METRICS (CMake RG_METRICS=OFF) they compile to nothing.
 *
 * Gauges that are differences of counters are not updated separately:
 *   active readers  = READ_SECTIONS - READ_SECTIONS_ENDED
 *   active writers  = TXNS_BEGUN - TXNS_ENDED
 *   pending reclaim = RECLAIM_*_QUEUED - RECLAIM_*_DONE
 * so the core must count both ends (one add each).
 *
 * Per-CPU layout: one shard per CPU, each holding ALL counters and
 * histograms of that CPU, 128-byte aligned (two cache lines: the adjacent-
 * line prefetcher pairs lines) so no two CPUs write the same line, plus one
 * fallback shard. The shard is chosen by the CPU id read from the rseq area
 * glibc registers for every thread; the add is a relaxed atomic add (or,
 * with -DRG_PCPU_USE_RSEQ, a restartable sequence): rg__pcpu_add() explains.
 */
#ifndef RG_SRC_METRICS_H
#define RG_SRC_METRICS_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rcugraph/static/layout.h> /* struct rg_mthread */

#include <rcugraph/metrics.h>

#include "util.h" /* the atomics vocabulary, rg__now_ns */

#if defined(__has_include)
#if __has_include(<sys/rseq.h>)
#include <sys/rseq.h>
#define RG_HAVE_RSEQ 1
#endif
#endif

#define RG_PCPU_ALIGN 128 /* two 64-byte lines: defeats adjacent-line prefetch sharing */
#define RG_PCPU_MAX_SHARDS 256

/* ---- histogram geometry (see RG_HIST_REL_ERROR in the public header) ---- */
#define RG_HIST_SUB_BITS 4
#define RG_HIST_SUB (1u << RG_HIST_SUB_BITS) /* 16 linear sub-buckets per power of two */
#define RG_HIST_MAX_EXP 47                    /* last exact octave [2^47, 2^48) */
#define RG_HIST_NBUCKETS ((RG_HIST_MAX_EXP - RG_HIST_SUB_BITS + 2) * RG_HIST_SUB)

struct rg__hist_shard {
	uint64_t sum_ns;
	uint64_t b[RG_HIST_NBUCKETS];
};

struct rg__metrics_shard {
	uint64_t c[RG_C__COUNT];
	struct rg__hist_shard h[RG_H__COUNT];
} __attribute__((aligned(RG_PCPU_ALIGN)));

struct rg_metrics {
	/* nshards + 1 entries, RG_PCPU_ALIGN aligned; shards[nshards] is the
	 * fallback shard (atomic adds only, see rg__pcpu_add) */
	struct rg__metrics_shard *shards;
	/* READ_SECTIONS and READ_SECTIONS_ENDED of read sections: the two
	 * words of one PERTHREAD counter's slots (counter.c: v and v2, one
	 * cache line per thread), so the read path's two counts are plain
	 * stores to the thread's own line, not per-CPU adds. The exported
	 * counters add them to the shards'. NULL if it could not be
	 * allocated (the shards count alone then). */
	struct rg_counter *rd_count;
	uint64_t gen;                    /* unique, never reused: keys struct rg_mthread */
	uint32_t shard_mask;             /* nshards - 1 (power of two) */
	uint32_t nshards;
	void *raw;                       /* allocation holding shards */
	uint64_t gauge_bits[RG_G__COUNT]; /* doubles, stored as bits (atomic) */
};

/* Bucket index of a value in ns: exact below 16, then 16 sub-buckets per
 * power of two, clamped to the last bucket. */
static inline unsigned rg__hist_index(uint64_t v)
{
	if (v < RG_HIST_SUB)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v);
	if (e > RG_HIST_MAX_EXP)
		return RG_HIST_NBUCKETS - 1;
	unsigned sub = (unsigned)(v >> (e - RG_HIST_SUB_BITS)) & (RG_HIST_SUB - 1);
	return (e - RG_HIST_SUB_BITS + 1) * RG_HIST_SUB + sub;
}

/* Inclusive lower bound and width (ns) of bucket i. */
static inline void rg__hist_bucket_bounds(unsigned i, uint64_t *lo, uint64_t *width)
{
	if (i < RG_HIST_SUB) {
		*lo = i;
		*width = 1;
		return;
	}
	unsigned e = i / RG_HIST_SUB + RG_HIST_SUB_BITS - 1;
	uint64_t sub = i % RG_HIST_SUB;
	*lo = (RG_HIST_SUB + sub) << (e - RG_HIST_SUB_BITS);
	*width = 1ull << (e - RG_HIST_SUB_BITS);
}

/* ---- current CPU ---- */

static inline void *rg__thread_pointer(void)
{
#if defined(__x86_64__) && defined(__clang__)
	void *tp;
	__asm__("mov %%fs:0, %0" : "=r"(tp)); /* glibc keeps the TCB self pointer at %fs:0 */
	return tp;
#else
	return __builtin_thread_pointer();
#endif
}

/* Where the calling thread's rseq cpu_id lives: thread pointer + cpu_off
 * (ok = 0: no rseq, use sched_getcpu()). Set by a constructor in counter.c. */
struct rg__rseq_info {
	int ok;
	ptrdiff_t cpu_off;  /* thread pointer -> rseq.cpu_id */
	ptrdiff_t area_off; /* thread pointer -> struct rseq (__rseq_offset) */
};
extern struct rg__rseq_info rg__rseq __attribute__((visibility("hidden")));

/* The calling thread's rseq cpu_id (thread pointer + off), which the
 * kernel rewrites on return to user space after a migration: a relaxed
 * load, any recent value being an acceptable hint. Exception to util.h's
 * vocabulary, on purpose: GCC folds this C11 relaxed load into one
 * %fs-relative mov, where RG_LOAD_SHARED's volatile access first loads the
 * thread pointer from %fs:0 (an extra load on every per-CPU add). */
static inline int32_t rg__rseq_cpu_load(ptrdiff_t off)
{
	return __atomic_load_n((const int32_t *)((char *)rg__thread_pointer() + off),
			       __ATOMIC_RELAXED);
}

/* sched_getcpu() fallback, out of line (keeps the fast path frameless). */
unsigned rg__cpu_id_slow(void);

/*
 * Id of the CPU the calling thread runs on (or ran on a moment ago: it may
 * migrate right after), read from the rseq area; -1 when rseq is not
 * registered. Callers only use it to pick a slot; correctness never
 * depends on it.
 */
static inline int rg__cpu_id_fast(void)
{
	/* rg__rseq is filled once by a constructor from glibc's __rseq_size /
	 * __rseq_offset (constant for the process): reading our own copy
	 * saves two GOT indirections on every call. Plain loads: written
	 * before main() and never again. */
	if (__builtin_expect(rg__rseq.ok, 1)) {
		/* -1 uninitialised, -2 registration failed */
		return rg__rseq_cpu_load(rg__rseq.cpu_off);
	}
	return -1;
}

/* As rg__cpu_id_fast() with the sched_getcpu() fallback. */
static inline unsigned rg__cpu_id(void)
{
	int cpu = rg__cpu_id_fast();
	if (__builtin_expect(cpu >= 0, 1))
		return (unsigned)cpu;
	return rg__cpu_id_slow();
}

/*
 * rg__pcpu_add(slot0, stride, mask, fallback, delta): add delta to the slot of
 * the current CPU (slot i at slot0 + i * stride, i <= mask).
 *
 * Default: a relaxed atomic fetch_add (x86: `lock add`) on slot cpu & mask.
 * It must be atomic because a thread can migrate, or be preempted by
 * another thread of the same CPU, between reading the CPU id and the add,
 * so two threads can occasionally hit the same slot and a plain
 * load/add/store would lose an update. The slot is almost always already
 * Modified in this CPU's cache, so the locked add costs a few ns, while a
 * shared counter pays a cross-CPU line transfer per add (bench_counters:
 * ~3 ns vs ~12 ns per add at 2 threads on AMD EPYC).
 *
 * -DRG_PCPU_USE_RSEQ (x86-64 + rseq): a restartable sequence instead. We
 * store the address of a critical-section descriptor into the thread's rseq
 * area, check that the CPU we picked the slot for is still the current
 * one, and commit with ONE non-locked `addq`. If the thread is preempted,
 * migrated or signalled inside the sequence, the kernel moves it to the
 * abort label and we start over, so only threads running on CPU i ever
 * write slot i, and a one-instruction add cannot be split by another thread
 * of that CPU. No lock prefix, no full barrier; but measured SLOWER than
 * `lock add` on this AMD EPYC in the add loop (bench_counters
 * percpu_rseq), hence not the default. Threads without rseq (cpu id < 0)
 * or with a CPU id > mask then use `fallback` with an atomic add, never a
 * slot, so locked and unlocked writers never mix on one word.
 * Relaxed everywhere: counters order nothing; readers only need the sum.
 */
#if defined(__x86_64__) && defined(RG_HAVE_RSEQ)
#define RG_HAVE_RSEQ_ADDQ 1
#define RG_STR_(x) #x
#define RG_STR(x) RG_STR_(x)
/* One restartable `*v += count` on `cpu`: 0 on commit, -1 if aborted or no
 * longer on `cpu` (caller re-reads the CPU and retries). rseq_off is
 * __rseq_offset (rg__rseq.area_off). */
static inline __attribute__((always_inline)) int rg__rseq_addq(uint64_t *v, uint64_t count,
							    int cpu, ptrdiff_t rseq_off)
{
	__asm__ __volatile__ goto(
		/* descriptor: version 0, flags 0, start, post-commit offset, abort */
		".pushsection __rseq_cs, \"aw\"\n\t"
		".balign 32\n\t"
		"3:\n\t"
		".long 0, 0\n\t"
		".quad 1f, 2f - 1f, 4f\n\t"
		".popsection\n\t"
		/* arm: rseq->rseq_cs = &descriptor */
		"leaq 3b(%%rip), %%rax\n\t"
		"movq %%rax, %%fs:8(%[off])\n\t"
		"1:\n\t"
		/* still on the CPU whose slot we address? */
		"cmpl %[cpu], %%fs:4(%[off])\n\t"
		"jnz 4f\n\t"
		"addq %[count], %[v]\n\t" /* commit */
		"2:\n\t"
		".pushsection __rseq_failure, \"ax\"\n\t"
		/* signature the kernel checks before the abort handler */
		".byte 0x0f, 0xb9, 0x3d\n\t"
		".long " RG_STR(RSEQ_SIG) "\n\t"
		"4:\n\t"
		"jmp %l[abort]\n\t"
		".popsection\n\t"
		:
		: [cpu] "r"(cpu), [off] "r"(rseq_off), [v] "m"(*v), [count] "er"(count)
		: "memory", "cc", "rax"
		: abort);
	return 0;
abort:
	return -1;
}
#endif

static inline __attribute__((always_inline)) void
rg__pcpu_add(uint64_t *slot0, size_t stride, uint32_t mask, uint64_t *fallback,
	    uint64_t delta)
{
#if defined(RG_HAVE_RSEQ_ADDQ) && defined(RG_PCPU_USE_RSEQ)
	if (__builtin_expect(rg__rseq.ok, 1)) {
		for (;;) {
			/* any recent value: rechecked inside the sequence */
			int cpu = rg__rseq_cpu_load(rg__rseq.cpu_off);
			if (__builtin_expect((unsigned)cpu > mask, 0))
				break; /* negative (no rseq) or no slot of its own */
			uint64_t *v = (uint64_t *)((char *)slot0 + (size_t)cpu * stride);
			if (__builtin_expect(rg__rseq_addq(v, delta, cpu,
							  rg__rseq.area_off) == 0, 1))
				return;
		}
	}
	RG_ADD(fallback, delta); /* relaxed: counters order nothing */
#else
	(void)fallback; /* every add is atomic: slots may be shared safely */
	/* relaxed: counters order nothing */
	RG_ADD((uint64_t *)((char *)slot0 + (size_t)(rg__cpu_id() & mask) * stride), delta);
#endif
}

/* A thread's read-section count words for one metrics object, cached in
 * the thread's read-section state. gen 0 matches no metrics object. */
/* struct rg_mthread is in <rcugraph/static/layout.h> (a read section holds one). */

/* counter.c: the calling thread's word of PERTHREAD counter c (created on
 * first use, freed with c), or NULL (no memory); the word after it is the
 * slot's second count (v2), summed by rg__counter_read2(). */
int64_t *rg__counter_thread_word(struct rg_counter *c);
int64_t rg__counter_read2(const struct rg_counter *c);
/* metrics.c: fills mt for m (slow path of rg__metrics_read_enter). */
void rg__metrics_thread_attach(struct rg_metrics *m, struct rg_mthread *mt);

/* Thread-local sampling tick for read-section latency. */
extern __thread uint32_t rg__metrics_tls_tick __attribute__((tls_model("initial-exec")));

#ifndef RG_NO_METRICS

/* Adds delta to one per-CPU word; `w` is the word's address in shard 0. */
static inline __attribute__((always_inline)) void
rg__metrics_pcpu_add(struct rg_metrics *m, uint64_t *w, uint64_t delta)
{
	size_t off = (size_t)((char *)w - (char *)m->shards);
	rg__pcpu_add(w, sizeof(struct rg__metrics_shard), m->shard_mask,
		    (uint64_t *)((char *)&m->shards[m->nshards] + off), delta);
}

/* Adds delta to counter id on the current CPU's shard (rg__pcpu_add()). */
static inline void rg__metrics_add(struct rg_metrics *m, enum rg_counter_id id,
				  uint64_t delta)
{
	if (__builtin_expect(m == NULL, 0))
		return;
	rg__metrics_pcpu_add(m, &m->shards[0].c[id], delta);
}

/* Records one observation of ns nanoseconds in histogram h. The bucket and
 * the sum are two separate adds: a concurrent reader may see them out of
 * step by the observations in flight (documented). */
static inline void rg__metrics_observe(struct rg_metrics *m, enum rg_hist_id h,
				      uint64_t ns)
{
	if (__builtin_expect(m == NULL, 0))
		return;
	rg__metrics_pcpu_add(m, &m->shards[0].h[h].b[rg__hist_index(ns)], 1);
	rg__metrics_pcpu_add(m, &m->shards[0].h[h].sum_ns, ns);
}

/* Sets last-value gauge g. */
static inline void rg__metrics_set(struct rg_metrics *m, enum rg_gauge_id g, double v)
{
	if (__builtin_expect(m == NULL, 0))
		return;
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	/* Relaxed: an independent value; readers want any recent one. */
	RG_STORE_SHARED(m->gauge_bits[g], bits);
}

/* Clock reading for a timed operation, or 0 (no clock read) when m is
 * NULL. Pair with rg__metrics_observe_since(). */
static inline uint64_t rg__metrics_timer_start(struct rg_metrics *m)
{
	if (__builtin_expect(m == NULL, 0))
		return 0;
	return rg__now_ns();
}

static inline void rg__metrics_observe_since(struct rg_metrics *m, enum rg_hist_id h,
					    uint64_t t0)
{
	if (__builtin_expect(m == NULL, 0))
		return;
	uint64_t now = rg__now_ns();
	rg__metrics_observe(m, h, now > t0 ? now - t0 : 0);
}

/*
 * Read-section sampling: returns a nonzero start time for one section in
 * RG_METRICS_READ_SAMPLE of the calling thread (all graphs together), else
 * 0 without reading the clock. Keep the result in the section and pass it
 * to rg__metrics_read_sample_end() when the section ends.
 */
static inline uint64_t rg__metrics_read_sample_begin(struct rg_metrics *m)
{
	if (__builtin_expect(m == NULL, 0))
		return 0;
	if (__builtin_expect(++rg__metrics_tls_tick & (RG_METRICS_READ_SAMPLE - 1), 1))
		return 0;
	uint64_t t = rg__now_ns();
	return t ? t : 1;
}

static inline void rg__metrics_read_sample_end(struct rg_metrics *m, uint64_t t0)
{
	if (__builtin_expect(t0 == 0, 1))
		return;
	rg__metrics_observe_since(m, RG_H_READ_SECTION_SECONDS, t0);
}

/* One more on a word only the calling thread writes: relaxed load and
 * store, no lock prefix; shared accesses only so that concurrent readers
 * of the metrics see whole values. */
static inline void rg__metrics_bump_own(int64_t *w)
{
	RG_STORE_SHARED(*w, RG_LOAD_SHARED(*w) + 1);
}

/*
 * Read-section bracket for the core: rg_read_begin() calls
 *   rd->mt0 = rg__metrics_read_enter(m, &rd->mt);
 * and rg_read_end() calls
 *   rg__metrics_read_exit(m, &rd->mt, rd->mt0);
 * with mt the calling thread's cache (struct rg_mthread, kept in its
 * read-section state). Counts READ_SECTIONS / READ_SECTIONS_ENDED (so
 * active_readers works) on the thread's own words, and samples the
 * duration of 1 section in RG_METRICS_READ_SAMPLE.
 */
static inline uint64_t rg__metrics_read_enter(struct rg_metrics *m, struct rg_mthread *mt)
{
	if (__builtin_expect(m == NULL, 0))
		return 0;
	if (__builtin_expect(mt->gen != m->gen, 0))
		rg__metrics_thread_attach(m, mt);
	if (__builtin_expect(mt->w[0] != NULL, 1))
		rg__metrics_bump_own(mt->w[0]);
	else
		rg__metrics_add(m, RG_C_READ_SECTIONS, 1);
	return rg__metrics_read_sample_begin(m);
}

/* mt as filled by the rg__metrics_read_enter() of the same section. */
static inline void rg__metrics_read_exit(struct rg_metrics *m, struct rg_mthread *mt, uint64_t t0)
{
	if (__builtin_expect(m == NULL, 0))
		return;
	rg__metrics_read_sample_end(m, t0);
	if (__builtin_expect(mt->w[1] != NULL, 1))
		rg__metrics_bump_own(mt->w[1]);
	else
		rg__metrics_add(m, RG_C_READ_SECTIONS_ENDED, 1);
}

/* One lock acquisition that waited wait_ns (lock-based policies):
 * LOCK_ACQUISITIONS + 1, LOCK_WAIT_NS + wait_ns, lock_wait_seconds
 * histogram. */
static inline void rg__metrics_lock_waited(struct rg_metrics *m, uint64_t wait_ns)
{
	if (__builtin_expect(m == NULL, 0))
		return;
	rg__metrics_add(m, RG_C_LOCK_ACQUISITIONS, 1);
	rg__metrics_add(m, RG_C_LOCK_WAIT_NS, wait_ns);
	rg__metrics_observe(m, RG_H_LOCK_WAIT_SECONDS, wait_ns);
}

#else /* RG_NO_METRICS: everything compiles to nothing */

static inline void rg__metrics_add(struct rg_metrics *m, enum rg_counter_id id,
				  uint64_t delta)
{ (void)m; (void)id; (void)delta; }
static inline void rg__metrics_observe(struct rg_metrics *m, enum rg_hist_id h,
				      uint64_t ns)
{ (void)m; (void)h; (void)ns; }
static inline void rg__metrics_set(struct rg_metrics *m, enum rg_gauge_id g, double v)
{ (void)m; (void)g; (void)v; }
static inline uint64_t rg__metrics_timer_start(struct rg_metrics *m)
{ (void)m; return 0; }
static inline void rg__metrics_observe_since(struct rg_metrics *m, enum rg_hist_id h,
					    uint64_t t0)
{ (void)m; (void)h; (void)t0; }
static inline uint64_t rg__metrics_read_sample_begin(struct rg_metrics *m)
{ (void)m; return 0; }
static inline void rg__metrics_read_sample_end(struct rg_metrics *m, uint64_t t0)
{ (void)m; (void)t0; }
static inline uint64_t rg__metrics_read_enter(struct rg_metrics *m, struct rg_mthread *mt)
{ (void)m; (void)mt; return 0; }
static inline void rg__metrics_read_exit(struct rg_metrics *m, struct rg_mthread *mt, uint64_t t0)
{ (void)m; (void)mt; (void)t0; }
static inline void rg__metrics_lock_waited(struct rg_metrics *m, uint64_t wait_ns)
{ (void)m; (void)wait_ns; }

#endif /* RG_NO_METRICS */

/* ---- internal helpers shared by metrics.c, histogram.c, tests ---- */

/* Records into an explicit shard with atomic adds (tests use it to exercise
 * merging). Not concurrently with rg__metrics_observe() on the same m: rseq
 * adds to a slot assume no other CPU writes it. */
void rg__metrics_observe_shard(struct rg_metrics *m, unsigned shard,
			       enum rg_hist_id h, uint64_t ns);

/* Merges histogram h over all shards into b[RG_HIST_NBUCKETS]; returns the
 * observation count, *sum_ns receives the sum. */
uint64_t rg__hist_merge(const struct rg_metrics *m, enum rg_hist_id h,
			uint64_t *b, uint64_t *sum_ns);

/* Quantile (ns) of merged buckets b holding count > 0 observations. */
double rg__hist_quantile_ns(const uint64_t *b, uint64_t count, double q);

/* Number of shards to allocate for this machine (power of two). */
uint32_t rg__percpu_nslots(void);

#endif /* RG_SRC_METRICS_H */
