// SPDX-License-Identifier: MIT
/* In-guest tests of virtio-scsi and the SCSI disk layer against QEMU's
 * virtio-scsi adapter with scsi-hd and scsi-cd logical units.
 *
 * Layout the cases and tests/hooks/vscsi_*.sh agree on: the LU at target
 * T, LUN L is backed by $T/tTlL.img (8 MiB) whose bytes [0, 128 KiB) hold
 * the block layer's pattern with seed 0x1000 + 256 T + L (vscsi.map=1 says
 * every disk is made that way); virtio_scsi_write writes [128 KiB, 256
 * KiB) of every writable disk with seed 0x2000 + 256 T + L, which the post
 * hook checks; [2 MiB, 8 MiB) is scratch. */
#include <kern/test.h>
#include <kern/cmdline.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <kern/time.h>
#include <drivers/blkdev.h>
#include <drivers/scsi_host.h>
#include <stdlib.h>
#include <string.h>

CMDLINE_OPT(vscsi_ndisks, "vscsi.ndisks", "tests: how many SCSI disks to expect");
CMDLINE_OPT(vscsi_map, "vscsi.map", "tests: 1 if every SCSI disk carries its address's pattern");
CMDLINE_OPT(vscsi_ncd, "vscsi.ncd", "tests: how many of them are CD-ROMs (2048-byte sectors)");
CMDLINE_OPT(vscsi_nro, "vscsi.nro", "tests: how many are read-only");
CMDLINE_OPT(vscsi_lun, "vscsi.lun", "tests: T:L of a LUN that must be present");
CMDLINE_OPT(vscsi_discard, "vscsi.discard", "tests: 1 if sda must take UNMAP and read zeros after");
CMDLINE_OPT(vscsi_bad, "vscsi.bad", "tests: byte offset of sda that reads as a MEDIUM ERROR");
CMDLINE_OPT(vscsi_resize, "vscsi.resize", "tests: 1 if the during hook grows sda to 16 MiB");
CMDLINE_OPT(vscsi_huge, "vscsi.huge", "tests: 1 if a 3 TiB LU is attached");
CMDLINE_OPT(vscsi_slow, "vscsi.slow", "tests: T:L of a LUN whose reads outlast scsi.timeout_ms");
CMDLINE_OPT(vscsi_hotplug, "vscsi.hotplug", "tests: T:L of the LUN the during hook plugs in and out");

#define KIB             1024u
#define HOST_AREA       (128u * KIB)
#define SCRATCH         (2u << 20)

static struct blkdev *sdisk(int n)
{
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd))
		if (scsi_disk_addr(bd, NULL, NULL, NULL) == 0 && n-- == 0)
			return bd;
	return NULL;
}

static struct blkdev *sdisk_at(uint16_t t, uint32_t l)
{
	uint16_t dt;
	uint32_t dl;
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd))
		if (scsi_disk_addr(bd, NULL, &dt, &dl) == 0 && dt == t && dl == l)
			return bd;
	return NULL;
}

static uint64_t seed_of(struct blkdev *bd, uint64_t base)
{
	uint16_t t = 0;
	uint32_t l = 0;
	scsi_disk_addr(bd, NULL, &t, &l);
	return base + 256u * t + l;
}

static bool parse_tl(const char *key, uint16_t *t, uint32_t *l)
{
	const char *s = cmdline_get(key);
	char *end;
	if (!s)
		return false;
	unsigned long a = strtoul(s, &end, 0);
	if (*end != ':')
		return false;
	unsigned long b = strtoul(end + 1, &end, 0);
	if (*end || a > 255 || b > 16383)
		return false;
	*t = (uint16_t)a;
	*l = (uint32_t)b;
	return true;
}

#define NEED_DISK(bd)                                                        \
	do {                                                                 \
		if (!(bd)) {                                                 \
			test_skip("no SCSI disk");                           \
			return;                                              \
		}                                                            \
	} while (0)

/* Read [off, off + len) of bd and check it against the pattern. */
static int check_pattern(struct blkdev *bd, uint64_t off, uint32_t len, uint64_t seed)
{
	uint8_t *buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	uint32_t ss = bd->sector_size;
	int rc = blkdev_read(bd, off / ss, len / ss, buf);
	if (!rc && blk_pattern_check(buf, off / ss, len / ss, ss, seed) >= 0)
		rc = -EBADMSG;
	free(buf);
	return rc;
}

TEST(virtio_scsi_present)
{
	struct blkdev *bd = sdisk(0);
	NEED_DISK(bd);
	int n = 0, ncd = 0, nro = 0;
	for (; (bd = sdisk(n)); n++) {
		uint16_t t;
		uint32_t l;
		scsi_disk_addr(bd, NULL, &t, &l);
		test_diag("%s: %u:%u, %llu sectors of %u, max %u per command%s, id '%s'", bd->name,
			  t, l, (unsigned long long)bd->capacity, bd->sector_size, bd->max_sectors,
			  (bd->flags & BLKDEV_F_RO) ? ", read-only" : "", scsi_disk_id(bd));
		T_CHECK(!strcmp(bd->driver, "scsi"));
		T_CHECK(!strncmp(bd->name, "sd", 2));
		T_CHECK(bd->capacity * bd->sector_size >= (4u << 20));
		T_CHECK(bd->max_sectors >= 1);
		ncd += bd->sector_size == 2048;
		nro += (bd->flags & BLKDEV_F_RO) != 0;
		if (cmdline_get_bool("vscsi.map", false))
			T_EQ(check_pattern(bd, 0, HOST_AREA, seed_of(bd, 0x1000)), 0);
	}
	long long want = cmdline_get_int("vscsi.ndisks", -1);
	if (want >= 0)
		T_EQ(n, want);
	T_EQ(ncd, cmdline_get_int("vscsi.ncd", 0));
	T_EQ(nro, cmdline_get_int("vscsi.nro", 0));
	uint16_t t;
	uint32_t l;
	if (parse_tl("vscsi.lun", &t, &l))
		T_CHECK(sdisk_at(t, l) != NULL);
}

/* Every writable disk: the post hook's area, then a transfer bigger than
 * one command (the block layer splits it at max_sectors), read back. */
TEST(virtio_scsi_write)
{
	NEED_DISK(sdisk(0));
	int nw = 0;
	for (int i = 0; sdisk(i); i++) {
		struct blkdev *bd = sdisk(i);
		if (bd->flags & BLKDEV_F_RO)
			continue;
		nw++;
		uint32_t ss = bd->sector_size;
		uint64_t seed = seed_of(bd, 0x2000);
		uint8_t *buf = malloc(HOST_AREA);
		blk_pattern_fill(buf, HOST_AREA / ss, HOST_AREA / ss, ss, seed);
		T_EQ(blkdev_write(bd, HOST_AREA / ss, HOST_AREA / ss, buf), 0);
		T_EQ(blkdev_flush(bd), 0);
		T_EQ(check_pattern(bd, HOST_AREA, HOST_AREA, seed), 0);
		free(buf);

		uint32_t big = MIN((uint64_t)(3u << 19), (uint64_t)bd->max_sectors * ss * 2);
		big = ALIGN_DOWN(big, ss);
		buf = malloc(big);
		blk_pattern_fill(buf, SCRATCH / ss, big / ss, ss, seed + 7);
		T_EQ(blkdev_write(bd, SCRATCH / ss, big / ss, buf), 0);
		free(buf);
		T_EQ(check_pattern(bd, SCRATCH, big, seed + 7), 0);
	}
	if (!nw)
		test_skip("no writable SCSI disk");
}

static int raw_cmd(struct blkdev *bd, const struct scsi_cdb *cdb, enum scsi_dir dir,
		   void *buf, uint32_t len)
{
	struct scsi_host *h;
	struct scsi_cmd c = { 0 };
	scsi_disk_addr(bd, &h, &c.target, &c.lun);
	c.cdb = *cdb;
	c.dir = dir;
	c.data = buf;
	c.len = len;
	int rc = scsi_exec(h, &c, bd->name);
	return rc ? rc : (int)c.resid;
}

/* READ(16) returns what READ(10) does (the 16-byte CDB is otherwise only
 * built past 2 TiB of 512-byte blocks). */
TEST(virtio_scsi_read16)
{
	struct blkdev *bd = sdisk(0);
	NEED_DISK(bd);
	uint32_t ss = bd->sector_size, n = MAX(8192 / ss, 1u);
	uint8_t *a = malloc(n * ss), *b = malloc(n * ss);
	struct scsi_cdb cdb;
	T_EQ(blkdev_read(bd, 0, n, a), 0);
	memset(&cdb, 0, sizeof(cdb));
	cdb.len = 16;
	cdb.b[0] = SCSI_READ_16;
	cdb.b[13] = (uint8_t)n;
	T_EQ(raw_cmd(bd, &cdb, SCSI_DIR_IN, b, n * ss), 0);
	T_CHECK(memcmp(a, b, n * ss) == 0);
	free(a);
	free(b);
}

/* A 3 TiB LU (null-co): past 2^32 blocks READ CAPACITY(10) says
 * 0xFFFFFFFF and the capacity comes from READ CAPACITY(16); a transfer at
 * the end goes out as READ(16)/WRITE(16) through the block layer. */
TEST(virtio_scsi_huge)
{
	struct blkdev *bd = NULL;
	for (int i = 0; sdisk(i); i++)
		if (sdisk(i)->capacity > (1ull << 32))
			bd = sdisk(i);
	if (!cmdline_get_bool("vscsi.huge", false)) {
		test_skip("no huge LU (vscsi.huge)");
		return;
	}
	T_CHECK(bd != NULL);
	if (!bd)
		return;
	T_EQ(bd->capacity * bd->sector_size, 3ull << 40);
	uint8_t *buf = malloc(8 * bd->sector_size);
	memset(buf, 0xaa, 8 * bd->sector_size);
	T_EQ(blkdev_read(bd, bd->capacity - 8, 8, buf), 0);
	bool zero = true;
	for (uint32_t i = 0; i < 8 * bd->sector_size; i++)
		zero &= buf[i] == 0;
	T_CHECK(zero);
	T_EQ(blkdev_write(bd, bd->capacity - 8, 8, buf), 0);
	T_EQ(blkdev_read(bd, bd->capacity - 1, 2, buf), -ERANGE);
	free(buf);
}

/* The device's refusals become the documented errors, and leave the disk
 * usable: an unknown opcode and a READ past the end are ILLEGAL REQUEST
 * (-EINVAL); a WRITE to a read-only unit is DATA PROTECT (-EROFS). */
TEST(virtio_scsi_errors)
{
	struct blkdev *bd = sdisk(0);
	NEED_DISK(bd);
	uint8_t *buf = malloc(65536);
	struct scsi_cdb cdb;
	memset(&cdb, 0, sizeof(cdb));
	cdb.len = 10;
	cdb.b[0] = 0xc1;    /* vendor specific: QEMU knows none */
	T_EQ(raw_cmd(bd, &cdb, SCSI_DIR_NONE, NULL, 0), -EINVAL);
	T_EQ(scsi_cdb_rw(&cdb, false, bd->capacity, 1), 0);
	T_EQ(raw_cmd(bd, &cdb, SCSI_DIR_IN, buf, bd->sector_size), -EINVAL);
	T_EQ(blkdev_read(bd, 0, 1, buf), 0);
	for (int i = 0; sdisk(i); i++) {
		struct blkdev *ro = sdisk(i);
		if (!(ro->flags & BLKDEV_F_RO))
			continue;
		T_EQ(blkdev_write(ro, 0, 1, buf), -EROFS);
		T_EQ(blkdev_discard(ro, 0, 1), -EROFS);
		T_EQ(blkdev_flush(ro), 0);
		T_EQ(scsi_cdb_rw(&cdb, true, 0, 1), 0);
		T_EQ(raw_cmd(ro, &cdb, SCSI_DIR_OUT, buf, ro->sector_size), -EROFS);
		T_EQ(blkdev_read(ro, 0, 1, buf), 0);
	}
	free(buf);
}

TEST(virtio_scsi_unmap)
{
	struct blkdev *bd = sdisk(0);
	NEED_DISK(bd);
	if (!cmdline_get_bool("vscsi.discard", false)) {
		test_skip("sda's drive does not unmap (vscsi.discard)");
		return;
	}
	uint32_t ss = bd->sector_size, len = 256 * KIB;
	uint64_t lba = (4u << 20) / ss;
	uint8_t *buf = malloc(len);
	blk_pattern_fill(buf, lba, len / ss, ss, 0x77);
	T_EQ(blkdev_write(bd, lba, len / ss, buf), 0);
	T_EQ(blkdev_discard(bd, lba, len / ss), 0);
	memset(buf, 0xaa, len);
	T_EQ(blkdev_read(bd, lba, len / ss, buf), 0);
	bool zero = true;
	for (uint32_t i = 0; i < len; i++)
		zero &= buf[i] == 0;
	T_CHECK(zero);
	free(buf);
}

TEST(virtio_scsi_medium_error)
{
	struct blkdev *bd = sdisk(0);
	NEED_DISK(bd);
	long long bad = cmdline_get_int("vscsi.bad", -1);
	if (bad < 0) {
		test_skip("no bad block on sda (vscsi.bad)");
		return;
	}
	uint8_t *buf = malloc(bd->sector_size);
	T_EQ(blkdev_read(bd, (uint64_t)bad / bd->sector_size, 1, buf), -EIO);
	/* The rest of the disk is fine, before and after the bad block. */
	T_EQ(blkdev_read(bd, 0, 1, buf), 0);
	T_EQ(blkdev_read(bd, bd->capacity - 1, 1, buf), 0);
	free(buf);
}

/* A LUN whose every READ takes QEMU 4 s (null-co latency-ns) against a
 * 1000 ms scsi.timeout_ms: the command is aborted (ABORT TASK on the control
 * queue) and fails with -ETIMEDOUT, not the device: the adapter's other
 * LUN (sda) keeps working, and so does the slow one (its next command is
 * aborted the same way, not refused). vscsi.slow names the slow LUN. */
TEST(virtio_scsi_timeout)
{
	uint16_t t;
	uint32_t l;
	struct blkdev *bd = sdisk(0);
	NEED_DISK(bd);
	if (!parse_tl("vscsi.slow", &t, &l) || !sdisk_at(t, l)) {
		test_skip("no slow LUN (vscsi.slow)");
		return;
	}
	struct blkdev *slow = sdisk_at(t, l);
	uint8_t *buf = malloc(4096);
	uint64_t t0 = time_ns();
	T_EQ(blkdev_read(slow, 0, 1, buf), -ETIMEDOUT);
	test_diag("%s: aborted after %llu ms", slow->name,
		  (unsigned long long)((time_ns() - t0) / NSEC_PER_MSEC));
	T_EQ(check_pattern(bd, 0, HOST_AREA, seed_of(bd, 0x1000)), 0);
	T_EQ(blkdev_read(slow, 1, 1, buf), -ETIMEDOUT);
	T_EQ(check_pattern(bd, 0, HOST_AREA, seed_of(bd, 0x1000)), 0);
	free(buf);
}

/* Four threads with commands in flight on one disk at once, each on its
 * own region with its own seed: the request path is reentrant and every
 * completion reaches its own command. */
struct worker {
	struct blkdev *bd;
	uint64_t lba;
	uint64_t seed;
	int rc;
};

static void worker_fn(void *arg)
{
	struct worker *w = arg;
	uint32_t ss = w->bd->sector_size, n = MAX(16384 / ss, 1u);
	uint8_t *buf = malloc(n * ss);
	w->rc = buf ? 0 : -ENOMEM;
	for (int round = 0; round < 8 && !w->rc; round++) {
		uint64_t lba = w->lba + (uint64_t)round * n;
		blk_pattern_fill(buf, lba, n, ss, w->seed);
		w->rc = blkdev_write(w->bd, lba, n, buf);
		if (!w->rc) {
			memset(buf, 0, n * ss);
			w->rc = blkdev_read(w->bd, lba, n, buf);
		}
		if (!w->rc && blk_pattern_check(buf, lba, n, ss, w->seed) >= 0)
			w->rc = -EBADMSG;
	}
	free(buf);
}

TEST(virtio_scsi_threads)
{
	struct blkdev *bd = sdisk(0);
	NEED_DISK(bd);
	if (bd->flags & BLKDEV_F_RO) {
		test_skip("sda is read-only");
		return;
	}
	struct worker w[4];
	struct thread *t[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .bd = bd, .seed = 0x300 + (uint64_t)i,
					.lba = (SCRATCH + (uint64_t)i * (512u * KIB)) / bd->sector_size };
		t[i] = thread_create("vscsi-worker", worker_fn, &w[i]);
		T_CHECK(t[i] != NULL);
	}
	for (int i = 0; i < 4; i++) {
		if (t[i])
			T_EQ(thread_join(t[i]), 0);
		T_EQ(w[i].rc, 0);
	}
}

/* A drive grown from the host (QMP block_resize, 8 to 16 MiB): QEMU's
 * PARAM_CHANGE event (2A/09, CAPACITY DATA HAS CHANGED) has the driver
 * read the capacity again, and the new end is readable. */
TEST(virtio_scsi_resize)
{
	struct blkdev *bd = sdisk(0);
	NEED_DISK(bd);
	if (!cmdline_get_bool("vscsi.resize", false)) {
		test_skip("no resize hook (vscsi.resize)");
		return;
	}
	uint64_t old = bd->capacity, want = (16u << 20) / bd->sector_size;
	kprintf("vscsi: ready for resize of %s\n", bd->name);
	uint64_t end = time_ns() + 40000 * NSEC_PER_MSEC;
	while (bd->capacity == old && time_ns() < end)
		thread_sleep_ns(20 * NSEC_PER_MSEC);
	T_EQ(bd->capacity, want);
	uint8_t *buf = malloc(bd->sector_size);
	T_EQ(blkdev_read(bd, bd->capacity - 1, 1, buf), 0);
	T_EQ(check_pattern(bd, 0, HOST_AREA, seed_of(bd, 0x1000)), 0);
	free(buf);
}

/* ---- hot-plug ------------------------------------------------------------ */

struct busy {
	struct blkdev *bd;
	volatile bool stop;
	bool until_error;           /* stop at the first error (a LUN going away) */
	unsigned rounds, errors;
	int last;
};

/* Keeps a disk busy with pattern-checked reads: sda while the other LUN
 * comes and goes, and the other LUN itself until it is gone. */
static void busy_fn(void *arg)
{
	struct busy *b = arg;
	while (!b->stop) {
		int rc = check_pattern(b->bd, 0, 64 * KIB, seed_of(b->bd, 0x1000));
		if (rc) {
			b->errors++;
			b->last = rc;
			if (b->until_error)
				break;
		}
		b->rounds++;
	}
}

static struct blkdev *wait_disk(uint16_t t, uint32_t l, bool present, uint64_t ms)
{
	uint64_t end = time_ns() + ms * NSEC_PER_MSEC;
	for (;;) {
		struct blkdev *bd = sdisk_at(t, l);
		if ((bd != NULL) == present || time_ns() > end)
			return bd;
		thread_sleep_ns(20 * NSEC_PER_MSEC);
	}
}

TEST(virtio_scsi_hotplug)
{
	uint16_t t;
	uint32_t l;
	struct blkdev *bd = sdisk(0);
	NEED_DISK(bd);
	if (!parse_tl("vscsi.hotplug", &t, &l)) {
		test_skip("no hot-plug hook (vscsi.hotplug)");
		return;
	}
	struct busy b = { .bd = bd };
	struct thread *th = thread_create("vscsi-busy", busy_fn, &b);
	T_CHECK(th != NULL);
	T_CHECK(sdisk_at(t, l) == NULL);
	kprintf("vscsi: ready for hotplug of %u:%u\n", t, l);
	struct blkdev *hp = wait_disk(t, l, true, 40000);
	T_CHECK(hp != NULL);
	if (hp) {
		char name[BLKDEV_NAME_MAX];
		strcpy(name, hp->name);
		T_EQ(check_pattern(hp, 0, HOST_AREA, seed_of(hp, 0x1000)), 0);
		/* Reads in flight on the LUN as it goes: its removal waits for
		 * them, and they end in an error, never in wrong data. */
		struct busy hb = { .bd = hp, .until_error = true };
		struct thread *hth = thread_create("vscsi-busy-hp", busy_fn, &hb);
		T_CHECK(hth != NULL);
		kprintf("vscsi: hotplugged %s, waiting for its removal\n", name);
		T_CHECK(wait_disk(t, l, false, 40000) == NULL);
		if (hth)
			T_EQ(thread_join(hth), 0);
		test_diag("%s: %u rounds before it went, ended with %d", name, hb.rounds, hb.last);
		T_EQ(hb.errors, 1u);
		T_CHECK(hb.last != -EBADMSG && hb.last < 0);
		T_CHECK(blkdev_find(name) == NULL);
		T_CHECK(scsi_disk_gone(hp));
		uint8_t sec[512];
		T_EQ(blkdev_read(hp, 0, 1, sec), -ENODEV);
		kprintf("vscsi: %s removed\n", name);
	}
	b.stop = true;
	if (th)
		T_EQ(thread_join(th), 0);
	test_diag("sda: %u busy rounds, %u errors", b.rounds, b.errors);
	T_CHECK(b.rounds > 0);
	T_EQ(b.errors, 0u);
}
