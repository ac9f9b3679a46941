// SPDX-License-Identifier: MIT
/* The block test pattern (see <drivers/blkdev.h> for the definition and a
 * Python version). splitmix64 (Steele, Lea, Flood: "Fast splittable
 * pseudorandom number generators", OOPSLA 2014) is used because its n-th
 * output is a closed form of (seed, n): any word of the disk can be
 * computed without generating the ones before it. Pure logic: the host
 * unit test and host scripts can build it as is. */
#include <drivers/blkdev.h>

uint64_t blk_pattern_word(uint64_t seed, uint64_t w)
{
	uint64_t z = seed + (w + 1) * 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Words are stored little-endian whatever the CPU, so that a disk image
 * means the same to every host. */
static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

void blk_pattern_fill(void *buf, uint64_t lba, uint32_t count, uint32_t sector_size,
		      uint64_t seed)
{
	uint8_t *p = buf;
	uint64_t w0 = lba * (sector_size / 8);
	uint64_t nw = (uint64_t)count * (sector_size / 8);
	for (uint64_t i = 0; i < nw; i++)
		put_le64(p + 8 * i, blk_pattern_word(seed, w0 + i));
}

int64_t blk_pattern_check(const void *buf, uint64_t lba, uint32_t count,
			  uint32_t sector_size, uint64_t seed)
{
	const uint8_t *p = buf;
	uint64_t w0 = lba * (sector_size / 8);
	uint64_t nw = (uint64_t)count * (sector_size / 8);
	for (uint64_t i = 0; i < nw; i++)
		if (get_le64(p + 8 * i) != blk_pattern_word(seed, w0 + i))
			return (int64_t)(8 * i);
	return -1;
}
