// SPDX-License-Identifier: MIT
/* Platform devices from ACPI (x86): every Device in the DSDT and SSDTs
 * whose _HID a platform driver registered for (<drivers/platdev.h>), with
 * the fixed memory window and first interrupt of its _CRS (the AML scan,
 * drivers/platdev/acpi_hid.c). QEMU's microvm
 * lists its virtio-mmio transports so (LNRO0005) when it has ACPI. */
#include <drivers/acpi_hid.h>
#include <drivers/platdev.h>
#include <kern/acpi.h>
#include <string.h>

/* An ACPI hardware ID (ACPI 6.5 §6.1.5): "PNPxxxx" or "ACPIxxxx" style,
 * 7 or 8 characters without the comma every device-tree compatible has. */
static bool is_hid(const char *id)
{
	size_t n = strlen(id);
	return (n == 7 || n == 8) && !strchr(id, ',');
}

#define MAX_PER_TABLE 64
static struct platdev found[MAX_PER_TABLE];

int platdev_arch_scan(void)
{
	int added = 0;

	for (const struct platdrv *drv = platdrv_next(NULL); drv; drv = platdrv_next(drv)) {
		for (const char *const *id = drv->ids; *id; id++) {
			if (!is_hid(*id))
				continue;
			for (int t = 0; t < 8; t++) {
				const struct acpi_sdt_hdr *h =
					acpi_find_table(t == 0 ? "DSDT" : "SSDT", t == 0 ? 0 : t - 1);
				if (!h) {
					if (t > 0)
						break;
					continue;
				}
				int n = acpi_hid_scan((const uint8_t *)h + sizeof(*h),
						      h->length - sizeof(*h), *id, found,
						      MAX_PER_TABLE, platdev_warn, NULL);
				for (int i = 0; i < n; i++)
					added += platdev_add(&found[i]) == 0;
			}
		}
	}
	return added;
}
