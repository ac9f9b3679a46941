// SPDX-License-Identifier: MIT
/* Fuzz every parser of what a SCSI target or a virtio-scsi device sends
 * back: the first input byte picks one, the rest is the answer, copied to a
 * buffer of exactly its size so ASan sees any read past it. Checked
 * promises: sense keys in 0..15; REPORT LUNS hands out only LUNs 0..16383
 * and no more entries than were delivered; INQUIRY strings and the device
 * id end inside their buffers; a response the checks accept has its sense
 * length and residual inside their buffers; an event names a LUN the
 * virtio LUN field can carry. */
#include "fuzz.h"
#include <drivers/scsi.h>
#include <drivers/virtio_scsi.h>

static unsigned calls;

static int on_lun(void *arg, uint32_t lun)
{
	(void)arg;
	if (lun > 16383)
		abort();
	calls++;
	return 0;
}

static void check_str(const char *s, size_t cap)
{
	if (strnlen(s, cap) >= cap)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t which = data[0];
	size_t n = size - 1;
	uint8_t *b = fz_dup(data + 1, n, false);
	uint32_t len = (uint32_t)n;

	switch (which % 8) {
	case 0: {
		struct scsi_sense s;
		int err;
		scsi_sense_parse(b, len, &s);
		if (s.key > 15)
			abort();
		enum scsi_action a = scsi_classify(n ? b[0] : 0, &s, &err);
		if (a == SCSI_FAIL && err >= 0)
			abort();
		fz_sink += (uint64_t)a + s.asc;
		break;
	}
	case 1: {
		unsigned bad = 0;
		calls = 0;
		int total = scsi_report_luns_parse(b, len, on_lun, NULL, &bad);
		if (len >= 8 && (total < 0 || calls + bad > (len - 8) / 8 || calls + bad > (unsigned)total))
			abort();
		break;
	}
	case 2: {
		struct scsi_inquiry q;
		if (scsi_inquiry_parse(b, len, &q) == 0) {
			check_str(q.vendor, sizeof(q.vendor));
			check_str(q.product, sizeof(q.product));
			check_str(q.revision, sizeof(q.revision));
		}
		break;
	}
	case 3: {
		struct scsi_block_limits bl;
		fz_sink += (uint64_t)scsi_vpd_block_limits(b, len, &bl) + bl.max_unmap_lba;
		fz_sink += (uint64_t)scsi_vpd_lbp_unmap(b, len);
		fz_sink += scsi_vpd_has_page(b, len, (uint8_t)(which >> 3));
		break;
	}
	case 4: {
		size_t cap = 1 + (which >> 3);
		char *out = malloc(cap);
		if (scsi_vpd_devid(b, len, out, cap) == 0)
			check_str(out, cap);
		free(out);
		break;
	}
	case 5: {
		struct scsi_capacity c;
		fz_sink += (uint64_t)scsi_read_capacity10_parse(b, len, &c) + c.last_lba;
		fz_sink += (uint64_t)scsi_read_capacity16_parse(b, len, &c) + c.block_len;
		fz_sink += (uint64_t)scsi_mode_sense_wp(b, len, which & 8);
		break;
	}
	case 6: {
		/* A response as the device wrote it, then used and xfer. */
		struct fz f = { b, n };
		struct virtio_scsi_resp_cmd r;
		fz_bytes(&f, &r, sizeof(r));
		uint32_t used = fz_u32(&f), xfer = fz_u32(&f);
		struct virtio_scsi_result res;
		virtio_scsi_resp_check(&r, used, xfer, which & 8, &res);
		if (res.host_err == 0 && (res.sense_len > VIRTIO_SCSI_SENSE_SIZE || res.resid > xfer))
			abort();
		if (res.host_err > 0)
			abort();
		break;
	}
	case 7: {
		struct fz f = { b, n };
		struct virtio_scsi_event e;
		fz_bytes(&f, &e, sizeof(e));
		struct virtio_scsi_ev ev;
		if (virtio_scsi_event_decode(&e, fz_u8(&f), &ev) == 0 && ev.action != VSCSI_EV_NONE &&
		    ev.action != VSCSI_EV_RESCAN_ALL && (ev.lun > 16383 || ev.target > 255))
			abort();
		break;
	}
	}
	free(b);
	return 0;
}
