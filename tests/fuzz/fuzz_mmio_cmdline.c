// SPDX-License-Identifier: MIT
/* Fuzz the virtio-mmio option parsers (drivers/virtio/mmio_parse.c): the
 * input is a command line for virtio_mmio_cmdline_scan (every
 * virtio_mmio.device= word, quoting as the command line does) and, as it
 * is, one value for virtio_mmio_parse_device, which reads exactly len
 * bytes (no NUL). Every description kept must satisfy the documented
 * limits. */
#include "fuzz.h"
#include <drivers/virtio_mmio.h>
#include <kern/errno.h>

static void check_desc(const struct virtio_mmio_desc *d)
{
	if (d->size < VIRTIO_MMIO_MIN_SIZE || d->size > VIRTIO_MMIO_MAX_SIZE ||
	    d->base == 0 || d->base % 4 || d->base + d->size < d->base ||
	    d->irq > VIRTIO_MMIO_MAX_IRQ)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct virtio_mmio_desc d[8];
	char *s = fz_dup(data, size, true);
	char *raw = fz_dup(data, size, false);
	unsigned warns = 0;
	int n = virtio_mmio_cmdline_scan(s, d, 8, fz_warn, &warns);

	if (n < 0 || n > 8)
		abort();
	for (int i = 0; i < n; i++)
		check_desc(&d[i]);
	if (virtio_mmio_parse_device(raw, size, &d[0]) == 0)
		check_desc(&d[0]);
	free(s);
	free(raw);
	return 0;
}
