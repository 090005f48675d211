/*
 * peer.c - what the peers share: lookup by name, defaults, argument checks
 * before dispatch, the per-thread error message, the directory check.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "peer.h"

static __thread char last_error[512];

const char *rgp_last_error(void)
{
	return last_error;
}

int rgp_fail(int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	return rc;
}

int rgp_check_dir(const char *peer, const char *dir)
{
	struct stat st;
	if (!dir || !*dir)
		return rgp_fail(RG_EINVAL, "%s: a directory is required", peer);
	if (stat(dir, &st) != 0)
		return rgp_fail(RG_EIO, "%s: directory %s: %s", peer, dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return rgp_fail(RG_EIO, "%s: %s: not a directory", peer, dir);
	if (access(dir, W_OK | X_OK) != 0)
		return rgp_fail(RG_EIO, "%s: directory %s is not writable: %s", peer, dir,
				strerror(errno));
	return 0;
}

const rgp_peer_t *rgp_find(const char *name)
{
	static const rgp_peer_t *const all[] = {&rgp_lmdb, &rgp_sqlite, &rgp_rcugraph};
	for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

void rgp_config_init(rgp_config_t *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof *cfg);
	cfg->durability = RG_DURABILITY_OFF;
	cfg->max_readers = 126;
}

int rgp_create(const rgp_peer_t *peer, const char *dir, const rg_edgelist_t *el,
	       const rgp_config_t *cfg, rgp_store_t **out)
{
	rgp_config_t dflt;
	last_error[0] = 0;
	if (out)
		*out = NULL;
	if (!peer || !el || !out || (el->n_edges && (!el->src || !el->dst)))
		return rgp_fail(RG_EINVAL, "rgp_create: NULL peer, edge list or out pointer");
	if (!cfg) {
		rgp_config_init(&dflt);
		cfg = &dflt;
	}
	if (cfg->durability != RG_DURABILITY_OFF && cfg->durability != RG_DURABILITY_COMMIT)
		return rgp_fail(RG_EINVAL, "%s: durability %d: only OFF (%d) and COMMIT (%d)",
				peer->name, cfg->durability, RG_DURABILITY_OFF,
				RG_DURABILITY_COMMIT);
	return peer->create(dir, el, cfg, out);
}

void rgp_destroy(rgp_store_t *s)
{
	if (s)
		s->peer->destroy(s);
}

int rgp_reader_open(rgp_store_t *s, rgp_reader_t **out)
{
	if (out)
		*out = NULL;
	if (!s || !out)
		return rgp_fail(RG_EINVAL, "rgp_reader_open: NULL store or out pointer");
	return s->peer->reader_open(s, out);
}

void rgp_reader_close(rgp_reader_t *r)
{
	if (r)
		r->peer->reader_close(r);
}

int rgp_neighbors(rgp_reader_t *r, uint64_t id, rgp_visit_fn fn, void *arg, uint64_t *sum)
{
	if (!r)
		return rgp_fail(RG_EINVAL, "rgp_neighbors: NULL reader");
	uint64_t s = 0;
	int rc = r->peer->neighbors(r, id, fn, arg, &s);
	if (sum)
		*sum = rc ? 0 : s;
	return rc;
}

int rgp_neighbors_k(rgp_reader_t *r, const uint64_t *ids, size_t k, uint64_t *sums,
		    uint64_t *total)
{
	if (!r || (k && !ids))
		return rgp_fail(RG_EINVAL, "rgp_neighbors_k: NULL reader or ids");
	uint64_t t = 0;
	int rc = k ? r->peer->neighbors_k(r, ids, k, sums, &t) : 0;
	if (total)
		*total = rc ? 0 : t;
	return rc;
}

int rgp_two_hop(rgp_reader_t *r, uint64_t id, uint64_t *sum)
{
	if (!r)
		return rgp_fail(RG_EINVAL, "rgp_two_hop: NULL reader");
	uint64_t s = 0;
	int rc = r->peer->two_hop(r, id, &s);
	if (sum)
		*sum = rc ? 0 : s;
	return rc;
}

int rgp_insert_edges(rgp_store_t *s, const rgp_edge_t *edges, size_t n)
{
	if (!s || (n && !edges))
		return rgp_fail(RG_EINVAL, "rgp_insert_edges: NULL store or edges");
	return n ? s->peer->insert_edges(s, edges, n) : 0;
}
