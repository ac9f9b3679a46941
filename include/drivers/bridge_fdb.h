/* SPDX-License-Identifier: MIT */
/* A learning bridge's forwarding table and its per-frame decision
 * (drivers/net/bridge_fdb.c): pure logic, host unit-tested and fuzzed.
 *
 * The table maps a station's MAC address to the port it was last seen on
 * (IEEE 802.1D §7.8, the filtering database, as a transparent bridge
 * learns it): each frame's source address is learned on its ingress port;
 * an entry not refreshed for `ttl` nanoseconds is expired (802.1D's
 * ageing time, 300 s by default); the table holds at most `cap` entries,
 * and learning into a full table takes the place of the entry seen
 * longest ago, so a flood of made-up source addresses costs the oldest
 * stations a flooded frame, never memory. Group (multicast, broadcast)
 * and all-zero addresses are never learned. Time is whatever clock the
 * caller passes (nanoseconds, not going backwards). */
#ifndef DRIVERS_BRIDGE_FDB_H
#define DRIVERS_BRIDGE_FDB_H

#include <kern/compiler.h>

#define BRFDB_TTL_DEFAULT       (300ull * 1000000000ull)
#define BRFDB_CAP_DEFAULT       100

struct brfdb_entry {
	uint8_t mac[6];
	uint16_t port;
	bool used;
	uint64_t seen;                  /* last learned, caller's clock */
};

struct brfdb_stats {
	uint64_t learned;               /* new entries */
	uint64_t moved;                 /* a station seen on another port */
	uint64_t evicted;               /* the oldest, to make room */
	uint64_t expired;               /* past the ageing time */
};

struct brfdb {
	struct brfdb_entry *e;          /* cap entries, the caller's memory */
	unsigned cap;
	uint64_t ttl;
	struct brfdb_stats st;
};

/* Use mem (cap >= 1 entries) as an empty table with ageing time ttl. */
void brfdb_init(struct brfdb *t, struct brfdb_entry *mem, unsigned cap, uint64_t ttl);
/* Learn mac on port at now. @return 0 (new), 1 (refreshed), 2 (moved to
 * this port), -EINVAL (a group or all-zero address: not learned). */
int brfdb_learn(struct brfdb *t, const uint8_t mac[6], unsigned port, uint64_t now);
/* The port of mac, unless expired at now (then it is dropped).
 * @return the port, or -ENOENT. */
int brfdb_lookup(struct brfdb *t, const uint8_t mac[6], uint64_t now);
/* Forget every entry on port (a port leaves the bridge). */
void brfdb_flush_port(struct brfdb *t, unsigned port);
/* Forget every entry. */
void brfdb_flush(struct brfdb *t);
/* Drop what is expired at now. @return how many. */
unsigned brfdb_expire(struct brfdb *t, uint64_t now);
/* Live entries. */
unsigned brfdb_count(const struct brfdb *t);

/* What to do with one received frame. */
enum brfdb_verdict {
	BR_LOCAL,               /* for the bridge's own address: up the stack only */
	BR_FORWARD,             /* to *out_port only */
	BR_FLOOD,               /* to every port but the ingress one (unknown unicast) */
	BR_FLOOD_LOCAL,         /* to every other port and up the stack (group address) */
	BR_DROP_RUNT,           /* shorter than an Ethernet header */
	BR_DROP_SRC,            /* a group or zero source, or the bridge's own */
	BR_DROP_SAME,           /* the destination is on the ingress port */
};

/* Decide for the frame whose first len bytes are hdr (at least the
 * Ethernet header when len >= 14), received on in_port at now, the
 * bridge's own address being own: learns the source as a side effect.
 * @return the verdict; *out_port is set for BR_FORWARD. */
enum brfdb_verdict brfdb_decide(struct brfdb *t, const uint8_t *hdr, size_t len,
				unsigned in_port, const uint8_t own[6], uint64_t now,
				unsigned *out_port);

/* The verdict for a frame the bridge itself sends to dst: BR_FORWARD
 * (*out_port) or BR_FLOOD (group or unknown destination). */
enum brfdb_verdict brfdb_route(struct brfdb *t, const uint8_t dst[6], uint64_t now,
			       unsigned *out_port);

static inline bool brfdb_is_group(const uint8_t mac[6])
{
	return mac[0] & 1;
}

#endif
