#!/bin/sh
# SPDX-License-Identifier: MIT
# Make the blobs the FDT unit test reads, into directory $1:
#   <name>.dtb       each tests/unit/fdt/<name>.dts, compiled with dtc
#   virt.dtb         QEMU's aarch64 virt machine as is (GICv2, PSCI over hvc)
#   virt-gicv3.dtb   gic-version=3, virtualization=on (PSCI over smc), two
#                    CPUs, virtio-blk-pci and virtio-net/-rng on virtio-mmio,
#                    a -kernel so that /chosen gets bootargs
#   virt-lowmem.dtb  highmem=off: ECAM below 4 GiB
#   *-packed.dtb     the QEMU blobs without their free space (dtc repacks),
#                    for the truncate-at-every-offset test
# Needs dtc (Debian: device-tree-compiler) and qemu-system-aarch64.
set -eu
out=$1
src=$(dirname "$0")
mkdir -p "$out"

for f in "$src"/*.dts; do
	dtc -q -I dts -O dtb -o "$out/$(basename "$f" .dts).dtb" "$f"
done

# dumpdtb writes the tree QEMU would hand the guest, then exits.
kernel=$out/dummy-kernel.img
head -c 4096 /dev/zero > "$kernel"
q() {
	qemu-system-aarch64 -display none -serial none -monitor none "$@" 2>/dev/null
}
q -machine virt,dumpdtb="$out/virt.dtb"
q -machine virt,gic-version=3,virtualization=on,dumpdtb="$out/virt-gicv3.dtb" \
	-cpu cortex-a57 -smp 2 -m 256M \
	-blockdev null-co,node-name=d0 -device virtio-blk-pci,drive=d0 \
	-device virtio-net-device -device virtio-rng-device \
	-kernel "$kernel" -append "console=ttyAMA0 test=fdt*"
q -machine virt,highmem=off,dumpdtb="$out/virt-lowmem.dtb"

for b in virt virt-gicv3; do
	dtc -q -I dtb -O dtb -o "$out/$b-packed.dtb" "$out/$b.dtb"
done
