/*
 * log_recover.c - opening the log: the newest valid checkpoint (older ones
 * as fallback), replay of the log after it through the caller's callbacks,
 * the torn tail cut, refusal of corruption (or, with salvage, keeping the
 * valid prefix). The log at run time is log.c.
 *
 * On-disk format and recovery rules: docs/log-format.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt_file.h"
#include "io.h"
#include "log_internal.h"

/* One opening's state: the log being opened and the replay scratch. */
struct recovery {
	struct rg__log *w;
	const struct rg__replay_ops *rops;
	rg_recovery_t *rep;
	uint64_t ckpt_version; /* records up to it are in the checkpoint */
	struct rg__op *ops;     /* decoded ops of one record */
	size_t opscap;
};

static int replay_rec(void *ctx, const struct rg__rec *r)
{
	struct recovery *rv = ctx;
	if (r->version <= rv->ckpt_version)
		return 0; /* covered by the checkpoint */
	if (r->nops > rv->opscap) {
		size_t nc = rv->opscap ? rv->opscap : 64;
		while (nc < r->nops)
			nc *= 2;
		struct rg__op *no = realloc(rv->ops, nc * sizeof *no);
		if (!no)
			return RG_ENOMEM;
		rv->ops = no;
		rv->opscap = nc;
	}
	if (rg__codec_decode_ops(r->payload, r->payload_len, r->nops, rv->ops))
		return RG_ECORRUPT; /* checksum valid but undecodable: a writer bug */
	uint64_t edges = 0;
	for (uint32_t i = 0; i < r->nops; i++)
		edges += rv->ops[i].kind == RG_OP_ADD_EDGE;
	int rc = rv->rops->apply_txn(rv->rops->ctx, r->version, rv->ops, r->nops);
	if (rc)
		return rc;
	rv->rep->records_replayed++;
	rv->rep->edges_replayed += edges;
	return 0;
}

/* Salvage: keeps the bytes being dropped in <name>.corrupt-<off>. */
static void save_tail(int dirfd, const char *name, const struct rg__mapped *m, size_t off)
{
	char side[RG_NAME_MAX + 40];
	snprintf(side, sizeof side, "%s.corrupt-%zu", name, off);
	int fd = openat(dirfd, side, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (off < m->len)
		rg__io_pwrite_all(fd, m->p + off, m->len - off, 0);
	rg__io_sync(fd, 0);
	close(fd);
}

static int cut_file(int fd, size_t off)
{
	if (ftruncate(fd, (off_t)off))
		return rg__io_err(-errno);
	int r = rg__io_sync(fd, 1);
	return r ? rg__io_err(r) : 0;
}

struct dirlist {
	uint64_t *logs, *ckpts;
	size_t nlogs, nckpts, caplogs, capckpts;
};

/* Salvage: moves segments dl->logs[from..] aside as <name>.corrupt,
 * counting their bytes as cut. */
static void drop_segments(int dirfd, const struct dirlist *dl, size_t from, rg_recovery_t *rep)
{
	for (size_t j = from; j < dl->nlogs; j++) {
		char nm[RG_NAME_MAX], side[RG_NAME_MAX + 16];
		struct stat st;
		rg__codec_log_name(nm, dl->logs[j]);
		if (!fstatat(dirfd, nm, &st, 0))
			rep->bytes_cut += (uint64_t)st.st_size;
		snprintf(side, sizeof side, "%s.corrupt", nm);
		renameat(dirfd, nm, dirfd, side);
	}
}

static int push(uint64_t **a, size_t *n, size_t *cap, uint64_t v)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		uint64_t *na = realloc(*a, nc * sizeof *na);
		if (!na)
			return RG_ENOMEM;
		*a = na;
		*cap = nc;
	}
	(*a)[(*n)++] = v;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int list_dir(int dirfd, struct dirlist *dl)
{
	DIR *d = fdopendir(dup(dirfd));
	if (!d)
		return rg__io_err(-errno);
	rewinddir(d); /* the dup shares dirfd's offset: start over */
	struct dirent *de;
	int rc = 0;
	while (!rc && (de = readdir(d))) {
		uint64_t v;
		size_t nl = strlen(de->d_name);
		if (rg__codec_parse_name(de->d_name, "log-", ".rgl", &v))
			rc = push(&dl->logs, &dl->nlogs, &dl->caplogs, v);
		else if (rg__codec_parse_name(de->d_name, "ckpt-", ".rgc", &v))
			rc = push(&dl->ckpts, &dl->nckpts, &dl->capckpts, v);
		else if (nl > 8 && (!strcmp(de->d_name + nl - 8, ".rgl.tmp") ||
				    !strcmp(de->d_name + nl - 8, ".rgc.tmp")))
			unlinkat(dirfd, de->d_name, 0); /* an interrupted create/checkpoint */
	}
	closedir(d);
	if (dl->nlogs)
		qsort(dl->logs, dl->nlogs, sizeof *dl->logs, cmp_u64);
	if (dl->nckpts)
		qsort(dl->ckpts, dl->nckpts, sizeof *dl->ckpts, cmp_u64);
	return rc;
}

/* Scans the log from segment index `start` on, replaying records after the
 * checkpoint. On success leaves the last segment's fd open in *last_fd
 * (or -1) and its scan in *last. */
static int scan_log(struct recovery *rv, const struct rg__log_config *cfg, struct dirlist *dl,
		    size_t start, int *last_fd, struct rg__seg_scan *last, char *errbuf, size_t errlen)
{
	struct rg__log *w = rv->w;
	rg_recovery_t *rep = rv->rep;
	uint64_t prev_last = 0;
	int have_prev = 0;
	*last_fd = -1;
	for (size_t i = start; i < dl->nlogs; i++) {
		char name[RG_NAME_MAX];
		rg__codec_log_name(name, dl->logs[i]);
		struct rg__mapped m;
		const char *step;
		int rc = rg__io_map(w->dirfd, name, 1, &m, &step);
		if (rc) {
			rg__seterr(errbuf, errlen, "%s: cannot read: %s", name, strerror(-rc));
			return rg__io_err(rc);
		}
		struct rg__seg_scan s;
		uint64_t hfirst = 0;
		const char *why = NULL;
		int hr = rg__codec_parse_seg_header(m.p, m.len, &hfirst, &why);
		int corrupt_hdr = 0;
		if (hr == RG_EVERSION) {
			rg__seterr(errbuf, errlen,
				  "%s: written by log format version %u, this build reads up to %u: refusing to open",
				  name, m.len >= 6 ? rg__le16(m.p + 4) : 0, RG_LOG_FORMAT);
			rg__io_unmap(&m, 0);
			return RG_EVERSION;
		}
		if (hr) {
			rg__seterr(errbuf, errlen, "%s: offset 0: %s", name, why);
			corrupt_hdr = 1;
		} else if (hfirst != dl->logs[i]) {
			rg__seterr(errbuf, errlen, "%s: offset 8: header says first version %llu, name says %llu",
				  name, (unsigned long long)hfirst, (unsigned long long)dl->logs[i]);
			corrupt_hdr = 1;
		} else if (have_prev && hfirst != prev_last + 1) {
			rg__seterr(errbuf, errlen,
				  "%s: starts at version %llu but the log before it ends at version %llu: records are missing",
				  name, (unsigned long long)hfirst, (unsigned long long)prev_last);
			corrupt_hdr = 1;
		}
		if (corrupt_hdr) {
			if (!cfg->salvage) {
				rg__io_unmap(&m, 0);
				return RG_ECORRUPT;
			}
			/* salvage: drop this segment and every later one */
			drop_segments(w->dirfd, dl, i, rep);
			rg__io_unmap(&m, 0);
			dl->nlogs = i;
			rep->salvaged = 1;
			rg__log_fsync_dir(w);
			return 0;
		}
		rc = rg__codec_scan_segment(m.p, m.len, &s, replay_rec, rv);
		if (rc) {
			if (rc == RG_ECORRUPT)
				rg__seterr(errbuf, errlen,
					  "%s: offset %llu: a record with a valid checksum does not decode or does not apply"
					  " (edge inserts are applied in batches: the bad one is in this record or an earlier one)",
					  name, (unsigned long long)s.valid_end);
			else
				rg__seterr(errbuf, errlen, "%s: offset %llu: replaying the record failed: %s", name,
					  (unsigned long long)s.valid_end, rg_strerror(rc));
			rg__io_unmap(&m, 0);
			return rc;
		}
		if (s.status == RG_SCAN_NEWER) {
			rg__seterr(errbuf, errlen,
				  "%s: offset %llu: record written by a newer format version (%s): refusing to open",
				  name, (unsigned long long)s.bad_off, s.why);
			rg__io_unmap(&m, 0);
			return RG_EVERSION;
		}
		int is_last = i + 1 == dl->nlogs;
		int corrupt = s.status == RG_SCAN_CORRUPT || (s.status == RG_SCAN_TORN && !is_last);
		if (corrupt) {
			if (s.status == RG_SCAN_CORRUPT)
				rg__seterr(errbuf, errlen,
					  "%s: offset %llu: %s, but a valid record (version %llu) follows at offset %llu: "
					  "the log is corrupt, refusing to open (set salvage to keep the %llu records before it)",
					  name, (unsigned long long)s.bad_off, s.why, (unsigned long long)s.next_version,
					  (unsigned long long)s.next_off, (unsigned long long)rep->records_replayed);
			else
				rg__seterr(errbuf, errlen,
					  "%s: offset %llu: %s, and newer log segments follow: the log is corrupt, "
					  "refusing to open (set salvage to keep the valid prefix)",
					  name, (unsigned long long)s.bad_off, s.why);
			if (!cfg->salvage) {
				rg__io_unmap(&m, 0);
				return RG_ECORRUPT;
			}
			save_tail(w->dirfd, name, &m, s.valid_end);
			rep->bytes_cut += m.len - s.valid_end;
			rep->salvaged = 1;
			drop_segments(w->dirfd, dl, i + 1, rep);
			dl->nlogs = i + 1;
			is_last = 1;
			rg__log_fsync_dir(w);
		} else if (s.status == RG_SCAN_TORN) {
			rep->bytes_cut += m.len - s.valid_end;
		}
		if (s.status != RG_SCAN_OK) {
			rc = cut_file(m.fd, s.valid_end);
			if (rc) {
				rg__seterr(errbuf, errlen, "%s: cannot cut the torn tail at offset %llu: %s", name,
					  (unsigned long long)s.valid_end, strerror(errno));
				rg__io_unmap(&m, 0);
				return rc;
			}
		}
		prev_last = s.last_version;
		have_prev = 1;
		if (is_last) {
			*last = s;
			rg__io_unmap(&m, 1);
			*last_fd = m.fd;
			return 0;
		}
		rg__io_unmap(&m, 0);
	}
	return 0;
}

int rg__log_open(const struct rg__log_config *cfg, const struct rg__replay_ops *ops,
		struct rg__log **out, rg_recovery_t *rep, char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = 0;
	if (!cfg || !cfg->dir || !ops || !out || !ops->apply_txn || !ops->ckpt_begin ||
	    !ops->ckpt_node || !ops->ckpt_edge || !ops->ckpt_end || !ops->ckpt_inorder) {
		rg__seterr(errbuf, errlen, "rg__log_open: missing argument");
		return RG_EINVAL;
	}
	if (cfg->durability < RG_DURABILITY_OFF || cfg->durability > RG_DURABILITY_COMMIT ||
	    (cfg->durability == RG_DURABILITY_INTERVAL && cfg->interval_ms == 0)) {
		rg__seterr(errbuf, errlen, "rg__log_open: bad durability %d / interval_ms %u", cfg->durability,
			  cfg->interval_ms);
		return RG_EINVAL;
	}
	rg_recovery_t rtmp;
	if (!rep)
		rep = &rtmp;
	memset(rep, 0, sizeof *rep);
	*out = NULL;

	struct rg__log *w = rg__log_alloc(cfg);
	if (!w)
		return RG_ENOMEM;
	struct recovery rv = {.w = w, .rops = ops, .rep = rep};

	int rc = 0;
	struct dirlist dl = {0};
	char **bad_ckpts = NULL;
	size_t nbad = 0;

	if (mkdir(cfg->dir, 0755) && errno != EEXIST) {
		rg__seterr(errbuf, errlen, "%s: cannot create directory: %s", cfg->dir, strerror(errno));
		rc = rg__io_err(-errno);
		goto fail;
	}
	w->dirfd = open(cfg->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dirfd < 0) {
		rg__seterr(errbuf, errlen, "%s: cannot open directory: %s", cfg->dir, strerror(errno));
		rc = rg__io_err(-errno);
		goto fail;
	}
	rc = list_dir(w->dirfd, &dl);
	if (rc) {
		rg__seterr(errbuf, errlen, "%s: cannot list directory", cfg->dir);
		goto fail;
	}

	/* 1. newest valid checkpoint */
	uint64_t C = 0;
	int have_ckpt = 0;
	for (size_t k = dl.nckpts; k-- > 0;) {
		char name[RG_NAME_MAX];
		char cerr[256];
		rg__codec_ckpt_name(name, dl.ckpts[k]);
		struct rg__ckpt_summary sum;
		rc = rg__ckpt_load(w->dirfd, name, NULL, &sum, cerr, sizeof cerr);
		if (rc == RG_EVERSION) {
			rg__seterr(errbuf, errlen, "%s: refusing to open", cerr);
			goto fail;
		}
		if (rc == RG_ECORRUPT) {
			rep->checkpoints_skipped++;
			char **nb = realloc(bad_ckpts, (nbad + 1) * sizeof *nb);
			if (!nb) {
				rc = RG_ENOMEM;
				goto fail;
			}
			bad_ckpts = nb;
			bad_ckpts[nbad] = strdup(name);
			if (!bad_ckpts[nbad]) {
				rc = RG_ENOMEM;
				goto fail;
			}
			nbad++;
			rc = 0;
			continue;
		}
		if (rc) {
			rg__seterr(errbuf, errlen, "%s", cerr);
			goto fail;
		}
		rc = rg__ckpt_load(w->dirfd, name, ops, &sum, cerr, sizeof cerr);
		if (rc) {
			rg__seterr(errbuf, errlen, "%s", cerr);
			goto fail;
		}
		C = sum.version;
		have_ckpt = 1;
		break;
	}
	rv.ckpt_version = C;
	rep->checkpoint_version = C;
	w->have_ckpt = have_ckpt;
	w->ckpt_last = C;

	/* 2. the segment holding version C + 1 */
	size_t start = 0;
	if (dl.nlogs) {
		size_t k = dl.nlogs;
		while (k > 0 && dl.logs[k - 1] > C + 1)
			k--;
		if (k == 0) {
			if (have_ckpt)
				rg__seterr(errbuf, errlen,
					  "%s: checkpoint is at version %llu but the oldest log segment starts at version %llu: "
					  "the log in between is missing",
					  cfg->dir, (unsigned long long)C, (unsigned long long)dl.logs[0]);
			else
				rg__seterr(errbuf, errlen,
					  "%s: no valid checkpoint (%llu skipped as corrupt) but the oldest log segment starts at "
					  "version %llu: the checkpoint it needs is missing",
					  cfg->dir, (unsigned long long)rep->checkpoints_skipped,
					  (unsigned long long)dl.logs[0]);
			rc = RG_ECORRUPT;
			goto fail;
		}
		start = k - 1;
	}

	/* 3. replay */
	int last_fd = -1;
	struct rg__seg_scan last;
	memset(&last, 0, sizeof last);
	rc = scan_log(&rv, cfg, &dl, start, &last_fd, &last, errbuf, errlen);
	if (rc)
		goto fail;
	uint64_t log_last = dl.nlogs ? last.last_version : 0;
	uint64_t V = log_last > C ? log_last : C;
	for (size_t k = 0; k < dl.nlogs; k++) {
		rc = rg__log_segs_push(w, dl.logs[k]);
		if (rc)
			goto fail;
	}
	if (dl.nlogs && last_fd >= 0 && log_last == V) {
		w->fd = last_fd;
		w->seg_first = dl.logs[dl.nlogs - 1];
		w->seg_size = last.valid_end;
		w->seg_records = last.records;
	} else {
		if (last_fd >= 0)
			close(last_fd);
		int fd = rg__log_create_segment(w->dirfd, V + 1);
		if (fd < 0) {
			rc = fd;
			rg__seterr(errbuf, errlen, "%s: cannot create a log segment: %s", cfg->dir, rg_strerror(rc));
			goto fail;
		}
		w->fd = fd;
		w->seg_first = V + 1;
		w->seg_size = RG_LOG_HDR_SIZE;
		w->seg_records = 0;
		rc = rg__log_segs_push(w, V + 1);
		if (rc)
			goto fail;
	}
	w->last_version = V;
	rep->version = V;

	/* Only now that recovery succeeded: move invalid checkpoints aside. */
	for (size_t k = 0; k < nbad; k++) {
		char side[RG_NAME_MAX + 16];
		snprintf(side, sizeof side, "%s.corrupt", bad_ckpts[k]);
		renameat(w->dirfd, bad_ckpts[k], w->dirfd, side);
	}
	if (nbad || rep->bytes_cut)
		rg__log_fsync_dir(w);

	rc = rg__log_start(w);
	if (rc)
		goto fail;
	free(rv.ops);
	for (size_t k = 0; k < nbad; k++)
		free(bad_ckpts[k]);
	free(bad_ckpts);
	free(dl.logs);
	free(dl.ckpts);
	*out = w;
	return 0;

fail:
	for (size_t k = 0; k < nbad; k++)
		free(bad_ckpts[k]);
	free(bad_ckpts);
	free(dl.logs);
	free(dl.ckpts);
	free(rv.ops);
	rg__log_free(w);
	return rc;
}
