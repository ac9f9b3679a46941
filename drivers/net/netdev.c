// SPDX-License-Identifier: MIT
/* The network device registry: names devices in registration order,
 * introduces them to stacks (netdev_watch), checks what a stack sends
 * before the driver sees it, and counts. The contract is in
 * <drivers/netdev.h>. */
#include <drivers/netdev.h>
#include <drivers/netcsum.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <stdio.h>
#include <string.h>

#define MAX_WATCHERS    4

struct watcher {
	void (*added)(struct netdev *nd, void *ctx);
	void *ctx;
};

static struct netdev *nd_list, **nd_tail = &nd_list;
static unsigned nd_count;
static struct watcher watchers[MAX_WATCHERS];
static unsigned nwatchers;

struct netdev *netdev_first(void) { return nd_list; }
unsigned netdev_count(void) { return nd_count; }

struct netdev *netdev_find(const char *name)
{
	for (struct netdev *nd = nd_list; nd; nd = nd->next)
		if (!strcmp(nd->name, name))
			return nd;
	return NULL;
}

int netdev_watch(void (*added)(struct netdev *nd, void *ctx), void *ctx)
{
	if (!added)
		return -EINVAL;
	if (nwatchers == MAX_WATCHERS)
		return -ENOMEM;
	watchers[nwatchers++] = (struct watcher){ added, ctx };
	for (struct netdev *nd = nd_list; nd; nd = nd->next)
		added(nd, ctx);
	return 0;
}

int netdev_register(struct netdev *nd, const char *prefix)
{
	const struct netdev_ops *o = nd->ops;
	if (!o || !o->xmit || !o->set_rx_mode || !o->rx_release || !o->describe ||
	    !prefix || strlen(prefix) > NETDEV_NAME_LEN - 4)
		return -EINVAL;
	/* RFC 791 needs 68 bytes; 65535 is the most an IP packet has. */
	if (nd->mtu < 68 || nd->mtu > 65535 || nd->tx_max_sg == 0)
		return -EINVAL;
	unsigned n = 0;
	size_t pl = strlen(prefix);
	for (struct netdev *d = nd_list; d; d = d->next)
		if (!strncmp(d->name, prefix, pl))
			n++;
	snprintf(nd->name, sizeof(nd->name), "%s%u", prefix, n);
	nd->index = nd_count++;
	nd->open = false;
	nd->next = NULL;
	*nd_tail = nd;
	nd_tail = &nd->next;
	for (unsigned i = 0; i < nwatchers; i++)
		watchers[i].added(nd, watchers[i].ctx);
	return 0;
}

int netdev_open(struct netdev *nd, const struct netdev_client *cl)
{
	if (!cl || !cl->rx)
		return -EINVAL;
	if (nd->open)
		return -EBUSY;
	nd->client = *cl;
	nd->open = true;
	return 0;
}

void netdev_close(struct netdev *nd)
{
	nd->open = false;
}

static int tx_refuse(struct netdev *nd, uint64_t *cause, int err)
{
	(*cause)++;
	nd->stats.tx_dropped++;
	return err;
}

int netdev_xmit(struct netdev *nd, const struct netdev_tx *tx)
{
	struct netdev_stats *s = &nd->stats;
	if (!tx->done || tx->nsg == 0 || tx->nsg > nd->tx_max_sg)
		return tx_refuse(nd, &s->tx_invalid, -EINVAL);
	uint64_t len = netsg_len(tx->sg, tx->nsg);
	if (len < NETDEV_ETH_HLEN)
		return tx_refuse(nd, &s->tx_invalid, -EINVAL);
	if (len > (uint64_t)nd->mtu + NETDEV_ETH_HLEN)
		return tx_refuse(nd, &s->tx_oversize, -EMSGSIZE);
	if ((tx->flags & NETDEV_TX_CSUM) &&
	    (uint32_t)tx->csum_start + tx->csum_offset + 2 > len)
		return tx_refuse(nd, &s->tx_invalid, -EINVAL);
	if (!nd->link_up)
		return tx_refuse(nd, &s->tx_link_down, -ENETDOWN);
	int rc = nd->ops->xmit(nd, tx);
	if (rc == -ENOSPC)
		return tx_refuse(nd, &s->tx_busy, rc);
	if (rc == -EIO)
		return tx_refuse(nd, &s->tx_dev_error, rc);
	if (rc)
		return tx_refuse(nd, &s->tx_invalid, rc);
	return 0;
}

void netdev_rx_release(struct netdev *nd, struct netdev_rx *rx)
{
	nd->ops->rx_release(nd, rx);
}

int netdev_set_rx_mode(struct netdev *nd, unsigned mode)
{
	if (mode & ~(NETDEV_RX_PROMISC | NETDEV_RX_ALLMULTI))
		return -EINVAL;
	if (!(nd->caps & NETDEV_CAP_RX_MODE))
		return -EOPNOTSUPP;
	int rc = nd->ops->set_rx_mode(nd, mode);
	if (!rc)
		nd->rx_mode = mode;
	return rc;
}

int netdev_deliver(struct netdev *nd, struct netdev_rx *rx)
{
	if (!nd->open) {
		nd->stats.rx_no_client++;
		nd->stats.rx_dropped++;
		return NETDEV_RX_DONE;
	}
	nd->stats.rx_packets++;
	nd->stats.rx_bytes += rx->len;
	return nd->client.rx(nd, nd->client.ctx, rx) == NETDEV_RX_KEPT ? NETDEV_RX_KEPT
									 : NETDEV_RX_DONE;
}

void netdev_link_set(struct netdev *nd, bool up)
{
	if (nd->link_up == up)
		return;
	nd->link_up = up;
	nd->stats.link_changes++;
	pr_info("%s: link %s\n", nd->name, up ? "up" : "down");
	if (nd->open && nd->client.link_changed)
		nd->client.link_changed(nd, nd->client.ctx, up);
}
