# SPDX-License-Identifier: MIT
"""Work-arounds for bugs in the QEMUs the tests run, in one place (tests/run,
tests/conform and the soak use them).

QEMU before 8.1 under TCG with a single vCPU drops the guest's memory
barriers (QEMU commit c914d46d0a64, "tcg: Do not elide memory barriers for
!CF_PARALLEL in system mode", first in 8.1): with one vCPU it translates
without CF_PARALLEL and emits no host fence for a guest's. A virtio device
that runs in another host thread (QEMU's main loop completing a virtio-net
or virtio-blk request, a vhost-user back end) then sees the guest's store
of the available index and its load of avail_event (or used_event, or the
flags) reordered (virtio 1.2 §2.7.10, §2.7.7): the guest skips a
notification the device waits for, or the device an interrupt the guest
waits for. Seen: vhh_plain_wrap failed about 1 run in 2 on QEMU 7.2 and
never on QEMU 10; a virtio-net transmit timeout after 400,000 HTTP requests
on 7.2. A second vCPU makes that QEMU translate with CF_PARALLEL and emit
the fences; the kernel leaves it parked. No guest code can help: the
guest's own fences are what is dropped.
"""
import re
import subprocess

_versions = {}


def qemu_version(binary, env=None):
    """(major, minor, micro) of binary, (0, 0, 0) when it does not say."""
    if binary not in _versions:
        try:
            out = subprocess.run([binary, '--version'], capture_output=True, text=True,
                                 env=env, timeout=30).stdout
        except (OSError, subprocess.TimeoutExpired):
            out = ''
        m = re.search(r'version (\d+)\.(\d+)(?:\.(\d+))?', out)
        _versions[binary] = tuple(int(x or 0) for x in m.groups()) if m else (0, 0, 0)
    return _versions[binary]


def drops_tcg_barriers(version, accel):
    return accel == 'tcg' and (0, 0, 0) < version < (8, 1, 0)


def tcg_barrier_args(version, accel, args):
    """args (a QEMU command line without the binary) with -smp 2 added where
    that QEMU drops a single vCPU's barriers and args choose no -smp (nor a
    CPU without a local APIC); a
    vhost-user-blk device then asks for one queue (it takes one per vCPU by
    default, and our back end serves one)."""
    # A CPU without a local APIC (-cpu ...,-apic) has no SMP: QEMU then
    # delivers the 8259's interrupts to no vCPU the kernel runs on.
    if (not drops_tcg_barriers(version, accel) or '-smp' in args or
            any(re.search(r',-apic\b', a) for a in args)):
        return list(args)
    out = []
    for a in args:
        if a.startswith('vhost-user-blk') and 'num-queues' not in a:
            a += ',num-queues=1'
        out.append(a)
    return out + ['-smp', '2']
