// SPDX-License-Identifier: MIT
/* Host tests for the virtio-mmio transport itself (drivers/virtio/mmio.c)
 * against a register block in plain memory that says whatever the test
 * wants: identification a device should never give (bad magic, versions
 * other than 1 and 2, an empty slot, a device id past 16 bits), windows
 * over RAM or added twice, queue sizes of 0, not a power of two or past
 * the spec's limit, queues already in use, a maximum that shrinks between
 * the core's question and the set-up, legacy rings the 32-bit page number
 * can't reach, configuration accesses outside the window, and what the
 * interrupt acknowledgement writes back. The kernel around the transport
 * (mapping, interrupts, the virtio core) is stubbed below. */
#include <drivers/virtio_mmio.h>
#include <drivers/virtio_transport.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/memmap.h>
#include <kern/printk.h>
#include <stdarg.h>
#include "unit.h"
#include "stubs.h"

/* ---- stubs ---------------------------------------------------------------- */

struct boot_info boot_info;
struct memmap memmap_boot;

const char *cmdline_raw(void) { return ""; }
long long cmdline_get_int(const char *key, long long def) { (void)key; return def; }
bool cmdline_get_bool(const char *key, bool def) { (void)key; return def; }
void udelay(uint64_t us) { (void)us; }

#define NBLOCKS 4
#define BASE(i) (0xfeb00000ull + 0x200ull * (i))
static uint8_t *blocks[NBLOCKS];

void *vm_map_mmio(uint64_t pa, uint64_t size)
{
	for (int i = 0; i < NBLOCKS; i++)
		if (pa == BASE(i) && size <= 0x200)
			return blocks[i];
	return NULL;
}

static struct virtio_dev *registered[16];
static int nregistered;

int virtio_dev_register(struct virtio_dev *vdev)
{
	registered[nregistered++] = vdev;
	return 0;
}

static unsigned attached_line;
static bool attached_level;
int irq_attach_line(unsigned line, bool level, bool active_low, irq_handler_t fn, void *arg)
{
	(void)active_low;
	(void)fn;
	(void)arg;
	attached_line = line;
	attached_level = level;
	return 77;
}

void virtio_intr_shared(void *vdev) { (void)vdev; }

static struct virtio_dev *vq_owner;
struct virtio_dev *virtio_vq_dev(const struct virtqueue *vq) { (void)vq; return vq_owner; }

/* ---- the register block -------------------------------------------------------- */

static uint32_t reg(int blk, size_t off)
{
	uint32_t v;
	memcpy(&v, blocks[blk] + off, 4);
	return v;
}

static void set(int blk, size_t off, uint32_t v)
{
	memcpy(blocks[blk] + off, &v, 4);
}

#define R(b, f)         reg((b), VIRTIO_MMIO_REG(f))
#define S(b, f, v)      set((b), VIRTIO_MMIO_REG(f), (v))

static void device(int blk, uint32_t version, uint32_t id)
{
	memset(blocks[blk], 0, 0x200);
	S(blk, magic, VIRTIO_MMIO_MAGIC);
	S(blk, version, version);
	S(blk, device_id, id);
}

static struct virtio_mmio_desc desc(int blk)
{
	return (struct virtio_mmio_desc){ .base = BASE(blk), .size = 0x200, .irq = 12,
					  .has_irq = true, .id = -1, .source = "test" };
}

static void setup(void)
{
	for (int i = 0; i < NBLOCKS; i++) {
		if (!blocks[i])
			blocks[i] = aligned_alloc(4096, 4096);
		memset(blocks[i], 0, 4096);
	}
}

/* ---- tests ------------------------------------------------------------------- */

UNIT(identification)
{
	struct virtio_mmio_desc d = desc(0);

	setup();
	/* Nothing there, a byte-swapped magic, unknown versions, an empty
	 * slot, a device id past 16 bits: none is registered. */
	CHECK_EQ(virtio_mmio_add(&d), -ENODEV);
	S(0, magic, 0x76697274);
	S(0, version, 2);
	S(0, device_id, 2);
	CHECK_EQ(virtio_mmio_add(&d), -ENODEV);
	CHECK(strstr(unit_printk_last, "not a virtio-mmio device") != NULL);
	device(0, 0, 2);
	CHECK_EQ(virtio_mmio_add(&d), -ENODEV);
	device(0, 3, 2);
	CHECK_EQ(virtio_mmio_add(&d), -ENODEV);
	device(0, 0xffffffff, 2);
	CHECK_EQ(virtio_mmio_add(&d), -ENODEV);
	device(0, 2, 0x10000);
	CHECK_EQ(virtio_mmio_add(&d), -ENODEV);
	unit_printk_count = 0;
	device(0, 2, 0);
	CHECK_EQ(virtio_mmio_add(&d), -ENODEV);
	CHECK_EQ(unit_printk_count, 0);              /* an empty slot is not worth a line */
	CHECK_EQ(nregistered, 0);
	/* A window the kernel can't map. */
	d.base = BASE(NBLOCKS);
	CHECK_EQ(virtio_mmio_add(&d), -ENOMEM);
}

UNIT(windows)
{
	struct virtio_mmio_desc d = desc(1);

	setup();
	device(1, 2, 4);
	/* Over RAM: refused before anything is mapped or written. */
	memmap_boot.count = 1;
	memmap_boot.r[0] = (struct mem_range){ BASE(1) - 0x1000, 0x1100, MEM_USABLE };
	CHECK_EQ(virtio_mmio_add(&d), -EINVAL);
	memmap_boot.r[0].type = MEM_RESERVED;       /* reserved is not RAM */
	boot_info.kernel_start = BASE(1) + 0x100;
	boot_info.kernel_end = BASE(1) + 0x1000;
	CHECK_EQ(virtio_mmio_add(&d), -EINVAL);
	boot_info.kernel_start = boot_info.kernel_end = 0;
	int before = nregistered;
	CHECK_EQ(virtio_mmio_add(&d), 0);
	CHECK_EQ(nregistered, before + 1);
	/* Again, and overlapping: once is enough. */
	CHECK_EQ(virtio_mmio_add(&d), -EEXIST);
	d.base += 0x100;
	CHECK_EQ(virtio_mmio_add(&d), -EEXIST);
	memmap_boot.count = 0;
}

static struct virtio_dev *add(int blk, uint32_t version, uint32_t id)
{
	struct virtio_mmio_desc d = desc(blk);

	device(blk, version, id);
	if (virtio_mmio_add(&d) != 0)
		return NULL;
	return registered[nregistered - 1];
}

UNIT(modern_device)
{
	setup();
	struct virtio_dev *v = add(2, 2, 2);
	struct virtio_mmio_desc d;

	CHECK(v != NULL);
	if (!v)
		return;
	vq_owner = v;
	CHECK_EQ(v->id, 2);
	CHECK(!v->legacy);
	CHECK_STR(v->transport, "mmio");
	CHECK_STR(v->bus_id, "mmio.feb00400");
	CHECK_EQ(virtio_mmio_version(v), 2);
	CHECK_EQ(virtio_mmio_info(v, &d), 0);
	CHECK_EQ(d.base, BASE(2));
	/* Features: both halves through the select register. */
	S(2, device_features, 0x12345678);
	CHECK_EQ(v->ops->get_features(v), 0x1234567812345678ull);
	CHECK_EQ(R(2, device_features_sel), 1);
	v->ops->set_features(v, 0x100000001ull);
	CHECK_EQ(R(2, driver_features_sel), 1);
	CHECK_EQ(R(2, driver_features), 1);
	S(2, config_generation, 9);
	CHECK_EQ(v->ops->config_generation(v), 9);
	/* Queue sizes a device should not offer. */
	S(2, queue_num_max, 0);
	CHECK_EQ(v->ops->queue_max(v, 0), 0);
	S(2, queue_num_max, 1000);
	unit_printk_count = 0;
	CHECK_EQ(v->ops->queue_max(v, 0), 512);
	CHECK_EQ(unit_printk_count, 1);
	S(2, queue_num_max, 65536);
	CHECK_EQ(v->ops->queue_max(v, 1), 0);
	CHECK_EQ(R(2, queue_sel), 1);
	CHECK_EQ(v->ops->queue_max(v, 5000), 0);        /* never selected */
	CHECK_EQ(R(2, queue_sel), 1);
	S(2, queue_num_max, 256);
	CHECK_EQ(v->ops->queue_max(v, 0), 256);

	/* Set-up: in use already; the maximum shrank; then the real thing. */
	struct virtqueue vq = { .index = 0, .num = 256, .desc_addr = 0x123456789000ull,
				.avail_addr = 0x12345678a000ull, .used_addr = 0x12345678b000ull };
	S(2, queue_ready, 1);
	CHECK_EQ(v->ops->queue_setup(v, &vq), -EBUSY);
	S(2, queue_ready, 0);
	S(2, queue_num_max, 128);
	CHECK_EQ(v->ops->queue_setup(v, &vq), -EIO);
	S(2, queue_num_max, 256);
	CHECK_EQ(v->ops->queue_setup(v, &vq), 0);
	CHECK_EQ(R(2, queue_num), 256);
	CHECK_EQ(R(2, queue_desc_lo), 0x56789000u);
	CHECK_EQ(R(2, queue_desc_hi), 0x1234);
	CHECK_EQ(R(2, queue_driver_lo), 0x5678a000u);
	CHECK_EQ(R(2, queue_device_lo), 0x5678b000u);
	CHECK_EQ(R(2, queue_device_hi), 0x1234);
	CHECK_EQ(R(2, queue_ready), 1);
	vq.index = 3;
	v->ops->queue_notify(&vq);
	CHECK_EQ(R(2, queue_notify), 3);

	/* Configuration: inside the window only, at the field's width. */
	uint8_t buf[16];
	blocks[2][VIRTIO_MMIO_CONFIG + 0xfe] = 0xab;
	blocks[2][VIRTIO_MMIO_CONFIG + 0xff] = 0xcd;
	CHECK_EQ(v->ops->config_read(v, 0xfe, buf, 2), 0);
	CHECK_EQ(buf[0], 0xab);
	CHECK_EQ(buf[1], 0xcd);
	CHECK_EQ(v->ops->config_read(v, 0xff, buf, 2), -EINVAL);
	CHECK_EQ(v->ops->config_read(v, 0x100, buf, 1), -EINVAL);
	CHECK_EQ(v->ops->config_read(v, 0, buf, 0), -EINVAL);
	CHECK_EQ(v->ops->config_read(v, 0xffffffffu, buf, 2), -EINVAL);
	CHECK_EQ(v->ops->config_write(v, 0xfc, "\x05\x06\x07\x08", 4), 0);
	CHECK_EQ(blocks[2][VIRTIO_MMIO_CONFIG + 0xff], 8);
	/* One access per call: the core splits wider fields and arrays. */
	CHECK_EQ(v->ops->config_write(v, 0xf8, "\x01\x02\x03\x04\x05\x06\x07\x08", 8), -EINVAL);
	CHECK_EQ(v->ops->config_read(v, 0xf1, buf, 2), -EINVAL);
	CHECK_EQ(v->ops->config_read(v, 0xf0, buf, 3), -EINVAL);

	/* Interrupts: the status bits are acknowledged as read; only the
	 * two defined ones reach the core. */
	S(2, interrupt_status, 0xff);
	CHECK_EQ(v->ops->isr_ack(v), VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
	CHECK_EQ(R(2, interrupt_ack), 0xff);
	S(2, interrupt_status, 0);
	S(2, interrupt_ack, 0x55);
	CHECK_EQ(v->ops->isr_ack(v), 0);
	CHECK_EQ(R(2, interrupt_ack), 0x55);     /* nothing to acknowledge */
	CHECK_EQ(v->ops->intr_setup(v, 1), 0);
	CHECK_EQ(attached_line, 12);
	CHECK(!attached_level);
	CHECK(v->irq_shared);
}

UNIT(legacy_device)
{
	setup();
	struct virtio_dev *v = add(3, 1, 4);

	CHECK(v != NULL);
	if (!v)
		return;
	vq_owner = v;
	CHECK(v->legacy);
	CHECK_STR(v->transport, "mmio-legacy");
	CHECK_EQ(R(3, guest_page_size), 4096);
	/* 32 feature bits, no second half written; no generation. */
	S(3, device_features, 0xffffffff);
	CHECK_EQ(v->ops->get_features(v), 0xffffffffull);
	CHECK_EQ(R(3, device_features_sel), 0);
	S(3, config_generation, 5);
	CHECK_EQ(v->ops->config_generation(v), 0);
	/* Legacy MMIO may shrink the queue (QueueNum). */
	S(3, queue_num_max, 1000);
	CHECK_EQ(v->ops->queue_max(v, 0), 512);

	/* The one-block legacy ring: used ring on the next 4096 boundary
	 * after descriptors and the available ring (§2.7.2). */
	unsigned num = 512;
	uint64_t used_off = ALIGN_UP(16u * num + 6 + 2 * num, 4096u);
	struct virtqueue vq = { .index = 0, .num = (uint16_t)num, .desc_addr = 0x7000000,
				.avail_addr = 0x7000000 + 16 * num,
				.used_addr = 0x7000000 + used_off };
	S(3, queue_pfn, 1);
	CHECK_EQ(v->ops->queue_setup(v, &vq), -EBUSY);
	S(3, queue_pfn, 0);
	CHECK_EQ(v->ops->queue_setup(v, &vq), 0);
	CHECK_EQ(R(3, queue_pfn), 0x7000);
	CHECK_EQ(R(3, queue_align), 4096);
	CHECK_EQ(R(3, queue_num), num);
	/* Rings the legacy registers can't describe. */
	S(3, queue_pfn, 0);
	vq.desc_addr += 8;
	CHECK_EQ(v->ops->queue_setup(v, &vq), -EINVAL);
	vq.desc_addr = 0x100000000000ull;           /* page number past 32 bits */
	vq.used_addr = vq.desc_addr + used_off;
	CHECK_EQ(v->ops->queue_setup(v, &vq), -EINVAL);
	vq.desc_addr = 0x7000000;
	vq.used_addr = vq.desc_addr + 4096;         /* not where the device looks */
	CHECK_EQ(v->ops->queue_setup(v, &vq), -EINVAL);
	CHECK_EQ(R(3, queue_pfn), 0);
}

UNIT(no_interrupt)
{
	setup();
	struct virtio_mmio_desc d = desc(0);

	d.base = BASE(0);
	d.has_irq = false;
	device(0, 2, 4);
	/* Block 0 may hold an earlier device: use a fresh slot number. */
	int rc = virtio_mmio_add(&d);
	CHECK(rc == 0 || rc == -EEXIST);
	if (rc)
		return;
	struct virtio_dev *v = registered[nregistered - 1];
	CHECK_EQ(v->ops->intr_setup(v, 1), -ENODEV);
	struct virtio_mmio_desc o;
	CHECK_EQ(virtio_mmio_info(v, &o), 0);
	CHECK(!o.has_irq);
	CHECK_EQ(virtio_mmio_info(NULL, &o), -ENODEV);
	CHECK_EQ(virtio_mmio_version(NULL), 0);
}

UNIT_MAIN()
