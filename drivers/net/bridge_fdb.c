// SPDX-License-Identifier: MIT
/* The learning bridge's forwarding table (<drivers/bridge_fdb.h>).
 *
 * A plain array searched from the start: the table is small (100
 * stations by default, as NetBSD's bridge(4) allows), a search touches
 * cap * 16 bytes, and a bounded array needs no allocation on the receive
 * path, so a frame can never fail for memory here. */
#include <drivers/bridge_fdb.h>
#include <kern/errno.h>
#include <string.h>

void brfdb_init(struct brfdb *t, struct brfdb_entry *mem, unsigned cap, uint64_t ttl)
{
	t->e = mem;
	t->cap = cap;
	t->ttl = ttl;
	memset(&t->st, 0, sizeof(t->st));
	brfdb_flush(t);
}

static bool mac_zero(const uint8_t m[6])
{
	return !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

static bool expired(const struct brfdb *t, const struct brfdb_entry *e, uint64_t now)
{
	return now > e->seen && now - e->seen >= t->ttl;
}

static struct brfdb_entry *find(struct brfdb *t, const uint8_t mac[6])
{
	for (unsigned i = 0; i < t->cap; i++)
		if (t->e[i].used && !memcmp(t->e[i].mac, mac, 6))
			return &t->e[i];
	return NULL;
}

int brfdb_learn(struct brfdb *t, const uint8_t mac[6], unsigned port, uint64_t now)
{
	struct brfdb_entry *e, *slot = NULL;

	if (brfdb_is_group(mac) || mac_zero(mac))
		return -EINVAL;
	e = find(t, mac);
	if (e) {
		int moved = e->port != port;

		if (moved)
			t->st.moved++;
		e->port = (uint16_t)port;
		e->seen = now;
		return moved ? 2 : 1;
	}
	/* A free or expired slot, else the one seen longest ago. */
	for (unsigned i = 0; i < t->cap; i++) {
		e = &t->e[i];
		if (!e->used || expired(t, e, now)) {
			if (e->used)
				t->st.expired++;
			slot = e;
			break;
		}
		if (!slot || e->seen < slot->seen)
			slot = e;
	}
	if (slot->used && !expired(t, slot, now))
		t->st.evicted++;
	memcpy(slot->mac, mac, 6);
	slot->port = (uint16_t)port;
	slot->seen = now;
	slot->used = true;
	t->st.learned++;
	return 0;
}

int brfdb_lookup(struct brfdb *t, const uint8_t mac[6], uint64_t now)
{
	struct brfdb_entry *e = find(t, mac);

	if (!e)
		return -ENOENT;
	if (expired(t, e, now)) {
		e->used = false;
		t->st.expired++;
		return -ENOENT;
	}
	return e->port;
}

void brfdb_flush_port(struct brfdb *t, unsigned port)
{
	for (unsigned i = 0; i < t->cap; i++)
		if (t->e[i].port == port)
			t->e[i].used = false;
}

void brfdb_flush(struct brfdb *t)
{
	for (unsigned i = 0; i < t->cap; i++)
		t->e[i].used = false;
}

unsigned brfdb_expire(struct brfdb *t, uint64_t now)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->cap; i++)
		if (t->e[i].used && expired(t, &t->e[i], now)) {
			t->e[i].used = false;
			n++;
		}
	t->st.expired += n;
	return n;
}

unsigned brfdb_count(const struct brfdb *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->cap; i++)
		n += t->e[i].used;
	return n;
}

enum brfdb_verdict brfdb_route(struct brfdb *t, const uint8_t dst[6], uint64_t now,
			       unsigned *out_port)
{
	int port;

	if (brfdb_is_group(dst))
		return BR_FLOOD;
	port = brfdb_lookup(t, dst, now);
	if (port < 0)
		return BR_FLOOD;
	*out_port = (unsigned)port;
	return BR_FORWARD;
}

/* 802.1D §7.7 (forwarding process) in short: learn the source, then the
 * destination picks the ports. A source that is a group address is
 * invalid; one equal to the bridge's own address is our own frame come
 * back around a loop: neither is learned nor forwarded. */
enum brfdb_verdict brfdb_decide(struct brfdb *t, const uint8_t *hdr, size_t len,
				unsigned in_port, const uint8_t own[6], uint64_t now,
				unsigned *out_port)
{
	const uint8_t *dst = hdr, *src = hdr + 6;
	enum brfdb_verdict v;

	if (len < 14)
		return BR_DROP_RUNT;
	if (!memcmp(src, own, 6) || brfdb_learn(t, src, in_port, now) < 0)
		return BR_DROP_SRC;
	if (!memcmp(dst, own, 6))
		return BR_LOCAL;
	if (brfdb_is_group(dst))
		return BR_FLOOD_LOCAL;
	v = brfdb_route(t, dst, now, out_port);
	if (v == BR_FORWARD && *out_port == in_port)
		return BR_DROP_SAME;
	return v;
}
