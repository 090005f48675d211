/*
 * policy_rcu.c - the liburcu policies, one instantiation of
 * policy_rcu_flavor.h per flavour. _LGPL_SOURCE inlines the read-side
 * primitives (no call per read section).
 */
#define _LGPL_SOURCE
#include <urcu/urcu-memb.h>

#include "graph_internal.h"

#define RG_FL urcu_memb
#define RG_FL_NAME "rcu-memb"
#include "policy_rcu_flavor.h"
