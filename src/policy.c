/*
 * policy.c - the table of synchronisation policies, looked up by name at
 * rg_open() time. docs/policies.md describes each one (guarantees, read
 * and writer cost, when a study should include it).
 *
 * The graph core is compiled once; a policy is a table of functions
 * called at most once per read section (begin, end), registration, and
 * commit (publish_begin/end, retire: from publish.c only). Nothing is
 * called per edge visited (lru-rwlock alone adds one call per neighbour
 * query, which is its design). A policy's kind (RG_POL_*) is its index
 * here; tests/test_policies.c checks that every table entry's kind
 * matches.
 */
#include <string.h>

#include "graph_internal.h"

extern const struct rg_policy rg__policy_urcu_memb, rg__policy_urcu_qsbr, rg__policy_urcu_bp,
	rg__policy_urcu_mb;                                      /* policy_rcu.c */
extern const struct rg_policy rg__policy_ck_epoch, rg__policy_ck_seqlock; /* policy_ck.c */
extern const struct rg_policy rg__policy_nosync, rg__policy_mutex, rg__policy_rwlock,
	rg__policy_rwlock_wp, rg__policy_ck_rwlock, rg__policy_ck_brlock,
	rg__policy_ck_pflock;                                    /* policy_locks.c */
extern const struct rg_policy rg__policy_lru_rwlock;          /* policy_lru.c */

/* Same order as names[] (checked by tests/test_policies.c). */
static const struct rg_policy *const policies[] = {
	&rg__policy_urcu_memb, &rg__policy_urcu_qsbr, &rg__policy_urcu_bp,   &rg__policy_urcu_mb,
	&rg__policy_ck_epoch,  &rg__policy_ck_seqlock, &rg__policy_nosync,   &rg__policy_mutex,
	&rg__policy_rwlock,    &rg__policy_rwlock_wp, &rg__policy_ck_rwlock, &rg__policy_ck_brlock,
	&rg__policy_ck_pflock, &rg__policy_lru_rwlock,
};

static const char *const names[] = {
	"rcu-memb", /* the default: first */
	"rcu-qsbr", "rcu-bp",    "rcu-mb",    "ck-epoch",  "ck-seqlock", "nosync",    "mutex",
	"rwlock",   "rwlock-wp", "ck-rwlock", "ck-brlock", "ck-pflock",  "lru-rwlock", NULL,
};

_Static_assert(sizeof policies / sizeof policies[0] + 1 == sizeof names / sizeof names[0],
	       "one name per policy");
_Static_assert(sizeof policies / sizeof policies[0] == RG_POL__COUNT, "one RG_POL_* per policy");

const struct rg_policy *rg__policy_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
		if (strcmp(policies[i]->name, name) == 0)
			return policies[i];
	return NULL;
}

const char *const *rg_policy_names(void)
{
	return names;
}
