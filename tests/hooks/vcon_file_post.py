#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""post= hook of the virtio_console cases: the file chardev behind the
guest's file port ($T/file.out) holds what virtio_console_write_file and
virtio_console_shell wrote, byte for byte."""
import os
import sys

MARK = b'virtio-console file port: '
N = 200 * 1024


def main():
    data = open(os.path.join(os.environ['T'], 'file.out'), 'rb').read()
    pat = bytes(ord('a') + (i * 7 + i // 251) % 26 for i in range(N))
    want = [MARK + b'hello\n' + pat + b'\n', MARK + b'from portcat\n', MARK + b'from portwrite\n']
    missing = [w[:40] for w in want if w not in data]
    if missing:
        print('file.out (%d bytes) lacks %r' % (len(data), missing))
        return 1
    print('file.out: %d bytes as written' % len(data))
    return 0


if __name__ == '__main__':
    sys.exit(main())
