/* SPDX-License-Identifier: MIT */
/* Kernel symbol lookup for backtraces (the table is generated at link time
 * by tools/ksyms.py). */
#ifndef KERN_KSYMS_H
#define KERN_KSYMS_H

#include <kern/compiler.h>

/* The function containing addr: its name (cut to fit len bytes with the
 * NUL) and addr's offset in it. @return 0, or -ENOENT. */
int ksyms_lookup(uintptr_t addr, char *name, size_t len, uintptr_t *offset);
/* "name+0x1c" or "?" into buf. */
void ksyms_format(uintptr_t addr, char *buf, size_t len);

#endif
