#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""virtio-balloon benchmark: time to inflate and to deflate 1 GiB.

Runs the vballoon_gib* cases (tests/cases/virtio_balloon.cases: a 1280 MiB
guest, QMP balloon by 1 GiB and back, driven by tests/hooks/balloon_qmp.py)
BENCH_BALLOON_RUNS times (default 3), one tests/run each, with any arguments
passed on (--qemu build/qemu10, say), and prints per case the median
seconds from the QMP command until query-balloon shows the new size, and
the guest's own figure (from the moment it sees the target until the
balloon holds it). The inflated pages were never touched by the guest;
the deflate includes the allocator taking every block back."""
import glob, os, re, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
N = int(os.environ.get('BENCH_BALLOON_RUNS', '3'))
LINE = re.compile(r'balloon 1 GiB: inflate ([\d.]+) s, deflate ([\d.]+) s .*guest: (\d+) ms, (\d+) ms')


def main():
    figures = {}
    # One tests/run per round: a repeated run keeps no during.log.
    for _ in range(N):
        r = subprocess.run([os.path.join(ROOT, 'tests/run'), '-j', '1'] + sys.argv[1:]
                           + ['vballoon_gib*'], cwd=ROOT)
        if r.returncode:
            return r.returncode
        for log in sorted(glob.glob(os.path.join(ROOT, 'build/tests*/*/vballoon_gib*/during.log'))):
            m = LINE.search(open(log).read())
            if m:
                parts = log.split(os.sep)
                figures.setdefault('%s %s/%s' % (parts[-4], parts[-3], parts[-2]), []).append(
                    tuple(map(float, m.groups())))
                os.unlink(log)
    print('%-44s %10s %10s %12s %12s' % ('case (medians of %d)' % N, 'inflate s',
                                          'deflate s', 'guest in ms', 'guest out ms'))
    for name, runs in sorted(figures.items()):
        cols = [statistics.median(x) for x in zip(*runs)]
        print('%-44s %10.3f %10.3f %12.0f %12.0f' % (name, *cols))
    return 0


if __name__ == '__main__':
    sys.exit(main())
