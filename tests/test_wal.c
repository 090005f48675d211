/*
 * test_wal.c - the redo log and checkpoint files on their own (src/log.h,
 * src/ckpt_file.h, src/codec.h):
 * format, round trips under every policy, truncation at every byte,
 * bit flips, garbage tails, newer format versions, salvage, missing and
 * corrupt checkpoints, ENOSPC / EIO fault injection (and a real full tmpfs
 * when mount(2) is allowed).
 *
 * Recovery is driven with fake replay callbacks that record what they get,
 * so the log is tested independently of the graph core; checkpoints of a
 * live graph use an in-memory graph through the public API.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "testdump.h"
#include "testutil.h"
#include "durable.h"
#include "ckpt_file.h"
#include "io.h"
#include "log.h"

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */
/* ------------------------------------------------------------------ */

struct txnrec {
	uint64_t version;
	size_t n;
	struct rg__op *ops;
};

struct rec {
	struct txnrec *t;
	size_t n, cap;
	int ckpt_begun, ckpt_ended;
	uint64_t ckpt_version;
	uint64_t ckpt_nodes, ckpt_edges, ckpt_ranks;
	uint64_t node_sum, edge_sum;
};

static int r_apply(void *ctx, uint64_t v, const struct rg__op *ops, size_t n)
{
	struct rec *r = ctx;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->t = realloc(r->t, r->cap * sizeof *r->t);
	}
	struct txnrec *t = &r->t[r->n++];
	t->version = v;
	t->n = n;
	t->ops = malloc((n ? n : 1) * sizeof *ops);
	memcpy(t->ops, ops, n * sizeof *ops);
	return 0;
}
static int r_begin(void *ctx, uint64_t v)
{
	struct rec *r = ctx;
	r->ckpt_begun++;
	r->ckpt_version = v;
	return 0;
}
static int r_node(void *ctx, uint64_t id, uint32_t label)
{
	struct rec *r = ctx;
	r->ckpt_nodes++;
	r->node_sum += id * 31 + label;
	return 0;
}
static int r_edge(void *ctx, uint64_t s, uint64_t d, uint32_t t, uint64_t p)
{
	struct rec *r = ctx;
	r->ckpt_edges++;
	r->edge_sum += s * 7 + d * 13 + t * 17 + p;
	return 0;
}
static int r_end(void *ctx)
{
	struct rec *r = ctx;
	r->ckpt_ended++;
	return 0;
}
static int r_inorder(void *ctx, uint64_t id, uint64_t start, uint32_t n, const uint32_t *rank)
{
	struct rec *r = ctx;
	(void)id; (void)start; (void)rank;
	r->ckpt_ranks += n;
	return 0;
}

static void rec_free(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->t[i].ops);
	free(r->t);
	memset(r, 0, sizeof *r);
}

static struct rg__replay_ops rops(struct rec *r)
{
	struct rg__replay_ops o = {r, r_apply, r_begin, r_node, r_edge, r_end, r_inorder};
	return o;
}

/* The deterministic content of transaction v. */
static size_t gen_ops(uint64_t v, struct rg__op *ops)
{
	size_t n = 1 + v % 5;
	for (size_t i = 0; i < n; i++) {
		struct rg__op *o = &ops[i];
		memset(o, 0, sizeof *o);
		o->kind = 1 + (uint32_t)((v + i) % 4);
		o->a = v * 1000 + i;
		if (o->kind == RG_OP_ADD_NODE)
			o->u32 = (uint32_t)(v * 3 + i);
		if (o->kind == RG_OP_ADD_EDGE || o->kind == RG_OP_DEL_EDGE) {
			o->b = (v * 7919 + i) << (v % 40);
			o->u32 = o->kind == RG_OP_DEL_EDGE && v % 3 == 0 ? RG_TYPE_ANY : (uint32_t)(v % 9);
		}
		if (o->kind == RG_OP_ADD_EDGE)
			o->prop = v % 2 ? UINT64_MAX - v : v;
	}
	return n;
}

static void check_txn(const struct txnrec *t, uint64_t v)
{
	struct rg__op ops[8];
	size_t n = gen_ops(v, ops);
	cr_assert_eq(t->version, v, "replayed version %llu, expected %llu", (unsigned long long)t->version,
		     (unsigned long long)v);
	cr_assert_eq(t->n, n);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(t->ops[i].kind, ops[i].kind);
		cr_assert_eq(t->ops[i].a, ops[i].a);
		cr_assert_eq(t->ops[i].b, ops[i].b);
		cr_assert_eq(t->ops[i].u32, ops[i].u32);
		cr_assert_eq(t->ops[i].prop, ops[i].prop);
	}
}

static char *mkdir_tmp(void)
{
	char *d = strdup("/tmp/rgwal-XXXXXX");
	cr_assert(mkdtemp(d));
	return d;
}


static struct rg__log_config cfg_of(const char *dir, int durability)
{
	struct rg__log_config c = {.dir = dir, .durability = durability, .interval_ms = 5};
	return c;
}

/* Opens the log in dir with recording callbacks. */
static int open_rec(const char *dir, int salvage, struct rec *r, struct rg__log **w, rg_recovery_t *rep,
		    char *err, size_t errlen)
{
	struct rg__log_config c = cfg_of(dir, RG_DURABILITY_COMMIT);
	c.salvage = salvage;
	static __thread struct rg__replay_ops o;
	o = rops(r);
	return rg__log_open(&c, &o, w, rep, err, errlen);
}

/* Writes versions from..to; offs[k] receives the end offset in the current
 * segment file of record k (from the lsn, valid for a fresh segment). */
static void append_range(struct rg__log *w, uint64_t from, uint64_t to, uint64_t base, uint64_t *offs)
{
	for (uint64_t v = from; v <= to; v++) {
		struct rg__op ops[8];
		size_t n = gen_ops(v, ops);
		uint64_t lsn;
		cr_assert_eq(rg__log_append(w, v, ops, n, &lsn), 0, "append %llu", (unsigned long long)v);
		cr_assert_eq(rg__log_wait_durable(w, lsn), 0);
		if (offs)
			offs[v - from] = base + lsn;
	}
}

static char *path_of(const char *dir, const char *name)
{
	static __thread char buf[1024];
	snprintf(buf, sizeof buf, "%s/%s", dir, name);
	return buf;
}

static char *log_path(const char *dir, uint64_t first)
{
	char n[RG_NAME_MAX];
	rg__codec_log_name(n, first);
	return path_of(dir, n);
}

static uint8_t *slurp(const char *p, size_t *len)
{
	FILE *f = fopen(p, "rb");
	cr_assert(f, "open %s", p);
	fseek(f, 0, SEEK_END);
	long l = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)l + 1);
	cr_assert_eq(fread(b, 1, (size_t)l, f), (size_t)l);
	fclose(f);
	*len = (size_t)l;
	return b;
}

static void spit(const char *p, const uint8_t *b, size_t len)
{
	FILE *f = fopen(p, "wb");
	cr_assert(f);
	cr_assert_eq(fwrite(b, 1, len, f), len);
	fclose(f);
}

static off_t fsize(const char *p)
{
	struct stat st;
	if (stat(p, &st))
		return -1;
	return st.st_size;
}

static int file_exists(const char *p) { return access(p, F_OK) == 0; }

/* Creates dir with one segment holding versions 1..n; returns the image and
 * the end offset of every record (ends[0] = header end). */
static uint8_t *make_log(const char *dir, uint64_t n, uint64_t *ends, size_t *len)
{
	struct rec r = {0};
	struct rg__log *w;
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, NULL, 0), 0);
	ends[0] = RG_LOG_HDR_SIZE;
	append_range(w, 1, n, RG_LOG_HDR_SIZE, ends + 1);
	rg__log_close(w);
	rec_free(&r);
	return slurp(log_path(dir, 1), len);
}

/* ------------------------------------------------------------------ */
/* Format                                                              */
/* ------------------------------------------------------------------ */

Test(wal, varint_and_ops_roundtrip)
{
	struct rg__op ops[4] = {
		{.kind = RG_OP_ADD_NODE, .a = UINT64_MAX, .u32 = UINT32_MAX},
		{.kind = RG_OP_DEL_NODE, .a = 0},
		{.kind = RG_OP_ADD_EDGE, .a = 1ull << 63, .b = 127, .u32 = 128, .prop = UINT64_MAX},
		{.kind = RG_OP_DEL_EDGE, .a = 5, .b = 6, .u32 = RG_TYPE_ANY},
	};
	uint8_t buf[4 * RG_OP_MAX_ENC];
	size_t len = rg__codec_encode_ops(ops, 4, buf);
	cr_assert_gt(len, 0);
	struct rg__op back[4];
	cr_assert_eq(rg__codec_decode_ops(buf, len, 4, back), 0);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(back[i].kind, ops[i].kind);
		cr_assert_eq(back[i].a, ops[i].a);
		cr_assert_eq(back[i].b, ops[i].b);
		cr_assert_eq(back[i].u32, ops[i].u32);
		cr_assert_eq(back[i].prop, ops[i].prop);
	}
	/* trailing byte, missing byte, wrong count, unknown kind */
	cr_assert_neq(rg__codec_decode_ops(buf, len + 1, 4, back), 0);
	cr_assert_neq(rg__codec_decode_ops(buf, len - 1, 4, back), 0);
	cr_assert_neq(rg__codec_decode_ops(buf, len, 3, back), 0);
	struct rg__op bad = {.kind = 9};
	cr_assert_eq(rg__codec_encode_ops(&bad, 1, buf), 0);
	uint8_t k9[2] = {9, 0};
	cr_assert_neq(rg__codec_decode_ops(k9, 2, 1, back), 0);
	/* an 11-byte varint is refused */
	uint8_t over[12] = {RG_OP_DEL_NODE, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
	cr_assert_neq(rg__codec_decode_ops(over, sizeof over, 1, back), 0);
}

Test(wal, on_disk_layout_is_as_documented)
{
	char *dir = mkdir_tmp();
	uint64_t ends[4];
	size_t len;
	uint8_t *img = make_log(dir, 3, ends, &len);
	cr_assert_eq(len, ends[3]);
	/* segment header */
	cr_assert_eq(memcmp(img, "RGLG", 4), 0);
	cr_assert_eq(rg__le16(img + 4), RG_LOG_FORMAT);
	cr_assert_eq(rg__le16(img + 6), RG_LOG_HDR_SIZE);
	cr_assert_eq(rg__le64(img + 8), 1);
	cr_assert_eq(rg__le64(img + 24), XXH3_64bits(img, 24));
	/* records */
	for (uint64_t v = 1; v <= 3; v++) {
		const uint8_t *r = img + ends[v - 1];
		uint32_t plen = rg__le32(r + 8);
		cr_assert_eq(memcmp(r, "RGLR", 4), 0);
		cr_assert_eq(rg__le16(r + 4), RG_REC_TXN);
		cr_assert_eq(rg__le16(r + 6), 0);
		cr_assert_eq(rg__le32(r + 12), 1 + v % 5);
		cr_assert_eq(rg__le64(r + 16), v);
		cr_assert_eq(ends[v], ends[v - 1] + RG_REC_OVERHEAD + plen);
		cr_assert_eq(rg__le64(r + 24 + plen), XXH3_64bits(r, 24 + plen));
	}
	free(img);
	rg_test_rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Round trips                                                         */
/* ------------------------------------------------------------------ */

static void roundtrip(int durability)
{
	char *dir = mkdir_tmp();
	struct rec r = {0};
	struct rg__log *w;
	struct rg__log_config c = cfg_of(dir, durability);
	struct rg__replay_ops o = rops(&r);
	rg_recovery_t rep;
	char err[512];
	cr_assert_eq(rg__log_open(&c, &o, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rep.version, 0);
	cr_assert_eq(r.n, 0);
	append_range(w, 1, 200, 0, NULL);
	cr_assert_gt(rg__log_bytes(w), 200 * RG_REC_OVERHEAD);
	/* out-of-sequence versions are refused and leave nothing behind */
	struct rg__op op = {.kind = RG_OP_DEL_NODE, .a = 1};
	uint64_t lsn;
	cr_assert_eq(rg__log_append(w, 202, &op, 1, &lsn), RG_EINVAL);
	cr_assert_eq(rg__log_append(w, 200, &op, 1, &lsn), RG_EINVAL);
	rg__log_close(w);

	cr_assert_eq(rg__log_open(&c, &o, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rep.records_replayed, 200);
	cr_assert_eq(rep.version, 200);
	cr_assert_eq(rep.bytes_cut, 0);
	cr_assert_eq(rep.checkpoint_version, 0);
	cr_assert_eq(rep.salvaged, 0);
	cr_assert_eq(r.n, 200);
	uint64_t edges = 0;
	for (uint64_t v = 1; v <= 200; v++) {
		check_txn(&r.t[v - 1], v);
		struct rg__op ops[8];
		size_t n = gen_ops(v, ops);
		for (size_t i = 0; i < n; i++)
			edges += ops[i].kind == RG_OP_ADD_EDGE;
	}
	cr_assert_eq(rep.edges_replayed, edges);
	/* appending continues the chain in the same segment */
	append_range(w, 201, 210, 0, NULL);
	rg__log_close(w);
	rec_free(&r);
	cr_assert_eq(rg__log_open(&c, &o, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rep.version, 210);
	cr_assert_eq(r.n, 210);
	check_txn(&r.t[209], 210);
	rg__log_close(w);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, roundtrip_commit) { roundtrip(RG_DURABILITY_COMMIT); }
Test(wal, roundtrip_interval) { roundtrip(RG_DURABILITY_INTERVAL); }
Test(wal, roundtrip_off) { roundtrip(RG_DURABILITY_OFF); }

Test(wal, empty_dir_created_and_bad_args)
{
	char *base = mkdir_tmp();
	char dir[600];
	snprintf(dir, sizeof dir, "%s/sub", base);
	struct rec r = {0};
	struct rg__log *w;
	rg_recovery_t rep;
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, NULL, 0), 0);
	cr_assert(file_exists(log_path(dir, 1)));
	rg__log_close(w);
	struct rg__log_config c = cfg_of(dir, 7);
	struct rg__replay_ops o = rops(&r);
	char err[256];
	cr_assert_eq(rg__log_open(&c, &o, &w, &rep, err, sizeof err), RG_EINVAL);
	c = cfg_of(dir, RG_DURABILITY_INTERVAL);
	c.interval_ms = 0;
	cr_assert_eq(rg__log_open(&c, &o, &w, &rep, err, sizeof err), RG_EINVAL);
	c = cfg_of("/proc/nonexistent/x", RG_DURABILITY_COMMIT);
	cr_assert_neq(rg__log_open(&c, &o, &w, &rep, err, sizeof err), 0);
	cr_assert(strstr(err, "/proc/nonexistent/x"), "%s", err);
	rg_test_rm_rf(base);
	free(base);
}

/* ------------------------------------------------------------------ */
/* Torn tails: truncation at every byte                                */
/* ------------------------------------------------------------------ */

Test(wal, truncation_at_every_byte_keeps_every_whole_record)
{
	char *dir = mkdir_tmp();
	enum { N = 12 };
	uint64_t ends[N + 1];
	size_t len;
	uint8_t *img = make_log(dir, N, ends, &len);
	for (size_t cut = RG_LOG_HDR_SIZE; cut <= len; cut++) {
		spit(log_path(dir, 1), img, cut);
		size_t whole = 0;
		while (whole < N && ends[whole + 1] <= cut)
			whole++;
		struct rec r = {0};
		struct rg__log *w;
		rg_recovery_t rep;
		char err[512];
		int rc = open_rec(dir, 0, &r, &w, &rep, err, sizeof err);
		cr_assert_eq(rc, 0, "cut at %zu: %s", cut, err);
		cr_assert_eq(r.n, whole, "cut at %zu: %zu records, expected %zu", cut, r.n, whole);
		for (size_t k = 0; k < whole; k++)
			check_txn(&r.t[k], k + 1);
		cr_assert_eq(rep.bytes_cut, cut - ends[whole], "cut at %zu", cut);
		cr_assert_eq(rep.version, whole);
		cr_assert_eq(fsize(log_path(dir, 1)), (off_t)ends[whole]);
		/* and the log is appendable right after the cut */
		append_range(w, whole + 1, whole + 1, 0, NULL);
		rg__log_close(w);
		rec_free(&r);
		cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
		cr_assert_eq(r.n, whole + 1);
		cr_assert_eq(rep.bytes_cut, 0);
		rg__log_close(w);
		rec_free(&r);
	}
	free(img);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, truncated_segment_header_is_corruption)
{
	char *dir = mkdir_tmp();
	uint64_t ends[4];
	size_t len;
	uint8_t *img = make_log(dir, 3, ends, &len);
	for (size_t cut = 0; cut < RG_LOG_HDR_SIZE; cut += 7) {
		spit(log_path(dir, 1), img, cut);
		struct rec r = {0};
		struct rg__log *w;
		rg_recovery_t rep;
		char err[512];
		cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), RG_ECORRUPT, "cut %zu", cut);
		cr_assert(strstr(err, "log-00000000000000000001.rgl"), "%s", err);
		rec_free(&r);
	}
	free(img);
	rg_test_rm_rf(dir);
	free(dir);
}

/* The bug in the system we replace: a torn tail made it drop the whole log,
 * losing commits that had been fsynced. */
Test(wal, torn_tail_after_fsynced_commits_loses_nothing)
{
	char *dir = mkdir_tmp();
	uint64_t ends[51];
	size_t len;
	uint8_t *img = make_log(dir, 50, ends, &len); /* all acknowledged under COMMIT */
	free(img);
	/* a crash in the middle of writing record 51: half a record */
	uint8_t rec51[RG_REC_OVERHEAD + 8 * RG_OP_MAX_ENC];
	struct rg__op ops[8];
	size_t n = gen_ops(51, ops);
	size_t sz = rg__codec_encode_record(rec51, 51, ops, n);
	int fd = open(log_path(dir, 1), O_WRONLY | O_APPEND);
	cr_assert(write(fd, rec51, sz / 2) == (ssize_t)(sz / 2));
	close(fd);
	struct rec r = {0};
	struct rg__log *w;
	rg_recovery_t rep;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(r.n, 50);
	for (uint64_t v = 1; v <= 50; v++)
		check_txn(&r.t[v - 1], v);
	cr_assert_eq(rep.bytes_cut, sz / 2);
	cr_assert_eq(rep.salvaged, 0);
	rg__log_close(w);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Garbage tails                                                       */
/* ------------------------------------------------------------------ */

static void append_bytes(const char *p, const uint8_t *b, size_t n)
{
	int fd = open(p, O_WRONLY | O_APPEND);
	cr_assert(fd >= 0);
	cr_assert(write(fd, b, n) == (ssize_t)n);
	close(fd);
}

Test(wal, garbage_tails_are_cut)
{
	char *dir = mkdir_tmp();
	uint64_t ends[21];
	size_t len;
	uint8_t *img = make_log(dir, 20, ends, &len);
	uint64_t seed = 42;
	for (int kind = 0; kind < 4; kind++) {
		spit(log_path(dir, 1), img, len);
		uint8_t junk[777];
		size_t jn = sizeof junk;
		for (size_t i = 0; i < jn; i++)
			junk[i] = kind == 0 ? 0 : (uint8_t)rg_rand(&seed);
		if (kind == 2) { /* a copy of an older, valid record (version 3) */
			jn = ends[3] - ends[2];
			memcpy(junk, img + ends[2], jn);
		}
		if (kind == 3) { /* a record magic followed by junk */
			memcpy(junk, "RGLR", 4);
		}
		append_bytes(log_path(dir, 1), junk, jn);
		struct rec r = {0};
		struct rg__log *w;
		rg_recovery_t rep;
		char err[512];
		cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "kind %d: %s", kind, err);
		cr_assert_eq(r.n, 20, "kind %d", kind);
		cr_assert_eq(rep.bytes_cut, jn, "kind %d", kind);
		cr_assert_eq(fsize(log_path(dir, 1)), (off_t)len);
		rg__log_close(w);
		rec_free(&r);
	}
	free(img);
	rg_test_rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Mid-log corruption                                                   */
/* ------------------------------------------------------------------ */

Test(wal, bit_flips_mid_log_refuse_to_open_and_salvage_keeps_prefix)
{
	char *dir = mkdir_tmp();
	enum { N = 10 };
	uint64_t ends[N + 1];
	size_t len;
	uint8_t *img = make_log(dir, N, ends, &len);
	uint8_t *copy = malloc(len);
	/* flip every 3rd bit of every record but the last (header, payload, checksum) */
	for (uint64_t k = 0; k + 1 < N; k++) {
		for (uint64_t bit = ends[k] * 8; bit < ends[k + 1] * 8; bit += 3) {
			memcpy(copy, img, len);
			copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			spit(log_path(dir, 1), copy, len);
			struct rec r = {0};
			struct rg__log *w;
			rg_recovery_t rep;
			char err[512];
			int rc = open_rec(dir, 0, &r, &w, &rep, err, sizeof err);
			cr_assert_eq(rc, RG_ECORRUPT, "record %llu bit %llu: rc %d", (unsigned long long)k + 1,
				     (unsigned long long)bit, rc);
			cr_assert(strstr(err, "log-00000000000000000001.rgl") && strstr(err, "offset"), "%s", err);
			char want[64];
			snprintf(want, sizeof want, "offset %llu", (unsigned long long)ends[k]);
			cr_assert(strstr(err, want), "expected '%s' in: %s", want, err);
			rec_free(&r);
			/* the file is untouched by a refused open */
			size_t l2;
			uint8_t *again = slurp(log_path(dir, 1), &l2);
			cr_assert_eq(l2, len);
			cr_assert_eq(memcmp(again, copy, len), 0);
			free(again);
		}
	}
	/* salvage: keep the 4 records before a flip in record 5 */
	memcpy(copy, img, len);
	copy[ends[4] + 30] ^= 0x10;
	spit(log_path(dir, 1), copy, len);
	struct rec r = {0};
	struct rg__log *w;
	rg_recovery_t rep;
	char err[512];
	cr_assert_eq(open_rec(dir, 1, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(r.n, 4);
	cr_assert_eq(rep.salvaged, 1);
	cr_assert_eq(rep.bytes_cut, len - ends[4]);
	char side[128];
	snprintf(side, sizeof side, "log-00000000000000000001.rgl.corrupt-%llu", (unsigned long long)ends[4]);
	cr_assert_eq(fsize(path_of(dir, side)), (off_t)(len - ends[4]), "dropped bytes kept aside");
	append_range(w, 5, 6, 0, NULL);
	rg__log_close(w);
	rec_free(&r);
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(r.n, 6);
	check_txn(&r.t[5], 6);
	rg__log_close(w);
	rec_free(&r);
	free(copy);
	free(img);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, flip_in_last_record_is_a_torn_tail)
{
	char *dir = mkdir_tmp();
	uint64_t ends[6];
	size_t len;
	uint8_t *img = make_log(dir, 5, ends, &len);
	img[ends[4] + 20] ^= 1;
	spit(log_path(dir, 1), img, len);
	struct rec r = {0};
	struct rg__log *w;
	rg_recovery_t rep;
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, NULL, 0), 0);
	cr_assert_eq(r.n, 4);
	cr_assert_eq(rep.bytes_cut, len - ends[4]);
	rg__log_close(w);
	rec_free(&r);
	free(img);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, version_gap_or_repeat_is_corruption)
{
	char *dir = mkdir_tmp();
	uint64_t ends[6];
	size_t len;
	uint8_t *img = make_log(dir, 5, ends, &len);
	/* valid record 7 after garbage: a gap (record 6 lost) -> corrupt */
	uint8_t rec[RG_REC_OVERHEAD + 8 * RG_OP_MAX_ENC];
	struct rg__op ops[8];
	size_t sz = rg__codec_encode_record(rec, 7, ops, gen_ops(7, ops));
	uint8_t junk[10] = {1, 2, 3};
	append_bytes(log_path(dir, 1), junk, sizeof junk);
	append_bytes(log_path(dir, 1), rec, sz);
	struct rec r = {0};
	struct rg__log *w;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, err, sizeof err), RG_ECORRUPT);
	cr_assert(strstr(err, "version 7"), "%s", err);
	rec_free(&r);
	/* swapping two records: 1 3 2 ... -> corrupt (3 is valid and later) */
	uint8_t *sw = malloc(len);
	size_t l2 = ends[2] - ends[1], l3 = ends[3] - ends[2];
	memcpy(sw, img, len);
	memcpy(sw + ends[1], img + ends[2], l3);
	memcpy(sw + ends[1] + l3, img + ends[1], l2);
	spit(log_path(dir, 1), sw, len);
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, err, sizeof err), RG_ECORRUPT, "%s", err);
	rec_free(&r);
	free(sw);
	free(img);
	rg_test_rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Newer format versions                                               */
/* ------------------------------------------------------------------ */

Test(wal, newer_log_format_is_refused)
{
	char *dir = mkdir_tmp();
	uint64_t ends[4];
	size_t len;
	uint8_t *img = make_log(dir, 3, ends, &len);
	uint8_t *c = malloc(len);
	memcpy(c, img, len);
	rg__put16(c + 4, RG_LOG_FORMAT + 1);
	rg__put64(c + 24, XXH3_64bits(c, 24));
	spit(log_path(dir, 1), c, len);
	struct rec r = {0};
	struct rg__log *w;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, err, sizeof err), RG_EVERSION);
	cr_assert(strstr(err, "newer") || strstr(err, "format version"), "%s", err);
	cr_assert(strstr(err, "log-00000000000000000001.rgl"), "%s", err);
	rec_free(&r);
	/* salvage does not override a version refusal */
	cr_assert_eq(open_rec(dir, 1, &r, &w, NULL, err, sizeof err), RG_EVERSION);
	rec_free(&r);
	/* a record of an unknown type with a valid checksum: also newer */
	memcpy(c, img, len);
	uint8_t *rr = c + ends[1];
	uint32_t plen = rg__le32(rr + 8);
	rg__put16(rr + 4, 2);
	rg__put64(rr + 24 + plen, XXH3_64bits(rr, 24 + plen));
	spit(log_path(dir, 1), c, len);
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, err, sizeof err), RG_EVERSION);
	cr_assert(strstr(err, "newer"), "%s", err);
	rec_free(&r);
	free(c);
	free(img);
	rg_test_rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Checkpoints (written with the checkpoint writer)                    */
/* ------------------------------------------------------------------ */

static void write_ckpt(const char *dir, uint64_t version, uint64_t nodes, uint64_t edges)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert(dfd >= 0);
	struct rg__ckpt_writer *cw;
	cr_assert_eq(rg__ckpt_writer_open(&cw, dfd, version), 0);
	for (uint64_t i = 0; i < nodes; i++)
		cr_assert_eq(rg__ckpt_writer_node(cw, i * 3, (uint32_t)i), 0);
	for (uint64_t i = 0; i < edges; i++)
		cr_assert_eq(rg__ckpt_writer_edge(cw, i % nodes * 3, (i * 7) % nodes * 3, (uint32_t)(i % 5), i), 0);
	cr_assert_eq(rg__ckpt_writer_node(cw, 1, 1), RG_ESTATE, "nodes after edges are refused");
	uint64_t n, e, b;
	cr_assert_eq(rg__ckpt_writer_finish(cw, &n, &e, &b), 0);
	cr_assert_eq(n, nodes);
	cr_assert_eq(e, edges);
	close(dfd);
}

static char *ckpt_path(const char *dir, uint64_t v)
{
	char n[RG_NAME_MAX];
	rg__codec_ckpt_name(n, v);
	return path_of(dir, n);
}

Test(wal, checkpoint_then_log_after_it)
{
	char *dir = mkdir_tmp();
	uint64_t ends[51];
	size_t len;
	free(make_log(dir, 50, ends, &len));
	write_ckpt(dir, 30, 1000, 20000); /* several blocks */
	struct rec r = {0};
	struct rg__log *w;
	rg_recovery_t rep;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(r.ckpt_begun, 1);
	cr_assert_eq(r.ckpt_ended, 1);
	cr_assert_eq(r.ckpt_version, 30);
	cr_assert_eq(r.ckpt_nodes, 1000);
	cr_assert_eq(r.ckpt_edges, 20000);
	cr_assert_eq(rep.checkpoint_version, 30);
	cr_assert_eq(rep.records_replayed, 20);
	cr_assert_eq(r.n, 20);
	check_txn(&r.t[0], 31);
	cr_assert_eq(rep.version, 50);
	rg__log_close(w);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, checkpoint_ahead_of_a_lost_log_tail_starts_a_new_segment)
{
	/* OFF/INTERVAL: the checkpoint (fsynced) may cover records the log lost */
	char *dir = mkdir_tmp();
	uint64_t ends[11];
	size_t len;
	free(make_log(dir, 10, ends, &len));
	write_ckpt(dir, 15, 10, 10);
	struct rec r = {0};
	struct rg__log *w;
	rg_recovery_t rep;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rep.version, 15);
	cr_assert_eq(r.n, 0);
	cr_assert(file_exists(log_path(dir, 16)));
	append_range(w, 16, 20, 0, NULL);
	rg__log_close(w);
	rec_free(&r);
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rep.version, 20);
	cr_assert_eq(r.n, 5);
	rg__log_close(w);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, corrupt_newest_checkpoint_falls_back_to_previous)
{
	char *dir = mkdir_tmp();
	uint64_t ends[41];
	size_t len;
	free(make_log(dir, 40, ends, &len));
	write_ckpt(dir, 10, 50, 100);
	write_ckpt(dir, 30, 60, 5000);
	size_t cl;
	uint8_t *ck = slurp(ckpt_path(dir, 30), &cl);
	uint64_t seed = 7;
	/* a flip anywhere, and truncation at several points, invalidate it */
	for (int trial = 0; trial < 24; trial++) {
		uint8_t *c = malloc(cl);
		memcpy(c, ck, cl);
		size_t wl = cl;
		if (trial % 3 == 2)
			wl = rg_rand(&seed) % cl;
		else
			c[rg_rand(&seed) % cl] ^= (uint8_t)(1u << (trial % 8));
		spit(ckpt_path(dir, 30), c, wl);
		free(c);
		struct rec r = {0};
		struct rg__log *w;
		rg_recovery_t rep;
		char err[512];
		cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "trial %d: %s", trial, err);
		cr_assert_eq(rep.checkpoints_skipped, 1, "trial %d", trial);
		cr_assert_eq(rep.checkpoint_version, 10);
		cr_assert_eq(r.ckpt_nodes, 50);
		cr_assert_eq(r.ckpt_begun, 1, "an invalid checkpoint is never half applied");
		cr_assert_eq(r.n, 30);
		check_txn(&r.t[0], 11);
		cr_assert_eq(rep.version, 40);
		cr_assert(!file_exists(ckpt_path(dir, 30)), "moved aside");
		char side[1100];
		snprintf(side, sizeof side, "%s.corrupt", ckpt_path(dir, 30));
		cr_assert(file_exists(side));
		unlink(side);
		rg__log_close(w);
		rec_free(&r);
	}
	free(ck);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, all_checkpoints_corrupt_replays_whole_log)
{
	char *dir = mkdir_tmp();
	uint64_t ends[21];
	size_t len;
	free(make_log(dir, 20, ends, &len));
	write_ckpt(dir, 10, 5, 5);
	truncate(ckpt_path(dir, 10), 50);
	struct rec r = {0};
	struct rg__log *w;
	rg_recovery_t rep;
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, NULL, 0), 0);
	cr_assert_eq(rep.checkpoints_skipped, 1);
	cr_assert_eq(rep.checkpoint_version, 0);
	cr_assert_eq(r.ckpt_begun, 0);
	cr_assert_eq(r.n, 20);
	rg__log_close(w);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, missing_checkpoint_is_corruption)
{
	char *dir = mkdir_tmp();
	write_ckpt(dir, 30, 5, 5);
	struct rec r = {0};
	struct rg__log *w;
	rg_recovery_t rep;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rep.version, 30);
	append_range(w, 31, 40, 0, NULL); /* into log-31 */
	rg__log_close(w);
	rec_free(&r);
	unlink(ckpt_path(dir, 30));
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), RG_ECORRUPT);
	cr_assert(strstr(err, "missing"), "%s", err);
	rec_free(&r);
	/* a corrupt (instead of deleted) only checkpoint: same */
	write_ckpt(dir, 30, 5, 5);
	truncate(ckpt_path(dir, 30), 100);
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), RG_ECORRUPT);
	cr_assert_eq(rep.checkpoints_skipped, 1);
	cr_assert(file_exists(ckpt_path(dir, 30)), "a refused open changes nothing");
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, newer_checkpoint_format_is_refused)
{
	char *dir = mkdir_tmp();
	write_ckpt(dir, 3, 5, 5);
	size_t cl;
	uint8_t *ck = slurp(ckpt_path(dir, 3), &cl);
	rg__put16(ck + 4, RG_CKPT_FORMAT + 1);
	rg__put64(ck + 32, XXH3_64bits(ck, 32));
	spit(ckpt_path(dir, 3), ck, cl);
	struct rec r = {0};
	struct rg__log *w;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, err, sizeof err), RG_EVERSION);
	cr_assert(strstr(err, "ckpt-00000000000000000003.rgc") && strstr(err, "format version"), "%s", err);
	rec_free(&r);
	free(ck);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, checkpoint_parser_rejects_every_truncation)
{
	char *dir = mkdir_tmp();
	write_ckpt(dir, 9, 3000, 30000);
	size_t cl;
	uint8_t *ck = slurp(ckpt_path(dir, 9), &cl);
	struct rg__ckpt_summary s;
	char err[256];
	cr_assert_eq(rg__codec_parse_ckpt(ck, cl, NULL, &s, err, sizeof err), 0, "%s", err);
	cr_assert_eq(s.nodes, 3000);
	cr_assert_eq(s.edges, 30000);
	cr_assert_gt(s.blocks, 3);
	for (size_t cut = 0; cut < cl; cut += (cut < 200 || cl - cut < 200) ? 1 : 997)
		cr_assert_eq(rg__codec_parse_ckpt(ck, cut, NULL, &s, err, sizeof err), RG_ECORRUPT, "cut %zu", cut);
	/* trailing garbage */
	uint8_t *big = malloc(cl + 5);
	memcpy(big, ck, cl);
	memset(big + cl, 0, 5);
	cr_assert_eq(rg__codec_parse_ckpt(big, cl + 5, NULL, &s, err, sizeof err), RG_ECORRUPT);
	cr_assert(strstr(err, "after the end block"), "%s", err);
	free(big);
	free(ck);
	rg_test_rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Checkpoints of a live graph, segment roll, retention                */
/* ------------------------------------------------------------------ */

static void graph_commit(rg_graph_t *g, uint64_t v)
{
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	cr_assert_eq(rg_txn_add_node(t, v, (uint32_t)v), 0);
	if (v > 1) {
		cr_assert_eq(rg_txn_add_edge(t, v, v - 1, 2, v * 10), 0);
		cr_assert_eq(rg_txn_add_edge(t, v, v - 1, 3, v * 11), 0); /* parallel edge */
	}
	uint64_t ver;
	cr_assert_eq(rg_txn_commit(t, &ver), 0);
	cr_assert_eq(ver, v);
}

Test(wal, checkpoint_of_live_graph_rolls_and_retires)
{
	char *dir = mkdir_tmp();
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	struct rec r = {0};
	struct rg__log *w;
	rg_recovery_t rep;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	for (uint64_t v = 1; v <= 10; v++)
		graph_commit(g, v);
	append_range(w, 1, 10, 0, NULL);
	rg_checkpoint_info_t info;
	cr_assert_eq(rg__log_checkpoint(w, rg__durable_write_snapshot, g, &info), 0);
	cr_assert_eq(info.version, 10);
	cr_assert_eq(info.nodes, 10);
	cr_assert_eq(info.edges, 18);
	cr_assert_gt(info.bytes, RG_CKPT_HDR_SIZE);
	cr_assert_eq(rg__log_bytes(w), 0);
	cr_assert(file_exists(ckpt_path(dir, 10)));
	cr_assert(file_exists(log_path(dir, 11)), "rolled");
	cr_assert(file_exists(log_path(dir, 1)), "kept: no previous checkpoint to fall back on yet");
	for (uint64_t v = 11; v <= 15; v++)
		graph_commit(g, v);
	append_range(w, 11, 15, 0, NULL);
	cr_assert_eq(rg__log_checkpoint(w, rg__durable_write_snapshot, g, &info), 0);
	cr_assert_eq(info.version, 15);
	cr_assert(!file_exists(log_path(dir, 1)), "covered by the previous checkpoint");
	cr_assert(file_exists(log_path(dir, 11)));
	cr_assert(file_exists(log_path(dir, 16)));
	cr_assert(file_exists(ckpt_path(dir, 10)));
	append_range(w, 16, 17, 0, NULL);
	rg__log_close(w);
	rec_free(&r);

	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rep.checkpoint_version, 15);
	cr_assert_eq(r.ckpt_nodes, 15);
	cr_assert_eq(r.ckpt_edges, 28);
	cr_assert_eq(r.n, 2);
	check_txn(&r.t[0], 16);
	cr_assert_eq(rep.version, 17);
	rg__log_close(w);
	rec_free(&r);

	/* newest checkpoint corrupt: fall back to 10 + log-11 + log-16 */
	truncate(ckpt_path(dir, 15), 60);
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(rep.checkpoint_version, 10);
	cr_assert_eq(rep.checkpoints_skipped, 1);
	cr_assert_eq(r.n, 7);
	check_txn(&r.t[0], 11);
	check_txn(&r.t[6], 17);
	/* a third checkpoint retires checkpoints older than the previous one */
	for (uint64_t v = 16; v <= 20; v++)
		graph_commit(g, v);
	append_range(w, 18, 20, 0, NULL);
	cr_assert_eq(rg__log_checkpoint(w, rg__durable_write_snapshot, g, &info), 0);
	cr_assert_eq(info.version, 20);
	for (uint64_t v = 21; v <= 25; v++)
		graph_commit(g, v);
	append_range(w, 21, 25, 0, NULL);
	cr_assert_eq(rg__log_checkpoint(w, rg__durable_write_snapshot, g, &info), 0);
	cr_assert(!file_exists(ckpt_path(dir, 10)));
	cr_assert(file_exists(ckpt_path(dir, 20)));
	cr_assert(file_exists(ckpt_path(dir, 25)));
	cr_assert(!file_exists(log_path(dir, 11)));
	cr_assert(!file_exists(log_path(dir, 16)));
	rg__log_close(w);
	rec_free(&r);
	rg_close(g);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, damage_in_a_non_last_segment_is_corruption)
{
	char *dir = mkdir_tmp();
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	struct rec r = {0};
	struct rg__log *w;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, err, sizeof err), 0, "%s", err);
	for (uint64_t v = 1; v <= 5; v++)
		graph_commit(g, v);
	append_range(w, 1, 5, 0, NULL);
	cr_assert_eq(rg__log_checkpoint(w, rg__durable_write_snapshot, g, NULL), 0);
	append_range(w, 6, 8, 0, NULL);
	rg__log_close(w);
	rec_free(&r);
	rg_close(g);
	/* lose the checkpoint and cut the first segment's tail: the records
	 * 4..5 are gone although segment 6 follows */
	unlink(ckpt_path(dir, 5));
	off_t sz = fsize(log_path(dir, 1));
	truncate(log_path(dir, 1), sz - 10);
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, err, sizeof err), RG_ECORRUPT);
	cr_assert(strstr(err, "log-00000000000000000001.rgl"), "%s", err);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Disk full and I/O errors                                             */
/* ------------------------------------------------------------------ */

Test(wal, enospc_leaves_no_partial_record_and_recovers)
{
	char *dir = mkdir_tmp();
	struct rec r = {0};
	struct rg__log *w;
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, NULL, 0), 0);
	append_range(w, 1, 5, 0, NULL);
	off_t before = fsize(log_path(dir, 1));
	struct rg__op ops[8];
	size_t n = gen_ops(6, ops);
	uint64_t lsn;
	for (uint64_t allow = 0; allow < 40; allow += 13) {
		rg__io_inject_fault(RG_FAULT_ENOSPC, allow);
		cr_assert_eq(rg__log_append(w, 6, ops, n, &lsn), RG_ENOSPC);
		rg__io_inject_fault(RG_FAULT_NONE, 0);
		cr_assert_eq(fsize(log_path(dir, 1)), before, "no partial record");
	}
	/* space is back: the same version commits */
	append_range(w, 6, 7, 0, NULL);
	rg__log_close(w);
	rec_free(&r);
	rg_recovery_t rep;
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, NULL, 0), 0);
	cr_assert_eq(r.n, 7);
	cr_assert_eq(rep.bytes_cut, 0);
	rg__log_close(w);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, fsync_failure_fails_the_log_for_good)
{
	char *dir = mkdir_tmp();
	struct rec r = {0};
	struct rg__log *w;
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, NULL, 0), 0);
	append_range(w, 1, 3, 0, NULL);
	struct rg__op ops[8];
	size_t n = gen_ops(4, ops);
	uint64_t lsn;
	cr_assert_eq(rg__log_append(w, 4, ops, n, &lsn), 0);
	rg__io_inject_fault(RG_FAULT_EIO_FSYNC, 0);
	cr_assert_eq(rg__log_wait_durable(w, lsn), RG_EIO);
	rg__io_inject_fault(RG_FAULT_NONE, 0);
	n = gen_ops(5, ops);
	cr_assert_eq(rg__log_append(w, 5, ops, n, &lsn), RG_EIO, "sticky after a failed fsync");
	cr_assert_eq(rg__log_wait_durable(w, lsn), RG_EIO);
	rg__log_close(w);
	rec_free(&r);
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, NULL, 0), 0);
	cr_assert_geq(r.n, 3);
	rg__log_close(w);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, write_eio_fails_the_log)
{
	char *dir = mkdir_tmp();
	struct rec r = {0};
	struct rg__log *w;
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, NULL, 0), 0);
	append_range(w, 1, 3, 0, NULL);
	off_t before = fsize(log_path(dir, 1));
	struct rg__op ops[8];
	size_t n = gen_ops(4, ops);
	uint64_t lsn;
	rg__io_inject_fault(RG_FAULT_EIO_WRITE, 5);
	cr_assert_eq(rg__log_append(w, 4, ops, n, &lsn), RG_EIO);
	rg__io_inject_fault(RG_FAULT_NONE, 0);
	cr_assert_eq(fsize(log_path(dir, 1)), before);
	cr_assert_eq(rg__log_append(w, 4, ops, n, &lsn), RG_EIO);
	rg__log_close(w);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, checkpoint_write_failure_leaves_no_file)
{
	char *dir = mkdir_tmp();
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	for (uint64_t v = 1; v <= 200; v++)
		graph_commit(g, v);
	struct rec r = {0};
	struct rg__log *w;
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, NULL, 0), 0);
	rg__io_inject_fault(RG_FAULT_ENOSPC, 100);
	rg_checkpoint_info_t info;
	cr_assert_eq(rg__log_checkpoint(w, rg__durable_write_snapshot, g, &info), RG_ENOSPC);
	rg__io_inject_fault(RG_FAULT_EIO_FSYNC, 0);
	cr_assert_eq(rg__log_checkpoint(w, rg__durable_write_snapshot, g, &info), RG_EIO);
	rg__io_inject_fault(RG_FAULT_NONE, 0);
	cr_assert(!file_exists(ckpt_path(dir, 200)));
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.tmp", ckpt_path(dir, 200));
	cr_assert(!file_exists(tmp));
	cr_assert_eq(rg__log_checkpoint(w, rg__durable_write_snapshot, g, &info), 0);
	cr_assert(file_exists(ckpt_path(dir, 200)));
	rg__log_close(w);
	rec_free(&r);
	rg_close(g);
	rg_test_rm_rf(dir);
	free(dir);
}

Test(wal, real_enospc_on_a_small_tmpfs)
{
	char *dir = mkdir_tmp();
	if (mount("tmpfs", dir, "tmpfs", 0, "size=64k")) {
		rg_test_rm_rf(dir);
		free(dir);
		cr_skip_test("mount(tmpfs) not permitted here: %s", strerror(errno));
	}
	struct rec r = {0};
	struct rg__log *w;
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, NULL, 0), 0);
	uint64_t v = 1;
	int rc = 0;
	for (; v < 100000; v++) {
		struct rg__op ops[8];
		size_t n = gen_ops(v, ops);
		uint64_t lsn;
		rc = rg__log_append(w, v, ops, n, &lsn);
		if (rc)
			break;
		cr_assert_eq(rg__log_wait_durable(w, lsn), 0);
	}
	cr_assert_eq(rc, RG_ENOSPC);
	uint64_t committed = v - 1;
	rg__log_close(w);
	rec_free(&r);
	rg_recovery_t rep;
	char err[512];
	cr_assert_eq(open_rec(dir, 0, &r, &w, &rep, err, sizeof err), 0, "%s", err);
	cr_assert_eq(r.n, committed);
	cr_assert_eq(rep.bytes_cut, 0);
	rg__log_close(w);
	rec_free(&r);
	umount(dir);
	rg_test_rm_rf(dir);
	free(dir);
}

/* ------------------------------------------------------------------ */
/* Group commit correctness (no timing asserted)                        */
/* ------------------------------------------------------------------ */

struct gc_arg {
	struct rg__log *w;
	pthread_mutex_t *writer;
	uint64_t *next;
	int n;
	int errors;
};

static void *gc_worker(void *p)
{
	struct gc_arg *a = p;
	for (int i = 0; i < a->n; i++) {
		pthread_mutex_lock(a->writer); /* the core's writer mutex */
		uint64_t v = ++*a->next;
		struct rg__op ops[8];
		size_t n = gen_ops(v, ops);
		uint64_t lsn;
		int rc = rg__log_append(a->w, v, ops, n, &lsn);
		pthread_mutex_unlock(a->writer);
		if (rc || rg__log_wait_durable(a->w, lsn))
			a->errors++;
	}
	return NULL;
}

Test(wal, group_commit_concurrent_committers)
{
	char *dir = mkdir_tmp();
	struct rec r = {0};
	struct rg__log *w;
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, NULL, 0), 0);
	pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
	uint64_t next = 0;
	enum { T = 4, PER = 100 };
	struct gc_arg a[T];
	pthread_t th[T];
	uint64_t f0 = rg__io_fsync_count();
	for (int i = 0; i < T; i++) {
		a[i] = (struct gc_arg){w, &writer, &next, PER, 0};
		pthread_create(&th[i], NULL, gc_worker, &a[i]);
	}
	for (int i = 0; i < T; i++)
		pthread_join(th[i], NULL);
	uint64_t fs = rg__io_fsync_count() - f0;
	for (int i = 0; i < T; i++)
		cr_assert_eq(a[i].errors, 0);
	cr_assert_leq(fs, T * PER, "never more than one fsync per commit");
	cr_log_info("group commit: %d commits, %llu fsyncs", T * PER, (unsigned long long)fs);
	rg__log_close(w);
	rec_free(&r);
	cr_assert_eq(open_rec(dir, 0, &r, &w, NULL, NULL, 0), 0);
	cr_assert_eq(r.n, T * PER);
	for (uint64_t v = 1; v <= T * PER; v++)
		check_txn(&r.t[v - 1], v);
	rg__log_close(w);
	rec_free(&r);
	rg_test_rm_rf(dir);
	free(dir);
}

/* A checkpoint restores every adjacency's order, in- as well as out-:
 * the API promises insertion order (kept by compaction), and a restart
 * from a checkpoint must not turn in-lists into source-slot order. The
 * graph has a hub, parallel and self edges, two types, deleted edges
 * (dead entries and compacted arrays), deleted nodes and a pack; recovery
 * reads the checkpoint alone. */
Test(wal, checkpoint_restores_in_and_out_adjacency_order)
{
	char *dir = mkdir_tmp();
	rg_graph_t *g;
	cr_assert_eq(rg_test_open_dir(&g, dir, RG_DURABILITY_OFF), 0);
	enum { NN = 200 };
	const uint64_t extra[] = {UINT64_C(1) << 40};
	rg_txn_t *t;
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < NN; i++)
		cr_assert_eq(rg_txn_add_node(t, i, (uint32_t)i), 0);
	cr_assert_eq(rg_txn_add_node(t, extra[0], 1), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	uint64_t seed = 4242;
	for (int round = 0; round < 40; round++) {
		cr_assert_eq(rg_txn_begin(g, &t), 0);
		for (int k = 0; k < 300; k++) {
			uint64_t a = rg_rand(&seed) % NN, b = rg_rand(&seed) % NN;
			if (k % 4 == 0)
				b = 3; /* an in-hub: its in-list interleaves every source */
			if (k % 29 == 0)
				b = extra[0];
			if (k % 31 == 0)
				b = a;
			a = a == 8 || a == 9 ? 10 : a; /* deleted in round 20 */
			b = b == 8 || b == 9 ? 10 : b;
			uint64_t prop = k % 7 == 0 ? 1 : rg_rand(&seed) % 1000; /* some equal edges */
			cr_assert_eq(rg_txn_add_edge(t, a, b, (uint32_t)(k & 1), prop), 0);
		}
		for (int k = 0; k < 40; k++) {
			int rc = rg_txn_del_edge(t, rg_rand(&seed) % NN, 3, RG_TYPE_ANY);
			cr_assert(rc == 0 || rc == RG_ENOENT);
		}
		if (round == 20) {
			cr_assert_eq(rg_txn_del_node(t, 8), 0);
			cr_assert_eq(rg_txn_del_node(t, 9), 0);
		}
		cr_assert_eq(rg_txn_commit(t, NULL), 0);
		if (round == 25)
			cr_assert_eq(rg_pack(g), 0);
	}
	struct dump before = {0}, after = {0};
	cr_assert_eq(rg_reader_register(g), 0);
	dump_now(g, NN, extra, 1, &before);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_checkpoint_info_t ci;
	cr_assert_eq(rg_checkpoint(g, &ci), 0);
	rg_close(g);
	cr_assert_eq(rg_test_open_dir(&g, dir, RG_DURABILITY_OFF), 0);
	rg_recovery_t rep;
	cr_assert_eq(rg_recovery_report(g, &rep), 0);
	cr_assert_eq(rep.checkpoint_version, ci.version);
	cr_assert_eq(rep.records_replayed, 0, "the checkpoint alone");
	cr_assert_eq(rg_reader_register(g), 0);
	dump_now(g, NN, extra, 1, &after);
	cr_assert_eq(rg_reader_unregister(g), 0);
	dump_eq(&before, &after, "restored from the checkpoint");
	free(before.v);
	free(after.v);
	rg_close(g);
	rg_test_rm_rf(dir);
	free(dir);
}

/* A graph whose node 0 has in-list sources 2, 1, 3 (not in slot order, so
 * the checkpoint carries an in-order entry), or 1, 2, 3 (none needed);
 * checkpointed; returns the checkpoint's version. */
static uint64_t small_ckpt_graph(const char *dir, int unsorted)
{
	rg_graph_t *g;
	rg_txn_t *t;
	cr_assert_eq(rg_test_open_dir(&g, dir, RG_DURABILITY_COMMIT), 0);
	cr_assert_eq(rg_txn_begin(g, &t), 0);
	for (uint64_t i = 0; i < 4; i++)
		cr_assert_eq(rg_txn_add_node(t, i, 0), 0);
	const uint64_t src[2][3] = {{1, 2, 3}, {2, 1, 3}};
	for (int k = 0; k < 3; k++)
		cr_assert_eq(rg_txn_add_edge(t, src[unsorted][k], 0, 0, (uint64_t)k), 0);
	cr_assert_eq(rg_txn_commit(t, NULL), 0);
	rg_checkpoint_info_t ci;
	cr_assert_eq(rg_checkpoint(g, &ci), 0);
	rg_close(g);
	return ci.version;
}

/* Offset of the first block of `type` in checkpoint image ck (0: none). */
static size_t find_block(const uint8_t *ck, size_t len, unsigned type)
{
	for (size_t off = RG_CKPT_HDR_SIZE; off + RG_BLK_HDR_SIZE <= len;
	     off += RG_BLK_HDR_SIZE + rg__le32(ck + off + 16) + RG_BLK_TRAILER)
		if (rg__le16(ck + off + 4) == type)
			return off;
	return 0;
}

/* The in-list order of node 0 after opening dir, as sources. */
static void in_sources(const char *dir, rg_recovery_t *rep, uint64_t out[3])
{
	rg_graph_t *g;
	cr_assert_eq(rg_test_open_dir(&g, dir, RG_DURABILITY_COMMIT), 0);
	cr_assert_eq(rg_recovery_report(g, rep), 0);
	rg_read_t *r;
	rg_iter_t it;
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_neighbors(r, 0, RG_IN, RG_TYPE_ANY, &it), 0);
	for (int k = 0; k < 3; k++) {
		const rg_edge_t *e = rg_iter_next(&it);
		cr_assert_not_null(e);
		out[k] = e->nbr;
	}
	rg_read_end(r);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* Format 2's in-order blocks: applied on restore; refused inside a format
 * 1 file (the checkpoint is skipped as corrupt and the log replayed); a
 * rank list that is not a permutation fails the open. A format 1 file
 * without them still loads. */
Test(wal, checkpoint_in_order_blocks_are_checked)
{
	char *dir = mkdir_tmp();
	uint64_t v = small_ckpt_graph(dir, 1), got[3];
	size_t cl;
	uint8_t *ck = slurp(ckpt_path(dir, v), &cl), *orig = malloc(cl);
	memcpy(orig, ck, cl);
	size_t io = find_block(ck, cl, RG_BLK_INORDER);
	cr_assert_neq(io, 0, "an unsorted in-list gets an in-order entry");
	rg_recovery_t rep;
	in_sources(dir, &rep, got);
	cr_assert_eq(rep.checkpoint_version, v);
	cr_assert(got[0] == 2 && got[1] == 1 && got[2] == 3, "restored in insertion order");

	/* the same bytes labelled format 1: the block is not allowed there */
	rg__put16(ck + 4, 1);
	rg__put64(ck + 32, XXH3_64bits(ck, 32));
	spit(ckpt_path(dir, v), ck, cl);
	in_sources(dir, &rep, got);
	cr_assert_eq(rep.checkpoints_skipped, 1);
	cr_assert_eq(rep.checkpoint_version, 0, "fell back to the whole log");
	cr_assert(got[0] == 2 && got[1] == 1 && got[2] == 3);

	/* format 2, valid checksums, ranks {x, x, y}: not a permutation */
	memcpy(ck, orig, cl);
	uint8_t *p = ck + io + RG_BLK_HDR_SIZE; /* id, start, n, ranks: 1 byte each here */
	cr_assert_eq(p[2], 3, "one entry of 3 ranks");
	p[4] = p[3];
	uint32_t plen = rg__le32(ck + io + 16);
	rg__put64(ck + io + RG_BLK_HDR_SIZE + plen, XXH3_64bits(ck + io, RG_BLK_HDR_SIZE + plen));
	spit(ckpt_path(dir, v), ck, cl);
	rg_graph_t *g;
	cr_assert_eq(rg_test_open_dir(&g, dir, RG_DURABILITY_COMMIT), RG_ECORRUPT);
	free(ck);
	free(orig);
	rg_test_rm_rf(dir);
	free(dir);

	/* a format 1 checkpoint (no in-order entry needed) still loads */
	dir = mkdir_tmp();
	v = small_ckpt_graph(dir, 0);
	ck = slurp(ckpt_path(dir, v), &cl);
	cr_assert_eq(find_block(ck, cl, RG_BLK_INORDER), 0);
	rg__put16(ck + 4, 1);
	rg__put64(ck + 32, XXH3_64bits(ck, 32));
	spit(ckpt_path(dir, v), ck, cl);
	in_sources(dir, &rep, got);
	cr_assert_eq(rep.checkpoint_version, v);
	cr_assert_eq(rep.checkpoints_skipped, 0);
	cr_assert(got[0] == 1 && got[1] == 2 && got[2] == 3);
	free(ck);
	rg_test_rm_rf(dir);
	free(dir);
}
