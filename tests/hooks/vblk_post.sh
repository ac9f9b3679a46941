#!/bin/sh
# SPDX-License-Identifier: MIT
# Post hook for the virtio-blk cases: after QEMU exits, check what the guest
# wrote (virtio_blk_guest_write: [128K, 256K), seed 0xbeef on vda, 0xbef0 on
# vdb) and that the host's first 128 KiB and the read-only image are untouched.
# vdb's image is checked in cases whose name says they attach two writable
# disks ("2disk").
set -e
. "${ROOT:-.}/tests/hooks/blkpattern.sh"
blkpattern check "$T/disk0.img" 0 128K 0x1234
blkpattern check "$T/disk0.img" 128K 128K 0xbeef
case "$T" in
*2disk*)
	blkpattern check "$T/disk1.img" 0 128K 0x5678
	blkpattern check "$T/disk1.img" 128K 128K 0xbef0
	;;
esac
blkpattern check "$T/ro.img" 0 128K 0x1234
blkpattern zero "$T/ro.img" 128K 8064K
echo "vblk_post: images as expected"
