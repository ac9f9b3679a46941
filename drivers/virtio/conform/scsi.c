// SPDX-License-Identifier: MIT
/* virtio-scsi conformance (virtio 1.2 §5.6) and the SCSI host's probe
 * request for the generic checks: TEST UNIT READY to target 0, LUN 0.
 * The matrix gives the host one disk there (scsi-hd, scsi-id=0, lun=0)
 * and nothing else: any other target is known not to exist. */
#include "conform.h"
#include <kern/errno.h>
#include <kern/printk.h>
#include <kern/time.h>
#include <string.h>

#define REQ_HDR         19      /* lun, id, task_attr, prio, crn: before the CDB */
#define RESP_HDR        VIRTIO_SCSI_RESP_HDR
#define SCSI_TUR        0x00
#define SCSI_INQUIRY    0x12
#define SCSI_GOOD       0x00
#define SCSI_CHECK      0x02
#define INQ_LEN         36
#define INQ_BUF         96

/* The request header for target/lun with a 6-byte CDB, cdb bytes after
 * REQ_HDR, the rest of the cdb_size bytes zero (§5.6.6.1: flat single
 * level LUN, first byte 1). */
static void req_fill(uint8_t *h, uint32_t cdb_size, unsigned target, unsigned lun,
		     const uint8_t *cdb, unsigned cdb_len)
{
	memset(h, 0, REQ_HDR + cdb_size);
	h[0] = 1;
	h[1] = (uint8_t)target;
	h[2] = lun ? (uint8_t)(0x40 | (lun >> 8)) : 0;
	h[3] = (uint8_t)lun;
	h[8] = 0x5c;            /* id: any tag */
	memcpy(h + REQ_HDR, cdb, cdb_len);
}

static uint32_t cfg32(struct cf_dev *d, unsigned off)
{
	uint32_t v = 0;

	d->vdev->ops->config_read(d->vdev, off, &v, 4);
	return v;
}

static uint16_t cfg16(struct cf_dev *d, unsigned off)
{
	uint16_t v = 0;

	d->vdev->ops->config_read(d->vdev, off, &v, 2);
	return v;
}

#define CFG(f)  offsetof(struct virtio_scsi_config, f)

/* A command's two driver-side buffers (§5.6.6.1): the request header of
 * REQ_HDR + cdb_size bytes, filled for target/lun with cdb (req_fill), and
 * the response of RESP_HDR + sense_size bytes for the device to write.
 * @return true with *h and *r, false when a buffer could not be had. */
static bool cmd_bufs(struct cf_dev *d, uint32_t cdb_size, uint32_t sense_size,
		     unsigned target, unsigned lun, const uint8_t *cdb, unsigned cdb_len,
		     struct cf_buf **h, struct cf_buf **r)
{
	*h = cf_buf(d, REQ_HDR + cdb_size, false);
	*r = cf_buf(d, RESP_HDR + sense_size, true);
	if (!*h || !*r)
		return false;
	req_fill((*h)->p, cdb_size, target, lun, cdb, cdb_len);
	return true;
}

int cf_scsi_probe(struct cf_dev *d, struct cf_probe *p, int layout)
{
	static const uint8_t tur[6] = { SCSI_TUR };
	uint32_t cdb = cfg32(d, CFG(cdb_size)), sense = cfg32(d, CFG(sense_size));

	if (cdb > 256 || sense > 256) {
		CF_DIAG("cdb_size %u / sense_size %u out of range: no probe", cdb, sense);
		return 0;
	}
	uint32_t hl = REQ_HDR + cdb, rl = RESP_HDR + sense;
	struct cf_buf *h, *r;
	struct cf_seg *s = p->seg;

	if (!cmd_bufs(d, cdb, sense, 0, 0, tur, sizeof(tur), &h, &r))
		return 0;
	p->q = VIRTIO_SCSI_VQ_REQ;
	p->data = p->status = r;
	p->in_total = rl;
	switch (layout) {
	case 0:         /* request | response */
		s[0] = (struct cf_seg){ h, 0, hl };
		s[1] = (struct cf_seg){ r, 0, rl };
		p->n_out = 1, p->n_in = 1;
		break;
	case 1:         /* the LUN apart, the response split after its header */
		s[0] = (struct cf_seg){ h, 0, 8 };
		s[1] = (struct cf_seg){ h, 8, hl - 8 };
		s[2] = (struct cf_seg){ r, 0, RESP_HDR };
		s[3] = (struct cf_seg){ r, RESP_HDR, rl - RESP_HDR };
		p->n_out = 2, p->n_in = 2;
		break;
	case 2:         /* the CDB alone; the response byte by byte at its start */
		s[0] = (struct cf_seg){ h, 0, REQ_HDR };
		s[1] = (struct cf_seg){ h, REQ_HDR, hl - REQ_HDR };
		s[2] = (struct cf_seg){ r, 0, 1 };
		s[3] = (struct cf_seg){ r, 1, 1 };
		s[4] = (struct cf_seg){ r, 2, rl - 2 };
		p->n_out = 2, p->n_in = 3;
		break;
	default:        /* halves */
		s[0] = (struct cf_seg){ h, 0, hl / 2 };
		s[1] = (struct cf_seg){ h, hl / 2, hl - hl / 2 };
		s[2] = (struct cf_seg){ r, 0, rl / 2 };
		s[3] = (struct cf_seg){ r, rl / 2, rl - rl / 2 };
		p->n_out = 2, p->n_in = 2;
		break;
	}
	return (int)(p->n_out + p->n_in);
}

bool cf_scsi_probe_ok(struct cf_dev *d, const struct cf_probe *p, uint32_t len)
{
	struct virtio_scsi_resp_cmd rc;

	(void)d;
	(void)len;
	memcpy(&rc, p->status->p, RESP_HDR);
	if (rc.response != VIRTIO_SCSI_S_OK) {
		CF_DIAG("TEST UNIT READY to target 0 LUN 0: response %u (expected 0, OK)",
			rc.response);
		return false;
	}
	return true;
}

static bool scsi_up(struct cf_dev *d)
{
	return !cf_up(d, 0);
}

/* One command: header (cdb_size from the configuration), optional data-out
 * of out bytes (zeroes), the response with sense_size bytes of sense,
 * optional data-in of in bytes. @return 0 with *rc and *data (the data-in
 * buffer, or NULL), or -errno (diagnosed). */
/* The used length of the last scsi_cmd_io. */
static uint32_t last_used;

static int scsi_cmd_io(struct cf_dev *d, unsigned target, unsigned lun, const uint8_t *cdb,
		       unsigned cdb_len, uint32_t out, uint32_t in,
		       struct virtio_scsi_resp_cmd *rc, struct cf_buf **data, uint32_t *sense_size)
{
	uint32_t cs = cfg32(d, CFG(cdb_size)), ss = cfg32(d, CFG(sense_size)), len;

	if (cs < 6 || cs > 256 || ss > 256) {
		CF_FAIL("cdb_size %u, sense_size %u: no request fits", cs, ss);
		return -EINVAL;
	}
	struct cf_buf *h, *r;
	if (!cmd_bufs(d, cs, ss, target, lun, cdb, cdb_len, &h, &r))
		return -ENOMEM;
	struct cf_buf *di = in ? cf_buf(d, in, true) : NULL;
	struct cf_buf *dout = out ? cf_buf(d, out, false) : NULL;
	struct cf_seg seg[4];
	unsigned n = 0;

	if ((in && !di) || (out && !dout))
		return -ENOMEM;
	seg[n++] = (struct cf_seg){ h, 0, REQ_HDR + cs };
	if (dout) {
		memset(dout->p, 0, out);
		seg[n++] = (struct cf_seg){ dout, 0, out };
	}
	unsigned n_out = n;
	seg[n++] = (struct cf_seg){ r, 0, RESP_HDR + ss };
	if (di)
		seg[n++] = (struct cf_seg){ di, 0, in };
	int e = cf_request(d, VIRTIO_SCSI_VQ_REQ, seg, n_out, n - n_out, &len);
	if (e)
		return e;
	memset(rc, 0, sizeof(*rc));
	memcpy(rc, r->p, RESP_HDR + MIN(ss, (uint32_t)VIRTIO_SCSI_SENSE_SIZE));
	if (data)
		*data = di;
	if (sense_size)
		*sense_size = ss;
	last_used = len;
	if (len > RESP_HDR + ss + in)
		CF_DIAG("used len %u > %u writable bytes (judged by 2.7.8.1-scsi-used-len-"
			"within-writable)", len, RESP_HDR + ss + in);
	return 0;
}

static int scsi_cmd(struct cf_dev *d, unsigned target, unsigned lun, const uint8_t *cdb,
		    unsigned cdb_len, uint32_t in, struct virtio_scsi_resp_cmd *rc,
		    struct cf_buf **data, uint32_t *sense_size)
{
	return scsi_cmd_io(d, target, lun, cdb, cdb_len, 0, in, rc, data, sense_size);
}

static bool sam_status(uint8_t st)
{
	static const uint8_t ok[] = { 0x00, 0x02, 0x04, 0x08, 0x10, 0x14, 0x18, 0x22, 0x28,
				      0x30, 0x40 };

	for (unsigned i = 0; i < ARRAY_SIZE(ok); i++)
		if (st == ok[i])
			return true;
	return false;
}

static const char *resp_name(uint8_t r)
{
	static const char *const n[] = { "OK", "OVERRUN", "ABORTED", "BAD_TARGET", "RESET",
					 "BUSY", "TRANSPORT_FAILURE", "TARGET_FAILURE",
					 "NEXUS_FAILURE", "FAILURE", "FUNCTION_SUCCEEDED",
					 "FUNCTION_REJECTED", "INCORRECT_LUN" };

	return r < ARRAY_SIZE(n) ? n[r] : "not a response";
}

/* A target no device sits on: past max_target when there is room, else
 * one the matrix leaves empty. */
static unsigned absent_target(struct cf_dev *d)
{
	uint16_t mt = cfg16(d, CFG(max_target));

	return mt < 255 ? mt + 1u : 200u;
}

CONFORM_CHECK(scsi_cfg, "5.6.4-config-fields-sane", "num_queues >= 1, seg_max >= 1, max_sectors >= 1, cmd_per_lun >= 1; max_channel 0, max_target <= 255, max_lun <= 16383 (SHOULDs: diagnosed)", CF_SCSI, CF_ALL)
{
	if (cf_start(d, 0))
		return;
	uint32_t nq = cfg32(d, CFG(num_queues)), sm = cfg32(d, CFG(seg_max));
	uint32_t ms = cfg32(d, CFG(max_sectors)), cpl = cfg32(d, CFG(cmd_per_lun));
	uint32_t eis = cfg32(d, CFG(event_info_size)), ml = cfg32(d, CFG(max_lun));
	uint16_t mc = cfg16(d, CFG(max_channel)), mt = cfg16(d, CFG(max_target));

	CF_DIAG("num_queues %u seg_max %u max_sectors %u cmd_per_lun %u event_info_size %u "
		"max_channel %u max_target %u max_lun %u", nq, sm, ms, cpl, eis, mc, mt, ml);
	if (nq < 1)
		CF_FAIL("num_queues %u: a device has at least one request queue (5.6.2)", nq);
	if (sm < 1 || ms < 1 || cpl < 1)
		CF_FAIL("seg_max %u / max_sectors %u / cmd_per_lun %u: 0 leaves the driver no "
			"request to send (5.6.4)", sm, ms, cpl);
	if (mc)
		CF_DIAG("max_channel %u (5.6.4: SHOULD be 0)", mc);
	if (mt > 255)
		CF_DIAG("max_target %u (5.6.4: SHOULD be <= 255)", mt);
	if (ml > 16383)
		CF_DIAG("max_lun %u (5.6.4: SHOULD be <= 16383)", ml);
}

CONFORM_CHECK(scsi_defaults, "5.6.4.2-sense-cdb-size-reset-defaults", "sense_size reads 96 and cdb_size 32 after a reset; values the driver writes (64, 16) read back and are undone by the next reset", CF_SCSI, CF_ALL)
{
	if (cf_start(d, 0))
		return;
	uint32_t ss = cfg32(d, CFG(sense_size)), cs = cfg32(d, CFG(cdb_size));
	if (ss != VIRTIO_SCSI_SENSE_SIZE || cs != VIRTIO_SCSI_CDB_SIZE)
		CF_FAIL("after a reset sense_size %u, cdb_size %u (5.6.4.2: MUST be 96 and 32)", ss,
			cs);
	uint32_t w_ss = 64, w_cs = 16;
	d->vdev->ops->config_write(d->vdev, CFG(sense_size), &w_ss, 4);
	d->vdev->ops->config_write(d->vdev, CFG(cdb_size), &w_cs, 4);
	ss = cfg32(d, CFG(sense_size));
	cs = cfg32(d, CFG(cdb_size));
	if (ss != w_ss || cs != w_cs)
		CF_FAIL("wrote sense_size 64 and cdb_size 16, read %u and %u (5.6.4: the driver can "
			"modify them)", ss, cs);
	if (cf_start(d, 0))
		return;
	ss = cfg32(d, CFG(sense_size));
	cs = cfg32(d, CFG(cdb_size));
	if (ss != VIRTIO_SCSI_SENSE_SIZE || cs != VIRTIO_SCSI_CDB_SIZE)
		CF_FAIL("after the next reset sense_size %u, cdb_size %u (5.6.4.2: MUST set 96 and "
			"32 on reset)", ss, cs);
	else
		CF_DIAG("96/32 after a reset, 64/16 read back once written, 96/32 after the next "
			"reset");
}

CONFORM_CHECK(scsi_bad_target, "5.6.6.1.1-bad-target-response", "a TEST UNIT READY to a target that does not exist gets response BAD_TARGET", CF_SCSI, CF_ALL)
{
	static const uint8_t tur[6] = { SCSI_TUR };
	struct virtio_scsi_resp_cmd rc;

	if (!scsi_up(d))
		return;
	unsigned t = absent_target(d);
	if (scsi_cmd(d, t, 0, tur, sizeof(tur), 0, &rc, NULL, NULL))
		return;
	if (rc.response != VIRTIO_SCSI_S_BAD_TARGET)
		CF_FAIL("target %u (none there): response %u (%s), status %#x; 5.6.6.1.1: "
			"BAD_TARGET when the target does not exist", t, rc.response,
			resp_name(rc.response), rc.status);
	else
		CF_DIAG("target %u: BAD_TARGET", t);
}

CONFORM_CHECK(scsi_tur, "5.6.6.1.1-response-and-sam-status", "TEST UNIT READY to target 0 LUN 0: response OK with a SAM status byte, sense_len <= sense_size, residual 0 (no data)", CF_SCSI, CF_ALL)
{
	static const uint8_t tur[6] = { SCSI_TUR };
	struct virtio_scsi_resp_cmd rc;
	uint32_t ss;

	if (!scsi_up(d))
		return;
	/* The first command may meet a unit attention (CHECK CONDITION
	 * with sense): both answers are looked at. */
	for (int i = 0; i < 2; i++) {
		if (scsi_cmd(d, 0, 0, tur, sizeof(tur), 0, &rc, NULL, &ss))
			return;
		CF_DIAG("TUR %d: response %u (%s) status %#x sense_len %u residual %u", i,
			rc.response, resp_name(rc.response), rc.status, rc.sense_len,
			rc.residual);
		if (rc.response != VIRTIO_SCSI_S_OK)
			CF_FAIL("response %u (%s) for the disk at target 0 LUN 0 (OK expected: the "
				"request was completed)", rc.response, resp_name(rc.response));
		else if (!sam_status(rc.status))
			CF_FAIL("status %#x is not a SAM status code (5.6.6.1.1)", rc.status);
		if (rc.sense_len > ss)
			CF_FAIL("sense_len %u > sense_size %u (5.6.6.1: bytes written to sense)",
				rc.sense_len, ss);
		if (rc.residual)
			CF_FAIL("residual %u for a command without data (data_length 0)",
				rc.residual);
	}
}

CONFORM_CHECK(scsi_inq, "5.6.6.1-residual-within-transfer", "INQUIRY of 36 bytes into 96 bytes of data-in: response OK, GOOD, residual <= 96 and the 96 - residual bytes transferred were written", CF_SCSI, CF_ALL)
{
	static const uint8_t inq[6] = { SCSI_INQUIRY, 0, 0, 0, INQ_LEN, 0 };
	struct virtio_scsi_resp_cmd rc;
	struct cf_buf *di;

	if (!scsi_up(d))
		return;
	if (scsi_cmd(d, 0, 0, inq, sizeof(inq), INQ_BUF, &rc, &di, NULL))
		return;
	CF_DIAG("response %u (%s) status %#x residual %u, peripheral type %#x", rc.response,
		resp_name(rc.response), rc.status, rc.residual, di->p[0]);
	if (rc.response != VIRTIO_SCSI_S_OK || rc.status != SCSI_GOOD) {
		CF_FAIL("INQUIRY to target 0 LUN 0: response %u (%s), status %#x (OK, GOOD "
			"expected)", rc.response, resp_name(rc.response), rc.status);
		return;
	}
	if (rc.residual > INQ_BUF) {
		CF_FAIL("residual %u > the %u bytes of data-in (data_length - transferred)",
			rc.residual, INQ_BUF);
		return;
	}
	for (uint32_t i = 0; i < INQ_BUF - rc.residual; i++)
		if (di->p[i] == CF_CANARY) {
			CF_FAIL("residual %u says %u bytes were transferred, but byte %u was never "
				"written", rc.residual, INQ_BUF - rc.residual, i);
			return;
		}
}

CONFORM_CHECK(scsi_sense, "5.6.6.1-sense-len-within-sense-size", "with sense_size written to 8, a command to a LUN that does not exist gets sense_len <= 8 and nothing written past the 8 sense bytes", CF_SCSI, CF_ALL)
{
	static const uint8_t tur[6] = { SCSI_TUR };
	struct virtio_scsi_resp_cmd rc;
	uint32_t ss = 8;

	if (cf_start(d, 0))
		return;
	d->vdev->ops->config_write(d->vdev, CFG(sense_size), &ss, 4);
	if (cfg32(d, CFG(sense_size)) != ss) {
		CF_SKIP("n/a: sense_size does not take the value 8 (read %u)",
			cfg32(d, CFG(sense_size)));
		return;
	}
	if (cf_queues(d))
		return;
	cf_driver_ok(d);
	/* LUN 3 of target 0: no such unit; SCSI says CHECK CONDITION with
	 * LOGICAL UNIT NOT SUPPORTED (18 bytes of fixed sense) or the device
	 * answers BAD_TARGET/INCORRECT_LUN: either way nothing past 8. */
	if (scsi_cmd(d, 0, 3, tur, sizeof(tur), 0, &rc, NULL, &ss))
		return;
	CF_DIAG("LUN 3: response %u (%s) status %#x sense_len %u", rc.response,
		resp_name(rc.response), rc.status, rc.sense_len);
	if (rc.sense_len > ss)
		CF_FAIL("sense_len %u > sense_size %u (the device writes at most sense_size "
			"bytes of sense, 5.6.4)", rc.sense_len, ss);
}

CONFORM_CHECK(scsi_tmf, "5.6.6.2-tmf-answered", "a LOGICAL UNIT RESET for a target that does not exist is answered on the controlq with a defined response (BAD_TARGET expected)", CF_SCSI, CF_ALL)
{
	struct cf_buf *req, *resp;
	uint32_t len;

	if (!scsi_up(d) || !(req = cf_buf(d, sizeof(struct virtio_scsi_ctrl_tmf), false)) ||
	    !(resp = cf_buf(d, 1, true)))
		return;
	unsigned t = absent_target(d);
	struct virtio_scsi_ctrl_tmf tmf = {
		.type = VIRTIO_SCSI_T_TMF, .subtype = VIRTIO_SCSI_T_TMF_LOGICAL_UNIT_RESET,
		.lun = { 1, (uint8_t)t }, .id = 0,
	};
	memcpy(req->p, &tmf, sizeof(tmf));
	struct cf_seg s[2] = { { req, 0, sizeof(tmf) }, { resp, 0, 1 } };
	if (cf_request(d, VIRTIO_SCSI_VQ_CTRL, s, 1, 1, &len))
		return;
	uint8_t r = resp->p[0];
	CF_DIAG("target %u: response %u (%s), used len %u", t, r, resp_name(r), len);
	if (r == CF_CANARY)
		CF_FAIL("the response byte was never written (used len %u)", len);
	else if (r > VIRTIO_SCSI_S_INCORRECT_LUN || (r >= 1 && r <= 2) || r == 4)
		CF_FAIL("response %u is not one 5.6.6.2 defines for a TMF", r);
	else if (r != VIRTIO_SCSI_S_BAD_TARGET)
		CF_DIAG("not BAD_TARGET (allowed: the function's outcome is the device's)");
}

/* ---- the eventq (§5.6.6.3) ---- */

struct scsi_event {
	uint32_t event;
	uint8_t lun[8];
	uint32_t reason;
} __packed;

/* n event buffers of event_info_size bytes (at least an event's 16, at
 * most a page). @return false when one could not be had. */
static bool ev_bufs(struct cf_dev *d, struct cf_buf **ev, unsigned n)
{
	uint32_t sz = MAX(cfg32(d, CFG(event_info_size)), (uint32_t)sizeof(struct scsi_event));

	for (unsigned i = 0; i < n; i++)
		if (!(ev[i] = cf_buf(d, MIN(sz, 4096u), true)))
			return false;
	return true;
}

/* Post the n buffers of ev on the eventq, one descriptor each (heads 0, 1,
 * ... in order on a fresh ring), and notify. */
static void ev_post(struct cf_dev *d, struct cf_buf **ev, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct cf_seg s = { ev[i], 0, ev[i]->len };
		cf_avail(d, VIRTIO_SCSI_VQ_EVENT, cf_chain(d, VIRTIO_SCSI_VQ_EVENT, &s, 0, 1));
	}
	cf_kick(d, VIRTIO_SCSI_VQ_EVENT);
}

CONFORM_CHECK(scsi_event, "5.6.6.3-event-buffers-accepted", "four event buffers (event_info_size bytes) are taken without error; any used one holds a defined event; a request is still answered", CF_SCSI, CF_ALL)
{
	static const uint8_t tur[6] = { SCSI_TUR };
	struct virtio_scsi_resp_cmd rc;
	struct cf_buf *ev[4];

	if (!scsi_up(d))
		return;
	if (!ev_bufs(d, ev, 4))
		return;
	uint32_t sz = ev[0]->len, info = cfg32(d, CFG(event_info_size));
	if (sz != info)
		CF_DIAG("event_info_size %u: posting %u-byte buffers", info, sz);
	ev_post(d, ev, 4);
	if (scsi_cmd(d, 0, 0, tur, sizeof(tur), 0, &rc, NULL, NULL))
		return;
	if (d->vdev->ops->get_status(d->vdev) & VIRTIO_STATUS_NEEDS_RESET) {
		CF_FAIL("DEVICE_NEEDS_RESET after four event buffers");
		return;
	}
	uint16_t got = (uint16_t)(READ_ONCE(d->vq[VIRTIO_SCSI_VQ_EVENT]->used->idx) -
				  d->used_seen[VIRTIO_SCSI_VQ_EVENT]);
	for (unsigned i = 0; i < got && i < 4; i++) {
		struct vring_used_elem e = cf_used(d, VIRTIO_SCSI_VQ_EVENT, i);
		uint32_t evt = 0;
		if (e.len > sz)
			CF_FAIL("event buffer used with len %u > %u", e.len, sz);
		if (e.id < 4)
			memcpy(&evt, ev[e.id]->p, 4);
		/* §5.6.6.3: NO_EVENT 0, TRANSPORT_RESET 1, ASYNC_NOTIFY 2,
		 * PARAM_CHANGE 3; bit 31 = events missed. */
		if ((evt & 0x7fffffffu) > 3)
			CF_FAIL("event %#x is none 5.6.6.3 defines", evt);
		CF_DIAG("event buffer %u used: event %#x, len %u", e.id, evt, e.len);
	}
	CF_DIAG("%u of 4 event buffers used; TUR response %u", got, rc.response);
}

CONFORM_CHECK(scsi_overrun, "5.6.6.1.1-overrun-response", "a READ(10) of 8 sectors (4096 bytes) from LUN 0 with only 512 bytes of data-in gets response OVERRUN", CF_SCSI, CF_ALL)
{
	/* READ(10): LBA 0, transfer length 8 blocks of 512 bytes. */
	static const uint8_t rd[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0 };
	struct virtio_scsi_resp_cmd rc;
	static const uint8_t tur[6] = { SCSI_TUR };

	if (!scsi_up(d))
		return;
	/* Past the unit attention of a fresh disk first. */
	if (scsi_cmd(d, 0, 0, tur, sizeof(tur), 0, &rc, NULL, NULL) ||
	    scsi_cmd(d, 0, 0, rd, sizeof(rd), 512, &rc, NULL, NULL))
		return;
	CF_DIAG("response %u (%s) status %#x residual %u", rc.response, resp_name(rc.response),
		rc.status, rc.residual);
	if (rc.response != VIRTIO_SCSI_S_OVERRUN)
		CF_FAIL("a CDB asking for 4096 bytes with 512 of data-in: response %u (%s); 5.6.6.1.1: "
			"OVERRUN when the CDB requires more data than the buffers hold", rc.response,
			resp_name(rc.response));
}

CONFORM_CHECK(scsi_inout, "5.6.6.1.1-inout-without-feature-failure", "without VIRTIO_SCSI_F_INOUT, a request with both data-out and data-in buffers is returned with response FAILURE", CF_SCSI, CF_ALL)
{
	static const uint8_t tur[6] = { SCSI_TUR };
	struct virtio_scsi_resp_cmd rc;

	if (!scsi_up(d))
		return;
	if (d->features & VIRTIO_BIT(VIRTIO_SCSI_F_INOUT)) {
		CF_SKIP("n/a: INOUT negotiated");
		return;
	}
	if (scsi_cmd_io(d, 0, 0, tur, sizeof(tur), 512, 512, &rc, NULL, NULL))
		return;
	CF_DIAG("response %u (%s) status %#x", rc.response, resp_name(rc.response), rc.status);
	if (rc.response != VIRTIO_SCSI_S_FAILURE)
		CF_FAIL("a request with data-out and data-in, INOUT not negotiated: response %u (%s), "
			"not FAILURE (5.6.6.1.1)", rc.response, resp_name(rc.response));
}

CONFORM_CHECK(scsi_cdb16, "5.6.4-cdb-size-written-used", "with cdb_size written to 16 (sense_size 32), requests laid out with the new sizes are understood: TEST UNIT READY answered OK, INQUIRY data where the new layout puts it", CF_SCSI, CF_ALL)
{
	static const uint8_t tur[6] = { SCSI_TUR };
	static const uint8_t inq[6] = { SCSI_INQUIRY, 0, 0, 0, INQ_LEN, 0 };
	struct virtio_scsi_resp_cmd rc;
	struct cf_buf *di;
	uint32_t cs = 16, ss = 32;

	if (cf_start(d, 0))
		return;
	d->vdev->ops->config_write(d->vdev, CFG(cdb_size), &cs, 4);
	d->vdev->ops->config_write(d->vdev, CFG(sense_size), &ss, 4);
	if (cfg32(d, CFG(cdb_size)) != cs || cfg32(d, CFG(sense_size)) != ss) {
		CF_SKIP("n/a: cdb_size/sense_size do not take 16/32 (read %u/%u)",
			cfg32(d, CFG(cdb_size)), cfg32(d, CFG(sense_size)));
		return;
	}
	if (cf_queues(d))
		return;
	cf_driver_ok(d);
	for (int i = 0; i < 2; i++) {
		if (scsi_cmd(d, 0, 0, tur, sizeof(tur), 0, &rc, NULL, NULL))
			return;
		if (rc.response != VIRTIO_SCSI_S_OK) {
			CF_FAIL("TUR with a 35-byte request header (cdb_size 16): response %u (%s)",
				rc.response, resp_name(rc.response));
			return;
		}
	}
	if (scsi_cmd(d, 0, 0, inq, sizeof(inq), INQ_BUF, &rc, &di, NULL))
		return;
	CF_DIAG("INQUIRY: response %u status %#x residual %u, data byte 0 %#x byte 2 %#x",
		rc.response, rc.status, rc.residual, di->p[0], di->p[2]);
	if (rc.response != VIRTIO_SCSI_S_OK || rc.status != SCSI_GOOD)
		CF_FAIL("INQUIRY with cdb_size 16, sense_size 32: response %u (%s), status %#x",
			rc.response, resp_name(rc.response), rc.status);
	else if (di->p[0] == CF_CANARY || di->p[4] == CF_CANARY)
		CF_FAIL("INQUIRY data not at the start of data-in (after 12 + 32 response bytes): "
			"the device did not use the sense_size written");
}

CONFORM_CHECK(scsi_ulen, "2.7.8.1-scsi-used-len-bytes-written", "used len of an INQUIRY (36 of 96 data-in bytes) covers only bytes written, and of a request with data-out and data-in (refused without INOUT) at most the device-writable bytes (legacy: ignored, 5.6.6.0.1)", CF_SCSI, CF_ALL)
{
	static const uint8_t tur[6] = { SCSI_TUR };
	static const uint8_t inq[6] = { SCSI_INQUIRY, 0, 0, 0, INQ_LEN, 0 };
	struct virtio_scsi_resp_cmd rc;
	uint32_t ss;

	if (d->vdev->legacy) {
		CF_SKIP("n/a: legacy interface (5.6.6.0.1: the driver ignores used lengths; devices "
			"historically put the total descriptor length there)");
		return;
	}
	if (!scsi_up(d))
		return;
	struct cf_buf *di;
	if (scsi_cmd(d, 0, 0, inq, sizeof(inq), INQ_BUF, &rc, &di, &ss))
		return;
	uint32_t w = RESP_HDR + ss + INQ_BUF;
	if (last_used > w) {
		CF_FAIL("INQUIRY: used len %u > %u writable bytes (2.7.8.1: MUST write at least len "
			"bytes)", last_used, w);
	} else {
		/* The data-in bytes len claims: standard INQUIRY data (flags,
		 * ASCII) never holds the canary byte, so one still there was
		 * never written. */
		uint32_t claim = last_used > RESP_HDR + ss ? last_used - RESP_HDR - ss : 0, n = 0;
		for (uint32_t i = 0; i < claim && i < INQ_BUF; i++)
			n += di->p[i] == CF_CANARY;
		CF_DIAG("INQUIRY: used len %u of %u writable, residual %u", last_used, w,
			rc.residual);
		if (n)
			CF_FAIL("INQUIRY: used len %u claims %u bytes of data-in, but %u of them were "
				"never written (residual %u; 2.7.8.1: MUST write at least len bytes)",
				last_used, claim, n, rc.residual);
	}
	if (scsi_cmd_io(d, 0, 0, tur, sizeof(tur), 512, 512, &rc, NULL, &ss))
		return;
	w = RESP_HDR + ss + 512;
	if (last_used > w)
		CF_FAIL("data-out and data-in of 512 bytes each (response %u): used len %u > %u "
			"writable bytes (the device-readable bytes counted too; 2.7.8.1)", rc.response,
			last_used, w);
}

/* ---- hot-plug: the host plugs a disk into target 1, or unplugs it ---- */

#define HP_TARGET       1
#define HP_WAIT_MS      5000u   /* the host's round trip through QMP */
#define EVT_MISSED      0x80000000u
#define EVT_RESET       1u      /* VIRTIO_SCSI_T_TRANSPORT_RESET */
#define RESET_RESCAN    1u
#define RESET_REMOVED   2u

/* Is there a unit at target 1 (anything but BAD_TARGET)? -1 when the
 * request failed (diagnosed). */
static int hp_present(struct cf_dev *d)
{
	static const uint8_t tur[6] = { SCSI_TUR };
	struct virtio_scsi_resp_cmd rc;

	if (scsi_cmd(d, HP_TARGET, 0, tur, sizeof(tur), 0, &rc, NULL, NULL))
		return -1;
	return rc.response != VIRTIO_SCSI_S_BAD_TARGET;
}

/* Ask the host to plug or unplug target 1 and wait until requests see it
 * changed: QEMU queues the event before QMP answers, so it is in the
 * eventq (or dropped) by then. @return true when it changed; false, with
 * a skip, when the host did nothing. */
static bool hp_toggle(struct cf_dev *d, int *now)
{
	int was = hp_present(d);

	if (was < 0)
		return false;
	kprintf("# conform: host: scsi-hotplug %s %s\n", d->vdev->name, d->vdev->bus_id);
	uint64_t end = time_ns() + (uint64_t)HP_WAIT_MS * 1000000u;
	while (time_ns() < end) {
		int p = hp_present(d);
		if (p < 0)
			return false;
		if (p != was) {
			*now = p;
			cf_delay_ms(CF_QUIET_MS);
			return true;
		}
		cf_delay_ms(20);
	}
	CF_SKIP("target %u did not change within %u ms: the host plugged nothing (a runner "
		"without QMP)", HP_TARGET, HP_WAIT_MS);
	return false;
}

/* The next used event buffer, if one comes within ms. */
static bool ev_next(struct cf_dev *d, struct cf_buf **ev, unsigned n, unsigned ms,
		    struct scsi_event *out, uint32_t *len)
{
	if (cf_wait_used(d, VIRTIO_SCSI_VQ_EVENT, 1, ms))
		return false;
	struct vring_used_elem e = cf_used(d, VIRTIO_SCSI_VQ_EVENT, 0);
	cf_consume(d, VIRTIO_SCSI_VQ_EVENT, 1);
	/* Heads are 0, 1, ... in posting order: one descriptor each, and
	 * the ring cleared by the set-up. */
	uint16_t i = (uint16_t)(e.id % n);
	memcpy(out, ev[i]->p, sizeof(*out));
	*len = e.len;
	return true;
}

static bool hp_up(struct cf_dev *d, bool hotplug)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_SCSI_F_HOTPLUG);

	if (cf_start(d, hotplug ? f : 0))
		return false;
	if (hotplug && !(d->features & f)) {
		CF_SKIP("n/a: VIRTIO_SCSI_F_HOTPLUG not offered");
		return false;
	}
	if (cf_queues(d))
		return false;
	cf_driver_ok(d);
	return true;
}

/* The set-up of the hot-plug checks: the device up (with HOTPLUG or
 * without), four event buffers, and target 1 toggled by the host, with the
 * buffers posted before the change (posted_first) or only after it (an
 * event the device had no buffer for). @return true with *now (1: plugged,
 * 0: unplugged); false when a step failed or skipped. */
static bool hp_setup(struct cf_dev *d, bool hotplug, bool posted_first, struct cf_buf **ev,
		     int *now)
{
	if (!hp_up(d, hotplug) || !ev_bufs(d, ev, 4))
		return false;
	if (posted_first)
		ev_post(d, ev, 4);
	if (!hp_toggle(d, now))
		return false;
	if (!posted_first)
		ev_post(d, ev, 4);
	return true;
}

CONFORM_CHECK(scsi_hp_event, "5.6.6.3-hotplug-transport-reset-event", "with HOTPLUG, a disk plugged into (or unplugged from) target 1 by the host brings TRANSPORT_RESET for target 1 with reason RESCAN (REMOVED), if any event comes", CF_SCSI, CF_ALL)
{
	struct cf_buf *ev[4];
	struct scsi_event e;
	uint32_t len;
	int now;

	if (!hp_setup(d, true, true, ev, &now))
		return;
	if (!ev_next(d, ev, 4, CF_QUIET_MS * 5, &e, &len)) {
		CF_DIAG("target %u %s, no event (the spec says these events can happen: not "
			"failed)", HP_TARGET, now ? "plugged" : "unplugged");
		return;
	}
	CF_DIAG("target %u %s: event %#x lun %02x %02x %02x %02x reason %u, len %u", HP_TARGET,
		now ? "plugged" : "unplugged", e.event, e.lun[0], e.lun[1], e.lun[2], e.lun[3],
		e.reason, len);
	if ((e.event & ~EVT_MISSED) != EVT_RESET)
		CF_FAIL("event %#x, not TRANSPORT_RESET, for a disk %s", e.event,
			now ? "plugged" : "unplugged");
	else if (e.lun[0] != 1 || e.lun[1] != HP_TARGET)
		CF_FAIL("TRANSPORT_RESET for lun %02x %02x, not target %u where the disk %s",
			e.lun[0], e.lun[1], HP_TARGET, now ? "came" : "went");
	else if (e.reason != (now ? RESET_RESCAN : RESET_REMOVED))
		CF_FAIL("TRANSPORT_RESET reason %u for a disk %s (%s expected)", e.reason,
			now ? "plugged" : "unplugged", now ? "RESCAN 1" : "REMOVED 2");
}

CONFORM_CHECK(scsi_hp_missed, "5.6.6.3.2-events-missed-bit", "with HOTPLUG and no event buffer, the host plugs or unplugs target 1: the next event (once buffers come) has bit 31 set", CF_SCSI, CF_ALL)
{
	struct cf_buf *ev[4];
	struct scsi_event e;
	uint32_t len;
	int now;

	if (!hp_setup(d, true, false, ev, &now))
		return;
	if (!ev_next(d, ev, 4, CF_QUIET_MS * 5, &e, &len)) {
		/* No NO_EVENT report (a MAY): the next real event carries the bit. */
		if (!hp_toggle(d, &now))
			return;
		if (!ev_next(d, ev, 4, CF_QUIET_MS * 5, &e, &len)) {
			CF_DIAG("no event at all, neither for the lost one nor for the next change "
				"(not failed: events can happen)");
			return;
		}
	}
	CF_DIAG("first event after the lost one: %#x reason %u", e.event, e.reason);
	if (!(e.event & EVT_MISSED))
		CF_FAIL("event %#x after an event was lost for want of buffers: bit 31 clear "
			"(5.6.6.3.2: MUST set it)", e.event);
}

CONFORM_CHECK(scsi_hp_nofeat, "5.6.6.3.2-no-hotplug-events-without-feature", "without HOTPLUG negotiated, a disk plugged into (or unplugged from) target 1 brings no TRANSPORT_RESET with reason RESCAN or REMOVED", CF_SCSI, CF_ALL)
{
	struct cf_buf *ev[4];
	struct scsi_event e;
	uint32_t len;
	int now;

	if (!hp_setup(d, false, true, ev, &now))
		return;
	while (ev_next(d, ev, 4, CF_QUIET_MS * 5, &e, &len)) {
		CF_DIAG("event %#x reason %u", e.event, e.reason);
		if ((e.event & ~EVT_MISSED) == EVT_RESET &&
		    (e.reason == RESET_RESCAN || e.reason == RESET_REMOVED))
			CF_FAIL("TRANSPORT_RESET reason %u without HOTPLUG negotiated (5.6.6.3.2: MUST "
				"NOT)", e.reason);
	}
}
