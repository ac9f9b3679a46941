#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre hook of the virtio-scsi timeout cases: the images (vscsi_pre.sh with
# the same arguments), and a skip on QEMU 10.0: there, an ABORT TASK for a
# command still in the block layer deadlocks QEMU's main loop (its TMF
# bottom half, in scsi_req_cancel_async, waits for a mutex its own thread
# holds: gdb on 10.0.2; the guest freezes, SIGTERM is not served; seen with
# null-co latency-ns and with throttling, irq and poll mode), while 7.2
# answers it.
set -e
"${ROOT:-.}/tests/hooks/vscsi_pre.sh" "$@"
v=$(qemu-system-x86_64 --version 2>/dev/null | sed -n 's/^QEMU emulator version \([0-9]*\.[0-9]*\).*/\1/p')
case "$v" in
10.0) echo "QEMU $v hangs on a virtio-scsi ABORT TASK of an in-flight command" > "$T/skip" ;;
esac
