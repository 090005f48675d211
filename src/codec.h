/*
 * codec.h - INTERNAL on-disk format of the redo log and of checkpoints
 * (docs/log-format.md describes it byte by byte) and its pure codec
 * (codec.c): encoders, the parsers recovery uses (the fuzz targets call
 * them directly on a byte buffer), the segment scan, file names.
 *
 * The bottom of the durability stack: it includes nothing of the log, of
 * the file I/O or of the graph. Decoded contents are handed to the
 * callbacks of struct rg__replay_ops.
 *
 * All integers on disk are little endian. Checksums are XXH3-64 (seed 0).
 */
#ifndef RG_CODEC_H
#define RG_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <rcugraph/rcugraph.h> /* RG_E* codes */

#include "ops.h"

/* ---- constants --------------------------------------------------------- */

#define RG_LOG_MAGIC 0x474c4752u  /* "RGLG" file header of a log segment */
#define RG_REC_MAGIC 0x524c4752u  /* "RGLR" start of every log record */
#define RG_CKPT_MAGIC 0x4b434752u /* "RGCK" file header of a checkpoint */
#define RG_BLK_MAGIC 0x42434752u  /* "RGCB" start of every checkpoint block */

#define RG_LOG_FORMAT 1  /* format version written by this build */
#define RG_CKPT_FORMAT 2  /* 2 adds in-order blocks; format 1 files are still read */

#define RG_LOG_HDR_SIZE 32  /* magic u32, format u16, hdr size u16, first version u64, created ns u64, xxh3 u64 */
#define RG_REC_HDR_SIZE 24  /* magic u32, type u16, flags u16, payload len u32, nops u32, version u64 */
#define RG_REC_TRAILER 8    /* xxh3-64 of header + payload */
#define RG_REC_OVERHEAD (RG_REC_HDR_SIZE + RG_REC_TRAILER)
#define RG_REC_TXN 1        /* the only record type of format 1 */
#define RG_REC_MAX_PAYLOAD 0xfffff000u

#define RG_CKPT_HDR_SIZE 40 /* magic u32, format u16, hdr size u16, version u64, created ns u64, reserved u64, xxh3 u64 */
#define RG_BLK_HDR_SIZE 24  /* magic u32, type u16, flags u16, seq u32, count u32, payload len u32, reserved u32 */
#define RG_BLK_TRAILER 8
#define RG_BLK_NODES 1
#define RG_BLK_EDGES 2
#define RG_BLK_END 3
#define RG_BLK_INORDER 4   /* format 2: after the edges, before the end block */
#define RG_CKPT_RANK_CHUNK 1024 /* ranks per in-order entry (writer) / callback (parser) */
#define RG_BLK_MAX_PAYLOAD (16u << 20) /* parser limit; the writer uses 64 KiB */
#define RG_BLK_TARGET_PAYLOAD (64u << 10)

/* Largest encoding of one op: kind byte + 3 varint64 + varint32. */
#define RG_OP_MAX_ENC (1 + 10 + 10 + 5 + 10)

/* ---- little-endian helpers ------------------------------------------- */

static inline uint16_t rg__le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t rg__le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t rg__le64(const uint8_t *p) { return (uint64_t)rg__le32(p) | (uint64_t)rg__le32(p + 4) << 32; }
static inline void rg__put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void rg__put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void rg__put64(uint8_t *p, uint64_t v) { rg__put32(p, (uint32_t)v); rg__put32(p + 4, (uint32_t)(v >> 32)); }

/* LEB128 varint. Writes at most 10 bytes, returns the bytes written. */
static inline size_t rg__put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Reads a varint from [*p, end). Returns 0 and advances *p, or -1 if it is
 * truncated or longer than 10 bytes / overflows 64 bits. */
static inline int rg__get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t r = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (q >= end)
			return -1;
		uint8_t b = *q++;
		if (shift == 63 && b > 1)
			return -1;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*p = q;
			*v = r;
			return 0;
		}
	}
	return -1;
}

/* ---- what decoded contents are handed to ---------------------------- */

/* Receivers of decoded log records and checkpoint contents: recovery
 * (durable.c) replays each into the graph being opened (single-threaded,
 * before the graph is returned to the caller). Return 0 or an RG_E* code
 * (the parse, and recovery, then fail with it). */
struct rg__replay_ops {
	void *ctx;
	/* a whole committed transaction, in order; `version` is its commit version */
	int (*apply_txn)(void *ctx, uint64_t version, const struct rg__op *ops, size_t n);
	/* checkpoint contents, streamed: nodes first, then edges; called between
	 * begin/end, which bracket one graph transaction */
	int (*ckpt_begin)(void *ctx, uint64_t version);
	int (*ckpt_node)(void *ctx, uint64_t id, uint32_t label);
	int (*ckpt_edge)(void *ctx, uint64_t src, uint64_t dst, uint32_t type, uint64_t prop);
	int (*ckpt_end)(void *ctx);
	/* format 2, after the edges: node id's in-adjacency, as the edges above
	 * built it, must be permuted so that position start + i holds the entry
	 * now at rank[i], for i < n. One node's calls come together, with
	 * consecutive starts from 0, covering its whole in-adjacency. */
	int (*ckpt_inorder)(void *ctx, uint64_t id, uint64_t start, uint32_t n, const uint32_t *rank);
};

/* ---- log: ops encoding, headers, records ------------------------------- */

/* Encodes ops into out (capacity >= n * RG_OP_MAX_ENC). Returns the bytes
 * written, or 0 with an unknown op kind / a u32 field that is not 32-bit. */
size_t rg__codec_encode_ops(const struct rg__op *ops, size_t n, uint8_t *out);

/* Decodes exactly nops ops that must consume exactly len bytes. Returns 0,
 * or -1 if the payload is malformed. */
int rg__codec_decode_ops(const uint8_t *payload, size_t len, uint32_t nops, struct rg__op *ops);

/* Builds a log segment header (RG_LOG_HDR_SIZE bytes). */
void rg__codec_seg_header(uint8_t *out, uint64_t first_version, uint64_t created_ns);

/* Parses a segment header. Returns 0 (fills *first_version), RG_EVERSION
 * (valid magic, newer format), or RG_ECORRUPT (why in *why). */
int rg__codec_parse_seg_header(const uint8_t *buf, size_t len, uint64_t *first_version,
			const char **why);

enum rg__rec_status {
	RG_REC_OK = 0,
	RG_REC_SHORT = 1,    /* fewer bytes than the record claims (or than a header) */
	RG_REC_BAD = 2,      /* bad magic, impossible length, or checksum mismatch */
	RG_REC_NEWER = 3,    /* checksum valid but an unknown record type/flags (newer writer) */
};

struct rg__rec {
	uint64_t version;
	uint32_t nops;
	uint32_t payload_len;
	const uint8_t *payload;
	size_t size; /* total bytes of the record */
};

/* Parses one record at buf[0..len). Returns an rg__rec_status; *why names
 * the problem for RG_REC_SHORT/RG_REC_BAD. The payload is not decoded. */
int rg__codec_parse_record(const uint8_t *buf, size_t len, struct rg__rec *rec, const char **why);

/* Encodes a full record (header, payload, checksum) for the given ops into
 * out, which must hold RG_REC_OVERHEAD + n * RG_OP_MAX_ENC bytes. Returns
 * the record size or 0 for a bad op. */
size_t rg__codec_encode_record(uint8_t *out, uint64_t version, const struct rg__op *ops, size_t n);

/* Scan of one whole segment image (the recovery algorithm, as a pure
 * function over a byte buffer). */
enum rg__scan_status {
	RG_SCAN_OK = 0,      /* every byte after the header belongs to a valid record */
	RG_SCAN_TORN = 1,    /* bad bytes from valid_end on, and no valid later record: torn tail */
	RG_SCAN_CORRUPT = 2, /* a bad record at bad_off FOLLOWED by a valid record with a higher version */
	RG_SCAN_BADHDR = 3,  /* the segment header is missing or invalid */
	RG_SCAN_NEWER = 4,   /* header or a record written by a newer format version */
};

struct rg__seg_scan {
	int status;
	uint64_t first_version; /* from the header */
	uint64_t last_version;  /* of the last valid record (first_version - 1 if none) */
	uint64_t records;       /* valid records */
	uint64_t valid_end;     /* offset just after the last valid record */
	uint64_t bad_off;       /* offset of the first bad record (status TORN/CORRUPT) */
	uint64_t next_off;      /* CORRUPT: offset of the valid record found after it */
	uint64_t next_version;  /* CORRUPT: its version */
	const char *why;        /* what was wrong at bad_off */
};

/* Called for every valid record in order; a nonzero return stops the scan
 * and is returned by rg__codec_scan_segment(). */
typedef int (*rg__rec_fn)(void *ctx, const struct rg__rec *rec);

/* Scans a segment image: validates the header, then records in order; a
 * record is valid only if it parses, its checksum matches and its version is
 * the previous + 1 (the first: the header's first version). Fills *out and
 * returns 0, or what fn returned. */
int rg__codec_scan_segment(const uint8_t *buf, size_t len, struct rg__seg_scan *out, rg__rec_fn fn, void *ctx);

/* ---- checkpoints ----------------------------------------------------- */

struct rg__ckpt_summary {
	uint64_t version;
	uint64_t nodes, edges;
	uint64_t blocks;
	uint64_t ranks; /* in-order ranks (format 2) */
};

/* Parses a whole checkpoint image. With ops == NULL it only validates;
 * otherwise it calls ops->ckpt_begin/node/edge/end (call it validate-first:
 * a checkpoint that fails half way would leave a partly applied graph).
 * Returns 0, RG_ECORRUPT / RG_EVERSION (message with offset in err), or what
 * a callback returned. */
int rg__codec_parse_ckpt(const uint8_t *buf, size_t len, const struct rg__replay_ops *ops,
			 struct rg__ckpt_summary *sum, char *err, size_t errlen);

/* Encoders of the checkpoint writer (ckpt_file.c): the file header
 * (RG_CKPT_HDR_SIZE bytes), one block (header, payload, checksum) from its
 * payload, the entries of a block's payload, and the end block's payload.
 * Each returns the bytes written at out. */
void rg__codec_ckpt_header(uint8_t *out, uint64_t version, uint64_t created_ns);
size_t rg__codec_ckpt_block(uint8_t *out, unsigned type, uint32_t seq, uint32_t count,
			    const uint8_t *payload, size_t plen);
size_t rg__codec_ckpt_node(uint8_t *out, uint64_t id, uint32_t label);
size_t rg__codec_ckpt_edge(uint8_t *out, uint64_t src, uint64_t dst, uint32_t type, uint64_t prop);
/* ranks [start, start + n) of node id's in-adjacency order, n <= RG_CKPT_RANK_CHUNK */
size_t rg__codec_ckpt_inorder(uint8_t *out, uint64_t id, uint64_t start, uint32_t n,
			      const uint32_t *rank);
#define RG_CKPT_END_PAYLOAD 16 /* nodes u64, edges u64 */
void rg__codec_ckpt_end(uint8_t *out, uint64_t nodes, uint64_t edges);

/* The largest entry: an in-order entry (3 varints and up to a chunk of
 * 32-bit ranks); node and edge entries are smaller. */
#define RG_CKPT_ENTRY_MAX (3 * 10 + 5 * RG_CKPT_RANK_CHUNK)
_Static_assert(RG_CKPT_ENTRY_MAX >= RG_OP_MAX_ENC, "edge entries fit too");

/* ---- file names --------------------------------------------------------- */

/* "log-%020llu.rgl", "ckpt-%020llu.rgc". */
#define RG_NAME_MAX 64
void rg__codec_log_name(char *buf, uint64_t first_version);
void rg__codec_ckpt_name(char *buf, uint64_t version);
/* Parses a name of that form; returns 1 and the version, else 0. */
int rg__codec_parse_name(const char *name, const char *prefix, const char *suffix, uint64_t *v);

#endif
