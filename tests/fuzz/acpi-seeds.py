#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Make the ACPI fuzzer's seeds from QEMU's own tables.

Usage: acpi-seeds.py OUTDIR MEMDUMP NAME [MEMDUMP NAME...]

A MEMDUMP is guest memory from address 0 as QEMU's monitor writes it
(`pmemsave 0 0x4000000 "file"` once the firmware has built its tables,
e.g. q35 or microvm with no boot device). The RSDP is found by signature
and checksum, the root table and every table it lists (and the FADT's
DSDT) are copied, laid out one after another behind the RSDP at the
fuzzer's MEM_BASE, their pointers rewritten and checksums redone:
  OUTDIR/NAME-walk     0x00 + that memory image (the walk mode)
  OUTDIR/NAME-SIG      0x01 + one table (the direct mode), for small ones
"""
import struct
import sys

MEM_BASE = 0x100000


def csum(b, off):
    b[off] = 0
    b[off] = (-sum(b)) & 0xff


def find_rsdp(mem):
    i = 0
    while True:
        i = mem.find(b'RSD PTR ', i)
        if i < 0:
            raise SystemExit('no RSDP')
        if sum(mem[i:i + 20]) & 0xff == 0:
            return i
        i += 1


def table(mem, pa):
    n = struct.unpack_from('<I', mem, pa + 4)[0]
    return bytearray(mem[pa:pa + n])


def main():
    out = sys.argv[1]
    args = sys.argv[2:]
    for dump, name in zip(args[0::2], args[1::2]):
        mem = open(dump, 'rb').read()
        r = find_rsdp(mem)
        rev = mem[r + 15]
        rsdp = bytearray(mem[r:r + (36 if rev >= 2 else 20)])
        xsdt = struct.unpack_from('<Q', rsdp, 24)[0] if rev >= 2 else 0
        root_pa = xsdt or struct.unpack_from('<I', rsdp, 16)[0]
        root = table(mem, root_pa)
        esz = 8 if xsdt else 4
        ptrs = [struct.unpack_from('<Q' if xsdt else '<I', root, 36 + k)[0]
                for k in range(0, len(root) - 36, esz)]
        tabs = [table(mem, p) for p in ptrs]
        dsdt = None
        for t in tabs:
            if t[:4] == b'FACP':
                dsdt = table(mem, struct.unpack_from('<I', t, 40)[0])
        # Layout: RSDP, root, tables, DSDT; 16-byte aligned.
        img = bytearray(rsdp + bytes(-len(rsdp) % 16))
        root_off = len(img)
        img += root + bytes(-len(root) % 16)
        offs = []
        for t in tabs:
            offs.append(len(img))
            img += t + bytes(-len(t) % 16)
        dsdt_off = None
        if dsdt:
            dsdt_off = len(img)
            img += dsdt
        for k, (t, o) in enumerate(zip(tabs, offs)):
            if t[:4] == b'FACP':
                if dsdt_off is not None:
                    struct.pack_into('<I', img, o + 40, MEM_BASE + dsdt_off)
                    if len(t) >= 148:
                        struct.pack_into('<Q', img, o + 140, MEM_BASE + dsdt_off)
                facs = struct.unpack_from('<I', t, 36)[0]
                if facs:    # not carried over: no pointer out of the image
                    struct.pack_into('<I', img, o + 36, 0)
                    if len(t) >= 140:
                        struct.pack_into('<Q', img, o + 132, 0)
                tb = bytearray(img[o:o + len(t)])
                csum(tb, 9)
                img[o:o + len(t)] = tb
            struct.pack_into('<Q' if xsdt else '<I', img,
                             root_off + 36 + esz * k, MEM_BASE + o)
        rb = bytearray(img[root_off:root_off + len(root)])
        csum(rb, 9)
        img[root_off:root_off + len(root)] = rb
        rs = bytearray(img[:len(rsdp)])
        if xsdt:
            struct.pack_into('<Q', rs, 24, MEM_BASE + root_off)
            struct.pack_into('<I', rs, 16, 0)
        else:
            struct.pack_into('<I', rs, 16, MEM_BASE + root_off)
        rs[8] = 0
        rs[8] = (-sum(rs[:20])) & 0xff
        if rev >= 2:
            rs[32] = 0
            rs[32] = (-sum(rs[:36])) & 0xff
        img[:len(rsdp)] = rs
        open(f'{out}/{name}-walk', 'wb').write(b'\0' + img)
        for t in tabs + ([dsdt] if dsdt else []):
            if len(t) <= 512:
                sig = t[:4].decode('ascii', 'replace')
                open(f'{out}/{name}-{sig}', 'wb').write(b'\1' + t)
        print(name, 'tables', [bytes(t[:4]) for t in tabs],
              'dsdt', len(dsdt) if dsdt else 0, 'image', len(img))


main()
