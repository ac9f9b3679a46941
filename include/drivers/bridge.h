/* SPDX-License-Identifier: MIT */
/* An Ethernet bridge inside the guest (drivers/net/bridge.c): a virtual
 * network device, bridge0, bridge1, ..., that joins member devices
 * (vioif0, vioif1, ...) into one segment, as NetBSD's bridge(4) does.
 *
 * Frames are bridged below any stack: a member's frames go to the bridge
 * (the member in promiscuous mode, netdev_set_rx_mode), which learns the
 * source (<drivers/bridge_fdb.h>) and sends the frame on to the member
 * where its destination was seen, or floods it to all the others when
 * that is unknown or a group address. Only frames for the bridge's own
 * address (and group frames) go up to the bridge device's client, so the
 * lwIP interface bridge0 (net/netif_vioif.c attaches it like any device;
 * net.bridge0.ip=... configures it) never sees the traffic it forwards.
 *
 * A member leaves the stack when it joins (`ifconfig IF destroy` is done
 * for it) and comes back with `ifconfig IF create` after it left.
 * Forwarded frames are copied once (a member's receive buffers go back
 * to its driver when rx() returns) and shared by the ports they go out
 * of. The bridge device's client must copy what it receives (return
 * NETDEV_RX_DONE), as the lwIP glue does. The shell's `brconfig` drives
 * it (drivers/net/brconfig.c). */
#ifndef DRIVERS_BRIDGE_H
#define DRIVERS_BRIDGE_H

#include <drivers/bridge_fdb.h>
#include <drivers/netdev.h>

#define BRIDGE_MAX              4
#define BRIDGE_PORTS            8

struct bridge_stats {
	uint64_t rx;                    /* frames from members */
	uint64_t local;                 /* up to the bridge's client */
	uint64_t forwarded;             /* to one known port */
	uint64_t flooded;               /* to every other port */
	uint64_t filtered;              /* destination on the ingress port */
	uint64_t bad_src;               /* group or own source, runt */
	uint64_t down;                  /* dropped: the bridge is down */
	uint64_t nomem;                 /* no memory for the copy */
	uint64_t port_tx_err;           /* a member refused a frame */
	uint64_t tx;                    /* frames the client sent */
};

struct bridge;

/* The bridge called name ("bridge0"), made when create and it is the
 * next one. @return it, or NULL (-ENOENT/-ENOSPC/-ENOMEM in *err). */
struct bridge *bridge_get(const char *name, bool create, int *err);
/* Add member device name (leaves the stack, goes promiscuous).
 * @return 0, -ENODEV, -EEXIST (a member already), -EINVAL (a bridge),
 * -ENOSPC (BRIDGE_PORTS), -EBUSY (another client has it), or the
 * rx-mode error. */
int bridge_add(struct bridge *br, const char *name);
/* Remove member name (its receive mode restored, the device closed, its
 * stations forgotten). @return 0 or -ENOENT. */
int bridge_del(struct bridge *br, const char *name);
/* Forward (up) or drop everything (down). */
void bridge_set_up(struct bridge *br, bool up);
/* Table settings: at most maxaddr stations (1..1024), ageing time in
 * seconds (1..86400); the table is emptied. @return 0, -EINVAL, -ENOMEM. */
int bridge_set_table(struct bridge *br, unsigned maxaddr, unsigned ttl_s);
/* Forget every learned station. */
void bridge_flush(struct bridge *br);

/* For listings and tests. */
struct bridge_info {
	const char *name;
	bool up;
	unsigned nports;
	struct netdev *port[BRIDGE_PORTS];
	unsigned maxaddr, ttl_s, stations;
	struct bridge_stats st;
	struct brfdb_stats fdb;
};
void bridge_info(struct bridge *br, struct bridge_info *out);
/* Station i of the table (0 .. maxaddr-1) if in use: its MAC, port name
 * and age in seconds. @return true when slot i holds one. */
bool bridge_station(struct bridge *br, unsigned i, uint8_t mac[6],
		    const char **port, unsigned *age_s);
/* The bridge numbered n, or NULL. */
struct bridge *bridge_nth(unsigned n);

#endif
