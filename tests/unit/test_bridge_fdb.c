// SPDX-License-Identifier: MIT
/* drivers/net/bridge_fdb.c: learning, moving, ageing, a full table, port
 * flushes and the verdict for each kind of frame. */
#include "unit.h"
#include <drivers/bridge_fdb.h>
#include <kern/errno.h>

#define S 1000000000ull

static const uint8_t own[6] = { 0x02, 0, 0, 0, 0, 1 };

static void mac(uint8_t m[6], unsigned n)
{
	m[0] = 0x52; m[1] = 0x54; m[2] = 0;
	m[3] = (uint8_t)(n >> 16); m[4] = (uint8_t)(n >> 8); m[5] = (uint8_t)n;
}

static void frame(uint8_t f[14], const uint8_t dst[6], const uint8_t src[6])
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
}

UNIT(learn_lookup_move)
{
	struct brfdb_entry mem[8];
	struct brfdb t;
	uint8_t a[6], b[6];

	brfdb_init(&t, mem, 8, 300 * S);
	mac(a, 1);
	mac(b, 2);
	CHECK_EQ(brfdb_lookup(&t, a, 0), -ENOENT);
	CHECK_EQ(brfdb_learn(&t, a, 0, 1), 0);
	CHECK_EQ(brfdb_learn(&t, a, 0, 2), 1);
	CHECK_EQ(brfdb_learn(&t, b, 1, 2), 0);
	CHECK_EQ(brfdb_lookup(&t, a, 3), 0);
	CHECK_EQ(brfdb_lookup(&t, b, 3), 1);
	CHECK_EQ(brfdb_learn(&t, a, 1, 4), 2);
	CHECK_EQ(brfdb_lookup(&t, a, 5), 1);
	CHECK_EQ(brfdb_count(&t), 2);
	CHECK_EQ(t.st.learned, 2);
	CHECK_EQ(t.st.moved, 1);
}

UNIT(group_and_zero_never_learned)
{
	struct brfdb_entry mem[4];
	struct brfdb t;
	uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t mc[6] = { 0x33, 0x33, 0, 0, 0, 1 }, zero[6] = { 0 };

	brfdb_init(&t, mem, 4, 300 * S);
	CHECK_EQ(brfdb_learn(&t, bc, 0, 1), -EINVAL);
	CHECK_EQ(brfdb_learn(&t, mc, 0, 1), -EINVAL);
	CHECK_EQ(brfdb_learn(&t, zero, 0, 1), -EINVAL);
	CHECK_EQ(brfdb_count(&t), 0);
}

UNIT(ageing)
{
	struct brfdb_entry mem[4];
	struct brfdb t;
	uint8_t a[6], b[6];

	brfdb_init(&t, mem, 4, 10 * S);
	mac(a, 1);
	mac(b, 2);
	brfdb_learn(&t, a, 0, 0);
	brfdb_learn(&t, b, 1, 5 * S);
	CHECK_EQ(brfdb_lookup(&t, a, 10 * S - 1), 0);
	CHECK_EQ(brfdb_lookup(&t, a, 10 * S), -ENOENT);     /* gone, and dropped */
	CHECK_EQ(brfdb_count(&t), 1);
	brfdb_learn(&t, b, 1, 12 * S);                        /* refreshed */
	CHECK_EQ(brfdb_expire(&t, 21 * S), 0);
	CHECK_EQ(brfdb_expire(&t, 22 * S), 1);
	CHECK_EQ(brfdb_count(&t), 0);
	CHECK_EQ(t.st.expired, 2);
}

UNIT(full_table_replaces_oldest)
{
	struct brfdb_entry mem[4];
	struct brfdb t;
	uint8_t m[6];

	brfdb_init(&t, mem, 4, 300 * S);
	for (unsigned i = 0; i < 4; i++) {
		mac(m, i);
		brfdb_learn(&t, m, i, 10 + i);
	}
	mac(m, 0);
	brfdb_learn(&t, m, 0, 20);                      /* 0 is fresh again: 1 is oldest */
	for (unsigned i = 100; i < 1100; i++) {         /* a flood of made-up sources */
		mac(m, i);
		brfdb_learn(&t, m, 3, 30 + i);
		CHECK(brfdb_count(&t) <= 4);
	}
	CHECK_EQ(brfdb_count(&t), 4);
	mac(m, 1099);
	CHECK_EQ(brfdb_lookup(&t, m, 2000), 3);
	mac(m, 1);
	CHECK_EQ(brfdb_lookup(&t, m, 2000), -ENOENT);
	CHECK_EQ(t.st.evicted, 1000);
	/* An expired slot is used before anything live is evicted. */
	brfdb_init(&t, mem, 2, 10);
	mac(m, 1);
	brfdb_learn(&t, m, 0, 0);
	mac(m, 2);
	brfdb_learn(&t, m, 0, 15);
	mac(m, 3);
	brfdb_learn(&t, m, 1, 16);
	CHECK_EQ(t.st.evicted, 0);
	CHECK_EQ(t.st.expired, 1);
	mac(m, 2);
	CHECK_EQ(brfdb_lookup(&t, m, 17), 0);
}

UNIT(flush_port)
{
	struct brfdb_entry mem[8];
	struct brfdb t;
	uint8_t m[6];

	brfdb_init(&t, mem, 8, 300 * S);
	for (unsigned i = 0; i < 6; i++) {
		mac(m, i);
		brfdb_learn(&t, m, i % 2, 1);
	}
	brfdb_flush_port(&t, 1);
	CHECK_EQ(brfdb_count(&t), 3);
	mac(m, 1);
	CHECK_EQ(brfdb_lookup(&t, m, 2), -ENOENT);
	mac(m, 2);
	CHECK_EQ(brfdb_lookup(&t, m, 2), 0);
	brfdb_flush(&t);
	CHECK_EQ(brfdb_count(&t), 0);
}

UNIT(verdicts)
{
	struct brfdb_entry mem[8];
	struct brfdb t;
	uint8_t a[6], b[6], f[64] = { 0 };
	uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	unsigned out = 99;

	brfdb_init(&t, mem, 8, 300 * S);
	mac(a, 1);
	mac(b, 2);
	frame(f, b, a);
	CHECK_EQ(brfdb_decide(&t, f, 13, 0, own, 1, &out), BR_DROP_RUNT);
	CHECK_EQ(brfdb_count(&t), 0);
	/* b unknown: flood; a learned on port 0. */
	CHECK_EQ(brfdb_decide(&t, f, 60, 0, own, 1, &out), BR_FLOOD);
	CHECK_EQ(brfdb_lookup(&t, a, 1), 0);
	/* b answers from port 1: a is known, forward there. */
	frame(f, a, b);
	CHECK_EQ(brfdb_decide(&t, f, 60, 1, own, 2, &out), BR_FORWARD);
	CHECK_EQ(out, 0);
	/* a to b now goes to port 1 only. */
	frame(f, b, a);
	CHECK_EQ(brfdb_decide(&t, f, 60, 0, own, 3, &out), BR_FORWARD);
	CHECK_EQ(out, 1);
	/* Both on port 0 (b moved): filtered. */
	frame(f, a, b);
	CHECK_EQ(brfdb_decide(&t, f, 60, 0, own, 4, &out), BR_DROP_SAME);
	/* Group destinations: every other port and the stack. */
	frame(f, bc, a);
	CHECK_EQ(brfdb_decide(&t, f, 60, 0, own, 5, &out), BR_FLOOD_LOCAL);
	frame(f, mc, a);
	CHECK_EQ(brfdb_decide(&t, f, 60, 0, own, 5, &out), BR_FLOOD_LOCAL);
	/* Ours: the stack only. */
	frame(f, own, a);
	CHECK_EQ(brfdb_decide(&t, f, 60, 0, own, 6, &out), BR_LOCAL);
	/* Our own address as a source (a loop), a group source: dropped,
	 * not learned. */
	frame(f, a, own);
	CHECK_EQ(brfdb_decide(&t, f, 60, 1, own, 7, &out), BR_DROP_SRC);
	frame(f, a, bc);
	CHECK_EQ(brfdb_decide(&t, f, 60, 1, own, 7, &out), BR_DROP_SRC);
	CHECK_EQ(brfdb_count(&t), 2);
	/* What the bridge sends itself. */
	CHECK_EQ(brfdb_route(&t, a, 8, &out), BR_FORWARD);
	CHECK_EQ(out, 0);
	CHECK_EQ(brfdb_route(&t, bc, 8, &out), BR_FLOOD);
	CHECK_EQ(brfdb_route(&t, own, 8, &out), BR_FLOOD);
}

UNIT_MAIN()
