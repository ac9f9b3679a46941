#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""virtio-console throughput (part of make bench; tools/bench.py runs every
executable in tests/bench/).

Boots the kernel with `run="portecho org.example.data"` and a
virtserialport on a UNIX socket chardev, sends BENCH_VCON_MIB MiB (default
64) into the port while reading back what the guest echoes
(tests/hooks/vcon_echo.py: every byte compared), and prints MiB/s each way
(the bytes over the time from first byte sent to last byte back): x86_64
q35 PCI modern and microvm MMIO, irq and poll, and aarch64 virt MMIO.
Beside them, what the machine's UART (16550, PL011) does with the same
data as the console (`run=conecho`, the UART on a socket chardev):
BENCH_VCON_UART_KIB KiB (default 64) of printable bytes (the pattern in
base64: the console owns newline and Ctrl-C; 0 skips it), at most
UART_WINDOW bytes in flight, since a UART has no flow control and the
console's input ring drops what does not fit. Every figure is a `bench: vcon ...` line.
BENCH_VCON_RUNS boots per figure (median; default 1); ACCEL=kvm|tcg
(default: what tools/accel.sh finds; aarch64 always TCG);
BENCH_VCON_ONLY=TEXT keeps the configurations whose "arch machine" holds
TEXT; BENCH_VCON_BUILD=DIR takes the kernels from DIR/<arch>/ instead of
build/; BENCH_VCON_BASE=DIR also boots DIR's kernels, alternating boot
for boot with the others, and prints their row and the ratio of the two
(on a loaded host only figures taken side by side compare).
"""
import base64, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests/hooks'))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
import vcon_echo  # noqa: E402
import hostqemu  # noqa: E402

MIB = float(os.environ.get('BENCH_VCON_MIB', '64'))
RUNS = int(os.environ.get('BENCH_VCON_RUNS', '1'))
BUILD = os.environ.get('BENCH_VCON_BUILD', os.path.join(ROOT, 'build'))
BASE = os.environ.get('BENCH_VCON_BASE', '')
ONLY = os.environ.get('BENCH_VCON_ONLY', '')
UART_KIB = float(os.environ.get('BENCH_VCON_UART_KIB', '64'))
UART_WINDOW = 240       # below the console's input ring (256 bytes): nothing dropped
KERNEL = {'mb1': 'kernel.elf', 'pvh': 'kernel-pvh.elf', 'image': 'kernel.img'}

CONFIGS = [
    ('x86_64', 'q35 pci', 'mb1', ['-machine', 'q35', '-device', 'virtio-serial-pci,disable-legacy=on']),
    ('x86_64', 'microvm mmio', 'pvh', ['-machine', 'microvm,acpi=off', '-global',
                                       'virtio-mmio.force-legacy=false',
                                       '-device', 'virtio-serial-device']),
    ('aarch64', 'virt mmio', 'image', ['-machine', 'virt', '-cpu', 'cortex-a57',
                                       '-device', 'virtio-serial-device']),
]


def qemu_cmd(arch, acc, boot, machine, serial, append, build=BUILD):
    return ['qemu-system-' + arch, '-accel', acc if arch == 'x86_64' else 'tcg', '-m', '128M',
            '-nodefaults', '-display', 'none', '-monitor', 'none', '-no-reboot'] + serial + \
        machine + ['-kernel', os.path.join(build, arch, KERNEL[boot]), '-append', append]


def one(arch, acc, boot, machine, mode, build=BUILD):
    """MiB/s each way through the port for one boot, or None (said why)."""
    d = tempfile.mkdtemp(prefix='vcon')
    sock = os.path.join(d, 'p.sock')
    cmd = qemu_cmd(arch, acc, boot, machine, ['-serial', 'stdio'],
                   'run="portecho org.example.data" virtio.mode=%s' % mode, build)
    cmd[-2:-2] = ['-chardev', 'socket,id=c1,path=%s,server=on,wait=off' % sock,
                  '-device', 'virtserialport,chardev=c1,name=org.example.data']
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


def uart(arch, acc, boot, machine):
    """MiB/s each way through the UART console for one boot, or None."""
    d = tempfile.mkdtemp(prefix='vconu')
    sock = os.path.join(d, 'u.sock')
    cmd = qemu_cmd(arch, acc, boot, machine,
                   ['-chardev', 'socket,id=u0,path=%s,server=on,wait=off' % sock,
                    '-serial', 'chardev:u0'], 'run="conecho"')
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)
    try:
        s = vcon_echo.chardev_connect(sock)
        s.settimeout(1.0)
        seen, end = b'', time.monotonic() + 60
        marker = b'conecho: echoing the console\r\n'
        while marker not in seen:
            if p.poll() is not None or time.monotonic() > end:
                print('# vcon %s uart: the guest never started conecho' % arch)
                return None
            try:
                seen += s.recv(65536)
            except TimeoutError:
                pass
        n = int(UART_KIB * 1024)
        data = base64.b64encode(vcon_echo.pattern(n))[:n]
        back = bytearray()
        sent = 0
        end = time.monotonic() + 120
        t0 = time.monotonic()
        while len(back) < n:
            if sent - len(back) < UART_WINDOW and sent < n:
                k = min(UART_WINDOW - (sent - len(back)), n - sent)
                s.sendall(data[sent:sent + k])
                sent += k
            if time.monotonic() > end:
                print('# vcon %s uart: only %d of %d bytes back in time' % (arch, len(back), n))
                return None
            try:
                b = s.recv(65536)
            except TimeoutError:
                continue
            if not b:
                print('# vcon %s uart: the guest closed' % arch)
                return None
            back += b
        dt = time.monotonic() - t0
        s.close()
        if bytes(back) != data:
            print('# vcon %s uart: the echo differs from what was sent' % arch)
            return None
        return n / 1048576 / dt
    except OSError as e:
        print('# vcon %s uart: %s' % (arch, e))
        return None
    finally:
        p.kill()
        p.wait()


def median(figs):
    figs = [f for f in figs if f]
    return statistics.median(figs) if figs else None


def main():
    acc = hostqemu.accel()
    print('# virtio-console: %g MiB into a port and echoed back (every byte checked), '
          'MiB/s each way, median of %d; accelerator %s (aarch64: tcg); uart: %g KiB '
          'through the UART console, %d bytes in flight' % (MIB, RUNS, acc, UART_KIB,
                                                           UART_WINDOW))
    if BASE:
        print('# base: %s, booted alternately with %s' % (BASE, BUILD))
    print('%-8s %-14s %10s %10s %10s %10s' % ('arch', 'machine', 'irq', 'poll', 'uart',
                                              'port/uart'))
    fmt = lambda v, p=1: '%10.*f' % (p, v) if v else '%10s' % '-'  # noqa: E731
    for arch, name, boot, machine in CONFIGS:
        if not os.path.exists(os.path.join(BUILD, arch)) or ONLY not in '%s %s' % (arch, name):
            continue
        figs, base = {}, {}
        for mode in ('irq', 'poll'):
            runs, bruns = [], []
            for _ in range(RUNS):
                runs.append(one(arch, acc, boot, machine, mode))
                if BASE:
                    bruns.append(one(arch, acc, boot, machine, mode, BASE))
            figs[mode], base[mode] = median(runs), median(bruns)
        figs['uart'] = median(uart(arch, acc, boot, machine) for _ in range(RUNS)) \
            if UART_KIB > 0 else None
        for mode in ('irq', 'poll', 'uart'):
            if figs[mode]:
                print('bench: vcon %s %s %s %.*f MiB/s' % (arch, name.replace(' ', '-'), mode,
                                                          3 if mode == 'uart' else 1, figs[mode]))
        ratio = '%9.0fx' % (figs['irq'] / figs['uart']) if figs['irq'] and figs['uart'] else '%10s' % '-'
        print('%-8s %-14s %s %s %s %s' % (arch, name, fmt(figs['irq']), fmt(figs['poll']),
                                          fmt(figs['uart'], 3), ratio))
        if BASE:
            print('%-8s %-14s %s %s' % ('', '  base', fmt(base['irq']), fmt(base['poll'])))
            print('%-8s %-14s %s %s' % ('', '  ratio', *(
                '%9.2fx' % (figs[m] / base[m]) if figs[m] and base[m] else '%10s' % '-'
                for m in ('irq', 'poll'))))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
