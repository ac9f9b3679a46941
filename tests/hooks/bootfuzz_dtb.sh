#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre hook for tests/cases/bootfuzz.cases: the device trees the boot fuzzer
# (tests/bootfuzz.py) broke the kernel with, rebuilt from QEMU virt's own
# tree (GICv3, 128 MiB) by the same edit, so they do not depend on the
# fuzzer's RNG or on QEMU's version.
#   highaddr.dtb   a virtio,mmio node at 0xef000a003a00: past the CPU's
#                  physical address space (cortex-a57: 44 bits), where a
#                  mapping makes every access an address size fault
#                  (seed 1, boot 11: a flipped byte in a reg)
#   nogic.dtb      the same tree without its interrupt controller node:
#                  the kernel runs with polled timers and devices, and
#                  test=all must pass or skip (seed 2, boot 118: a
#                  malformed tree, used for its /chosen only, hung the
#                  timer cases)
set -e
: "${T:?}"
qemu-system-aarch64 -machine "virt,gic-version=3,dumpdtb=$T/virt3.dtb" \
	-cpu cortex-a57 -m 128M -nographic -nodefaults >/dev/null 2>&1
dtc -q -I dtb -O dts -o "$T/virt3.dts" "$T/virt3.dtb"
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
s = open(t + '/virt3.dts').read()
end = s.rindex('};')
s = s[:end] + '''
	virtio_mmio@ef000a003a00 {
		compatible = "virtio,mmio";
		reg = <0xef00 0xa003a00 0x00 0x200>;
		interrupts = <0x00 0x2f 0x01>;
		dma-coherent;
	};
''' + s[end:]
open(t + '/highaddr.dts', 'w').write(s)
s = open(t + '/virt3.dts').read()
a = s.index('\tintc@')
depth, i = 0, s.index('{', a)
while True:
    if s[i] == '{':
        depth += 1
    elif s[i] == '}':
        depth -= 1
        if depth == 0:
            break
    i += 1
open(t + '/nogic.dts', 'w').write(s[:a] + s[s.index('\n', i) + 1:])
PY
dtc -q -I dts -O dtb -o "$T/nogic.dtb" "$T/nogic.dts"
dtc -q -I dts -O dtb -o "$T/highaddr.dtb" "$T/highaddr.dts"
