/* SPDX-License-Identifier: MIT */
/* Kernel symbol lookup for backtraces (the table is generated at link time
 * by tools/ksyms.py). */
#ifndef KERN_KSYMS_H
#define KERN_KSYMS_H

#include <kern/compiler.h>

/* The function containing addr. @return 0 and its name/offset, or -ENOENT. */
int ksyms_lookup(uintptr_t addr, const char **name, uintptr_t *offset);
/* "name+0x1c" or "?" into buf. */
void ksyms_format(uintptr_t addr, char *buf, size_t len);

#endif
