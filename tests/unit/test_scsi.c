// SPDX-License-Identifier: MIT
/* Host tests of the SCSI layer's pure half and virtio-scsi's response and
 * event checks: CDB layouts byte for byte (SBC-3, SPC-4), sense in both
 * formats and its meaning, LUNs in every form QEMU reports, REPORT LUNS
 * and VPD pages as QEMU's scsi-hd sends them and damaged. */
#include "unit.h"
#include <drivers/scsi.h>
#include <drivers/virtio_scsi.h>
#include <kern/errno.h>

static int bytes_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	return memcmp(a, b, n) == 0;
}

UNIT(cdb_rw_10_and_16)
{
	struct scsi_cdb c;
	CHECK_EQ(scsi_cdb_rw(&c, false, 0x12345678, 8), 0);
	const uint8_t r10[10] = { 0x28, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 8, 0 };
	CHECK_EQ(c.len, 10);
	CHECK(bytes_eq(c.b, r10, 10));
	/* The last block a 10-byte CDB can reach... */
	CHECK_EQ(scsi_cdb_rw(&c, true, 0xffffffffull, 1), 0);
	CHECK_EQ(c.b[0], SCSI_WRITE_10);
	/* ...and one past it, or a count over 16 bits, need 16 bytes. */
	CHECK_EQ(scsi_cdb_rw(&c, true, 0xffffffffull, 2), 0);
	const uint8_t w16[16] = { 0x8a, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0, 0 };
	CHECK_EQ(c.len, 16);
	CHECK(bytes_eq(c.b, w16, 16));
	CHECK_EQ(scsi_cdb_rw(&c, false, 0, 0x10000), 0);
	CHECK_EQ(c.b[0], SCSI_READ_16);
	CHECK_EQ(c.b[11], 1);
	CHECK_EQ(scsi_cdb_rw(&c, false, 0x0102030405060708ull, 3), 0);
	const uint8_t r16[16] = { 0x88, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 3, 0, 0 };
	CHECK(bytes_eq(c.b, r16, 16));
	CHECK_EQ(scsi_cdb_rw(&c, false, 5, 0), -EINVAL);
	CHECK_EQ(scsi_cdb_rw(&c, false, UINT64_MAX, 2), -EINVAL);
}

UNIT(cdb_others)
{
	struct scsi_cdb c;
	scsi_cdb_test_unit_ready(&c);
	CHECK_EQ(c.len, 6);
	CHECK_EQ(c.b[0], 0);
	scsi_cdb_inquiry(&c, true, 0xb0, 0x1234);
	const uint8_t inq[6] = { 0x12, 1, 0xb0, 0x12, 0x34, 0 };
	CHECK(bytes_eq(c.b, inq, 6));
	scsi_cdb_inquiry(&c, false, 0xb0, 96);
	CHECK_EQ(c.b[1], 0);
	CHECK_EQ(c.b[2], 0);    /* page code only with EVPD */
	scsi_cdb_report_luns(&c, 0x01020304);
	const uint8_t rl[12] = { 0xa0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0 };
	CHECK_EQ(c.len, 12);
	CHECK(bytes_eq(c.b, rl, 12));
	scsi_cdb_read_capacity16(&c, 32);
	CHECK_EQ(c.b[0], 0x9e);
	CHECK_EQ(c.b[1], 0x10);
	CHECK_EQ(c.b[13], 32);
	scsi_cdb_read_capacity10(&c);
	CHECK_EQ(c.len, 10);
	CHECK_EQ(c.b[0], 0x25);
	scsi_cdb_mode_sense6(&c, 192);
	CHECK_EQ(c.b[2], 0x3f);
	CHECK_EQ(c.b[4], 192);
	scsi_cdb_mode_sense10(&c, 512);
	CHECK_EQ(c.b[7], 2);
	CHECK_EQ(c.b[8], 0);
	scsi_cdb_sync_cache(&c);
	CHECK_EQ(c.b[0], 0x35);
	uint8_t p[SCSI_UNMAP_PARAM_LEN];
	CHECK_EQ(scsi_unmap_param(p, 0x1122334455667788ull, 0x99aabbcc), 24);
	const uint8_t up[24] = { 0, 22, 0, 16, 0, 0, 0, 0,
				 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
				 0x99, 0xaa, 0xbb, 0xcc, 0, 0, 0, 0 };
	CHECK(bytes_eq(p, up, 24));
	scsi_cdb_unmap(&c, 24);
	CHECK_EQ(c.b[0], 0x42);
	CHECK_EQ(c.b[8], 24);
}

UNIT(sense_fixed_and_descriptor)
{
	struct scsi_sense s;
	/* QEMU's fixed sense: 0x70, key at 2, additional length 10. */
	uint8_t fx[18] = { 0x70, 0, 0x03, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x11, 0x00 };
	scsi_sense_parse(fx, 18, &s);
	CHECK(s.valid);
	CHECK_EQ(s.key, 3);
	CHECK_EQ(s.asc, 0x11);
	CHECK_EQ(s.ascq, 0);
	CHECK(!s.deferred);
	fx[0] = 0xf1;       /* VALID bit set, deferred */
	scsi_sense_parse(fx, 18, &s);
	CHECK(s.valid && s.deferred);
	/* Too short for ASC: key only. */
	scsi_sense_parse(fx, 8, &s);
	CHECK(s.valid);
	CHECK_EQ(s.key, 3);
	CHECK_EQ(s.asc, 0);
	/* Additional length that stops before ASC. */
	fx[7] = 4;
	scsi_sense_parse(fx, 18, &s);
	CHECK_EQ(s.asc, 0);
	scsi_sense_parse(fx, 2, &s);
	CHECK(!s.valid);
	const uint8_t ds[8] = { 0x72, 0x06, 0x29, 0x02, 0, 0, 0, 0 };
	scsi_sense_parse(ds, 8, &s);
	CHECK(s.valid);
	CHECK_EQ(s.key, 6);
	CHECK_EQ(s.asc, 0x29);
	CHECK_EQ(s.ascq, 2);
	scsi_sense_parse(ds, 3, &s);
	CHECK(!s.valid);
	const uint8_t bad[18] = { 0x7f, 0, 3 };
	scsi_sense_parse(bad, 18, &s);
	CHECK(!s.valid);
	scsi_sense_parse(NULL, 0, &s);
	CHECK(!s.valid);
}

static enum scsi_action classify(uint8_t key, uint8_t asc, uint8_t ascq, int *err)
{
	struct scsi_sense s = { .key = key, .asc = asc, .ascq = ascq, .valid = true };
	return scsi_classify(SCSI_S_CHECK_CONDITION, &s, err);
}

UNIT(sense_meaning)
{
	int err;
	CHECK_EQ(scsi_classify(SCSI_S_GOOD, NULL, &err), SCSI_DONE);
	CHECK_EQ(err, 0);
	CHECK_EQ(classify(SCSI_KEY_UNIT_ATTENTION, 0x29, 0, &err), SCSI_RETRY);
	CHECK_EQ(classify(SCSI_KEY_NOT_READY, 0x04, 0x01, &err), SCSI_RETRY_LATER);
	CHECK_EQ(classify(SCSI_KEY_NOT_READY, 0x04, 0x02, &err), SCSI_FAIL);
	CHECK_EQ(err, -EIO);
	CHECK_EQ(classify(SCSI_KEY_NOT_READY, 0x3a, 0, &err), SCSI_FAIL);
	CHECK_EQ(err, -ENODEV);
	CHECK_EQ(classify(SCSI_KEY_MEDIUM_ERROR, 0x11, 0, &err), SCSI_FAIL);
	CHECK_EQ(err, -EIO);
	CHECK_EQ(classify(SCSI_KEY_ILLEGAL_REQUEST, 0x24, 0, &err), SCSI_FAIL);
	CHECK_EQ(err, -EINVAL);
	CHECK_EQ(classify(SCSI_KEY_DATA_PROTECT, 0x27, 0, &err), SCSI_FAIL);
	CHECK_EQ(err, -EROFS);
	CHECK_EQ(classify(SCSI_KEY_HARDWARE_ERROR, 0x44, 0, &err), SCSI_FAIL);
	CHECK_EQ(err, -EIO);
	CHECK_EQ(classify(SCSI_KEY_ABORTED, 0, 6, &err), SCSI_RETRY);
	CHECK_EQ(classify(SCSI_KEY_RECOVERED, 0x17, 0, &err), SCSI_DONE);
	CHECK_EQ(scsi_classify(SCSI_S_CHECK_CONDITION, NULL, &err), SCSI_FAIL);
	CHECK_EQ(err, -EIO);
	CHECK_EQ(scsi_classify(SCSI_S_BUSY, NULL, &err), SCSI_RETRY_LATER);
	CHECK_EQ(scsi_classify(SCSI_S_TASK_SET_FULL, NULL, &err), SCSI_RETRY_LATER);
	CHECK_EQ(scsi_classify(SCSI_S_RESERVATION_CONFLICT, NULL, &err), SCSI_FAIL);
	CHECK_EQ(err, -EBUSY);
	CHECK_EQ(scsi_classify(0x7e, NULL, &err), SCSI_FAIL);
	CHECK_STR(scsi_key_name(3), "MEDIUM ERROR");
	CHECK_STR(scsi_key_name(0xff), "COMPLETED");
}

UNIT(lun_forms)
{
	uint8_t l[8];
	/* Peripheral device addressing (QEMU, LUN < 256). */
	const uint8_t p5[8] = { 0, 5 };
	CHECK_EQ(scsi_lun_decode(p5), 5);
	/* Flat space (QEMU, LUN >= 256): 300 = 0x12c. */
	const uint8_t f300[8] = { 0x41, 0x2c };
	CHECK_EQ(scsi_lun_decode(f300), 300);
	const uint8_t fmax[8] = { 0x7f, 0xff };
	CHECK_EQ(scsi_lun_decode(fmax), 16383);
	const uint8_t f0[8] = { 0x40, 0 };
	CHECK_EQ(scsi_lun_decode(f0), 0);
	const uint8_t bus1[8] = { 0x01, 2 };
	CHECK_EQ(scsi_lun_decode(bus1), -EINVAL);
	const uint8_t lu[8] = { 0x80, 2 };
	CHECK_EQ(scsi_lun_decode(lu), -EINVAL);
	const uint8_t ext[8] = { 0xc0, 2 };
	CHECK_EQ(scsi_lun_decode(ext), -EINVAL);
	const uint8_t two[8] = { 0, 1, 0, 2 };
	CHECK_EQ(scsi_lun_decode(two), -EINVAL);
	for (uint32_t n = 0; n <= 16383; n++) {
		CHECK_EQ(scsi_lun_encode(n, l), 0);
		CHECK_EQ(scsi_lun_decode(l), (long long)n);
	}
	CHECK_EQ(scsi_lun_encode(16384, l), -EINVAL);
	CHECK_EQ(scsi_lun_encode(256, l), 0);
	CHECK_EQ(l[0], 0x41);
	CHECK_EQ(l[1], 0);

	uint16_t t;
	uint32_t n;
	CHECK_EQ(virtio_scsi_lun_encode(3, 300, l), 0);
	const uint8_t v[8] = { 1, 3, 0x41, 0x2c };
	CHECK(bytes_eq(l, v, 8));
	CHECK_EQ(virtio_scsi_lun_decode(l, &t, &n), 0);
	CHECK_EQ(t, 3);
	CHECK_EQ(n, 300);
	CHECK_EQ(virtio_scsi_lun_encode(256, 0, l), -EINVAL);
	CHECK_EQ(virtio_scsi_lun_encode(0, 16384, l), -EINVAL);
	const uint8_t bad0[8] = { 0, 3, 0x40, 1 };
	CHECK_EQ(virtio_scsi_lun_decode(bad0, &t, &n), -EINVAL);
	const uint8_t per[8] = { 1, 7, 0, 9 };
	CHECK_EQ(virtio_scsi_lun_decode(per, &t, &n), 0);
	CHECK_EQ(n, 9);
	const uint8_t lvl2[8] = { 1, 7, 0x40, 9, 0, 1 };
	CHECK_EQ(virtio_scsi_lun_decode(lvl2, &t, &n), -EINVAL);
}

static uint32_t seen[64];
static unsigned nseen;

static int collect(void *arg, uint32_t lun)
{
	(void)arg;
	if (nseen < 64)
		seen[nseen++] = lun;
	return 0;
}

UNIT(report_luns)
{
	/* What QEMU sends for LUNs 0 (no device, listed anyway), 1 and 300,
	 * plus a LUN in logical unit addressing it never sends. */
	uint8_t b[8 + 4 * 8] = { 0, 0, 0, 32 };
	b[8 + 8 + 1] = 1;
	b[8 + 16] = 0x41;
	b[8 + 16 + 1] = 0x2c;
	b[8 + 24] = 0x80;
	unsigned bad;
	nseen = 0;
	CHECK_EQ(scsi_report_luns_parse(b, sizeof(b), collect, NULL, &bad), 4);
	CHECK_EQ(nseen, 3);
	CHECK_EQ(seen[0], 0);
	CHECK_EQ(seen[1], 1);
	CHECK_EQ(seen[2], 300);
	CHECK_EQ(bad, 1);
	/* A list longer than what came: the count says so, only the
	 * delivered entries are read. */
	b[3] = 0xf8;
	nseen = 0;
	CHECK_EQ(scsi_report_luns_parse(b, 8 + 16 + 3, collect, NULL, &bad), 31);
	CHECK_EQ(nseen, 2);
	/* A length that is not a multiple of 8, and a huge one. */
	b[0] = 0xff;
	b[1] = 0xff;
	b[2] = 0xff;
	b[3] = 0xff;
	nseen = 0;
	CHECK_EQ(scsi_report_luns_parse(b, sizeof(b), collect, NULL, NULL), 0x1fffffff);
	CHECK_EQ(nseen, 3);
	CHECK_EQ(scsi_report_luns_parse(b, 7, collect, NULL, NULL), -EINVAL);
}

UNIT(inquiry_standard)
{
	uint8_t b[36] = { 0x00, 0x00, 0x05, 0x12, 31 };
	memcpy(b + 8, "QEMU    ", 8);
	memcpy(b + 16, "QEMU HARDDISK   ", 16);
	memcpy(b + 32, "2.5+", 4);
	struct scsi_inquiry q;
	CHECK_EQ(scsi_inquiry_parse(b, 36, &q), 0);
	CHECK_EQ(q.qualifier, 0);
	CHECK_EQ(q.type, 0);
	CHECK_EQ(q.version, 5);
	CHECK_STR(q.vendor, "QEMU");
	CHECK_STR(q.product, "QEMU HARDDISK");
	CHECK_STR(q.revision, "2.5+");
	/* No LUN here (qualifier 3, type 0x1f), as QEMU answers for LUN 0
	 * of a target without one. */
	b[0] = 0x7f;
	b[1] = 0x80;
	CHECK_EQ(scsi_inquiry_parse(b, 36, &q), 0);
	CHECK_EQ(q.qualifier, 3);
	CHECK_EQ(q.type, 0x1f);
	CHECK(q.removable);
	/* Additional length shorter than the strings; control bytes. */
	b[4] = 8;
	b[9] = 0x07;
	CHECK_EQ(scsi_inquiry_parse(b, 36, &q), 0);
	CHECK_STR(q.vendor, "Q?MU");
	CHECK_STR(q.product, "");
	CHECK_EQ(scsi_inquiry_parse(b, 4, &q), -EINVAL);
}

UNIT(vpd_pages)
{
	const uint8_t sup[] = { 0, 0x00, 0, 5, 0x00, 0x80, 0x83, 0xb0, 0xb2 };
	CHECK(scsi_vpd_has_page(sup, sizeof(sup), 0xb0));
	CHECK(scsi_vpd_has_page(sup, sizeof(sup), 0xb2));
	CHECK(!scsi_vpd_has_page(sup, sizeof(sup), 0xb1));
	/* Page length past the delivered bytes: only those are read. */
	CHECK(!scsi_vpd_has_page(sup, 7, 0xb0));
	CHECK_EQ(scsi_vpd_len(sup, sizeof(sup), 0x83), -EINVAL);

	uint8_t bl[64] = { 0, 0xb0, 0, 0x3c };
	bl[8 + 2] = 0x40;           /* max transfer 0x4000 */
	bl[20 + 3] = 0xff;          /* max unmap LBA count 255 */
	bl[24 + 3] = 1;             /* one descriptor */
	bl[28 + 3] = 8;
	struct scsi_block_limits lim;
	CHECK_EQ(scsi_vpd_block_limits(bl, 64, &lim), 0);
	CHECK_EQ(lim.max_xfer, 0x4000);
	CHECK_EQ(lim.max_unmap_lba, 255);
	CHECK_EQ(lim.max_unmap_desc, 1);
	CHECK_EQ(lim.unmap_gran, 8);
	/* A short page: the unmap fields are absent, not read. */
	bl[3] = 0x10;
	CHECK_EQ(scsi_vpd_block_limits(bl, 64, &lim), 0);
	CHECK_EQ(lim.max_xfer, 0x4000);
	CHECK_EQ(lim.max_unmap_lba, 0);
	CHECK_EQ(scsi_vpd_block_limits(bl, 22, &lim), 0);
	CHECK_EQ(lim.max_unmap_lba, 0);

	uint8_t lbp[8] = { 0, 0xb2, 0, 4, 0, 0xe0 };
	CHECK_EQ(scsi_vpd_lbp_unmap(lbp, 8), 1);
	lbp[5] = 0x40;
	CHECK_EQ(scsi_vpd_lbp_unmap(lbp, 8), 0);
	CHECK_EQ(scsi_vpd_lbp_unmap(lbp, 5), 0);
	CHECK_EQ(scsi_vpd_lbp_unmap(sup, sizeof(sup)), -EINVAL);
}

UNIT(vpd_device_id)
{
	char id[64];
	/* QEMU's scsi-hd: an ASCII vendor-specific designator (the drive
	 * id), then an NAA one when a wwn is set. */
	uint8_t p[] = { 0, 0x83, 0, 20,
			0x02, 0x00, 0, 2, 'd', '0',
			0x01, 0x03, 0, 8, 0x50, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07 };
	CHECK_EQ(scsi_vpd_devid(p, sizeof(p), id, sizeof(id)), 0);
	CHECK_STR(id, "5001020304050607");
	p[3] = 6;           /* the NAA descriptor is cut off */
	CHECK_EQ(scsi_vpd_devid(p, sizeof(p), id, sizeof(id)), 0);
	CHECK_STR(id, "d0");
	p[7] = 200;         /* a descriptor longer than the page */
	CHECK_EQ(scsi_vpd_devid(p, sizeof(p), id, sizeof(id)), -ENOENT);
	/* A tiny output buffer still ends terminated. */
	p[3] = 20;
	p[7] = 2;
	CHECK_EQ(scsi_vpd_devid(p, sizeof(p), id, 4), 0);
	CHECK_EQ(strlen(id), 2);
}

UNIT(capacity_and_mode)
{
	const uint8_t rc10[8] = { 0, 0, 0x3f, 0xff, 0, 0, 2, 0 };
	struct scsi_capacity c;
	CHECK_EQ(scsi_read_capacity10_parse(rc10, 8, &c), 0);
	CHECK_EQ(c.last_lba, 0x3fff);
	CHECK_EQ(c.block_len, 512);
	CHECK_EQ(scsi_read_capacity10_parse(rc10, 7, &c), -EINVAL);
	uint8_t rc16[32] = { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x08, 0, 0, 0, 0x80 };
	CHECK_EQ(scsi_read_capacity16_parse(rc16, 32, &c), 0);
	CHECK_EQ(c.last_lba, 1ull << 32);
	CHECK_EQ(c.block_len, 2048);
	CHECK(c.lbpme);
	CHECK_EQ(scsi_read_capacity16_parse(rc16, 14, &c), 0);
	CHECK(!c.lbpme);
	const uint8_t ms6[4] = { 3, 0, 0x80, 0 };
	CHECK_EQ(scsi_mode_sense_wp(ms6, 4, false), 1);
	const uint8_t ms10[8] = { 0, 6, 0, 0x10 };
	CHECK_EQ(scsi_mode_sense_wp(ms10, 8, true), 0);
	CHECK_EQ(scsi_mode_sense_wp(ms10, 3, true), -EINVAL);
}

UNIT(virtio_response)
{
	struct virtio_scsi_resp_cmd r = { 0 };
	struct virtio_scsi_result res;
	r.status = SCSI_S_CHECK_CONDITION;
	r.sense_len = 18;
	virtio_scsi_resp_check(&r, 108 + 512, 512, false, &res);
	CHECK_EQ(res.host_err, 0);
	CHECK(!res.why);
	CHECK_EQ(res.status, 2);
	CHECK_EQ(res.sense_len, 18);
	/* Sense longer than its buffer. */
	r.sense_len = 97;
	virtio_scsi_resp_check(&r, 108, 512, false, &res);
	CHECK_EQ(res.host_err, -EIO);
	CHECK(res.why);
	/* A residual beyond the transfer. */
	r.sense_len = 0;
	r.residual = 513;
	virtio_scsi_resp_check(&r, 108, 512, false, &res);
	CHECK_EQ(res.host_err, -EIO);
	CHECK(res.why);
	r.residual = 512;
	virtio_scsi_resp_check(&r, 108, 512, false, &res);
	CHECK_EQ(res.host_err, 0);
	CHECK_EQ(res.resid, 512);
	/* Shorter than the header. */
	virtio_scsi_resp_check(&r, 11, 512, false, &res);
	CHECK_EQ(res.host_err, -EIO);
	CHECK(res.why);
	r.response = VIRTIO_SCSI_S_BAD_TARGET;
	virtio_scsi_resp_check(&r, 108, 0, false, &res);
	CHECK_EQ(res.host_err, -ENODEV);
	r.response = VIRTIO_SCSI_S_ABORTED;
	virtio_scsi_resp_check(&r, 108, 0, true, &res);
	CHECK_EQ(res.host_err, -ETIMEDOUT);
	virtio_scsi_resp_check(&r, 108, 0, false, &res);
	CHECK_EQ(res.host_err, -EAGAIN);
	r.response = VIRTIO_SCSI_S_RESET;
	virtio_scsi_resp_check(&r, 108, 0, false, &res);
	CHECK_EQ(res.host_err, -EAGAIN);
	virtio_scsi_resp_check(&r, 108, 0, true, &res);
	CHECK_EQ(res.host_err, -ETIMEDOUT);
	r.response = VIRTIO_SCSI_S_BUSY;
	virtio_scsi_resp_check(&r, 108, 0, false, &res);
	CHECK_EQ(res.host_err, -EAGAIN);
	r.response = VIRTIO_SCSI_S_FAILURE;
	virtio_scsi_resp_check(&r, 108, 0, false, &res);
	CHECK_EQ(res.host_err, -EIO);
	CHECK(!res.why);
	r.response = 200;
	virtio_scsi_resp_check(&r, 108, 0, false, &res);
	CHECK_EQ(res.host_err, -EIO);
	CHECK(res.why);
}

UNIT(virtio_events)
{
	struct virtio_scsi_event e = { .event = VIRTIO_SCSI_T_TRANSPORT_RESET,
				       .lun = { 1, 2, 0x41, 0x2c },
				       .reason = VIRTIO_SCSI_EVT_RESET_RESCAN };
	struct virtio_scsi_ev ev;
	CHECK_EQ(virtio_scsi_event_decode(&e, 16, &ev), 0);
	CHECK_EQ(ev.action, VSCSI_EV_LUN_ADDED);
	CHECK_EQ(ev.target, 2);
	CHECK_EQ(ev.lun, 300);
	e.reason = VIRTIO_SCSI_EVT_RESET_REMOVED;
	CHECK_EQ(virtio_scsi_event_decode(&e, 16, &ev), 0);
	CHECK_EQ(ev.action, VSCSI_EV_LUN_REMOVED);
	e.reason = VIRTIO_SCSI_EVT_RESET_HARD;
	CHECK_EQ(virtio_scsi_event_decode(&e, 16, &ev), 0);
	CHECK_EQ(ev.action, VSCSI_EV_NONE);
	CHECK_EQ(virtio_scsi_event_decode(&e, 15, &ev), -EINVAL);
	e.event |= VIRTIO_SCSI_T_EVENTS_MISSED;
	CHECK_EQ(virtio_scsi_event_decode(&e, 16, &ev), 0);
	CHECK_EQ(ev.action, VSCSI_EV_RESCAN_ALL);
	e.event = VIRTIO_SCSI_T_PARAM_CHANGE;
	e.reason = 0x3f | 0x0e << 8;
	CHECK_EQ(virtio_scsi_event_decode(&e, 16, &ev), 0);
	CHECK_EQ(ev.action, VSCSI_EV_TARGET_RESCAN);
	e.reason = 0x2a | 0x09 << 8;
	CHECK_EQ(virtio_scsi_event_decode(&e, 16, &ev), 0);
	CHECK_EQ(ev.action, VSCSI_EV_LUN_CHANGED);
	e.lun[0] = 0;
	CHECK_EQ(virtio_scsi_event_decode(&e, 16, &ev), -EINVAL);
	e.event = 77;
	CHECK_EQ(virtio_scsi_event_decode(&e, 16, &ev), -EINVAL);
}

UNIT_MAIN()
