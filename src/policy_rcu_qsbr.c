/*
 * policy_rcu_qsbr.c - rcu-qsbr: quiescent-state-based. read_lock/unlock compile to nothing;
 * registered threads are online and grace periods wait until each has
 * reported a quiescent state (rg_reader_quiescent) or gone offline.
 * Readers must call rg_reader_quiescent() between read sections (every
 * few sections is enough), or writers' memory is never reclaimed and a
 * writer that hits gc_limit waits for them.
 *
 * One instantiation of policy_rcu_flavor.h (see policy_rcu.c for why each
 * flavour has its own translation unit).
 */
#ifndef _LGPL_SOURCE /* also set for the whole library by CMakeLists.txt */
#define _LGPL_SOURCE
#endif
#include <urcu/urcu-qsbr.h>

#include "graph_internal.h"
#include "publish.h"

#define RG_FL urcu_qsbr
#define RG_FL_NAME "rcu-qsbr"
#define RG_FL_KIND RG_POL_RCU_QSBR
#define RG_FORK_PREPARE_EXTRA
#define RG_FORK_PARENT_EXTRA
#define RG_FORK_CHILD_EXTRA
#include "policy_rcu_flavor.h"
