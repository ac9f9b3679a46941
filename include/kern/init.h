/* SPDX-License-Identifier: MIT */
/* Init calls: a subsystem registers its start-up function with a level, and
 * kmain runs them in level order once memory, traps and the console are up.
 * Nobody edits kmain to add a subsystem. An init call returns 0 or -errno;
 * a failure is logged and boot goes on (a missing device is not fatal). */
#ifndef KERN_INIT_H
#define KERN_INIT_H

#include <kern/compiler.h>

enum init_level {
	INIT_ARCH = 1,   /* interrupt controllers, clocks (after mm and traps) */
	INIT_CORE = 2,   /* scheduler, timers, entropy pool */
	INIT_BUS = 3,    /* PCI, device tree buses, pvbus */
	INIT_DRIVER = 4, /* device drivers bound by the buses */
	INIT_LATE = 5,   /* anything that wants every device */
};

struct initcall {
	int level;
	const char *name;
	int (*fn)(void);
};

#define INITCALL(lvl, func)                                                  \
	static const struct initcall initcall_##func                         \
		__used __section(".initcalls") __aligned(8) =                 \
		{ (lvl), #func, (func) }

void initcalls_run(int level);

#endif
