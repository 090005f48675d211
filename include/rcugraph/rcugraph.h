/*
 * rcugraph.h - a concurrent in-memory graph store whose readers never lock.
 *
 * Model
 *   Nodes are identified by any uint64_t id (sparse ids are fine) and carry
 *   one uint32_t label. Directed edges carry a uint32_t type and a uint64_t
 *   property. Both out- and in-adjacency are kept. Parallel edges ARE
 *   allowed (the store is a multigraph): inserting an edge never searches
 *   the existing adjacency, which is what keeps insertion O(1) amortised
 *   even into a hub. rg_txn_del_edge() removes every edge src->dst of the
 *   given type. At most 2^32 - 2 node slots per graph.
 *
 * Layout (docs/design.md)
 *   One adjacency format everywhere: per node and direction, an array of
 *   neighbour slots (4 bytes each) with parallel cold arrays for ids, types
 *   and properties (omitted while they hold only defaults). Readers get it
 *   as a span (rg_span_t): no copy, no per-edge check. rg_pack() lays every
 *   adjacency out as one CSR per direction in the same format, and a frozen
 *   view (csr.h) is a packed snapshot, not a copy.
 *
 * Concurrency
 *   - Any number of reader threads, each registered once with
 *     rg_reader_register() (liburcu requires every thread that enters a read
 *     section to be registered).
 *   - One writer at a time. rg_txn_begin() blocks on a per-graph pthread
 *     mutex until the previous transaction commits or aborts; callers from
 *     many threads therefore take turns (no FIFO guarantee: pthread mutex
 *     order). The writer never blocks readers.
 *   - A read section (rg_read_begin .. rg_read_end) sees exactly the
 *     transactions committed before it began: all of a transaction or none
 *     of it, across all nodes (snapshot consistency). Everything returned
 *     inside a read section (edge pointers in particular) is valid only
 *     until rg_read_end().
 *
 * Errors
 *   Functions returning int return 0 on success or a negative RG_E* code;
 *   rg_strerror() names it. No function aborts the process on bad input.
 */
#ifndef RCUGRAPH_RCUGRAPH_H
#define RCUGRAPH_RCUGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RG_VERSION_MAJOR 0
#define RG_VERSION_MINOR 2

/* Error codes (always negative). */
enum {
	RG_OK = 0,
	RG_EINVAL = -1,    /* bad argument (NULL handle, bad option value) */
	RG_ENOMEM = -2,    /* allocation failed; nothing was applied */
	RG_ENOENT = -3,    /* node or edge not found (in this snapshot) */
	RG_EEXIST = -4,    /* node id already exists */
	RG_EBUSY = -5,     /* would deadlock: e.g. txn begun inside a read section */
	RG_ESTATE = -6,    /* call not valid in this state (finished txn, no read section) */
	RG_EPARSE = -7,    /* malformed input file (see the loader's message) */
	RG_EIO = -8,       /* I/O error (errno-level failure) */
	RG_ERETRY = -9,    /* optimistic read section invalidated: run it again */
	RG_EPOLICY = -10,  /* unknown policy, or operation the policy forbids */
	RG_ECORRUPT = -11, /* corrupt data (log, checkpoint, compressed input) */
	RG_EVERSION = -12, /* data written by a newer format version */
	RG_ENOSPC = -13,   /* no space left on device */
	RG_ERANGE = -14,   /* a limit was exceeded (e.g. too many nodes) */
};

/* Returns a static, human-readable string for an RG_E* code (never NULL). */
const char *rg_strerror(int err);

/* Detail of the last failed rg_open() on the calling thread (e.g. which log
 * file and offset recovery refused), or "" if it had none. Thread-local;
 * valid until the thread's next rg_open(). */
const char *rg_last_error_detail(void);

/* ------------------------------------------------------------------ */
/* Opening and closing                                                */
/* ------------------------------------------------------------------ */

typedef struct rg_graph rg_graph_t;

typedef struct rg_options {
	/* Synchronisation policy by name; NULL means "rcu-memb" (the default).
	 * rg_policy_names() lists what this build offers. */
	const char *sync;
	/* Bytes of superseded memory that may wait for a grace period before
	 * the writer stops and waits for reclamation to catch up.
	 * 0 means the default (64 MiB). */
	size_t gc_limit_bytes;
	/* Per-graph metrics at run time: 1 (default) on, 0 off. */
	int metrics;
	/* Durability. NULL dir: purely in memory (the default). Otherwise the
	 * directory holding the redo log and checkpoints; it is created if
	 * missing and recovered on open (see rg_recovery_report()). */
	const char *dir;
	int durability;            /* RG_DURABILITY_*; default COMMIT */
	uint32_t interval_ms;      /* INTERVAL: fsync at most every N ms (default 10) */
	uint64_t checkpoint_bytes; /* automatic checkpoint past this much log (default 64 MiB; 0: none) */
	int salvage;               /* 1: open a log with mid-log corruption by keeping its valid prefix */
	/* Reserved for future options; must be zero. */
	uint64_t reserved[4];
} rg_options_t;

enum {
	RG_DURABILITY_OFF = 0,      /* write(2) per commit; the OS decides when it reaches disk */
	RG_DURABILITY_INTERVAL = 1, /* a background thread fsyncs at most every interval_ms */
	RG_DURABILITY_COMMIT = 2,   /* commit returns only after its record is on disk (group commit) */
};

/* What recovery did when a durable graph was opened. */
typedef struct rg_recovery {
	uint64_t checkpoint_version; /* version of the checkpoint loaded (0: none) */
	uint64_t checkpoints_skipped;/* newer checkpoints that were invalid */
	uint64_t records_replayed;   /* log records applied after the checkpoint */
	uint64_t edges_replayed;
	uint64_t bytes_cut;          /* torn/garbage tail removed from the log */
	uint64_t version;            /* version after recovery */
	int salvaged;                /* 1 if salvage dropped records after corruption */
} rg_recovery_t;

typedef struct rg_checkpoint_info {
	uint64_t version;  /* snapshot version written */
	uint64_t nodes, edges;
	uint64_t bytes;
	double seconds;
} rg_checkpoint_info_t;

/* Fills *opts with defaults. Any thread. */
void rg_options_init(rg_options_t *opts);

/*
 * Creates an empty in-memory graph.
 * Any thread. opts may be NULL (defaults). Allocates the graph; release it
 * with rg_close(). Returns RG_EINVAL (NULL out, nonzero reserved field),
 * RG_EPOLICY (unknown sync name), RG_ENOMEM.
 */
int rg_open(rg_graph_t **out, const rg_options_t *opts);

/*
 * Destroys the graph and frees all its memory, waiting for pending
 * reclamation first. No thread may be inside a read section or a
 * transaction on this graph, and none may start one afterwards.
 * Must not be called inside any read section. NULL is accepted (no-op).
 */
void rg_close(rg_graph_t *g);

/* Name of the graph's synchronisation policy. Any thread. */
const char *rg_policy_name(const rg_graph_t *g);

/* NULL-terminated list of policy names this build offers. Any thread. */
const char *const *rg_policy_names(void);

/* ------------------------------------------------------------------ */
/* Reader threads                                                     */
/* ------------------------------------------------------------------ */

/*
 * Registers the calling thread as a reader of g. Every thread that calls
 * rg_read_begin() on g must register first, once (liburcu requirement),
 * and unregister before it exits. Registration is counted: registering
 * for several graphs of the same policy is fine. Must not be called inside
 * a read section. Returns RG_EINVAL for NULL g, RG_ENOMEM.
 */
int rg_reader_register(rg_graph_t *g);

/* Undoes rg_reader_register(). Must not be called inside a read section;
 * returns RG_EBUSY if it is, RG_ESTATE if the thread is not registered. */
int rg_reader_unregister(rg_graph_t *g);

/*
 * Reports a quiescent state for the calling registered reader: a promise
 * that it holds no reference obtained in an earlier read section. Needed
 * only by policies whose grace periods are driven by readers (rcu-qsbr);
 * a cheap no-op otherwise. Call it between read sections in long-running
 * reader loops. Must not be called inside a read section.
 */
void rg_reader_quiescent(rg_graph_t *g);

/* ------------------------------------------------------------------ */
/* Read sections                                                      */
/* ------------------------------------------------------------------ */

typedef struct rg_read rg_read_t;

/*
 * Begins a read section on g for the calling (registered) thread and
 * stores its handle in *r. The handle lives in thread-local storage: a
 * thread has at most one read section open at a time (RG_EBUSY otherwise).
 * No allocation, no lock, no atomic read-modify-write under the RCU
 * policies. Returns RG_EINVAL (NULL argument), RG_ESTATE (thread not
 * registered for g), RG_EBUSY (section already open).
 */
int rg_read_begin(rg_graph_t *g, rg_read_t **r);

/*
 * Ends the read section. Returns 0, or RG_ERETRY under optimistic policies
 * (ck-seqlock) when a writer published during the section: everything read
 * in it must then be discarded and the section run again. Every other
 * policy always returns 0. After this call no pointer obtained in the
 * section may be used.
 */
int rg_read_end(rg_read_t *r);

/* The commit version this section reads (0 = the empty initial graph). */
uint64_t rg_read_version(const rg_read_t *r);

/* Live node and edge counts in the section's snapshot. */
uint64_t rg_node_count(const rg_read_t *r);
uint64_t rg_edge_count(const rg_read_t *r);

/* Whether node id exists in the section's snapshot. Inside a section. */
bool rg_node_exists(const rg_read_t *r, uint64_t id);

/* Label of node id. Inside a section. RG_ENOENT if absent, RG_EINVAL. */
int rg_node_label(const rg_read_t *r, uint64_t id, uint32_t *label);

typedef enum rg_dir {
	RG_OUT = 0, /* edges id -> nbr */
	RG_IN = 1,  /* edges nbr -> id */
} rg_dir_t;

/* Number of edges of node id in direction dir. Inside a section.
 * RG_ENOENT if the node is absent (*deg is then 0), RG_EINVAL. */
int rg_degree(const rg_read_t *r, uint64_t id, rg_dir_t dir, uint64_t *deg);

/*
 * Spans: the adjacency of one node in one direction, in place.
 *
 * Storage is struct-of-arrays: the hot array holds the neighbours' SLOTS
 * (dense uint32_t internal indices, rg_node_at()), so a scan streams 4
 * bytes per edge as over a CSR; ids, types and properties are parallel
 * cold arrays that only callers who read them touch. A cold array that
 * would hold nothing but its default is not stored, and its pointer is
 * NULL:
 *   ids   == NULL  every neighbour's id equals its slot (graphs whose ids
 *                  are their slots: generators, most loaded edge lists)
 *   types == NULL  every edge of the span has type 0
 *   props == NULL  every edge of the span has property 0
 * rg_span_id/type/prop() read entry i whichever way it is stored.
 *
 * Every entry of a span is an edge of the section's snapshot (no deleted
 * entries, nothing to skip), in adjacency order: insertion order, deletions
 * keeping the survivors' order; a durable graph reopens with the same order
 * in both directions. The arrays are valid until the section ends and must
 * not be written.
 */
typedef struct rg_span {
	uint64_t n;            /* number of edges */
	const uint32_t *slots; /* neighbour slots [n] */
	const uint64_t *ids;   /* neighbour ids [n], or NULL: ids[i] == slots[i] */
	const uint32_t *types; /* edge types [n], or NULL: all 0 */
	const uint64_t *props; /* edge properties [n], or NULL: all 0 */
} rg_span_t;

static inline uint64_t rg_span_id(const rg_span_t *s, uint64_t i)
{
	return s->ids ? s->ids[i] : s->slots[i];
}
static inline uint32_t rg_span_type(const rg_span_t *s, uint64_t i)
{
	return s->types ? s->types[i] : 0;
}
static inline uint64_t rg_span_prop(const rg_span_t *s, uint64_t i)
{
	return s->props ? s->props[i] : 0;
}

/*
 * The adjacency of node id (rg_span) or of the node in slot `slot`
 * (rg_span_at) in direction dir, as a span (above). No copy, no allocation,
 * no lock. Inside a section (or on a frozen view, csr.h). RG_ENOENT if the
 * node is absent from the snapshot (*sp is then an empty span), RG_EINVAL
 * (NULL argument, section not open, bad dir: *sp untouched).
 * Cost on a packed graph (rg_pack) for a node unchanged since the pack: the
 * loads a CSR makes (the offsets, then the slots). Otherwise: the node's
 * head pointer, the head, then the slots.
 */
int rg_span(const rg_read_t *r, uint64_t id, rg_dir_t dir, rg_span_t *sp);
int rg_span_at(const rg_read_t *r, uint64_t slot, rg_dir_t dir, rg_span_t *sp);

#define RG_TYPE_ANY UINT32_MAX

/* One edge as the iterator yields it (a copy, filled from the span). */
typedef struct rg_edge {
	uint64_t nbr;      /* the other endpoint's id */
	uint64_t prop;     /* the edge property */
	uint32_t type;     /* the edge type */
	uint32_t nbr_slot; /* the other endpoint's slot */
} rg_edge_t;

/* Iterator over one span with a type filter: a convenience on top of the
 * span API. Lives on the caller's stack; needs no cleanup. */
typedef struct rg_iter {
	rg_span_t sp;
	uint64_t i;
	uint32_t type;
	rg_edge_t e; /* the edge rg_iter_next() returned last */
} rg_iter_t;

/*
 * Positions *it on the edges of node id in direction dir, keeping only
 * edges of type `type` unless it is RG_TYPE_ANY. Same contract and order
 * as rg_span(). On RG_ENOENT the iterator is empty.
 */
int rg_neighbors(const rg_read_t *r, uint64_t id, rg_dir_t dir, uint32_t type,
		 rg_iter_t *it);

/* Next edge of the iteration, or NULL at the end. The edge is a copy held
 * in *it, overwritten by the next call. Inside the same section. */
static inline const rg_edge_t *rg_iter_next(rg_iter_t *it)
{
	while (it->i < it->sp.n) {
		uint64_t i = it->i++;
		uint32_t ty = rg_span_type(&it->sp, i);
		if (it->type != RG_TYPE_ANY && ty != it->type)
			continue;
		it->e.nbr_slot = it->sp.slots[i];
		it->e.nbr = rg_span_id(&it->sp, i);
		it->e.type = ty;
		it->e.prop = rg_span_prop(&it->sp, i);
		return &it->e;
	}
	return NULL;
}

/*
 * Begins a read section in the calling thread that reads the SAME snapshot
 * as `parent`, an open section of another thread on the same graph (or a
 * frozen view, csr.h). Used to fan one query out over worker threads so
 * that all workers see one graph. The parent section must stay open until
 * this section has ended: it is what keeps the memory alive, so this call
 * takes no lock, enters no RCU section, and needs no rg_reader_register().
 * Returns RG_EINVAL (closed or NULL parent), RG_EBUSY (section already
 * open in this thread).
 */
int rg_read_begin_shared(const rg_read_t *parent, rg_read_t **r);

/* The graph a read section belongs to (NULL for a frozen view). */
rg_graph_t *rg_read_graph(const rg_read_t *r);

/*
 * Whole-graph scans. Every node has a dense internal slot in
 * [0, rg_node_slots(r)); slots never move or get reused for another id.
 * rg_node_at() returns RG_ENOENT for a slot whose node is absent in this
 * snapshot (not yet created, deleted, or a slot no id ever used: see "Node
 * ids and slots" at rg_txn_add_node), else its id and label (either
 * pointer may be NULL). Inside a section.
 */
uint64_t rg_node_slots(const rg_read_t *r);
int rg_node_at(const rg_read_t *r, uint64_t slot, uint64_t *id, uint32_t *label);

/* The slot of node id (RG_ENOENT if absent in this snapshot). */
int rg_node_slot(const rg_read_t *r, uint64_t id, uint64_t *slot);

/* As rg_neighbors()/rg_degree(), addressed by slot instead of id. */
int rg_neighbors_at(const rg_read_t *r, uint64_t slot, rg_dir_t dir,
		    uint32_t type, rg_iter_t *it);
int rg_degree_at(const rg_read_t *r, uint64_t slot, rg_dir_t dir, uint64_t *deg);

/* The slot of an edge's other endpoint. */
static inline uint64_t rg_edge_nbr_slot(const rg_edge_t *e) { return e->nbr_slot; }

/* ------------------------------------------------------------------ */
/* Write transactions                                                 */
/* ------------------------------------------------------------------ */

typedef struct rg_txn rg_txn_t;

/*
 * Begins a write transaction. Blocks until no other transaction is open on
 * g (per-graph writer mutex). Any thread; must not be called inside a read
 * section (RG_EBUSY: committing waits for readers). The transaction must be
 * finished by rg_txn_commit() or rg_txn_abort() on the same thread.
 * Allocates the transaction. Returns RG_EINVAL, RG_EBUSY, RG_ENOMEM,
 * RG_EPOLICY (nosync policy after the graph was shared).
 *
 * Operations see the transaction's own earlier operations. A failing
 * operation (RG_EINVAL, RG_ENOENT, RG_EEXIST) changes nothing and the
 * transaction stays usable. RG_ENOMEM poisons it: commit then fails.
 */
int rg_txn_begin(rg_graph_t *g, rg_txn_t **txn);

/*
 * Adds node id with label. RG_EEXIST if it exists.
 *
 * Node ids and slots. While every id added is at most about twice the
 * number of slots (ids 0..n-1, or ids with gaps such as most SNAP files),
 * the graph is DENSE: node id lives in slot id, ids that were skipped leave
 * empty slots (absent nodes), and a lookup by id is a bounds check, no hash
 * probe. The first id too far out (above 2 * slots + 4096) makes the graph
 * SPARSE for good: from then on ids get the next free slot, a hash index
 * maps ids to slots, and adjacencies store their neighbours' ids in a cold
 * array (8 more bytes per entry and direction). Either way a node keeps its
 * slot for the graph's lifetime, also across deletion and re-creation.
 */
int rg_txn_add_node(rg_txn_t *txn, uint64_t id, uint32_t label);

/*
 * Deletes node id and every edge into or out of it. RG_ENOENT if absent.
 * Cost: its degree plus the degrees of its neighbours: each edge's entry in
 * the neighbour's reverse adjacency is found by a scan and removed as in
 * rg_txn_del_edge() (so a neighbour that is a hub costs its degree once).
 */
int rg_txn_del_node(rg_txn_t *txn, uint64_t id);

/* Adds edge src->dst. Both nodes must exist (RG_ENOENT). Amortised O(1). */
int rg_txn_add_edge(rg_txn_t *txn, uint64_t src, uint64_t dst, uint32_t type,
		    uint64_t prop);

/* One edge for rg_txn_add_edges(). */
typedef struct rg_edge_in {
	uint64_t src, dst, prop;
	uint32_t type;
} rg_edge_in_t;

/*
 * Adds n edges, as n calls of rg_txn_add_edge() would (same adjacency
 * order), but faster for large batches: cache misses of consecutive edges
 * overlap, and from 65,536 edges on the batch is sorted by endpoint so that
 * each touched adjacency grows once and is written sequentially (the
 * larger the batch against the node count, the bigger the gain; recovery
 * and the loaders use batches of up to 2^20 edges). All or nothing: if an
 * endpoint is missing, returns RG_ENOENT with *failed_at (may be NULL) set
 * to an edge naming it and nothing added (an unknown id is reported before
 * a deleted one). RG_ENOMEM/RG_ERANGE poison the transaction. Allocates 8
 * bytes per edge of scratch for the call; sorted batches also use about 36
 * bytes per edge plus one bit per node, kept by the transaction (reused by
 * its later calls) until commit or abort.
 */
int rg_txn_add_edges(rg_txn_t *txn, const rg_edge_in_t *edges, size_t n, size_t *failed_at);

/*
 * Deletes every edge src->dst of type `type` (RG_TYPE_ANY: of any type).
 * RG_ENOENT if there was none.
 *
 * Cost model (copy on delete): readers never pay for deletions, because an
 * adjacency a transaction deletes from is published as a compacted copy
 * holding exactly the surviving edges (older snapshots keep reading the old
 * array until it is reclaimed). Time O(out-degree(src) + in-degree(dst)):
 * the scan that finds the entries, plus, the first time a transaction
 * deletes from an adjacency, one copy of it; later deletions from the same
 * adjacency in the same transaction edit that private copy in place.
 * Memory: the copy (4 bytes per entry, plus its cold arrays), the old array
 * freed after a grace period. For a hub of degree D that is O(D) time and
 * about 4*D bytes per transaction that deletes from it, whatever the number
 * of its edges the transaction deletes: batch deletions from hubs into one
 * transaction.
 */
int rg_txn_del_edge(rg_txn_t *txn, uint64_t src, uint64_t dst, uint32_t type);

/*
 * Commits: makes every operation visible to read sections that begin after
 * it returns, atomically. Frees the transaction whatever the outcome.
 * *version (may be NULL) receives the new commit version (unchanged if the
 * transaction was empty). May wait for a grace period when reclamation has
 * fallen behind (gc_limit_bytes). Returns RG_ENOMEM (poisoned transaction,
 * rolled back), RG_EINVAL.
 */
int rg_txn_commit(rg_txn_t *txn, uint64_t *version);

/* Rolls back every operation and frees the transaction. Leaves no trace
 * visible to readers. Returns RG_EINVAL for NULL. */
int rg_txn_abort(rg_txn_t *txn);

/*
 * Packs the graph for reading: lays every adjacency out as one CSR per
 * direction (offsets, then the slot array and the cold arrays, the span
 * format) and points the nodes at it, in one transaction. Afterwards a
 * query on a node no transaction has touched since reads the pack as a CSR
 * would (offset, then slots); a node a transaction touches leaves that
 * fast path until the next pack and is read through its head as before:
 * appends and deletions copy its adjacency out of the pack, snapshots stay
 * exact. A snapshot no transaction has changed since the pack can be
 * frozen without a copy (rg_csr_build, csr.h). Use it after bulk loads and
 * before read-heavy phases; calling it again rebuilds the pack. Queries
 * return the same results either way.
 *
 * Thread: as a transaction, i.e. waits for the writer mutex and must not
 * be called inside a read section (RG_EBUSY). Commits a new version with
 * unchanged content; on a durable graph it is logged as an empty
 * transaction. Cost: O(slots + edges); allocates 4 bytes per edge per
 * direction (plus the cold arrays the graph needs), 20 bytes per slot, and
 * a 64-byte head per live node; what it supersedes (the per-node arrays, a
 * previous pack) is reclaimed after a grace period, so the peak is about
 * twice the adjacency memory. Returns 0 (also when there is no live node:
 * nothing is packed), RG_EINVAL, RG_EBUSY, RG_EPOLICY (nosync once
 * shared), RG_EIO (log failed), RG_ENOMEM (nothing changed).
 */
int rg_pack(rg_graph_t *g);

/*
 * Switches the synchronisation policy of an open graph to `name` (as
 * rg_options_t.sync), so that a lock study can run every policy on the
 * same physical graph. The graph must be quiescent: no thread registered
 * as a reader of g (RG_EBUSY), no open transaction (the call takes the
 * writer mutex, so it waits for one to finish: never call it while the
 * calling thread has a transaction open), not inside a read section
 * (RG_EBUSY). Reclamation pending under the old policy is drained first.
 * Automatic checkpoints of a durable graph pause for the switch. Frozen
 * views (csr.h) are unaffected. After the switch readers register again
 * (rg_reader_register) under the new policy; a graph frozen by nosync's
 * first registration accepts transactions again if the new policy allows.
 * Returns 0 (also when the policy is already `name`), RG_EINVAL (NULL),
 * RG_EPOLICY (unknown name), RG_EBUSY, RG_ENOMEM (the old policy stays).
 */
int rg_set_policy(rg_graph_t *g, const char *name);

/* ------------------------------------------------------------------ */
/* Durability (graphs opened with rg_options.dir)                      */
/* ------------------------------------------------------------------ */

/* What recovery did when g was opened. Any thread. RG_EINVAL if g is not
 * durable. */
int rg_recovery_report(const rg_graph_t *g, rg_recovery_t *rep);

/*
 * Writes a checkpoint now: one consistent snapshot (readers and the writer
 * keep running; under every policy and any write rate the snapshot is read
 * once, never retried), fsynced, after which the log it covers is deleted.
 * Reopening restores every adjacency in its order (docs/log-format.md).
 * Any thread that is not inside a read section or a transaction; waits if
 * another checkpoint (e.g. the automatic one) is being written. Under
 * nosync it holds the writer mutex while it reads (nosync has no other way
 * to keep memory alive). Allocates about 20 bytes per entry of the largest
 * in-adjacency, plus about 1.1 MiB of buffers, freed before it returns.
 * RG_EINVAL if g is not durable, RG_EBUSY (inside a read section),
 * RG_EIO/RG_ENOSPC, RG_ENOMEM.
 *
 * Automatic checkpoints (rg_options_t.checkpoint_bytes) are written by a
 * background thread of the graph, never by a committing thread; a failed
 * one is counted (rg_stats_t.checkpoint_failures, metric
 * rcugraph_checkpoint_failures_total) and retried with backoff.
 */
int rg_checkpoint(rg_graph_t *g, rg_checkpoint_info_t *info);

/* ------------------------------------------------------------------ */
/* Statistics (any thread, no read section needed; approximate while    */
/* a writer runs)                                                      */
/* ------------------------------------------------------------------ */

typedef struct rg_stats {
	uint64_t version;          /* last committed version */
	uint64_t nodes, edges;     /* live counts at that version */
	uint64_t node_slots;       /* node ids ever inserted (table size) */
	uint64_t commits;
	uint64_t heads_published;  /* per-node versions published */
	uint64_t arrays_grown;     /* adjacency arrays reallocated on growth */
	uint64_t arrays_compacted; /* adjacency arrays rebuilt after deletions */
	uint64_t gc_pending_bytes; /* superseded memory awaiting a grace period */
	uint64_t gc_pending_objects;
	uint64_t gc_freed_bytes;   /* total reclaimed so far */
	uint64_t gc_waits;         /* times the writer waited on reclamation */
	uint64_t packs;            /* rg_pack() calls committed */
	uint64_t pack_bytes;       /* memory of the current pack (0: none) */
	uint64_t pack_clean_nodes; /* nodes unchanged since it: read on the fast path */
	uint64_t checkpoints;      /* checkpoints written (explicit and automatic) */
	uint64_t checkpoint_failures; /* automatic checkpoints that failed (retried) */
	int checkpoint_last_error; /* RG_E* of the last failed automatic one, 0: none */
	int dense;                 /* 1 while ids are slots (see rg_txn_add_node) */
	/* Memory held by the graph, bytes (see docs/design.md "Memory"):
	 * mem_nodes: node table (head and writer pointers, ids when sparse) and
	 * id index; mem_heads: node heads in use; mem_arrays: per-node adjacency
	 * arrays in use (slots and cold arrays); mem_pack: the current pack;
	 * mem_reserved: everything the allocator holds from the system (arrays
	 * and heads free for reuse included) plus the rest. */
	uint64_t mem_nodes, mem_heads, mem_arrays, mem_pack, mem_reserved;
} rg_stats_t;

/* Fills *st. Any thread; takes the writer mutex briefly (waits for an open
 * transaction). NULL arguments: no-op. */
void rg_stats_get(rg_graph_t *g, rg_stats_t *st);

/* The graph's metrics (see <rcugraph/metrics.h>: read, Prometheus export,
 * HTTP endpoint), or NULL when metrics are off for this graph
 * (rg_options_t.metrics = 0) or compiled out (RG_METRICS=OFF). Owned by the
 * graph: valid until rg_close(). Any thread. */
struct rg_metrics *rg_graph_metrics(rg_graph_t *g);

#ifdef __cplusplus
}
#endif

#endif /* RCUGRAPH_RCUGRAPH_H */
