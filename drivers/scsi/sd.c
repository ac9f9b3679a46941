// SPDX-License-Identifier: MIT
/* SCSI disks as block devices: the retry policy every command goes through
 * (scsi_exec) and the blkdev ops (READ/WRITE 10 or 16, SYNCHRONIZE CACHE,
 * UNMAP). SBC-3 for the commands, SPC-4 §4.5 for what sense data means. */
#include <drivers/scsi_host.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
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

int scsi_exec(struct scsi_host *h, struct scsi_cmd *c, const char *who)
{
	static uint64_t ready_ns = UINT64_MAX;
	if (ready_ns == UINT64_MAX)
		ready_ns = (uint64_t)cmdline_get_range("scsi.ready_ms", 0, 3600000, 10000) *
			   NSEC_PER_MSEC;
	uint64_t deadline = time_ns() + ready_ns;
	unsigned retries = 0;
	const char *op = op_name(c->cdb.b[0]);

	for (;;) {
		c->done = false;
		c->host_err = 0;
		c->status = 0;
		c->sense_len = 0;
		c->resid = 0;
		int qrc = h->ops->queue(h, c);
		if (qrc)
			c->host_err = qrc;
		else
			h->ops->wait(h, c);
		if (c->host_err == -EAGAIN) {
			/* A bus reset or a busy transport: the command did
			 * not run; try again, a bounded number of times. */
			if (++retries > SD_RETRIES) {
				pr_err("%s: %s: transport kept refusing it\n", who, op);
				return -EIO;
			}
			thread_sleep_ns(SD_WAIT_STEP_NS);
			continue;
		}
		if (c->host_err)
			return c->host_err;

		struct scsi_sense s;
		scsi_sense_parse(c->sense, c->sense_len, &s);
		int err;
		enum scsi_action act = scsi_classify(c->status, c->sense_len ? &s : NULL, &err);
		switch (act) {
		case SCSI_DONE:
			return 0;
		case SCSI_RETRY:
			if (++retries > SD_RETRIES) {
				pr_err("%s: %s: still %s (asc 0x%02x ascq 0x%02x) after %u tries\n",
				       who, op, scsi_key_name(s.key), s.asc, s.ascq, retries);
				return -EIO;
			}
			/* The UNIT ATTENTION after a reset (29h/xx) is
			 * expected: absorbed quietly. */
			if (s.key == SCSI_KEY_UNIT_ATTENTION && s.asc == 0x29)
				pr_debug("%s: %s: reset reported, retrying\n", who, op);
			else
				pr_info("%s: %s: %s (asc 0x%02x ascq 0x%02x), retrying\n", who,
					op, scsi_key_name(s.key), s.asc, s.ascq);
			continue;
		case SCSI_RETRY_LATER:
			if (time_ns() >= deadline) {
				pr_err("%s: %s: not ready after %llu ms (status 0x%02x, %s asc 0x%02x ascq 0x%02x)\n",
				       who, op, (unsigned long long)(ready_ns / NSEC_PER_MSEC),
				       c->status, scsi_key_name(s.key), s.asc, s.ascq);
				return -EIO;
			}
			thread_sleep_ns(SD_WAIT_STEP_NS);
			continue;
		case SCSI_FAIL:
		default:
			if (c->status == SCSI_S_CHECK_CONDITION && s.valid)
				pr_err("%s: %s failed: %s (key 0x%x asc 0x%02x ascq 0x%02x): %d\n",
				       who, op, scsi_key_name(s.key), s.key, s.asc, s.ascq, err);
			else
				pr_err("%s: %s failed: status 0x%02x%s: %d\n", who, op, c->status,
				       c->status == SCSI_S_CHECK_CONDITION ? " without sense" : "",
				       err);
			return err;
		}
	}
}

/* ---- blkdev ops ------------------------------------------------------------- */

static struct scsi_disk *to_sd(struct blkdev *bd)
{
	return bd->priv;
}

/* One command for the disk d, counted in flight so hot-unplug waits for it. */
static int sd_cmd(struct scsi_disk *d, struct scsi_cmd *c)
{
	if (d->gone)
		return -ENODEV;
	c->target = d->target;
	c->lun = d->lun;
	d->inflight++;
	int rc = scsi_exec(d->host, c, d->bd.name);
	d->inflight--;
	if (!rc && c->resid) {
		/* SBC-3: a GOOD READ or WRITE moved every block asked for. */
		pr_err("%s: %s: %u of %u bytes not transferred\n", d->bd.name,
		       op_name(c->cdb.b[0]), c->resid, c->len);
		rc = -EIO;
	}
	return rc;
}

static int sd_rw(struct blkdev *bd, bool write, uint64_t lba, uint32_t count, void *buf)
{
	struct scsi_disk *d = to_sd(bd);
	struct scsi_cmd c = { 0 };
	if (scsi_cdb_rw(&c.cdb, write, lba, count))
		return -EINVAL;
	c.dir = write ? SCSI_DIR_OUT : SCSI_DIR_IN;
	c.data = buf;
	c.len = count * bd->sector_size;
	return sd_cmd(d, &c);
}

static int sd_read(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	return sd_rw(bd, false, lba, count, buf);
}

static int sd_write(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf)
{
	if (bd->flags & BLKDEV_F_RO)
		return -EROFS;
	return sd_rw(bd, true, lba, count, (void *)buf);
}

static int sd_flush(struct blkdev *bd)
{
	struct scsi_disk *d = to_sd(bd);
	if (bd->flags & BLKDEV_F_RO)
		return 0;       /* nothing written, nothing cached */
	struct scsi_cmd c = { 0 };
	scsi_cdb_sync_cache(&c.cdb);
	int rc = sd_cmd(d, &c);
	/* SBC-3 makes SYNCHRONIZE CACHE optional for a device without a
	 * volatile cache, whose writes are durable on completion. */
	return rc == -EINVAL ? 0 : rc;
}

/* UNMAP one descriptor at a time, each at most max_unmap blocks (Block
 * Limits, SBC-3 §6.6.4). */
static int sd_discard(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	struct scsi_disk *d = to_sd(bd);
	if (bd->flags & BLKDEV_F_RO)
		return -EROFS;
	if (!d->unmap)
		return -EOPNOTSUPP;
	uint8_t param[SCSI_UNMAP_PARAM_LEN];
	while (count) {
		uint32_t n = (uint32_t)MIN(count, (uint64_t)d->max_unmap);
		struct scsi_cmd c = { 0 };
		scsi_cdb_unmap(&c.cdb, (uint16_t)scsi_unmap_param(param, lba, n));
		c.dir = SCSI_DIR_OUT;
		c.data = param;
		c.len = SCSI_UNMAP_PARAM_LEN;
		int rc = sd_cmd(d, &c);
		if (rc)
			return rc;
		lba += n;
		count -= n;
	}
	return 0;
}

static int sd_write_zeroes(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	if (bd->flags & BLKDEV_F_RO)
		return -EROFS;
	uint32_t per = bd->max_sectors ? MIN(bd->max_sectors, 64u) : 64u;
	void *zero = calloc(per, bd->sector_size);
	if (!zero)
		return -ENOMEM;
	int rc = 0;
	while (count && !rc) {
		uint32_t n = (uint32_t)MIN(count, (uint64_t)per);
		rc = sd_rw(bd, true, lba, n, zero);
		lba += n;
		count -= n;
	}
	free(zero);
	return rc;
}

const struct blkdev_ops scsi_disk_ops = {
	.read = sd_read,
	.write = sd_write,
	.flush = sd_flush,
	.discard = sd_discard,
	.write_zeroes = sd_write_zeroes,
};

int scsi_disk_addr(struct blkdev *bd, struct scsi_host **h, uint16_t *target,
		   uint32_t *lun)
{
	if (!bd || bd->driver != scsi_disk_driver)
		return -ENODEV;
	struct scsi_disk *d = to_sd(bd);
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
	return bd && bd->driver == scsi_disk_driver ? to_sd(bd)->id : "";
}

bool scsi_disk_gone(struct blkdev *bd)
{
	return bd && bd->driver == scsi_disk_driver && to_sd(bd)->gone;
}
