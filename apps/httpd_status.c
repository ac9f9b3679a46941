// SPDX-License-Identifier: MIT
/* The HTTP appliance's status page, /_status (HTML) and /_status.json:
 * the hypervisor and its features, the boot path, the CPU, memory, uptime,
 * every device with its transport and counters, the interfaces with their
 * addresses and traffic, and the server's own counters.
 *
 * Both forms come from one walk over the data through a small emitter, so
 * they can't disagree: sections (objects) of name/value rows, and lists of
 * items (arrays of objects) whose values may hold sub-lists (a virtio
 * device's queues). In HTML a section is a two-column table, a list a
 * table with a header row, a sub-list a line per element in its cell.
 * This is the kernel side of the app: it reads the kernel's own APIs. */
#include <drivers/blkdev.h>
#include <drivers/netdev.h>
#include <drivers/pvbus.h>
#include <drivers/virtio_transport.h>
#include <drivers/virtqueue.h>
#include <kern/boot.h>
#include <kern/cpuinfo.h>
#include <kern/heap.h>
#include <kern/pmm.h>
#include <kern/time.h>
#include <net/ifinfo.h>
#include <net/net.h>
#include <stdio.h>
#include <string.h>
#include "httpd.h"

/* --- The emitter --------------------------------------------------------------- */
enum { E_TOP, E_SECTION, E_LIST, E_ITEM, E_SUB, E_SUBITEM };

struct em {
	struct sb *o;
	bool json;
	int depth;
	int kind[6];
	bool first[6];          /* nothing written yet at this depth */
	bool header_done;       /* HTML list: the header row is out */
	char cols[24][24];      /* HTML list: the first item's labels */
	int ncols;
	struct sb first_row;    /* HTML list: the first item, until its header is out */
	struct sb *saved;
};

static void push(struct em *e, int kind)
{
	e->depth++;
	e->kind[e->depth] = kind;
	e->first[e->depth] = true;
}

static void comma(struct em *e)
{
	if (e->json && !e->first[e->depth])
		sb_puts(e->o, ",");
	e->first[e->depth] = false;
}

static void json_key(struct em *e, const char *key)
{
	comma(e);
	sb_json_str(e->o, key);
	sb_puts(e->o, ":");
}

static void section(struct em *e, const char *key, const char *title)
{
	if (e->json) {
		json_key(e, key);
		sb_puts(e->o, "{");
	} else {
		sb_printf(e->o, "<section id=\"%s\"><h2>%s</h2>\n<table class=\"kv\">\n", key, title);
	}
	push(e, E_SECTION);
}

static void list(struct em *e, const char *key, const char *title)
{
	if (e->json) {
		json_key(e, key);
		sb_puts(e->o, "[");
	} else {
		sb_printf(e->o, "<section id=\"%s\"><h2>%s</h2>\n<table class=\"list\">\n", key, title);
		e->header_done = false;
		e->ncols = 0;
	}
	push(e, E_LIST);
}

static void item(struct em *e)
{
	if (e->json) {
		comma(e);
		sb_puts(e->o, "{");
	} else if (e->kind[e->depth] == E_LIST) {
		/* The header row names the first item's values: hold the
		 * first row back until they are known. */
		if (!e->header_done) {
			e->saved = e->o;
			sb_init(&e->first_row, 64 * 1024);
			e->o = &e->first_row;
		}
		sb_puts(e->o, "<tr>");
	} else {
		sb_puts(e->o, "<div>");
	}
	push(e, e->kind[e->depth] == E_LIST ? E_ITEM : E_SUBITEM);
}

/* A sub-list inside an item's value (JSON array; HTML one cell). */
static void sublist(struct em *e, const char *key)
{
	if (e->json) {
		json_key(e, key);
		sb_puts(e->o, "[");
	} else {
		if (!e->header_done && e->ncols < 24)
			snprintf(e->cols[e->ncols++], sizeof(e->cols[0]), "%s", key);
		sb_printf(e->o, "<td data-key=\"%s\">", key);
	}
	push(e, E_SUB);
}

static void end(struct em *e)
{
	int k = e->kind[e->depth];

	e->depth--;
	if (e->json) {
		sb_puts(e->o, k == E_LIST || k == E_SUB ? "]" : "}");
		return;
	}
	switch (k) {
	case E_SECTION:
		sb_puts(e->o, "</table></section>\n");
		break;
	case E_LIST:
		if (!e->header_done)
			sb_puts(e->o, "<tr><td>none</td></tr>\n");
		sb_puts(e->o, "</table></section>\n");
		break;
	case E_ITEM:
		sb_puts(e->o, "</tr>\n");
		if (!e->header_done) {
			e->o = e->saved;
			sb_puts(e->o, "<tr>");
			for (int i = 0; i < e->ncols; i++)
				sb_printf(e->o, "<th>%s</th>", e->cols[i]);
			sb_puts(e->o, "</tr>\n");
			if (e->first_row.cut)
				e->o->cut = true;
			else
				sb_put(e->o, e->first_row.p, e->first_row.len);
			sb_free(&e->first_row);
			e->header_done = true;
		}
		break;
	case E_SUB:
		sb_puts(e->o, "</td>");
		break;
	case E_SUBITEM:
		sb_puts(e->o, "</div>");
		break;
	}
}

/* A name and a preformatted value (JSON: a string unless raw). */
static void kv(struct em *e, const char *key, const char *label, const char *val, bool raw)
{
	int k = e->kind[e->depth];

	if (e->json) {
		json_key(e, key);
		if (raw)
			sb_puts(e->o, val);
		else
			sb_json_str(e->o, val);
		return;
	}
	if (k == E_SECTION) {
		sb_printf(e->o, "<tr><th>%s</th><td data-key=\"%s\">", label, key);
		sb_html(e->o, val);
		sb_puts(e->o, "</td></tr>\n");
	} else if (k == E_ITEM) {
		if (!e->header_done && e->ncols < 24)
			snprintf(e->cols[e->ncols++], sizeof(e->cols[0]), "%s", label);
		sb_printf(e->o, "<td data-key=\"%s\">", key);
		sb_html(e->o, val);
		sb_puts(e->o, "</td>");
	} else {
		/* in a sub-list element: "label value" on one line */
		if (!e->first[e->depth])
			sb_puts(e->o, ", ");
		e->first[e->depth] = false;
		sb_printf(e->o, "%s ", label);
		sb_html(e->o, val);
	}
}

static void str(struct em *e, const char *key, const char *label, const char *val)
{
	kv(e, key, label, val ? val : "", false);
}

static void num(struct em *e, const char *key, const char *label, unsigned long long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%llu", v);
	kv(e, key, label, b, true);
}

static void flag(struct em *e, const char *key, const char *label, bool v)
{
	kv(e, key, label, v ? "true" : "false", true);
}

/* --- The data ----------------------------------------------------------------------- */
static void system_section(struct em *e)
{
	char buf[256];
	uint64_t ns = time_ns();

	section(e, "system", "System");
	if (pvbus_type(buf, sizeof(buf)) < 0)
		snprintf(buf, sizeof(buf), "none detected");
	str(e, "hypervisor", "hypervisor", buf);
	for (int i = 0; i < pvbus_hv_count(); i++) {
		const struct pvbus_hv *hv = pvbus_hv_get(i);
		char key[32], label[48], feat[200];

		if (!hv)
			break;
		if (pvbus_hv_features(hv, feat, sizeof(feat)) < 0)
			snprintf(feat + sizeof(feat) - 5, 5, "...");
		snprintf(key, sizeof(key), "features_%s", pvbus_hv_name(hv->type));
		for (char *p = key; *p; p++)
			if (*p == '-' || *p == ' ')
				*p = '_';
		snprintf(label, sizeof(label), "%s features", pvbus_hv_name(hv->type));
		str(e, key, label, feat[0] ? feat : "-");
	}
	str(e, "boot", "boot path", boot_info.protocol);
	str(e, "cmdline", "command line", boot_info.cmdline);
	arch_cpu_describe(buf, sizeof(buf));
	str(e, "cpu", "CPU", buf);
	str(e, "clock", "clock", time_clock_name());
	num(e, "uptime_ms", "uptime (ms)", ns / NSEC_PER_MSEC);
	snprintf(buf, sizeof(buf), "%llu.%03llu s", (unsigned long long)(ns / NSEC_PER_SEC),
		 (unsigned long long)(ns % NSEC_PER_SEC / NSEC_PER_MSEC));
	str(e, "uptime", "uptime", buf);
	end(e);
}

static void memory_section(struct em *e)
{
	struct pmm_stats p;
	struct heap_stats h;
	struct net_mem_stats n;

	pmm_stats(&p);
	heap_stats(&h);
	net_mem_stats(&n);
	section(e, "memory", "Memory");
	num(e, "ram_bytes", "RAM managed (bytes)", p.total_pages * PAGE_SIZE);
	num(e, "free_bytes", "RAM free (bytes)", p.free_pages * PAGE_SIZE);
	num(e, "used_bytes", "RAM in use (bytes)", (p.total_pages - p.free_pages) * PAGE_SIZE);
	num(e, "heap_in_use", "heap in use (bytes)", h.bytes_in_use);
	num(e, "heap_peak", "heap peak (bytes)", h.peak_bytes);
	num(e, "heap_allocs", "heap allocations", h.allocs);
	num(e, "heap_frees", "heap frees", h.frees);
	num(e, "net_used", "network stack (bytes)", n.used);
	num(e, "net_limit", "network stack budget (bytes)", n.limit);
	num(e, "net_failed", "network allocations refused", n.failed);
	end(e);
}

static void devices_section(struct em *e)
{
	char buf[64];

	list(e, "virtio", "Virtio devices");
	for (struct virtio_dev *v = virtio_devices(); v; v = v->next) {
		item(e);
		str(e, "name", "name", v->name);
		num(e, "type", "type", v->id);
		str(e, "driver", "driver", v->driver ? v->driver->name : "-");
		str(e, "transport", "transport", v->transport);
		str(e, "bus_id", "address", v->bus_id);
		str(e, "mode", "mode", v->poll ? "poll" : v->irq_shared ? "intx" : "msi-x");
		snprintf(buf, sizeof(buf), "%#llx", (unsigned long long)v->features);
		str(e, "features", "features", buf);
		flag(e, "broken", "broken", v->broken);
		num(e, "interrupts", "interrupts", v->n_intr);
		sublist(e, "queues");
		for (unsigned i = 0; i < v->nvqs; i++) {
			struct virtqueue *q = v->vqs[i];

			item(e);
			num(e, "index", "queue", i);
			num(e, "size", "size", q->num);
			num(e, "in_flight", "in flight", q->inflight);
			num(e, "requests", "requests", q->n_enqueued);
			num(e, "kicks", "kicks", q->n_kicks);
			num(e, "notifies", "notifies", q->n_notifies);
			end(e);
		}
		end(e);
		end(e);
	}
	end(e);

	list(e, "disks", "Block devices");
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd)) {
		item(e);
		str(e, "name", "name", bd->name);
		str(e, "driver", "driver", bd->driver ? bd->driver : "-");
		num(e, "sectors", "sectors", bd->capacity);
		num(e, "sector_size", "sector size", bd->sector_size);
		num(e, "bytes", "bytes", bd->capacity * bd->sector_size);
		flag(e, "read_only", "read-only", bd->flags & BLKDEV_F_RO);
		end(e);
	}
	end(e);

	list(e, "nics", "Network devices");
	for (struct netdev *nd = netdev_first(); nd; nd = nd->next) {
		const struct netdev_stats *s = &nd->stats;

		item(e);
		str(e, "name", "name", nd->name);
		str(e, "driver", "driver", nd->driver);
		snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", nd->mac[0], nd->mac[1],
			 nd->mac[2], nd->mac[3], nd->mac[4], nd->mac[5]);
		str(e, "mac", "MAC", buf);
		num(e, "mtu", "MTU", nd->mtu);
		flag(e, "link_up", "link", nd->link_up);
		num(e, "rx_packets", "rx packets", s->rx_packets);
		num(e, "rx_bytes", "rx bytes", s->rx_bytes);
		num(e, "tx_packets", "tx packets", s->tx_packets);
		num(e, "tx_bytes", "tx bytes", s->tx_bytes);
		num(e, "rx_dropped", "rx dropped", s->rx_dropped);
		num(e, "tx_dropped", "tx dropped", s->tx_dropped);
		end(e);
	}
	end(e);
}

static void interfaces_section(struct em *e)
{
	struct net_ifinfo ifs[8];
	int n = net_ifinfo(ifs, 8);

	list(e, "interfaces", "Interfaces");
	for (int i = 0; i < n && i < 8; i++) {
		struct net_ifinfo *f = &ifs[i];
		struct netdev *nd = netdev_find(f->name);

		item(e);
		str(e, "name", "name", f->name);
		flag(e, "up", "up", f->up);
		flag(e, "link_up", "link", f->link_up);
		num(e, "mtu", "MTU", f->mtu);
		str(e, "mac", "MAC", f->mac);
		str(e, "ipv4", "IPv4", f->ip4);
		str(e, "netmask", "netmask", f->mask4);
		str(e, "gateway", "gateway", f->gw4);
		sublist(e, "ipv6");
		for (int k = 0; k < NET_IFINFO_V6 && f->ip6[k][0]; k++) {
			item(e);
			str(e, "address", "", f->ip6[k]);
			str(e, "state", "", f->ip6_state[k]);
			end(e);
		}
		end(e);
		/* traffic: the device's counters (the loopback has none) */
		num(e, "rx_packets", "rx packets", nd ? nd->stats.rx_packets : 0);
		num(e, "rx_bytes", "rx bytes", nd ? nd->stats.rx_bytes : 0);
		num(e, "tx_packets", "tx packets", nd ? nd->stats.tx_packets : 0);
		num(e, "tx_bytes", "tx bytes", nd ? nd->stats.tx_bytes : 0);
		end(e);
	}
	end(e);
}

static void httpd_section(struct em *e, const struct httpd_cfg *cfg,
			  const struct httpd_stats *st, const struct httpd_docroot *root)
{
	char key[16], label[32];

	section(e, "httpd", "HTTP server");
	num(e, "port", "port", cfg->port);
	str(e, "disk", "files from", root->disk ? root->disk : "none");
	num(e, "files", "entries", root->entries);
	num(e, "file_bytes", "file bytes", root->bytes);
	num(e, "requests", "requests", st->requests);
	num(e, "connections", "connections accepted", st->accepted);
	num(e, "active", "connections open", st->active);
	num(e, "peak_active", "most open at once", st->peak_active);
	num(e, "max_conns", "connection limit", cfg->max_conns);
	num(e, "refused", "refused (503 at the door)", st->refused);
	num(e, "keepalive_reuse", "requests on kept connections", st->keepalive_reuse);
	num(e, "pipelined", "pipelined requests", st->pipelined);
	num(e, "timeouts", "timeouts (408)", st->timeouts);
	num(e, "bad_requests", "bad requests", st->bad_requests);
	num(e, "bytes_out", "bytes sent", st->bytes_out);
	for (int i = 0; i < HTTPD_NCODES && httpd_codes[i]; i++) {
		snprintf(key, sizeof(key), "status_%d", httpd_codes[i]);
		snprintf(label, sizeof(label), "responses %d", httpd_codes[i]);
		num(e, key, label, st->code[i]);
	}
	end(e);
}

static const char style[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222;background:#fafafa}"
	"h1{font-size:1.4em}h2{font-size:1.1em;margin:1.2em 0 .4em}"
	"table{border-collapse:collapse;background:#fff;font-size:.9em}"
	"th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
	"th{background:#eee}table.kv th{width:16em}"
	"td[data-key]{font-family:monospace}";

void httpd_status(struct sb *out, bool json, const struct httpd_cfg *cfg,
		  const struct httpd_stats *st, const struct httpd_docroot *root)
{
	struct em e = { .o = out, .json = json };

	e.first[0] = true;
	if (json) {
		sb_puts(out, "{");
	} else {
		sb_printf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			  "<title>Status</title><link rel=\"icon\" href=\"data:,\">"
			  "<style>%s</style></head>\n<body>\n"
			  "<h1>Appliance status</h1>\n", style);
	}
	system_section(&e);
	memory_section(&e);
	devices_section(&e);
	interfaces_section(&e);
	httpd_section(&e, cfg, st, root);
	sb_puts(out, json ? "}\n" : "</body></html>\n");
}
