#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre hook for the virtio-blk cases: make the disk images in $T.
#   disk0.img  8 MiB, first 128 KiB = pattern seed 0x1234 (vda: vblk.seed)
#   disk1.img  8 MiB, first 128 KiB = pattern seed 0x5678 (vdb: vblk.seed2)
#   ro.img     8 MiB, first 128 KiB = pattern seed 0x1234 (a read-only drive)
# The rest is zeroes. See tests/guest/virtio_blk.c for the layout.
set -e
. "${ROOT:-.}/tests/hooks/blkpattern.sh"
for img in disk0:0x1234 disk1:0x5678 ro:0x1234; do
	f="$T/${img%%:*}.img"
	rm -f "$f"
	blkpattern fill "$f" 0 128K "${img#*:}"
	truncate -s 8M "$f"
done
