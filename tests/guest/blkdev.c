// SPDX-License-Identifier: MIT
/* In-guest tests of the block-device layer against RAM disks: the argument
 * checks every driver relies on, request splitting, the registry, the test
 * pattern and the shell commands. Real disks (virtio-blk) test the drivers
 * under them; here only the layer is under test. */
#include <kern/test.h>
#include <kern/errno.h>
#include <kern/shell.h>
#include <drivers/blkdev.h>
#include <string.h>

/* --- a RAM disk ----------------------------------------------------------- */

#define RAM_SECTORS 256
static uint8_t ram0_data[RAM_SECTORS * 512] __aligned(64);
static uint8_t ram1_data[8 * 4096];

struct ram_stats {
	int reads, writes, flushes, discards, zeroes;
	uint32_t max_count;     /* largest count an op saw */
	bool out_of_range;      /* an op saw a request past the end */
};
static struct ram_stats st;

static uint8_t *ram_at(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	if (lba + count > bd->capacity || lba + count < lba)
		st.out_of_range = true;
	if (count > st.max_count)
		st.max_count = (uint32_t)count;
	return (uint8_t *)bd->priv + lba * bd->sector_size;
}

static int ram_read(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	st.reads++;
	memcpy(buf, ram_at(bd, lba, count), (size_t)count * bd->sector_size);
	return 0;
}

static int ram_write(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf)
{
	st.writes++;
	memcpy(ram_at(bd, lba, count), buf, (size_t)count * bd->sector_size);
	return 0;
}

static int ram_flush(struct blkdev *bd)
{
	st.flushes++;
	return 0;
}

static int ram_discard(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	st.discards++;
	memset(ram_at(bd, lba, count), 0xdd, count * bd->sector_size);
	return 0;
}

static int ram_zeroes(struct blkdev *bd, uint64_t lba, uint64_t count)
{
	st.zeroes++;
	memset(ram_at(bd, lba, count), 0, count * bd->sector_size);
	return 0;
}

static int bad_read(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	return 1;       /* a buggy driver: positive is not an error code */
}

static const struct blkdev_ops ram_ops = {
	.read = ram_read, .write = ram_write, .flush = ram_flush,
	.discard = ram_discard, .write_zeroes = ram_zeroes,
};
/* A read-only disk whose driver has a write op (that must never run) and
 * nothing else. */
static const struct blkdev_ops ram_ro_ops = { .read = ram_read, .write = ram_write };

static struct blkdev ram0 = {
	.name = "ram0", .driver = "ramdisk", .sector_size = 512, .capacity = RAM_SECTORS,
	.max_sectors = 7, .align = 8, .ops = &ram_ops, .priv = ram0_data,
};
static struct blkdev ram1 = {
	.name = "ram1", .driver = "ramdisk", .sector_size = 4096, .capacity = 8,
	.flags = BLKDEV_F_RO, .ops = &ram_ro_ops, .priv = ram1_data,
};

static bool ram_up(void)
{
	memset(&st, 0, sizeof(st));
	int a = blkdev_register(&ram0), b = blkdev_register(&ram1);
	T_EQ(a, 0);
	T_EQ(b, 0);
	return a == 0 && b == 0;
}

static void ram_down(void)
{
	blkdev_unregister(&ram0);
	blkdev_unregister(&ram1);
	T_CHECK(!st.out_of_range);
}

/* Run a registered shell command directly (what the shell's dispatcher
 * does after splitting the line). */
extern const struct shell_cmd __shellcmds_start[], __shellcmds_end[];
static int sh(int argc, char **argv)
{
	for (const struct shell_cmd *c = __shellcmds_start; c < __shellcmds_end; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->fn(argc, argv);
	return -ENOENT;
}
#define SH(...) sh(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *), (char *[]){ __VA_ARGS__, NULL })

/* --- the cases ------------------------------------------------------------ */

TEST(blkdev_register_checks)
{
	struct blkdev bad = ram0;
	bad.next = NULL;
	strcpy(bad.name, "bad0");
	bad.sector_size = 0;
	T_EQ(blkdev_register(&bad), -EINVAL);
	bad.sector_size = 520;
	T_EQ(blkdev_register(&bad), -EINVAL);
	bad.sector_size = 256;
	T_EQ(blkdev_register(&bad), -EINVAL);
	bad.sector_size = 1u << 17;
	T_EQ(blkdev_register(&bad), -EINVAL);
	bad.sector_size = 512;
	bad.align = 3;
	T_EQ(blkdev_register(&bad), -EINVAL);
	bad.align = 0;
	bad.ops = NULL;
	T_EQ(blkdev_register(&bad), -EINVAL);
	bad.ops = &ram_ops;
	bad.name[0] = 0;
	T_EQ(blkdev_register(&bad), -EINVAL);
	strcpy(bad.name, "has space");
	T_EQ(blkdev_register(&bad), -EINVAL);
	memset(bad.name, 'x', sizeof(bad.name));    /* not terminated */
	T_EQ(blkdev_register(&bad), -EINVAL);
	T_EQ(blkdev_register(NULL), -EINVAL);

	if (!ram_up())
		return;
	struct blkdev dup = ram1;
	dup.next = NULL;
	T_EQ(blkdev_register(&dup), -EEXIST);      /* name taken */
	T_EQ(blkdev_register(&ram0), -EEXIST);     /* already registered */
	ram_down();
}

TEST(blkdev_registry)
{
	if (!ram_up())
		return;
	T_CHECK(blkdev_find("ram0") == &ram0);
	T_CHECK(blkdev_find("ram1") == &ram1);
	T_CHECK(blkdev_find("ram") == NULL);
	T_CHECK(blkdev_find(NULL) == NULL);
	int seen = 0, n = 0;
	for (struct blkdev *bd = blkdev_next(NULL); bd && n < 64; bd = blkdev_next(bd), n++)
		seen |= (bd == &ram0) | (bd == &ram1) << 1;
	T_EQ(seen, 3);

	char name[BLKDEV_NAME_MAX];
	T_EQ(blkdev_name_alloc("ram", name), 0);
	T_CHECK(strncmp(name, "ram", 3) == 0 && blkdev_find(name) == NULL);
	T_EQ(blkdev_name_alloc("averyverylongprefix", name), -EINVAL);
	/* Letters go in order past the ones in use. */
	struct blkdev a = ram1, b = ram1;
	a.next = b.next = NULL;
	strcpy(a.name, "tsta");
	strcpy(b.name, "tstb");
	T_EQ(blkdev_register(&a), 0);
	T_EQ(blkdev_register(&b), 0);
	T_EQ(blkdev_name_alloc("tst", name), 0);
	T_CHECK(strcmp(name, "tstc") == 0);
	blkdev_unregister(&a);
	T_EQ(blkdev_name_alloc("tst", name), 0);
	T_CHECK(strcmp(name, "tsta") == 0);
	blkdev_unregister(&b);
	T_CHECK(blkdev_find("tstb") == NULL);
	ram_down();
	T_CHECK(blkdev_find("ram0") == NULL);
}

TEST(blkdev_range_checks)
{
	static uint8_t buf[8 * 4096] __aligned(64);
	if (!ram_up())
		return;
	/* Past the end: -ERANGE, the driver never called. */
	T_EQ(blkdev_read(&ram0, RAM_SECTORS, 1, buf), -ERANGE);
	T_EQ(blkdev_read(&ram0, RAM_SECTORS - 1, 2, buf), -ERANGE);
	T_EQ(blkdev_write(&ram0, RAM_SECTORS - 1, 2, buf), -ERANGE);
	T_EQ(blkdev_discard(&ram0, 0, RAM_SECTORS + 1), -ERANGE);
	T_EQ(blkdev_write_zeroes(&ram0, RAM_SECTORS, 1), -ERANGE);
	/* lba + count wrapping around 2^64 is malformed, not "past the end". */
	T_EQ(blkdev_read(&ram0, UINT64_MAX, 2, buf), -EINVAL);
	T_EQ(blkdev_discard(&ram0, 2, UINT64_MAX), -EINVAL);
	/* Buffers: NULL, or not aligned as the driver asked (8 for ram0). */
	T_EQ(blkdev_read(&ram0, 0, 1, NULL), -EINVAL);
	T_EQ(blkdev_read(&ram0, 0, 1, buf + 4), -EINVAL);
	T_EQ(blkdev_write(&ram0, 0, 1, buf + 1), -EINVAL);
	T_EQ(blkdev_read(&ram1, 0, 1, buf + 1), 0);    /* ram1 asks no alignment */
	T_EQ(blkdev_read(NULL, 0, 1, buf), -EINVAL);
	/* The last sector itself is fine; count 0 is a no-op. */
	T_EQ(blkdev_read(&ram0, RAM_SECTORS - 1, 1, buf), 0);
	int reads = st.reads;
	T_EQ(blkdev_read(&ram0, RAM_SECTORS, 0, buf), 0);
	T_EQ(blkdev_discard(&ram0, 5, 0), 0);
	T_EQ(st.reads, reads);
	T_EQ(st.discards, 0);
	T_EQ(blkdev_read(&ram0, RAM_SECTORS + 1, 0, buf), -ERANGE);
	ram_down();
}

TEST(blkdev_readonly_and_missing_ops)
{
	static uint8_t buf[4096];
	if (!ram_up())
		return;
	T_EQ(blkdev_write(&ram1, 0, 1, buf), -EROFS);
	T_EQ(st.writes, 0);                             /* its write op never ran */
	/* No op at all: -EOPNOTSUPP, before read-only or range. */
	T_EQ(blkdev_flush(&ram1), -EOPNOTSUPP);
	T_EQ(blkdev_discard(&ram1, 0, 1), -EOPNOTSUPP);
	T_EQ(blkdev_write_zeroes(&ram1, 100, 1), -EOPNOTSUPP);
	T_EQ(blkdev_read(&ram1, 7, 1, buf), 0);
	T_EQ(blkdev_read(&ram1, 8, 1, buf), -ERANGE);
	T_EQ(blkdev_flush(&ram0), 0);
	T_EQ(st.flushes, 1);
	/* A driver answering a positive number gets -EIO, not success. */
	struct blkdev_ops bad_ops = ram_ops;
	bad_ops.read = bad_read;
	const struct blkdev_ops *saved = ram0.ops;
	ram0.ops = &bad_ops;
	T_EQ(blkdev_read(&ram0, 0, 1, buf), -EIO);
	ram0.ops = saved;
	ram_down();
}

TEST(blkdev_rw_split)
{
	static uint8_t out[40 * 512] __aligned(64), in[40 * 512] __aligned(64);
	if (!ram_up())
		return;
	blk_pattern_fill(out, 5, 20, 512, 42);
	T_EQ(blkdev_write(&ram0, 5, 20, out), 0);
	T_EQ(st.writes, 3);             /* 7 + 7 + 6: split at max_sectors */
	T_EQ(st.max_count, 7);
	memset(in, 0, sizeof(in));
	T_EQ(blkdev_read(&ram0, 5, 20, in), 0);
	T_EQ(st.reads, 3);
	T_CHECK(memcmp(in, out, 20 * 512) == 0);
	T_EQ(blk_pattern_check(in, 5, 20, 512, 42), -1);
	/* The data landed where it should: check the RAM itself. */
	T_EQ(blk_pattern_check(ram0_data + 5 * 512, 5, 20, 512, 42), -1);

	T_EQ(blkdev_write_zeroes(&ram0, 10, 2), 0);
	T_EQ(blkdev_read(&ram0, 10, 2, in), 0);
	bool zero = true;
	for (int i = 0; i < 2 * 512; i++)
		zero &= in[i] == 0;
	T_CHECK(zero);
	T_EQ(blkdev_discard(&ram0, 12, 1), 0);
	T_EQ(st.discards, 1);
	ram_down();
}

TEST(blkdev_pattern)
{
	static uint8_t a[2 * 4096], b[2 * 4096];
	/* Reference values from the Python definition in <drivers/blkdev.h>. */
	T_CHECK(blk_pattern_word(0, 0) == 0xe220a8397b1dcdafull);
	T_CHECK(blk_pattern_word(0x1234, 1000) == 0xcc6ee054e3b7275bull);
	/* The pattern depends on the byte position only, not the sector
	 * size: sectors 8..15 of 512 bytes are sector 1 of 4096. */
	blk_pattern_fill(a, 8, 8, 512, 7);
	blk_pattern_fill(b, 1, 1, 4096, 7);
	T_CHECK(memcmp(a, b, 4096) == 0);
	T_EQ(blk_pattern_check(a, 1, 1, 4096, 7), -1);
	T_CHECK(blk_pattern_check(a, 1, 1, 4096, 8) == 0);   /* other seed */
	T_CHECK(blk_pattern_check(a, 2, 1, 4096, 7) == 0);   /* other place */
	a[4095] ^= 1;
	T_EQ(blk_pattern_check(a, 1, 1, 4096, 7), 4088);
}

TEST(blkdev_shell)
{
	if (!ram_up())
		return;
	T_EQ(SH("lsblk"), 0);
	T_EQ(SH("blkwrite", "ram0", "10", "0x1234", "16"), 0);
	T_EQ(blk_pattern_check(ram0_data + 10 * 512, 10, 16, 512, 0x1234), -1);
	T_EQ(SH("blkverify", "ram0", "10", "0x1234", "16"), 0);
	T_EQ(SH("blkverify", "ram0", "10", "0x1235", "16"), -EBADMSG);
	ram0_data[20 * 512 + 100] ^= 0xff;
	T_EQ(SH("blkverify", "ram0", "10", "0x1234", "16"), -EBADMSG);
	T_EQ(SH("blkverify", "ram0", "10", "0x1234", "10"), 0);
	T_EQ(SH("blkread", "ram0", "10"), 0);
	T_EQ(SH("blkread", "ram0", "0", "9"), -EINVAL);         /* dump limit */
	T_EQ(SH("blkread", "nosuch", "0"), -ENODEV);
	T_EQ(SH("blkread", "ram0"), -EINVAL);
	T_EQ(SH("blkread", "ram0", "12x"), -EINVAL);
	T_EQ(SH("blkwrite", "ram0", "250", "1", "7"), -ERANGE); /* nothing written */
	T_EQ(SH("blkwrite", "ram1", "0", "1"), -EROFS);
	T_EQ(SH("blkwrite", "ram0", "0", "-1"), -EINVAL);
	/* Larger than the command's buffer: done in pieces. */
	T_EQ(SH("blkwrite", "ram0", "0", "99", "160"), 0);
	T_EQ(SH("blkverify", "ram0", "0", "99", "160"), 0);
	T_EQ(SH("blkzero", "ram0", "0", "1"), 0);
	T_EQ(SH("blkverify", "ram0", "0", "99", "1"), -EBADMSG);
	T_EQ(SH("blkdiscard", "ram1", "0", "1"), -EOPNOTSUPP);
	T_EQ(SH("blkflush", "ram0"), 0);
	T_EQ(SH("blkflush", "ram1"), -EOPNOTSUPP);
	ram_down();
}

/* blkbench runs on any disk through blkdev_submit, also on one whose
 * driver has only the synchronous ops (each request completes inside
 * blkdev_submit: depth 1, "mode=sync"); its options are checked before
 * any I/O. */
TEST(blkdev_bench_any_disk)
{
	if (!ram_up())
		return;
	int w0 = st.writes;
	T_EQ(SH("blkbench", "ram0", "1", "qd=4", "bs=1024", "rw=randwrite"), 0);
	T_CHECK(st.writes > w0);
	T_EQ(SH("blkbench", "ram1", "1", "rw=write"), -EROFS);    /* read-only */
	T_EQ(SH("blkbench", "ram0", "qd=0"), -EINVAL);
	T_EQ(SH("blkbench", "ram0", "bs=1000"), -EINVAL);
	T_EQ(SH("blkbench", "ram0", "rw=backwards"), -EINVAL);
	T_EQ(SH("blkbench", "ram0", "ro", "rw=write"), -EINVAL);
	T_EQ(SH("blkbench", "nosuch"), -ENODEV);
	ram_down();
}
