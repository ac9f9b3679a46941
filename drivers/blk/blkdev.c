// SPDX-License-Identifier: MIT
/* The block-device registry and the checked entry points: every argument
 * rule of <drivers/blkdev.h> is enforced here once, so drivers implement
 * only the transfer; requests larger than a driver takes are split here,
 * and the synchronous calls are built on blkdev_submit. Pure apart from
 * the semaphore the synchronous calls sleep on (host unit-tested with a
 * stand-in). */
#include <drivers/blkdev.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <stdint.h>
#include <string.h>

uint8_t blk_zeroes[BLK_ZEROES_BYTES] __aligned(4096);

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

/* ---- requests ------------------------------------------------------------- */

static bool op_rw(uint32_t op)
{
	return op == BLK_OP_READ || op == BLK_OP_WRITE;
}

static bool op_ranged(uint32_t op)
{
	return op_rw(op) || op == BLK_OP_DISCARD || op == BLK_OP_WRITE_ZEROES;
}

/* Can this driver do op at all? A driver with submit answers for itself. */
static bool has_op(const struct blkdev *bd, uint32_t op)
{
	const struct blkdev_ops *o = bd->ops;
	if (o->submit)
		return true;
	switch (op) {
	case BLK_OP_READ:         return o->read;
	case BLK_OP_WRITE:        return o->write;
	case BLK_OP_FLUSH:        return o->flush;
	case BLK_OP_DISCARD:      return o->discard;
	case BLK_OP_WRITE_ZEROES: return o->write_zeroes;
	}
	return false;
}

/* The most sectors one piece of op may cover on bd. */
static uint64_t piece_max(const struct blkdev *bd, uint32_t op)
{
	switch (op) {
	case BLK_OP_READ:
	case BLK_OP_WRITE:
		/* The sync ops take a 32-bit count. */
		return bd->max_sectors ? bd->max_sectors : UINT32_MAX;
	case BLK_OP_DISCARD:
		return bd->max_discard ? bd->max_discard : UINT64_MAX;
	case BLK_OP_WRITE_ZEROES:
		return bd->max_write_zeroes ? bd->max_write_zeroes : UINT64_MAX;
	}
	return 0;
}

/* The checks of <drivers/blkdev.h>, in its order. */
static int check(const struct blkdev *bd, const struct blk_req *r)
{
	uint32_t op = r->op;
	bool rw = op_rw(op), ranged = op_ranged(op);

	if (!bd || !bd->ops || (!ranged && op != BLK_OP_FLUSH))
		return -EINVAL;
	if (rw && (!r->buf || (bd->align > 1 && ((uintptr_t)r->buf & (bd->align - 1)))))
		return -EINVAL;
	if (ranged && r->lba + r->count < r->lba)
		return -EINVAL;
	/* The buffer must be addressable as a whole. */
	if (rw && r->count > SIZE_MAX / bd->sector_size)
		return -EINVAL;
	if (!has_op(bd, op))
		return -EOPNOTSUPP;
	if (op != BLK_OP_READ && op != BLK_OP_FLUSH && (bd->flags & BLKDEV_F_RO))
		return -EROFS;
	if (ranged && r->lba + r->count > bd->capacity)
		return -ERANGE;
	return 0;
}

/* A driver must answer 0 or -errno; anything else is a driver bug that
 * must not look like success to the caller. */
static int driver_rc(const struct blkdev *bd, const char *op, int rc)
{
	if (rc > 0) {
		pr_warn("blk: %s: %s returned %d, treated as -EIO\n",
			bd ? bd->name : "?", op, rc);
		return -EIO;
	}
	return rc;
}

static void finish(struct blk_req *r, int err)
{
	r->status = err;
	r->done(r);     /* r is the caller's again: touch it no more */
}

/* A driver without submit: the whole request, piece by piece, now. */
static int run_sync(struct blkdev *bd, struct blk_req *r)
{
	const struct blkdev_ops *o = bd->ops;
	uint64_t lba = r->lba, left = r->count, max = piece_max(bd, r->op);
	uint8_t *p = r->buf;
	int rc = 0;

	if (r->op == BLK_OP_FLUSH)
		return driver_rc(bd, "flush", o->flush(bd));
	while (left && !rc) {
		uint64_t n = left < max ? left : max;
		switch (r->op) {
		case BLK_OP_READ:
			rc = driver_rc(bd, "read", o->read(bd, lba, (uint32_t)n, p));
			break;
		case BLK_OP_WRITE:
			rc = driver_rc(bd, "write", o->write(bd, lba, (uint32_t)n, p));
			break;
		case BLK_OP_DISCARD:
			rc = driver_rc(bd, "discard", o->discard(bd, lba, n));
			break;
		default:
			rc = driver_rc(bd, "write_zeroes", o->write_zeroes(bd, lba, n));
			break;
		}
		lba += n;
		left -= n;
		if (p)
			p += n * bd->sector_size;
	}
	return rc;
}

/* Hand the driver its next piece: at most its limit, from where the last
 * one ended. */
static void next_piece(struct blkdev *bd, struct blk_req *r)
{
	uint64_t max = piece_max(bd, r->op);
	uint64_t n = r->left_ < max ? r->left_ : max;

	r->io.count = n;
	r->left_ -= n;
	bd->ops->submit(bd, r);
}

/* Plugging means something only to an asynchronous driver with a plug
 * op; to every other device (or none) it is a no-op. */
static void plug_set(struct blkdev *bd, bool on)
{
	if (bd && bd->ops && bd->ops->submit && bd->ops->plug)
		bd->ops->plug(bd, on);
}

void blkdev_plug(struct blkdev *bd)
{
	plug_set(bd, true);
}

void blkdev_unplug(struct blkdev *bd)
{
	plug_set(bd, false);
}

int blkdev_submit(struct blkdev *bd, struct blk_req *r)
{
	if (!r || !r->done)
		return -EINVAL;
	r->status = 0;
	r->bd_ = bd;
	r->left_ = 0;
	int rc = check(bd, r);
	if (rc) {
		finish(r, rc);
		return 0;
	}
	if (op_ranged(r->op) && r->count == 0) {
		finish(r, 0);
		return 0;
	}
	if (!bd->ops->submit) {
		finish(r, run_sync(bd, r));
		return 0;
	}
	r->io.lba = r->lba;
	r->io.buf = op_rw(r->op) ? r->buf : NULL;
	r->io.count = 0;
	r->left_ = r->op == BLK_OP_FLUSH ? 0 : r->count;
	if (r->op == BLK_OP_FLUSH)
		bd->ops->submit(bd, r);
	else
		next_piece(bd, r);
	return 0;
}

void blkdev_complete(struct blk_req *r, int err)
{
	struct blkdev *bd = r->bd_;

	err = driver_rc(bd, "submit", err);
	/* A driver's own request (r->bd_ unset) is always one piece. */
	if (err || r->left_ == 0 || !bd) {
		finish(r, err);
		return;
	}
	r->io.lba += r->io.count;
	if (r->io.buf)
		r->io.buf = (uint8_t *)r->io.buf + r->io.count * bd->sector_size;
	next_piece(bd, r);
}

/* ---- the synchronous calls: submit, then sleep until done ------------------ */

static void wake_waiter(struct blk_req *r)
{
	sem_up(r->arg);
}

static int submit_wait(struct blkdev *bd, uint32_t op, uint64_t lba, uint64_t count,
		       void *buf)
{
	struct semaphore sem;
	/* On this stack until done has run: sem_down returns only after. */
	struct blk_req r = {
		.op = op, .lba = lba, .count = count, .buf = buf,
		.done = wake_waiter, .arg = &sem,
	};

	sem_init(&sem, 0);
	blkdev_submit(bd, &r);
	sem_down(&sem);
	return r.status;
}

int blkdev_read(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	return submit_wait(bd, BLK_OP_READ, lba, count, buf);
}

int blkdev_write(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf)
{
	/* The buffer is only read: WRITE never stores through it. */
	return submit_wait(bd, BLK_OP_WRITE, lba, count, (void *)buf);
}

int blkdev_flush(struct blkdev *bd)
{
	return submit_wait(bd, BLK_OP_FLUSH, 0, 0, NULL);
}

int blkdev_discard(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	return submit_wait(bd, BLK_OP_DISCARD, lba, count, NULL);
}

int blkdev_write_zeroes(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	return submit_wait(bd, BLK_OP_WRITE_ZEROES, lba, count, NULL);
}
