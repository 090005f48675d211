/*
 * ops.h - one logical operation of a transaction, as the core records it
 * for the redo log: the whole vocabulary shared by the core (txn.c
 * produces them), the codec (codec.c encodes and decodes them) and
 * recovery (durable.c replays them). No functions, no I/O.
 */
#ifndef RG_OPS_H
#define RG_OPS_H

#include <stdint.h>

enum rg__op_kind {
	RG_OP_ADD_NODE = 1, /* a = id, u32 = label */
	RG_OP_DEL_NODE = 2, /* a = id */
	RG_OP_ADD_EDGE = 3, /* a = src, b = dst, u32 = type, prop */
	RG_OP_DEL_EDGE = 4, /* a = src, b = dst, u32 = type (RG_TYPE_ANY allowed) */
};

struct rg__op {
	uint64_t a, b, prop;
	uint32_t u32;
	uint32_t kind;
};

#endif
