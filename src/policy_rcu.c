/*
 * policy_rcu.c - the default policy, rcu-memb: one instantiation of
 * policy_rcu_flavor.h. _LGPL_SOURCE inlines the read-side primitives (no
 * call per read section). Readers pay a compiler barrier; grace periods
 * use sys_membarrier (liburcu falls back to the mb scheme without it).
 *
 * One translation unit per flavour (policy_rcu_qsbr.c, policy_rcu_bp.c,
 * policy_rcu_mb.c): the flavour headers cannot all be included in one
 * file. <urcu/urcu-*.h> declares call_rcu/rcu_barrier through the shared
 * <urcu/call-rcu.h>, whose include guard lets only the first flavour's
 * prefixed declarations (urcu_memb_call_rcu ...) through; the second
 * flavour's urcu_qsbr_call_rcu is then undeclared (checked with liburcu
 * 0.13, gcc 12).
 */
#ifndef _LGPL_SOURCE /* also set for the whole library by CMakeLists.txt */
#define _LGPL_SOURCE
#endif
#include <urcu/urcu-memb.h>

#include "graph_internal.h"
#include "publish.h"

#define RG_FL urcu_memb
#define RG_FL_NAME "rcu-memb"
#define RG_FL_KIND RG_POL_RCU_MEMB
#define RG_FORK_PREPARE_EXTRA
#define RG_FORK_PARENT_EXTRA
#define RG_FORK_CHILD_EXTRA
#include "policy_rcu_flavor.h"
