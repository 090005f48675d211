/* Tests of the SNAP parser and loader (src/load_snap.c). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <rcugraph/load.h>
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static char tmpdir[256];

static void mk_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/rg_test_load_XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmpdir(void)
{
	if (tmpdir[0])
		rg_test_rm_rf(tmpdir);
}

/* Writes len bytes to tmpdir/name; returns the path (static storage per slot). */
static const char *write_file(const char *name, const void *data, size_t len)
{
	static char paths[8][512];
	static int slot;
	char *p = paths[slot++ % 8];
	snprintf(p, 512, "%s/%s", tmpdir, name);
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f, "fopen %s", p);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	return p;
}

static const char *write_str(const char *name, const char *s)
{
	return write_file(name, s, strlen(s));
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "fopen %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	void *b = malloc((size_t)n + 1);
	cr_assert_not_null(b);
	cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* src as a gzip file in tmpdir/name: copied if it already is one (the
 * shipped datasets), else compressed with zlib. Returns the path. */
static const char *gzip_to(const char *src, const char *name)
{
	static char p[512];
	size_t len;
	unsigned char *data = slurp(src, &len);
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		write_file(name, data, len);
	} else {
		gzFile gz = gzopen(p, "wb6");
		cr_assert_not_null(gz);
		cr_assert_eq(gzwrite(gz, data, (unsigned)len), (int)len);
		cr_assert_eq(gzclose(gz), Z_OK);
	}
	free(data);
	return p;
}

/* src inflated into tmpdir/name (zlib's gzread passes plain text through
 * unchanged). Returns the path. */
static const char *gunzip_to(const char *src, const char *name)
{
	static char p[512];
	snprintf(p, sizeof p, "%s/%s", tmpdir, name);
	gzFile in = gzopen(src, "rb");
	cr_assert_not_null(in, "gzopen %s", src);
	FILE *out = fopen(p, "wb");
	cr_assert_not_null(out, "fopen %s", p);
	char buf[65536];
	int n;
	while ((n = gzread(in, buf, sizeof buf)) > 0)
		cr_assert_eq(fwrite(buf, 1, (size_t)n, out), (size_t)n);
	cr_assert_eq(n, 0, "gzread %s", src);
	cr_assert_eq(gzclose(in), Z_OK);
	cr_assert_eq(fclose(out), 0);
	return p;
}

static bool has_edge(const rg_read_t *r, uint64_t a, uint64_t b, rg_dir_t dir,
		     uint32_t type)
{
	rg_iter_t it;
	if (rg_neighbors(r, a, dir, type, &it) != 0)
		return false;
	const rg_edge_t *e;
	while ((e = rg_iter_next(&it)) != NULL)
		if (e->nbr == b && e->type == type && e->prop == 0)
			return true;
	return false;
}

typedef struct counts {
	uint64_t nodes, edges, version;
} counts_t;

static counts_t graph_counts(rg_graph_t *g)
{
	counts_t c;
	rg_read_t *r;
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	c.nodes = rg_node_count(r);
	c.edges = rg_edge_count(r);
	c.version = rg_read_version(r);
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_reader_unregister(g), 0);
	return c;
}

struct dataset {
	const char *file;
	uint64_t nodes, edges;
	uint64_t first_src, first_dst, last_src, last_dst;
};

static const struct dataset DS[] = {
	/* counts as datasets/README.md states them */
	{ "wiki-Vote.txt.gz", 7115, 103689, 30, 1412, 8274, 8275 },       /* CRLF */
	{ "p2p-Gnutella31.txt.gz", 62586, 147892, 0, 1, 62580, 62059 }, /* CRLF */
	{ "email-Eu-core.txt.gz", 1005, 25571, 0, 1, 506, 932 },         /* spaces */
};

static void check_parse(const struct dataset *d, const char *path)
{
	rg_edgelist_t el;
	char err[512];
	int rc = rg_snap_parse(path, &el, err, sizeof err);
	cr_assert_eq(rc, 0, "%s: %s", path, err);
	cr_assert_eq(el.n_edges, d->edges, "%s edges %llu", d->file,
		     (unsigned long long)el.n_edges);
	cr_assert_eq(el.n_nodes, d->nodes, "%s nodes %llu", d->file,
		     (unsigned long long)el.n_nodes);
	cr_assert_eq(el.src[0], d->first_src);
	cr_assert_eq(el.dst[0], d->first_dst);
	cr_assert_eq(el.src[el.n_edges - 1], d->last_src);
	cr_assert_eq(el.dst[el.n_edges - 1], d->last_dst);
	rg_edgelist_free(&el);
	cr_assert_eq(el.src, NULL);
	cr_assert_eq(el.n_edges, 0);
}

static void check_load(const struct dataset *d, const char *path)
{
	rg_graph_t *g;
	char err[512];
	rg_load_stats_t st;
	cr_assert_eq(rg_open(&g, NULL), 0);
	int rc = rg_load_snap(g, path, 7, &st, err, sizeof err);
	cr_assert_eq(rc, 0, "%s: %s (%s)", path, err, rg_strerror(rc));
	cr_assert_eq(st.edges, d->edges);
	cr_assert_eq(st.nodes_added, d->nodes);
	cr_assert_gt(st.version, 0);

	rg_read_t *r;
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_node_count(r), d->nodes);
	cr_assert_eq(rg_edge_count(r), d->edges);
	cr_assert_eq(rg_read_version(r), st.version);
	cr_assert(has_edge(r, d->first_src, d->first_dst, RG_OUT, 7));
	cr_assert(has_edge(r, d->first_dst, d->first_src, RG_IN, 7));
	cr_assert(has_edge(r, d->last_src, d->last_dst, RG_OUT, 7));
	cr_assert(has_edge(r, d->last_dst, d->last_src, RG_IN, 7));
	uint32_t label = 99;
	cr_assert_eq(rg_node_label(r, d->last_src, &label), 0);
	cr_assert_eq(label, 0);
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_reader_unregister(g), 0);
	rg_close(g);
}

/* ------------------------------------------------------------------ */
/* The shipped datasets (datasets/NAME.txt.gz, read compressed)       */
/* ------------------------------------------------------------------ */

Test(load, parse_wiki_vote) { check_parse(&DS[0], rg_dataset(DS[0].file)); }
Test(load, parse_gnutella_crlf) { check_parse(&DS[1], rg_dataset(DS[1].file)); }
Test(load, parse_email_spaces) { check_parse(&DS[2], rg_dataset(DS[2].file)); }
Test(load, load_wiki_vote) { check_load(&DS[0], rg_dataset(DS[0].file)); }
Test(load, load_gnutella_crlf) { check_load(&DS[1], rg_dataset(DS[1].file)); }
Test(load, load_email_spaces) { check_load(&DS[2], rg_dataset(DS[2].file)); }

Test(load, degrees_match_edgelist)
{
	/* Every out-degree in the graph equals the count in the edge list. */
	const char *path = rg_dataset("email-Eu-core.txt.gz");
	rg_edgelist_t el;
	cr_assert_eq(rg_snap_parse(path, &el, NULL, 0), 0);
	uint64_t *deg = calloc(1005, sizeof *deg);
	for (uint64_t i = 0; i < el.n_edges; i++) {
		cr_assert_lt(el.src[i], 1005);
		deg[el.src[i]]++;
	}
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_load_snap(g, path, 1, NULL, NULL, 0), 0);
	rg_read_t *r;
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_read_begin(g, &r), 0);
	for (uint64_t id = 0; id < 1005; id++) {
		uint64_t d = 0;
		cr_assert_eq(rg_degree(r, id, RG_OUT, &d), 0, "node %llu",
			     (unsigned long long)id);
		cr_assert_eq(d, deg[id], "node %llu", (unsigned long long)id);
	}
	rg_read_end(r);
	rg_reader_unregister(g);
	rg_close(g);
	free(deg);
	rg_edgelist_free(&el);
}

Test(load, load_twice_adds_no_nodes)
{
	/* Nodes already present are reused; the store is a multigraph so
	 * edges double. */
	const char *path = rg_dataset("email-Eu-core.txt.gz");
	rg_graph_t *g;
	rg_load_stats_t st;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_load_snap(g, path, 1, &st, NULL, 0), 0);
	cr_assert_eq(st.nodes_added, 1005);
	uint64_t v1 = st.version;
	cr_assert_eq(rg_load_snap(g, path, 2, &st, NULL, 0), 0);
	cr_assert_eq(st.nodes_added, 0);
	cr_assert_eq(st.edges, 25571);
	cr_assert_gt(st.version, v1);
	counts_t c = graph_counts(g);
	cr_assert_eq(c.nodes, 1005);
	cr_assert_eq(c.edges, 2 * 25571);
	rg_close(g);
}

Test(load, caller_already_registered)
{
	/* A registered caller (outside a read section) can load. */
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_reader_register(g), 0);
	cr_assert_eq(rg_load_snap(g, rg_dataset("email-Eu-core.txt.gz"), 0, NULL, NULL, 0), 0);
	rg_read_t *r;
	cr_assert_eq(rg_read_begin(g, &r), 0);
	cr_assert_eq(rg_edge_count(r), 25571);
	/* Inside a read section a load must refuse (txn_begin: RG_EBUSY). */
	char err[256];
	int rc = rg_load_snap(g, rg_dataset("email-Eu-core.txt.gz"), 0, NULL, err, sizeof err);
	cr_assert_eq(rc, RG_EBUSY, "rc %d", rc);
	cr_assert_eq(rg_read_end(r), 0);
	cr_assert_eq(rg_reader_unregister(g), 0);
	cr_assert_eq(graph_counts(g).edges, 25571);
	rg_close(g);
}

/* ------------------------------------------------------------------ */
/* Accepted syntax                                                     */
/* ------------------------------------------------------------------ */

Test(load, syntax_variants, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	const char *text =
		"# header\n"
		"\n"
		"1\t2\n"
		"   3   \t  4  \n"          /* runs of blanks, leading/trailing */
		"  # indented comment\n"
		"\r\n"                       /* blank CRLF line */
		"5 6\r\n"
		"\t \t\n"                    /* whitespace-only line */
		"0007 08\n"                  /* leading zeros */
		"18446744073709551615 0\n"   /* UINT64_MAX */
		"1 1";                       /* no final newline, self loop */
	const char *p = write_str("ok.txt", text);
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_snap_parse(p, &el, err, sizeof err), 0, "%s", err);
	uint64_t es[][2] = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 },
			     { UINT64_MAX, 0 }, { 1, 1 } };
	cr_assert_eq(el.n_edges, 6);
	for (int i = 0; i < 6; i++) {
		cr_assert_eq(el.src[i], es[i][0], "edge %d", i);
		cr_assert_eq(el.dst[i], es[i][1], "edge %d", i);
	}
	cr_assert_eq(el.n_nodes, 10); /* 1..8, UINT64_MAX, 0 */
	rg_edgelist_free(&el);
}

Test(load, empty_and_comment_only, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	rg_edgelist_t el;
	const char *p = write_str("empty.txt", "");
	cr_assert_eq(rg_snap_parse(p, &el, NULL, 0), 0);
	cr_assert_eq(el.n_edges, 0);
	cr_assert_eq(el.n_nodes, 0);
	rg_edgelist_free(&el);
	p = write_str("comments.txt", "# a\n# b\r\n\n");
	cr_assert_eq(rg_snap_parse(p, &el, NULL, 0), 0);
	cr_assert_eq(el.n_edges, 0);
	rg_edgelist_free(&el);

	/* Loading an empty file is a successful no-op. */
	rg_graph_t *g;
	rg_load_stats_t st;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_load_snap(g, p, 0, &st, NULL, 0), 0);
	cr_assert_eq(st.edges, 0);
	cr_assert_eq(st.nodes_added, 0);
	cr_assert_eq(graph_counts(g).nodes, 0);
	rg_close(g);
}

Test(load, long_lines_and_chunk_boundaries, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	/* A 3 MiB comment line (bigger than the read buffer), then 300k
	 * edges of varying width so that lines straddle every chunk
	 * boundary, half of them CRLF. */
	size_t cap = (size_t)16 << 20, n = 0;
	char *buf = malloc(cap);
	buf[n++] = '#';
	memset(buf + n, 'x', (size_t)3 << 20);
	n += (size_t)3 << 20;
	buf[n++] = '\n';
	uint64_t s = 12345;
	const uint64_t M = 300000;
	uint64_t *a = malloc(M * sizeof *a), *b = malloc(M * sizeof *b);
	for (uint64_t i = 0; i < M; i++) {
		a[i] = rg_rand(&s) >> (rg_rand(&s) % 64);
		b[i] = i;
		n += (size_t)sprintf(buf + n, "%llu%s%llu%s",
				     (unsigned long long)a[i], (i % 3) ? "\t" : "   ",
				     (unsigned long long)b[i], (i & 1) ? "\r\n" : "\n");
	}
	const char *p = write_file("big.txt", buf, n);
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_snap_parse(p, &el, err, sizeof err), 0, "%s", err);
	cr_assert_eq(el.n_edges, M);
	for (uint64_t i = 0; i < M; i++) {
		cr_assert_eq(el.src[i], a[i], "edge %llu", (unsigned long long)i);
		cr_assert_eq(el.dst[i], b[i], "edge %llu", (unsigned long long)i);
	}
	rg_edgelist_free(&el);
	free(a);
	free(b);
	free(buf);
}

/* ------------------------------------------------------------------ */
/* Malformed input                                                     */
/* ------------------------------------------------------------------ */

struct bad_case {
	const char *name, *text;
	int line;
	const char *needle;
};

static const struct bad_case BAD[] = {
	{ "token.txt", "1 2\n3 x\n", 2, "invalid node id 'x'" },
	{ "token2.txt", "1 2\n3 4x\n", 2, "invalid node id '4x'" },
	{ "onefield.txt", "# c\n1 2\n\n5\n", 4, "expected 2 fields" },
	{ "threefields.txt", "1 2 3\n", 1, "found 3" },
	{ "overflow.txt", "1 2\n1 18446744073709551616\n", 2, "does not fit in 64 bits" },
	{ "overflow2.txt", "99999999999999999999999 1\n", 1, "does not fit in 64 bits" },
	{ "negative.txt", "1 2\n3 4\n-1 2\n", 3, "negative node id '-1'" },
	{ "plus.txt", "+1 2\n", 1, "invalid node id '+1'" },
	{ "comma.txt", "1,2\n", 1, "expected 2 fields" },
	{ "crlf.txt", "1\t2\r\n\r\n4\t5\t6\r\n", 3, "found 3" },
	{ "lastline.txt", "1 2\n3", 2, "found 1" },
	{ "nul.txt", "1 2\n3 \x01\n", 2, "invalid node id '?'" },
};

Test(load, malformed_files, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
		const struct bad_case *c = &BAD[i];
		const char *p = write_str(c->name, c->text);
		rg_edgelist_t el;
		char err[512], where[600];
		int rc = rg_snap_parse(p, &el, err, sizeof err);
		cr_assert_eq(rc, RG_EPARSE, "%s: rc %d", c->name, rc);
		snprintf(where, sizeof where, "%s:%d: ", p, c->line);
		cr_assert_not_null(strstr(err, where), "%s: message '%s' lacks '%s'",
				   c->name, err, where);
		cr_assert_not_null(strstr(err, c->needle), "%s: message '%s' lacks '%s'",
				   c->name, err, c->needle);
		cr_assert_eq(el.n_edges, 0);
		cr_assert_null(el.src);
		cr_assert_null(el.dst);
	}
}

Test(load, null_errbuf_and_tiny_errbuf, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	const char *p = write_str("bad.txt", "1 2 3\n");
	rg_edgelist_t el;
	cr_assert_eq(rg_snap_parse(p, &el, NULL, 0), RG_EPARSE);
	char tiny[8];
	cr_assert_eq(rg_snap_parse(p, &el, tiny, sizeof tiny), RG_EPARSE);
	cr_assert_eq(strlen(tiny), sizeof tiny - 1); /* truncated, terminated */
}

Test(load, nothing_half_loaded, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_load_snap(g, rg_dataset("email-Eu-core.txt.gz"), 0, NULL, NULL, 0), 0);
	counts_t before = graph_counts(g);

	/* Many good lines (new node ids), then a bad one at the end. */
	char *text = malloc(1 << 20);
	size_t n = 0;
	for (int i = 0; i < 20000; i++)
		n += (size_t)sprintf(text + n, "%d %d\n", 100000 + i, 200000 + i);
	n += (size_t)sprintf(text + n, "5 oops\n");
	const char *p = write_file("late_error.txt", text, n);
	free(text);

	char err[512];
	rg_load_stats_t st;
	int rc = rg_load_snap(g, p, 0, &st, err, sizeof err);
	cr_assert_eq(rc, RG_EPARSE);
	cr_assert_not_null(strstr(err, ":20001: "), "%s", err);
	cr_assert_eq(st.edges, 0);
	cr_assert_eq(st.nodes_added, 0);
	counts_t after = graph_counts(g);
	cr_assert_eq(after.nodes, before.nodes);
	cr_assert_eq(after.edges, before.edges);
	cr_assert_eq(after.version, before.version);

	rg_read_t *r;
	rg_reader_register(g);
	rg_read_begin(g, &r);
	cr_assert(!rg_node_exists(r, 100000));
	rg_read_end(r);
	rg_reader_unregister(g);
	rg_close(g);
}

/* ------------------------------------------------------------------ */
/* Gzip                                                                */
/* ------------------------------------------------------------------ */

/* The datasets ship compressed (the tests above read them so); their
 * inflated text, CRLF and all, must give the same graphs through the
 * plain-text path. */
Test(load, plain_text_same_as_gzip, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	for (int i = 0; i < 3; i++) {
		char name[64];
		snprintf(name, sizeof name, "plain-%d.txt", i);
		const char *txt = gunzip_to(rg_dataset(DS[i].file), name);
		check_parse(&DS[i], txt);
		check_load(&DS[i], txt);
	}
}

Test(load, gzip_truncated, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	const char *gz = gzip_to(rg_dataset("wiki-Vote.txt.gz"), "w.gz");
	size_t len;
	unsigned char *data = slurp(gz, &len);
	/* Cut inside the header, the deflate data, and the 8-byte trailer. */
	size_t cuts[] = { 2, 5, 11, 100, len / 2, len - 20, len - 8, len - 4, len - 1 };
	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		char name[64];
		snprintf(name, sizeof name, "cut%zu.gz", i);
		const char *p = write_file(name, data, cuts[i]);
		rg_edgelist_t el;
		char err[512];
		int rc = rg_snap_parse(p, &el, err, sizeof err);
		cr_assert_eq(rc, RG_ECORRUPT, "cut at %zu/%zu: rc %d (%s)", cuts[i],
			     len, rc, err);
		cr_assert_not_null(strstr(err, p), "%s", err);
		cr_assert_eq(el.n_edges, 0);
		rc = rg_load_snap(g, p, 0, NULL, err, sizeof err);
		cr_assert_eq(rc, RG_ECORRUPT, "cut at %zu: rc %d", cuts[i], rc);
	}
	cr_assert_eq(graph_counts(g).nodes, 0);
	rg_close(g);
	free(data);
}

Test(load, gzip_corrupt_never_crashes, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	const char *gz = gzip_to(rg_dataset("email-Eu-core.txt.gz"), "e.gz");
	size_t len;
	unsigned char *data = slurp(gz, &len);
	unsigned char *bad = malloc(len);
	uint64_t s = 777;
	int corrupt = 0, parse = 0;
	for (int trial = 0; trial < 60; trial++) {
		memcpy(bad, data, len);
		/* Damage 1..16 bytes somewhere after the 10-byte header. */
		int k = 1 + (int)(rg_rand(&s) % 16);
		size_t at = 10 + (size_t)(rg_rand(&s) % (len - 10 - 16));
		for (int j = 0; j < k; j++)
			bad[at + (size_t)j] ^= (unsigned char)(1 + rg_rand(&s) % 255);
		const char *p = write_file("bad.gz", bad, len);
		rg_edgelist_t el;
		char err[512] = "";
		int rc = rg_snap_parse(p, &el, err, sizeof err);
		cr_assert(rc == RG_ECORRUPT || rc == RG_EPARSE,
			  "trial %d: rc %d (%s)", trial, rc, err);
		cr_assert_neq(err[0], '\0');
		cr_assert_eq(el.n_edges, 0);
		corrupt += rc == RG_ECORRUPT;
		parse += rc == RG_EPARSE;
	}
	/* The CRC check catches damage that still inflates to text. */
	cr_assert_eq(parse, 0, "%d of 60 reported as parse errors", parse);
	cr_assert_eq(corrupt, 60);
	free(bad);
	free(data);
}

Test(load, gzip_multi_member_and_any_name, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	/* Two concatenated gzip members (as `cat a.gz b.gz`), no .gz suffix. */
	char p[512];
	snprintf(p, sizeof p, "%s/multi.txt", tmpdir);
	const char *parts[] = { "# one\n1 2\n3 4\n", "5 6\r\n7 8" };
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f);
	fclose(f);
	for (int i = 0; i < 2; i++) {
		gzFile gz = gzopen(p, "ab");
		cr_assert_not_null(gz);
		cr_assert_eq(gzputs(gz, parts[i]), (int)strlen(parts[i]));
		cr_assert_eq(gzclose(gz), Z_OK);
	}
	rg_edgelist_t el;
	char err[256];
	cr_assert_eq(rg_snap_parse(p, &el, err, sizeof err), 0, "%s", err);
	cr_assert_eq(el.n_edges, 4);
	cr_assert_eq(el.n_nodes, 8);
	cr_assert_eq(el.src[3], 7);
	cr_assert_eq(el.dst[3], 8);
	rg_edgelist_free(&el);
}

Test(load, gzip_parse_error_has_line, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	/* An intact gzip stream with a bad line: a parse error, not corruption. */
	char p[512];
	snprintf(p, sizeof p, "%s/bad.gz", tmpdir);
	gzFile gz = gzopen(p, "wb");
	cr_assert_not_null(gz);
	gzputs(gz, "1 2\n3 4 5\n6 7\n");
	cr_assert_eq(gzclose(gz), Z_OK);
	rg_edgelist_t el;
	char err[512], want[600];
	cr_assert_eq(rg_snap_parse(p, &el, err, sizeof err), RG_EPARSE);
	snprintf(want, sizeof want, "%s:2: ", p);
	cr_assert_not_null(strstr(err, want), "%s", err);
}

Test(load, gzip_magic_only_is_corrupt, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	const char *p = write_file("magic.gz", "\x1f\x8b", 2);
	rg_edgelist_t el;
	cr_assert_eq(rg_snap_parse(p, &el, NULL, 0), RG_ECORRUPT);
	p = write_file("notgz.txt", "\x1f", 1);
	cr_assert_eq(rg_snap_parse(p, &el, NULL, 0), RG_EPARSE);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

Test(load, missing_file_and_directory, .init = mk_tmpdir, .fini = rm_tmpdir)
{
	rg_edgelist_t el;
	char err[512];
	cr_assert_eq(rg_snap_parse("/nonexistent/x.txt", &el, err, sizeof err), RG_EIO);
	cr_assert_not_null(strstr(err, "/nonexistent/x.txt"), "%s", err);
	cr_assert_eq(rg_snap_parse(tmpdir, &el, err, sizeof err), RG_EIO);

	rg_graph_t *g;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_load_snap(g, "/nonexistent/x.txt", 0, NULL, err, sizeof err), RG_EIO);
	rg_close(g);
}

Test(load, null_arguments)
{
	rg_edgelist_t el;
	rg_graph_t *g;
	char err[128];
	cr_assert_eq(rg_snap_parse(NULL, &el, err, sizeof err), RG_EINVAL);
	cr_assert_eq(rg_snap_parse("x", NULL, err, sizeof err), RG_EINVAL);
	cr_assert_eq(rg_load_snap(NULL, "x", 0, NULL, err, sizeof err), RG_EINVAL);
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_load_snap(g, NULL, 0, NULL, NULL, 0), RG_EINVAL);
	cr_assert_eq(rg_edgelist_insert(g, NULL, 0, 0, NULL), RG_EINVAL);
	rg_edgelist_t broken = { .n_nodes = 1, .n_edges = 3 };
	cr_assert_eq(rg_edgelist_insert(g, &broken, 0, 0, NULL), RG_EINVAL);
	cr_assert_eq(rg_edgelist_insert(NULL, &el, 0, 0, NULL), RG_EINVAL);
	rg_close(g);
	rg_edgelist_free(NULL);
}

/* ------------------------------------------------------------------ */
/* rg_edgelist_insert                                                  */
/* ------------------------------------------------------------------ */

Test(load, edgelist_insert_batches)
{
	rg_edgelist_t el;
	cr_assert_eq(rg_gen_uniform(&el, 5000, 8, 3), 0);
	rg_graph_t *g;
	rg_load_stats_t st;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_edgelist_insert(g, &el, 4, 7001, &st), 0);
	cr_assert_eq(st.edges, 40000);
	cr_assert_leq(st.nodes_added, 5000);
	cr_assert_gt(st.nodes_added, 4900);
	counts_t c = graph_counts(g);
	cr_assert_eq(st.version, c.version);
	/* 1 node transaction + ceil(40000/7001) = 6 edge transactions. */
	rg_stats_t gs;
	rg_stats_get(g, &gs);
	cr_assert_eq(gs.commits, 7, "commits %llu", (unsigned long long)gs.commits);
	cr_assert_eq(c.edges, 40000);
	cr_assert_eq(c.nodes, st.nodes_added);

	rg_read_t *r;
	rg_reader_register(g);
	rg_read_begin(g, &r);
	cr_assert(has_edge(r, el.src[0], el.dst[0], RG_OUT, 4));
	cr_assert(has_edge(r, el.src[39999], el.dst[39999], RG_OUT, 4));
	rg_read_end(r);
	rg_reader_unregister(g);

	/* Again, all at once: no new nodes, one more transaction. */
	cr_assert_eq(rg_edgelist_insert(g, &el, 4, 0, &st), 0);
	cr_assert_eq(st.nodes_added, 0);
	cr_assert_eq(st.edges, 40000);
	cr_assert_eq(graph_counts(g).edges, 80000);
	rg_close(g);
	rg_edgelist_free(&el);
}

Test(load, edgelist_insert_sparse_ids)
{
	/* Ids far apart take the hash-set path of the distinct-id scan. */
	uint64_t src[] = { UINT64_MAX - 1, 1ull << 60, 3, 1ull << 60 };
	uint64_t dst[] = { 3, UINT64_MAX - 1, 1ull << 40, 3 };
	rg_edgelist_t el = { .n_nodes = 4, .n_edges = 4, .src = src, .dst = dst };
	rg_graph_t *g;
	rg_load_stats_t st;
	cr_assert_eq(rg_open(&g, NULL), 0);
	cr_assert_eq(rg_edgelist_insert(g, &el, 0, 1, &st), 0);
	cr_assert_eq(st.nodes_added, 4);
	cr_assert_eq(st.edges, 4);
	counts_t c = graph_counts(g);
	cr_assert_eq(c.nodes, 4);
	cr_assert_eq(c.edges, 4);
	rg_close(g);
}
