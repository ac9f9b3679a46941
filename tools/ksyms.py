#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn `nm -n` output into an assembly symbol table for backtraces.

Reads nm lines ("addr type name") from a file or '-' for stdin and prints an
assembly file defining, in section .ksyms:
  ksyms_count  (u64)      number of entries
  ksyms_base   (u64)      the lowest address (0 when there are none)
  ksyms_off[]  (u32 each) sorted addresses of text symbols, less ksyms_base
  ksyms_str               their names, encoded, each ended by a 0 byte, in
                          the same order
  ksyms_tok               the tokens: entries of (code byte, the text it
                          stands for, NUL), ended by a 0 code byte

Small on purpose: it is part of every image (issue 10). Offsets are 4 bytes,
not 8; there is no index into the names (a lookup finds the entry by binary
search, then steps over that many names, which only a backtrace does); and
the names are compressed by byte-pair encoding: the byte values no name uses
stand for the most frequent pairs of neighbouring codes, repeatedly, while a
token saves more than its table entry costs. A byte that is not a token is
the character itself. Decoding is a lookup per byte: tokens are stored
expanded, never in terms of other tokens.
"""
import collections
import re
import sys


def encode(names):
    """([code sequence per name], {token code: expansion})"""
    used = {ord(c) for n in names for c in n}
    free = [c for c in range(1, 256) if c not in used]
    text = {c: chr(c) for c in used}
    tokens = {}
    seqs = [[ord(c) for c in n] for n in names]
    while free:
        pairs = collections.Counter()
        for s in seqs:
            pairs.update(zip(s, s[1:]))
        if not pairs:
            break
        (a, b), count = pairs.most_common(1)[0]
        exp = text[a] + text[b]
        # Each use saves a byte; the entry costs its code, text and NUL.
        if count <= len(exp) + 2:
            break
        code = free.pop(0)
        text[code] = tokens[code] = exp
        for j, s in enumerate(seqs):
            out, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(code)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[j] = out
    return seqs, tokens


def main():
    src = sys.stdin if sys.argv[1] == '-' else open(sys.argv[1])
    syms = []
    for line in src:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in ('T', 't', 'W', 'w'):
            continue
        syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    for _, n in syms:
        if not re.fullmatch(r'[A-Za-z0-9_.$]+', n):
            sys.exit('ksyms.py: symbol %r has characters the table does not take' % n)
    base = syms[0][0] if syms else 0
    if syms and syms[-1][0] - base >= 1 << 32:
        sys.exit('ksyms.py: text spans 4 GiB or more; offsets need 8 bytes')
    seqs, tokens = encode([n for _, n in syms])
    # Check the encoding decodes to the names before relying on it.
    for (_, n), s in zip(syms, seqs):
        if ''.join(tokens.get(c, chr(c)) for c in s) != n or 0 in s:
            sys.exit('ksyms.py: encoding of %s does not round-trip' % n)
    out = ['\t.section .ksyms, "a"', '\t.balign 8',
           '\t.globl ksyms_count, ksyms_base, ksyms_off, ksyms_str, ksyms_tok',
           'ksyms_count:\t.quad %d' % len(syms), 'ksyms_base:\t.quad 0x%x' % base,
           'ksyms_off:']
    out += ['\t.long 0x%x' % (a - base) for a, _ in syms]
    out.append('ksyms_str:')
    out += ['\t.byte %s' % ','.join(str(c) for c in s + [0]) for s in seqs]
    out.append('ksyms_tok:')
    out += ['\t.byte %d\n\t.asciz "%s"' % (c, e) for c, e in sorted(tokens.items())]
    out.append('\t.byte 0')
    print('\n'.join(out))


if __name__ == '__main__':
    main()
