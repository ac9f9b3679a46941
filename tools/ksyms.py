#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn `nm -n` output into an assembly symbol table for backtraces.

Reads nm lines ("addr type name") from a file or '-' for stdin and prints an
assembly file defining, in section .ksyms:
  ksyms_count  (u64)      number of entries
  ksyms_base   (u64)      the lowest address (0 when there are none)
  ksyms_off[]  (u32 each) sorted addresses of text symbols, less ksyms_base
  ksyms_str               their names, NUL-terminated, in the same order

Small on purpose: it is part of every image. Offsets are 4 bytes, not 8
(the image is far below 4 GiB), and there is no index into the names: a
lookup finds the entry by binary search and then steps over that many
names, which only a backtrace ever does.
"""
import sys

def main():
    src = sys.stdin if sys.argv[1] == '-' else open(sys.argv[1])
    syms = []
    for line in src:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in ('T', 't', 'W', 'w'):
            continue
        syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    base = syms[0][0] if syms else 0
    if syms and syms[-1][0] - base >= 1 << 32:
        sys.exit('ksyms.py: text spans 4 GiB or more; offsets need 8 bytes')
    out = ['\t.section .ksyms, "a"', '\t.balign 8',
           '\t.globl ksyms_count, ksyms_base, ksyms_off, ksyms_str',
           'ksyms_count:\t.quad %d' % len(syms), 'ksyms_base:\t.quad 0x%x' % base,
           'ksyms_off:']
    out += ['\t.long 0x%x' % (a - base) for a, _ in syms]
    out.append('ksyms_str:')
    out += ['\t.asciz "%s"' % n for _, n in syms]
    print('\n'.join(out))

if __name__ == '__main__':
    main()
