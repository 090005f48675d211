/*
 * util.h - small internal helpers shared by several modules.
 */
#ifndef RG_UTIL_H
#define RG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <stdio.h>

/* 64-bit finaliser (MurmurHash3 fmix64): spreads ids over hash buckets. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/* printf into a caller's error buffer; NULL or empty buffer: no-op. */
static inline __attribute__((format(printf, 3, 4))) void
rg_seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
	if (!errbuf || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* Asks for transparent huge pages on a large, fresh allocation (node
 * segments, index tables): the writer and readers touch them at random,
 * and with 4 KiB pages nearly every such touch is also a TLB miss.
 * Advisory; page-aligned part of [p, p+n) only. */
static inline void rg_advise_huge(void *p, size_t n)
{
	if (n < ((size_t)4 << 20))
		return;
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
	(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

#endif
