// SPDX-License-Identifier: MIT
/* Block-device shell commands: lsblk, blkread (hexdump), blkwrite and
 * blkverify (the reproducible pattern of <drivers/blkdev.h>, so a host hook
 * can check what the guest wrote, or prepare what it verifies), blkflush,
 * blkdiscard, blkzero. Large requests go through one static buffer in
 * pieces. */
#include <drivers/blkdev.h>
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/shell.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_SIZE (64u << 10)    /* also the largest sector size */
static uint8_t buf[BUF_SIZE] __aligned(4096);

#define DUMP_MAX_SECTORS 8      /* blkread prints at most this much */

/* A whole-word unsigned number (0x.. hex, 0.. octal, decimal). */
static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -EINVAL;
	*out = strtoull(s, &end, 0);
	return *end ? -EINVAL : 0;
}

static void size_str(uint64_t bytes, char *out, size_t len)
{
	static const char unit[] = "BKMGTPE";
	int u = 0;
	while (bytes >= 1024 && bytes % 1024 == 0 && u < 6) {
		bytes /= 1024;
		u++;
	}
	snprintf(out, len, "%llu%c", (unsigned long long)bytes, unit[u]);
}

static int cmd_lsblk(int argc, char **argv)
{
	kprintf("%-8s %10s %12s %6s %2s %s\n", "NAME", "SIZE", "SECTORS", "SECTOR", "RO",
		"DRIVER");
	for (struct blkdev *bd = blkdev_next(NULL); bd; bd = blkdev_next(bd)) {
		char sz[24];
		uint64_t bytes = bd->capacity * bd->sector_size;
		if (bd->capacity && bytes / bd->capacity != bd->sector_size)
			snprintf(sz, sizeof(sz), "huge");
		else
			size_str(bytes, sz, sizeof(sz));
		kprintf("%-8s %10s %12llu %6u %2d %s\n", bd->name, sz,
			(unsigned long long)bd->capacity, bd->sector_size,
			!!(bd->flags & BLKDEV_F_RO), bd->driver ? bd->driver : "-");
	}
	return 0;
}
SHELL_CMD("lsblk", "lsblk - list block devices", cmd_lsblk);

/* Parse "DEV LBA [SEED] [COUNT]" (with_seed picks the middle word). */
static int parse_args(int argc, char **argv, bool with_seed, const char *usage,
		      struct blkdev **bd, uint64_t *lba, uint64_t *seed, uint64_t *count)
{
	int need = with_seed ? 4 : 3;
	if (argc < need || argc > need + 1) {
		kprintf("usage: %s\n", usage);
		return -EINVAL;
	}
	*bd = blkdev_find(argv[1]);
	if (!*bd) {
		kprintf("%s: no block device %s\n", argv[0], argv[1]);
		return -ENODEV;
	}
	*count = 1;
	if (parse_u64(argv[2], lba) < 0 || (with_seed && parse_u64(argv[3], seed) < 0) ||
	    (argc == need + 1 && parse_u64(argv[need], count) < 0)) {
		kprintf("usage: %s\n", usage);
		return -EINVAL;
	}
	return 0;
}

static void hexdump(const uint8_t *p, size_t len, uint64_t base)
{
	bool starred = false;
	for (size_t off = 0; off < len; off += 16) {
		/* Runs of identical lines collapse to "*", as hexdump does. */
		if (off && off + 16 <= len && memcmp(p + off, p + off - 16, 16) == 0) {
			if (!starred)
				kprintf("*\n");
			starred = true;
			continue;
		}
		starred = false;
		char line[80];
		int n = snprintf(line, sizeof(line), "%08llx ", (unsigned long long)(base + off));
		for (size_t i = 0; i < 16; i++)
			n += snprintf(line + n, sizeof(line) - n, "%s%02x", i == 8 ? "  " : " ",
				      p[off + i]);
		n += snprintf(line + n, sizeof(line) - n, "  |");
		for (size_t i = 0; i < 16; i++) {
			uint8_t c = p[off + i];
			line[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
		}
		line[n++] = '|';
		line[n] = 0;
		kprintf("%s\n", line);
	}
	if (starred)
		kprintf("%08llx\n", (unsigned long long)(base + len));
}

static int cmd_blkread(int argc, char **argv)
{
	struct blkdev *bd;
	uint64_t lba, count;
	int rc = parse_args(argc, argv, false, "blkread DEV LBA [COUNT]", &bd, &lba, NULL, &count);
	if (rc)
		return rc;
	uint64_t max = BUF_SIZE / bd->sector_size;
	if (max > DUMP_MAX_SECTORS)
		max = DUMP_MAX_SECTORS;
	if (count > max) {
		kprintf("blkread: at most %llu sectors\n", (unsigned long long)max);
		return -EINVAL;
	}
	rc = blkdev_read(bd, lba, (uint32_t)count, buf);
	if (rc) {
		kprintf("blkread: %s: %s\n", bd->name, strerror(rc));
		return rc;
	}
	hexdump(buf, count * bd->sector_size, lba * bd->sector_size);
	return 0;
}
SHELL_CMD("blkread", "blkread DEV LBA [COUNT] - hexdump sectors", cmd_blkread);

/* Write or verify count sectors of the pattern, one buffer at a time. */
static int pattern_io(int argc, char **argv, bool write)
{
	struct blkdev *bd;
	uint64_t lba, seed, count;
	const char *usage = write ? "blkwrite DEV LBA SEED [COUNT]" : "blkverify DEV LBA SEED [COUNT]";
	int rc = parse_args(argc, argv, true, usage, &bd, &lba, &seed, &count);
	if (rc)
		return rc;
	/* Check the whole range first, so nothing is written on a request
	 * that would fail half way. */
	if (lba + count < lba)
		rc = -EINVAL;
	else if (lba + count > bd->capacity)
		rc = -ERANGE;
	else if (write && (bd->flags & BLKDEV_F_RO))
		rc = -EROFS;
	if (rc) {
		kprintf("%s: %s: %s\n", argv[0], bd->name, strerror(rc));
		return rc;
	}

	uint32_t per = BUF_SIZE / bd->sector_size;
	for (uint64_t done = 0; done < count;) {
		uint32_t n = count - done < per ? (uint32_t)(count - done) : per;
		uint64_t at = lba + done;
		if (write) {
			blk_pattern_fill(buf, at, n, bd->sector_size, seed);
			rc = blkdev_write(bd, at, n, buf);
		} else {
			rc = blkdev_read(bd, at, n, buf);
		}
		if (rc) {
			kprintf("%s: %s: lba %llu: %s\n", argv[0], bd->name,
				(unsigned long long)at, strerror(rc));
			return rc;
		}
		if (!write) {
			int64_t bad = blk_pattern_check(buf, at, n, bd->sector_size, seed);
			if (bad >= 0) {
				uint64_t blba = at + (uint64_t)bad / bd->sector_size;
				uint64_t w = (blba * bd->sector_size + (uint64_t)bad % bd->sector_size) / 8;
				uint64_t got = 0;
				for (int i = 7; i >= 0; i--)
					got = (got << 8) | buf[bad + i];
				kprintf("blkverify: %s: mismatch at lba %llu byte %llu: "
					"%016llx, expected %016llx\n", bd->name,
					(unsigned long long)blba,
					(unsigned long long)((uint64_t)bad % bd->sector_size),
					(unsigned long long)got,
					(unsigned long long)blk_pattern_word(seed, w));
				return -EBADMSG;
			}
		}
		done += n;
	}
	kprintf("%s: %s: %llu sectors at lba %llu %s seed %#llx\n", argv[0], bd->name,
		(unsigned long long)count, (unsigned long long)lba,
		write ? "written with" : "match", (unsigned long long)seed);
	return 0;
}

static int cmd_blkwrite(int argc, char **argv)
{
	return pattern_io(argc, argv, true);
}
SHELL_CMD("blkwrite", "blkwrite DEV LBA SEED [COUNT] - write the test pattern", cmd_blkwrite);

static int cmd_blkverify(int argc, char **argv)
{
	return pattern_io(argc, argv, false);
}
SHELL_CMD("blkverify", "blkverify DEV LBA SEED [COUNT] - check the test pattern",
	  cmd_blkverify);

static int cmd_blkflush(int argc, char **argv)
{
	struct blkdev *bd = argc == 2 ? blkdev_find(argv[1]) : NULL;
	if (!bd) {
		kprintf(argc == 2 ? "blkflush: no block device %s\n" : "usage: blkflush DEV\n",
			argv[1]);
		return argc == 2 ? -ENODEV : -EINVAL;
	}
	int rc = blkdev_flush(bd);
	kprintf("blkflush: %s: %s\n", bd->name, rc ? strerror(rc) : "ok");
	return rc;
}
SHELL_CMD("blkflush", "blkflush DEV - flush the write cache", cmd_blkflush);

static int range_cmd(int argc, char **argv, bool zero)
{
	uint64_t lba, count;
	struct blkdev *bd = argc == 4 ? blkdev_find(argv[1]) : NULL;
	if (argc != 4 || parse_u64(argv[2], &lba) < 0 || parse_u64(argv[3], &count) < 0) {
		kprintf("usage: %s DEV LBA COUNT\n", argv[0]);
		return -EINVAL;
	}
	if (!bd) {
		kprintf("%s: no block device %s\n", argv[0], argv[1]);
		return -ENODEV;
	}
	int rc = zero ? blkdev_write_zeroes(bd, lba, count) : blkdev_discard(bd, lba, count);
	kprintf("%s: %s: %s\n", argv[0], bd->name, rc ? strerror(rc) : "ok");
	return rc;
}

static int cmd_blkdiscard(int argc, char **argv)
{
	return range_cmd(argc, argv, false);
}
SHELL_CMD("blkdiscard", "blkdiscard DEV LBA COUNT - discard sectors", cmd_blkdiscard);

static int cmd_blkzero(int argc, char **argv)
{
	return range_cmd(argc, argv, true);
}
SHELL_CMD("blkzero", "blkzero DEV LBA COUNT - write zeroes", cmd_blkzero);
