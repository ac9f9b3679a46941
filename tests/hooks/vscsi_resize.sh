#!/bin/sh
# SPDX-License-Identifier: MIT
# During hook of vscsi_resize*: grow drive d0 to 16 MiB with QMP
# block_resize (QEMU tells the guest with a PARAM_CHANGE event), then wait
# for virtio_scsi_resize's verdict on the console.
set -e
python3 "$ROOT/tests/qmp.py" "$QMP" block_resize '{"device": "d0", "size": 16777216}'
i=0
while [ $i -lt 400 ]; do
	grep -q '^ok [0-9]* - virtio_scsi_resize' "$T/console.log" && exit 0
	grep -q '^not ok [0-9]* - virtio_scsi_resize' "$T/console.log" && exit 1
	sleep 0.1
	i=$((i + 1))
done
echo "no verdict from virtio_scsi_resize"
exit 1
