// SPDX-License-Identifier: MIT
/* Symbol lookup over the table tools/ksyms.py generates: a binary search
 * over the sorted offsets, a walk over the encoded names to the one found
 * (the table has no index into them, to stay small), then its decoding:
 * each byte is a token from ksyms_tok or, when none, the character itself. */
#include <kern/ksyms.h>
#include <kern/errno.h>
#include <string.h>
#include <stdio.h>

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_base;
extern const uint32_t ksyms_off[];
extern const uint8_t ksyms_str[];
extern const uint8_t ksyms_tok[];
extern char __text_end[];

/* The text byte c stands for. */
static const char *ksyms_token(uint8_t c, char self[2])
{
	for (const uint8_t *t = ksyms_tok; *t; t += 2 + strlen((const char *)t + 1)) {
		if (*t == c)
			return (const char *)t + 1;
	}
	self[0] = (char)c;
	self[1] = '\0';
	return self;
}

int ksyms_lookup(uintptr_t addr, char *name, size_t len, uintptr_t *offset)
{
	uint64_t lo = 0, hi = ksyms_count;
	if (!hi || !len || addr < ksyms_base || addr >= (uintptr_t)__text_end)
		return -ENOENT;
	uint64_t rel = addr - ksyms_base;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (ksyms_off[mid] <= rel)
			lo = mid;
		else
			hi = mid;
	}
	const uint8_t *s = ksyms_str;
	for (uint64_t i = 0; i < lo; i++)
		s += strlen((const char *)s) + 1;
	size_t n = 0;
	char self[2];
	for (; *s; s++) {
		for (const char *t = ksyms_token(*s, self); *t && n + 1 < len; t++)
			name[n++] = *t;
	}
	name[n] = '\0';
	*offset = rel - ksyms_off[lo];
	return 0;
}

void ksyms_format(uintptr_t addr, char *buf, size_t len)
{
	char name[128];
	uintptr_t off;
	if (ksyms_lookup(addr, name, sizeof(name), &off) == 0)
		snprintf(buf, len, "%s+%#lx", name, (unsigned long)off);
	else
		snprintf(buf, len, "?");
}
