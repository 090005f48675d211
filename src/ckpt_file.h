/*
 * ckpt_file.h - INTERNAL checkpoint files (ckpt_file.c): the streaming
 * writer and the loader, file I/O over the codec (codec.h). The snapshot
 * a checkpoint holds is chosen and read by the caller (durable_ckpt.c).
 */
#ifndef RG_CKPT_FILE_H
#define RG_CKPT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "codec.h"

/* Streaming checkpoint writer: writes <dir>/ckpt-<version>.rgc.tmp. */
struct rg__ckpt_writer;
int rg__ckpt_writer_open(struct rg__ckpt_writer **out, int dirfd, uint64_t version);
int rg__ckpt_writer_node(struct rg__ckpt_writer *cw, uint64_t id, uint32_t label);
/* All nodes must be added before the first edge, and all edges before the
 * first in-order entry (RG_ESTATE otherwise: the parser wants that order). */
int rg__ckpt_writer_edge(struct rg__ckpt_writer *cw, uint64_t src, uint64_t dst, uint32_t type, uint64_t prop);
/* After the last edge: ranks [start, start + n) of node id's in-adjacency
 * order (see docs/log-format.md); n <= RG_CKPT_RANK_CHUNK. */
int rg__ckpt_writer_inorder(struct rg__ckpt_writer *cw, uint64_t id, uint64_t start, uint32_t n,
			    const uint32_t *rank);
/* Writes the end block, fsyncs, renames to ckpt-<version>.rgc, fsyncs the
 * directory, frees cw. *bytes receives the file size. */
int rg__ckpt_writer_finish(struct rg__ckpt_writer *cw, uint64_t *nodes, uint64_t *edges, uint64_t *bytes);
/* Removes the temp file and frees cw (after an error). */
void rg__ckpt_writer_abort(struct rg__ckpt_writer *cw);

/* Reads <dirfd>/<name> fully, validates, then (if ops) applies it.
 * err gets "<name>: offset N: ..." messages. */
int rg__ckpt_load(int dirfd, const char *name, const struct rg__replay_ops *ops,
		  struct rg__ckpt_summary *sum, char *err, size_t errlen);

#endif
