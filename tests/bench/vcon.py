#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""virtio-console throughput (part of make bench; tools/bench.py runs every
executable in tests/bench/).

Boots the kernel with `run="portecho org.example.data"` and a
virtserialport on a UNIX socket chardev, sends BENCH_VCON_MIB MiB (default
64) into the port while reading back what the guest echoes
(tests/hooks/vcon_echo.py: SHA-256 compared), and prints MiB/s each way
(the bytes over the time from first byte sent to last byte back): x86_64
q35 PCI modern and microvm MMIO, irq and poll, and aarch64 virt MMIO.
Every figure is a `bench: vcon ...` line. BENCH_VCON_RUNS boots per
configuration (median; default 1); ACCEL=kvm|tcg (default: what
tools/accel.sh finds; aarch64 always TCG).
"""
import os, re, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests/hooks'))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
import vcon_echo  # noqa: E402

MIB = float(os.environ.get('BENCH_VCON_MIB', '64'))
RUNS = int(os.environ.get('BENCH_VCON_RUNS', '1'))

CONFIGS = [
    ('x86_64', 'q35 pci', 'mb1', ['-machine', 'q35', '-device', 'virtio-serial-pci,disable-legacy=on']),
    ('x86_64', 'microvm mmio', 'pvh', ['-machine', 'microvm,acpi=off', '-global',
                                       'virtio-mmio.force-legacy=false',
                                       '-device', 'virtio-serial-device']),
    ('aarch64', 'virt mmio', 'image', ['-machine', 'virt', '-cpu', 'cortex-a57',
                                       '-device', 'virtio-serial-device']),
]


def accel():
    out = subprocess.run([os.path.join(ROOT, 'tools/accel.sh')], capture_output=True,
                         text=True).stdout.split()
    return out[-1] if out else 'tcg'


def one(arch, acc, boot, machine, mode):
    """MiB/s each way for one boot, or None (said why)."""
    d = tempfile.mkdtemp(prefix='vcon')
    sock = os.path.join(d, 'p.sock')
    kernel = {'mb1': 'kernel.elf', 'pvh': 'kernel-pvh.elf', 'image': 'kernel.img'}[boot]
    cmd = ['qemu-system-' + arch, '-accel', acc if arch == 'x86_64' else 'tcg', '-m', '128M',
           '-nodefaults', '-display', 'none', '-serial', 'stdio', '-monitor', 'none',
           '-no-reboot'] + machine + [
           '-chardev', 'socket,id=c1,path=%s,server=on,wait=off' % sock,
           '-device', 'virtserialport,chardev=c1,name=org.example.data',
           '-kernel', os.path.join(ROOT, 'build', arch, kernel),
           '-append', 'run="portecho org.example.data" virtio.mode=%s' % mode]
    log = os.path.join(d, 'console.log')
    with open(log, 'wb') as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 60
        while b'portecho: echoing' not in open(log, 'rb').read():
            if p.poll() is not None or time.monotonic() > end:
                print('# vcon %s %s %s: the guest never started portecho' % (arch, mode, d))
                return None
            time.sleep(0.05)
        n = int(MIB * 1048576)
        dt, ok, detail = vcon_echo.echo(sock, n, time.monotonic() + 120)
        if not ok:
            print('# vcon %s %s: %s' % (arch, mode, detail))
            return None
        return n / 1048576 / dt
    finally:
        p.kill()
        p.wait()


def main():
    acc = accel()
    print('# virtio-console: %g MiB into a port and echoed back (SHA-256 checked), '
          'MiB/s each way, median of %d; accelerator %s (aarch64: tcg)' % (MIB, RUNS, acc))
    print('%-8s %-14s %10s %10s' % ('arch', 'machine', 'irq', 'poll'))
    for arch, name, boot, machine in CONFIGS:
        if not os.path.exists(os.path.join(ROOT, 'build', arch)):
            continue
        row = []
        for mode in ('irq', 'poll'):
            figs = [f for f in (one(arch, acc, boot, machine, mode) for _ in range(RUNS)) if f]
            v = statistics.median(figs) if figs else None
            row.append('%10.1f' % v if v else '%10s' % '-')
            if v:
                print('bench: vcon %s %s %s %.1f MiB/s' % (arch, name.replace(' ', '-'), mode, v))
        print('%-8s %-14s %s %s' % (arch, name, row[0], row[1]))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
