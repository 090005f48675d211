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
#define _LGPL_SOURCE
#include <urcu/urcu-memb.h>

#include "graph_internal.h"

#define RG_FL urcu_memb
#define RG_FL_NAME "rcu-memb"
#include "policy_rcu_flavor.h"
