// SPDX-License-Identifier: MIT
/* The `netdev` shell command: every network device with its address, MTU,
 * link, offloads, driver detail and counters. */
#include <drivers/netdev.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <string.h>

static void show(struct netdev *nd)
{
	const struct netdev_stats *s = &nd->stats;
	char detail[160];
	nd->ops->describe(nd, detail, sizeof(detail));
	kprintf("%s: %02x:%02x:%02x:%02x:%02x:%02x mtu %u link %s%s%s%s%s%s%s\n",
		nd->name, nd->mac[0], nd->mac[1], nd->mac[2], nd->mac[3], nd->mac[4],
		nd->mac[5], nd->mtu, nd->link_up ? "up" : "down",
		(nd->caps & NETDEV_CAP_TX_CSUM) ? " tx-csum" : "",
		(nd->caps & NETDEV_CAP_RX_CSUM) ? " rx-csum" : "",
		(nd->caps & NETDEV_CAP_RX_MODE) ? " rx-mode" : "",
		(nd->rx_mode & NETDEV_RX_PROMISC) ? " promisc" : "",
		(nd->rx_mode & NETDEV_RX_ALLMULTI) ? " allmulti" : "",
		nd->open ? " open" : "");
	kprintf("  %s: %s\n", nd->driver, detail);
	kprintf("  rx %llu packets %llu bytes, dropped %llu (runt %llu oversize %llu "
		"nbuf %llu csum %llu no-client %llu nomem %llu), csum valid %llu sw %llu\n",
		(unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes,
		(unsigned long long)s->rx_dropped, (unsigned long long)s->rx_runt,
		(unsigned long long)s->rx_oversize, (unsigned long long)s->rx_bad_nbuf,
		(unsigned long long)s->rx_bad_csum, (unsigned long long)s->rx_no_client,
		(unsigned long long)s->rx_nomem, (unsigned long long)s->rx_csum_valid,
		(unsigned long long)s->rx_csum_sw);
	kprintf("  tx %llu packets %llu bytes, dropped %llu (busy %llu oversize %llu "
		"invalid %llu link-down %llu dev %llu), csum offload %llu sw %llu\n",
		(unsigned long long)s->tx_packets, (unsigned long long)s->tx_bytes,
		(unsigned long long)s->tx_dropped, (unsigned long long)s->tx_busy,
		(unsigned long long)s->tx_oversize, (unsigned long long)s->tx_invalid,
		(unsigned long long)s->tx_link_down, (unsigned long long)s->tx_dev_error,
		(unsigned long long)s->tx_csum_offload, (unsigned long long)s->tx_csum_sw);
	kprintf("  link changes %llu, device errors %llu\n",
		(unsigned long long)s->link_changes, (unsigned long long)s->dev_errors);
}

/* netdev [NAME]: list devices (or one). */
static int cmd_netdev(int argc, char **argv)
{
	if (argc > 1) {
		struct netdev *nd = netdev_find(argv[1]);
		if (!nd) {
			kprintf("netdev: no device %s\n", argv[1]);
			return -ENODEV;
		}
		show(nd);
		return 0;
	}
	if (!netdev_first())
		kprintf("no network devices\n");
	for (struct netdev *nd = netdev_first(); nd; nd = nd->next)
		show(nd);
	return 0;
}
SHELL_CMD("netdev", "netdev [NAME] - network devices: MAC, MTU, link, offloads, counters",
	  cmd_netdev);
