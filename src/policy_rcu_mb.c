/*
 * policy_rcu_mb.c - rcu-mb: liburcu with explicit memory barriers: the read side pays a
 * full fence per lock and per unlock, grace periods need no signals or
 * membarrier.
 *
 * One instantiation of policy_rcu_flavor.h (see policy_rcu.c for why each
 * flavour has its own translation unit).
 */
#define _LGPL_SOURCE
#include <urcu/urcu-mb.h>

#include "graph_internal.h"

#define RG_FL urcu_mb
#define RG_FL_NAME "rcu-mb"
#include "policy_rcu_flavor.h"
