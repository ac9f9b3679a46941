#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot every supported machine shape with test=all and print each summary.

A shape is a machine (x86_64 pc, q35, microvm with and without ACPI, each
through Multiboot1 or PVH; aarch64 virt with GICv2/GICv3 and Cortex-A53/max)
times a device set: `none` (-nodefaults and the serial console only) or
`all` (virtio-blk on writable raw images, virtio-rng, modern, transitional
and legacy-only virtio-pci, virtio-mmio where the machine has it, edu,
pci-testdev, e1000e, fw_cfg items), at 128 MiB and, on x86, 16 MiB.

Every in-guest test must pass or skip on each of them: a test that needs
something absent skips with a reason. This is the exploration tool; the
shapes worth keeping run from tests/cases/shapes.cases in `make test`.

    tests/shapes.py [-j N] [--arch A] [-v] [shape-glob ...]

Logs go to build/shapes/<name>/console.log (console-fail-<time>.log kept
for each run that did not pass). Exit status 1 when any shape
did not pass.
"""
import argparse, concurrent.futures as cf, fnmatch, os, re, shlex, shutil
import subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = {'x86_64': 'qemu-system-x86_64', 'aarch64': 'qemu-system-aarch64'}

# The fw_cfg items tests/guest/pvbus.c looks for (files from its pre hook).
FWCFG = ('-fw_cfg name=opt/org.example/greeting,string=hello '
         '-fw_cfg name=opt/org.example/big,file=$T/big.bin '
         '-fw_cfg name=opt/org.example/huge,file=$T/huge.bin '
         '-fw_cfg name=opt/org.example/this-item-name-is-exactly-55-characters,file=$T/long.txt')
RNG = '-object rng-random,filename=/dev/urandom,id=rng0 '
# PCI: a modern-only and a transitional virtio-blk, a read-only one, a
# legacy-only virtio-rng (INTx: vectors=0), the PCI tests' known devices,
# and an e1000e behind a bridge (BRIDGE: the machine's kind).
DISKS = ('-drive file=$T/disk0.img,if=none,id=d0,format=raw '
         '-device virtio-blk-pci,drive=d0,disable-legacy=on '
         '-drive file=$T/disk1.img,if=none,id=d1,format=raw '
         '-device virtio-blk-pci,drive=d1,disable-legacy=off '
         '-drive file=$T/ro.img,if=none,id=d2,format=raw,readonly=on '
         '-device virtio-blk-pci,drive=d2 ')
PCI_DEVS = '-device edu -device pci-testdev,membar=1M '
PCI_BRIDGE = '-device pci-bridge,id=br0,chassis_nr=1 -device e1000e,bus=br0 '
PCIE_BRIDGE = '-device pcie-root-port,id=rp1,chassis=1 -device e1000e,bus=rp1 '
PC_ALL = (DISKS + RNG + '-device virtio-rng-pci,rng=rng0,disable-modern=on,vectors=0 '
          + PCI_DEVS + PCI_BRIDGE + FWCFG)
Q35_ALL = (DISKS + RNG + '-device virtio-rng-pci,rng=rng0,disable-modern=on,vectors=0 '
           + PCI_DEVS + PCIE_BRIDGE + FWCFG)
# virtio-mmio: the same kinds of device over the MMIO transport.
MMIO_ALL = ('-drive file=$T/disk0.img,if=none,id=d0,format=raw '
            '-device virtio-blk-device,drive=d0 '
            + RNG + '-device virtio-rng-device,rng=rng0 ' + FWCFG)
# aarch64 virt: both transports at once (its PCIe host and its mmio slots).
A64_ALL = ('-drive file=$T/disk0.img,if=none,id=d0,format=raw '
           '-device virtio-blk-device,drive=d0 '
           '-drive file=$T/disk1.img,if=none,id=d1,format=raw '
           '-device virtio-blk-pci,drive=d1,disable-legacy=on '
           '-drive file=$T/ro.img,if=none,id=d2,format=raw,readonly=on '
           '-device virtio-blk-pci,drive=d2 '
           + RNG + '-device virtio-rng-pci,rng=rng0 '
           '-object rng-random,filename=/dev/urandom,id=rng1 -device virtio-rng-device,rng=rng1 '
           + PCI_DEVS + PCIE_BRIDGE + FWCFG)


def shapes():
    """(name, arch, boot, qemu args) for every shape."""
    out = []
    x86 = [('pc_mb1', 'mb1', 'pc', PC_ALL), ('pc_pvh', 'pvh', 'pc', PC_ALL),
           ('q35_mb1', 'mb1', 'q35', Q35_ALL), ('q35_pvh', 'pvh', 'q35', Q35_ALL),
           ('microvm', 'pvh', 'microvm', MMIO_ALL),
           ('microvm_noacpi', 'pvh', 'microvm,acpi=off', MMIO_ALL)]
    for name, boot, machine, alldev in x86:
        for mem in ('128M', '16M'):
            for devs, extra in (('none', ''), ('all', alldev)):
                out.append(('x86_%s_%s_%s' % (name, mem.lower(), devs), 'x86_64', boot,
                            '-machine %s -m %s %s' % (machine, mem, extra)))
    for gic in ('2', '3'):
        for cpu in ('cortex-a53', 'max'):
            for devs, extra in (('none', ''), ('all', A64_ALL), ('mmio', MMIO_ALL)):
                out.append(('a64_gicv%s_%s_%s' % (gic, cpu.replace('cortex-', ''), devs),
                            'aarch64', 'image', '-machine virt,gic-version=%s -cpu %s -m 128M %s'
                            % (gic, cpu, extra)))
    return out


def run(shape, timeout, accel):
    name, arch, boot, qargs = shape
    tdir = os.path.join(ROOT, 'build/shapes', name)
    os.makedirs(tdir, exist_ok=True)
    env = dict(os.environ, T=tdir, ROOT=ROOT)
    if '$T/' in qargs:
        for h in ('tests/hooks/vblk_pre.sh', 'tests/hooks/pvbus-fwcfg-files'):
            subprocess.run(os.path.join(ROOT, h), env=env, cwd=ROOT, check=True)
    kernel = {'mb1': 'x86_64/kernel.elf', 'pvh': 'x86_64/kernel-pvh.elf',
              'image': 'aarch64/kernel.img'}[boot]
    a = [QEMU[arch], '-accel', accel if arch == 'x86_64' else 'tcg', '-nodefaults',
         '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot']
    if arch == 'x86_64':
        a += ['-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
    a += shlex.split(qargs.replace('$T', tdir))
    # The images' host patterns (tests/hooks/vblk_pre.sh): vda is disk0,
    # vdb disk1 where attached (virtio-mmio enumerates before PCI).
    cmdline = 'test=all'
    if 'disk0.img' in qargs:
        cmdline += ' vblk.seed=0x1234 vblk.wseed=0xbeef'
    if 'disk1.img' in qargs:
        cmdline += ' vblk.seed2=0x5678'
    a += ['-kernel', os.path.join(ROOT, 'build', kernel), '-append', cmdline]
    log = os.path.join(tdir, 'console.log')
    t0 = time.monotonic()
    with open(log, 'wb') as f:
        p = subprocess.Popen(a, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    dt = time.monotonic() - t0
    text = open(log, 'rb').read().decode('utf-8', 'replace')
    m = re.findall(r'^(\d+) passed, (\d+) failed, (\d+) skipped', text, re.M)
    bad = re.findall(r'^not ok \d+ - (\S+)', text, re.M)
    if not m:
        last = [l for l in text.splitlines() if l.strip()][-1:] or ['(no output)']
        shutil.copy(log, os.path.join(tdir, 'console-fail-%d.log' % int(time.time())))
        return name, False, 'no summary (%s): %s' % ('timeout' if dt >= timeout else
                                                    'exit %d' % p.returncode, last[0][:100]), dt
    p_, f_, s_ = m[-1]
    summary = '%s passed, %s failed, %s skipped' % (p_, f_, s_)
    if bad:
        summary += ' [' + ' '.join(bad) + ']'
    ok = f_ == '0' and not bad
    if not ok:      # keep it: the next run overwrites console.log
        shutil.copy(log, os.path.join(tdir, 'console-fail-%d.log' % int(time.time())))
    return name, ok, summary, dt


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('patterns', nargs='*', help='shape name globs (default: all)')
    ap.add_argument('-j', type=int, default=2, help='guests at a time')
    ap.add_argument('--arch', help='only this architecture')
    ap.add_argument('--timeout', type=float, default=120)
    a = ap.parse_args()
    accel = os.environ.get('ACCEL', 'tcg')
    todo = [s for s in shapes() if (not a.arch or s[1] == a.arch) and
            (not a.patterns or any(fnmatch.fnmatch(s[0], p) for p in a.patterns))]
    bad = 0
    with cf.ThreadPoolExecutor(max_workers=a.j) as ex:
        for name, ok, summary, dt in ex.map(lambda s: run(s, a.timeout, accel), todo):
            bad += not ok
            print('%-4s %-28s %5.1fs  %s' % ('ok' if ok else 'FAIL', name, dt, summary))
            sys.stdout.flush()
    print('%d shapes, %d not passing' % (len(todo), bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
