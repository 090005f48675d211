/*
 * callgrind.h - rgbench under valgrind's callgrind (callgrind.c), for the
 * sectioncost workload.
 */
#ifndef RGB_CALLGRIND_H
#define RGB_CALLGRIND_H

#include "rgbench.h"

#define RGB_CG_MAXEV 16
#define RGB_CG_MAXDESC 4

typedef struct rgb_cg_dump {
	char label[256];               /* the CALLGRIND_DUMP_STATS_AT label */
	int nev;
	char ev[RGB_CG_MAXEV][16];     /* Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw */
	double val[RGB_CG_MAXEV];      /* totals of the dumped interval */
	int ncache;
	char cache[RGB_CG_MAXDESC][96]; /* "I1 cache: 32768 B, 64 B, 8-way associative" */
} rgb_cg_dump_t;

/* 1 if `valgrind --version` runs. */
int rgb_cg_available(void);
/* Runs child_args (NULL-terminated; child_args[0] the program) under
 * valgrind --tool=callgrind --collect-atstart=no --cache-sim=yes, dumps in
 * dir/cg.out.N, the LL geometry taken from sysfs. Returns the child's exit
 * status, or -1. */
int rgb_cg_spawn(const char *dir, char *const *child_args);
/* Every dump of dir (cg.out.N files with a client-request label). */
int rgb_cg_read_dumps(const char *dir, rgb_cg_dump_t **out, int *n);
/* Total of event ev in the dump (0 if absent). */
double rgb_cg_event(const rgb_cg_dump_t *d, const char *ev);

#endif
