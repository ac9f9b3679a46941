// SPDX-License-Identifier: MIT
/* panic: a broken kernel invariant. Print, backtrace, leave with failure. */
#include <kern/panic.h>
#include <kern/printk.h>
#include <kern/arch.h>
#include <stdio.h>

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("\nPANIC: %s\n  backtrace:\n", buf);
	arch_backtrace(0);
	arch_exit(3);
}
