// SPDX-License-Identifier: MIT
/* Finding logical units and making them disks: REPORT LUNS per target
 * (SPC-4 §6.33), then per LUN INQUIRY (§6.6), TEST UNIT READY, the VPD
 * pages (Supported, Device Identification, Block Limits, Logical Block
 * Provisioning), READ CAPACITY (SBC-3 §5.15-16) and MODE SENSE for the WP
 * bit (SBC-3 §6.5.1), and registration with the block layer as sdX. Hot-plug
 * and hot-unplug come through here too (scsi_host_lun_added/_removed). */
#include <drivers/scsi_host.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sd_priv.h"

#define SD_BUF          4096        /* INQUIRY, VPD, MODE SENSE answers */
#define SD_MAX_BYTES    (1u << 20)  /* our own cap on one transfer */
#define REPORT_LUNS_MAX 16384       /* entries: every flat-space LUN */

static struct scsi_host *hosts;

/* One command whose data comes back into buf; @return as scsi_exec, with
 * *got the bytes the device delivered. */
static int sd_in(struct scsi_host *h, uint16_t t, uint32_t l, const struct scsi_cdb *cdb,
		 void *buf, uint32_t len, uint32_t *got, const char *who)
{
	struct scsi_cmd c = { 0 };
	c.cdb = *cdb;
	c.target = t;
	c.lun = l;
	c.dir = SCSI_DIR_IN;
	c.data = buf;
	c.len = len;
	memset(buf, 0, len);
	int rc = scsi_exec(h, &c, who);
	*got = rc ? 0 : len - c.resid;
	return rc;
}

static struct scsi_disk *find_disk(struct scsi_host *h, uint16_t t, uint32_t l)
{
	for (struct scsi_disk *d = h->disks; d; d = d->next)
		if (d->target == t && d->lun == l && !d->gone)
			return d;
	return NULL;
}

int sd_read_capacity(struct scsi_disk *d, uint8_t version)
{
	struct scsi_cdb cdb;
	struct scsi_capacity cap;
	uint8_t *buf = malloc(32);
	uint32_t got;
	int rc;

	if (!buf)
		return -ENOMEM;
	scsi_cdb_read_capacity10(&cdb);
	rc = sd_in(d->host, d->target, d->lun, &cdb, buf, 8, &got, d->bd.name);
	if (!rc)
		rc = scsi_read_capacity10_parse(buf, got, &cap);
	/* SBC-3 §5.15: 0xFFFFFFFF says "ask READ CAPACITY(16)"; SPC-3 and
	 * later devices answer it anyway, with the thin-provisioning bit. */
	if (!rc && (cap.last_lba == 0xffffffffu || version >= 5)) {
		struct scsi_capacity c16;
		scsi_cdb_read_capacity16(&cdb, 32);
		int rc16 = sd_in(d->host, d->target, d->lun, &cdb, buf, 32, &got, d->bd.name);
		if (!rc16)
			rc16 = scsi_read_capacity16_parse(buf, got, &c16);
		if (!rc16)
			cap = c16;
		else if (cap.last_lba == 0xffffffffu)
			rc = rc16;
	}
	free(buf);
	if (rc)
		return rc;
	if (!IS_POW2(cap.block_len) || cap.block_len < 512 || cap.block_len > 65536 ||
	    cap.last_lba == UINT64_MAX) {
		pr_err("%s: unusable capacity: last LBA %llu, block %u bytes\n", d->bd.name,
		       (unsigned long long)cap.last_lba, cap.block_len);
		return -EINVAL;
	}
	if (d->bd.sector_size && d->bd.sector_size != cap.block_len) {
		pr_err("%s: block size changed %u -> %u: not followed\n", d->bd.name,
		       d->bd.sector_size, cap.block_len);
		return -EINVAL;
	}
	d->bd.sector_size = cap.block_len;
	d->bd.capacity = cap.last_lba + 1;
	if (cap.lbpme)
		d->unmap = true;    /* confirmed below against the VPD pages */
	return 0;
}

/* VPD pages: identification, transfer and UNMAP limits. Missing pages
 * are not errors; an UNMAP needs both a provisioning bit and limits. */
static void sd_read_vpd(struct scsi_disk *d, uint8_t *buf)
{
	struct scsi_cdb cdb;
	uint32_t got;
	bool lbpu = d->unmap;   /* LBPME from READ CAPACITY(16) */
	struct scsi_block_limits bl = { 0 };
	uint8_t pages[256];
	uint32_t npages;

	d->unmap = false;
	scsi_cdb_inquiry(&cdb, true, SCSI_VPD_SUPPORTED, 255);
	if (sd_in(d->host, d->target, d->lun, &cdb, buf, 255, &got, d->bd.name))
		return;
	memcpy(pages, buf, got);
	npages = got;
	if (scsi_vpd_has_page(pages, npages, SCSI_VPD_DEVID)) {
		scsi_cdb_inquiry(&cdb, true, SCSI_VPD_DEVID, 512);
		if (!sd_in(d->host, d->target, d->lun, &cdb, buf, 512, &got, d->bd.name))
			scsi_vpd_devid(buf, got, d->id, sizeof(d->id));
	}
	if (scsi_vpd_has_page(pages, npages, SCSI_VPD_BLOCK_LIMITS)) {
		scsi_cdb_inquiry(&cdb, true, SCSI_VPD_BLOCK_LIMITS, 64);
		if (!sd_in(d->host, d->target, d->lun, &cdb, buf, 64, &got, d->bd.name))
			scsi_vpd_block_limits(buf, got, &bl);
	}
	if (scsi_vpd_has_page(pages, npages, SCSI_VPD_LBP)) {
		scsi_cdb_inquiry(&cdb, true, SCSI_VPD_LBP, 64);
		if (!sd_in(d->host, d->target, d->lun, &cdb, buf, 64, &got, d->bd.name) &&
		    scsi_vpd_lbp_unmap(buf, got) == 1)
			lbpu = true;
	}
	if (bl.max_xfer) {
		uint64_t bytes = (uint64_t)bl.max_xfer * d->bd.sector_size;
		if (bytes < (uint64_t)d->bd.max_sectors * d->bd.sector_size)
			d->bd.max_sectors = (uint32_t)MAX(1u, bl.max_xfer);
	}
	if (lbpu && bl.max_unmap_lba && bl.max_unmap_desc) {
		d->unmap = true;
		d->max_unmap = bl.max_unmap_lba == 0xffffffffu ? (1u << 22) : bl.max_unmap_lba;
	}
}

/* SBC-3 §6.5.1: WP in the mode parameter header. A device that knows
 * neither MODE SENSE is taken as writable; its writes will say. */
static bool sd_write_protected(struct scsi_disk *d, uint8_t *buf)
{
	struct scsi_cdb cdb;
	uint32_t got;
	scsi_cdb_mode_sense6(&cdb, 192);
	if (!sd_in(d->host, d->target, d->lun, &cdb, buf, 192, &got, d->bd.name))
		return scsi_mode_sense_wp(buf, got, false) == 1;
	scsi_cdb_mode_sense10(&cdb, 512);
	if (!sd_in(d->host, d->target, d->lun, &cdb, buf, 512, &got, d->bd.name))
		return scsi_mode_sense_wp(buf, got, true) == 1;
	return false;
}

static bool usable_type(uint8_t type)
{
	return type == SCSI_TYPE_DISK || type == SCSI_TYPE_CDROM ||
	       type == SCSI_TYPE_OPTICAL || type == SCSI_TYPE_RBC;
}

/* Probe one LUN and register it. Called with h->lock held. */
static int probe_lun(struct scsi_host *h, uint16_t t, uint32_t l)
{
	char who[40];
	struct scsi_cdb cdb;
	struct scsi_inquiry q;
	uint32_t got;
	int rc;

	if (find_disk(h, t, l))
		return 0;
	snprintf(who, sizeof(who), "%s:%u:%u", h->name, t, l);
	uint8_t *buf = malloc(SD_BUF);
	struct scsi_disk *d = calloc(1, sizeof(*d));
	if (!buf || !d) {
		rc = -ENOMEM;
		goto out;
	}
	scsi_cdb_inquiry(&cdb, false, 0, 96);
	rc = sd_in(h, t, l, &cdb, buf, 96, &got, who);
	if (!rc)
		rc = scsi_inquiry_parse(buf, got, &q);
	if (rc)
		goto out;
	/* SPC-4 §6.6.2: qualifier 3 means no logical unit here (QEMU lists
	 * LUN 0 of a target that has only other LUNs). */
	if (q.qualifier != 0 || !usable_type(q.type)) {
		pr_debug("%s: qualifier %u type 0x%02x: not a disk\n", who, q.qualifier, q.type);
		rc = -ENODEV;
		goto out;
	}
	d->host = h;
	d->target = t;
	d->lun = l;
	d->type = q.type;
	memcpy(d->vendor, q.vendor, sizeof(d->vendor));
	memcpy(d->product, q.product, sizeof(d->product));
	rc = blkdev_name_alloc("sd", d->bd.name);
	if (rc)
		goto out;
	/* TEST UNIT READY takes the UNIT ATTENTION a reset left, and waits
	 * out a unit that is becoming ready. */
	struct scsi_cmd c = { 0 };
	scsi_cdb_test_unit_ready(&c.cdb);
	c.target = t;
	c.lun = l;
	rc = scsi_exec(h, &c, d->bd.name);
	if (rc) {
		pr_warn("%s: %s not ready (%d): not registered\n", who, d->bd.name, rc);
		goto out;
	}
	d->bd.max_sectors = h->max_bytes ? h->max_bytes : SD_MAX_BYTES;
	rc = sd_read_capacity(d, q.version);
	if (rc)
		goto out;
	d->bd.max_sectors = MAX(1u, MIN(h->max_bytes ? h->max_bytes : SD_MAX_BYTES,
					SD_MAX_BYTES) / d->bd.sector_size);
	sd_read_vpd(d, buf);
	bool ro = q.type != SCSI_TYPE_DISK && q.type != SCSI_TYPE_RBC;  /* CD/optical */
	if (!ro)
		ro = sd_write_protected(d, buf);
	d->bd.driver = scsi_disk_driver;
	d->bd.flags = (ro ? BLKDEV_F_RO : 0) | (h->polled ? BLKDEV_F_POLL : 0);
	sd_set_limits(d);
	d->bd.align = 0;
	d->bd.ops = &scsi_disk_ops;
	d->bd.priv = d;
	/* Another host's thread may have taken the name meanwhile. */
	while ((rc = blkdev_register(&d->bd)) == -EEXIST &&
	       blkdev_name_alloc("sd", d->bd.name) == 0)
		;
	if (rc)
		goto out;
	d->registered = true;
	d->next = h->disks;
	h->disks = d;
	pr_info("%s: %s %s %s at %s: %llu sectors of %u bytes (%llu MiB)%s%s%s%s\n",
		d->bd.name, q.type == SCSI_TYPE_CDROM ? "cd-rom" : "disk", q.vendor, q.product,
		who, (unsigned long long)d->bd.capacity, d->bd.sector_size,
		(unsigned long long)(d->bd.capacity * d->bd.sector_size >> 20),
		ro ? ", read-only" : "", d->unmap ? ", unmap" : "",
		d->id[0] ? ", id " : "", d->id);
	free(buf);
	return 0;
out:
	free(buf);
	free(d);
	return rc;
}

/* Called with h->lock held. */
static void remove_disk(struct scsi_host *h, struct scsi_disk *d)
{
	d->gone = true;
	/* Requests end within the transport's bound (timeout, abort, reset,
	 * failing the device), so this wait ends too. */
	uint64_t start = time_ns();
	bool said = false;
	while (d->inflight) {
		if (!said && time_ns() - start > 1000 * NSEC_PER_MSEC) {
			pr_info("%s: waiting for %u request(s) before removal\n", d->bd.name,
				d->inflight);
			said = true;
		}
		thread_sleep_ns(5 * NSEC_PER_MSEC);
	}
	for (struct scsi_disk **pp = &h->disks; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	if (d->registered)
		blkdev_unregister(&d->bd);
	d->registered = false;
	pr_info("%s: removed (%s:%u:%u)\n", d->bd.name, h->name, d->target, d->lun);
	/* d is not freed: a user may still hold the blkdev, whose ops now
	 * answer -ENODEV. */
}

struct lun_list {
	uint32_t *luns;
	unsigned n, cap;
	uint32_t max_lun;
};

static int collect_lun(void *arg, uint32_t lun)
{
	struct lun_list *ll = arg;
	if (lun > ll->max_lun || ll->n == ll->cap)
		return 0;
	for (unsigned i = 0; i < ll->n; i++)
		if (ll->luns[i] == lun)
			return 0;   /* listed twice */
	ll->luns[ll->n++] = lun;
	return 0;
}

/* Scan target t: @return -ENODEV when there is no such target. Called
 * with h->lock held. */
static int scan_target(struct scsi_host *h, uint16_t t)
{
	char who[32];
	struct scsi_cdb cdb;
	uint32_t alloc = 8 + 8 * 64, got = 0;
	unsigned bad = 0;
	uint8_t *buf = NULL;
	int rc, total = 0;
	struct lun_list ll = { .max_lun = h->max_lun };

	snprintf(who, sizeof(who), "%s:%u", h->name, t);
	for (int pass = 0; pass < 2; pass++) {
		free(buf);
		buf = malloc(alloc);
		if (!buf)
			return -ENOMEM;
		scsi_cdb_report_luns(&cdb, alloc);
		rc = sd_in(h, t, 0, &cdb, buf, alloc, &got, who);
		if (rc)
			break;
		total = scsi_report_luns_parse(buf, got, NULL, NULL, NULL);
		if (total < 0 || 8 + 8 * (uint32_t)total <= alloc)
			break;
		/* The list did not fit: ask once more with room for it. */
		alloc = 8 + 8 * (uint32_t)MIN(total, REPORT_LUNS_MAX);
	}
	if (rc == -ENODEV) {
		free(buf);
		return rc;
	}
	ll.cap = rc || total <= 0 ? 1 : (unsigned)MIN(total, REPORT_LUNS_MAX);
	ll.luns = calloc(ll.cap, sizeof(uint32_t));
	if (!ll.luns) {
		free(buf);
		return -ENOMEM;
	}
	if (rc || total <= 0) {
		/* No usable REPORT LUNS: LUN 0 is the one every target has. */
		ll.luns[ll.n++] = 0;
	} else {
		scsi_report_luns_parse(buf, got, collect_lun, &ll, &bad);
		if (bad)
			pr_warn("%s: %u LUN entries in a format not decoded\n", who, bad);
	}
	free(buf);
	/* Disks of this target that the list no longer names are gone; a
	 * REPORT LUNS that failed says nothing about them. */
	for (struct scsi_disk *d = h->disks, *nx; d && !rc && total > 0; d = nx) {
		nx = d->next;
		if (d->target != t || d->gone)
			continue;
		bool listed = false;
		for (unsigned i = 0; i < ll.n; i++)
			listed |= ll.luns[i] == d->lun;
		if (!listed)
			remove_disk(h, d);
	}
	for (unsigned i = 0; i < ll.n; i++)
		probe_lun(h, t, ll.luns[i]);
	free(ll.luns);
	return 0;
}

static void scan(struct scsi_host *h, int target)
{
	if (target >= 0) {
		if (scan_target(h, (uint16_t)target) == -ENODEV) {
			for (struct scsi_disk *d = h->disks, *nx; d; d = nx) {
				nx = d->next;
				if (d->target == target && !d->gone)
					remove_disk(h, d);
			}
		}
		return;
	}
	for (uint32_t t = 0; t <= h->max_target; t++)
		scan(h, (int)t);
}

int scsi_host_add(struct scsi_host *h)
{
	sd_policy_init();
	mutex_init(&h->lock);
	h->disks = NULL;
	int rc = sd_pool_create(h);
	if (rc) {
		pr_err("%s: no memory for its commands: no disks\n", h->name);
		return rc;
	}
	h->next = hosts;
	hosts = h;
	uint64_t t0 = time_ns();
	mutex_lock(&h->lock);
	scan(h, -1);
	mutex_unlock(&h->lock);
	unsigned n = 0;
	for (struct scsi_disk *d = h->disks; d; d = d->next)
		n++;
	struct scsi_pool_stats ps;
	sd_pool_stats(h, &ps);
	pr_info("%s: %u disk(s) on targets 0..%u, scanned in %llu ms, %u commands at once\n",
		h->name, n, h->max_target,
		(unsigned long long)((time_ns() - t0) / NSEC_PER_MSEC), ps.cmds);
	return 0;
}

void scsi_host_rescan(struct scsi_host *h, int target)
{
	mutex_lock(&h->lock);
	scan(h, target);
	mutex_unlock(&h->lock);
}

void scsi_host_lun_added(struct scsi_host *h, uint16_t target, uint32_t lun)
{
	mutex_lock(&h->lock);
	if (lun <= h->max_lun && target <= h->max_target)
		probe_lun(h, target, lun);
	mutex_unlock(&h->lock);
}

void scsi_host_lun_removed(struct scsi_host *h, uint16_t target, uint32_t lun)
{
	mutex_lock(&h->lock);
	struct scsi_disk *d = find_disk(h, target, lun);
	if (d)
		remove_disk(h, d);
	mutex_unlock(&h->lock);
}

void scsi_host_lun_changed(struct scsi_host *h, uint16_t target, uint32_t lun)
{
	mutex_lock(&h->lock);
	struct scsi_disk *d = find_disk(h, target, lun);
	if (d) {
		uint64_t old = d->bd.capacity;
		bool unmap = d->unmap;
		if (!sd_read_capacity(d, 5) && d->bd.capacity != old)
			pr_info("%s: capacity now %llu sectors\n", d->bd.name,
				(unsigned long long)d->bd.capacity);
		d->unmap = unmap;
	}
	mutex_unlock(&h->lock);
}

/* lsscsi: every SCSI disk by host, target and LUN. */
static int cmd_lsscsi(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	kprintf("%-8s %-9s %-6s %-5s %-8s %-16s %s\n", "HOST", "T:L", "TYPE", "DEV", "VENDOR",
		"PRODUCT", "ID");
	for (struct scsi_host *h = hosts; h; h = h->next) {
		mutex_lock(&h->lock);
		for (struct scsi_disk *d = h->disks; d; d = d->next) {
			char tl[16];
			snprintf(tl, sizeof(tl), "%u:%u", d->target, d->lun);
			kprintf("%-8s %-9s %-6s %-5s %-8s %-16s %s\n", h->name, tl,
				d->type == SCSI_TYPE_CDROM ? "cd/dvd" : "disk", d->bd.name,
				d->vendor, d->product, d->id);
		}
		struct scsi_pool_stats ps;
		struct scsi_host_stats hs;
		sd_pool_stats(h, &ps);
		h->ops->stats(h, &hs);
		kprintf("%-8s commands %u, out %u (most %u), requests waiting %u (ever %llu); "
			"on the ring %u (most %u), waiting for room %u (ever %llu); "
			"aborts %u, LUN resets %u, bad answers %u\n",
			h->name, ps.cmds, ps.used, ps.max_used, ps.waiting,
			(unsigned long long)ps.waits, hs.on_ring, hs.max_on_ring, hs.waiting,
			(unsigned long long)hs.waited, hs.aborts, hs.resets, hs.bad);
		mutex_unlock(&h->lock);
	}
	return 0;
}
SHELL_CMD("lsscsi", "lsscsi - list SCSI disks by adapter, target and LUN", cmd_lsscsi);
