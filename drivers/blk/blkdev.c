// SPDX-License-Identifier: MIT
/* The block-device registry and the checked entry points: every argument
 * rule of <drivers/blkdev.h> is enforced here once, so drivers implement
 * only the transfer. */
#include <drivers/blkdev.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <string.h>

static struct blkdev *devs;

static bool name_ok(const char *name)
{
	size_t n = strnlen(name, BLKDEV_NAME_MAX);
	if (n == 0 || n == BLKDEV_NAME_MAX)
		return false;
	/* Names are typed at the shell: keep them to one plain word. */
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

int blkdev_register(struct blkdev *bd)
{
	if (!bd || !bd->ops || !name_ok(bd->name) ||
	    !IS_POW2(bd->sector_size) || bd->sector_size < 512 || bd->sector_size > 65536 ||
	    (bd->align > 1 && !IS_POW2(bd->align)))
		return -EINVAL;
	for (struct blkdev *d = devs; d; d = d->next)
		if (d == bd || strcmp(d->name, bd->name) == 0)
			return -EEXIST;
	/* Append: lsblk lists devices in the order drivers found them. */
	struct blkdev **pp = &devs;
	while (*pp)
		pp = &(*pp)->next;
	bd->next = NULL;
	*pp = bd;
	pr_debug("blk: %s: %llu sectors of %u bytes%s (%s)\n", bd->name,
		(unsigned long long)bd->capacity, bd->sector_size,
		bd->flags & BLKDEV_F_RO ? ", read-only" : "",
		bd->driver ? bd->driver : "?");
	return 0;
}

void blkdev_unregister(struct blkdev *bd)
{
	for (struct blkdev **pp = &devs; *pp; pp = &(*pp)->next) {
		if (*pp == bd) {
			*pp = bd->next;
			bd->next = NULL;
			return;
		}
	}
}

struct blkdev *blkdev_find(const char *name)
{
	if (!name)
		return NULL;
	for (struct blkdev *d = devs; d; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

struct blkdev *blkdev_next(const struct blkdev *prev)
{
	return prev ? prev->next : devs;
}

int blkdev_name_alloc(const char *prefix, char *name)
{
	size_t pl = strlen(prefix);
	if (pl + 3 > BLKDEV_NAME_MAX)
		return -EINVAL;
	/* a..z, then aa..zz, as disks are usually lettered. */
	for (int i = 0; i < 26 + 26 * 26; i++) {
		memcpy(name, prefix, pl);
		if (i < 26) {
			name[pl] = 'a' + i;
			name[pl + 1] = 0;
		} else {
			name[pl] = 'a' + (i - 26) / 26;
			name[pl + 1] = 'a' + (i - 26) % 26;
			name[pl + 2] = 0;
		}
		if (!blkdev_find(name))
			return 0;
	}
	name[0] = 0;
	return -ENOSPC;
}

/* The checks shared by every ranged request (order as documented). */
static int check(struct blkdev *bd, uint64_t lba, uint64_t count, const void *buf,
		 bool need_buf, bool writes, bool has_op)
{
	if (!bd)
		return -EINVAL;
	if (need_buf && (!buf || (bd->align > 1 && ((uintptr_t)buf & (bd->align - 1)))))
		return -EINVAL;
	if (lba + count < lba)
		return -EINVAL;
	if (!has_op)
		return -EOPNOTSUPP;
	if (writes && (bd->flags & BLKDEV_F_RO))
		return -EROFS;
	if (lba + count > bd->capacity)
		return -ERANGE;
	return 0;
}

/* A driver must answer 0 or -errno; anything else is a driver bug that
 * must not look like success to the caller. */
static int driver_rc(struct blkdev *bd, const char *op, int rc)
{
	if (rc > 0) {
		pr_warn("blk: %s: %s returned %d, treated as -EIO\n", bd->name, op, rc);
		return -EIO;
	}
	return rc;
}

int blkdev_read(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	int rc = check(bd, lba, count, buf, true, false, bd && bd->ops->read);
	if (rc)
		return rc;
	uint8_t *p = buf;
	while (count) {
		uint32_t n = bd->max_sectors && count > bd->max_sectors ? bd->max_sectors : count;
		rc = driver_rc(bd, "read", bd->ops->read(bd, lba, n, p));
		if (rc)
			return rc;
		lba += n;
		count -= n;
		p += (size_t)n * bd->sector_size;
	}
	return 0;
}

int blkdev_write(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf)
{
	int rc = check(bd, lba, count, buf, true, true, bd && bd->ops->write);
	if (rc)
		return rc;
	const uint8_t *p = buf;
	while (count) {
		uint32_t n = bd->max_sectors && count > bd->max_sectors ? bd->max_sectors : count;
		rc = driver_rc(bd, "write", bd->ops->write(bd, lba, n, p));
		if (rc)
			return rc;
		lba += n;
		count -= n;
		p += (size_t)n * bd->sector_size;
	}
	return 0;
}

int blkdev_flush(struct blkdev *bd)
{
	if (!bd)
		return -EINVAL;
	if (!bd->ops->flush)
		return -EOPNOTSUPP;
	return driver_rc(bd, "flush", bd->ops->flush(bd));
}

int blkdev_discard(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	int rc = check(bd, lba, count, NULL, false, true, bd && bd->ops->discard);
	if (rc || !count)
		return rc;
	return driver_rc(bd, "discard", bd->ops->discard(bd, lba, count));
}

int blkdev_write_zeroes(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	int rc = check(bd, lba, count, NULL, false, true, bd && bd->ops->write_zeroes);
	if (rc || !count)
		return rc;
	return driver_rc(bd, "write_zeroes", bd->ops->write_zeroes(bd, lba, count));
}
