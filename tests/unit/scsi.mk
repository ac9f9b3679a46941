# SPDX-License-Identifier: MIT
# The SCSI layer's pure half (CDBs, sense, LUNs, INQUIRY/VPD, READ CAPACITY,
# MODE SENSE) and virtio-scsi's response and event checks.
UNIT_TESTS += scsi
UNIT_SRCS_scsi := tests/unit/test_scsi.c drivers/scsi/cdb.c drivers/scsi/sense.c \
	drivers/scsi/lun.c drivers/scsi/inquiry.c drivers/virtio/scsi_resp.c
