// SPDX-License-Identifier: MIT
/* tarfs over the initrd: a tar image the boot loader placed in memory
 * (QEMU's -initrd, a GRUB module, a PVH module, or the device tree's
 * linux,initrd-start/end), so an appliance serves files with no disk at
 * all. The boot code has checked that the range is RAM and mapped it
 * (boot_info.initrd_*); reads are plain copies, bounded by its size. */
#include <fs/tarfs.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <string.h>

struct initrd {
	const uint8_t *base;
	uint64_t size;
};

static int initrd_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	const struct initrd *rd = ctx;

	if (off > rd->size || len > rd->size - off)
		return -EIO;           /* tarfs never asks past the end */
	memcpy(buf, rd->base + off, len);
	return 0;
}

int tarfs_initrd_mount(struct tarfs *fs)
{
	static struct initrd rd;

	if (boot_info.initrd_end <= boot_info.initrd_start)
		return -ENODEV;
	rd.base = (const uint8_t *)(uintptr_t)boot_info.initrd_start;
	rd.size = boot_info.initrd_end - boot_info.initrd_start;
	return tarfs_mount(fs, initrd_read, &rd, rd.size);
}
