// SPDX-License-Identifier: MIT
/* The virtio-mmio transport (virtio 1.2 §4.2) under the virtio core's
 * transport ops, for both register versions: 2 (§4.2.2, §4.2.3) and the
 * legacy 1 (§4.2.4). Devices come from the device tree (drivers/dtbus),
 * the kernel command line (virtio_mmio.device=, QEMU's microvm without
 * ACPI) or the ACPI DSDT (microvm with ACPI); the last two are read here
 * at INIT_BUS. See <drivers/virtio_mmio.h>. */
#include <drivers/virtio_mmio.h>
#include <drivers/virtio_transport.h>
#include <drivers/platdev.h>
#include <kern/boot.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/init.h>
#include <kern/irq.h>
#include <kern/memmap.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <kern/vm.h>
#include <arch/io.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT_FLAGS(virtio_mmio_device, "virtio_mmio.device",
		  "<size>@<base>:<irq>[:<id>]: a virtio-mmio device (may repeat; QEMU microvm adds them)",
		  CMDLINE_F_MULTI);
CMDLINE_OPT(virtio_mmio_acpi, "virtio_mmio.acpi",
	    "0: don't look for virtio-mmio devices (LNRO0005) in the ACPI DSDT");

/* The legacy interface counts queue addresses in pages of the size we
 * write to GuestPageSize (§4.2.4); 4096 is what the ring layout assumes. */
#define LEGACY_PAGE     4096u

struct virtio_mmio {
	struct virtio_dev vdev;
	uint8_t *regs;
	struct virtio_mmio_desc d;
	unsigned version;           /* 1 or 2 */
	int vector;                 /* from irq_attach_line, -1 before */
};

static struct virtio_mmio *devs[VIRTIO_MMIO_MAX_DEVS];
static int ndevs;
static const struct virtio_transport_ops mmio_ops;

static struct virtio_mmio *to_vm(struct virtio_dev *vdev)
{
	return container_of(vdev, struct virtio_mmio, vdev);
}

/* §4.2.2.2: the control registers take 32-bit aligned accesses only. */
static uint32_t rd(struct virtio_mmio *vm, size_t off)
{
	return mmio_read32(vm->regs + off);
}

static void wr(struct virtio_mmio *vm, size_t off, uint32_t v)
{
	mmio_write32(vm->regs + off, v);
}

#define RD(vm, f)       rd((vm), VIRTIO_MMIO_REG(f))
#define WR(vm, f, v)    wr((vm), VIRTIO_MMIO_REG(f), (v))

/* ---- status and features ------------------------------------------------------ */

static uint8_t m_get_status(struct virtio_dev *vdev)
{
	return (uint8_t)RD(to_vm(vdev), status);
}

static void m_set_status(struct virtio_dev *vdev, uint8_t s)
{
	WR(to_vm(vdev), status, s);
}

static void m_reset(struct virtio_dev *vdev)
{
	struct virtio_mmio *vm = to_vm(vdev);

	WR(vm, status, 0);      /* the core waits for it to finish */
}

static uint64_t m_get_features(struct virtio_dev *vdev)
{
	struct virtio_mmio *vm = to_vm(vdev);

	WR(vm, device_features_sel, 0);
	uint64_t lo = RD(vm, device_features);
	/* Legacy devices have 32 feature bits (§4.2.4: HostFeatures). */
	if (vm->version == 1)
		return lo;
	WR(vm, device_features_sel, 1);
	return (uint64_t)RD(vm, device_features) << 32 | lo;
}

static void m_set_features(struct virtio_dev *vdev, uint64_t f)
{
	struct virtio_mmio *vm = to_vm(vdev);

	WR(vm, driver_features_sel, 0);
	WR(vm, driver_features, (uint32_t)f);
	if (vm->version == 1)
		return;
	WR(vm, driver_features_sel, 1);
	WR(vm, driver_features, (uint32_t)(f >> 32));
}

static uint32_t m_config_generation(struct virtio_dev *vdev)
{
	struct virtio_mmio *vm = to_vm(vdev);

	/* §4.2.4: the legacy layout has no generation counter. */
	return vm->version == 1 ? 0 : RD(vm, config_generation);
}

/* ---- device configuration ------------------------------------------------------- */

/* One access of the width the core picked (§4.2.2.2: 8-bit fields with
 * byte accesses, 16-bit with 16-bit ones, 32- and 64-bit fields with
 * 32-bit ones; the core splits a 64-bit field into halves, low first, and
 * re-reads it if the generation moved). */
static int m_config_access(struct virtio_dev *vdev, unsigned off, void *buf,
			   unsigned len, bool write)
{
	struct virtio_mmio *vm = to_vm(vdev);
	uint64_t size = vm->d.size - VIRTIO_MMIO_CONFIG;

	if ((len != 1 && len != 2 && len != 4) || (off & (len - 1)) ||
	    off > size || len > size - off)
		return -EINVAL;
	uint8_t *reg = vm->regs + VIRTIO_MMIO_CONFIG + off;
	uint32_t v = 0;

	if (write) {
		memcpy(&v, buf, len);
		if (len == 1)
			mmio_write8(reg, (uint8_t)v);
		else if (len == 2)
			mmio_write16(reg, (uint16_t)v);
		else
			mmio_write32(reg, v);
	} else {
		v = len == 1 ? mmio_read8(reg) : len == 2 ? mmio_read16(reg) : mmio_read32(reg);
		memcpy(buf, &v, len);
	}
	return 0;
}

static int m_config_read(struct virtio_dev *vdev, unsigned off, void *buf, unsigned len)
{
	return m_config_access(vdev, off, buf, len, false);
}

static int m_config_write(struct virtio_dev *vdev, unsigned off, const void *buf,
			  unsigned len)
{
	return m_config_access(vdev, off, (void *)buf, len, true);
}

/* ---- queues ---------------------------------------------------------------------- */

/* More queues than any device type has; a larger index is refused rather
 * than written to QueueSel. */
#define MAX_QUEUES      1024

static unsigned m_queue_max(struct virtio_dev *vdev, unsigned index)
{
	struct virtio_mmio *vm = to_vm(vdev);

	if (index >= MAX_QUEUES)
		return 0;
	WR(vm, queue_sel, index);
	uint32_t max = RD(vm, queue_num_max);
	/* The core caps and rounds the size (virtio.queue_size); legacy
	 * MMIO, unlike legacy PCI, lets the driver pick it (QueueNum, §4.2.4),
	 * so queue_size_fixed stays false. */
	unsigned num = virtio_mmio_queue_size(max, 0);

	if (max && !num)
		pr_err("virtio %s: queue %u: QueueNumMax %u is above %u\n", vdev->name,
		       index, max, VRING_MAX_SIZE);
	else if (max && !IS_POW2(max))
		pr_warn("virtio %s: queue %u: QueueNumMax %u is not a power of two; using %u\n",
			vdev->name, index, max, num);
	return num;
}

static int m_queue_setup(struct virtio_dev *vdev, struct virtqueue *vq)
{
	struct virtio_mmio *vm = to_vm(vdev);

	/* §4.2.3.2: select the queue and check it is not in use. */
	WR(vm, queue_sel, vq->index);
	if (vm->version == 1 ? RD(vm, queue_pfn) != 0 : RD(vm, queue_ready) != 0)
		return -EBUSY;
	/* The maximum may not have shrunk since the core asked. */
	uint32_t max = RD(vm, queue_num_max);
	if (vq->num > max) {
		pr_err("virtio %s: queue %u: QueueNumMax changed to %u (size %u)\n",
		       vdev->name, vq->index, max, vq->num);
		return -EIO;
	}
	WR(vm, queue_num, vq->num);

	if (vm->version == 1) {
		/* §4.2.4: one contiguous ring, its used part aligned to
		 * QueueAlign, located by a page number of GuestPageSize
		 * pages in a 32-bit register. */
		uint64_t pfn = vq->desc_addr / LEGACY_PAGE;
		if ((vq->desc_addr % LEGACY_PAGE) || pfn > 0xffffffffull ||
		    vq->used_addr - vq->desc_addr !=
			    ALIGN_UP(vring_desc_size(vq->num) + vring_avail_size(vq->num),
				     (size_t)VRING_LEGACY_ALIGN)) {
			pr_err("virtio %s: queue %u: ring at %#llx can't be given to a legacy device\n",
			       vdev->name, vq->index, (unsigned long long)vq->desc_addr);
			return -EINVAL;
		}
		WR(vm, guest_page_size, LEGACY_PAGE);
		WR(vm, queue_align, VRING_LEGACY_ALIGN);
		WR(vm, queue_pfn, (uint32_t)pfn);
		return 0;
	}
	/* §4.2.3.2 steps 5-7: the three areas, then QueueReady. */
	WR(vm, queue_desc_lo, (uint32_t)vq->desc_addr);
	WR(vm, queue_desc_hi, (uint32_t)(vq->desc_addr >> 32));
	WR(vm, queue_driver_lo, (uint32_t)vq->avail_addr);
	WR(vm, queue_driver_hi, (uint32_t)(vq->avail_addr >> 32));
	WR(vm, queue_device_lo, (uint32_t)vq->used_addr);
	WR(vm, queue_device_hi, (uint32_t)(vq->used_addr >> 32));
	WR(vm, queue_ready, 1);
	if (RD(vm, queue_ready) != 1) {
		pr_err("virtio %s: queue %u: the device did not take QueueReady\n",
		       vdev->name, vq->index);
		return -EIO;
	}
	return 0;
}

static void m_queue_notify(struct virtqueue *vq)
{
	/* §4.2.3.3: without VIRTIO_F_NOTIFICATION_DATA the value is the
	 * queue index. */
	WR(to_vm(virtio_vq_dev(vq)), queue_notify, vq->index);
}

/* ---- interrupts ------------------------------------------------------------------- */

static uint8_t m_isr_ack(struct virtio_dev *vdev)
{
	struct virtio_mmio *vm = to_vm(vdev);
	uint32_t s = RD(vm, interrupt_status);

	/* §4.2.3.4: acknowledge what was read; the line drops once nothing
	 * is left. An edge-triggered line (microvm, QEMU's virt) fires again
	 * for an event after this write, and the core drains the queues
	 * after the ack, so nothing that lands in between is lost. */
	if (s)
		WR(vm, interrupt_ack, s);
	return (uint8_t)(s & (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG));
}

static int m_intr_setup(struct virtio_dev *vdev, unsigned nvqs)
{
	struct virtio_mmio *vm = to_vm(vdev);

	(void)nvqs;
	/* One wired line per device for used buffers and configuration
	 * changes alike (§4.2.2 InterruptStatus): the shared handler reads
	 * the status to tell them apart. */
	if (!vm->d.has_irq)
		return -ENODEV;
	if (vm->vector >= 0)
		return 0;
	/* Anything left over from before the reset would otherwise keep a
	 * level line up with nobody to clear it. */
	m_isr_ack(vdev);
	int v = irq_attach_line(vm->d.irq, vm->d.level, vm->d.active_low,
				virtio_intr_shared, vdev);
	if (v < 0)
		return v;
	vm->vector = v;
	vdev->irq_shared = true;
	return 0;
}

static const struct virtio_transport_ops mmio_ops = {
	.reset = m_reset,
	.get_status = m_get_status,
	.set_status = m_set_status,
	.get_features = m_get_features,
	.set_features = m_set_features,
	.config_generation = m_config_generation,
	.config_read = m_config_read,
	.config_write = m_config_write,
	.queue_max = m_queue_max,
	.queue_setup = m_queue_setup,
	.queue_notify = m_queue_notify,
	.intr_setup = m_intr_setup,
	.isr_ack = m_isr_ack,
};

/* ---- adding devices ---------------------------------------------------------------- */

int virtio_mmio_add(const struct virtio_mmio_desc *d)
{
	const char *src = d->source ? d->source : "?";

	if (d->size < VIRTIO_MMIO_MIN_SIZE || d->size > VIRTIO_MMIO_MAX_SIZE ||
	    d->base == 0 || (d->base & 3) || d->base + d->size - 1 < d->base ||
	    d->base + d->size > (1ull << 52) || (d->has_irq && d->irq > VIRTIO_MMIO_MAX_IRQ)) {
		pr_warn("virtio-mmio: %s: window %#llx+%#llx irq %u is not usable\n", src,
			(unsigned long long)d->base, (unsigned long long)d->size, d->irq);
		return -EINVAL;
	}
	if (boot_range_is_ram(d->base, d->size)) {
		pr_warn("virtio-mmio: %s: window %#llx+%#llx overlaps RAM or the kernel; ignored\n",
			src, (unsigned long long)d->base, (unsigned long long)d->size);
		return -EINVAL;
	}
	for (int i = 0; i < ndevs; i++) {
		const struct virtio_mmio_desc *o = &devs[i]->d;
		if (d->base <= o->base + o->size - 1 && o->base <= d->base + d->size - 1) {
			/* Normal when two sources name one device. */
			pr_debug("virtio-mmio: %s: %#llx already added from %s\n", src,
				 (unsigned long long)d->base, o->source);
			return -EEXIST;
		}
	}
	if (ndevs >= VIRTIO_MMIO_MAX_DEVS) {
		pr_warn("virtio-mmio: more than %d devices; %#llx ignored\n",
			VIRTIO_MMIO_MAX_DEVS, (unsigned long long)d->base);
		return -ENOSPC;
	}
	uint8_t *regs = vm_map_mmio(d->base, d->size);
	if (!regs) {
		/* Past the CPU's physical address space, or no page tables. */
		pr_warn("virtio-mmio: %s: %#llx: window cannot be mapped; ignored\n",
			d->source, (unsigned long long)d->base);
		return -ENOMEM;
	}

	/* The first access to an address we were told about: it may have
	 * nothing behind it, which on aarch64 is an external abort. */
	uint32_t magic;
	if (probe_read32(regs + VIRTIO_MMIO_REG(magic), &magic)) {
		pr_warn("virtio-mmio: %s: %#llx: nothing answers at this address; ignored\n",
			src, (unsigned long long)d->base);
		return -ENODEV;
	}
	uint32_t version = mmio_read32(regs + VIRTIO_MMIO_REG(version));
	uint32_t id = mmio_read32(regs + VIRTIO_MMIO_REG(device_id));
	/* §4.2.3.1.1: magic and version first; a device id of 0 means stop
	 * here and touch no other register. */
	int rc = virtio_mmio_check_ident(magic, version, id);
	if (rc == -ENOENT)
		return -ENODEV;     /* an empty slot: QEMU's virt has dozens */
	if (rc) {
		pr_warn("virtio-mmio: %s: %#llx: magic %#x version %u device %u: "
			"not a virtio-mmio device we know\n", src,
			(unsigned long long)d->base, magic, version, id);
		return -ENODEV;
	}

	struct virtio_mmio *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return -ENOMEM;
	vm->regs = regs;
	vm->d = *d;
	vm->d.source = src;
	vm->version = version;
	vm->vector = -1;
	vm->vdev.ops = &mmio_ops;
	vm->vdev.id = (uint16_t)id;
	vm->vdev.legacy = version == 1;
	vm->vdev.queue_size_fixed = false;     /* QueueNum is ours to write */
	vm->vdev.transport = version == 1 ? "mmio-legacy" : "mmio";
	/* A bus id that is also a valid option key (virtio.mode.<id>). */
	snprintf(vm->vdev.bus_id, sizeof(vm->vdev.bus_id), "mmio.%llx",
		 (unsigned long long)d->base);
	/* §4.2.4: the legacy driver tells the device its page size before
	 * anything else uses page numbers. */
	if (version == 1)
		WR(vm, guest_page_size, LEGACY_PAGE);
	devs[ndevs++] = vm;
	if (d->has_irq)
		pr_info("virtio-mmio: %#llx (%s): v%u, device type %u, irq %u (%s)\n",
			(unsigned long long)d->base, src, version, id, d->irq,
			d->level ? "level" : "edge");
	else
		pr_info("virtio-mmio: %#llx (%s): v%u, device type %u, no interrupt\n",
			(unsigned long long)d->base, src, version, id);
	return virtio_dev_register(&vm->vdev);
}

int virtio_mmio_version(const struct virtio_dev *vdev)
{
	if (!vdev || vdev->ops != &mmio_ops)
		return 0;
	return (int)container_of(vdev, struct virtio_mmio, vdev)->version;
}

int virtio_mmio_info(const struct virtio_dev *vdev, struct virtio_mmio_desc *out)
{
	if (!vdev || vdev->ops != &mmio_ops)
		return -ENODEV;
	*out = container_of(vdev, struct virtio_mmio, vdev)->d;
	return 0;
}

/* ---- the platform driver ----------------------------------------------------- */

/* Every source of virtio-mmio windows -- device-tree "virtio,mmio" nodes,
 * ACPI LNRO0005 devices, virtio_mmio.device= -- reaches us through the
 * platform-device registry (<drivers/platdev.h>). */
static int virtio_mmio_plat_probe(const struct platdev *pd)
{
	if (!strcmp(pd->source, "acpi") && !cmdline_get_bool("virtio_mmio.acpi", true))
		return -ENODEV;         /* told to ignore ACPI's */
	struct virtio_mmio_desc d = {
		.base = pd->base, .size = pd->size, .irq = pd->irq, .level = pd->level,
		.active_low = pd->active_low, .has_irq = pd->has_irq, .id = pd->id,
		.source = pd->source,
	};
	return virtio_mmio_add(&d);
}

static const char *const virtio_mmio_ids[] = { "virtio,mmio", "LNRO0005", NULL };
static const struct platdrv virtio_mmio_plat_driver = {
	.name = "virtio-mmio",
	.ids = virtio_mmio_ids,
	.probe = virtio_mmio_plat_probe,
};
PLAT_DRIVER(virtio_mmio_plat_driver);
