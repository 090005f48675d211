/*
 * policy_rcu_mb.c - rcu-mb: liburcu with explicit memory barriers: the read side pays a
 * full fence per lock and per unlock, grace periods need no signals or
 * membarrier.
 *
 * One instantiation of policy_rcu_flavor.h (see policy_rcu.c for why each
 * flavour has its own translation unit).
 */
#ifndef _LGPL_SOURCE /* also set for the whole library by CMakeLists.txt */
#define _LGPL_SOURCE
#endif
#include <urcu/urcu-mb.h>

#include "graph_internal.h"
#include "publish.h"

#define RG_FL urcu_mb
#define RG_FL_NAME "rcu-mb"
#define RG_FL_KIND RG_POL_RCU_MB
#define RG_FORK_PREPARE_EXTRA
#define RG_FORK_PARENT_EXTRA
#define RG_FORK_CHILD_EXTRA
#include "policy_rcu_flavor.h"
