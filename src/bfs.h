/*
 * bfs.h - INTERNAL: the BFS kernel (bfs.c) as the traversal queries
 * (traverse.c) call it: a query, a per-thread workspace holding its
 * result (the discovered slots in level order), one run from one root.
 */
#ifndef RG_BFS_H
#define RG_BFS_H

#include <stddef.h>
#include <stdint.h>

#include "kernel.h"

/* What to expand: a k-hop query or a depth-limited BFS. */
struct rg__query {
	int kind;          /* 0: k-hop, 1: BFS */
	unsigned k;        /* k-hop */
	int mode;          /* k-hop */
	uint32_t maxdepth; /* levels to expand: k for k-hop */
	int dir;           /* RG_OUT / RG_IN / RG_BOTH */
	uint32_t type;
};

/* A thread's BFS state; after rg__bfs_run, the result: level d is
 * q[lv[d] .. lv[d+1]) for d < nlv, in slot order if lvs[d]. */
struct rg__ws {
	uint64_t ns;
	size_t words;     /* words of the slot space */
	uint64_t *vis;    /* visited bitmap, vis_words >= words; all zero between queries */
	size_t vis_words;
	uint32_t *q;      /* discovered slots in level order */
	size_t qn, qcap;
	size_t *lv;       /* level starts: level d = q[lv[d] .. lv[d+1]) */
	uint8_t *lvs;     /* per level: 1 if its slots are in ascending order */
	size_t nlv, lvcap;
	uint64_t *front, *next; /* bottom-up bitmaps (words each), NULL until needed */
	uint64_t *ccnt;   /* bottom-up: per chunk of words, count then offset */
	size_t ccap;
	int dirty;        /* vis has bits of slots not in q (bottom-up marks absent slots) */
	uint64_t edges;   /* adjacency entries examined */
	uint32_t td, bu;  /* levels found top-down / bottom-up */
};

/* Parallel steps of one query, for the metrics and rg_exec_t. */
struct rg__par_stats {
	int steps, team;
	uint64_t wall_ns, busy_ns;
};


/* A workspace for slot space ns, from the thread's cache when it fits.
 * 0 or RG_ENOMEM. */
int rg__ws_get(struct rg__ws *w, uint64_t ns);
/* Clears what the last run set, for the next root (same workspace). */
void rg__ws_reset(struct rg__ws *w);
/* Returns the buffers to the thread's cache (those that fit) or frees them. */
void rg__ws_put(struct rg__ws *w);

/* BFS from root to depth qq->maxdepth into w (reset). cfg == NULL or one
 * thread: sequential; otherwise a level may go parallel (AUTO rules at the
 * top of traverse.h), counted in *ps. 0 or RG_ENOMEM. */
int rg__bfs_run(const struct rg_read *r, struct rg__ws *w, uint32_t root,
		const struct rg__query *qq, const struct rg__exec_cfg *cfg, struct rg__par_stats *ps);

#endif
