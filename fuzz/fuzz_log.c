/*
 * fuzz_log.c - libFuzzer target for the redo log parsers (src/codec.h).
 *
 * Each input is used three ways:
 *   1. as a raw segment image: rg__codec_scan_segment() with a callback that decodes
 *      every valid record's ops (the recovery path);
 *   2. as a raw op payload: rg__codec_decode_ops() with the op count taken
 *      from the first byte (reaches the decoder past the checksum);
 *   3. wrapped into a well-formed segment (header + records with correct
 *      checksums, payload = slices of the input), so the scanner's
 *      chaining and the decoder get exercised with valid checksums.
 * Invariants checked: the scan never reports more than it read, decoded
 * ops re-encode to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "codec.h"

static int on_rec(void *ctx, const struct rg__rec *r)
{
	(void)ctx;
	struct rg__op *ops = malloc((r->nops ? r->nops : 1) * sizeof *ops);
	if (!ops)
		return 0;
	if (rg__codec_decode_ops(r->payload, r->payload_len, r->nops, ops) == 0 && r->nops) {
		uint8_t *re = malloc((size_t)r->nops * RG_OP_MAX_ENC);
		size_t n = rg__codec_encode_ops(ops, r->nops, re);
		/* LEB128 has non-canonical encodings (e.g. 0x80 0x00), so only
		 * check that re-encoding is never longer */
		if (n == 0 || n > r->payload_len)
			abort();
		free(re);
	}
	free(ops);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rg__seg_scan s;
	rg__codec_scan_segment(data, size, &s, on_rec, NULL);
	if (s.valid_end > size || (s.status == RG_SCAN_TORN && s.bad_off > size))
		abort();

	if (size >= 1) {
		uint32_t nops = data[0] % 16;
		struct rg__op ops[16];
		rg__codec_decode_ops(data + 1, size - 1, nops, ops);
	}

	/* wrap: header + records whose payload/nops come from the input */
	size_t cap = RG_LOG_HDR_SIZE + size * 2 + 64 * RG_REC_OVERHEAD;
	uint8_t *img = malloc(cap);
	rg__codec_seg_header(img, 1, 0);
	size_t off = RG_LOG_HDR_SIZE, in = 0;
	uint64_t v = 1;
	while (in + 2 <= size && off + RG_REC_OVERHEAD + size < cap) {
		uint32_t nops = data[in] % 8;
		size_t plen = data[in + 1] % 64;
		in += 2;
		if (plen > size - in)
			plen = size - in;
		uint8_t *r = img + off;
		rg__put32(r, RG_REC_MAGIC);
		rg__put16(r + 4, RG_REC_TXN);
		rg__put16(r + 6, 0);
		rg__put32(r + 8, (uint32_t)plen);
		rg__put32(r + 12, nops);
		rg__put64(r + 16, (plen & 1) && in > 40 ? v + 1 : v); /* sometimes a version gap */
		memcpy(r + RG_REC_HDR_SIZE, data + in, plen);
		rg__put64(r + RG_REC_HDR_SIZE + plen, XXH3_64bits(r, RG_REC_HDR_SIZE + plen));
		off += RG_REC_OVERHEAD + plen;
		in += plen;
		v++;
	}
	rg__codec_scan_segment(img, off, &s, on_rec, NULL);
	if (s.valid_end > off)
		abort();
	free(img);
	return 0;
}
