// SPDX-License-Identifier: MIT
/* drivers/net/bridge_fdb.c under any sequence of frames, time steps,
 * flushes and a small table: every verdict is one of the enum with its
 * port in range; the table never holds more than its size, a MAC twice,
 * a group address or a port that was never an ingress; a frame's source,
 * once learned, is found on its port until something else happens. */
#include "fuzz.h"
#include <drivers/bridge_fdb.h>
#include <kern/errno.h>

#define PORTS 4

static void check_table(const struct brfdb *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->cap; i++) {
		const struct brfdb_entry *e = &t->e[i];

		if (!e->used)
			continue;
		n++;
		if (e->port >= PORTS || brfdb_is_group(e->mac))
			abort();
		for (unsigned j = i + 1; j < t->cap; j++)
			if (t->e[j].used && !memcmp(t->e[j].mac, e->mac, 6))
				abort();
	}
	if (n > t->cap || n != brfdb_count(t))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	static const uint8_t own[6] = { 0x02, 0, 0, 0, 0, 1 };
	struct brfdb_entry mem[8];
	struct brfdb t;
	uint64_t now = 0;
	unsigned cap = 1 + fz_u8(&f) % 8;

	brfdb_init(&t, mem, cap, 1 + fz_u8(&f) * 1000ull);
	while (!fz_empty(&f)) {
		uint8_t op = fz_u8(&f), hdr[20];
		unsigned port = op % PORTS, out = PORTS;
		size_t len;
		enum brfdb_verdict v;
		uint8_t *frame;

		switch (op >> 6) {
		case 0:
		case 1:         /* a frame of 0..20 bytes: macs from a small set */
			len = fz_u8(&f) % 21;
			for (size_t i = 0; i < len; i++)
				hdr[i] = fz_u8(&f);
			frame = fz_dup(hdr, len, false);
			v = brfdb_decide(&t, frame, len, port, own, now, &out);
			if (v > BR_DROP_SAME || (v == BR_FORWARD && (out >= PORTS || out == port)))
				abort();
			if (len >= 14 && v != BR_DROP_SRC && v != BR_DROP_RUNT &&
			    brfdb_lookup(&t, frame + 6, now) != (int)port)
				abort();
			free(frame);
			break;
		case 2:         /* time passes */
			now += fz_u16(&f) * 100ull;
			if (op & 1)
				brfdb_expire(&t, now);
			break;
		default:
			if (op & 1)
				brfdb_flush_port(&t, port);
			else if (op & 2)
				brfdb_flush(&t);
			break;
		}
		check_table(&t);
	}
	return 0;
}
