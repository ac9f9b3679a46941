#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""during= hook of the virtio_console hot-plug cases: while echo traffic
runs on org.example.data (the guest runs `portecho -a`), ports are added
and removed through QMP (chardev-add, device_add virtserialport,
device_del, chardev-remove), three times, so the second and third reuse
the first one's port number. Each added port must echo a line, and its
removal must reach the guest (its log says so); the traffic must come back
intact all along, and keep flowing."""
import hashlib
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests'))
from qmp import QMP, chardev_connect  # noqa: E402

T = os.environ['T']
ROUNDS = 3


def console():
    return open(os.path.join(T, 'console.log'), 'rb').read().decode('utf-8', 'replace')


class Traffic(threading.Thread):
    """Blocks of 16 KiB to the data port and back, each compared."""

    def __init__(self):
        super().__init__(daemon=True)
        self.s = chardev_connect(os.path.join(T, 'port1.sock'))
        self.s.settimeout(1.0)
        self.stop = False
        self.bytes = 0
        self.error = None

    def run(self):
        i = 0
        try:
            while not self.stop:
                block = hashlib.sha256(b'%d' % i).digest() * 512
                self.s.sendall(block)
                got = b''
                t_end = time.monotonic() + 20
                while len(got) < len(block):
                    if time.monotonic() > t_end:
                        raise TimeoutError('block %d: %d bytes back in 20 s' % (i, len(got)))
                    try:
                        b = self.s.recv(len(block) - len(got))
                    except TimeoutError:
                        continue
                    if not b:
                        raise ConnectionError('the guest closed the data port')
                    got += b
                if got != block:
                    raise ValueError('block %d came back different' % i)
                self.bytes += len(block)
                i += 1
        except Exception as e:  # noqa: BLE001  reported by main()
            self.error = '%s: %s' % (type(e).__name__, e)


def echo_line(path, line, deadline):
    s = chardev_connect(path)
    s.settimeout(0.5)
    s.sendall(line)
    got = b''
    while not got.endswith(b'\n') and time.monotonic() < deadline:
        try:
            b = s.recv(4096)
        except TimeoutError:
            continue
        if not b:
            break
        got += b
    s.close()
    return got


def main():
    traffic = Traffic()
    traffic.start()
    with QMP(os.environ['QMP']) as q:
        for r in range(1, ROUNDS + 1):
            path = os.path.join(T, 'hot%d.sock' % r)
            name = 'org.example.hot%d' % r
            q.cmd('chardev-add', id='hc%d' % r, backend={'type': 'socket', 'data': {
                'addr': {'type': 'unix', 'data': {'path': path}},
                'server': True, 'wait': False}})
            q.cmd('device_add', driver='virtserialport', bus='vser0.0', chardev='hc%d' % r,
                  name=name, id='hp%d' % r)
            line = b'hello from round %d\n' % r
            got = echo_line(path, line, time.monotonic() + 15)
            if got != line:
                print('round %d: %s echoed %r, expected %r' % (r, name, got, line))
                return 1
            before = traffic.bytes
            q.cmd('device_del', id='hp%d' % r)
            q.event('DEVICE_DELETED', timeout=15, match={'device': 'hp%d' % r})
            q.cmd('chardev-remove', id='hc%d' % r)
            end = time.monotonic() + 15
            pat = r'port \d+ \(%s\) removed' % re.escape(name)
            while not re.search(pat, console()):
                if time.monotonic() > end:
                    print('round %d: the guest never saw %s go' % (r, name))
                    return 1
                time.sleep(0.1)
            # Traffic keeps flowing across the change.
            end = time.monotonic() + 15
            while traffic.bytes == before and not traffic.error:
                if time.monotonic() > end:
                    print('round %d: traffic stalled at %d bytes; console ends:\n%s' % (
                        r, traffic.bytes, console()[-1500:]))
                    return 1
                time.sleep(0.05)
            print('round %d: %s added, echoed, removed; %d traffic bytes so far' % (
                r, name, traffic.bytes))
    traffic.stop = True
    traffic.join(25)
    if traffic.error:
        print('traffic: %s' % traffic.error)
        return 1
    print('ok: %d rounds, %d bytes of traffic intact' % (ROUNDS, traffic.bytes))
    return 0


if __name__ == '__main__':
    sys.exit(main())
