/* SPDX-License-Identifier: MIT */
/* The in-guest bridge between two NICs (drivers/net/bridge.c), with a
 * guest on each side (tests/cases/net_bridge.cases; the host side,
 * tests/hooks/netwrap.py bridge3, starts them once this guest says
 * "netif: bridge up" and takes vioif0's link down when both are done):
 *
 *   ntest.bridge=A,B   A (10.9.0.86, on vioif0's side) and B (10.9.0.87,
 *                      vioif1's) stream TCP to each other through this
 *                      guest (netif_l2); bridge0 has an address of its own
 *                      (net.bridge0.ip) and pings both.
 *
 * Then: both stations were learned on their own ports, the members were
 * promiscuous, the streams were forwarded as known unicast, and lwIP saw
 * no more IPv4 than the bridge handed up to it (frames not for bridge0
 * never reach the stack). */
#include <drivers/bridge.h>
#include <drivers/netdev.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/test.h>
#include <kern/time.h>
#include <net/net.h>
#include <stdio.h>
#include <string.h>

static bool station_on(struct bridge *br, uint8_t last, const char *port)
{
	uint8_t mac[6];
	const char *p;
	unsigned age;
	struct bridge_info in;

	bridge_info(br, &in);
	for (unsigned i = 0; i < in.maxaddr; i++)
		if (bridge_station(br, i, mac, &p, &age) && mac[0] == 0x52 && mac[5] == last)
			return !strcmp(p, port);
	return false;
}

static int ping_until(const char *addr, int tries)
{
	char cmd[64];
	int rc = -1;

	snprintf(cmd, sizeof(cmd), "ping -c 1 -W 1 %s", addr);
	for (int i = 0; i < tries && rc != 0; i++)
		rc = shell_exec(cmd);
	return rc;
}

TEST(netif_bridge)
{
	const char *v = cmdline_get("ntest.bridge");
	struct netdev *m0 = netdev_find("vioif0"), *m1 = netdev_find("vioif1");
	struct net_proto_stats ip0, ip1;
	struct net_if_info in;
	struct bridge_info bi;
	struct bridge *br;
	char buf[64], *b;
	uint64_t end;
	unsigned mode1;
	int err;

	if (!v || strlen(v) >= sizeof(buf) || !strchr(v, ',')) {
		test_skip("no ntest.bridge=A,B");
		return;
	}
	if (!m0 || !m1) {
		test_skip("needs vioif0 and vioif1");
		return;
	}
	strcpy(buf, v);
	b = strchr(buf, ',');
	*b++ = '\0';
	mode1 = m1->rx_mode;
	T_EQ(net_proto_stats("ip", &ip0), 0);
	T_EQ(shell_exec("brconfig bridge0 add vioif0 add vioif1 up"), 0);
	br = bridge_get("bridge0", false, &err);
	T_CHECK(br != NULL);
	if (!br)
		return;
	if (m0->caps & NETDEV_CAP_RX_MODE)
		T_CHECK(m0->rx_mode & NETDEV_RX_PROMISC);
	if (m1->caps & NETDEV_CAP_RX_MODE)
		T_CHECK(m1->rx_mode & NETDEV_RX_PROMISC);
	T_EQ(net_if_info("bridge0", &in), 0);
	T_EQ(net_if_info("vioif0", &in), -ENODEV);
	kprintf("netif: bridge up\n");
	/* The guests boot now; bridge0 reaches both through its members. */
	T_EQ(ping_until(buf, 40), 0);
	T_EQ(ping_until(b, 40), 0);
	/* Until the host says both guests are done: vioif0's link goes. */
	end = time_ns() + 55 * NSEC_PER_SEC;
	while (m0->link_up && time_ns() < end)
		thread_sleep_ns(100 * NSEC_PER_MSEC);
	T_CHECK(!m0->link_up);
	T_EQ(net_proto_stats("ip", &ip1), 0);
	T_EQ(shell_exec("brconfig bridge0"), 0);
	bridge_info(br, &bi);
	test_diag("forwarded %llu, flooded %llu, up to the stack %llu, lwIP IPv4 in %llu",
		  (unsigned long long)bi.st.forwarded, (unsigned long long)bi.st.flooded,
		  (unsigned long long)bi.st.local,
		  (unsigned long long)(ip1.recv - ip0.recv));
	T_CHECK(station_on(br, 0x56, "vioif0"));
	T_CHECK(station_on(br, 0x57, "vioif1"));
	/* 2 MiB each way twice: well over a thousand known-unicast frames. */
	T_CHECK(bi.st.forwarded >= 1000);
	T_CHECK(ip1.recv - ip0.recv <= bi.st.local);
	T_CHECK((ip1.recv - ip0.recv) * 10 < bi.st.forwarded);
	T_EQ(bi.st.nomem, 0);
	/* A member leaves: its receive mode as before, its stations
	 * forgotten, and the stack may have it back. */
	T_EQ(shell_exec("brconfig bridge0 delete vioif1"), 0);
	T_EQ(m1->rx_mode, mode1);
	T_CHECK(!station_on(br, 0x57, "vioif1"));
	bridge_info(br, &bi);
	T_EQ(bi.nports, 1);
	T_EQ(shell_exec("brconfig bridge0 delete vioif1"), -ENOENT);
	T_EQ(shell_exec("ifconfig vioif1 create"), 0);
	T_EQ(net_if_info("vioif1", &in), 0);
	/* Joining again takes it out of the stack first. */
	T_EQ(shell_exec("brconfig bridge0 add vioif1"), 0);
	T_EQ(net_if_info("vioif1", &in), -ENODEV);
	T_CHECK(m1->rx_mode & NETDEV_RX_PROMISC || !(m1->caps & NETDEV_CAP_RX_MODE));
	T_EQ(shell_exec("brconfig bridge0 add vioif1"), -EEXIST);
}
