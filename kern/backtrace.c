// SPDX-License-Identifier: MIT
/* Backtraces over frame records, the same on both architectures: with frame
 * pointers kept, [fp] holds the caller's frame pointer and [fp + 8] the
 * return address (x86_64 SysV with -fno-omit-frame-pointer; AAPCS64 §6.2.3).
 * Runs inside fault handlers, so it stops at the first implausible pointer
 * instead of faulting again. */
#include <kern/backtrace.h>
#include <kern/ksyms.h>
#include <kern/printk.h>
#include <kern/vm.h>

void backtrace_frames(uintptr_t fp, int depth)
{
	for (int n = 0; fp && n < 32; n++, depth++) {
		if ((fp & 7) || !vm_is_mapped(fp, 16))
			break;
		uintptr_t ret = ((uintptr_t *)fp)[1];
		uintptr_t next = ((uintptr_t *)fp)[0];
		if (!ret)
			break;
		char sym[96];
		ksyms_format(ret, sym, sizeof(sym));
		kprintf("    #%d %016lx %s\n", depth, (unsigned long)ret, sym);
		if (next <= fp)
			break;
		fp = next;
	}
}
