/*
 * io.c - the durability stack's I/O wrappers: whole writes, syncs, errno
 * to RG_E* codes, whole-file maps, and the fault-injection hook the tests arm (ENOSPC or
 * EIO after a byte budget, failed checkpoint files). Below the log and the
 * checkpoint files; knows nothing of the formats.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <rcugraph/rcugraph.h> /* RG_E* codes */

#include "io.h"
#include "util.h"

/* Shared accesses, relaxed: the fault hook is a test knob armed before
 * the I/O it targets; no ordering with other data is needed. */
static int fault_kind;
static uint64_t fault_budget; /* bytes that may still be written */
static uint64_t io_fsyncs;    /* fsyncs done by the log (for benchmarks) */

void rg__io_inject_fault(int kind, uint64_t after_n_bytes)
{
	/* relaxed: see above */
	RG_STORE_SHARED(fault_budget, after_n_bytes);
	RG_STORE_SHARED(fault_kind, kind);
}

int rg__io_ckpt_fault(void)
{
	/* relaxed: see above */
	if (RG_LOAD_SHARED(fault_kind) != RG_FAULT_CKPT_EIO)
		return 0;
	uint64_t b = RG_LOAD_SHARED(fault_budget);
	while (b > 0) {
		/* CAS: concurrent checkpoints take one unit each (the full
		 * barrier of the vocabulary's CAS is more than needed) */
		uint64_t seen = RG_CMPXCHG(&fault_budget, b, b - 1);
		if (seen == b)
			return 1;
		b = seen;
	}
	return 0;
}

uint64_t rg__io_fsync_count(void)
{
	return RG_LOAD_SHARED(io_fsyncs); /* relaxed: a statistic */
}

/* How many of len bytes the armed fault lets through (len if none). The
 * budget is read and written, not atomically updated: tests arm it for one
 * writer at a time. */
static size_t fault_allow(size_t len, int *err)
{
	/* relaxed: see above */
	int k = RG_LOAD_SHARED(fault_kind);
	*err = 0;
	if (k != RG_FAULT_ENOSPC && k != RG_FAULT_EIO_WRITE && k != RG_FAULT_EIO_FSYNC)
		return len;
	uint64_t b = RG_LOAD_SHARED(fault_budget);
	if (k == RG_FAULT_EIO_FSYNC) {
		uint64_t nb = b > len ? b - len : 0;
		RG_STORE_SHARED(fault_budget, nb);
		return len;
	}
	if (b >= len) {
		RG_STORE_SHARED(fault_budget, b - len);
		return len;
	}
	RG_STORE_SHARED(fault_budget, 0);
	*err = k == RG_FAULT_ENOSPC ? ENOSPC : EIO;
	return (size_t)b;
}

int rg__io_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	const uint8_t *p = buf;
	int ferr;
	size_t allow = fault_allow(len, &ferr);
	while (len) {
		if (allow == 0 && ferr) {
			errno = ferr;
			return -ferr;
		}
		size_t chunk = len < allow ? len : allow;
		ssize_t w = pwrite(fd, p, chunk, off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		p += w;
		off += w;
		len -= (size_t)w;
		allow -= (size_t)w;
	}
	return 0;
}

int rg__io_sync(int fd, int datasync)
{
	/* relaxed: the fault knob (see above) and a statistic */
	if (RG_LOAD_SHARED(fault_kind) == RG_FAULT_EIO_FSYNC && RG_LOAD_SHARED(fault_budget) == 0)
		return -EIO;
	RG_ADD(&io_fsyncs, 1);
	int r = datasync ? fdatasync(fd) : fsync(fd);
	return r ? -errno : 0;
}

int rg__io_err(int neg)
{
	if (neg == -ENOSPC || neg == -EDQUOT)
		return RG_ENOSPC;
	if (neg == -ENOMEM)
		return RG_ENOMEM;
	return RG_EIO;
}

int rg__io_map(int dirfd, const char *name, int rw, struct rg__mapped *m, const char **step)
{
	m->p = NULL;
	m->len = 0;
	*step = "open";
	m->fd = openat(dirfd, name, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (m->fd < 0)
		return -errno;
	struct stat st;
	if (fstat(m->fd, &st)) {
		int e = -errno;
		*step = "stat";
		close(m->fd);
		return e;
	}
	m->len = (size_t)st.st_size;
	if (m->len) {
		void *p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, m->fd, 0);
		if (p == MAP_FAILED) {
			int e = -errno;
			*step = "map";
			close(m->fd);
			return e;
		}
		madvise(p, m->len, MADV_SEQUENTIAL);
		m->p = p;
	}
	return 0;
}

void rg__io_unmap(struct rg__mapped *m, int keep_fd)
{
	if (m->p)
		munmap(m->p, m->len);
	m->p = NULL;
	if (!keep_fd && m->fd >= 0)
		close(m->fd);
}
