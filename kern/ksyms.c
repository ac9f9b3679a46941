// SPDX-License-Identifier: MIT
/* Symbol lookup over the table tools/ksyms.py generates (binary search). */
#include <kern/ksyms.h>
#include <kern/errno.h>
#include <stdio.h>

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addr[];
extern const uint32_t ksyms_name[];
extern const char ksyms_str[];
extern char __text_end[];

int ksyms_lookup(uintptr_t addr, const char **name, uintptr_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;
	if (!hi || addr < ksyms_addr[0] || addr >= (uintptr_t)__text_end)
		return -ENOENT;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*name = ksyms_str + ksyms_name[lo];
	*offset = addr - ksyms_addr[lo];
	return 0;
}

void ksyms_format(uintptr_t addr, char *buf, size_t len)
{
	const char *name;
	uintptr_t off;
	if (ksyms_lookup(addr, &name, &off) == 0)
		snprintf(buf, len, "%s+%#lx", name, (unsigned long)off);
	else
		snprintf(buf, len, "?");
}
