#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot-time benchmark (make bench).

Boots the image repeatedly and prints, side by side and measured in the same
run: the guest's own time to `boot: ready` (from the cycle counter at its
first instruction), QEMU's wall time from process start to that line, the
wall time of a do-nothing PVH guest that exits at its first instruction (the
floor QEMU itself sets on this machine), their ratio, and the image size.
Medians of N runs; the machine is shared and noisy, so compare ratios.
"""
import os, re, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
import hostqemu  # noqa: E402  (tests/hostqemu.py)
N = int(os.environ.get('BENCH_RUNS', '15'))


def qemu(arch, acc, machine, kernel, append=None, cpu=None):
    cmd = ['qemu-system-' + arch, '-accel', acc, '-machine', machine, '-m', '128M',
           '-nodefaults', '-display', 'none', '-serial', 'stdio', '-monitor', 'none',
           '-no-reboot']
    if arch == 'x86_64':
        cmd += ['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
    if cpu:
        cmd += ['-cpu', cpu]
    cmd += ['-kernel', kernel]
    if append is not None:
        cmd += ['-append', append]
    return cmd


def time_to_line(cmd, pattern):
    """(wall seconds until a stdout line matches, the match) — or until exit."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)
    m = None
    if pattern:
        for raw in p.stdout:
            m = re.search(pattern, raw.decode('utf-8', 'replace'))
            if m:
                break
    dt = time.monotonic() - t0
    if pattern:
        p.kill()
    p.wait()
    if not pattern:
        dt = time.monotonic() - t0
    return dt, m


def image_size(elf):
    out = subprocess.run(['size', '-A', elf], capture_output=True, text=True).stdout
    total = 0
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0] in ('.boot.mb1', '.text', '.note', '.rodata', '.data', '.ksyms'):
            total += int(f[1])
    return total


def bench_boot(arch, acc, machine, kernel, floor, cpu=None):
    guest, wall, floor_t = [], [], []
    for _ in range(N):
        if floor:
            dt, _ = time_to_line(qemu(arch, acc, machine, floor, cpu=cpu), None)
            floor_t.append(dt)
        dt, m = time_to_line(qemu(arch, acc, machine, kernel, 'loglevel=3 test=boot_info', cpu=cpu),
                             r'boot: ready in (\d+) us')
        if m:
            guest.append(int(m.group(1)))
            wall.append(dt)
    if not guest:
        print('%-8s %-8s no "boot: ready" line seen' % (arch, machine))
        return
    g, w = statistics.median(guest), statistics.median(wall) * 1000
    if floor_t:
        f = statistics.median(floor_t) * 1000
        print('%-8s %-8s %-4s guest-ready %6d us   qemu-wall-ready %7.1f ms   floor %7.1f ms   ratio %.2fx'
              % (arch, machine, acc, g, w, f, w / f))
    else:
        print('%-8s %-8s %-4s guest-ready %6d us   qemu-wall-ready %7.1f ms' % (arch, machine, acc, g, w))


def main():
    acc = hostqemu.accel()
    print('# boot benchmark: median of %d runs, accelerator %s' % (N, acc))
    b = os.path.join(ROOT, 'build/x86_64')
    cpu = None
    if acc == 'kvm':
        # Same probe as tests/run: some hosts need ARCH_CAPABILITIES off.
        r = subprocess.run(qemu('x86_64', 'kvm', 'q35', b + '/floor.elf', cpu='host'),
                           capture_output=True)
        cpu = 'host' if r.returncode == 85 else 'host,-arch-capabilities'
    prod = os.path.join(ROOT, 'build/x86_64-product')
    for machine in ('microvm', 'q35'):
        bench_boot('x86_64', acc, machine, prod + '/kernel-pvh.elf', b + '/floor.elf', cpu)
    print('x86_64   image: %d bytes loaded (text+rodata+data+symbols, no debug info); '
          'with the in-guest tests: %d bytes' % (image_size(prod + '/kernel.elf'), image_size(b + '/kernel.elf')))
    a = os.path.join(ROOT, 'build/aarch64')
    if os.path.exists(a + '/kernel.img'):
        floor = a + '/floor.img' if os.path.exists(a + '/floor.img') else None
        aprod = os.path.join(ROOT, 'build/aarch64-product')
        bench_boot('aarch64', 'tcg', 'virt', aprod + '/kernel.img', floor, 'cortex-a72')
        print('aarch64  image: %d bytes loaded; with the in-guest tests: %d bytes'
              % (image_size(aprod + '/kernel.elf'), image_size(a + '/kernel.elf')))
    for extra in sorted(os.listdir(os.path.join(ROOT, 'tests/bench'))) if os.path.isdir(os.path.join(ROOT, 'tests/bench')) else []:
        path = os.path.join(ROOT, 'tests/bench', extra)
        if os.access(path, os.X_OK):
            sys.stdout.flush()
            subprocess.run([path], cwd=ROOT)


if __name__ == '__main__':
    main()
