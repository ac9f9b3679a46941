// SPDX-License-Identifier: MIT
/* The x86 transport of QEMU fw_cfg: I/O ports (QEMU docs/specs/fw_cfg.rst,
 * "Register Locations"): selector 0x510 (16-bit, little-endian), data 0x511
 * (8-bit), DMA address 0x514 (64-bit big-endian, written as two 32-bit
 * halves, high at 0x514 first; the write of the low half at 0x518 starts
 * the operation). The protocol itself is drivers/pvbus/fw_cfg.c.
 *
 * pvbus.fwcfg=port|dma picks the transfer mode (default: DMA when offered),
 * so that the test cases exercise both. */
#include <arch/io.h>
#include <drivers/fw_cfg.h>
#include <drivers/pvbus.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <string.h>
#include "pvbus_x86.h"

#define FW_CFG_PORT_SEL   0x510
#define FW_CFG_PORT_DATA  0x511
#define FW_CFG_PORT_DMA   0x514

CMDLINE_OPT(pvbus_fwcfg, "pvbus.fwcfg",
	    "fw_cfg transfer mode: port (data register) or dma");

static void io_select(void *ctx, uint16_t key)
{
	outw(FW_CFG_PORT_SEL, key);
}

/* One string instruction rather than a loop of inb: KVM completes a
 * `rep insb` in batches, with one exit to QEMU per batch instead of one
 * per byte. (<arch/io.h> has no string I/O yet, hence local asm.) */
static void io_read(void *ctx, void *buf, size_t n)
{
	__asm__ __volatile__("cld; rep insb"
			     : "+D"(buf), "+c"(n)
			     : "d"((uint16_t)FW_CFG_PORT_DATA)
			     : "memory");
}

/* The register is big-endian; a 32-bit port access moves bytes in
 * little-endian order, hence the swaps. */
static uint64_t io_dma_probe(void *ctx)
{
	uint64_t hi = __builtin_bswap32(inl(FW_CFG_PORT_DMA));
	uint64_t lo = __builtin_bswap32(inl(FW_CFG_PORT_DMA + 4));

	return hi << 32 | lo;
}

static void io_dma_kick(void *ctx, uint64_t pa)
{
	outl(FW_CFG_PORT_DMA, __builtin_bswap32((uint32_t)(pa >> 32)));
	outl(FW_CFG_PORT_DMA + 4, __builtin_bswap32((uint32_t)pa));
}

static const struct fw_cfg_ops io_ops = {
	.select = io_select,
	.read = io_read,
	.dma_probe = io_dma_probe,
	.dma_kick = io_dma_kick,
};

static struct fw_cfg fw_cfg_io;

int pvbus_x86_fw_cfg_init(void)
{
	const char *mode = cmdline_get("pvbus.fwcfg");
	int err;

	if ((err = fw_cfg_probe(&fw_cfg_io, &io_ops, NULL, "ioport 0x510")))
		return err;
	if (mode && strcmp(mode, "port") == 0) {
		fw_cfg_set_xfer(&fw_cfg_io, FW_CFG_XFER_REG);
	} else if (mode && strcmp(mode, "dma") == 0) {
		if (fw_cfg_set_xfer(&fw_cfg_io, FW_CFG_XFER_DMA))
			pr_warn("pvbus: fw_cfg has no DMA interface, using the data port\n");
	} else if (mode) {
		pr_warn("pvbus: pvbus.fwcfg=%s: expected port or dma\n", mode);
	}
	pr_info("pvbus: fw_cfg features %#x, DMA %s, using %s\n",
		fw_cfg_io.features, fw_cfg_io.has_dma ? "offered" : "absent",
		fw_cfg_io.xfer == FW_CFG_XFER_DMA ? "dma" : "port");
	return fw_cfg_register(&fw_cfg_io);
}
