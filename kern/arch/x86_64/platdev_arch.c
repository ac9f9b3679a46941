// SPDX-License-Identifier: MIT
/* Platform devices from ACPI (x86): every Device in the DSDT and SSDTs
 * whose _HID a platform driver registered for (<drivers/platdev.h>), with
 * the fixed memory window and first interrupt of its _CRS. QEMU's microvm
 * lists its virtio-mmio transports so (LNRO0005) when it has ACPI. */
#include <drivers/platdev.h>
#include <drivers/virtio_mmio.h>
#include <kern/acpi.h>
#include <kern/printk.h>
#include <stdarg.h>
#include <string.h>

static void warn_cb(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	va_start(ap, fmt);
	vprintk(LOG_WARN, fmt, ap);
	va_end(ap);
}

/* An ACPI hardware ID (ACPI 6.5 §6.1.5): "PNPxxxx" or "ACPIxxxx" style,
 * 7 or 8 characters without the comma every device-tree compatible has. */
static bool is_hid(const char *id)
{
	size_t n = strlen(id);
	return (n == 7 || n == 8) && !strchr(id, ',');
}

static struct virtio_mmio_desc found[VIRTIO_MMIO_MAX_DEVS];

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
						      VIRTIO_MMIO_MAX_DEVS, warn_cb, NULL);
				for (int i = 0; i < n; i++) {
					const struct virtio_mmio_desc *d = &found[i];
					struct platdev pd = {
						.compatible = *id, .source = "acpi",
						.base = d->base, .size = d->size,
						.has_irq = d->has_irq, .irq = d->irq,
						.level = d->level, .active_low = d->active_low,
						.id = -1, .node = -1,
					};
					added += platdev_add(&pd) == 0;
				}
			}
		}
	}
	return added;
}
