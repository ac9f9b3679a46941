// SPDX-License-Identifier: MIT
/* virtio-scsi's pure half (virtio 1.2 §5.6.6): the LUN field, the checks on
 * a command's response and the decoding of events. Everything here reads
 * memory the device wrote, so nothing it says is taken on trust: a sense
 * length past the sense buffer, a residual past the transfer or a response
 * shorter than its header fail the command (host_err -EIO with a reason),
 * never the caller's memory. Host unit-tested (tests/unit/test_scsi.c),
 * fuzzed (tests/fuzz/fuzz_scsi.c). */
#include <drivers/virtio_scsi.h>
#include <kern/errno.h>
#include <string.h>

int virtio_scsi_lun_encode(uint16_t target, uint32_t lun, uint8_t out[8])
{
	memset(out, 0, 8);
	if (target > 255 || lun > 0x3fff)
		return -EINVAL;
	out[0] = 1;
	out[1] = (uint8_t)target;
	out[2] = (uint8_t)(0x40 | lun >> 8);
	out[3] = (uint8_t)lun;
	return 0;
}

int virtio_scsi_lun_decode(const uint8_t in[8], uint16_t *target, uint32_t *lun)
{
	if (in[0] != 1)
		return -EINVAL;
	for (int i = 4; i < 8; i++)
		if (in[i])
			return -EINVAL;
	/* Bytes 2-3 are a single-level LUN: peripheral (00b) or flat (01b). */
	uint8_t method = in[2] >> 6;
	if (method > 1 || (method == 0 && (in[2] & 0x3f)))
		return -EINVAL;
	*target = in[1];
	*lun = (uint32_t)(in[2] & 0x3f) << 8 | in[3];
	return 0;
}

void virtio_scsi_resp_check(const struct virtio_scsi_resp_cmd *r, uint32_t used,
			    uint32_t xfer, bool aborted, struct virtio_scsi_result *out)
{
	memset(out, 0, sizeof(*out));
	out->host_err = -EIO;
	if (used < VIRTIO_SCSI_RESP_HDR) {
		out->why = "response shorter than its header";
		return;
	}
	uint32_t sense_len = READ_ONCE(r->sense_len);
	uint32_t resid = READ_ONCE(r->residual);
	switch (READ_ONCE(r->response)) {
	case VIRTIO_SCSI_S_OK:
		break;
	case VIRTIO_SCSI_S_ABORTED:
		/* Our own ABORT TASK after the timeout, or someone's reset. */
		out->host_err = aborted ? -ETIMEDOUT : -EAGAIN;
		return;
	case VIRTIO_SCSI_S_BAD_TARGET:
	case VIRTIO_SCSI_S_INCORRECT_LUN:
		out->host_err = -ENODEV;
		return;
	case VIRTIO_SCSI_S_RESET:
		/* Our own LOGICAL UNIT RESET after the timeout, or a reset
		 * that caught a command that may simply be sent again. */
		out->host_err = aborted ? -ETIMEDOUT : -EAGAIN;
		return;
	case VIRTIO_SCSI_S_BUSY:
		out->host_err = -EAGAIN;
		return;
	case VIRTIO_SCSI_S_OVERRUN:
	case VIRTIO_SCSI_S_TRANSPORT_FAILURE:
	case VIRTIO_SCSI_S_TARGET_FAILURE:
	case VIRTIO_SCSI_S_NEXUS_FAILURE:
	case VIRTIO_SCSI_S_FAILURE:
		return;
	default:
		out->why = "unknown response code";
		return;
	}
	if (sense_len > VIRTIO_SCSI_SENSE_SIZE) {
		out->why = "sense length past the sense buffer";
		return;
	}
	if (resid > xfer) {
		out->why = "residual beyond the transfer";
		return;
	}
	out->host_err = 0;
	out->status = READ_ONCE(r->status);
	out->sense_len = sense_len;
	out->resid = resid;
}

int virtio_scsi_event_decode(const struct virtio_scsi_event *e, uint32_t len,
			     struct virtio_scsi_ev *out)
{
	memset(out, 0, sizeof(*out));
	out->action = VSCSI_EV_NONE;
	if (len < sizeof(*e))
		return -EINVAL;
	uint32_t ev = READ_ONCE(e->event), reason = READ_ONCE(e->reason);
	uint8_t lunf[8];
	memcpy(lunf, e->lun, 8);
	/* §5.6.6.3: the device had events it could not deliver: only a full
	 * rescan can catch up. */
	if (ev & VIRTIO_SCSI_T_EVENTS_MISSED) {
		out->action = VSCSI_EV_RESCAN_ALL;
		return 0;
	}
	switch (ev) {
	case VIRTIO_SCSI_T_NO_EVENT:
	case VIRTIO_SCSI_T_ASYNC_NOTIFY:
		return 0;
	case VIRTIO_SCSI_T_TRANSPORT_RESET:
		if (virtio_scsi_lun_decode(lunf, &out->target, &out->lun))
			return -EINVAL;
		if (reason == VIRTIO_SCSI_EVT_RESET_RESCAN)
			out->action = VSCSI_EV_LUN_ADDED;
		else if (reason == VIRTIO_SCSI_EVT_RESET_REMOVED)
			out->action = VSCSI_EV_LUN_REMOVED;
		return 0;
	case VIRTIO_SCSI_T_PARAM_CHANGE:
		/* §5.6.6.3.3: reason holds the ASC (low byte) and ASCQ of the
		 * unit attention the change raised. */
		if (virtio_scsi_lun_decode(lunf, &out->target, &out->lun))
			return -EINVAL;
		if ((reason & 0xffff) == 0x0e3f)
			out->action = VSCSI_EV_TARGET_RESCAN;
		else if ((reason & 0xffff) == 0x092a)
			out->action = VSCSI_EV_LUN_CHANGED;
		return 0;
	default:
		return -EINVAL;
	}
}
