// SPDX-License-Identifier: MIT
/* tarfs over a block device: byte reads through one window of cached
 * sectors. The window holds the last TARFS_WIN bytes read (aligned), so
 * the mount's header scan and small files cost one device request per
 * window rather than one per header. A mutex keeps the window whole while
 * a request sleeps: blkdev reads may block, and callers are any threads. */
#include <drivers/blkdev.h>
#include <fs/tarfs.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <stdlib.h>
#include <string.h>

#define TARFS_WIN (64u << 10)

struct blkwin {
	struct blkdev *bd;
	struct mutex lock;
	uint8_t *buf;           /* TARFS_WIN bytes, aligned for the driver */
	uint64_t base;          /* byte offset of buf[0] */
	size_t len;             /* valid bytes in buf (0: empty) */
};

static int win_fill(struct blkwin *w, uint64_t off)
{
	struct blkdev *bd = w->bd;
	uint64_t base = off & ~(uint64_t)(TARFS_WIN - 1);
	uint64_t lba = base / bd->sector_size;
	uint64_t left = bd->capacity - lba;
	uint32_t count = TARFS_WIN / bd->sector_size;
	int rc;

	if (count == 0)
		count = 1;     /* sectors of 64 KiB: the window is one sector */
	if (count > left)
		count = (uint32_t)left;
	w->len = 0;
	rc = blkdev_read(bd, lba, count, w->buf);
	if (rc < 0)
		return rc;
	w->base = base;
	w->len = (size_t)count * bd->sector_size;
	return 0;
}

static int blk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct blkwin *w = ctx;
	uint8_t *out = buf;
	int rc = 0;

	mutex_lock(&w->lock);
	while (len) {
		if (!w->len || off < w->base || off - w->base >= w->len) {
			if ((rc = win_fill(w, off)) < 0)
				break;
			if (off - w->base >= w->len) {
				rc = -EIO;     /* past the disk's end: tarfs never asks */
				break;
			}
		}
		size_t at = (size_t)(off - w->base), n = w->len - at;

		if (n > len)
			n = len;
		memcpy(out, w->buf + at, n);
		out += n;
		off += n;
		len -= n;
	}
	mutex_unlock(&w->lock);
	return rc;
}

static int mount_on(struct tarfs *fs, struct blkdev *bd)
{
	struct blkwin *w;
	size_t align = bd->align > 1 ? bd->align : 16;
	size_t winsz = bd->sector_size > TARFS_WIN ? bd->sector_size : TARFS_WIN;
	int rc;

	if (!bd->capacity || bd->capacity > UINT64_MAX / bd->sector_size)
		return -EINVAL;
	if (!(w = calloc(1, sizeof(*w))))
		return -ENOMEM;
	if (!(w->buf = aligned_alloc(align < 4096 ? 4096 : align, winsz))) {
		free(w);
		return -ENOMEM;
	}
	w->bd = bd;
	mutex_init(&w->lock);
	rc = tarfs_mount(fs, blk_read, w, bd->capacity * bd->sector_size);
	if (rc < 0) {
		free(w->buf);
		free(w);
	}
	return rc;
}

int tarfs_blk_mount(struct tarfs *fs, const char *name, const char **used)
{
	if (name) {
		struct blkdev *bd = blkdev_find(name);
		int rc;

		if (!bd)
			return -ENODEV;
		rc = mount_on(fs, bd);
		if (!rc && used)
			*used = bd->name;
		return rc;
	}
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd)) {
		if (mount_on(fs, bd) == 0) {
			if (used)
				*used = bd->name;
			return 0;
		}
	}
	return -ENODEV;
}
