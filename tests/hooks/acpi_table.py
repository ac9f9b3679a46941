#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pre= hook: write an ACPI table for QEMU's -acpitable file=$T/NAME.aml.

Usage: acpi_table.py hpet ADDRESS   an HPET table (IA-PC HPET spec 1.0a,
                                    §3.2.4) whose register block is at
                                    ADDRESS in memory space.

The firmware (SeaBIOS) links it into the RSDT as it is; the checksum is
made to sum to zero as ACPI 6.5 §5.2.6 asks, so that only the address is
hostile."""
import os
import struct
import sys


def header(sig, length, rev):
    # Signature, Length, Revision, Checksum (fixed below), OEMID,
    # OEM Table ID, OEM Revision, Creator ID, Creator Revision.
    return struct.pack('<4sIBB6s8sI4sI', sig, length, rev, 0, b'UNIKRN',
                       b'HOSTILE ', 1, b'TEST', 1)


def with_checksum(t):
    t = bytearray(t)
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


def hpet(addr):
    body = struct.pack('<I', 0x8086a201)                 # event timer block id
    body += struct.pack('<BBBBQ', 0, 64, 0, 0, addr)     # GAS: memory space
    body += struct.pack('<BHB', 0, 0x80, 0)              # number, min tick, protection
    return with_checksum(header(b'HPET', 36 + len(body), 1) + body)


def main():
    kind, addr = sys.argv[1], int(sys.argv[2], 0)
    t = {'hpet': hpet}[kind](addr)
    open(os.path.join(os.environ['T'], kind + '.aml'), 'wb').write(t)


if __name__ == '__main__':
    main()
