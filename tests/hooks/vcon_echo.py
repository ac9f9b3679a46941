#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""during= hook of the virtio_console echo cases (and the engine of
tools/vcon_bench.py): write N bytes into a guest port through a socket
chardev, read back what the guest's `portecho` sends, and compare SHA-256
sums. Bounded: the whole transfer must end before the case's timeout.

usage: vcon_echo.py [SOCKET] [MIB]   (defaults: $T/port1.sock, 16)
Prints the MiB/s of the round trip (the bytes moved one way over the time
from first byte sent to last byte back)."""
import hashlib
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ.get('ROOT', os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))), 'tests'))
from qmp import chardev_connect  # noqa: E402


def pattern(n, seed=1):
    """n bytes of a reproducible pattern that no byte-wise filter keeps
    intact by accident (a counter mixed through SHA-256)."""
    out, i = bytearray(), 0
    while len(out) < n:
        out += hashlib.sha256(b'%d:%d' % (seed, i)).digest() * 64
        i += 1
    return bytes(out[:n])


def echo(path, nbytes, deadline):
    """Send nbytes, read them back. @return (seconds, ok, detail)."""
    s = chardev_connect(path)
    data = pattern(nbytes)
    want = hashlib.sha256(data).hexdigest()
    err = []

    def send():
        try:
            view = memoryview(data)
            for off in range(0, nbytes, 65536):
                s.sendall(view[off:off + 65536])
        except OSError as e:
            err.append('send: %s' % e)

    s.settimeout(1.0)
    t0 = time.monotonic()
    th = threading.Thread(target=send, daemon=True)
    th.start()
    h, got = hashlib.sha256(), 0
    while got < nbytes:
        if time.monotonic() > deadline:
            s.close()
            return time.monotonic() - t0, False, 'only %d of %d bytes back in time' % (got, nbytes)
        try:
            b = s.recv(1 << 20)
        except TimeoutError:
            continue
        except OSError as e:
            return time.monotonic() - t0, False, 'recv: %s' % e
        if not b:
            return time.monotonic() - t0, False, 'the guest closed after %d bytes' % got
        h.update(b)
        got += len(b)
    dt = time.monotonic() - t0
    th.join(5)
    s.close()
    if err:
        return dt, False, err[0]
    if h.hexdigest() != want:
        return dt, False, 'SHA-256 differs: sent %s, got %s' % (want, h.hexdigest())
    return dt, True, 'sha256 %s' % want


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.environ['T'], 'port1.sock')
    mib = float(sys.argv[2]) if len(sys.argv) > 2 else 16
    n = int(mib * 1048576)
    budget = float(os.environ.get('TIMEOUT', '60')) - 10
    dt, ok, detail = echo(path, n, time.monotonic() + max(5, budget))
    print('%s: %d bytes echoed in %.2fs (%.1f MiB/s): %s' % (
        'ok' if ok else 'FAIL', n, dt, n / 1048576 / dt if dt else 0, detail))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
