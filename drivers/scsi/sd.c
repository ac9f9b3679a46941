// SPDX-License-Identifier: MIT
/* SCSI disks as block devices: the retry policy every command goes through
 * (scsi_start, scsi_exec) and the blkdev submit op (READ/WRITE 10 or 16,
 * SYNCHRONIZE CACHE, UNMAP, and WRITE from a zero buffer for write-zeroes),
 * with commands from the host's bounded pool. SBC-3 for the commands,
 * SPC-4 §4.5 for what sense data means.
 *
 * Nothing here sleeps but scsi_exec: a block request takes a command from
 * the pool (or waits, in order, for one to come back), is posted through
 * the transport's queue op, and its completion, in interrupt context or
 * the transport's poll thread, runs the policy: send again at once (UNIT
 * ATTENTION), again after a pause on a timer (NOT READY, BUSY), or finish
 * with 0 or -errno, which gives the command back and completes the block
 * request. */
#include <drivers/scsi_host.h>
#include <drivers/scsi_pool.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <stdlib.h>
#include <string.h>
#include "sd_priv.h"

CMDLINE_OPT(scsi_ready_ms, "scsi.ready_ms",
	    "how long a SCSI command waits out NOT READY or BUSY (ms, default 10000)");

const char scsi_disk_driver[] = "scsi";

/* A UNIT ATTENTION reports one event per command (a reset, a changed
 * parameter, a changed medium): a few in a row are normal after a reset,
 * an endless stream is not. ABORTED COMMAND and TASK ABORTED likewise. */
#define SD_RETRIES          8
#define SD_WAIT_STEP_NS     (20ull * NSEC_PER_MSEC)
/* Write-zeroes is a WRITE from blk_zeroes (SBC-3's WRITE SAME would do
 * it in one command, but not every unit has it). */
static uint64_t sd_ready_ns = 10000 * NSEC_PER_MSEC;
static bool sd_ready_read;

void sd_policy_init(void)
{
	sd_ready_read = true;
	sd_ready_ns = (uint64_t)cmdline_get_range("scsi.ready_ms", 0, 3600000, 10000) *
		      NSEC_PER_MSEC;
}

static const char *op_name(uint8_t op)
{
	switch (op) {
	case SCSI_TEST_UNIT_READY: return "TEST UNIT READY";
	case SCSI_INQUIRY: return "INQUIRY";
	case SCSI_MODE_SENSE_6: return "MODE SENSE(6)";
	case SCSI_MODE_SENSE_10: return "MODE SENSE(10)";
	case SCSI_READ_CAPACITY_10: return "READ CAPACITY(10)";
	case SCSI_SERVICE_ACTION_IN: return "READ CAPACITY(16)";
	case SCSI_READ_10: return "READ(10)";
	case SCSI_READ_16: return "READ(16)";
	case SCSI_WRITE_10: return "WRITE(10)";
	case SCSI_WRITE_16: return "WRITE(16)";
	case SCSI_SYNC_CACHE_10: return "SYNCHRONIZE CACHE";
	case SCSI_UNMAP: return "UNMAP";
	case SCSI_REPORT_LUNS: return "REPORT LUNS";
	default: return "command";
	}
}

/* ---- the policy (interrupts disabled from here to complete) ------------------ */

static void policy_end(struct scsi_cmd *c);

static void policy_finish(struct scsi_cmd *c, int err)
{
	c->complete(c, err);    /* c is the issuer's again */
}

/* Post c (again). A transport that refuses it finishes it here. */
static void policy_send(struct scsi_cmd *c)
{
	struct scsi_host *h = c->host_;
	c->done = false;
	c->host_err = 0;
	c->status = 0;
	c->sense_len = 0;
	c->resid = 0;
	int rc = h->ops->queue(h, c);
	if (rc)
		policy_finish(c, rc);
}

/* A NOT READY or BUSY pause is over (timer: interrupt context). */
static void policy_retry_fire(struct timer *t)
{
	unsigned long flags = irq_save();
	policy_send(t->arg);
	irq_restore(flags);
}

static void policy_later(struct scsi_cmd *c)
{
	timer_arm(&c->retry_, time_ns() + SD_WAIT_STEP_NS);
}

/* The transport's completion: what the answer means (scsi_classify), and
 * whether to send it again. */
static void policy_end(struct scsi_cmd *c)
{
	const char *who = c->who_, *op = op_name(c->cdb.b[0]);

	if (c->host_err == -EAGAIN) {
		/* A bus reset or a busy transport: the command did not
		 * run; try again after a pause, a bounded number of times. */
		if (++c->tries_ > SD_RETRIES) {
			pr_err("%s: %s: transport kept refusing it\n", who, op);
			policy_finish(c, -EIO);
		} else {
			policy_later(c);
		}
		return;
	}
	if (c->host_err) {
		policy_finish(c, c->host_err);
		return;
	}
	struct scsi_sense s;
	scsi_sense_parse(c->sense, c->sense_len, &s);
	int err;
	enum scsi_action act = scsi_classify(c->status, c->sense_len ? &s : NULL, &err);
	switch (act) {
	case SCSI_DONE:
		policy_finish(c, 0);
		return;
	case SCSI_RETRY:
		if (++c->tries_ > SD_RETRIES) {
			pr_err("%s: %s: still %s (asc 0x%02x ascq 0x%02x) after %u tries\n",
			       who, op, scsi_key_name(s.key), s.asc, s.ascq, c->tries_);
			policy_finish(c, -EIO);
			return;
		}
		/* The UNIT ATTENTION after a reset (29h/xx) is expected:
		 * absorbed quietly. */
		if (s.key == SCSI_KEY_UNIT_ATTENTION && s.asc == 0x29)
			pr_debug("%s: %s: reset reported, retrying\n", who, op);
		else
			pr_info("%s: %s: %s (asc 0x%02x ascq 0x%02x), retrying\n", who, op,
				scsi_key_name(s.key), s.asc, s.ascq);
		policy_send(c);
		return;
	case SCSI_RETRY_LATER:
		if (time_ns() >= c->ready_end_) {
			pr_err("%s: %s: not ready after %llu ms (status 0x%02x, %s asc 0x%02x ascq 0x%02x)\n",
			       who, op, (unsigned long long)(sd_ready_ns / NSEC_PER_MSEC),
			       c->status, scsi_key_name(s.key), s.asc, s.ascq);
			policy_finish(c, -EIO);
			return;
		}
		policy_later(c);
		return;
	case SCSI_FAIL:
	default:
		if (c->status == SCSI_S_CHECK_CONDITION && s.valid)
			pr_err("%s: %s failed: %s (key 0x%x asc 0x%02x ascq 0x%02x): %d\n",
			       who, op, scsi_key_name(s.key), s.key, s.asc, s.ascq, err);
		else
			pr_err("%s: %s failed: status 0x%02x%s: %d\n", who, op, c->status,
			       c->status == SCSI_S_CHECK_CONDITION ? " without sense" : "", err);
		policy_finish(c, err);
		return;
	}
}

void scsi_start(struct scsi_host *h, struct scsi_cmd *c, const char *who)
{
	/* The first command of all comes from a thread (a scan, a test). */
	if (!sd_ready_read)
		sd_policy_init();
	c->host_ = h;
	c->who_ = who;
	c->tries_ = 0;
	c->ready_end_ = time_ns() + sd_ready_ns;
	c->end = policy_end;
	timer_init(&c->retry_, policy_retry_fire, c);
	unsigned long flags = irq_save();
	policy_send(c);
	irq_restore(flags);
}

struct exec_wait {
	struct semaphore sem;
	int err;
};

static void exec_done(struct scsi_cmd *c, int err)
{
	struct exec_wait *w = c->arg;
	w->err = err;
	sem_up(&w->sem);
}

int scsi_exec(struct scsi_host *h, struct scsi_cmd *c, const char *who)
{
	struct exec_wait w;
	sem_init(&w.sem, 0);
	w.err = 0;
	c->complete = exec_done;
	c->arg = &w;
	scsi_start(h, c, who);
	sem_down(&w.sem);
	return w.err;
}

/* ---- the command pool ----------------------------------------------------------- */

/* One block request's command. */
struct sd_io {
	struct scsi_cmd c;
	struct blk_req *req;
	struct scsi_disk *d;
	uint8_t param[SCSI_UNMAP_PARAM_LEN];    /* UNMAP's data-out */
};

struct sd_pool {
	struct scsi_pool acct;
	bool draining;              /* inside sd_drain: it starts the waiters */
	struct sd_io io[];
};

int sd_pool_create(struct scsi_host *h)
{
	unsigned n = h->can_queue ? MIN(h->can_queue, (unsigned)SCSI_POOL_MAX) : 32;
	struct sd_pool *p = calloc(1, sizeof(*p) + n * sizeof(p->io[0]));
	if (!p)
		return -ENOMEM;
	scsi_pool_init(&p->acct, n);
	h->pool = p;
	return 0;
}

void sd_pool_stats(struct scsi_host *h, struct scsi_pool_stats *st)
{
	struct sd_pool *p = h->pool;
	memset(st, 0, sizeof(*st));
	if (!p)
		return;
	unsigned long flags = irq_save();
	st->cmds = p->acct.n;
	st->used = scsi_pool_used(&p->acct);
	st->max_used = p->acct.max_used;
	st->waiting = p->acct.waiting;
	st->waits = p->acct.waits;
	irq_restore(flags);
}

int scsi_disk_pool_stats(struct blkdev *bd, struct scsi_pool_stats *st)
{
	if (!bd || bd->driver != scsi_disk_driver)
		return -ENODEV;
	sd_pool_stats(((struct scsi_disk *)bd->priv)->host, st);
	return 0;
}

static void sd_start(struct sd_pool *p, unsigned i, struct blk_req *r);

/* Hand free commands to the requests waiting for one, oldest first. A
 * request that fails at once gives its command back inside sd_start,
 * which calls this again: the flag keeps that to one loop. */
static void sd_drain(struct sd_pool *p)
{
	if (p->draining)
		return;
	p->draining = true;
	while (p->acct.wait_head && p->acct.nfree) {
		struct blk_req *r = scsi_pool_wait_take(&p->acct);
		sd_start(p, (unsigned)scsi_pool_get(&p->acct), r);
	}
	p->draining = false;
}

/* The request's piece is over: the command goes back (and to a waiter),
 * then the block layer hears of it (its done may submit again). */
static void sd_finish(struct sd_pool *p, struct sd_io *io, int err)
{
	struct blk_req *r = io->req;
	struct scsi_disk *d = io->d;
	io->req = NULL;
	io->d = NULL;
	scsi_pool_put(&p->acct, (unsigned)(io - p->io));
	d->inflight--;
	sd_drain(p);
	blkdev_complete(r, err);
}

static void sd_io_done(struct scsi_cmd *c, int err)
{
	struct sd_io *io = c->arg;
	struct scsi_disk *d = io->d;
	if (!err && c->resid) {
		/* SBC-3: a GOOD READ or WRITE moved every block asked for. */
		pr_err("%s: %s: %u of %u bytes not transferred\n", d->bd.name,
		       op_name(c->cdb.b[0]), c->resid, c->len);
		err = -EIO;
	}
	/* SBC-3 makes SYNCHRONIZE CACHE optional for a device without a
	 * volatile cache, whose writes are durable on completion. */
	if (err == -EINVAL && io->req->op == BLK_OP_FLUSH)
		err = 0;
	sd_finish(d->host->pool, io, err);
}

/* Build r's command in slot i and start it (interrupts disabled). */
static void sd_start(struct sd_pool *p, unsigned i, struct blk_req *r)
{
	struct sd_io *io = &p->io[i];
	struct scsi_disk *d = r->drv_priv;
	struct scsi_cmd *c = &io->c;
	uint32_t ss = d->bd.sector_size;
	int rc = 0;

	io->req = r;
	io->d = d;
	if (d->gone) {
		sd_finish(p, io, -ENODEV);
		return;
	}
	/* Only what the issuer sets: the rest is scsi_start's and the
	 * transport's to fill (a memset of the whole command, sense bytes
	 * and all, costs per request for nothing). */
	c->data = NULL;
	c->len = 0;
	c->dir = SCSI_DIR_NONE;
	switch (r->op) {
	case BLK_OP_READ:
	case BLK_OP_WRITE:
		rc = scsi_cdb_rw(&c->cdb, r->op == BLK_OP_WRITE, r->io.lba, (uint32_t)r->io.count);
		c->dir = r->op == BLK_OP_WRITE ? SCSI_DIR_OUT : SCSI_DIR_IN;
		c->data = r->io.buf;
		c->len = (uint32_t)(r->io.count * ss);
		break;
	case BLK_OP_WRITE_ZEROES:
		/* max_write_zeroes keeps the piece within the buffer. */
		rc = scsi_cdb_rw(&c->cdb, true, r->io.lba, (uint32_t)r->io.count);
		c->dir = SCSI_DIR_OUT;
		c->data = (void *)blk_zeroes;
		c->len = (uint32_t)(r->io.count * ss);
		break;
	case BLK_OP_FLUSH:
		scsi_cdb_sync_cache(&c->cdb);
		c->dir = SCSI_DIR_NONE;
		break;
	case BLK_OP_DISCARD:
		/* One descriptor per UNMAP, at most max_unmap blocks (Block
		 * Limits, SBC-3 §6.6.4): max_discard makes the pieces. */
		scsi_cdb_unmap(&c->cdb, (uint16_t)scsi_unmap_param(io->param, r->io.lba,
								   (uint32_t)r->io.count));
		c->dir = SCSI_DIR_OUT;
		c->data = io->param;
		c->len = SCSI_UNMAP_PARAM_LEN;
		break;
	default:
		rc = -EINVAL;
		break;
	}
	if (rc) {
		sd_finish(p, io, rc);
		return;
	}
	c->target = d->target;
	c->lun = d->lun;
	c->complete = sd_io_done;
	c->arg = io;
	scsi_start(d->host, c, d->bd.name);
}

/* ---- blkdev ops ------------------------------------------------------------- */

/* blkdev submit: never sleeps (a command or a place in the pool's queue),
 * callable with interrupts disabled and from done callbacks. */
static void sd_submit(struct blkdev *bd, struct blk_req *r)
{
	struct scsi_disk *d = bd->priv;
	struct sd_pool *p = d->host->pool;
	int rc = 0;

	if (d->gone)
		rc = -ENODEV;
	else if (r->op == BLK_OP_FLUSH && (bd->flags & BLKDEV_F_RO))
		rc = 1;         /* nothing written, nothing cached */
	else if (r->op == BLK_OP_DISCARD && !d->unmap)
		rc = -EOPNOTSUPP;
	else if (r->op != BLK_OP_READ && r->op != BLK_OP_FLUSH && (bd->flags & BLKDEV_F_RO))
		rc = -EROFS;
	if (rc) {
		blkdev_complete(r, rc > 0 ? 0 : rc);
		return;
	}
	unsigned long flags = irq_save();
	r->drv_priv = d;
	d->inflight++;
	/* Behind the ones already waiting: first come, first served. */
	int i = p->acct.wait_head ? -ENOSPC : scsi_pool_get(&p->acct);
	if (i < 0)
		scsi_pool_wait_add(&p->acct, r);
	else
		sd_start(p, (unsigned)i, r);
	irq_restore(flags);
}

const struct blkdev_ops scsi_disk_ops = {
	.submit = sd_submit,
};

void sd_set_limits(struct scsi_disk *d)
{
	uint32_t ss = d->bd.sector_size;
	d->bd.max_write_zeroes = MAX(1u, MIN(BLK_ZEROES_BYTES / ss, d->bd.max_sectors));
	d->bd.max_discard = d->unmap ? d->max_unmap : 0;
}

int scsi_disk_addr(struct blkdev *bd, struct scsi_host **h, uint16_t *target,
		   uint32_t *lun)
{
	if (!bd || bd->driver != scsi_disk_driver)
		return -ENODEV;
	struct scsi_disk *d = bd->priv;
	if (h)
		*h = d->host;
	if (target)
		*target = d->target;
	if (lun)
		*lun = d->lun;
	return 0;
}

const char *scsi_disk_id(struct blkdev *bd)
{
	return bd && bd->driver == scsi_disk_driver ? ((struct scsi_disk *)bd->priv)->id : "";
}

bool scsi_disk_gone(struct blkdev *bd)
{
	return bd && bd->driver == scsi_disk_driver && ((struct scsi_disk *)bd->priv)->gone;
}
