// SPDX-License-Identifier: MIT
/* Platform devices from firmware tables other than the device tree: none
 * on aarch64 yet (ACPI on Arm would go here). */
#include <drivers/platdev.h>

int platdev_arch_scan(void)
{
	return 0;
}
