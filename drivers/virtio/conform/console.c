// SPDX-License-Identifier: MIT
/* virtio-console conformance (virtio 1.2 §5.3) and its probe request for
 * the generic checks: 16 bytes sent on port 0's transmitq. The matrix gives
 * the device a console port (port 0) and a named port, both on null
 * back ends: nothing ever arrives on a receiveq. */
#include "conform.h"
#include <drivers/virtio_console.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <arch/barrier.h>
#include <string.h>

#define Q_RX            0
#define Q_TX            1
#define Q_CRX           2
#define Q_CTX           3
#define CTL_BUFS        16
#define CTL_LEN         128
#define CTL_HDR         sizeof(struct virtio_console_control)
#define MAX_MSGS        64
#define CFG(f)          offsetof(struct virtio_console_config, f)

int cf_console_probe(struct cf_dev *d, struct cf_probe *p, int layout)
{
	struct cf_buf *b = cf_buf(d, 16, false);
	struct cf_seg *s = p->seg;

	if (!b)
		return 0;
	memcpy(b->p, "conform probe.\r\n", 16);
	p->q = Q_TX;
	p->in_total = 0;
	p->n_in = 0;
	switch (layout) {
	case 0:
		s[0] = (struct cf_seg){ b, 0, 16 };
		p->n_out = 1;
		break;
	case 1:
		s[0] = (struct cf_seg){ b, 0, 1 };
		s[1] = (struct cf_seg){ b, 1, 15 };
		p->n_out = 2;
		break;
	default:
		for (unsigned i = 0; i < 4; i++)
			s[i] = (struct cf_seg){ b, i * 4, 4 };
		p->n_out = 4;
		break;
	}
	return (int)p->n_out;
}

static uint32_t max_ports(struct cf_dev *d)
{
	uint32_t v = 0;

	d->vdev->ops->config_read(d->vdev, CFG(max_nr_ports), &v, 4);
	return v;
}

CONFORM_CHECK(con_cfg, "5.3.4-config-fields", "cols/rows read (SIZE), max_nr_ports >= 1 with MULTIPORT (port 0 always exists, 5.3.2) and no more than 2 * (max_nr_ports + 1) queues can address", CF_CONSOLE, CF_ALL)
{
	uint16_t cols = 0, rows = 0;

	if (cf_start(d, VIRTIO_BIT(VIRTIO_CONSOLE_F_SIZE) | VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT)))
		return;
	d->vdev->ops->config_read(d->vdev, CFG(cols), &cols, 2);
	d->vdev->ops->config_read(d->vdev, CFG(rows), &rows, 2);
	CF_DIAG("features %#llx: cols %u rows %u%s", (unsigned long long)d->offered, cols, rows,
		d->offered & VIRTIO_BIT(VIRTIO_CONSOLE_F_SIZE) ? "" : " (SIZE not offered: not valid)");
	if (!(d->offered & VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT))) {
		CF_DIAG("MULTIPORT not offered: max_nr_ports not valid, not judged");
		return;
	}
	uint32_t m = max_ports(d);
	CF_DIAG("max_nr_ports %u", m);
	if (m < 1)
		CF_FAIL("max_nr_ports 0 with MULTIPORT: port 0 always exists (5.3.2)");
	/* Queue indices are 16 bits: 2 * (m + 1) queues must be addressable. */
	if (m > 0x7ffe)
		CF_FAIL("max_nr_ports %u needs more than 65536 queues", m);
}

CONFORM_CHECK(con_emerg, "5.3.5.1-emerg-wr-write-allowed", "with EMERG_WRITE offered, writes to emerg_wr on a reset (unconfigured) device and on a live one are taken: the status stays as it was and the device then serves port 0", CF_CONSOLE, CF_ALL)
{
	struct virtio_dev *v = d->vdev;
	uint32_t c = 'E';

	if (cf_start(d, 0))
		return;
	if (!(d->offered & VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE))) {
		CF_SKIP("n/a: VIRTIO_CONSOLE_F_EMERG_WRITE not offered (features %#llx)",
			(unsigned long long)d->offered);
		return;
	}
	/* Unconfigured: just reset, nothing acknowledged (5.3.5). */
	if (cf_reset(d))
		return;
	int rc = v->ops->config_write(v, CFG(emerg_wr), &c, 4);
	uint8_t st = v->ops->get_status(v);
	if (rc)
		CF_FAIL("the transport refused the write to emerg_wr: %d", rc);
	if (st)
		CF_FAIL("status %#x after writing emerg_wr on a reset device (was 0)", st);
	if (cf_up(d, VIRTIO_BIT(VIRTIO_CONSOLE_F_EMERG_WRITE)))
		return;
	c = '\n';
	v->ops->config_write(v, CFG(emerg_wr), &c, 4);
	st = v->ops->get_status(v);
	if (st & VIRTIO_STATUS_NEEDS_RESET)
		CF_FAIL("DEVICE_NEEDS_RESET after writing emerg_wr on a live device (status %#x)",
			st);
	struct cf_buf *b = cf_buf(d, 4, false);
	uint32_t len;
	if (!b)
		return;
	memcpy(b->p, "ok\r\n", 4);
	struct cf_seg s = { b, 0, 4 };
	if (!cf_request(d, Q_TX, &s, 1, 0, &len))
		CF_DIAG("emerg_wr taken on a reset device (status stayed 0) and a live one (status "
			"%#x); port 0 then served", st);
}

CONFORM_CHECK(con_txlen, "2.7.8.1-console-tx-used-len-zero", "port 0's transmitq uses a 64-byte device-readable buffer with used len 0 (nothing written; legacy: any, 5.3.6.3)", CF_CONSOLE, CF_ALL)
{
	struct cf_buf *b;
	uint32_t len;

	if (cf_up(d, 0) || !(b = cf_buf(d, 64, false)))
		return;
	memset(b->p, '.', 64);
	b->p[62] = '\r', b->p[63] = '\n';
	struct cf_seg s = { b, 0, 64 };
	if (cf_request(d, Q_TX, &s, 1, 0, &len))
		return;
	if (len && !d->vdev->legacy)
		CF_FAIL("used len %u for a device-readable buffer: the device wrote nothing "
			"(2.7.8.1: MUST write at least len bytes)", len);
	else
		CF_DIAG("used len %u%s", len, d->vdev->legacy ? " (legacy: ignored)" : "");
}

CONFORM_CHECK(con_rxidle, "5.3.6-rx-buffers-held-without-input", "receive buffers on port 0 and the control receiveq without MULTIPORT are not used (no input, no control messages), and the device still serves the transmitq", CF_CONSOLE, CF_ALL)
{
	struct cf_buf *rx[2];
	uint32_t len;

	if (cf_up(d, 0))
		return;
	for (unsigned i = 0; i < 2; i++) {
		if (!(rx[i] = cf_buf(d, 64, true)))
			return;
		struct cf_seg s = { rx[i], 0, 64 };
		cf_avail(d, Q_RX, cf_chain(d, Q_RX, &s, 0, 1));
	}
	cf_kick(d, Q_RX);
	struct cf_buf *b = cf_buf(d, 8, false);
	if (!b)
		return;
	memcpy(b->p, "rxidle\r\n", 8);
	struct cf_seg s = { b, 0, 8 };
	if (cf_request(d, Q_TX, &s, 1, 0, &len))
		return;
	cf_delay_ms(CF_QUIET_MS);
	uint16_t got = (uint16_t)(READ_ONCE(d->vq[Q_RX]->used->idx) - d->used_seen[Q_RX]);
	CF_DIAG("%u of 2 receive buffers used; the transmitq served meanwhile", got);
	for (unsigned i = 0; i < got && i < 2; i++) {
		struct vring_used_elem e = cf_used(d, Q_RX, i);
		if (e.len > 64)
			CF_FAIL("receive buffer used with len %u > 64", e.len);
		else
			CF_DIAG("receive buffer used with %u bytes (input from the back end)", e.len);
	}
}

/* What tests/conform types into port 0 when asked (CONSOLE_INPUT there). */
static const char host_input[] = "conform input\n";
#define RX_BUFS         4
#define RX_LEN          8
#define INPUT_WAIT_MS   5000u   /* the host's round trip */

CONFORM_CHECK(con_rx, "5.3.6-rx-input-within-buffers", "input the host types into port 0 (14 bytes) arrives in 8-byte receive buffers: each used len at most 8, its bytes written, the bytes in order", CF_CONSOLE, CF_ALL)
{
	struct cf_buf *rx[RX_BUFS];
	char got[RX_BUFS * RX_LEN + 1];
	uint32_t n = 0, want = sizeof(host_input) - 1;
	unsigned used = 0;

	if (cf_up(d, 0))
		return;
	for (unsigned i = 0; i < RX_BUFS; i++) {
		if (!(rx[i] = cf_buf(d, RX_LEN, true)))
			return;
		struct cf_seg s = { rx[i], 0, RX_LEN };
		cf_avail(d, Q_RX, cf_chain(d, Q_RX, &s, 0, 1));
	}
	cf_kick(d, Q_RX);
	kprintf("# conform: host: input %s %s\n", d->vdev->name, d->vdev->bus_id);
	uint64_t end = time_ns() + (uint64_t)INPUT_WAIT_MS * 1000000u;
	while (n < want && used < RX_BUFS && time_ns() < end) {
		if (cf_wait_used(d, Q_RX, 1, 10))
			continue;
		struct vring_used_elem e = cf_used(d, Q_RX, 0);
		cf_consume(d, Q_RX, 1);
		used++;
		if (e.id >= RX_BUFS) {
			CF_FAIL("receiveq: used id %u, no such buffer posted", e.id);
			return;
		}
		if (e.len > RX_LEN) {
			CF_FAIL("receive buffer %u used with len %u > its %u bytes", e.id, e.len,
				RX_LEN);
			return;
		}
		for (uint32_t k = 0; k < e.len; k++)
			if (n < sizeof(got) - 1)
				got[n++] = (char)rx[e.id]->p[k];
	}
	got[n] = 0;
	if (!n) {
		CF_SKIP("no input within %u ms: the host typed nothing (a runner without the "
			"console socket) or the device delivered none", INPUT_WAIT_MS);
		return;
	}
	CF_DIAG("%u bytes in %u buffer(s)", n, used);
	if (n != want || memcmp(got, host_input, want))
		CF_FAIL("received %u bytes, not the %u the host typed in order (first byte %#x)", n,
			want, (uint8_t)got[0]);
}

/* ---- multiport: the control queues ---- */

struct ctl_msg {
	uint32_t id, len;
	uint16_t event, value;
	char name[CTL_LEN - CTL_HDR + 1];
};

struct ctl_run {
	uint32_t max;
	unsigned n;
	struct ctl_msg m[MAX_MSGS];
	uint32_t bad_len;       /* a used len past the buffer */
	struct cf_buf *buf[CTL_BUFS];
};

/* Put control receive buffer i (again) in the control receiveq. */
static void ctl_post(struct cf_dev *d, struct ctl_run *r, unsigned i)
{
	memset(r->buf[i]->p, CF_CANARY, CTL_LEN);
	struct cf_seg s = { r->buf[i], 0, CTL_LEN };
	/* A fixed descriptor per buffer: head i is buffer i. */
	struct virtqueue *vq = d->vq[Q_CRX];
	vq->desc[i].addr = dma_addr(s.b->p);
	vq->desc[i].len = CTL_LEN;
	vq->desc[i].flags = VRING_DESC_F_WRITE;
	vq->desc[i].next = 0;
	cf_avail(d, Q_CRX, (uint16_t)i);
}

/* Send one control message to the device. @return 0 or -errno (diagnosed). */
static int ctl_send(struct cf_dev *d, uint32_t id, uint16_t event, uint16_t value)
{
	struct cf_buf *b = cf_buf(d, CTL_HDR, false);
	uint32_t len;

	if (!b)
		return -ENOMEM;
	struct virtio_console_control c = { .id = id, .event = event, .value = value };
	memcpy(b->p, &c, CTL_HDR);
	struct cf_seg s = { b, 0, CTL_HDR };
	return cf_request(d, Q_CTX, &s, 1, 0, &len);
}

/* Take the control messages the device used, answer DEVICE_ADD with
 * PORT_READY, give the buffers back. @return messages taken. */
static unsigned ctl_drain(struct cf_dev *d, struct ctl_run *r)
{
	unsigned took = 0;

	for (;;) {
		if (cf_wait_used(d, Q_CRX, 1, 0))
			break;
		struct vring_used_elem e = cf_used(d, Q_CRX, 0);
		cf_consume(d, Q_CRX, 1);
		took++;
		if (e.id >= CTL_BUFS) {
			CF_FAIL("control receiveq: used id %u, no such buffer posted", e.id);
			continue;
		}
		struct ctl_msg *m = r->n < MAX_MSGS ? &r->m[r->n++] : NULL;
		if (m) {
			struct virtio_console_control c;
			memcpy(&c, r->buf[e.id]->p, CTL_HDR);
			m->id = c.id, m->event = c.event, m->value = c.value, m->len = e.len;
			uint32_t nl = e.len > CTL_HDR ? MIN(e.len, (uint32_t)CTL_LEN) - CTL_HDR : 0;
			memcpy(m->name, r->buf[e.id]->p + CTL_HDR, nl);
			m->name[nl] = 0;
			if (e.len > CTL_LEN)
				r->bad_len = e.len;
			if (e.len >= CTL_HDR && c.event == VIRTIO_CONSOLE_DEVICE_ADD &&
			    c.id < r->max)
				ctl_send(d, c.id, VIRTIO_CONSOLE_PORT_READY, 1);
		}
		ctl_post(d, r, e.id);
		cf_kick(d, Q_CRX);
	}
	return took;
}

/* MULTIPORT up, DEVICE_READY sent, control messages gathered until the
 * device has been quiet for a while. @return false when not applicable
 * (skipped) or broken (failed). */
static bool ctl_run(struct cf_dev *d, struct ctl_run *r)
{
	memset(r, 0, sizeof(*r));
	if (cf_start(d, VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT)))
		return false;
	if (!(d->offered & VIRTIO_BIT(VIRTIO_CONSOLE_F_MULTIPORT))) {
		CF_SKIP("n/a: VIRTIO_CONSOLE_F_MULTIPORT not offered");
		return false;
	}
	r->max = max_ports(d);
	if (cf_queues(d))
		return false;
	cf_driver_ok(d);
	for (unsigned i = 0; i < CTL_BUFS; i++) {
		if (!(r->buf[i] = cf_buf(d, CTL_LEN, true)))
			return false;
		ctl_post(d, r, i);
	}
	d->next_desc[Q_CRX] = CTL_BUFS;
	cf_kick(d, Q_CRX);
	if (ctl_send(d, 0, VIRTIO_CONSOLE_DEVICE_READY, 1))
		return false;
	/* Quiet for 100 ms (under TCG the device answers each PORT_READY in
	 * well under that), at most CF_WAIT_MS in all. */
	uint64_t end = time_ns() + (uint64_t)CF_WAIT_MS * 1000000u, quiet = 0;
	while (time_ns() < end) {
		if (ctl_drain(d, r))
			quiet = time_ns() + 100 * 1000000ull;
		else if (quiet && time_ns() > quiet)
			break;
		if (!quiet)
			quiet = time_ns() + 300 * 1000000ull;
		cf_delay_ms(2);
	}
	CF_DIAG("max_nr_ports %u; %u control message(s) after DEVICE_READY:", r->max, r->n);
	for (unsigned i = 0; i < r->n; i++)
		CF_DIAG("  id %u event %u value %u len %u%s%s", r->m[i].id, r->m[i].event,
			r->m[i].value, r->m[i].len, r->m[i].event == VIRTIO_CONSOLE_PORT_NAME ?
			" name " : "", r->m[i].event == VIRTIO_CONSOLE_PORT_NAME ? r->m[i].name : "");
	return true;
}

CONFORM_CHECK(con_add, "5.3.6.2.1-port-add-ids-valid", "after DEVICE_READY the device announces its ports with DEVICE_ADD (5.3.6), each id below max_nr_ports and none twice", CF_CONSOLE, CF_ALL)
{
	static struct ctl_run r;
	uint8_t seen[512] = { 0 };
	unsigned adds = 0;

	if (!ctl_run(d, &r))
		return;
	for (unsigned i = 0; i < r.n; i++) {
		if (r.m[i].len < CTL_HDR || r.m[i].event != VIRTIO_CONSOLE_DEVICE_ADD)
			continue;
		adds++;
		uint32_t id = r.m[i].id;
		if (id >= r.max) {
			CF_FAIL("DEVICE_ADD for port %u >= max_nr_ports %u (5.3.6.2.1: MUST NOT)", id,
				r.max);
			continue;
		}
		if (id < sizeof(seen) * 8) {
			if (seen[id / 8] & (1u << (id % 8)))
				CF_FAIL("DEVICE_ADD for port %u, which exists already (5.3.6.2.1: MUST "
					"NOT)", id);
			seen[id / 8] |= (uint8_t)(1u << (id % 8));
		}
	}
	if (!adds)
		CF_FAIL("no DEVICE_ADD within %u ms of DEVICE_READY: the device's ports (the "
			"matrix gives two) are never announced (5.3.6 item 4)", CF_WAIT_MS);
}

CONFORM_CHECK(con_msgs, "5.3.6.2.1-messages-name-added-ports", "every control message is at least the 8-byte header and fits its buffer; messages other than DEVICE_ADD name only ports added before (DEVICE_REMOVE: MUST NOT otherwise); PORT_NAME carries a name", CF_CONSOLE, CF_ALL)
{
	static struct ctl_run r;
	uint8_t added[512] = { 0 };
	unsigned names = 0;

	if (!ctl_run(d, &r))
		return;
	if (r.bad_len)
		CF_FAIL("a control message with used len %u > the %u-byte buffer", r.bad_len,
			(unsigned)CTL_LEN);
	for (unsigned i = 0; i < r.n; i++) {
		const struct ctl_msg *m = &r.m[i];
		bool known = m->id < sizeof(added) * 8 && (added[m->id / 8] & (1u << (m->id % 8)));
		if (m->len < CTL_HDR) {
			CF_FAIL("control message %u: used len %u < the 8-byte header", i, m->len);
			continue;
		}
		switch (m->event) {
		case VIRTIO_CONSOLE_DEVICE_ADD:
			if (m->id < sizeof(added) * 8)
				added[m->id / 8] |= (uint8_t)(1u << (m->id % 8));
			break;
		case VIRTIO_CONSOLE_DEVICE_REMOVE:
			if (!known)
				CF_FAIL("DEVICE_REMOVE for port %u, never added (5.3.6.2.1: MUST NOT)",
					m->id);
			break;
		case VIRTIO_CONSOLE_CONSOLE_PORT:
		case VIRTIO_CONSOLE_RESIZE:
		case VIRTIO_CONSOLE_PORT_OPEN:
		case VIRTIO_CONSOLE_PORT_NAME:
			if (!known)
				CF_FAIL("event %u for port %u, which was never added", m->event, m->id);
			if (m->event == VIRTIO_CONSOLE_PORT_NAME) {
				names++;
				if (m->len <= CTL_HDR)
					CF_FAIL("PORT_NAME for port %u without a name (used len %u)",
						m->id, m->len);
				else if (memchr(m->name, 0, m->len - CTL_HDR))
					CF_DIAG("PORT_NAME for port %u: the name is NUL-terminated "
						"(5.3.6.2 says without a NUL; not a MUST)", m->id);
			}
			if (m->event == VIRTIO_CONSOLE_RESIZE && m->len < CTL_HDR + 4)
				CF_FAIL("RESIZE for port %u with used len %u: cols and rows follow the "
					"header (12 bytes)", m->id, m->len);
			break;
		default:
			CF_FAIL("control message %u: event %u is not one the device sends (5.3.6.2)",
				i, m->event);
		}
	}
	if (!names)
		CF_DIAG("no PORT_NAME came (the matrix names port 1)");
}

/* Wait (bounded) for a control message with event ev past message index
 * from, answering as ctl_drain does. @return its index, or -1. */
static int ctl_wait_event(struct cf_dev *d, struct ctl_run *r, unsigned from, uint16_t ev,
			  unsigned ms)
{
	uint64_t end = time_ns() + (uint64_t)ms * 1000000u;

	for (;;) {
		ctl_drain(d, r);
		for (unsigned i = from; i < r->n; i++)
			if (r->m[i].len >= CTL_HDR && r->m[i].event == ev)
				return (int)i;
		if (time_ns() > end || r->n >= MAX_MSGS)
			return -1;
		cf_delay_ms(5);
	}
}

#define HOTPLUG_WAIT_MS 5000u   /* the host's round trip through QMP */

CONFORM_CHECK(con_hotplug, "5.3.6.2.1-hotplug-add-remove", "a port the host hot-plugs is announced with DEVICE_ADD for an id not in use and below max_nr_ports (with its PORT_NAME once ready); unplugged, DEVICE_REMOVE names that added port", CF_CONSOLE, CF_ALL)
{
	static struct ctl_run r;
	uint8_t added[512] = { 0 };

	if (!ctl_run(d, &r))
		return;
	for (unsigned i = 0; i < r.n; i++)
		if (r.m[i].len >= CTL_HDR && r.m[i].event == VIRTIO_CONSOLE_DEVICE_ADD &&
		    r.m[i].id < sizeof(added) * 8)
			added[r.m[i].id / 8] |= (uint8_t)(1u << (r.m[i].id % 8));
	unsigned mark = r.n;
	kprintf("# conform: host: console-hotplug %s %s\n", d->vdev->name, d->vdev->bus_id);
	int a = ctl_wait_event(d, &r, mark, VIRTIO_CONSOLE_DEVICE_ADD, HOTPLUG_WAIT_MS);
	if (a < 0) {
		CF_SKIP("no DEVICE_ADD within %u ms: the host plugged no port (a runner without "
			"QMP)", HOTPLUG_WAIT_MS);
		return;
	}
	uint32_t id = r.m[a].id;
	int nm = ctl_wait_event(d, &r, (unsigned)a + 1, VIRTIO_CONSOLE_PORT_NAME, 200);
	CF_DIAG("hot-plugged: DEVICE_ADD for port %u%s%s", id, nm >= 0 ? ", PORT_NAME " : "",
		nm >= 0 ? r.m[nm].name : " (no PORT_NAME)");
	if (id >= r.max)
		CF_FAIL("DEVICE_ADD for port %u >= max_nr_ports %u (5.3.6.2.1: MUST NOT)", id, r.max);
	else if (id < sizeof(added) * 8 && (added[id / 8] & (1u << (id % 8))))
		CF_FAIL("DEVICE_ADD for port %u, which exists (5.3.6.2.1: MUST NOT)", id);
	if (id < sizeof(added) * 8)
		added[id / 8] |= (uint8_t)(1u << (id % 8));
	if (nm >= 0 && r.m[nm].id != id)
		CF_DIAG("the PORT_NAME names port %u", r.m[nm].id);
	mark = r.n;
	kprintf("# conform: host: console-hotplug %s %s\n", d->vdev->name, d->vdev->bus_id);
	int rm = ctl_wait_event(d, &r, mark, VIRTIO_CONSOLE_DEVICE_REMOVE, HOTPLUG_WAIT_MS);
	if (rm < 0) {
		CF_DIAG("no DEVICE_REMOVE within %u ms of the unplug", HOTPLUG_WAIT_MS);
		return;
	}
	uint32_t rid = r.m[rm].id;
	CF_DIAG("unplugged: DEVICE_REMOVE for port %u", rid);
	if (rid >= sizeof(added) * 8 || !(added[rid / 8] & (1u << (rid % 8))))
		CF_FAIL("DEVICE_REMOVE for port %u, never added (5.3.6.2.1: MUST NOT)", rid);
	else if (rid != id)
		CF_FAIL("DEVICE_REMOVE for port %u after the host unplugged port %u", rid, id);
}
