/*
 * ckpt_file.c - checkpoint files over the codec: the streaming writer (a
 * temp file filled block by block, fsynced and renamed into place) and the
 * loader (map, validate, apply). Which snapshot a checkpoint holds is the
 * caller's business (durable_ckpt.c); the format is codec.c's.
 *
 * Format: docs/log-format.md and src/codec.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckpt_file.h"
#include "io.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Loader                                                               */
/* ------------------------------------------------------------------ */

int rg__ckpt_load(int dirfd, const char *name, const struct rg__replay_ops *ops,
		  struct rg__ckpt_summary *sum, char *err, size_t errlen)
{
	struct rg__mapped m;
	const char *step;
	int r = rg__io_map(dirfd, name, 0, &m, &step);
	if (r) {
		rg__seterr(err, errlen, "%s: cannot %s: %s", name, step, strerror(-r));
		return r == -ENOENT && !strcmp(step, "open") ? RG_ECORRUPT : rg__io_err(r);
	}
	char perr[200] = "";
	struct rg__ckpt_summary s = {0};
	int rc = rg__codec_parse_ckpt(m.p ? m.p : (const uint8_t *)"", m.len, ops, &s, perr, sizeof perr);
	uint64_t nv;
	if (!rc && rg__codec_parse_name(name, "ckpt-", ".rgc", &nv) && nv != s.version) {
		snprintf(perr, sizeof perr, "offset 8: header version %llu does not match the file name",
			 (unsigned long long)s.version);
		rc = RG_ECORRUPT;
	}
	rg__io_unmap(&m, 0);
	if (rc && err && errlen && perr[0])
		snprintf(err, errlen, "%s: %s", name, perr);
	else if (rc && err && errlen)
		snprintf(err, errlen, "%s: applying the checkpoint failed: %s", name, rg_strerror(rc));
	if (!rc && sum)
		*sum = s;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Writer                                                               */
/* ------------------------------------------------------------------ */

#define OUTBUF (1u << 20)

struct rg__ckpt_writer {
	int dirfd, fd;
	uint64_t version;
	char tmp[RG_NAME_MAX + 8];
	uint8_t *out; /* file bytes not yet written */
	size_t outlen;
	uint64_t off; /* file offset of out[0] */
	uint8_t *blk; /* current block: header room + payload */
	size_t blklen; /* payload bytes */
	unsigned blktype;
	uint32_t blkcount;
	uint32_t seq;
	uint64_t nodes, edges;
	int err;
};

static int cw_flush_out(struct rg__ckpt_writer *cw)
{
	if (!cw->outlen)
		return 0;
	int r = rg__io_pwrite_all(cw->fd, cw->out, cw->outlen, (off_t)cw->off);
	if (r)
		return cw->err = rg__io_err(r);
	cw->off += cw->outlen;
	cw->outlen = 0;
	return 0;
}

static int cw_emit(struct rg__ckpt_writer *cw, unsigned type, uint32_t count, const uint8_t *payload,
		   size_t plen)
{
	size_t total = RG_BLK_HDR_SIZE + plen + RG_BLK_TRAILER;
	if (cw->outlen + total > OUTBUF && cw_flush_out(cw))
		return cw->err;
	cw->outlen += rg__codec_ckpt_block(cw->out + cw->outlen, type, cw->seq++, count, payload, plen);
	return 0;
}

static int cw_end_block(struct rg__ckpt_writer *cw)
{
	if (!cw->blkcount)
		return 0;
	int rc = cw_emit(cw, cw->blktype, cw->blkcount, cw->blk, cw->blklen);
	cw->blklen = 0;
	cw->blkcount = 0;
	return rc;
}

/* Where the next entry of block `type` goes: closes the open block first
 * if it is of another type. NULL after an error (cw->err). */
static uint8_t *cw_entry_begin(struct rg__ckpt_writer *cw, unsigned type)
{
	if (cw->blktype != type) {
		if (cw_end_block(cw))
			return NULL;
		cw->blktype = type;
	}
	return cw->blk + cw->blklen;
}

/* Accounts the entry that ends at p; closes the block at its target size. */
static int cw_entry_end(struct rg__ckpt_writer *cw, const uint8_t *p)
{
	cw->blklen = (size_t)(p - cw->blk);
	cw->blkcount++;
	return cw->blklen >= RG_BLK_TARGET_PAYLOAD ? cw_end_block(cw) : 0;
}

int rg__ckpt_writer_open(struct rg__ckpt_writer **out, int dirfd, uint64_t version)
{
	if (rg__io_ckpt_fault())
		return RG_EIO; /* test hook (io.h) */
	struct rg__ckpt_writer *cw = calloc(1, sizeof *cw);
	if (!cw)
		return RG_ENOMEM;
	cw->out = malloc(OUTBUF);
	/* a block is closed once it reaches the target: target + one entry */
	cw->blk = malloc(RG_BLK_TARGET_PAYLOAD + RG_CKPT_ENTRY_MAX);
	if (!cw->out || !cw->blk) {
		free(cw->out);
		free(cw->blk);
		free(cw);
		return RG_ENOMEM;
	}
	cw->dirfd = dirfd;
	cw->version = version;
	cw->blktype = RG_BLK_NODES;
	char name[RG_NAME_MAX];
	rg__codec_ckpt_name(name, version);
	snprintf(cw->tmp, sizeof cw->tmp, "%s.tmp", name);
	unlinkat(dirfd, cw->tmp, 0);
	cw->fd = openat(dirfd, cw->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (cw->fd < 0) {
		int rc = rg__io_err(-errno);
		free(cw->out);
		free(cw->blk);
		free(cw);
		return rc;
	}
	rg__codec_ckpt_header(cw->out, version, rg__wall_ns());
	cw->outlen = RG_CKPT_HDR_SIZE;
	*out = cw;
	return 0;
}

int rg__ckpt_writer_node(struct rg__ckpt_writer *cw, uint64_t id, uint32_t label)
{
	if (cw->err)
		return cw->err;
	if (cw->blktype != RG_BLK_NODES)
		return RG_ESTATE;
	uint8_t *p = cw->blk + cw->blklen;
	p += rg__codec_ckpt_node(p, id, label);
	cw->nodes++;
	return cw_entry_end(cw, p);
}

int rg__ckpt_writer_edge(struct rg__ckpt_writer *cw, uint64_t src, uint64_t dst, uint32_t type,
			uint64_t prop)
{
	if (cw->err)
		return cw->err;
	if (cw->blktype == RG_BLK_INORDER)
		return RG_ESTATE;
	uint8_t *p = cw_entry_begin(cw, RG_BLK_EDGES);
	if (!p)
		return cw->err;
	p += rg__codec_ckpt_edge(p, src, dst, type, prop);
	cw->edges++;
	return cw_entry_end(cw, p);
}

int rg__ckpt_writer_inorder(struct rg__ckpt_writer *cw, uint64_t id, uint64_t start, uint32_t n,
			    const uint32_t *rank)
{
	if (cw->err)
		return cw->err;
	if (!n || n > RG_CKPT_RANK_CHUNK)
		return RG_EINVAL;
	uint8_t *p = cw_entry_begin(cw, RG_BLK_INORDER);
	if (!p)
		return cw->err;
	p += rg__codec_ckpt_inorder(p, id, start, n, rank);
	return cw_entry_end(cw, p);
}

void rg__ckpt_writer_abort(struct rg__ckpt_writer *cw)
{
	if (!cw)
		return;
	if (cw->fd >= 0) {
		close(cw->fd);
		unlinkat(cw->dirfd, cw->tmp, 0);
	}
	free(cw->out);
	free(cw->blk);
	free(cw);
}

int rg__ckpt_writer_finish(struct rg__ckpt_writer *cw, uint64_t *nodes, uint64_t *edges, uint64_t *bytes)
{
	int rc = cw->err;
	if (!rc)
		rc = cw_end_block(cw);
	if (!rc) {
		uint8_t endp[RG_CKPT_END_PAYLOAD];
		rg__codec_ckpt_end(endp, cw->nodes, cw->edges);
		rc = cw_emit(cw, RG_BLK_END, 0, endp, sizeof endp);
	}
	if (!rc)
		rc = cw_flush_out(cw);
	if (!rc) {
		int r = rg__io_sync(cw->fd, 0);
		if (r)
			rc = rg__io_err(r);
	}
	char name[RG_NAME_MAX];
	rg__codec_ckpt_name(name, cw->version);
	if (!rc && renameat(cw->dirfd, cw->tmp, cw->dirfd, name))
		rc = rg__io_err(-errno);
	if (rc) {
		rg__ckpt_writer_abort(cw);
		return rc;
	}
	int r = rg__io_sync(cw->dirfd, 0);
	if (nodes)
		*nodes = cw->nodes;
	if (edges)
		*edges = cw->edges;
	if (bytes)
		*bytes = cw->off;
	close(cw->fd);
	cw->fd = -1;
	rg__ckpt_writer_abort(cw);
	return r ? rg__io_err(r) : 0;
}
