// SPDX-License-Identifier: MIT
/* Host tests for the block layer's pure parts: the test pattern against
 * values from its Python definition (in <drivers/blkdev.h>), and the
 * registry and argument checks of drivers/blk/blkdev.c against a RAM disk. */
#include "unit.h"
#include <stdarg.h>
#include <stdint.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <drivers/blkdev.h>

void printk(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

UNIT(pattern_reference_values)
{
	/* From the Python word() in <drivers/blkdev.h>. */
	CHECK(blk_pattern_word(0, 0) == 0xe220a8397b1dcdafull);
	CHECK(blk_pattern_word(0x1234, 1000) == 0xcc6ee054e3b7275bull);
	uint8_t s[512];
	blk_pattern_fill(s, 3, 1, 512, 0x1234);
	/* Byte order: little-endian words. Word 3*64 of seed 0x1234. */
	uint64_t w = blk_pattern_word(0x1234, 3 * 64);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(s[i], (w >> (8 * i)) & 0xff);
	CHECK_EQ(blk_pattern_check(s, 3, 1, 512, 0x1234), -1);
	s[511] ^= 0x80;
	CHECK_EQ(blk_pattern_check(s, 3, 1, 512, 0x1234), 504);
}

static uint8_t disk[64 * 512];
static int calls;

static int rd(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	calls++;
	CHECK(lba + count <= bd->capacity);
	CHECK(count <= bd->max_sectors);
	memcpy(buf, disk + lba * 512, count * 512);
	return 0;
}

static int wr(struct blkdev *bd, uint64_t lba, uint32_t count, const void *buf)
{
	calls++;
	CHECK(lba + count <= bd->capacity);
	memcpy(disk + lba * 512, buf, count * 512);
	return 0;
}

static int failing(struct blkdev *bd, uint64_t lba, uint32_t count, void *buf)
{
	(void)bd, (void)lba, (void)count, (void)buf;
	return -EIO;
}

static const struct blkdev_ops ops = { .read = rd, .write = wr };

UNIT(blkdev_checks)
{
	static uint8_t buf[64 * 512] __attribute__((aligned(16)));
	struct blkdev bd = { .name = "ut0", .sector_size = 512, .capacity = 64,
			     .max_sectors = 5, .align = 16, .ops = &ops };
	CHECK_EQ(blkdev_register(&bd), 0);
	CHECK(blkdev_find("ut0") == &bd);
	CHECK_EQ(blkdev_register(&bd), -EEXIST);

	CHECK_EQ(blkdev_read(&bd, 64, 1, buf), -ERANGE);
	CHECK_EQ(blkdev_read(&bd, UINT64_MAX - 1, 4, buf), -EINVAL);
	CHECK_EQ(blkdev_read(&bd, 0, 1, buf + 8), -EINVAL);
	CHECK_EQ(blkdev_flush(&bd), -EOPNOTSUPP);
	CHECK_EQ(blkdev_discard(&bd, 0, 1), -EOPNOTSUPP);
	bd.flags = BLKDEV_F_RO;
	CHECK_EQ(blkdev_write(&bd, 0, 1, buf), -EROFS);
	bd.flags = 0;

	calls = 0;
	blk_pattern_fill(buf, 1, 63, 512, 9);
	CHECK_EQ(blkdev_write(&bd, 1, 63, buf), 0);
	CHECK_EQ(calls, 13);                        /* ceil(63 / 5) */
	CHECK_EQ(blk_pattern_check(disk + 512, 1, 63, 512, 9), -1);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(blkdev_read(&bd, 1, 63, buf), 0);
	CHECK_EQ(blk_pattern_check(buf, 1, 63, 512, 9), -1);

	/* An error part way stops the request and is passed up. */
	struct blkdev_ops bad = ops;
	bad.read = failing;
	bd.ops = &bad;
	CHECK_EQ(blkdev_read(&bd, 0, 10, buf), -EIO);
	bd.ops = &ops;

	blkdev_unregister(&bd);
	CHECK(blkdev_find("ut0") == NULL);
	CHECK(blkdev_next(NULL) == NULL);
}

UNIT(blkdev_names)
{
	char name[BLKDEV_NAME_MAX];
	struct blkdev d[30];
	memset(d, 0, sizeof(d));
	for (int i = 0; i < 27; i++) {
		CHECK_EQ(blkdev_name_alloc("vd", name), 0);
		strcpy(d[i].name, name);
		d[i].sector_size = 512;
		d[i].ops = &ops;
		CHECK_EQ(blkdev_register(&d[i]), 0);
	}
	CHECK_STR(d[0].name, "vda");
	CHECK_STR(d[25].name, "vdz");
	CHECK_STR(d[26].name, "vdaa");
	for (int i = 0; i < 27; i++)
		blkdev_unregister(&d[i]);
	CHECK_EQ(blkdev_name_alloc("0123456789abcd", name), -EINVAL);
}

UNIT_MAIN()
