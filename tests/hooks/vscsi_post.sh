#!/bin/sh
# SPDX-License-Identifier: MIT
# Post hook for the virtio-scsi cases: after QEMU exits, each T:L argument's
# image (a writable LU) still has the host's pattern in [0, 128 KiB) and the
# guest's, seed 0x2000 + 256 T + L, in [128 KiB, 256 KiB). Arguments
# written ro:T:L are read-only LUs: untouched, zeroes after 128 KiB.
# depth:T:L[:N] is the LU virtio_scsi_depth wrote N (default 200) 4 KiB
# blocks of at 6 MiB, seed 0x3000 + 256 T + L, all in flight at once.
set -e
. "${ROOT:-.}/tests/hooks/blkpattern.sh"
for tl in "$@"; do
	ro=
	case "$tl" in
	ro:*) ro=1; tl=${tl#ro:} ;;
	depth:*)
		tl=${tl#depth:}
		t=${tl%%:*}
		rest=${tl#*:}
		l=${rest%%:*}
		n=200
		[ "$rest" != "$l" ] && n=${rest#*:}
		blkpattern check "$T/t${t}l${l}.img" 6M $((n * 4))K $((0x3000 + 256 * t + l))
		continue ;;
	esac
	t=${tl%%:*}
	l=${tl#*:}
	f="$T/t${t}l${l}.img"
	blkpattern check "$f" 0 128K $((0x1000 + 256 * t + l))
	if [ -n "$ro" ]; then
		blkpattern zero "$f" 128K 8064K
	else
		blkpattern check "$f" 128K 128K $((0x2000 + 256 * t + l))
	fi
done
echo "vscsi_post: images as expected"
