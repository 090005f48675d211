/*
 * counter.c - four counter implementations behind rg_counter_t, for the
 * counter study (experiments/bench_counters.c) and for programs that want a
 * cheap concurrent counter. Accuracy of each is documented in
 * include/rcugraph/metrics.h and docs/metrics.md.
 *
 * Per-thread slot design: each thread gets a unique 64-bit token (thread-
 * local, from a global atomic: never reused, unlike pthread_t). The first
 * add of a thread to a PERTHREAD counter takes the counter's mutex, looks
 * for a slot with the thread's token in the counter's slot list and appends
 * a new cache-line-sized slot if there is none; the slot is then remembered
 * in an 8-entry direct-mapped thread-local cache keyed by the counter's
 * unique id (ids are never reused either, so a stale entry for a destroyed
 * counter can never match a new one). Adds hit the cache: a plain
 * load + store to the thread's own slot. Slots outlive their threads (their
 * counts must keep contributing) and are freed by rg_counter_destroy().
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "util.h"

struct rg__cslot {
	int64_t v;
} __attribute__((aligned(RG_PCPU_ALIGN)));

struct rg__tslot {
	int64_t v;                  /* written only by the owner thread */
	int64_t v2;                 /* a second count on the same line (rg__counter_thread_word) */
	uint64_t owner;             /* thread token */
	struct rg__tslot *next;
} __attribute__((aligned(RG_PCPU_ALIGN)));

struct rg_counter {
	int64_t shared;              /* ATOMIC value / BATCHED global / PERTHREAD overflow */
	char pad0[RG_PCPU_ALIGN - sizeof(int64_t)];
	rg_counter_kind_t kind;
	uint32_t batch;
	uint32_t nslots, mask;
	uint64_t id;                 /* unique, never reused */
	struct rg__cslot *slots;      /* PERCPU / BATCHED: nslots + 1 (last: fallback word) */
	struct rg__tslot *threads;    /* PERTHREAD: list, published with release */
	pthread_mutex_t lock;        /* PERTHREAD: serialises list appends */
} __attribute__((aligned(RG_PCPU_ALIGN)));

#define RG_TCACHE 8
struct rg__tcache_ent {
	uint64_t cid;
	struct rg__tslot *slot;
};
/* initial-exec: 136 bytes of static TLS, no __tls_get_addr call on the add path. */
static __thread struct rg__tcache_ent rg__tcache[RG_TCACHE] __attribute__((tls_model("initial-exec")));
static __thread uint64_t rg__thread_token __attribute__((tls_model("initial-exec")));
static uint64_t rg__next_token = 1;
static uint64_t rg__next_counter_id = 1;

struct rg__rseq_info rg__rseq;

__attribute__((constructor)) static void rg__rseq_init(void)
{
#ifdef RG_HAVE_RSEQ
	if (__rseq_size > 0) {
		rg__rseq.area_off = __rseq_offset;
		rg__rseq.cpu_off = __rseq_offset + (ptrdiff_t)offsetof(struct rseq, cpu_id);
		rg__rseq.ok = 1;
	}
#endif
}

unsigned rg__cpu_id_slow(void)
{
	int c = sched_getcpu();
	return c < 0 ? 0u : (unsigned)c;
}

uint32_t rg__percpu_nslots(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	if (n < 1)
		n = 1;
	if (n > RG_PCPU_MAX_SHARDS)
		n = RG_PCPU_MAX_SHARDS;
	uint32_t p = 1;
	while (p < (uint32_t)n)
		p <<= 1;
	return p;
}

const char *rg_counter_kind_name(rg_counter_kind_t kind)
{
	switch (kind) {
	case RG_COUNTER_PERCPU: return "percpu";
	case RG_COUNTER_ATOMIC: return "atomic";
	case RG_COUNTER_PERTHREAD: return "perthread";
	case RG_COUNTER_BATCHED: return "batched";
	}
	return NULL;
}

int rg_counter_create(rg_counter_kind_t kind, uint32_t batch, rg_counter_t **out)
{
	if (!out)
		return RG_EINVAL;
	*out = NULL;
	if (!rg_counter_kind_name(kind))
		return RG_EINVAL;
	if (kind != RG_COUNTER_BATCHED && batch != 0)
		return RG_EINVAL;
	if (batch > (1u << 31))
		return RG_EINVAL;
	if (kind == RG_COUNTER_BATCHED && batch == 0)
		batch = 64;
	struct rg_counter *c = aligned_alloc(RG_PCPU_ALIGN, sizeof *c);
	if (!c)
		return RG_ENOMEM;
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->batch = batch;
	/* relaxed: only uniqueness matters */
	c->id = RG_FETCH_ADD_RELAXED(&rg__next_counter_id, 1);
	if (kind == RG_COUNTER_PERCPU || kind == RG_COUNTER_BATCHED) {
		c->nslots = rg__percpu_nslots();
		c->mask = c->nslots - 1;
		/* + 1: the fallback word of rg__pcpu_add() */
		c->slots = aligned_alloc(RG_PCPU_ALIGN, sizeof(struct rg__cslot) * (c->nslots + 1));
		if (!c->slots) {
			free(c);
			return RG_ENOMEM;
		}
		memset(c->slots, 0, sizeof(struct rg__cslot) * (c->nslots + 1));
	}
	if (kind == RG_COUNTER_PERTHREAD && pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return RG_ENOMEM;
	}
	*out = c;
	return 0;
}

void rg_counter_destroy(rg_counter_t *c)
{
	if (!c)
		return;
	if (c->kind == RG_COUNTER_PERTHREAD) {
		struct rg__tslot *s = c->threads;
		while (s) {
			struct rg__tslot *n = s->next;
			free(s);
			s = n;
		}
		pthread_mutex_destroy(&c->lock);
	}
	free(c->slots);
	free(c);
}

/* Slow path of a PERTHREAD add: find or create the calling thread's slot. */
static __attribute__((noinline)) struct rg__tslot *rg__tslot_get(struct rg_counter *c)
{
	if (rg__thread_token == 0)
		/* relaxed: only uniqueness matters */
		rg__thread_token = RG_FETCH_ADD_RELAXED(&rg__next_token, 1);
	struct rg__tslot *s;
	pthread_mutex_lock(&c->lock);
	for (s = c->threads; s; s = s->next)
		if (s->owner == rg__thread_token)
			break;
	if (!s) {
		s = aligned_alloc(RG_PCPU_ALIGN, sizeof *s);
		if (s) {
			memset(s, 0, sizeof *s);
			s->owner = rg__thread_token;
			s->next = c->threads;
			/* publish: readers walking the list lock-free must see
			 * the initialised slot */
			RG_PUBLISH(c->threads, s);
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (s) {
		struct rg__tcache_ent *e = &rg__tcache[c->id % RG_TCACHE];
		e->cid = c->id;
		e->slot = s;
	}
	return s;
}

int64_t *rg__counter_thread_word(struct rg_counter *c)
{
	if (!c || c->kind != RG_COUNTER_PERTHREAD)
		return NULL;
	struct rg__tcache_ent *e = &rg__tcache[c->id % RG_TCACHE];
	struct rg__tslot *s = e->cid == c->id ? e->slot : rg__tslot_get(c);
	return s ? &s->v : NULL;
}

/* rg__metrics_thread_attach() addresses v2 as the word after v. */
_Static_assert(offsetof(struct rg__tslot, v2) == offsetof(struct rg__tslot, v) + sizeof(int64_t),
	       "v2 follows v");

/* Sum of word `second ? v2 : v` over a PERTHREAD counter's slots. */
static int64_t tslot_sum(const struct rg_counter *c, int second)
{
	int64_t sum = 0;
	/* acquire: pairs with the publication of each slot (its fields and
	 * next are written before it and never again); relaxed words:
	 * independent counts, summed */
	for (const struct rg__tslot *s = RG_LOAD_ACQUIRE(c->threads); s; s = s->next)
		sum += second ? RG_LOAD_SHARED(s->v2) : RG_LOAD_SHARED(s->v);
	return sum;
}

int64_t rg__counter_read2(const struct rg_counter *c)
{
	return c && c->kind == RG_COUNTER_PERTHREAD ? tslot_sum(c, 1) : 0;
}

/* PERTHREAD add: out of line so that its TLS access and slow path do not
 * cost the other kinds a stack frame. */
static __attribute__((noinline)) void rg__counter_add_perthread(struct rg_counter *c,
							       int64_t delta)
{
	struct rg__tcache_ent *e = &rg__tcache[c->id % RG_TCACHE];
	struct rg__tslot *s = e->cid == c->id ? e->slot : rg__tslot_get(c);
	if (__builtin_expect(s == NULL, 0)) {
		/* No memory for a slot: stay exact via the shared word.
		 * Relaxed: a counter orders nothing else. */
		RG_ADD(&c->shared, delta);
		return;
	}
	/* Single writer: relaxed load + store, no lock prefix; shared accesses
	 * only so that concurrent readers see whole values. */
	RG_STORE_SHARED(s->v, RG_LOAD_SHARED(s->v) + delta);
}

/* BATCHED fold: move the whole slot (whatever other threads added
 * meanwhile) to the shared word with an exchange, so no delta is lost or
 * counted twice once quiescent. Relaxed: the sum orders nothing. */
static __attribute__((noinline)) void rg__counter_fold(struct rg_counter *c, int64_t *slot)
{
	int64_t x = RG_XCHG_RELAXED(slot, 0);
	RG_ADD(&c->shared, x);
}

/* BATCHED add on the given CPU's slot. */
static inline void rg__counter_add_batched(struct rg_counter *c, unsigned cpu, int64_t delta)
{
	int64_t *slot = &c->slots[cpu & c->mask].v;
	/* Relaxed: see rg__counter_fold(). */
	int64_t v = RG_FETCH_ADD_RELAXED(slot, delta) + delta;
	if (__builtin_expect(v >= (int64_t)c->batch || v <= -(int64_t)c->batch, 0))
		rg__counter_fold(c, slot);
}

/* PERCPU / BATCHED add when rseq gives no CPU id (sched_getcpu()). Out of
 * line: keeps rg_counter_add() free of a stack frame. */
static __attribute__((noinline)) void rg__counter_add_nocpu(struct rg_counter *c,
							   int64_t delta)
{
	unsigned cpu = rg__cpu_id_slow();
	if (c->kind == RG_COUNTER_PERCPU)
		/* Relaxed atomic: see rg_counter_add(). */
		RG_ADD(&c->slots[cpu & c->mask].v, delta);
	else
		rg__counter_add_batched(c, cpu, delta);
}

void rg_counter_add(rg_counter_t *c, int64_t delta)
{
	if (__builtin_expect(c == NULL, 0))
		return;
	rg_counter_kind_t k = c->kind;
	if (k == RG_COUNTER_PERCPU) {
#if defined(RG_HAVE_RSEQ_ADDQ) && defined(RG_PCPU_USE_RSEQ)
		/* see rg__pcpu_add(); slots[nslots] is the fallback word */
		rg__pcpu_add((uint64_t *)&c->slots[0].v, sizeof(struct rg__cslot), c->mask,
			    (uint64_t *)&c->slots[c->nslots].v, (uint64_t)delta);
#else
		/* rg__pcpu_add() spelled out so that the sched_getcpu() fallback
		 * is a tail call and this path needs no stack frame.
		 * Atomic because a migrated or preempted thread may share the
		 * slot (see rg__pcpu_add()); relaxed: a counter orders nothing. */
		int cpu = rg__cpu_id_fast();
		if (__builtin_expect(cpu < 0, 0)) {
			rg__counter_add_nocpu(c, delta);
			return;
		}
		RG_ADD(&c->slots[(unsigned)cpu & c->mask].v, delta);
#endif
		return;
	}
	if (k == RG_COUNTER_ATOMIC) {
		/* Relaxed: a counter orders nothing else. */
		RG_ADD(&c->shared, delta);
		return;
	}
	if (k == RG_COUNTER_PERTHREAD) {
		rg__counter_add_perthread(c, delta);
		return;
	}
	/* BATCHED always uses atomic slot adds: its fold exchanges a slot
	 * from whatever CPU the thread is on by then, which a plain rseq add
	 * (RG_PCPU_USE_RSEQ) on the owning CPU could race with. */
	int cpu = rg__cpu_id_fast();
	if (__builtin_expect(cpu < 0, 0)) {
		rg__counter_add_nocpu(c, delta);
		return;
	}
	rg__counter_add_batched(c, (unsigned)cpu, delta);
}

int64_t rg_counter_read(const rg_counter_t *c)
{
	if (!c)
		return 0;
	/* Relaxed loads throughout: a sum of independent words; exactness
	 * after join comes from pthread_join's synchronisation. */
	int64_t sum = RG_LOAD_SHARED(c->shared);
	switch (c->kind) {
	case RG_COUNTER_ATOMIC:
		break;
	case RG_COUNTER_PERCPU:
	case RG_COUNTER_BATCHED:
		for (uint32_t i = 0; i <= c->nslots; i++) /* + fallback word */
			sum += RG_LOAD_SHARED(c->slots[i].v);
		break;
	case RG_COUNTER_PERTHREAD:
		sum += tslot_sum(c, 0);
		break;
	}
	return sum;
}

int64_t rg_counter_read_fast(const rg_counter_t *c)
{
	if (!c)
		return 0;
	if (c->kind == RG_COUNTER_BATCHED)
		/* Relaxed: approximate by design. */
		return RG_LOAD_SHARED(c->shared);
	return rg_counter_read(c);
}
