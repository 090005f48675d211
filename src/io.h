/*
 * io.h - INTERNAL I/O wrappers of the durability stack (io.c): whole
 * writes, syncs, errno mapping, and a fault-injection hook for tests.
 * Knows no format; used by the log (log.c) and checkpoint files
 * (ckpt_file.c).
 */
#ifndef RG_IO_H
#define RG_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum rg__fault_kind {
	RG_FAULT_NONE = 0,
	RG_FAULT_ENOSPC = 1,    /* writes fail with ENOSPC once after_n_bytes have been written (a short write first) */
	RG_FAULT_EIO_WRITE = 2, /* writes fail with EIO once after_n_bytes have been written */
	RG_FAULT_EIO_FSYNC = 3, /* fsyncs fail with EIO once after_n_bytes have been written */
	RG_FAULT_CKPT_EIO = 4,  /* the next after_n_bytes checkpoint files fail to open with EIO
				 * (the log is unaffected) */
};

/* Test hook: arms a fault for every log and checkpoint write/fsync of the
 * process, counting bytes from now. RG_FAULT_NONE disarms. Any thread. */
void rg__io_inject_fault(int kind, uint64_t after_n_bytes);

/* Checkpoint writer: 1 if an armed RG_FAULT_CKPT_EIO fails this checkpoint
 * (and counts it down). */
int rg__io_ckpt_fault(void);

/* pwrite all of buf (retrying short writes / EINTR). Returns 0 or -errno. */
int rg__io_pwrite_all(int fd, const void *buf, size_t len, off_t off);
/* fdatasync (full fsync if datasync == 0). Returns 0 or -errno. */
int rg__io_sync(int fd, int datasync);
/* Maps -errno to RG_ENOSPC / RG_EIO. */
int rg__io_err(int neg_errno);

/* A whole file, mapped read-only (private, populated, advised sequential):
 * p is NULL for an empty file. */
struct rg__mapped {
	int fd;
	uint8_t *p;
	size_t len;
};
/* Opens dirfd/name (read-write if rw, so that the caller can cut it) and
 * maps all of it. Returns 0, or -errno with *step naming the call that
 * failed ("open", "stat" or "map"; nothing is left open). */
int rg__io_map(int dirfd, const char *name, int rw, struct rg__mapped *m, const char **step);
/* Unmaps m; closes its fd unless keep_fd. */
void rg__io_unmap(struct rg__mapped *m, int keep_fd);

/* fsyncs done by every log and checkpoint of the process (metrics,
 * benchmarks). */
uint64_t rg__io_fsync_count(void);

#endif
