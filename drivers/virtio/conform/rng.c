// SPDX-License-Identifier: MIT
/* virtio-rng conformance (virtio 1.2 §5.4) and its probe request for the
 * generic checks: 64 bytes of entropy in one or more buffers. */
#include "conform.h"
#include <string.h>

#define PROBE_BYTES     64

int cf_rng_probe(struct cf_dev *d, struct cf_probe *p, int layout)
{
	struct cf_buf *io = cf_buf(d, PROBE_BYTES, true);
	struct cf_seg *s = p->seg;

	if (!io)
		return 0;
	p->q = 0;
	p->data = io;
	p->in_total = PROBE_BYTES;
	p->n_out = 0;
	switch (layout) {
	case 0:
		s[0] = (struct cf_seg){ io, 0, PROBE_BYTES };
		p->n_in = 1;
		break;
	case 1:
		s[0] = (struct cf_seg){ io, 0, 1 };
		s[1] = (struct cf_seg){ io, 1, 7 };
		s[2] = (struct cf_seg){ io, 8, PROBE_BYTES - 8 };
		p->n_in = 3;
		break;
	case 2:
		for (unsigned i = 0; i < 4; i++)
			s[i] = (struct cf_seg){ io, i * 16, 16 };
		p->n_in = 4;
		break;
	default:
		s[0] = (struct cf_seg){ io, 0, 32 };
		s[1] = (struct cf_seg){ io, 32, 32 };
		p->n_in = 2;
		break;
	}
	return (int)p->n_in;
}

bool cf_rng_probe_ok(struct cf_dev *d, const struct cf_probe *p, uint32_t len)
{
	(void)d;
	(void)p;
	if (!len) {
		CF_DIAG("used len 0: no random byte placed (5.4.6.2: one or more)");
		return false;
	}
	return true;
}

CONFORM_CHECK(rng_fill, "5.4.6.2-random-bytes-placed", "requests of 64 and 4096 bytes get 1..size bytes (one or more, never more than the buffer)", CF_RNG, CF_ALL)
{
	static const uint32_t sizes[] = { 64, 4096, 1 };

	if (cf_up(d, 0))
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct cf_buf *b = cf_buf(d, sizes[i], true);
		struct cf_seg s = { b, 0, sizes[i] };
		uint32_t len;

		if (!b || cf_request(d, 0, &s, 0, 1, &len))
			return;
		if (len == 0 || len > sizes[i])
			CF_FAIL("a %u-byte buffer got used len %u (1..%u)", sizes[i], len, sizes[i]);
		else
			CF_DIAG("%u-byte buffer: %u bytes", sizes[i], len);
	}
}
