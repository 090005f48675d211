/*
 * util.h - the library's small shared vocabulary: one atomics vocabulary,
 * one clock (and a wall clock for file headers), one hash, error text, debug assertions, huge-page advice.
 *
 * Atomics. Every shared access in src/ is written with the macros below,
 * which are liburcu's uatomic_* and CMM_* primitives (a dependency
 * already) named by the ordering the access needs. Every use carries a
 * one-line comment saying why that ordering. Under ThreadSanitizer the same
 * names map to the C11 __atomic builtins with the same ordering, because
 * TSan cannot see liburcu 0.13's inline assembly and compiler-only fences
 * (x86 needs no CPU fence for acquire/release) and would report races that
 * are not there.
 *   RG_LOAD_SHARED(x)      relaxed load, not torn, fused or re-read (READ_ONCE)
 *                          (defined with RG_DEREF and RG_LOAD_ACQUIRE in layout.h)
 *   RG_STORE_SHARED(x, v)  relaxed store (WRITE_ONCE)
 *   RG_LOAD_ACQUIRE(x)     load, then later loads stay after it (smp_rmb)
 *   RG_PUBLISH(x, v)       earlier stores become visible before v (smp_wmb)
 *   RG_PUBLISH_BATCHED(x, v) one of many stores after a single cmm_smp_wmb()
 *                          the caller issued (a release store under TSan)
 *   rcu_assign_pointer / RG_DEREF   RCU publication of a pointer (layout.h)
 *   RG_ADD(p, v)           atomic add, no ordering (uatomic_add)
 *   RG_ADD_RETURN(p, v)    atomic add returning the new value, full barrier
 *   RG_FETCH_ADD_RELAXED(p, v) atomic add returning the OLD value, no ordering
 *                          needed (unique ids, cursors handing out indices)
 *   RG_XCHG(p, v)          atomic exchange returning the old value, full barrier
 *   RG_XCHG_RELAXED(p, v)  atomic exchange, no ordering needed (moving a
 *                          count out of a word without losing concurrent adds)
 *   RG_CMPXCHG(p, o, n)    compare-and-swap returning the old value, full barrier
 * liburcu 0.13 has no relaxed returning add or exchange: outside TSan the
 * two _RELAXED forms are uatomic_add_return / uatomic_xchg, the same
 * `lock xadd` / `xchg` instruction on x86 (stronger than asked elsewhere);
 * under TSan they are the relaxed C11 operations they name, so TSan checks
 * the code against the weaker ordering it claims to need.
 *
 * Exceptions, on purpose: include/rcugraph/static/layout.h defines the
 * loads above itself (a public header cannot include this one); the rseq
 * restartable sequence of src/metrics.h commits with one plain `addq`
 * inside inline assembly (the kernel, not an atomic, makes it safe), and
 * reads the kernel-written rseq cpu_id with a relaxed C11 load that GCC
 * addresses %fs-relative (rg__rseq_cpu_load, which says why).
 */
#ifndef RG_UTIL_H
#define RG_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE /* liburcu's inline (static) primitives, no calls */
#endif
#include <urcu/arch.h>
#include <urcu/system.h>
#include <urcu/uatomic.h>

#include <rcugraph/static/layout.h> /* RG_LOAD_SHARED, RG_DEREF */

#if !defined(__SANITIZE_THREAD__)
/* the _CMM forms: no cmm_smp_rmc/wmc compiler barrier (see layout.h) */
#define RG_STORE_SHARED(x, v) ((void)_CMM_STORE_SHARED(x, v))
#define RG_PUBLISH(x, v)                                                                      \
	do {                                                                                  \
		cmm_smp_wmb();                                                                \
		_CMM_STORE_SHARED(x, v);                                                      \
	} while (0)
#define RG_PUBLISH_BATCHED(x, v) ((void)_CMM_STORE_SHARED(x, v))
#define RG_ADD(p, v) uatomic_add(p, v)
#define RG_ADD_RETURN(p, v) uatomic_add_return(p, v)
#define RG_FETCH_ADD_RELAXED(p, v)                                                            \
	__extension__({                                                                       \
		__typeof__(*(p)) rg_d_ = (v);                                                 \
		uatomic_add_return(p, rg_d_) - rg_d_;                                         \
	})
#define RG_XCHG(p, v) uatomic_xchg(p, v)
#define RG_XCHG_RELAXED(p, v) uatomic_xchg(p, v)
#define RG_CMPXCHG(p, o, n) uatomic_cmpxchg(p, o, n)
#else
#define RG_STORE_SHARED(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define RG_PUBLISH(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define RG_PUBLISH_BATCHED(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define RG_ADD(p, v) ((void)__atomic_fetch_add((p), (v), __ATOMIC_RELAXED))
#define RG_ADD_RETURN(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define RG_FETCH_ADD_RELAXED(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define RG_XCHG(p, v) __atomic_exchange_n((p), (v), __ATOMIC_SEQ_CST)
#define RG_XCHG_RELAXED(p, v) __atomic_exchange_n((p), (v), __ATOMIC_RELAXED)
#define RG_CMPXCHG(p, o, n)                                                                   \
	__extension__({                                                                       \
		__typeof__(*(p)) rg_o_ = (o);                                                 \
		__atomic_compare_exchange_n((p), &rg_o_, (n), 0, __ATOMIC_SEQ_CST,            \
					    __ATOMIC_SEQ_CST);                                \
		rg_o_;                                                                        \
	})
/* liburcu's RCU pointer publication, as TSan can see it */
#undef rcu_assign_pointer
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#endif

/* The one clock: CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t rg__now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Timed waits on the same clock: a condition variable whose timed waits
 * read CLOCK_MONOTONIC, and the deadline ns from now for it (a step of the
 * wall clock neither stretches nor cuts a wait). */
static inline int rg__cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	int r = pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
	return r;
}

static inline struct timespec rg__deadline_after(uint64_t ns)
{
	uint64_t t = rg__now_ns() + ns;
	struct timespec ts = {.tv_sec = (time_t)(t / 1000000000u), .tv_nsec = (long)(t % 1000000000u)};
	return ts;
}

/* The wall clock (CLOCK_REALTIME) in nanoseconds: only for the creation
 * stamps written into file headers, never for a duration or a wait. */
static inline uint64_t rg__wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The one hash of integer keys (MurmurHash3 fmix64): id index buckets. */
static inline uint64_t mix64(uint64_t x)
{
	return _rg_mix64(x);
}

/* splitmix64 (Steele, Lea, Flood, OOPSLA 2014): the stream that seeds the
 * generators (generate.c) and draws samples (analytics.c). Its output
 * function rg__splitmix64_mix also defines the public result checksums
 * (kernel.h, rg__checksum_mix). Not a hash of keys: mix64 is. */
static inline uint64_t rg__splitmix64_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint64_t rg__splitmix64(uint64_t *state)
{
	return rg__splitmix64_mix(*state += UINT64_C(0x9e3779b97f4a7c15));
}

/* printf into a caller's error buffer; NULL or empty buffer: no-op. */
static inline __attribute__((format(printf, 3, 4))) void
rg__seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	if (!errbuf || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Debug assertions of internal contracts (which lock a writer-only function
 * needs, invariants I1-I5 where they are cheap). On in the debug, asan and
 * tsan presets (RG_DEBUG_ASSERTS), compiled out in release builds. A failed
 * one is a library bug: it prints the condition and aborts.
 */
#ifdef RG_DEBUG_ASSERTS
__attribute__((noreturn, cold)) void rg__assert_fail(const char *cond, const char *file, int line);
#define RG_ASSERT_DEBUG(cond)                                                                 \
	do {                                                                                  \
		if (__builtin_expect(!(cond), 0))                                             \
			rg__assert_fail(#cond, __FILE__, __LINE__);                           \
	} while (0)
#else
/* compiled out, but the condition's names stay "used" (no warnings) */
#define RG_ASSERT_DEBUG(cond) ((void)sizeof(!(cond)))
#endif

/* Asks for transparent huge pages on a large, fresh allocation (node
 * segments, index tables, packs): the writer and readers touch them at
 * random, and with 4 KiB pages nearly every such touch is also a TLB miss.
 * Advisory; page-aligned part of [p, p+n) only. */
static inline void rg__advise_huge(void *p, size_t n)
{
	if (n < ((size_t)4 << 20))
		return;
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
	(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

#endif
