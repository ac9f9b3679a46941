#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where a guest makes TCG look up its next block, by function.

usage: tools/tcgprof.py KERNEL.elf QEMU.log [START [END]] [--top N]

QEMU.log is what `-d exec -D QEMU.log` wrote while the guest ran. Without
`nochain`, QEMU logs a translated block only when it is entered through a
lookup: after a return or an indirect call, after a jump to another guest
page, or on the way out of an interrupt. Under TCG each lookup costs far more
than the guest instructions around it, and the count does not depend on how
busy the host is, so it is the figure to compare builds by (HACKING.md,
"Speed under TCG"). START and END are byte offsets into the log: take the
log's size before and after the work to look at only that.

Prints the total and the functions with the most lookups, by the kernel's
symbol table (nm)."""
import argparse
import bisect
import collections
import re
import subprocess


def symbols(elf):
    out = subprocess.run(['nm', '-n', elf], capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        w = line.split()
        if len(w) == 3 and w[1] in 'tTwW':
            syms.append((int(w[0], 16), w[2]))
    return syms


def main():
    ap = argparse.ArgumentParser(usage=__doc__.splitlines()[2][len('usage: '):])
    ap.add_argument('elf')
    ap.add_argument('log')
    ap.add_argument('start', nargs='?', type=int, default=0)
    ap.add_argument('end', nargs='?', type=int)
    ap.add_argument('--top', type=int, default=40)
    a = ap.parse_args()
    syms = symbols(a.elf)
    addrs = [s for s, _ in syms]
    with open(a.log, 'rb') as f:
        f.seek(a.start)
        data = f.read() if a.end is None else f.read(a.end - a.start)
    # "Trace 0: 0x7f.. [00000000/00000000001013a0/0000c0b0/ff020000] name"
    pat = re.compile(rb'Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/')
    count = collections.Counter()
    for m in pat.finditer(data):
        pc = int(m.group(1), 16)
        i = bisect.bisect_right(addrs, pc) - 1
        count[syms[i][1] if i >= 0 else '?'] += 1
    total = sum(count.values())
    print('%d lookups' % total)
    for name, n in count.most_common(a.top):
        print('%6.2f%% %9d  %s' % (100.0 * n / max(total, 1), n, name))


if __name__ == '__main__':
    main()
