#!/bin/sh
# SPDX-License-Identifier: MIT
# Pre hook for tests/cases/hostile_a64.cases: device trees a hostile or
# broken firmware could hand over, made from QEMU virt's own (128 MiB,
# GICv2 or GICv3) by editing its source. QEMU's loader rewrites /chosen's
# bootargs and the nodes named "memory" of a -dtb blob, and keeps the rest.
#   noanswer.dtb     GICv2; a virtio,mmio node, fw_cfg, the stdout-path PL011
#                    and the v2m frame at addresses where nothing answers
#   gic_void.dtb     GICv2 whose distributor is where nothing answers
#   gic_on_dtb.dtb   GICv2 whose distributor is where QEMU loads the device
#                    tree (0x44000000 with 128 MiB)
#   gicc_on_kernel.dtb  GICv2 whose CPU interface is on the kernel's text
#   redist_ram.dtb   GICv3 whose redistributor region is in free RAM
#   its_ram.dtb      GICv3 whose ITS is in free RAM
#   fwcfg_ram.dtb    fw_cfg in free RAM
#   badmem.dtb       two extra memory nodes (device_type "memory", named
#                    ram@... so that QEMU keeps them): one region wraps past
#                    2^64, the other reg has 3 cells where 4 are due
#   deep.dtb         nodes nested 40 deep (past the kernel's limit of 32)
#   wraprsv.dtb      a /memreserve/ entry that wraps past 2^64
# The last two are refused in part: /chosen (QEMU's bootargs) must still
# reach the kernel.
#   mem_*.dtb        GICv3 (as the boot fuzzer's finds, seed 2) with one
#                    extra memory node ram@... that is not RAM (or not all):
#                    mem_flash at 0 (QEMU's flash), mem_4g at 0xffffffff
#                    (nothing from 4 GiB), mem_pciwin at 0xa8_40000000 (in
#                    the PCI host's 64-bit window), mem_tail 0x47ff0000 of
#                    0x9d25518a bytes (64 KiB of it RAM), mem_over at
#                    0x40000000 of 4 GiB (RAM's 128 MiB and nothing), mem_pa
#                    at 2^44 (past cortex-a57's physical address size),
#                    mem_2t at 2 TiB (nothing; above the boot map's L1),
#                    mem_nopci at 0x80_00000000 in a tree without its PCI
#                    host (QEMU's host bridge is still there: reads all-ones)
#   ram_256k.dtb, ram_1m.dtb, ram_none.dtb
#                    /reserved-memory over all of RAM (128 MiB) but its
#                    first 256 KiB, 1 MiB, or nothing: QEMU loads no guest
#                    with that little RAM (below -m 4160K it stops with "Not
#                    enough space for DTB"), so reservations stand in for it
set -e
: "${T:?}"
for v in 2 3; do
	qemu-system-aarch64 -machine "virt,gic-version=$v,dumpdtb=$T/virt$v.dtb" \
		-cpu cortex-a57 -m 128M -nographic -nodefaults >/dev/null 2>&1
	dtc -q -I dtb -O dts -o "$T/virt$v.dts" "$T/virt$v.dtb"
done
python3 - "$T" <<'PY'
import re, sys
t = sys.argv[1]
v2 = open(t + '/virt2.dts').read()
v3 = open(t + '/virt3.dts').read()

def sub(s, old, new):
    assert s.count(old) == 1, old
    return s.replace(old, new)

def root_add(s, text):
    end = s.rindex('};')
    return s[:end] + text + s[end:]

def out(name, s):
    open('%s/%s.dts' % (t, name), 'w').write(s)

# Nothing decodes 0x0a100000..0x0bffffff on virt (hw/arm/virt.c memmap:
# the virtio-mmio slots end at 0x0a004000, the platform bus starts at
# 0x0c000000): QEMU answers a read there with an external abort.
s = root_add(v2, '''
	virtio_void@a100000 {
		compatible = "virtio,mmio";
		reg = <0x00 0xa100000 0x00 0x200>;
		interrupts = <0x00 0x20 0x01>;
	};
	pl011@a300000 {
		compatible = "arm,pl011", "arm,primecell";
		reg = <0x00 0xa300000 0x00 0x1000>;
	};
''')
s = sub(s, 'reg = <0x00 0x9020000 0x00 0x18>;', 'reg = <0x00 0xa200000 0x00 0x18>;')
s = sub(s, 'stdout-path = "/pl011@9000000";', 'stdout-path = "/pl011@a300000";')
s = sub(s, 'reg = <0x00 0x8020000 0x00 0x1000>;', 'reg = <0x00 0xa400000 0x00 0x1000>;')
out('noanswer', s)

gic2 = 'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x8010000 0x00 0x10000>;'
out('gic_void', sub(v2, gic2, 'reg = <0x00 0xa100000 0x00 0x10000 0x00 0x8010000 0x00 0x10000>;'))
out('gic_on_dtb', sub(v2, gic2, 'reg = <0x00 0x44000000 0x00 0x10000 0x00 0x8010000 0x00 0x10000>;'))
out('gicc_on_kernel', sub(v2, gic2, 'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x40200000 0x00 0x10000>;'))
out('redist_ram', sub(v3, 'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x80a0000 0x00 0xf60000>;',
                      'reg = <0x00 0x8000000 0x00 0x10000 0x00 0x41000000 0x00 0xf60000>;'))
out('fwcfg_ram', sub(v2, 'reg = <0x00 0x9020000 0x00 0x18>;', 'reg = <0x00 0x41000000 0x00 0x18>;'))
out('badmem', root_add(v2, '''
	ram@ffffffff {
		device_type = "memory";
		reg = <0xffffffff 0xfffff000 0x00 0x2000>;
	};
	ram@60000000 {
		device_type = "memory";
		reg = <0x00 0x60000000 0x1000000>;
	};
'''))
out('deep', root_add(v2, '\tdeep {\n' + '\tn {\n' * 39 + '\t};\n' * 40))
head = v2.index('/ {')
out('wraprsv', v2[:head] + '/memreserve/ 0xfffffffffffff000 0x2000;\n' + v2[head:])
def leave(x):
    return root_add(v2, '''
	reserved-memory {
		#address-cells = <0x02>;
		#size-cells = <0x02>;
		ranges;
		all@%x {
			reg = <0x00 %#x 0x00 %#x>;
		};
	};
''' % (0x40000000 + x, 0x40000000 + x, 0x8000000 - x))
out('ram_256k', leave(0x40000))
out('ram_1m', leave(0x100000))
out('ram_none', leave(0))
def ram(base, size, tree=v3):
    return root_add(tree, '''
	ram@%x {
		device_type = "memory";
		reg = <%#x %#x %#x %#x>;
	};
''' % (base, base >> 32, base & 0xffffffff, size >> 32, size & 0xffffffff))
out('mem_flash', ram(0, 0x8000000))
out('mem_4g', ram(0xffffffff, 0x8000000))
out('mem_pciwin', ram(0xa840000000, 0x100000000))
out('mem_tail', ram(0x47ff0000, 0x9d25518a))
out('mem_over', ram(0x40000000, 0x100000000))
out('mem_pa', ram(1 << 44, 0x8000000))
out('mem_2t', ram(2 << 40, 0x8000000))
nopci = re.sub(r'\n\tpcie@10000000 \{.*?\n\t\};\n', '\n', v3, count=1, flags=re.S)
assert nopci != v3 and 'pcie@' not in nopci
out('mem_nopci', ram(0x8000000000, 0x8000000, nopci))
out('its_ram', sub(v3, 'reg = <0x00 0x8080000 0x00 0x20000>;', 'reg = <0x00 0x41000000 0x00 0x20000>;'))
PY
for n in noanswer gic_void gic_on_dtb gicc_on_kernel redist_ram its_ram fwcfg_ram badmem deep wraprsv ram_256k ram_1m ram_none \
	mem_flash mem_4g mem_pciwin mem_tail mem_over mem_pa mem_2t mem_nopci; do
	dtc -q -I dts -O dtb -o "$T/$n.dtb" "$T/$n.dts"
done
