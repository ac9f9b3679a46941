#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn `nm -n` output into an assembly symbol table for backtraces.

Reads nm lines ("addr type name") from a file or '-' for stdin and prints an
assembly file defining, in section .ksyms:
  ksyms_count  (u64)      number of entries
  ksyms_addr[] (u64 each) sorted addresses of text symbols
  ksyms_name[] (u32 each) offsets into ksyms_str
  ksyms_str               NUL-terminated names
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
    out = ['\t.section .ksyms, "a"', '\t.balign 8',
           '\t.globl ksyms_count, ksyms_addr, ksyms_name, ksyms_str',
           'ksyms_count:\t.quad %d' % len(syms), 'ksyms_addr:']
    out += ['\t.quad 0x%x' % a for a, _ in syms]
    out.append('ksyms_name:')
    off = 0
    for _, n in syms:
        out.append('\t.long %d' % off)
        off += len(n) + 1
    out.append('ksyms_str:')
    out += ['\t.asciz "%s"' % n for _, n in syms]
    print('\n'.join(out))

if __name__ == '__main__':
    main()
