// SPDX-License-Identifier: MIT
/* Host side of the block test pattern: fill or check a byte range of an
 * image file with the very function the guest uses (drivers/blk/pattern.c,
 * built in), so the two can never disagree.
 *
 *   blkpattern fill  FILE OFFSET LENGTH SEED
 *   blkpattern check FILE OFFSET LENGTH SEED
 *   blkpattern zero  FILE OFFSET LENGTH        (check: all zero bytes)
 *
 * OFFSET and LENGTH are bytes (multiples of 512; K and M suffixes), SEED a
 * number (0x.. hex). The file is grown as needed by fill. Exit status 0
 * when the check holds, 1 with the first differing offset otherwise. */
#include <drivers/blkdev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1u << 20)

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end) {
		fprintf(stderr, "blkpattern: bad number %s\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 5 || (strcmp(argv[1], "zero") && argc < 6)) {
		fprintf(stderr, "usage: blkpattern fill|check FILE OFF LEN SEED | zero FILE OFF LEN\n");
		return 2;
	}
	const char *op = argv[1];
	unsigned long long off = num(argv[3]), len = num(argv[4]);
	unsigned long long seed = strcmp(op, "zero") ? num(argv[5]) : 0;
	if (off % 512 || len % 512) {
		fprintf(stderr, "blkpattern: offset and length must be multiples of 512\n");
		return 2;
	}
	bool fill = !strcmp(op, "fill");
	FILE *f = fopen(argv[2], fill ? "r+b" : "rb");
	if (!f && fill)
		f = fopen(argv[2], "w+b");
	if (!f) {
		perror(argv[2]);
		return 2;
	}
	unsigned char *buf = malloc(CHUNK);
	if (!buf || fseeko(f, (off_t)off, SEEK_SET)) {
		perror("blkpattern");
		return 2;
	}
	for (unsigned long long done = 0; done < len;) {
		unsigned n = (unsigned)(len - done < CHUNK ? len - done : CHUNK);
		unsigned long long lba = (off + done) / 512;
		if (fill) {
			blk_pattern_fill(buf, lba, n / 512, 512, seed);
			if (fwrite(buf, 1, n, f) != n) {
				perror("write");
				return 2;
			}
		} else {
			if (fread(buf, 1, n, f) != n) {
				fprintf(stderr, "%s: short read at %llu\n", argv[2], off + done);
				return 1;
			}
			long long bad = -1;
			if (!strcmp(op, "zero")) {
				for (unsigned i = 0; i < n && bad < 0; i++)
					if (buf[i])
						bad = i;
			} else {
				bad = blk_pattern_check(buf, lba, n / 512, 512, seed);
			}
			if (bad >= 0) {
				fprintf(stderr, "%s: %s mismatch at byte %llu\n", argv[2], op,
					off + done + (unsigned long long)bad);
				return 1;
			}
		}
		done += n;
	}
	if (fclose(f)) {
		perror("close");
		return 2;
	}
	return 0;
}
