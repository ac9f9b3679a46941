/* SPDX-License-Identifier: MIT */
/* The virtio-mmio transport (virtio 1.2 §4.2): a register block in memory,
 * one wired interrupt per device, no capability discovery. Where the blocks
 * are comes from outside: the device tree ("virtio,mmio" nodes, DTSpec and
 * the Linux virtio-mmio binding), the kernel command line
 * (virtio_mmio.device=<size>@<base>:<irq>[:<id>], which QEMU's microvm adds
 * when it has no ACPI) or the ACPI DSDT (LNRO0005 devices, microvm with
 * ACPI, found by the registry's AML scan <drivers/acpi_hid.h>). All of them
 * reach the transport through the platform-device registry
 * (<drivers/platdev.h>, ids "virtio,mmio" and "LNRO0005") and end in
 * virtio_mmio_add(), which checks the block and hands the device to the
 * virtio core under the same transport ops table
 * as PCI; device drivers never learn which transport carries them.
 *
 * Both register layouts are driven: version 2 (§4.2.2, "modern") and
 * version 1 (§4.2.4, "legacy": page-frame-number queues, 32 feature bits,
 * no generation counter). Nothing the device says is trusted: a bad magic,
 * an unknown version, a queue size out of range or a register block over
 * RAM is an error with a log line, never a crash or an endless wait.
 *
 * The parsers below the kernel API are pure logic (drivers/virtio/
 * mmio_parse.c), host unit-tested on hostile input. */
#ifndef DRIVERS_VIRTIO_MMIO_H
#define DRIVERS_VIRTIO_MMIO_H

#include <kern/compiler.h>

/* ---- register layout (§4.2.2; legacy-only registers §4.2.4) -------------- */

#define VIRTIO_MMIO_MAGIC       0x74726976u     /* "virt", little-endian */
#define VIRTIO_MMIO_CONFIG      0x100           /* device configuration */

/* Every register is 32 bits wide and must be accessed as such (§4.2.2.2);
 * the struct only documents the offsets (it is never dereferenced). */
struct virtio_mmio_regs {
	uint32_t magic;                 /* 0x000 R  "virt" */
	uint32_t version;               /* 0x004 R  2 (legacy: 1) */
	uint32_t device_id;             /* 0x008 R  0: placeholder slot */
	uint32_t vendor_id;             /* 0x00c R */
	uint32_t device_features;       /* 0x010 R  32 bits picked by ..._sel */
	uint32_t device_features_sel;   /* 0x014 W */
	uint32_t rsvd0[2];
	uint32_t driver_features;       /* 0x020 W */
	uint32_t driver_features_sel;   /* 0x024 W */
	uint32_t guest_page_size;       /* 0x028 W  legacy only */
	uint32_t rsvd1;
	uint32_t queue_sel;             /* 0x030 W */
	uint32_t queue_num_max;         /* 0x034 R  0: no such queue */
	uint32_t queue_num;             /* 0x038 W */
	uint32_t queue_align;           /* 0x03c W  legacy only */
	uint32_t queue_pfn;             /* 0x040 RW legacy only */
	uint32_t queue_ready;           /* 0x044 RW */
	uint32_t rsvd2[2];
	uint32_t queue_notify;          /* 0x050 W  queue index */
	uint32_t rsvd3[3];
	uint32_t interrupt_status;      /* 0x060 R  VIRTIO_ISR_* bits */
	uint32_t interrupt_ack;         /* 0x064 W */
	uint32_t rsvd4[2];
	uint32_t status;                /* 0x070 RW device status, 0 resets */
	uint32_t rsvd5[3];
	uint32_t queue_desc_lo;         /* 0x080 W */
	uint32_t queue_desc_hi;         /* 0x084 W */
	uint32_t rsvd6[2];
	uint32_t queue_driver_lo;       /* 0x090 W  the available ring */
	uint32_t queue_driver_hi;       /* 0x094 W */
	uint32_t rsvd7[2];
	uint32_t queue_device_lo;       /* 0x0a0 W  the used ring */
	uint32_t queue_device_hi;       /* 0x0a4 W */
	uint32_t rsvd8[21];
	uint32_t config_generation;     /* 0x0fc R */
};
_Static_assert(offsetof(struct virtio_mmio_regs, guest_page_size) == 0x028, "§4.2.4");
_Static_assert(offsetof(struct virtio_mmio_regs, queue_pfn) == 0x040, "§4.2.4");
_Static_assert(offsetof(struct virtio_mmio_regs, queue_notify) == 0x050, "§4.2.2");
_Static_assert(offsetof(struct virtio_mmio_regs, interrupt_status) == 0x060, "§4.2.2");
_Static_assert(offsetof(struct virtio_mmio_regs, status) == 0x070, "§4.2.2");
_Static_assert(offsetof(struct virtio_mmio_regs, queue_desc_lo) == 0x080, "§4.2.2");
_Static_assert(offsetof(struct virtio_mmio_regs, queue_driver_lo) == 0x090, "§4.2.2");
_Static_assert(offsetof(struct virtio_mmio_regs, queue_device_lo) == 0x0a0, "§4.2.2");
_Static_assert(sizeof(struct virtio_mmio_regs) == VIRTIO_MMIO_CONFIG, "§4.2.2");

#define VIRTIO_MMIO_REG(f)      offsetof(struct virtio_mmio_regs, f)

/* ---- one device's place ------------------------------------------------- */

/* Limits on a register window: it must hold the registers, and nothing
 * sane needs more than 1 MiB of device configuration. */
#define VIRTIO_MMIO_MIN_SIZE    VIRTIO_MMIO_CONFIG
#define VIRTIO_MMIO_MAX_SIZE    (1ull << 20)
/* Interrupt lines above this are refused before the interrupt code sees
 * them (the largest GIC INTID is 1019; x86 GSIs stay far below). */
#define VIRTIO_MMIO_MAX_IRQ     1023u
#define VIRTIO_MMIO_MAX_DEVS    64

struct virtio_mmio_desc {
	uint64_t base, size;    /* physical register window */
	unsigned irq;           /* wired line, as irq_attach_line takes it */
	bool level, active_low; /* its trigger and polarity */
	bool has_irq;           /* false: the device can only be polled */
	int id;                 /* command-line ":<id>", else -1 */
	const char *source;     /* "cmdline", "dt", "acpi": for messages */
};

/* ---- kernel API ----------------------------------------------------------- */

/* Probe the register block d describes and register the device with the
 * virtio core (which binds a driver at INIT_DRIVER). The window is mapped
 * uncached; it must not overlap RAM, the kernel or a window added before.
 * @return 0; -ENODEV for an empty slot (device id 0: silent) or no
 * virtio-mmio device there (bad magic or version: logged); -EINVAL for a
 * bad window; -EEXIST when that window was added already; -ENOSPC past
 * VIRTIO_MMIO_MAX_DEVS; -ENOMEM. */
int virtio_mmio_add(const struct virtio_mmio_desc *d);

/* The register version (1 or 2) of a device this transport registered, or
 * 0 when vdev is not a virtio-mmio device (tests, the shell). */
struct virtio_dev;
int virtio_mmio_version(const struct virtio_dev *vdev);
/* Where it is: a copy of the description it was added with.
 * @return 0, or -ENODEV when vdev is not a virtio-mmio device. */
int virtio_mmio_info(const struct virtio_dev *vdev, struct virtio_mmio_desc *out);

/* ---- pure logic (drivers/virtio/mmio_parse.c, host unit-tested) ----------- */

/* A warning sink: fmt ends with a newline. */
typedef void (*virtio_mmio_warn_fn)(void *ctx, const char *fmt, ...) __printf(2, 3);

/* Parse one value of virtio_mmio.device= (the Linux syntax, as QEMU's
 * microvm writes it): <size>@<base>:<irq>[:<id>], size a number with an
 * optional K, M or G suffix, base and irq numbers (0x for hex), id a
 * decimal platform device id. Numbers must fit; the window must be
 * VIRTIO_MMIO_MIN_SIZE..VIRTIO_MMIO_MAX_SIZE bytes, 4-byte aligned, not
 * at 0 and not wrap; irq <= VIRTIO_MMIO_MAX_IRQ. The trigger is edge,
 * active high (what microvm wires). len bytes of s are read; no NUL needed.
 * @return 0 and *out, or -EINVAL (syntax) / -ERANGE (a number or the window
 * out of range). */
int virtio_mmio_parse_device(const char *s, size_t len, struct virtio_mmio_desc *out);

/* Find every virtio_mmio.device= word of a raw command line (blank
 * separated, double quotes toggle quoting as in kern/cmdline_parse.c) and
 * parse it into out[0..max). Malformed values, windows that overlap one
 * kept already and entries past max are warned about and skipped.
 * @return the number stored. */
int virtio_mmio_cmdline_scan(const char *cmdline, struct virtio_mmio_desc *out, int max,
			     virtio_mmio_warn_fn warn, void *ctx);

/* Check what a register block says about itself (§4.2.2): magic, version
 * 1 or 2, a device id that fits 16 bits. @return 0 for a device; -ENOENT
 * for an empty slot (id 0); -ENODEV for no (or an unknown) device. */
int virtio_mmio_check_ident(uint32_t magic, uint32_t version, uint32_t device_id);

/* The queue size to use for a QueueNumMax of max (§4.2.3.2, §2.7): the
 * largest power of two <= min(max, want) (want 0: no cap), 0 when max is 0
 * (no such queue) or above the spec's 32768. */
unsigned virtio_mmio_queue_size(uint32_t max, unsigned want);

#endif
