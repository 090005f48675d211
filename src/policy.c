/*
 * policy.c - the table of synchronisation policies, looked up by name at
 * rg_open() time.
 */
#include <string.h>

#include "graph_internal.h"

extern const struct rg_policy rg_policy_urcu_memb;

static const struct rg_policy *const policies[] = {
	&rg_policy_urcu_memb,
};

static const char *const names[] = {
	"rcu-memb",
	NULL,
};

const struct rg_policy *rg_policy_find(const char *name)
{
	for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
		if (strcmp(policies[i]->name, name) == 0)
			return policies[i];
	return NULL;
}

const char *const *rg_policy_names(void)
{
	return names;
}
