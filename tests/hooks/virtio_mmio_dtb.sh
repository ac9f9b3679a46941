#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre hook for the hostile device-tree case of tests/cases/virtio_mmio.cases:
# $T/hostile.dtb is QEMU virt's own tree (GICv2) with its virtio-mmio
# nodes edited and bogus ones added, for a run with four -device
# virtio-*-device (QEMU fills the slots from the top: a003e00, a003c00,
# a003a00, a003800):
#   a003e00  left alone (virtio-blk)
#   a003c00  no "interrupts": the device must be polled
#   a003a00  an interrupt past the GIC's lines: polled, with a warning
#   a003800  status = "disabled": its device must not be bound
#   a000000  a two-cell specifier for the three-cell GIC: a warning
# and at the root: a "virtio,mmio" node on the GIC distributor (no such
# device: a warning), a second node for a003e00 (bound once), nodes whose
# reg is over RAM, 5 bytes long, or 16 bytes (three errors), and one on a
# disabled bus (never looked at).
set -e
: "${T:?}"
qemu-system-aarch64 -machine "virt,gic-version=2,dumpdtb=$T/virt.dtb" -cpu cortex-a57 \
	-m 128M -nographic -nodefaults >/dev/null 2>&1
dtc -q -I dtb -O dts -o "$T/virt.dts" "$T/virt.dtb"
python3 - "$T" <<'PY'
import re, sys
t = sys.argv[1]
s = open(t + '/virt.dts').read()

def edit(addr, fn):
    global s
    m = re.search(r'\tvirtio_mmio@%s \{\n(.*?)\t\};\n' % addr, s, re.S)
    assert m, addr
    s = s[:m.start(1)] + fn(m.group(1)) + s[m.end(1):]

irq = re.compile(r'\t\tinterrupts = <[^>]*>;\n')
edit('a003c00', lambda b: irq.sub('', b))
edit('a003a00', lambda b: irq.sub('\t\tinterrupts = <0x00 0xfff 0x01>;\n', b))
edit('a003800', lambda b: b + '\t\tstatus = "disabled";\n')
edit('a000000', lambda b: irq.sub('\t\tinterrupts = <0x00 0x10>;\n', b))
extra = '''
	virtio_gic@8000000 {
		compatible = "virtio,mmio";
		reg = <0x00 0x8000000 0x00 0x200>;
	};
	virtio_dup@a003e00 {
		compatible = "virtio,mmio";
		reg = <0x00 0xa003e00 0x00 0x200>;
		interrupts = <0x00 0x2f 0x01>;
	};
	virtio_ram@40000000 {
		compatible = "virtio,mmio";
		reg = <0x00 0x40000000 0x00 0x200>;
	};
	virtio_badreg@1 {
		compatible = "virtio,mmio";
		reg = [00 00 00 00 0a];
	};
	virtio_small@a004000 {
		compatible = "virtio,mmio";
		reg = <0x00 0xa004000 0x00 0x10>;
	};
	offbus@a003600 {
		compatible = "simple-bus";
		status = "disabled";
		#address-cells = <0x02>;
		#size-cells = <0x02>;
		ranges;
		virtio_mmio@a003600 {
			compatible = "virtio,mmio";
			reg = <0x00 0xa003600 0x00 0x200>;
		};
	};
'''
end = s.rindex('};')
open(t + '/hostile.dts', 'w').write(s[:end] + extra + s[end:])
PY
dtc -q -I dts -O dtb -o "$T/hostile.dtb" "$T/hostile.dts"
