// SPDX-License-Identifier: MIT
/* The boot memory map. Firmware maps come unsorted and may overlap (E820
 * tables from real BIOSes do both), so normalization is a sweep over the
 * range boundaries: between two consecutive boundaries the type is that of
 * the strongest range covering the stretch. With at most MEMMAP_MAX ranges
 * the quadratic sweep costs a few tens of thousands of compares, once, at
 * boot; it needs no sorting and no allocation. */
#include <kern/memmap.h>
#include <kern/errno.h>
#include <kern/printk.h>

struct memmap memmap_boot;

/* Output of the sweep. The result can need more entries than the input
 * (one usable range with holes punched in it), so it is built aside and
 * copied back only when it fits. Static, not on the stack: 3 KiB is a lot
 * for an early boot stack, and the map is only touched at boot on one CPU. */
static struct mem_range memmap_scratch[MEMMAP_MAX];

void memmap_init(struct memmap *m)
{
	m->count = 0;
	m->normalized = true;
}

static bool type_valid(uint32_t type)
{
	return type >= MEM_USABLE && type <= MEM_BAD;
}

/* Higher wins an overlap. Usable is weakest: handing out memory that any
 * other entry claims is the one mistake that corrupts something. */
static int type_rank(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:   return 0;
	case MEM_ACPI:     return 1;
	case MEM_RESERVED: return 2;
	case MEM_NVS:      return 3;
	case MEM_BAD:      return 4;
	}
	return 2;
}

/* Ranges are accepted only when base + size fits in 64 bits, so "end" is
 * always representable and comparisons need no overflow care. */
static bool range_ok(uint64_t base, uint64_t size)
{
	return size != 0 && size <= UINT64_MAX - base;
}

int memmap_add(struct memmap *m, uint64_t base, uint64_t size, uint32_t type)
{
	if (!range_ok(base, size))
		return -EINVAL;
	if (m->count >= MEMMAP_MAX)
		return -ENOSPC;
	if (!type_valid(type))
		type = MEM_RESERVED;
	m->r[m->count++] = (struct mem_range){ base, size, type };
	m->normalized = false;
	return 0;
}

static uint64_t rend(const struct mem_range *r)
{
	return r->base + r->size;
}

int memmap_normalize(struct memmap *m)
{
	struct mem_range *out = memmap_scratch;
	uint32_t n = 0;
	uint64_t x = UINT64_MAX;

	/* Start the sweep at the lowest base. */
	for (uint32_t i = 0; i < m->count; i++)
		x = MIN(x, m->r[i].base);

	while (m->count > 0) {
		int best = -1;
		uint32_t type = 0;
		uint64_t next = UINT64_MAX;
		bool more = false;

		/* Which ranges cover x, and where does the next boundary lie:
		 * the nearest end of a covering range or start of a later one. */
		for (uint32_t i = 0; i < m->count; i++) {
			const struct mem_range *r = &m->r[i];

			if (r->base <= x && x < rend(r)) {
				if (type_rank(r->type) > best) {
					best = type_rank(r->type);
					type = r->type;
				}
				next = MIN(next, rend(r));
				more = true;
			} else if (r->base > x) {
				next = MIN(next, r->base);
				more = true;
			}
		}
		if (!more)
			break;
		if (best >= 0) {
			if (n > 0 && out[n - 1].type == type &&
			    rend(&out[n - 1]) == x) {
				out[n - 1].size += next - x;
			} else {
				if (n == MEMMAP_MAX)
					return -ENOSPC;
				out[n++] = (struct mem_range){ x, next - x, type };
			}
		}
		x = next;
	}

	for (uint32_t i = 0; i < n; i++)
		m->r[i] = out[i];
	m->count = n;
	m->normalized = true;
	return 0;
}

int memmap_reserve(struct memmap *m, uint64_t base, uint64_t size)
{
	uint64_t end;
	uint32_t extra = 0;
	int err;

	if (!range_ok(base, size))
		return -EINVAL;
	end = base + size;
	if (!m->normalized) {
		err = memmap_normalize(m);
		if (err)
			return err;
	}

	/* Each usable range overlapping the carve becomes up to three pieces
	 * (usable below, reserved, usable above). Count first, so that a full
	 * map is reported before anything changed. */
	for (uint32_t i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->r[i];

		if (r->type != MEM_USABLE || rend(r) <= base || r->base >= end)
			continue;
		extra += (r->base < base) + (rend(r) > end);
	}
	if (m->count + extra > MEMMAP_MAX)
		return -ENOSPC;

	/* Walk down so that inserting pieces only shifts ranges already seen. */
	for (uint32_t i = m->count; i-- > 0;) {
		struct mem_range r = m->r[i];
		struct mem_range piece[3];
		uint32_t np = 0;

		if (r.type != MEM_USABLE || rend(&r) <= base || r.base >= end)
			continue;
		if (r.base < base)
			piece[np++] = (struct mem_range){ r.base, base - r.base,
							  MEM_USABLE };
		piece[np++] = (struct mem_range){
			MAX(r.base, base),
			MIN(rend(&r), end) - MAX(r.base, base), MEM_RESERVED };
		if (rend(&r) > end)
			piece[np++] = (struct mem_range){ end, rend(&r) - end,
							  MEM_USABLE };
		for (uint32_t j = m->count; j-- > i + 1;)
			m->r[j + np - 1] = m->r[j];
		for (uint32_t j = 0; j < np; j++)
			m->r[i + j] = piece[j];
		m->count += np - 1;
	}

	/* Merge the new reserved pieces with their neighbours. The map is
	 * sorted and disjoint, so this cannot need more room than it has. */
	return memmap_normalize(m);
}

uint64_t memmap_usable_total(const struct memmap *m)
{
	uint64_t total = 0;

	for (uint32_t i = 0; i < m->count; i++)
		if (m->r[i].type == MEM_USABLE)
			total += m->r[i].size;
	return total;
}

const struct mem_range *memmap_lookup(const struct memmap *m, uint64_t addr)
{
	uint32_t lo = 0, hi = m->count;

	/* Binary search over the sorted, disjoint ranges. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct mem_range *r = &m->r[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr >= rend(r))
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

const char *memmap_type_name(uint32_t type)
{
	switch (type) {
	case MEM_USABLE:   return "usable";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI:     return "ACPI data";
	case MEM_NVS:      return "ACPI NVS";
	case MEM_BAD:      return "bad";
	}
	return "unknown";
}

void memmap_print(const struct memmap *m)
{
	for (uint32_t i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->r[i];

		pr_info("mem: [0x%016llx-0x%016llx] %s\n",
			(unsigned long long)r->base,
			(unsigned long long)(rend(r) - 1),
			memmap_type_name(r->type));
	}
	pr_info("mem: %llu KiB usable\n",
		(unsigned long long)(memmap_usable_total(m) >> 10));
}
