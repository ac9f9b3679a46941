// SPDX-License-Identifier: MIT
/* Symbol lookup over the table tools/ksyms.py generates: a binary search
 * over the sorted offsets, then a walk over the names to the one found
 * (the table has no index into them, to stay small). */
#include <kern/ksyms.h>
#include <kern/errno.h>
#include <string.h>
#include <stdio.h>

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_base;
extern const uint32_t ksyms_off[];
extern const char ksyms_str[];
extern char __text_end[];

int ksyms_lookup(uintptr_t addr, const char **name, uintptr_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;
	if (!hi || addr < ksyms_base || addr >= (uintptr_t)__text_end)
		return -ENOENT;
	uint64_t rel = addr - ksyms_base;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_off[mid] <= rel)
			lo = mid;
		else
			hi = mid;
	}
	const char *s = ksyms_str;
	for (uint64_t i = 0; i < lo; i++)
		s += strlen(s) + 1;
	*name = s;
	*offset = rel - ksyms_off[lo];
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
