// SPDX-License-Identifier: MIT
/* virtio-console's control-message decoder fed a hostile device's
 * messages: the input is a port count, then messages (a used length, a
 * buffer's bytes). The harness keeps the driver's announced-port bitmap as
 * the driver does (DEVICE_ADD sets, DEVICE_REMOVE clears) and checks the
 * decoder's promises: ids in range, announced unless added, added only
 * once, names terminated, short and printable, a reason for every
 * refusal. */
#include "fuzz.h"
#include <drivers/virtio_console.h>
#include <kern/errno.h>

#define CAP 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint8_t ann[VCON_MAX_PORTS / 8] = { 0 };
	uint32_t nports = fz_u8(&f) % (VCON_MAX_PORTS + 1);

	while (!fz_empty(&f)) {
		uint32_t len = fz_u16(&f) % (CAP + 8);
		uint32_t have = len < CAP ? len : CAP;
		uint8_t tmp[CAP];
		fz_bytes(&f, tmp, have);
		/* Exactly the used bytes (or the whole buffer when the device
		 * claims more): ASan catches a read past either. */
		uint8_t *buf = fz_dup(tmp, have, false);
		struct vcon_ctl m;
		const char *why = (const char *)1;
		int rc = vcon_ctl_parse(buf, len, have, nports, ann, &m, &why);
		free(buf);
		if (rc) {
			if (rc != -EPROTO || !why)
				abort();
			continue;
		}
		if (why || len > have || len < 8 || m.id >= nports)
			abort();
		bool known = vcon_bit(ann, m.id);
		switch (m.event) {
		case VIRTIO_CONSOLE_DEVICE_ADD:
			if (known)
				abort();
			ann[m.id / 8] |= (uint8_t)(1u << (m.id % 8));
			break;
		case VIRTIO_CONSOLE_DEVICE_REMOVE:
			if (!known)
				abort();
			ann[m.id / 8] &= (uint8_t)~(1u << (m.id % 8));
			break;
		case VIRTIO_CONSOLE_PORT_NAME: {
			size_t k = strnlen(m.name, sizeof(m.name));
			if (!known || k == 0 || k > VCON_NAME_MAX)
				abort();
			for (size_t i = 0; i < k; i++)
				if (m.name[i] <= 0x20 || m.name[i] >= 0x7f)
					abort();
			break;
		}
		case VIRTIO_CONSOLE_CONSOLE_PORT:
		case VIRTIO_CONSOLE_PORT_OPEN:
		case VIRTIO_CONSOLE_RESIZE:
			if (!known)
				abort();
			break;
		default:
			abort();
		}
	}
	return 0;
}
