#!/bin/sh
# SPDX-License-Identifier: MIT
# Post hook for the virtio-blk cases: after QEMU exits, check what the guest
# wrote (virtio_blk_guest_write: second MiB, seed 0xbeef on vda, 0xbef0 on
# vdb) and that the host's first MiB and the read-only image are untouched.
# vdb's image is checked in cases whose name says they attach two writable
# disks ("2disk").
set -e
. "${ROOT:-.}/tests/hooks/blkpattern.sh"
blkpattern check "$T/disk0.img" 0 1M 0x1234
blkpattern check "$T/disk0.img" 1M 1M 0xbeef
case "$T" in
*2disk*)
	blkpattern check "$T/disk1.img" 0 1M 0x5678
	blkpattern check "$T/disk1.img" 1M 1M 0xbef0
	;;
esac
blkpattern check "$T/ro.img" 0 1M 0x1234
blkpattern zero "$T/ro.img" 1M 7M
echo "vblk_post: images as expected"
