/*
 * util.h - small internal helpers shared by several modules.
 */
#ifndef RG_UTIL_H
#define RG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

#endif
