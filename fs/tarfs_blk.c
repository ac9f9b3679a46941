// SPDX-License-Identifier: MIT
/* tarfs over a block device: byte reads through a cache of 64 KiB
 * windows of sectors (fs/wincache.c), so the mount's header scan and the
 * files served most often cost no device request after the first. The
 * cache takes a 32nd of RAM, between 2 and 64 windows (128 KiB to 4 MiB),
 * allocated as they fill. A mutex keeps a window whole while a request
 * sleeps: blkdev reads may block, and callers are any threads. */
#include <drivers/blkdev.h>
#include <fs/tarfs.h>
#include <fs/wincache.h>
#include <kern/errno.h>
#include <kern/pmm.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <stdlib.h>
#include <string.h>

#define TARFS_WIN       (64u << 10)
#define TARFS_WIN_MIN   2
#define TARFS_WIN_MAX   64

struct blkwin {
	struct blkdev *bd;
	struct mutex lock;
	struct wincache cache;
};

static long win_fill(void *ctx, uint64_t base, void *buf, size_t len)
{
	struct blkwin *w = ctx;
	struct blkdev *bd = w->bd;
	uint64_t lba = base / bd->sector_size;
	uint64_t left = lba < bd->capacity ? bd->capacity - lba : 0;
	uint32_t count = (uint32_t)(len / bd->sector_size);
	int rc;

	if (count > left)
		count = (uint32_t)left;
	if (!count)
		return 0;
	rc = blkdev_read(bd, lba, count, buf);
	return rc < 0 ? rc : (long)count * bd->sector_size;
}

static int blk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct blkwin *w = ctx;
	int rc;

	mutex_lock(&w->lock);
	rc = wincache_read(&w->cache, off, buf, len);
	mutex_unlock(&w->lock);
	return rc;
}

static unsigned cache_windows(size_t winsz)
{
	struct pmm_stats ps;
	uint64_t n;

	pmm_stats(&ps);
	n = ps.total_pages * 4096 / 32 / winsz;
	return n < TARFS_WIN_MIN ? TARFS_WIN_MIN : n > TARFS_WIN_MAX ? TARFS_WIN_MAX : (unsigned)n;
}

static int mount_on(struct tarfs *fs, struct blkdev *bd)
{
	struct blkwin *w;
	size_t align = bd->align > 1 ? bd->align : 16;
	/* A window is a whole number of sectors, a power of two. */
	size_t winsz = bd->sector_size > TARFS_WIN ? bd->sector_size : TARFS_WIN;
	int rc;

	if (!bd->capacity || bd->capacity > UINT64_MAX / bd->sector_size)
		return -EINVAL;
	if (!(w = calloc(1, sizeof(*w))))
		return -ENOMEM;
	rc = wincache_init(&w->cache, winsz, cache_windows(winsz), align < 4096 ? 4096 : align,
			   win_fill, w);
	if (rc < 0) {
		free(w);
		return rc;
	}
	w->bd = bd;
	mutex_init(&w->lock);
	rc = tarfs_mount(fs, blk_read, w, bd->capacity * bd->sector_size);
	if (rc < 0) {
		wincache_fini(&w->cache);
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
