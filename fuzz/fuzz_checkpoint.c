/*
 * fuzz_checkpoint.c - libFuzzer target for the checkpoint parser.
 *
 * Each input is parsed (1) raw, validate-only and with callbacks, and
 * (2) wrapped into a well-formed checkpoint (valid header, node / edge /
 * in-order / end blocks with correct checksums whose payloads and counts come from
 * the input), so the entry decoder is reached behind the checksums.
 * Invariant: validate-only and callback parsing agree, and callbacks see
 * exactly the counts the summary reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

struct cnt {
	uint64_t begins, nodes, edges, ends, ranks;
};
static int c_begin(void *c, uint64_t v) { (void)v; ((struct cnt *)c)->begins++; return 0; }
static int c_node(void *c, uint64_t id, uint32_t l) { (void)id; (void)l; ((struct cnt *)c)->nodes++; return 0; }
static int c_edge(void *c, uint64_t s, uint64_t d, uint32_t t, uint64_t p)
{
	(void)s; (void)d; (void)t; (void)p;
	((struct cnt *)c)->edges++;
	return 0;
}
static int c_end(void *c) { ((struct cnt *)c)->ends++; return 0; }
static int c_inorder(void *c, uint64_t id, uint64_t start, uint32_t n, const uint32_t *rank)
{
	(void)id; (void)start; (void)rank;
	if (!n || n > RG_CKPT_RANK_CHUNK)
		abort();
	((struct cnt *)c)->ranks += n;
	return 0;
}

static void check(const uint8_t *b, size_t len)
{
	struct rg__ckpt_summary s1, s2;
	char err[256];
	int r1 = rg__codec_parse_ckpt(b, len, NULL, &s1, err, sizeof err);
	struct cnt c = {0};
	struct rg__replay_ops ops = {&c, NULL, c_begin, c_node, c_edge, c_end, c_inorder};
	int r2 = rg__codec_parse_ckpt(b, len, &ops, &s2, err, sizeof err);
	if (r1 != r2)
		abort();
	if (r1 == 0 && (c.nodes != s1.nodes || c.edges != s1.edges || c.ends != 1 ||
			c.ranks != s1.ranks || s1.nodes != s2.nodes || s1.edges != s2.edges ||
			s1.ranks != s2.ranks))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size);

	size_t cap = RG_CKPT_HDR_SIZE + size + 64 * (RG_BLK_HDR_SIZE + RG_BLK_TRAILER) + 64;
	uint8_t *img = malloc(cap);
	rg__codec_ckpt_header(img, 7, 0);
	size_t off = RG_CKPT_HDR_SIZE, in = 0;
	uint32_t seq = 0;
	uint64_t nodes = 0, edges = 0;
	while (in + 2 <= size && seq < 60) {
		static const unsigned types[4] = {RG_BLK_NODES, RG_BLK_EDGES, RG_BLK_INORDER, RG_BLK_EDGES};
		unsigned type = types[data[in] & 3];
		uint32_t count = data[in] >> 2;
		size_t plen = data[in + 1] % 128;
		in += 2;
		if (plen > size - in)
			plen = size - in;
		off += rg__codec_ckpt_block(img + off, type, seq++, count, data + in, plen);
		in += plen;
		if (type == RG_BLK_NODES)
			nodes += count;
		else if (type == RG_BLK_EDGES)
			edges += count;
	}
	uint8_t endp[RG_CKPT_END_PAYLOAD];
	rg__codec_ckpt_end(endp, nodes, edges);
	off += rg__codec_ckpt_block(img + off, RG_BLK_END, seq, 0, endp, sizeof endp);
	check(img, off);
	free(img);
	return 0;
}
