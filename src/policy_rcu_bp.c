/*
 * policy_rcu_bp.c - rcu-bp: "bullet-proof" liburcu. Threads are registered lazily by
 * liburcu itself (useful in libraries that do not control their threads);
 * the read side pays a full fence per lock/unlock.
 *
 * One instantiation of policy_rcu_flavor.h (see policy_rcu.c for why each
 * flavour has its own translation unit).
 */
/*
 * Sanitizer builds call liburcu-bp's out-of-line read_lock/unlock instead
 * of inlining them: liburcu 0.13 places its bp reader records (type
 * aligned to 128 bytes) in mmap'ed registry chunks at offset 0x20, and the
 * inlined read_lock's access to such a record is reported by UBSan as
 * "member access within misaligned address ... for type 'struct
 * urcu_bp_reader', which requires 128 byte alignment" (urcu/static/
 * urcu-bp.h:171). The library's own copy is not instrumented. Harmless on
 * x86 (every field is naturally aligned); release builds inline as usual.
 */
#if defined(__SANITIZE_ADDRESS__)
#undef _LGPL_SOURCE /* set for the whole library by CMakeLists.txt */
#endif
#include <urcu/urcu-bp.h>

#include "graph_internal.h"
#include "publish.h"

#define RG_FL urcu_bp
#define RG_FL_NAME "rcu-bp"
#define RG_FL_KIND RG_POL_RCU_BP
/* rcu-bp keeps a registry of reader records under a lock of its own:
 * liburcu asks for these around fork() as well */
#define RG_FORK_PREPARE_EXTRA urcu_bp_before_fork();
#define RG_FORK_PARENT_EXTRA urcu_bp_after_fork_parent();
#define RG_FORK_CHILD_EXTRA urcu_bp_after_fork_child();
#include "policy_rcu_flavor.h"
