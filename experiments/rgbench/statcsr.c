/*
 * statcsr.c - the static CSR the read targets compare rcugraph with: the
 * leanest structure a neighbour scan can read, built in the process from
 * the same edge list (issue 14): uint64_t off[n + 1] and uint32_t nbr[m],
 * node id = row index, every row in edge-list order (a stable counting
 * sort). No synchronisation, no versions, no checks.
 *
 * Also the pointer-chain reference (rgbench.h, rgb_ptrchain_t) the edited
 * read target is explained against.
 */
#include <sys/mman.h>

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

/* Anonymous mapping advised for 2 MiB pages, as rcugraph's node tables and
 * pool chunks are (a malloc'd array gets 4 KiB pages when THP is
 * "madvise"): the reference pays the same page walks as the store. */
static void *pc_map(size_t len)
{
	void *p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, len ? len : 1, MADV_HUGEPAGE);
	return p;
}

int rgb_ptrchain_build(rgb_ptrchain_t *p, const rgb_statcsr_t *c, uint64_t seed)
{
	memset(p, 0, sizeof *p);
	uint64_t *order = malloc((c->n ? c->n : 1) * sizeof *order);
	p->n = c->n;
	p->maplen[0] = c->n * sizeof *p->tab;
	p->maplen[1] = c->n * sizeof(rgb_pcrec_t);
	p->maplen[2] = c->m * sizeof(uint32_t);
	for (int i = 0; i < 3; i++)
		p->map[i] = order ? pc_map(p->maplen[i]) : NULL;
	if (!order || !p->map[0] || !p->map[1] || !p->map[2]) {
		free(order);
		rgb_ptrchain_free(p);
		fprintf(stderr, "rgbench: pointer-chain reference: out of memory\n");
		return -1;
	}
	/* placement order: a seeded Fisher-Yates shuffle of the rows */
	uint64_t rng = rgb_mix64(seed ^ 0x9c) | 1;
	for (uint64_t v = 0; v < c->n; v++)
		order[v] = v;
	for (uint64_t v = c->n; v > 1; v--) {
		uint64_t j = rgb_rand(&rng) % v, t = order[v - 1];
		order[v - 1] = order[j];
		order[j] = t;
	}
	const rgb_pcrec_t **tab = p->map[0];
	rgb_pcrec_t *rec = p->map[1];
	uint32_t *arr = p->map[2];
	for (uint64_t k = 0; k < c->n; k++) {
		uint64_t v = order[k], d = c->off[v + 1] - c->off[v];
		if (!d)
			continue; /* tab[v] stays NULL (the mapping is zeroed) */
		memcpy(arr, c->nbr + c->off[v], d * sizeof *arr);
		*rec = (rgb_pcrec_t){.n = d, .nbr = arr};
		tab[v] = rec++;
		arr += d;
	}
	p->tab = tab;
	free(order);
	return 0;
}

void rgb_ptrchain_free(rgb_ptrchain_t *p)
{
	for (int i = 0; i < 3; i++)
		if (p->map[i])
			munmap(p->map[i], p->maplen[i] ? p->maplen[i] : 1);
	memset(p, 0, sizeof *p);
}
