// SPDX-License-Identifier: MIT
/* QEMU fw_cfg over MMIO, the transport of Arm's "virt" machine (device tree
 * "qemu,fw-cfg-mmio"; QEMU docs/specs/fw_cfg.rst, "Register Locations"):
 *   +0   data register, readable 1, 2, 4 or 8 bytes at a time; a wider
 *        read returns the next bytes in string order (the register is
 *        big-endian, so a little-endian load stores them in order)
 *   +8   selector, 16 bits, big-endian
 *   +16  DMA address, 64 bits, big-endian (present when the block is 0x18
 *        bytes); written as two 32-bit halves, high first, the write of
 *        the low half at +20 starting the operation
 * The protocol is drivers/pvbus/fw_cfg.c; the device tree bus
 * (drivers/dtbus) finds the block and calls fw_cfg_mmio_attach. */
#include <drivers/platdev.h>
#include <arch/io.h>
#include <drivers/dtbus.h>
#include <drivers/fw_cfg.h>
#include <kern/boot.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/vm.h>
#include <stdio.h>
#include <string.h>

#define FW_CFG_MMIO_DATA        0x00
#define FW_CFG_MMIO_SEL         0x08
#define FW_CFG_MMIO_DMA         0x10
#define FW_CFG_MMIO_MIN         0x0a    /* data and selector */
#define FW_CFG_MMIO_DMA_END     0x18

/* Declared again (x86 reads the same option in fw_cfg_io.c): on aarch64
 * this is the only declaration. */
CMDLINE_OPT(pvbus_fwcfg_mmio, "pvbus.fwcfg",
	    "fw_cfg transfer mode: port (the data register) or dma");

struct fw_cfg_mmio {
	uint8_t *base;
	uint64_t size;
	char name[32];
};

static struct fw_cfg_mmio mmio;
static struct fw_cfg fw_cfg_mmio;

static void mmio_select(void *ctx, uint16_t key)
{
	struct fw_cfg_mmio *m = ctx;

	mmio_write16(m->base + FW_CFG_MMIO_SEL, __builtin_bswap16(key));
}

static void mmio_read(void *ctx, void *buf, size_t n)
{
	struct fw_cfg_mmio *m = ctx;
	uint8_t *p = buf;

	/* Eight bytes per access where there are eight left: one exit to
	 * the hypervisor instead of eight. */
	for (; n >= 8; n -= 8, p += 8) {
		uint64_t v = mmio_read64(m->base + FW_CFG_MMIO_DATA);
		memcpy(p, &v, 8);
	}
	for (; n; n--)
		*p++ = mmio_read8(m->base + FW_CFG_MMIO_DATA);
}

static uint64_t mmio_dma_probe(void *ctx)
{
	struct fw_cfg_mmio *m = ctx;

	if (m->size < FW_CFG_MMIO_DMA_END)
		return 0;
	uint64_t hi = __builtin_bswap32(mmio_read32(m->base + FW_CFG_MMIO_DMA));
	uint64_t lo = __builtin_bswap32(mmio_read32(m->base + FW_CFG_MMIO_DMA + 4));
	return hi << 32 | lo;
}

static void mmio_dma_kick(void *ctx, uint64_t pa)
{
	struct fw_cfg_mmio *m = ctx;

	if (m->size < FW_CFG_MMIO_DMA_END)
		return;
	mmio_write32(m->base + FW_CFG_MMIO_DMA, __builtin_bswap32((uint32_t)(pa >> 32)));
	mmio_write32(m->base + FW_CFG_MMIO_DMA + 4, __builtin_bswap32((uint32_t)pa));
}

static const struct fw_cfg_ops mmio_ops = {
	.select = mmio_select,
	.read = mmio_read,
	.dma_probe = mmio_dma_probe,
	.dma_kick = mmio_dma_kick,
};

int fw_cfg_mmio_attach(uint64_t base, uint64_t size)
{
	const char *mode = cmdline_get("pvbus.fwcfg");
	int err;

	if (fw_cfg_get())
		return -EEXIST;
	/* The 8-byte data register and the selector at least; a window
	 * larger than a page is not this device. */
	if (size < FW_CFG_MMIO_MIN || size > 0x1000 || base == 0 || (base & 7) ||
	    base + size - 1 < base)
		return -EINVAL;
	if (boot_device_window("pvbus: fw_cfg", base, size))
		return -EINVAL;
	mmio.base = vm_map_mmio(base, size);
	if (!mmio.base)
		return -ENOMEM;
	/* The first access to an address the device tree named: a read of
	 * the data register (QEMU docs/specs/fw_cfg.rst: it only advances
	 * the offset in the selected item, and fw_cfg_probe selects anew). */
	uint32_t probe;
	if (probe_read32(mmio.base + FW_CFG_MMIO_DATA, &probe)) {
		pr_warn("pvbus: nothing answers at fw_cfg %#llx; not used\n",
			(unsigned long long)base);
		mmio.base = NULL;
		return -ENODEV;
	}
	mmio.size = size;
	snprintf(mmio.name, sizeof(mmio.name), "mmio %#llx", (unsigned long long)base);
	if ((err = fw_cfg_probe(&fw_cfg_mmio, &mmio_ops, &mmio, mmio.name)))
		return err;
	if (mode && strcmp(mode, "port") == 0) {
		fw_cfg_set_xfer(&fw_cfg_mmio, FW_CFG_XFER_REG);
	} else if (mode && strcmp(mode, "dma") == 0) {
		if (fw_cfg_set_xfer(&fw_cfg_mmio, FW_CFG_XFER_DMA))
			pr_warn("pvbus: fw_cfg has no DMA interface, using the data register\n");
	} else if (mode) {
		pr_warn("pvbus: pvbus.fwcfg=%s: expected port or dma\n", mode);
	}
	pr_info("pvbus: fw_cfg at %#llx, features %#x, DMA %s, using %s\n",
		(unsigned long long)base, fw_cfg_mmio.features,
		fw_cfg_mmio.has_dma ? "offered" : "absent",
		fw_cfg_mmio.xfer == FW_CFG_XFER_DMA ? "dma" : "port");
	return fw_cfg_register(&fw_cfg_mmio);
}

/* The platform driver (<drivers/platdev.h>): the device tree's
 * "qemu,fw-cfg-mmio" node. Nothing answering there is an error of the
 * tree (unlike an empty virtio-mmio slot), so -ENODEV becomes -ENXIO. */
static int fw_cfg_plat_probe(const struct platdev *pd)
{
	int rc = fw_cfg_mmio_attach(pd->base, pd->size);
	return rc == -ENODEV ? -ENXIO : rc;
}

static const char *const fw_cfg_ids[] = { "qemu,fw-cfg-mmio", NULL };
static const struct platdrv fw_cfg_plat_driver = {
	.name = "fw_cfg-mmio",
	.ids = fw_cfg_ids,
	.probe = fw_cfg_plat_probe,
};
PLAT_DRIVER(fw_cfg_plat_driver);
