// SPDX-License-Identifier: MIT
/* `brconfig`, as NetBSD's brconfig(8) reads: the in-guest bridges
 * (drivers/net/bridge.c).
 *
 *   brconfig                          every bridge
 *   brconfig bridgeN                  one, with its members, table and counters
 *   brconfig bridgeN CMD [CMD ...]    add IF | delete IF | up | down | flush |
 *                                     maxaddr N | timeout SECONDS, in order;
 *                                     the bridge is made on first use
 */
#include <drivers/bridge.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <stdlib.h>
#include <string.h>

static void br_show(struct bridge *br)
{
	struct bridge_info in;
	uint8_t mac[6];
	const char *port;
	unsigned age;

	bridge_info(br, &in);
	kprintf("%s: %s, %u member(s):", in.name, in.up ? "up" : "down", in.nports);
	for (unsigned i = 0; i < in.nports; i++)
		kprintf(" %s%s", in.port[i]->name,
			(in.port[i]->rx_mode & NETDEV_RX_PROMISC) ? "(promisc)" : "");
	kprintf("\n  table: %u of %u station(s), ageing %u s; learned %llu moved %llu "
		"evicted %llu expired %llu\n", in.stations, in.maxaddr, in.ttl_s,
		(unsigned long long)in.fdb.learned, (unsigned long long)in.fdb.moved,
		(unsigned long long)in.fdb.evicted, (unsigned long long)in.fdb.expired);
	kprintf("  rx %llu: local %llu forwarded %llu flooded %llu filtered %llu; "
		"dropped: bad source %llu down %llu nomem %llu; member refusals %llu; "
		"tx %llu\n",
		(unsigned long long)in.st.rx, (unsigned long long)in.st.local,
		(unsigned long long)in.st.forwarded, (unsigned long long)in.st.flooded,
		(unsigned long long)in.st.filtered, (unsigned long long)in.st.bad_src,
		(unsigned long long)in.st.down, (unsigned long long)in.st.nomem,
		(unsigned long long)in.st.port_tx_err, (unsigned long long)in.st.tx);
	for (unsigned i = 0; i < in.maxaddr; i++)
		if (bridge_station(br, i, mac, &port, &age))
			kprintf("  %02x:%02x:%02x:%02x:%02x:%02x on %s, %u s ago\n", mac[0],
				mac[1], mac[2], mac[3], mac[4], mac[5], port, age);
}

static int cmd_brconfig(int argc, char **argv)
{
	struct bridge *br;
	int rc = 0;

	if (argc == 1) {
		for (unsigned n = 0; n < BRIDGE_MAX; n++)
			if (bridge_nth(n))
				br_show(bridge_nth(n));
		return 0;
	}
	br = bridge_get(argv[1], argc > 2, &rc);
	if (!br) {
		kprintf("brconfig: no bridge %s%s\n", argv[1],
			rc == -ENOSPC ? " (too many)" : rc == -ENOMEM ? " (out of memory)" :
			" (bridge0, bridge1, ... in order)");
		return rc;
	}
	if (argc == 2) {
		br_show(br);
		return 0;
	}
	rc = 0;
	for (int i = 2; i < argc && rc == 0; i++) {
		const char *c = argv[i], *arg = i + 1 < argc ? argv[i + 1] : NULL;
		struct bridge_info in;
		bool takes = !strcmp(c, "add") || !strcmp(c, "delete") ||
			     !strcmp(c, "maxaddr") || !strcmp(c, "timeout");

		if (takes && !arg) {
			kprintf("brconfig: %s needs an argument\n", c);
			return -EINVAL;
		}
		if (!strcmp(c, "add"))
			rc = bridge_add(br, arg);
		else if (!strcmp(c, "delete"))
			rc = bridge_del(br, arg);
		else if (!strcmp(c, "up"))
			bridge_set_up(br, true);
		else if (!strcmp(c, "down"))
			bridge_set_up(br, false);
		else if (!strcmp(c, "flush"))
			bridge_flush(br);
		else if (!strcmp(c, "maxaddr") || !strcmp(c, "timeout")) {
			unsigned v = (unsigned)strtoul(arg, NULL, 10);

			bridge_info(br, &in);
			rc = c[0] == 'm' ? bridge_set_table(br, v, in.ttl_s) :
					   bridge_set_table(br, in.maxaddr, v);
		}
		else {
			kprintf("brconfig: unknown command %s\n", c);
			return -EINVAL;
		}
		if (rc < 0)
			kprintf("brconfig: %s %s%s%s: error %d\n", argv[1], c,
				takes ? " " : "", takes ? arg : "", rc);
		i += takes;
	}
	return rc;
}
SHELL_CMD("brconfig", "brconfig [bridgeN [add IF|delete IF|up|down|flush|maxaddr N|timeout S]...]"
	  " - in-guest Ethernet bridges", cmd_brconfig);
