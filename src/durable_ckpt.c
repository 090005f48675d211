/*
 * durable_ckpt.c - the snapshot a checkpoint writes: one version of the
 * graph, read once (pinned) and streamed into the checkpoint writer of
 * the log layer (ckpt_file.h). The log calls this back from
 * rg__log_checkpoint(); it is the only code of the durability layers that
 * reads the graph.
 *
 * Pinned read: a section of this thread's own (not the thread-local one)
 * that no policy can invalidate. Under every policy but nosync it is an
 * ordinary section of the policy, after a registration of the thread that
 * is not counted as a reader of the graph (nosync would freeze the graph,
 * rg_set_policy would refuse to switch); ck-seqlock skips its sequence
 * check for it (policy_ck.c), so a checkpoint never retries whatever the
 * write rate. Under nosync, which has no way to keep memory alive, the
 * checkpoint holds the writer mutex while it reads.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "graph_internal.h"
#include "durable.h"
#include "ckpt_file.h"

struct pin {
	struct rg_read rd;
	int locked, registered;
};

static int pin_begin(rg_graph_t *g, struct pin *p)
{
	memset(p, 0, sizeof *p);
	struct rg_read *rd = &p->rd;
	rd->g = g;
	rd->gr = &g->rd;
	rd->pinned = 1;
	rd->hook = NULL; /* lru-rwlock: the checkpoint reads, it does not use the cache */
	const struct rg_policy *pol = g->rd.pol;
	if (pol->frozen_after_share) {
		rg__wlock(g);
		p->locked = 1;
		rg__snap_load_into(g, rd);
		rd->open = 1;
		return 0;
	}
	int rc = pol->reg(g);
	if (rc)
		return rc;
	p->registered = 1;
	if ((rc = pol->read_begin(g, rd))) {
		pol->unreg(g);
		p->registered = 0;
		return rc;
	}
	rd->open = 1;
	return 0;
}

static void pin_end(rg_graph_t *g, struct pin *p)
{
	if (p->locked) {
		rg__wunlock(g);
		return;
	}
	(void)g->rd.pol->read_end(g, &p->rd); /* pinned: never RG_ERETRY */
	g->rd.pol->unreg(g);
}

/* Sorts k[0..d) (source slot << 32 | position) by slot, stably: insertion
 * sort for short lists, else LSD radix sort on the slot's bytes, as many
 * passes as the largest slot needs (tmp: d entries). Positions come in
 * increasing order, so stability is all the low half needs. */
static void sort_by_slot(uint64_t *k, uint64_t *tmp, size_t d)
{
	if (d <= 32) {
		for (size_t i = 1; i < d; i++) {
			uint64_t x = k[i];
			size_t j = i;
			for (; j > 0 && k[j - 1] >> 32 > x >> 32; j--)
				k[j] = k[j - 1];
			k[j] = x;
		}
		return;
	}
	uint64_t max = 0;
	for (size_t i = 0; i < d; i++)
		max = k[i] > max ? k[i] : max;
	for (unsigned sh = 32; sh < 64 && max >> sh; sh += 8) {
		size_t cnt[257] = {0};
		for (size_t i = 0; i < d; i++)
			cnt[(k[i] >> sh & 255) + 1]++;
		for (unsigned b = 0; b < 256; b++)
			cnt[b + 1] += cnt[b];
		for (size_t i = 0; i < d; i++)
			tmp[cnt[k[i] >> sh & 255]++] = k[i];
		memcpy(k, tmp, d * sizeof *k);
	}
}

/*
 * In-order entries. The edges are written source by source (slot order),
 * each source's out-adjacency in order, and a restore appends them in file
 * order: node v's in-adjacency then comes back as its in-adjacency sorted
 * stably by source slot (edges from one source keep their relative order
 * in both lists). Where that differs from the live order, which is
 * insertion order, the entry gives for each position i the rank, in the
 * restored list, of the entry that belongs there.
 */
static int write_inorder(struct rg__ckpt_writer *cw, const struct rg_read *rd)
{
	uint64_t *key = NULL, *tmp = NULL; /* source slot << 32 | position */
	uint32_t *rank = NULL;
	size_t cap = 0;
	int rc = 0;
	for (uint64_t v = 0; v < rd->nslots && !rc; v++) {
		rg_span_t sp;
		if (_rg_span_at(rd, v, RG_IN, &sp, RG_SPAN_SLOTS) != 0 || sp.n < 2)
			continue;
		size_t d = (size_t)sp.n;
		int sorted = 1;
		for (size_t i = 1; i < d && sorted; i++)
			sorted = sp.slots[i - 1] <= sp.slots[i];
		if (sorted)
			continue;
		if (d > cap) {
			size_t nc = cap ? cap : 1024;
			while (nc < d)
				nc *= 2;
			free(key);
			free(tmp);
			free(rank);
			key = malloc(nc * sizeof *key);
			tmp = malloc(nc * sizeof *tmp);
			rank = malloc(nc * sizeof *rank);
			cap = nc;
			if (!key || !tmp || !rank) {
				rc = RG_ENOMEM;
				break;
			}
		}
		for (size_t i = 0; i < d; i++)
			key[i] = (uint64_t)sp.slots[i] << 32 | i;
		sort_by_slot(key, tmp, d);
		for (size_t j = 0; j < d; j++)
			rank[(uint32_t)key[j]] = (uint32_t)j;
		uint64_t id = _rg_slot_id(rd, v);
		for (size_t i = 0; i < d && !rc; i += RG_CKPT_RANK_CHUNK) {
			uint32_t n = d - i < RG_CKPT_RANK_CHUNK ? (uint32_t)(d - i) : RG_CKPT_RANK_CHUNK;
			rc = rg__ckpt_writer_inorder(cw, id, i, n, rank + i);
		}
	}
	free(key);
	free(tmp);
	free(rank);
	return rc;
}

/* Writes all live nodes, then all out-edges, then the in-order entries, of
 * the snapshot rd. */
static int write_snapshot(struct rg__ckpt_writer *cw, const struct rg_read *rd)
{
	int rc = 0;
	for (uint64_t s = 0; s < rd->nslots && !rc; s++) {
		uint32_t label;
		if (_rg_node_at(rd, s, &label))
			rc = rg__ckpt_writer_node(cw, _rg_slot_id(rd, s), label);
	}
	for (uint64_t s = 0; s < rd->nslots && !rc; s++) {
		rg_span_t sp;
		if (_rg_span_at(rd, s, RG_OUT, &sp, RG_SPAN_ALL) != 0)
			continue;
		uint64_t id = _rg_slot_id(rd, s);
		for (uint64_t i = 0; i < sp.n && !rc; i++)
			rc = rg__ckpt_writer_edge(cw, id, rg_span_id(&sp, i), rg_span_type(&sp, i),
						  rg_span_prop(&sp, i));
	}
	return rc ? rc : write_inorder(cw, rd);
}

int rg__durable_write_snapshot(void *ctx, int dirfd, uint64_t upto, rg_checkpoint_info_t *info)
{
	rg_graph_t *g = ctx;
	uint64_t t0 = rg__now_ns();
	struct pin p;
	int rc = pin_begin(g, &p);
	if (rc)
		return rc;
	/* Commits are logged before they become visible: wait (briefly) until
	 * everything logged before the roll is visible, so the checkpoint
	 * covers the whole old segment. If it does not get there, the
	 * checkpoint is still correct, only that segment is retired later. */
	for (int spin = 0; p.rd.version < upto && spin < 2000; spin++) {
		pin_end(g, &p);
		struct timespec ts = {0, 500000};
		nanosleep(&ts, NULL);
		if ((rc = pin_begin(g, &p)))
			return rc;
	}
	uint64_t v = p.rd.version;
	struct rg__ckpt_writer *cw = NULL;
	rc = rg__ckpt_writer_open(&cw, dirfd, v);
	if (!rc)
		rc = write_snapshot(cw, &p.rd);
	pin_end(g, &p);
	if (rc) {
		if (cw)
			rg__ckpt_writer_abort(cw);
		return rc;
	}
	uint64_t nodes = 0, edges = 0, bytes = 0;
	rc = rg__ckpt_writer_finish(cw, &nodes, &edges, &bytes);
	if (!rc && info) {
		info->version = v;
		info->nodes = nodes;
		info->edges = edges;
		info->bytes = bytes;
		info->seconds = (double)(rg__now_ns() - t0) * 1e-9;
	}
	return rc;
}
