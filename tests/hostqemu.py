# SPDX-License-Identifier: MIT
"""For host scripts that start a QEMU themselves (tests/hooks/kv_host.py,
tests/hooks/app_soak.py) rather than through tests/run: the QEMU on PATH
(tests/run --qemu DIR puts DIR's first) with its own firmware, and the
work-arounds of tests/qemu_quirks.py; and a free port on 127.0.0.1."""
import os
import shutil
import socket
import subprocess

import qemu_quirks


def accel():
    """'kvm' or 'tcg', chosen as tests/run chooses (tools/accel.sh; ACCEL=
    forces one)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([os.path.join(root, 'tools/accel.sh')], capture_output=True,
                         text=True).stdout.split()
    return out[-1] if out else 'tcg'


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def command(args, accel):
    """['qemu-system-x86_64', ...args]: with -L for the firmware of a QEMU
    unpacked under a directory, and -smp 2 where that QEMU drops a single
    vCPU's barriers (tests/qemu_quirks.py)."""
    qemu = shutil.which('qemu-system-x86_64') or ''
    base = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(qemu))))
    fw = []
    for sub in ('usr/share/qemu', 'usr/share/seabios'):
        if base != '/' and os.path.isdir(os.path.join(base, sub)):
            fw += ['-L', os.path.join(base, sub)]
    version = qemu_quirks.qemu_version(qemu or 'qemu-system-x86_64')
    return ['qemu-system-x86_64'] + fw + qemu_quirks.tcg_barrier_args(version, accel, list(args))
