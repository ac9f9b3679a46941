#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the bootinfo fuzzer's seeds into OUTDIR: the structures QEMU's
-kernel loader (Multiboot1, PVH) and GRUB (Multiboot2) hand over, with
QEMU's e820 map for -m 128, laid out as the harness reads them: byte 0 the
protocol, bytes 1..2 the info block's offset from MEM_BASE, the rest
memory at MEM_BASE (the header bytes are part of it)."""
import struct
import sys

MEM_BASE = 0x10000
E820 = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
        (0x100000, 0x7ee0000, 1), (0x7fe0000, 0x20000, 2),
        (0xfffc0000, 0x40000, 2)]
CMD = b'/kernel.elf run="echo fuzz-ok" loglevel=7\0'


def image(proto, info_off, size=1024):
    m = bytearray(size)
    m[0] = proto
    struct.pack_into('<H', m, 1, info_off)
    return m


def mb1():
    m = image(0, 0x40)
    info, cmd, mmap = 0x40, 0x100, 0x180
    struct.pack_into('<I', m, info, 1 | 1 << 2 | 1 << 6)
    struct.pack_into('<II', m, info + 4, 639, 130048)
    struct.pack_into('<I', m, info + 16, MEM_BASE + cmd)
    m[cmd:cmd + len(CMD)] = CMD
    for k, (b, n, t) in enumerate(E820):
        struct.pack_into('<IQQI', m, mmap + 24 * k, 20, b, n, t)
    struct.pack_into('<II', m, info + 44, 24 * len(E820), MEM_BASE + mmap)
    return m


def mb2():
    m = image(1, 0x40)
    off = 0x40 + 8

    def tag(t, body):
        nonlocal off
        struct.pack_into('<II', m, off, t, 8 + len(body))
        m[off + 8:off + 8 + len(body)] = body
        off += (8 + len(body) + 7) & ~7
    tag(1, CMD)
    tag(2, b'GRUB 2.06\0')
    tag(6, struct.pack('<II', 24, 0) +
        b''.join(struct.pack('<QQII', b, n, t, 0) for b, n, t in E820))
    rsdp = bytearray(b'RSD PTR ' + bytes(12))
    rsdp[9:15] = b'BOCHS '
    struct.pack_into('<I', rsdp, 16, 0x7fe14de)
    rsdp[8] = (-sum(rsdp)) & 0xff
    tag(14, bytes(rsdp))
    tag(0, b'')
    struct.pack_into('<II', m, 0x40, off - 0x40, 0)
    return m


def pvh():
    m = image(2, 0x40)
    info, cmd, mmap = 0x40, 0x100, 0x180
    struct.pack_into('<IIII', m, info, 0x336ec578, 1, 0, 0)
    struct.pack_into('<QQQQII', m, info + 16, 0, MEM_BASE + cmd, 0xf59e0,
                     MEM_BASE + mmap, len(E820), 0)
    m[cmd:cmd + len(CMD)] = CMD
    for k, (b, n, t) in enumerate(E820):
        struct.pack_into('<QQII', m, mmap + 24 * k, b, n, t, 0)
    return m


out = sys.argv[1]
for name, fn in (('qemu-mb1', mb1), ('grub-mb2', mb2), ('qemu-pvh', pvh)):
    open(f'{out}/{name}', 'wb').write(fn())
