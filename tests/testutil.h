/* Small helpers shared by the test programs. */
#ifndef RG_TESTUTIL_H
#define RG_TESTUTIL_H
#include <stdint.h>
#include <rcugraph/rcugraph.h>

/* Path of a dataset file, e.g. rg_dataset("wiki-Vote.txt.gz"): in
 * $RG_DATASETS if set, else the directory configured at build time (the
 * repository's datasets/). If NAME ends in .gz and is missing there but the
 * uncompressed NAME without .gz exists, that path is returned. Per-thread
 * buffer, overwritten by the next call. */
const char *rg_dataset(const char *name);

/* Opens a durable graph on dir with the given durability (the other
 * options at their defaults): rg_open's return code. */
int rg_test_open_dir(rg_graph_t **g, const char *dir, int durability);

/* Removes dir and everything under it (a test's scratch directory):
 * 0, or -1 with errno from the first removal that failed. */
int rg_test_rm_rf(const char *dir);

/* Monotonic seconds. */
double rg_now(void);

/* Test duration scale: $RG_STRESS_SECONDS or the given default. */
double rg_stress_seconds(double dflt);

/* xorshift64* PRNG. */
static inline uint64_t rg_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
	*s = x;
	return x * 2685821657736338717ULL;
}
#endif
