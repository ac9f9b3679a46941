#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A small QMP client (QEMU Machine Protocol, docs/interop/qmp-spec in
QEMU's tree) for the test runner's during= hooks and the bench.

QMP is line-delimited JSON over a socket: the server greets with
{"QMP": {...}}, the client must send qmp_capabilities before anything
else, each {"execute": NAME, "arguments": {...}, "id": N} gets one
{"return": ...} or {"error": {"class", "desc"}} with the same id, and
asynchronous {"event": NAME, "data": ..., "timestamp": ...} lines can
arrive at any point, also between a command and its answer. Events that
arrive while waiting for an answer are queued for event().

As a module:
    from qmp import QMP
    with QMP(os.environ['QMP']) as q:
        q.cmd('balloon', value=64 << 20)
        q.event('BALLOON_CHANGE', timeout=10)

From a shell:
    tests/qmp.py SOCKET COMMAND [JSON-ARGUMENTS]   prints the return value
    tests/qmp.py SOCKET --hmp 'info qtree'         a human monitor command
Exit status 0, or 1 with the error's class and text on stderr.

The runner gives every case with a during= hook a QMP socket, $T/qmp.sock,
and says where in $QMP. chardev_connect() opens a character device's
socket (-chardev socket,path=$T/NAME.sock,server=on,wait=off) the same way.
"""
import json
import os
import socket
import sys
import time


class QMPError(Exception):
    """The server answered a command with an error (class, desc)."""

    def __init__(self, cmd, err):
        self.cls = err.get('class', '?')
        self.desc = err.get('desc', '?')
        super().__init__('%s: %s: %s' % (cmd, self.cls, self.desc))


def unix_connect(path, timeout=10.0):
    """Connect to a UNIX socket QEMU serves, waiting up to timeout seconds
    for it to appear (QEMU creates it while starting)."""
    end = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            if time.monotonic() >= end:
                raise TimeoutError('no socket at %s within %gs' % (path, timeout))
            time.sleep(0.05)


def chardev_connect(path, timeout=10.0):
    """A character device's server socket, as a connected socket."""
    return unix_connect(path, timeout)


class QMP:
    def __init__(self, path, timeout=10.0):
        self.timeout = timeout
        self.sock = unix_connect(path, timeout)
        self.buf = b''
        self.events = []
        self.next_id = 1
        greeting = self._read(time.monotonic() + timeout)
        if 'QMP' not in greeting:
            raise RuntimeError('not a QMP greeting: %r' % greeting)
        self.version = greeting['QMP'].get('version', {}).get('qemu', {})
        self.cmd('qmp_capabilities')

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None

    def _read(self, deadline):
        """The next JSON object from the server."""
        while b'\n' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('QMP: no answer within %gs' % self.timeout)
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise ConnectionError('QMP: the server closed the connection')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def cmd(self, _execute, _timeout=None, **args):
        """Execute a command; its return value, or QMPError. The leading
        underscores keep the names free for arguments (set_link's name)."""
        name = _execute
        ident = self.next_id
        self.next_id += 1
        msg = {'execute': name, 'id': ident}
        if args:
            msg['arguments'] = args
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        deadline = time.monotonic() + (_timeout or self.timeout)
        while True:
            r = self._read(deadline)
            if 'event' in r:
                self.events.append(r)
                continue
            if r.get('id') != ident:
                continue        # an answer to nobody we know: not ours
            if 'error' in r:
                raise QMPError(name, r['error'])
            return r.get('return')

    def hmp(self, line, timeout=None):
        """A human monitor command's text output."""
        return self.cmd('human-monitor-command', timeout, **{'command-line': line})

    def event(self, name=None, timeout=None, match=None):
        """Wait for the next event called name (any event when None) whose
        data has every key/value of match; earlier ones that do not fit
        stay queued. Returns the event object."""
        deadline = time.monotonic() + (timeout or self.timeout)

        def fits(e):
            if name and e['event'] != name:
                return False
            return all(e.get('data', {}).get(k) == v for k, v in (match or {}).items())
        while True:
            for i, e in enumerate(self.events):
                if fits(e):
                    return self.events.pop(i)
            self.events.append(self._read(deadline))


def main(argv):
    if len(argv) < 3:
        print(__doc__.split('\n\n')[3], file=sys.stderr)
        return 2
    try:
        with QMP(argv[1]) as q:
            if argv[2] == '--hmp':
                sys.stdout.write(q.hmp(' '.join(argv[3:])))
                return 0
            args = json.loads(argv[3]) if len(argv) > 3 else {}
            print(json.dumps(q.cmd(argv[2], **args), indent=1))
    except (QMPError, OSError, TimeoutError, ValueError) as e:
        print('qmp: %s' % e, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
