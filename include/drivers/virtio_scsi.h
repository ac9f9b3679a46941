/* SPDX-License-Identifier: MIT */
/* virtio-scsi (virtio 1.2 §5.6): the device's layouts and the pure checks of
 * what it sends back (drivers/virtio/scsi_resp.c, host unit-tested and
 * fuzzed). The driver (drivers/virtio/scsi.c) carries the SCSI layer's
 * commands (<drivers/scsi_host.h>) over the request queue. */
#ifndef DRIVERS_VIRTIO_SCSI_H
#define DRIVERS_VIRTIO_SCSI_H

#include <kern/compiler.h>

#define VIRTIO_ID_SCSI                  8

/* Feature bits (§5.6.3). */
#define VIRTIO_SCSI_F_INOUT             0
#define VIRTIO_SCSI_F_HOTPLUG           1
#define VIRTIO_SCSI_F_CHANGE            2
#define VIRTIO_SCSI_F_T10_PI            3

/* Device configuration (§5.6.4). sense_size and cdb_size are writable. */
struct virtio_scsi_config {
	uint32_t num_queues;
	uint32_t seg_max;
	uint32_t max_sectors;
	uint32_t cmd_per_lun;
	uint32_t event_info_size;
	uint32_t sense_size;
	uint32_t cdb_size;
	uint16_t max_channel;
	uint16_t max_target;
	uint32_t max_lun;
};
_Static_assert(sizeof(struct virtio_scsi_config) == 36, "virtio 1.2 §5.6.4");

/* Queues (§5.6.2): controlq, eventq, then the request queues. */
#define VIRTIO_SCSI_VQ_CTRL             0
#define VIRTIO_SCSI_VQ_EVENT            1
#define VIRTIO_SCSI_VQ_REQ              2

#define VIRTIO_SCSI_CDB_SIZE            32
#define VIRTIO_SCSI_SENSE_SIZE          96

/* A request's device-readable header (§5.6.6.1). Its length is what the
 * device splits the readable bytes at, so no padding: 51 bytes. */
struct virtio_scsi_req_cmd {
	uint8_t lun[8];
	uint64_t id;
	uint8_t task_attr;
	uint8_t prio;
	uint8_t crn;
	uint8_t cdb[VIRTIO_SCSI_CDB_SIZE];
} __packed;
_Static_assert(sizeof(struct virtio_scsi_req_cmd) == 51, "virtio 1.2 §5.6.6.1");

/* Its device-writable response, before any data-in. */
struct virtio_scsi_resp_cmd {
	uint32_t sense_len;
	uint32_t residual;
	uint16_t status_qualifier;
	uint8_t status;
	uint8_t response;
	uint8_t sense[VIRTIO_SCSI_SENSE_SIZE];
};
_Static_assert(sizeof(struct virtio_scsi_resp_cmd) == 108, "virtio 1.2 §5.6.6.1");
#define VIRTIO_SCSI_RESP_HDR            12      /* up to the sense bytes */

#define VIRTIO_SCSI_S_SIMPLE            0       /* task_attr */

/* response (§5.6.6.1). */
#define VIRTIO_SCSI_S_OK                0
#define VIRTIO_SCSI_S_OVERRUN           1
#define VIRTIO_SCSI_S_ABORTED           2
#define VIRTIO_SCSI_S_BAD_TARGET        3
#define VIRTIO_SCSI_S_RESET             4
#define VIRTIO_SCSI_S_BUSY              5
#define VIRTIO_SCSI_S_TRANSPORT_FAILURE 6
#define VIRTIO_SCSI_S_TARGET_FAILURE    7
#define VIRTIO_SCSI_S_NEXUS_FAILURE     8
#define VIRTIO_SCSI_S_FAILURE           9
#define VIRTIO_SCSI_S_FUNCTION_SUCCEEDED 10
#define VIRTIO_SCSI_S_FUNCTION_REJECTED 11
#define VIRTIO_SCSI_S_INCORRECT_LUN     12

/* Task management on the control queue (§5.6.6.2). */
#define VIRTIO_SCSI_T_TMF               0
#define VIRTIO_SCSI_T_TMF_ABORT_TASK    0
#define VIRTIO_SCSI_T_TMF_LOGICAL_UNIT_RESET 5

struct virtio_scsi_ctrl_tmf {
	uint32_t type;
	uint32_t subtype;
	uint8_t lun[8];
	uint64_t id;
};
_Static_assert(sizeof(struct virtio_scsi_ctrl_tmf) == 24, "virtio 1.2 §5.6.6.2");

/* Events (§5.6.6.3). */
#define VIRTIO_SCSI_T_NO_EVENT          0
#define VIRTIO_SCSI_T_TRANSPORT_RESET   1
#define VIRTIO_SCSI_T_ASYNC_NOTIFY      2
#define VIRTIO_SCSI_T_PARAM_CHANGE      3
#define VIRTIO_SCSI_T_EVENTS_MISSED     0x80000000u
#define VIRTIO_SCSI_EVT_RESET_HARD      0
#define VIRTIO_SCSI_EVT_RESET_RESCAN    1
#define VIRTIO_SCSI_EVT_RESET_REMOVED   2

struct virtio_scsi_event {
	uint32_t event;
	uint8_t lun[8];
	uint32_t reason;
};
_Static_assert(sizeof(struct virtio_scsi_event) == 16, "virtio 1.2 §5.6.6.3");

/* ---- pure helpers (scsi_resp.c) --------------------------------------------- */

/* The 8-byte virtio-scsi LUN field (§5.6.6.1): 1, target, then the LUN in
 * flat space addressing (0x40 | lun >> 8, lun & 0xff). @return 0, -EINVAL
 * (target > 255 or lun > 16383). */
int virtio_scsi_lun_encode(uint16_t target, uint32_t lun, uint8_t out[8]);
/* The reverse, for events. @return 0, -EINVAL (byte 0 not 1, or a LUN in a
 * form other than flat or peripheral single-level). */
int virtio_scsi_lun_decode(const uint8_t in[8], uint16_t *target, uint32_t *lun);

/* What one command's response says (§5.6.6.1), checked against what was
 * posted: used is the used length from the ring (response + data-in),
 * xfer the data buffer's length, aborted whether the driver sent a TMF
 * (ABORT TASK, LUN reset) for it: then ABORTED and RESET mean -ETIMEDOUT. */
struct virtio_scsi_result {
	int host_err;           /* 0, or as struct scsi_cmd's host_err */
	uint8_t status;
	uint32_t sense_len;     /* <= VIRTIO_SCSI_SENSE_SIZE */
	uint32_t resid;         /* <= xfer */
	const char *why;        /* for a rule broken by the device, else NULL */
};
void virtio_scsi_resp_check(const struct virtio_scsi_resp_cmd *r, uint32_t used,
			    uint32_t xfer, bool aborted, struct virtio_scsi_result *out);

/* An event, decoded. */
enum virtio_scsi_ev_action {
	VSCSI_EV_NONE,          /* nothing to do (no event, hard reset, unknown) */
	VSCSI_EV_RESCAN_ALL,    /* events were missed: scan every target */
	VSCSI_EV_LUN_ADDED,
	VSCSI_EV_LUN_REMOVED,
	VSCSI_EV_TARGET_RESCAN, /* REPORTED LUNS DATA HAS CHANGED */
	VSCSI_EV_LUN_CHANGED,   /* CAPACITY DATA HAS CHANGED */
};
struct virtio_scsi_ev {
	enum virtio_scsi_ev_action action;
	uint16_t target;
	uint32_t lun;
};
/* len: the bytes the device wrote. Malformed events give VSCSI_EV_NONE
 * and @return -EINVAL; else 0. */
int virtio_scsi_event_decode(const struct virtio_scsi_event *e, uint32_t len,
			     struct virtio_scsi_ev *out);

#endif
