#!/bin/sh
# SPDX-License-Identifier: MIT
# Print QEMU's accelerator arguments: KVM when /dev/kvm opens and really runs
# a guest, TCG otherwise. ACCEL=kvm|tcg forces one.
case "${ACCEL:-}" in
kvm) echo "-accel kvm"; exit 0 ;;
tcg) echo "-accel tcg"; exit 0 ;;
esac
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && command -v qemu-system-x86_64 >/dev/null 2>&1 &&
   timeout 10 qemu-system-x86_64 -accel kvm -machine none -nographic -S -monitor none \
	-display none -qmp stdio </dev/null >/dev/null 2>&1; then
	echo "-accel kvm"
else
	echo "-accel tcg"
fi
