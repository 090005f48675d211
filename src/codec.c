/*
 * codec.c - the on-disk format as pure functions over byte buffers: the
 * operations of a log record, segment headers, records, the scan of a
 * whole segment image (the recovery algorithm), checkpoint blocks, and the
 * file names. No I/O, no threads, no clock: recovery and the fuzz targets
 * (fuzz/) call the same parsers on a buffer.
 *
 * Format: docs/log-format.md and src/codec.h.
 */
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "codec.h"

/* ------------------------------------------------------------------ */
/* File names                                                           */
/* ------------------------------------------------------------------ */

void rg__codec_log_name(char *buf, uint64_t v)
{
	snprintf(buf, RG_NAME_MAX, "log-%020llu.rgl", (unsigned long long)v);
}

void rg__codec_ckpt_name(char *buf, uint64_t v)
{
	snprintf(buf, RG_NAME_MAX, "ckpt-%020llu.rgc", (unsigned long long)v);
}

int rg__codec_parse_name(const char *name, const char *prefix, const char *suffix, uint64_t *v)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), nl = strlen(name);
	if (nl != pl + 20 + sl || strncmp(name, prefix, pl) || strcmp(name + pl + 20, suffix))
		return 0;
	uint64_t r = 0;
	for (size_t i = 0; i < 20; i++) {
		char c = name[pl + i];
		if (c < '0' || c > '9')
			return 0;
		unsigned d = (unsigned)(c - '0');
		if (r > (UINT64_MAX - d) / 10)
			return 0;
		r = r * 10 + d;
	}
	*v = r;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Log: ops, header, records, segment scan                             */
/* ------------------------------------------------------------------ */

size_t rg__codec_encode_ops(const struct rg__op *ops, size_t n, uint8_t *out)
{
	uint8_t *p = out;
	for (size_t i = 0; i < n; i++) {
		const struct rg__op *o = &ops[i];
		*p++ = (uint8_t)o->kind;
		switch (o->kind) {
		case RG_OP_ADD_NODE:
			p += rg__put_varint(p, o->a);
			p += rg__put_varint(p, o->u32);
			break;
		case RG_OP_DEL_NODE:
			p += rg__put_varint(p, o->a);
			break;
		case RG_OP_ADD_EDGE:
			p += rg__put_varint(p, o->a);
			p += rg__put_varint(p, o->b);
			p += rg__put_varint(p, o->u32);
			p += rg__put_varint(p, o->prop);
			break;
		case RG_OP_DEL_EDGE:
			p += rg__put_varint(p, o->a);
			p += rg__put_varint(p, o->b);
			p += rg__put_varint(p, o->u32);
			break;
		default:
			return 0;
		}
	}
	return (size_t)(p - out);
}

int rg__codec_decode_ops(const uint8_t *p, size_t len, uint32_t nops, struct rg__op *ops)
{
	const uint8_t *end = p + len;
	for (uint32_t i = 0; i < nops; i++) {
		struct rg__op *o = &ops[i];
		uint64_t t = 0;
		if (p >= end)
			return -1;
		o->kind = *p++;
		o->a = o->b = o->prop = 0;
		o->u32 = 0;
		switch (o->kind) {
		case RG_OP_ADD_NODE:
			if (rg__get_varint(&p, end, &o->a) || rg__get_varint(&p, end, &t))
				return -1;
			break;
		case RG_OP_DEL_NODE:
			if (rg__get_varint(&p, end, &o->a))
				return -1;
			break;
		case RG_OP_ADD_EDGE:
			if (rg__get_varint(&p, end, &o->a) || rg__get_varint(&p, end, &o->b) ||
			    rg__get_varint(&p, end, &t) || rg__get_varint(&p, end, &o->prop))
				return -1;
			break;
		case RG_OP_DEL_EDGE:
			if (rg__get_varint(&p, end, &o->a) || rg__get_varint(&p, end, &o->b) ||
			    rg__get_varint(&p, end, &t))
				return -1;
			break;
		default:
			return -1;
		}
		if (t > UINT32_MAX)
			return -1;
		o->u32 = (uint32_t)t;
	}
	return p == end ? 0 : -1;
}

void rg__codec_seg_header(uint8_t *h, uint64_t first_version, uint64_t created_ns)
{
	rg__put32(h, RG_LOG_MAGIC);
	rg__put16(h + 4, RG_LOG_FORMAT);
	rg__put16(h + 6, RG_LOG_HDR_SIZE);
	rg__put64(h + 8, first_version);
	rg__put64(h + 16, created_ns);
	rg__put64(h + 24, XXH3_64bits(h, 24));
}

int rg__codec_parse_seg_header(const uint8_t *h, size_t len, uint64_t *first_version, const char **why)
{
	if (len < RG_LOG_HDR_SIZE) {
		*why = "file shorter than the segment header";
		return RG_ECORRUPT;
	}
	if (rg__le32(h) != RG_LOG_MAGIC) {
		*why = "bad segment magic (not an rcugraph log)";
		return RG_ECORRUPT;
	}
	if (rg__le64(h + 24) != XXH3_64bits(h, 24)) {
		*why = "segment header checksum mismatch";
		return RG_ECORRUPT;
	}
	uint16_t fmt = rg__le16(h + 4);
	if (fmt > RG_LOG_FORMAT) {
		*why = "log written by a newer format version";
		return RG_EVERSION;
	}
	if (fmt != RG_LOG_FORMAT || rg__le16(h + 6) != RG_LOG_HDR_SIZE) {
		*why = "unknown segment format / header size";
		return RG_ECORRUPT;
	}
	*first_version = rg__le64(h + 8);
	if (*first_version == 0) {
		*why = "segment first version 0";
		return RG_ECORRUPT;
	}
	return 0;
}

int rg__codec_parse_record(const uint8_t *b, size_t len, struct rg__rec *rec, const char **why)
{
	if (len < RG_REC_HDR_SIZE) {
		*why = "truncated record header";
		return len >= 4 && rg__le32(b) != RG_REC_MAGIC ? RG_REC_BAD : RG_REC_SHORT;
	}
	if (rg__le32(b) != RG_REC_MAGIC) {
		*why = "bad record magic";
		return RG_REC_BAD;
	}
	uint32_t plen = rg__le32(b + 8);
	uint32_t nops = rg__le32(b + 12);
	if (plen > RG_REC_MAX_PAYLOAD) {
		*why = "impossible record length";
		return RG_REC_BAD;
	}
	size_t size = (size_t)RG_REC_OVERHEAD + plen;
	if (size > len) {
		*why = "record extends past the end of the file";
		return RG_REC_SHORT;
	}
	if (rg__le64(b + RG_REC_HDR_SIZE + plen) != XXH3_64bits(b, RG_REC_HDR_SIZE + (size_t)plen)) {
		*why = "record checksum mismatch";
		return RG_REC_BAD;
	}
	/* Checksum is valid from here on: the bytes are what some writer wrote. */
	if (rg__le16(b + 4) != RG_REC_TXN || rg__le16(b + 6) != 0) {
		*why = "record type/flags unknown to this format version";
		return RG_REC_NEWER;
	}
	if ((uint64_t)nops * 2 > plen) { /* every op is at least 2 bytes */
		*why = "op count does not fit the payload";
		return RG_REC_BAD;
	}
	rec->version = rg__le64(b + 16);
	rec->nops = nops;
	rec->payload_len = plen;
	rec->payload = b + RG_REC_HDR_SIZE;
	rec->size = size;
	return RG_REC_OK;
}

size_t rg__codec_encode_record(uint8_t *out, uint64_t version, const struct rg__op *ops, size_t n)
{
	size_t plen = 0;
	if (n) {
		plen = rg__codec_encode_ops(ops, n, out + RG_REC_HDR_SIZE);
		if (!plen)
			return 0;
	}
	if (plen > RG_REC_MAX_PAYLOAD || n > UINT32_MAX)
		return 0;
	rg__put32(out, RG_REC_MAGIC);
	rg__put16(out + 4, RG_REC_TXN);
	rg__put16(out + 6, 0);
	rg__put32(out + 8, (uint32_t)plen);
	rg__put32(out + 12, (uint32_t)n);
	rg__put64(out + 16, version);
	rg__put64(out + RG_REC_HDR_SIZE + plen, XXH3_64bits(out, RG_REC_HDR_SIZE + plen));
	return RG_REC_OVERHEAD + plen;
}

/* Looks for any valid record with version > after in buf[from, len). */
static int find_later_record(const uint8_t *buf, size_t len, size_t from, uint64_t after,
			     uint64_t *off, uint64_t *ver)
{
	for (size_t p = from; p + RG_REC_OVERHEAD <= len; p++) {
		if (buf[p] != (RG_REC_MAGIC & 0xff))
			continue;
		struct rg__rec r;
		const char *why;
		int st = rg__codec_parse_record(buf + p, len - p, &r, &why);
		if (st == RG_REC_OK && r.version > after) {
			*off = p;
			*ver = r.version;
			return 1;
		}
	}
	return 0;
}

int rg__codec_scan_segment(const uint8_t *buf, size_t len, struct rg__seg_scan *s, rg__rec_fn fn, void *ctx)
{
	memset(s, 0, sizeof *s);
	int hr = rg__codec_parse_seg_header(buf, len, &s->first_version, &s->why);
	if (hr) {
		s->status = hr == RG_EVERSION ? RG_SCAN_NEWER : RG_SCAN_BADHDR;
		return 0;
	}
	s->last_version = s->first_version - 1;
	size_t off = RG_LOG_HDR_SIZE;
	while (off < len) {
		struct rg__rec r;
		const char *why = NULL;
		int st = rg__codec_parse_record(buf + off, len - off, &r, &why);
		if (st == RG_REC_OK && r.version != s->last_version + 1) {
			st = RG_REC_BAD;
			why = r.version <= s->last_version ? "record version repeats an earlier one"
							   : "record version skips ahead (missing records)";
		}
		if (st == RG_REC_NEWER) {
			s->status = RG_SCAN_NEWER;
			s->bad_off = off;
			s->why = why;
			s->valid_end = off;
			return 0;
		}
		if (st != RG_REC_OK) {
			s->bad_off = off;
			s->why = why;
			s->valid_end = off;
			if (find_later_record(buf, len, off, s->last_version, &s->next_off, &s->next_version))
				s->status = RG_SCAN_CORRUPT;
			else
				s->status = RG_SCAN_TORN;
			return 0;
		}
		if (fn) {
			int rc = fn(ctx, &r);
			if (rc) {
				s->valid_end = off;
				return rc;
			}
		}
		s->last_version = r.version;
		s->records++;
		off += r.size;
	}
	s->valid_end = off;
	s->status = RG_SCAN_OK;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Checkpoints: parser                                                  */
/* ------------------------------------------------------------------ */

#define PERR(...)                                                   \
	do {                                                        \
		if (err && errlen)                                  \
			snprintf(err, errlen, __VA_ARGS__);         \
	} while (0)

/* Blocks come in the order nodes*, edges*, in-order* (format 2), end:
 * the position of a block type in that order, 0 if not allowed. */
static unsigned blk_phase(unsigned type, unsigned fmt)
{
	switch (type) {
	case RG_BLK_NODES: return 1;
	case RG_BLK_EDGES: return 2;
	case RG_BLK_INORDER: return fmt >= 2 ? 3 : 0;
	case RG_BLK_END: return 4;
	default: return 0;
	}
}

/* One in-order entry (varint id, start, n, then n varint ranks), handed to
 * ops->ckpt_inorder in pieces of at most RG_CKPT_RANK_CHUNK ranks. */
static int parse_inorder(const uint8_t **p, const uint8_t *end, const struct rg__replay_ops *ops,
			 uint64_t *ranks)
{
	uint64_t id, start, n;
	if (rg__get_varint(p, end, &id) || rg__get_varint(p, end, &start) || rg__get_varint(p, end, &n) ||
	    n == 0 || n > UINT32_MAX || start > UINT32_MAX || start + n > UINT32_MAX)
		return RG_ECORRUPT;
	uint32_t chunk[RG_CKPT_RANK_CHUNK];
	for (uint64_t done = 0; done < n;) {
		uint32_t m = n - done < RG_CKPT_RANK_CHUNK ? (uint32_t)(n - done) : RG_CKPT_RANK_CHUNK;
		for (uint32_t k = 0; k < m; k++) {
			uint64_t r;
			if (rg__get_varint(p, end, &r) || r > UINT32_MAX)
				return RG_ECORRUPT;
			chunk[k] = (uint32_t)r;
		}
		int rc;
		if (ops && (rc = ops->ckpt_inorder(ops->ctx, id, start + done, m, chunk)))
			return rc;
		done += m;
	}
	*ranks += n;
	return 0;
}

int rg__codec_parse_ckpt(const uint8_t *buf, size_t len, const struct rg__replay_ops *ops,
			 struct rg__ckpt_summary *sum, char *err, size_t errlen)
{
	struct rg__ckpt_summary s = {0};
	if (len < RG_CKPT_HDR_SIZE) {
		PERR("offset 0: file shorter than the checkpoint header (%zu bytes)", len);
		return RG_ECORRUPT;
	}
	if (rg__le32(buf) != RG_CKPT_MAGIC) {
		PERR("offset 0: bad checkpoint magic");
		return RG_ECORRUPT;
	}
	if (rg__le64(buf + 32) != XXH3_64bits(buf, 32)) {
		PERR("offset 0: checkpoint header checksum mismatch");
		return RG_ECORRUPT;
	}
	unsigned fmt = rg__le16(buf + 4);
	if (fmt > RG_CKPT_FORMAT) {
		PERR("offset 4: checkpoint written by format version %u, this build reads up to %u", fmt,
		     RG_CKPT_FORMAT);
		return RG_EVERSION;
	}
	if (fmt < 1 || rg__le16(buf + 6) != RG_CKPT_HDR_SIZE) {
		PERR("offset 4: unknown checkpoint format %u / header size %u", fmt, rg__le16(buf + 6));
		return RG_ECORRUPT;
	}
	s.version = rg__le64(buf + 8);
	int rc;
	if (ops && (rc = ops->ckpt_begin(ops->ctx, s.version)))
		return rc;

	size_t off = RG_CKPT_HDR_SIZE;
	unsigned phase = 1; /* blk_phase of the blocks seen so far */
	int ended = 0;
	while (off < len) {
		if (ended) {
			PERR("offset %zu: bytes after the end block", off);
			return RG_ECORRUPT;
		}
		if (len - off < RG_BLK_HDR_SIZE + RG_BLK_TRAILER) {
			PERR("offset %zu: truncated block", off);
			return RG_ECORRUPT;
		}
		const uint8_t *b = buf + off;
		if (rg__le32(b) != RG_BLK_MAGIC) {
			PERR("offset %zu: bad block magic", off);
			return RG_ECORRUPT;
		}
		unsigned type = rg__le16(b + 4);
		uint32_t seq = rg__le32(b + 8), count = rg__le32(b + 12), plen = rg__le32(b + 16);
		if (plen > RG_BLK_MAX_PAYLOAD || plen > len - off - RG_BLK_HDR_SIZE - RG_BLK_TRAILER) {
			PERR("offset %zu: block length %u runs past the end of the file", off, plen);
			return RG_ECORRUPT;
		}
		if (rg__le64(b + RG_BLK_HDR_SIZE + plen) != XXH3_64bits(b, RG_BLK_HDR_SIZE + (size_t)plen)) {
			PERR("offset %zu: block checksum mismatch", off);
			return RG_ECORRUPT;
		}
		if (seq != s.blocks || rg__le16(b + 6) != 0 || rg__le32(b + 20) != 0) {
			PERR("offset %zu: block sequence %u, expected %llu (or nonzero reserved fields)", off, seq,
			     (unsigned long long)s.blocks);
			return RG_ECORRUPT;
		}
		unsigned ph = blk_phase(type, fmt);
		if (!ph || ph < phase) {
			PERR("offset %zu: block type %u out of order (or unknown to format %u)", off, type, fmt);
			return RG_ECORRUPT;
		}
		phase = ph;
		const uint8_t *p = b + RG_BLK_HDR_SIZE, *end = p + plen;
		if (type == RG_BLK_END) {
			if (plen != 16 || count != 0) {
				PERR("offset %zu: malformed end block", off);
				return RG_ECORRUPT;
			}
			if (rg__le64(p) != s.nodes || rg__le64(p + 8) != s.edges) {
				PERR("offset %zu: end block counts (%llu nodes, %llu edges) do not match the file "
				     "(%llu, %llu)",
				     off, (unsigned long long)rg__le64(p), (unsigned long long)rg__le64(p + 8),
				     (unsigned long long)s.nodes, (unsigned long long)s.edges);
				return RG_ECORRUPT;
			}
			ended = 1;
		} else if (type == RG_BLK_INORDER) {
			for (uint32_t i = 0; i < count; i++)
				if ((rc = parse_inorder(&p, end, ops, &s.ranks))) {
					if (rc == RG_ECORRUPT)
						PERR("offset %zu: malformed in-order entry %u", off, i);
					return rc;
				}
			if (p != end) {
				PERR("offset %zu: block payload longer than its %u entries", off, count);
				return RG_ECORRUPT;
			}
		} else {
			for (uint32_t i = 0; i < count; i++) {
				uint64_t a, bb, t, prop;
				if (type == RG_BLK_NODES) {
					if (rg__get_varint(&p, end, &a) || rg__get_varint(&p, end, &t) || t > UINT32_MAX) {
						PERR("offset %zu: malformed node entry %u", off, i);
						return RG_ECORRUPT;
					}
					if (ops && (rc = ops->ckpt_node(ops->ctx, a, (uint32_t)t)))
						return rc;
				} else {
					if (rg__get_varint(&p, end, &a) || rg__get_varint(&p, end, &bb) ||
					    rg__get_varint(&p, end, &t) || rg__get_varint(&p, end, &prop) ||
					    t > UINT32_MAX) {
						PERR("offset %zu: malformed edge entry %u", off, i);
						return RG_ECORRUPT;
					}
					if (ops && (rc = ops->ckpt_edge(ops->ctx, a, bb, (uint32_t)t, prop)))
						return rc;
				}
			}
			if (p != end) {
				PERR("offset %zu: block payload longer than its %u entries", off, count);
				return RG_ECORRUPT;
			}
			if (type == RG_BLK_NODES)
				s.nodes += count;
			else
				s.edges += count;
		}
		s.blocks++;
		off += RG_BLK_HDR_SIZE + (size_t)plen + RG_BLK_TRAILER;
	}
	if (!ended) {
		PERR("offset %zu: checkpoint ends without its end block (truncated)", off);
		return RG_ECORRUPT;
	}
	if (ops && (rc = ops->ckpt_end(ops->ctx)))
		return rc;
	if (sum)
		*sum = s;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Checkpoints: encoders                                                */
/* ------------------------------------------------------------------ */

void rg__codec_ckpt_header(uint8_t *h, uint64_t version, uint64_t created_ns)
{
	rg__put32(h, RG_CKPT_MAGIC);
	rg__put16(h + 4, RG_CKPT_FORMAT);
	rg__put16(h + 6, RG_CKPT_HDR_SIZE);
	rg__put64(h + 8, version);
	rg__put64(h + 16, created_ns);
	rg__put64(h + 24, 0);
	rg__put64(h + 32, XXH3_64bits(h, 32));
}

size_t rg__codec_ckpt_block(uint8_t *h, unsigned type, uint32_t seq, uint32_t count,
			    const uint8_t *payload, size_t plen)
{
	rg__put32(h, RG_BLK_MAGIC);
	rg__put16(h + 4, (uint16_t)type);
	rg__put16(h + 6, 0);
	rg__put32(h + 8, seq);
	rg__put32(h + 12, count);
	rg__put32(h + 16, (uint32_t)plen);
	rg__put32(h + 20, 0);
	memcpy(h + RG_BLK_HDR_SIZE, payload, plen);
	rg__put64(h + RG_BLK_HDR_SIZE + plen, XXH3_64bits(h, RG_BLK_HDR_SIZE + plen));
	return RG_BLK_HDR_SIZE + plen + RG_BLK_TRAILER;
}

size_t rg__codec_ckpt_node(uint8_t *out, uint64_t id, uint32_t label)
{
	uint8_t *p = out;
	p += rg__put_varint(p, id);
	p += rg__put_varint(p, label);
	return (size_t)(p - out);
}

size_t rg__codec_ckpt_edge(uint8_t *out, uint64_t src, uint64_t dst, uint32_t type, uint64_t prop)
{
	uint8_t *p = out;
	p += rg__put_varint(p, src);
	p += rg__put_varint(p, dst);
	p += rg__put_varint(p, type);
	p += rg__put_varint(p, prop);
	return (size_t)(p - out);
}

size_t rg__codec_ckpt_inorder(uint8_t *out, uint64_t id, uint64_t start, uint32_t n,
			      const uint32_t *rank)
{
	uint8_t *p = out;
	p += rg__put_varint(p, id);
	p += rg__put_varint(p, start);
	p += rg__put_varint(p, n);
	for (uint32_t i = 0; i < n; i++)
		p += rg__put_varint(p, rank[i]);
	return (size_t)(p - out);
}

void rg__codec_ckpt_end(uint8_t *out, uint64_t nodes, uint64_t edges)
{
	rg__put64(out, nodes);
	rg__put64(out + 8, edges);
}
