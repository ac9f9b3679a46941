#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""during= hook of the virtio_console echo cases (and the engine of
tests/bench/vcon.py): write N bytes into a guest port through a socket
chardev, read back what the guest's `portecho` sends, and compare it with
what was sent, byte for byte (the log gives the data's SHA-256). Bounded:
the whole transfer must end before the case's timeout.

usage: vcon_echo.py [SOCKET] [MIB]   (defaults: $T/port1.sock, 16)
Prints the MiB/s of the round trip (the bytes moved one way over the time
from first byte sent to last byte back)."""
import hashlib
import os
import socket
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


# Host-side costs (issue #11): under TCG on a busy host the transfer's
# wall time is mostly the QEMU threads and this script waiting for a CPU,
# so the script spends little CPU per byte and wakes rarely. It sends in
# large chunks with a large send buffer (on a UNIX stream socket the
# sender's buffer is what bounds the bytes in flight towards QEMU), and it
# receives straight into one buffer of the transfer's size (no allocation
# or hashing per recv), compared with what was sent once everything is
# back: the same check as hashing both, done after the clock stops.
SEND_CHUNK = 1 << 20
SOCK_BUF = 4 << 20


def echo(path, nbytes, deadline):
    """Send nbytes, read them back, compare. @return (seconds, ok, detail)."""
    s = chardev_connect(path)
    data = pattern(nbytes)
    want = hashlib.sha256(data).hexdigest()
    err = []
    for opt in (socket.SO_SNDBUF, socket.SO_RCVBUF):
        try:
            s.setsockopt(socket.SOL_SOCKET, opt, SOCK_BUF)
        except OSError:
            pass        # the system's limit stays; only slower

    def send():
        # send(), not sendall(): the socket's timeout bounds a sendall as a
        # whole, and a starved guest may take longer than that to drain a
        # chunk; here only the deadline ends the sending.
        view, off = memoryview(data), 0
        try:
            while off < nbytes:
                try:
                    off += s.send(view[off:off + SEND_CHUNK])
                except TimeoutError:
                    if time.monotonic() > deadline:
                        raise
        except OSError as e:
            err.append('send: %s after %d bytes' % (e, off))

    s.settimeout(1.0)
    back = bytearray(nbytes)
    view = memoryview(back)
    t0 = time.monotonic()
    th = threading.Thread(target=send, daemon=True)
    th.start()
    got = 0
    while got < nbytes:
        if time.monotonic() > deadline:
            s.close()
            return time.monotonic() - t0, False, 'only %d of %d bytes back in time' % (got, nbytes)
        if err:
            return time.monotonic() - t0, False, err[0]
        try:
            k = s.recv_into(view[got:])
        except TimeoutError:
            continue
        except OSError as e:
            return time.monotonic() - t0, False, 'recv: %s' % e
        if not k:
            return time.monotonic() - t0, False, 'the guest closed after %d bytes' % got
        got += k
    dt = time.monotonic() - t0
    th.join(5)
    s.settimeout(0.2)
    try:
        extra = len(s.recv(65536))
    except (TimeoutError, OSError):
        extra = 0
    s.close()
    if err:
        return dt, False, err[0]
    if extra:
        return dt, False, 'more bytes back than were sent'
    if back != data:
        bad = next(i for i in range(nbytes) if back[i] != data[i])
        return dt, False, 'byte %d of %d differs (sent sha256 %s, got %s)' % (
            bad, nbytes, want, hashlib.sha256(back).hexdigest())
    return dt, True, 'sha256 %s, every byte back in order' % want


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
