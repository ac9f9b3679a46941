#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where an image's bytes are (make size).

Usage: tools/size.py BUILD_DIR [BUDGET]   (BUILD_DIR/kernel.elf, BUILD_DIR/kernel.map)

Prints the figure `size` gives (text+data: every loaded byte but .bss),
the budget and the margin, then the loaded bytes by part of the tree, read
from the final link's map (ld -Map): for each input section the linker
kept, its object file names the part. Columns: code (.text), strings
(.rodata.str*, merged), other read-only data (tables, the link-time
registries), writable data and the total. What the parts do not add up to
is alignment padding. Exits 1 when the figure is over the budget.
"""
import re, subprocess, sys

# (part, prefix of the object's path under the build directory), first match wins.
PARTS = [
    ('lwIP (TCP/IP stack)', 'lwip/'),
    ('virtio conformance suite', 'drivers/virtio/conform/'),
    ('virtio core and drivers', 'drivers/virtio/'),
    ('pvbus, hostctl (hypervisor)', 'drivers/pvbus/'),
    ('SCSI layer', 'drivers/scsi/'),
    ('block layer', 'drivers/blk/'),
    ('netdev, bridge', 'drivers/net/'),
    ('PCI, platform, UART, FDT', 'drivers/'),
    ('network glue, shell commands', 'net/'),
    ('appliances (httpd, kv)', 'apps/'),
    ('in-guest tests', 'tests/'),
    ('arch (boot, CPU, MMU, irq)', ('kern/arch/', 'boot/')),
    ('kernel core, shell, mm', 'kern/'),
    ('C library, tar fs', ('lib/', 'fs/')),
    ('symbol table (ksyms)', 'ksyms.o'),
]
LOADED = ('.boot.mb1', '.text', '.note', '.rodata', '.data', '.ksyms')
COLS = ('code', 'strings', 'rodata', 'data')


def part_of(obj):
    for name, prefix in PARTS:
        if obj.startswith(prefix):
            return name
    return 'other'


def column(out_sec, in_sec):
    if out_sec == '.text':
        return 'code'
    if out_sec == '.data':
        return 'data'
    # -fdata-sections names them .rodata.str1.1 or .rodata.<function>.str1.8.
    if re.search(r'\.(str|cst)\d', in_sec):
        return 'strings'
    return 'rodata'


def read_map(path, build):
    """{part: {column: bytes}} from a GNU ld map."""
    sums = {}
    out_sec = pending = None
    started = False
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith('Linker script and memory map'):
            started = True
            continue
        if not started:
            continue
        m = re.match(r'^(\.[\w.]+)\s+0x', line)
        if m:
            out_sec = m.group(1)
            continue
        m = re.match(r'^ (\S+)$', line)          # a long input section name wraps
        if m:
            pending = m.group(1)
            continue
        m = re.match(r'^ (\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+\.o)$', line)
        in_sec, pending = (m.group(1) or pending if m else None), None
        if not m or out_sec not in LOADED:
            continue
        size, obj = int(m.group(2), 16), m.group(3)
        if obj.startswith(build + '/'):
            obj = obj[len(build) + 1:]
        col = 'code' if out_sec in ('.boot.mb1', '.note') else column(out_sec, in_sec)
        if obj == 'ksyms.o':
            col = 'rodata'
        d = sums.setdefault(part_of(obj), dict.fromkeys(COLS, 0))
        d[col] += size
    return sums


def main():
    build = sys.argv[1].rstrip('/')
    elf, mapfile = build + '/kernel.elf', build + '/kernel.map'
    budget = int(sys.argv[2]) if len(sys.argv) > 2 else None
    f = subprocess.run(['size', elf], capture_output=True, text=True,
                       check=True).stdout.splitlines()[-1].split()
    text, data, bss = int(f[0]), int(f[1]), int(f[2])
    total = text + data
    print('%s: text+data %d bytes (%.1f KiB; text %d, data %d; bss %d, not in the file)'
          % (elf, total, total / 1024, text, data, bss))
    if budget:
        print('budget %d bytes (%d KiB): %s %d bytes (%.1f KiB)'
              % (budget, budget >> 10, 'margin' if total < budget else 'OVER by',
                 abs(budget - total), abs(budget - total) / 1024))
    sums = read_map(mapfile, build)
    rows = sorted(sums.items(), key=lambda kv: -sum(kv[1].values()))
    hdr = '%-30s %8s %8s %8s %6s %8s %6s' % ('part', *COLS, 'total', '%')
    print('\n' + hdr + '\n' + '-' * len(hdr))
    acc = dict.fromkeys(COLS, 0)
    for name, d in rows:
        t = sum(d.values())
        print('%-30s %8d %8d %8d %6d %8d %5.1f%%' % (name, *(d[c] for c in COLS), t,
                                                    100.0 * t / total))
        for c in COLS:
            acc[c] += d[c]
    s = sum(acc.values())
    print('%-30s %8s %8s %8s %6s %8d %5.1f%%' % ('alignment padding', '', '', '', '', total - s,
                                                100.0 * (total - s) / total))
    print('-' * len(hdr))
    print('%-30s %8d %8d %8d %6d %8d' % ('total', *(acc[c] for c in COLS), total))
    return 1 if budget and total >= budget else 0


if __name__ == '__main__':
    sys.exit(main())
