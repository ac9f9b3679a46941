#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""during= hook of vcon_shell*: the kernel console is a virtconsole on a
socket chardev (console=hvc0); this script is its terminal. It types
commands to the shell and reads their output: `ports` lists the file
port, `portwrite` reaches it, an unknown command is refused, Ctrl-C ends a
long `sleep` at once, `portcat` shows what the host sends on a socket port
until the host closes it, and `portcat -w` sends the host a line."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests'))
from qmp import chardev_connect  # noqa: E402


class Term:
    def __init__(self, path):
        self.s = chardev_connect(path)
        self.s.settimeout(0.2)
        self.out = b''

    def expect(self, what, secs=15):
        end = time.monotonic() + secs
        while what not in self.out:
            if time.monotonic() > end:
                raise TimeoutError('no %r in %r' % (what, self.out[-400:]))
            try:
                b = self.s.recv(4096)
            except TimeoutError:
                continue
            if not b:
                raise ConnectionError('console closed')
            self.out += b
        i = self.out.index(what) + len(what)
        seen, self.out = self.out[:i], self.out[i:]
        return seen

    def type(self, text):
        self.s.sendall(text)


def main():
    t = Term(os.path.join(os.environ['T'], 'hvc.sock'))
    t.type(b'\r')
    t.expect(b'> ')
    t.type(b'ports\r')
    seen = t.expect(b'> ')
    assert b'org.example.file' in seen and b'hvc0' in seen, seen
    t.type(b'portwrite org.example.file typed-through-hvc0\r')
    t.expect(b'> ')
    t.type(b'no-such-command\r')
    seen = t.expect(b'> ')
    assert b'no-such-command' in seen, seen
    t.type(b'sleep 30000\r')
    time.sleep(0.5)
    t0 = time.monotonic()
    t.type(b'\x03')
    t.expect(b'^C')
    t.expect(b'> ')
    dt = time.monotonic() - t0
    assert dt < 10, 'Ctrl-C took %.1fs' % dt
    # portcat: what the host sends shows up on the console until the
    # host closes its end (end of file), and the prompt comes back.
    d = chardev_connect(os.path.join(os.environ['T'], 'data.sock'))
    t.type(b'portcat org.example.data\r')
    time.sleep(0.5)
    d.sendall(b'line-from-the-host\n')
    t.expect(b'line-from-the-host')
    d.close()
    t.expect(b'> ')
    # portcat -w: a line to the host.
    # (until the guest has heard of the connection: -EPIPE before)
    d = chardev_connect(os.path.join(os.environ['T'], 'data.sock'))
    end = time.monotonic() + 15
    while True:
        t.type(b'portcat -w org.example.data line-to-the-host\r')
        if b'host end is closed' not in t.expect(b'> '):
            break
        assert time.monotonic() < end, 'the guest never saw the host open the port'
        time.sleep(0.2)
    d.settimeout(10)
    got = b''
    while not got.endswith(b'\n'):
        b = d.recv(4096)
        if not b:
            break
        got += b
    assert got == b'line-to-the-host\n', got
    d.close()
    t.type(b'echo shell-over-port-done\r')
    t.expect(b'shell-over-port-done')
    data = open(os.path.join(os.environ['T'], 'file.out'), 'rb').read()
    assert b'typed-through-hvc0\n' in data, data[-200:]
    print('ok: ports, portwrite, portcat both ways (to end of file), an unknown command '
          'and Ctrl-C through hvc0 (Ctrl-C took %.2fs)' % dt)
    return 0


if __name__ == '__main__':
    sys.exit(main())
