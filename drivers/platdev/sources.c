// SPDX-License-Identifier: MIT
/* The platform-device sources that are not a bus walk of their own, in the
 * order they are read at INIT_BUS (after the device tree, drivers/dtbus):
 * the command line's virtio_mmio.device= (the Linux syntax QEMU's microvm
 * writes when it has no ACPI), then the arch's firmware tables
 * (platdev_arch_scan: ACPI's namespace on x86). A window named by two
 * sources is taken once, from the first (its driver answers -EEXIST). */
#include <drivers/platdev.h>
#include <drivers/virtio_mmio.h>
#include <kern/cmdline.h>
#include <kern/init.h>
#include <kern/printk.h>
#include <stdarg.h>

void platdev_warn(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	va_start(ap, fmt);
	vprintk(LOG_WARN, fmt, ap);
	va_end(ap);
}

static struct virtio_mmio_desc found[VIRTIO_MMIO_MAX_DEVS];

static int platdev_sources_init(void)
{
	int n = virtio_mmio_cmdline_scan(cmdline_raw(), found, VIRTIO_MMIO_MAX_DEVS,
					 platdev_warn, NULL);
	for (int i = 0; i < n; i++) {
		const struct virtio_mmio_desc *d = &found[i];
		struct platdev pd = {
			.compatible = "virtio,mmio", .source = "cmdline",
			.base = d->base, .size = d->size, .has_irq = d->has_irq,
			.irq = d->irq, .level = d->level, .active_low = d->active_low,
			.id = d->id, .node = -1,
		};
		platdev_add(&pd);
	}
	platdev_arch_scan();
	return 0;
}
INITCALL(INIT_BUS, platdev_sources_init);
