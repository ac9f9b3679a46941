#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre hook for the virtio-scsi cases: for each T:L argument make $T/tTlL.img,
# 8 MiB whose first 128 KiB hold the block layer's pattern with seed
# 0x1000 + 256 T + L, zeroes after (tests/guest/virtio_scsi.c has the layout).
set -e
. "${ROOT:-.}/tests/hooks/blkpattern.sh"
for tl in "$@"; do
	t=${tl%%:*}
	l=${tl#*:}
	f="$T/t${t}l${l}.img"
	rm -f "$f"
	blkpattern fill "$f" 0 128K $((0x1000 + 256 * t + l))
	truncate -s 8M "$f"
done
