#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""during= hook of runner_qmp (tests/cases/runner.cases): the runner's QMP
socket and tests/qmp.py's client work, on whichever QEMU runs the case.
Commands answer, an unknown command is an error with its class, events
that arrive between commands are kept for event(), and a paused guest
runs on after cont (its console keeps printing)."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests'))
from qmp import QMP, QMPError  # noqa: E402


def console():
    return open(os.path.join(os.environ['T'], 'console.log'), 'rb').read()


def main():
    with QMP(os.environ['QMP']) as q:
        v = q.cmd('query-version')['qemu']
        print('QEMU %d.%d.%d' % (v['major'], v['minor'], v['micro']))
        assert q.cmd('query-status')['status'] == 'running'
        try:
            q.cmd('no-such-command')
            raise AssertionError('an unknown command did not fail')
        except QMPError as e:
            assert e.cls == 'CommandNotFound', e.cls
            print('unknown command: %s' % e.cls)
        q.cmd('stop')
        q.event('STOP', timeout=10)
        assert q.cmd('query-status')['status'] == 'paused'
        n = len(console())
        time.sleep(0.5)
        assert len(console()) == n, 'the console grew while paused'
        q.cmd('cont')
        q.event('RESUME', timeout=10)
        end = time.monotonic() + 20
        while len(console()) == n:
            assert time.monotonic() < end, 'no console output after cont'
            time.sleep(0.05)
        print('paused and resumed; %s' % q.hmp('info status').strip())
    return 0


if __name__ == '__main__':
    sys.exit(main())
