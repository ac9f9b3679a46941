#!/bin/sh
# SPDX-License-Identifier: MIT
# Print QEMU's accelerator arguments, chosen the way tests/run chooses
# (KVM where it works and is not slower than emulation; ACCEL=kvm|tcg forces).
case "${ACCEL:-}" in
kvm) echo "-accel kvm"; exit 0 ;;
tcg) echo "-accel tcg"; exit 0 ;;
esac
"$(dirname "$0")/../tests/run" --print-accel 2>/dev/null | tail -n 1 || echo "-accel tcg"
