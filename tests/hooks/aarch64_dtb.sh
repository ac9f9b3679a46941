#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre hook for tests/cases/aarch64.cases: device trees for -dtb, made from
# QEMU virt's own (128 MiB, GICv2). QEMU's loader replaces the memory nodes
# and /chosen of a -dtb blob but keeps everything else, so reservations are
# what these vary:
#   $T/resv.dtb    a /memreserve/ entry and /reserved-memory with a plain
#                  and a no-map region (the kernel must keep all three out
#                  of the page allocator, and not map the no-map one);
#   $T/badresv.dtb a /reserved-memory child whose reg is 5 bytes long (the
#                  kernel must say so and boot on what parsed).
set -e
: "${T:?}"
qemu-system-aarch64 -machine "virt,gic-version=2,dumpdtb=$T/virt.dtb" -cpu cortex-a57 \
	-m 128M -nographic -nodefaults >/dev/null 2>&1
dtc -q -I dtb -O dts -o "$T/virt.dts" "$T/virt.dtb"
python3 - "$T" <<'PY'
import sys
t = sys.argv[1]
s = open(t + '/virt.dts').read()
head = s.index('/ {')
end = s.rindex('};')
def make(name, memreserve, children):
    rm = ('\treserved-memory {\n\t\t#address-cells = <0x02>;\n'
          '\t\t#size-cells = <0x02>;\n\t\tranges;\n' + children + '\t};\n')
    open('%s/%s.dts' % (t, name), 'w').write(
        s[:head] + memreserve + s[head:end] + rm + s[end:])
make('resv', '/memreserve/ 0x45000000 0x10000;\n',
     '\t\tplain@46000000 {\n\t\t\treg = <0x00 0x46000000 0x00 0x100000>;\n\t\t};\n'
     '\t\tnomap@46800000 {\n\t\t\treg = <0x00 0x46800000 0x00 0x200000>;\n'
     '\t\t\tno-map;\n\t\t};\n')
make('badresv', '',
     '\t\tbad@46000000 {\n\t\t\treg = [00 00 00 00 46];\n\t\t};\n')
PY
dtc -q -I dts -O dtb -o "$T/resv.dtb" "$T/resv.dts"
dtc -q -I dts -O dtb -o "$T/badresv.dtb" "$T/badresv.dts"
