/*
 * statcsr.c - the static CSR the read targets compare rcugraph with: the
 * leanest structure a neighbour scan can read, built in the process from
 * the same edge list (issue 14): uint64_t off[n + 1] and uint32_t nbr[m],
 * node id = row index, every row in edge-list order (a stable counting
 * sort). No synchronisation, no versions, no checks.
 */
#include "rgbench.h"

int rgb_statcsr_build(rgb_statcsr_t *c, const uint64_t *src, const uint64_t *dst, uint64_t m)
{
	memset(c, 0, sizeof *c);
	uint64_t n = 0;
	for (uint64_t i = 0; i < m; i++) {
		if (dst[i] > UINT32_MAX) {
			fprintf(stderr, "rgbench: static CSR: id %llu does not fit 4 bytes\n",
				(unsigned long long)dst[i]);
			return -1;
		}
		if (src[i] + 1 > n)
			n = src[i] + 1;
		if (dst[i] + 1 > n)
			n = dst[i] + 1;
	}
	c->n = n;
	c->m = m;
	c->off = calloc(n + 1, sizeof *c->off);
	c->nbr = malloc((m ? m : 1) * sizeof *c->nbr);
	uint64_t *fill = malloc((n ? n : 1) * sizeof *fill);
	if (!c->off || !c->nbr || !fill) {
		free(fill);
		rgb_statcsr_free(c);
		fprintf(stderr, "rgbench: static CSR: out of memory\n");
		return -1;
	}
	for (uint64_t i = 0; i < m; i++)
		c->off[src[i] + 1]++;
	for (uint64_t v = 0; v < n; v++)
		c->off[v + 1] += c->off[v];
	memcpy(fill, c->off, n * sizeof *fill);
	for (uint64_t i = 0; i < m; i++)
		c->nbr[fill[src[i]]++] = (uint32_t)dst[i];
	free(fill);
	return 0;
}

void rgb_statcsr_free(rgb_statcsr_t *c)
{
	free(c->off);
	free(c->nbr);
	memset(c, 0, sizeof *c);
}
