// SPDX-License-Identifier: MIT
/* Run the init calls of one level in link order (see include/kern/init.h). */
#include <kern/init.h>
#include <kern/printk.h>
#include <string.h>

extern const struct initcall __initcalls_start[], __initcalls_end[];

void initcalls_run(int level)
{
	for (const struct initcall *c = __initcalls_start; c < __initcalls_end; c++) {
		if (c->level != level)
			continue;
		int rc = c->fn();
		if (rc < 0 && rc != -19 /* -ENODEV: nothing to drive */)
			pr_warn("init: %s failed (%d)\n", c->name, rc);
		else
			pr_debug("init: %s -> %d\n", c->name, rc);
	}
}
