// SPDX-License-Identifier: MIT
/* Guest memory: SET_MEM_TABLE hands one file descriptor per region
 * (vhost-user.rst, "Memory regions description"); each is mapped shared,
 * so what the guest wrote is what we read. Ring addresses come in the
 * front end's virtual addresses, descriptor addresses in guest physical
 * ones; both are translated through the table, and nothing outside a
 * region is ever touched. */
#include "vhh.h"
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void mem_unmap_all(struct dev *d)
{
	for (unsigned i = 0; i < d->nreg; i++)
		munmap(d->reg[i].map, d->reg[i].map_len);
	d->nreg = 0;
}

/* [addr, addr + len) inside [base, base + size)? */
static bool inside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size)
{
	return addr >= base && len <= size && addr - base <= size - len;
}

void *gpa_to_host(struct dev *d, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < d->nreg; i++) {
		struct region *r = &d->reg[i];
		if (inside(gpa, len, r->r.gpa, r->r.size))
			return r->map + r->r.mmap_offset + (gpa - r->r.gpa);
	}
	return NULL;
}

void *uva_to_host(struct dev *d, uint64_t uva, uint64_t len)
{
	for (unsigned i = 0; i < d->nreg; i++) {
		struct region *r = &d->reg[i];
		if (inside(uva, len, r->r.uva, r->r.size))
			return r->map + r->r.mmap_offset + (uva - r->r.uva);
	}
	return NULL;
}

/* The payload: u32 count, u32 padding, then count regions; one fd each,
 * in order. A new table replaces the old one whole. */
int mem_set_table(struct dev *d, const uint8_t *payload, uint32_t size,
		  const int *fds, unsigned nfds)
{
	uint32_t n;

	if (size < 8)
		return -1;
	memcpy(&n, payload, 4);
	if (n > VHU_MAX_REGIONS || size < 8 + n * sizeof(struct vhu_region) || nfds != n) {
		vhh_log("SET_MEM_TABLE: %u regions, %u fds, %u bytes: refused", n, nfds, size);
		return -1;
	}
	mem_unmap_all(d);
	for (uint32_t i = 0; i < n; i++) {
		struct region *r = &d->reg[d->nreg];
		memcpy(&r->r, payload + 8 + i * sizeof(struct vhu_region), sizeof(r->r));
		r->map_len = r->r.mmap_offset + r->r.size;
		void *m = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fds[i], 0);
		if (m == MAP_FAILED) {
			vhh_log("region %u: mmap of %zu bytes failed", i, r->map_len);
			continue;
		}
		r->map = m;
		d->nreg++;
		vhh_log("region %u: guest 0x%llx size 0x%llx uva 0x%llx offset 0x%llx", i,
			(unsigned long long)r->r.gpa, (unsigned long long)r->r.size,
			(unsigned long long)r->r.uva, (unsigned long long)r->r.mmap_offset);
	}
	return 0;
}
