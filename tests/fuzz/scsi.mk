# SPDX-License-Identifier: MIT
# The SCSI layer's parsers of device answers (sense, REPORT LUNS, INQUIRY and
# VPD, READ CAPACITY, MODE SENSE) and virtio-scsi's response/event checks.
FUZZ_TARGETS += scsi
FUZZ_SRCS_scsi := tests/fuzz/fuzz_scsi.c drivers/scsi/cdb.c drivers/scsi/sense.c \
	drivers/scsi/lun.c drivers/scsi/inquiry.c drivers/virtio/scsi_resp.c
