// SPDX-License-Identifier: MIT
/* In-guest tests of the virtio core and PCI transport: every device bound
 * and running, the transport/mode/interrupts/queue size/features the case
 * asked for (vtest.* options), configuration reads, interrupt counts. */
#include <kern/test.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <drivers/blkdev.h>
#include <drivers/virtio_transport.h>
#include <drivers/virtio_blk.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(vtest_transport, "vtest.transport", "tests: pci-modern|pci-legacy expected");
CMDLINE_OPT(vtest_mode, "vtest.mode", "tests: poll|irq expected");
CMDLINE_OPT(vtest_irq, "vtest.irq", "tests: msix|intx expected in irq mode");
CMDLINE_OPT(vtest_qsize, "vtest.qsize", "tests: queue 0 size expected");
CMDLINE_OPT(vtest_indirect, "vtest.indirect", "tests: 0|1, INDIRECT_DESC negotiated");
CMDLINE_OPT(vtest_event_idx, "vtest.event_idx", "tests: 0|1, EVENT_IDX negotiated");
CMDLINE_OPT(vtest_polled, "vtest.polled", "tests: comma list of devices expected to poll");
CMDLINE_OPT(vtest_ndev, "vtest.ndev", "tests: number of virtio devices expected");

#define NEED_VIRTIO()                                                        \
	do {                                                                 \
		if (!virtio_devices()) {                                     \
			test_skip("no virtio device");                       \
			return;                                              \
		}                                                            \
	} while (0)

TEST(virtio_bound)
{
	NEED_VIRTIO();
	int n = 0;
	for (struct virtio_dev *v = virtio_devices(); v; v = v->next, n++) {
		uint8_t st = v->ops->get_status(v);
		test_diag("%s: type %u at %s, %s, status %#x, features %#llx, %u queue(s)",
			  v->name, v->id, v->bus_id, v->transport, st,
			  (unsigned long long)v->features, v->nvqs);
		T_CHECK(v->driver != NULL);
		T_CHECK(!v->broken);
		T_CHECK(st & VIRTIO_STATUS_DRIVER_OK);
		T_CHECK(!(st & (VIRTIO_STATUS_FAILED | VIRTIO_STATUS_NEEDS_RESET)));
		if (v->legacy) {
			T_CHECK(v->features >> 32 == 0);
		} else {
			T_CHECK(virtio_has_feature(v, VIRTIO_F_VERSION_1));
			T_CHECK(st & VIRTIO_STATUS_FEATURES_OK);
		}
		/* Nothing negotiated that was not offered. */
		T_EQ(v->features & ~v->dev_features, 0);
	}
	long long want = cmdline_get_int("vtest.ndev", -1);
	if (want >= 0)
		T_EQ(n, want);
}

/* Is name one of the comma-separated words of list? */
static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (e ? 1 : 0);
	}
	return false;
}

/* What the case's QEMU arguments and options should have produced. */
TEST(virtio_expected_setup)
{
	NEED_VIRTIO();
	const char *tr = cmdline_get("vtest.transport"), *mode = cmdline_get("vtest.mode");
	const char *irq = cmdline_get("vtest.irq"), *polled = cmdline_get("vtest.polled");
	long long qsize = cmdline_get_int("vtest.qsize", 0);
	for (struct virtio_dev *v = virtio_devices(); v; v = v->next) {
		if (tr)
			T_CHECK(!strcmp(v->transport, tr));
		if (mode)
			T_EQ(v->poll, !strcmp(mode, "poll"));
		if (polled)
			T_EQ(v->poll, in_list(polled, v->name));
		if (irq && !v->poll)
			T_EQ(v->irq_shared, !strcmp(irq, "intx"));
		if (qsize && v->nvqs)
			T_EQ(v->vqs[0]->num, qsize);
		if (cmdline_get("vtest.indirect"))
			T_EQ(virtio_has_feature(v, VIRTIO_F_INDIRECT_DESC),
			     cmdline_get_bool("vtest.indirect", false));
		if (cmdline_get("vtest.event_idx"))
			T_EQ(virtio_has_feature(v, VIRTIO_F_EVENT_IDX),
			     cmdline_get_bool("vtest.event_idx", false));
	}
}

TEST(virtio_config_read)
{
	struct virtio_dev *v;
	for (v = virtio_devices(); v && v->id != VIRTIO_ID_BLOCK; v = v->next)
		;
	if (!v) {
		test_skip("no virtio-blk device");
		return;
	}
	uint64_t cap1 = 0, cap2 = 0;
	uint32_t seg = 0;
	T_EQ(VIRTIO_CREAD(v, struct virtio_blk_config, capacity, &cap1), 0);
	T_EQ(virtio_config_read(v, 0, &cap2, 8), 0);
	T_EQ(cap1, cap2);
	T_CHECK(cap1 >= 8 * 2048);      /* the cases' images are 8 MiB or more */
	T_EQ(VIRTIO_CREAD(v, struct virtio_blk_config, seg_max, &seg), 0);
	/* Outside the device's configuration: refused, not read. */
	uint8_t b;
	T_EQ(virtio_config_read(v, 0x10000, &b, 1), -EINVAL);
}

/* After I/O, irq-mode devices have taken interrupts and polling ones none. */
TEST(virtio_interrupts)
{
	NEED_VIRTIO();
	struct blkdev *bd = NULL;
	for (struct blkdev *b = blkdev_next(NULL); b && !bd; b = blkdev_next(b))
		if (vblk_from_blkdev(b))
			bd = b;
	if (bd) {
		uint8_t *buf = malloc(bd->sector_size);
		for (int i = 0; i < 4; i++)
			T_EQ(blkdev_read(bd, (uint64_t)i, 1, buf), 0);
		free(buf);
	}
	for (struct virtio_dev *v = virtio_devices(); v; v = v->next) {
		uint64_t done = 0;
		for (unsigned i = 0; i < v->nvqs; i++)
			done += v->vqs[i]->n_completed;
		test_diag("%s: %llu completions, %llu interrupts, %s", v->name,
			  (unsigned long long)done, (unsigned long long)v->n_intr,
			  v->poll ? "polling" : v->irq_shared ? "intx" : "msi-x");
		if (!done)
			continue;
		if (v->poll)
			T_EQ(v->n_intr, 0);
		else
			T_CHECK(v->n_intr > 0);
	}
}
