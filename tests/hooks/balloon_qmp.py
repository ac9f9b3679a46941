#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""during= hook of tests/cases/virtio_balloon.cases: drives QEMU's
virtio-balloon over QMP while the guest's virtio_balloon_* case watches
its side (tests/guest/virtio_balloon.c). Usage: balloon_qmp.py MODE with
MODE one of

  qmp     balloon to half the RAM; query-balloon shows it; back to all
  stats   guest-stats-polling-interval 1, then qom-get guest-stats: every
          tag filled, total as the guest has it, updates that keep coming
  oom     balloon to 1 byte (all the RAM): the guest allocates under it
  chaos   1 byte (more than the guest can give), then a new target every
          millisecond for CHAOS_SECONDS (default 5), then back
  report  free page reporting: QEMU's resident memory falls by most of the
          48 MiB the guest wrote and freed
  fail    balloon to an eighth of the RAM; the guest fails the device
          while it fills (no finish: the device is gone)
  timing  1 GiB in and out, timed from here (the QMP command until
          query-balloon shows the change) and by the guest; prints them

The guest ends its case once it has seen the last target (all the RAM);
this hook then waits for its TAP summary and passes when nothing failed
or skipped. The device must be id=balloon0."""
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests'))
from qmp import QMP  # noqa: E402

PAGE = 4096
DONE_PAGES = 7          # the guest's "done" target
DEV = '/machine/peripheral/balloon0'
STAT_KEYS = ('stat-swap-in', 'stat-swap-out', 'stat-major-faults',
             'stat-minor-faults', 'stat-free-memory', 'stat-total-memory',
             'stat-available-memory', 'stat-disk-caches',
             'stat-htlb-pgalloc', 'stat-htlb-pgfail')


def console():
    return open(os.path.join(os.environ['T'], 'console.log'), 'rb').read().decode(
        'utf-8', 'replace').replace('\r', '')


def wait_console(regex, timeout=50.0):
    """The first match of regex on the console, waiting for it."""
    end = time.monotonic() + timeout
    r = re.compile(regex, re.M)
    while True:
        m = r.search(console())
        if m:
            return m
        if time.monotonic() > end:
            raise AssertionError('no /%s/ on the console within %gs' % (regex, timeout))
        time.sleep(0.02)


def wait_actual(q, want, timeout=50.0):
    """Poll query-balloon until the guest's logical size is want bytes.
    @return the seconds it took."""
    t0 = time.monotonic()
    while True:
        a = q.cmd('query-balloon')['actual']
        if a == want:
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise AssertionError('query-balloon says %d, want %d' % (a, want))
        time.sleep(0.005)


def finish(q, ram):
    """All the RAM back: the guest empties its balloon and says so, this
    checks query-balloon, and the done target lets the guest end."""
    q.cmd('balloon', value=ram)
    wait_console(r'^# balloon-empty')
    got = q.cmd('query-balloon')['actual']
    print('deflated: query-balloon %d' % got)
    assert got == ram, (got, ram)
    q.cmd('balloon', value=ram - DONE_PAGES * PAGE)


def summary():
    m = wait_console(r'^(\d+) passed, (\d+) failed, (\d+) skipped')
    passed, failed, skipped = map(int, m.groups())
    print('guest: %s' % m.group(0))
    assert failed == 0 and skipped == 0 and passed >= 1, m.group(0)


def mode_qmp(q, ram):
    half = ram // 2
    q.cmd('balloon', value=half)
    m = wait_console(r'^# balloon-inflated actual=(\d+)')
    actual = int(m.group(1))
    assert actual == (ram - half) // PAGE, (actual, ram, half)
    got = q.cmd('query-balloon')['actual']
    print('inflated: guest holds %d pages; query-balloon %d bytes of %d' % (actual, got, ram))
    assert got == half, got


def mode_stats(q, ram):
    total = int(wait_console(r'bytes=(\d+)').group(1))
    q.cmd('qom-set', path=DEV, property='guest-stats-polling-interval', value=1)
    assert q.cmd('qom-get', path=DEV, property='guest-stats-polling-interval') == 1
    end = time.monotonic() + 40
    seen = []
    while len(seen) < 3:
        g = q.cmd('qom-get', path=DEV, property='guest-stats')
        lu = g.get('last-update', 0)
        if lu and (not seen or lu != seen[-1][0]):
            seen.append((lu, g['stats']))
            print('last-update %d: %s' % (lu, g['stats']))
        assert time.monotonic() < end, 'stats updated %d times' % len(seen)
        time.sleep(0.2)
    for _, st in seen:
        for k in STAT_KEYS:
            assert k in st and st[k] != -1, 'tag %s not filled: %s' % (k, st)
        assert st['stat-total-memory'] == total, (st, total)
        assert 0 < st['stat-free-memory'] <= total, st
        assert 0 < st['stat-available-memory'] <= total, st
        for k in ('stat-swap-in', 'stat-swap-out', 'stat-major-faults',
                  'stat-minor-faults', 'stat-htlb-pgalloc', 'stat-htlb-pgfail'):
            assert st[k] == 0, (k, st)
    q.cmd('balloon', value=ram - DONE_PAGES * PAGE)
    wait_console(r'^# balloon-done')


def mode_oom(q, ram):
    q.cmd('balloon', value=1)
    wait_console(r'^# balloon-done')
    print('guest allocated under a full balloon; query-balloon %d' %
          q.cmd('query-balloon')['actual'])


def mode_chaos(q, ram):
    q.cmd('balloon', value=1)
    held = int(wait_console(r'^# balloon-floor held=(\d+)').group(1))
    got = q.cmd('query-balloon')['actual']
    print('target past the RAM: guest holds %d pages, query-balloon %d' % (held, got))
    assert got == ram - held * PAGE, (got, held)
    secs = float(os.environ.get('CHAOS_SECONDS', '5'))
    rng = random.Random(int(os.environ.get('CHAOS_SEED', '1')))
    t0 = time.monotonic()
    n = 0
    # One a millisecond, or as fast as QMP answers when that is slower.
    while time.monotonic() < t0 + secs:
        # Now and then past what the guest can give (1 byte left).
        q.cmd('balloon', value=1 if rng.random() < 0.1 else rng.randrange(ram // 8, ram + 1))
        n += 1
        time.sleep(max(0.0, t0 + n * 0.001 - time.monotonic()))
    print('%d targets in %gs' % (n, secs))
    q.cmd('balloon', value=ram - DONE_PAGES * PAGE)
    wait_console(r'^# balloon-done')


def qemu_rss():
    """Resident KiB of the QEMU serving $QMP (found by its command line)."""
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            cmd = open('/proc/%s/cmdline' % pid, 'rb').read().split(b'\0')
            if not any(os.environ['QMP'].encode() in a for a in cmd) or \
                    not os.path.basename(cmd[0]).startswith(b'qemu-system'):
                continue
            for line in open('/proc/%s/status' % pid):
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        except OSError:
            continue
    raise AssertionError('no QEMU process with %s' % os.environ['QMP'])


def mode_report(q, ram):
    before = qemu_rss()
    q.cmd('balloon', value=ram - DONE_PAGES * PAGE)
    m = wait_console(r'^# balloon-reported pages=(\d+)')
    time.sleep(0.5)   # the last request's discards are done before its answer; margin
    after = qemu_rss()
    print('QEMU resident %d KiB with 48 MiB written, %d KiB after %s pages '
          'reported' % (before, after, m.group(1)))
    assert before - after >= 32 * 1024, (before, after)


def mode_fail(q, ram):
    q.cmd('balloon', value=ram // 8)
    wait_console(r'^# balloon-done')


def mode_timing(q, ram):
    gib = 1 << 30
    t0 = time.monotonic()
    q.cmd('balloon', value=ram - gib)
    ti = wait_actual(q, ram - gib)
    tin = time.monotonic() - t0
    m = wait_console(r'^# balloon-inflated actual=(\d+) pages in (\d+) ms')
    t0 = time.monotonic()
    q.cmd('balloon', value=ram)
    wait_actual(q, ram)
    tout = time.monotonic() - t0
    d = wait_console(r'^# balloon-deflated (\d+) pages in (\d+) ms')
    q.cmd('balloon', value=ram - DONE_PAGES * PAGE)
    touched = wait_console(r'touched=(\d+) MiB').group(1)
    print('balloon 1 GiB: inflate %.3f s, deflate %.3f s (host: QMP command to '
          'query-balloon); guest: %s ms, %s ms; %s MiB written by the guest '
          'before' % (tin, tout, m.group(2), d.group(2), touched))
    del ti


def main():
    mode = sys.argv[1]
    wait_console(r'^# balloon-ready')
    with QMP(os.environ['QMP'], timeout=30) as q:
        ram = q.cmd('query-memory-size-summary')['base-memory']
        print('QEMU %(major)d.%(minor)d, RAM %%d bytes' % q.version % ram)
        globals()['mode_' + mode](q, ram)
        if mode not in ('timing', 'fail'):
            finish(q, ram)
    summary()
    return 0


if __name__ == '__main__':
    sys.exit(main())
