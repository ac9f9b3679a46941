#!/bin/sh
# SPDX-License-Identifier: MIT
# Post hook for read-only cases: the read-only image is exactly as the pre
# hook (vblk_pre.sh) made it, whatever the guest tried.
set -e
. "${ROOT:-.}/tests/hooks/blkpattern.sh"
blkpattern check "$T/ro.img" 0 128K 0x1234
blkpattern zero "$T/ro.img" 128K 8064K
echo "vblk_post_ro: read-only image untouched"
