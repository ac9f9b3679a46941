#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Block benchmark against Linux (part of make bench): our guest and a Linux
guest on the same disks in the same QEMU, 4 KiB random-read IOPS at queue
depth 1 and 32 through virtio-blk (`virtio-blk-pci`, /dev/vda, our vda) and
virtio-scsi (`virtio-scsi-pci` + `scsi-hd`, /dev/sda, our sda).

Both guests boot with the same arguments (q35, -m 256M, -smp 1, the same
-cpu) and both disks: each its own 1 GiB node of QEMU's null-co driver
(read-zeroes=on: no I/O at all, so the figure is the guest's and the
virtio path's cost), and, with BENCH_BLK_LINUX_RAW=1, a second
configuration on a raw image file (blk.py's, read-only, in the host
page cache). One boot measures both disks, one after the other (half the
boots under TCG; the idle disk costs nothing).
Ours is the product kernel (build/x86_64-product/kernel.elf) running
`blkbench DEV SECONDS qd=1` then `qd=32` (drivers/blk/bench.c); Linux is
Debian's cloud kernel with an initramfs from tests/bench/linuxguest.py
whose /init sets the disks' I/O scheduler to none and runs
tests/bench/linux-blkread.c (pread at depth 1, native AIO at depth 32:
the same generator, seed and 4 KiB slots as blkbench). Both print the
average depth they measured.

Each guest boots BENCH_BLK_LINUX_RUNS times (default 3; alternating which
goes first), each figure is the median over the boots; the table gives
ours/Linux (target >= 1.00) and every figure is also a `bench: blk-linux
...` line. BENCH_BLK_LINUX_SECS is the seconds per figure (default 3).

x86_64 only: the aarch64 Linux guest would need an arm64 dpkg architecture
on the host, and both guests would run emulated (TCG) there at a crawl.
Under TCG both guests are emulated alike: the ratio is what counts.
"""
import os, re, statistics, subprocess, sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linuxguest  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, 'build/bench/blk-linux')
OURS = os.path.join(ROOT, 'build/x86_64-product/kernel.elf')
IMG = os.path.join(ROOT, 'build/bench/blk.img')     # blk.py's image, made the same way
IMG_MB = 256
SECS = int(os.environ.get('BENCH_BLK_LINUX_SECS', '3'))
RUNS = int(os.environ.get('BENCH_BLK_LINUX_RUNS', '3'))
RAW = os.environ.get('BENCH_BLK_LINUX_RAW', '0') == '1'
MEM = '256M'
NULL_BYTES = 1 << 30
DEPTHS = (1, 32)
DISKS = (('blk', 'vda'), ('scsi', 'sda'))       # (figure prefix, our name == Linux's name)
LINUX_MODULES = ['virtio_pci', 'virtio_blk', 'virtio_scsi', 'sd_mod']   # and what they need


def log(msg):
    sys.stderr.write('blk-linux bench: %s\n' % msg)
    sys.stderr.flush()


def accel():
    out = subprocess.run([os.path.join(ROOT, 'tools/accel.sh')], capture_output=True,
                         text=True).stdout.split()
    return out[-1] if out else 'tcg'


def make_image():
    """blk.py's image: written out, not sparse, so reads touch page-cache pages."""
    os.makedirs(os.path.dirname(IMG), exist_ok=True)
    if os.path.exists(IMG) and os.path.getsize(IMG) == IMG_MB << 20:
        return
    with open(IMG + '.tmp', 'wb') as f:
        chunk = bytes(range(256)) * 4096
        for _ in range(IMG_MB):
            f.write(chunk)
    os.rename(IMG + '.tmp', IMG)


def disk_args(backend):
    """The QEMU arguments of both disks, the same for both guests: vda on
    virtio-blk-pci, sda on scsi-hd behind virtio-scsi-pci, each on a node
    of its own (QEMU 7.2's -blockdev syntax: null-co's size in bytes)."""
    args = []
    for i in range(2):
        if backend == 'null-co':
            node = 'driver=null-co,node-name=disk%d,size=%d,read-zeroes=on' % (i, NULL_BYTES)
        else:
            node = ('driver=raw,node-name=disk%d,file.driver=file,file.filename=%s,'
                    'file.aio=threads,read-only=on' % (i, IMG))
        args += ['-blockdev', node]
    return args + [
        '-device', 'virtio-blk-pci,drive=disk0,disable-legacy=on,addr=4',
        '-device', 'virtio-scsi-pci,id=s0,disable-legacy=on,addr=5',
        '-device', 'scsi-hd,drive=disk1,bus=s0.0,scsi-id=0,lun=0']


def qemu_cmd(acc, backend, kernel, append, initrd=None):
    cpu = 'host' if acc == 'kvm' else 'max'
    cmd = ['qemu-system-x86_64', '-accel', acc, '-machine', 'q35', '-cpu', cpu,
           '-smp', '1', '-m', MEM, '-nodefaults', '-display', 'none',
           '-serial', 'stdio', '-monitor', 'none', '-no-reboot',
           '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
    cmd += disk_args(backend)
    cmd += ['-kernel', kernel, '-append', append]
    if initrd:
        cmd += ['-initrd', initrd]
    return cmd


# --- The Linux guest ------------------------------------------------------------------
BLK_INIT = r'''for d in %(devs)s; do
  i=0
  while [ ! -e /sys/block/$d ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
  echo none > /sys/block/$d/queue/scheduler 2>/dev/null
  echo "init: $d $(cat /sys/block/$d/size 2>/dev/null) sectors, scheduler $(cat /sys/block/$d/queue/scheduler 2>/dev/null)"
  /bin/blkread /dev/$d %(secs)d %(depths)s || echo "init: blkread $d failed"
done
echo "init: done"
poweroff -f
'''


def linux_guest():
    """(vmlinuz, initramfs, config) of the Linux baseline."""
    init = BLK_INIT % {'devs': ' '.join(d for _, d in DISKS), 'secs': SECS,
                       'depths': ' '.join(str(q) for q in DEPTHS)}
    return linuxguest.guest('blk', LINUX_MODULES, {'blkread': 'tests/bench/linux-blkread.c'},
                            init)


# --- Runs ------------------------------------------------------------------------------
def boot(name, cmd, timeout):
    """The console of one boot (stdout), also kept in WORK/<name>.log."""
    os.makedirs(WORK, exist_ok=True)
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, timeout=timeout).stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout or b''
        log('%s: no power-off within %d s' % (name, timeout))
    out = out.decode('utf-8', 'replace')
    with open(os.path.join(WORK, name + '.log'), 'w') as f:
        f.write(out)
    return out


# Both programs' lines: "bench: blk qdN randread iops=I depth=D ... dev=vda" (blkbench)
# and "bench: linux-blk qdN randread iops=I depth=D ... dev=/dev/vda" (linux-blkread).
LINE = re.compile(r'^bench: (?:linux-)?blk qd(\d+) randread iops=(\d+) depth=([\d.]+)'
                  r' ops=\d+ errors=(\d+)(?: mode=(\w+))?.*?dev=(?:/dev/)?(\w+)', re.M)


def parse(out):
    """{(dev, qd): (iops, depth, blkbench's mode or engine)} of the figures without errors."""
    res = {}
    for m in LINE.finditer(out):
        if int(m.group(4)) == 0:
            res[(m.group(6), int(m.group(1)))] = (int(m.group(2)), float(m.group(3)),
                                                  m.group(5) or '')
    return res


def run_ours(acc, backend, k):
    run = '; '.join('blkbench %s %d qd=%d' % (d, SECS, q) for _, d in DISKS for q in DEPTHS)
    cmd = qemu_cmd(acc, backend, OURS, 'loglevel=4 run="%s"' % run)
    return parse(boot('ours-%s-%d' % (backend, k), cmd, 90 + 4 * 2 * len(DISKS) * SECS))


def run_linux(acc, backend, k, vmlinuz, initrd):
    cmd = qemu_cmd(acc, backend, vmlinuz, 'console=ttyS0 quiet panic=-1 rdinit=/init', initrd)
    return parse(boot('linux-%s-%d' % (backend, k), cmd, 180 + 4 * 2 * len(DISKS) * SECS))


def main():
    acc = accel()
    if not os.path.exists(OURS):
        log('no %s: make ARCH=x86_64 GUEST_TESTS=0 kernel' % OURS)
        return 1
    try:
        vmlinuz, initrd, config = linux_guest()
    except (subprocess.CalledProcessError, RuntimeError, OSError) as e:
        log('no Linux guest: %s' % e)
        vmlinuz = None
    backends = ['null-co'] + (['raw'] if RAW else [])
    if RAW:
        make_image()
    res = {}
    for backend in backends:
        runs = {'ours': [], 'linux': []}
        for k in range(RUNS):
            order = ['ours', 'linux'] if k % 2 == 0 else ['linux', 'ours']
            for who in order:
                if who == 'ours':
                    r = run_ours(acc, backend, k)
                elif vmlinuz:
                    r = run_linux(acc, backend, k, vmlinuz, initrd)
                else:
                    continue
                runs[who].append(r)
                # Each boot's figures, so the spread behind a median shows.
                log('%s %s boot %d: %s' % (who, backend, k + 1, ', '.join(
                    '%s qd%d %s' % (p, q, r[(d, q)][0] if (d, q) in r else 'missing')
                    for p, d in DISKS for q in DEPTHS)))
                if len(r) != len(DISKS) * len(DEPTHS):
                    log('incomplete: console in %s' %
                        os.path.join(WORK, '%s-%s-%d.log' % (who, backend, k)))
        for who, rs in runs.items():
            for key in {key for r in rs for key in r}:
                vals = [r[key] for r in rs if key in r]
                res[(backend, who) + key] = (int(statistics.median(v[0] for v in vals)),
                                             statistics.median(v[1] for v in vals), vals[0][2])

    def fig(backend, who, dev, qd):
        return res.get((backend, who, dev, qd))

    ok = True
    for backend in backends:
        for prefix, dev in DISKS:
            for qd in DEPTHS:
                o, l = fig(backend, 'ours', dev, qd), fig(backend, 'linux', dev, qd)
                ok = ok and o is not None and (l is not None or not vmlinuz)
                print('bench: blk-linux backend=%s %s qd%d ours_iops=%s ours_depth=%s '
                      'linux_iops=%s linux_depth=%s ratio=%s' % (
                          backend, prefix, qd, o[0] if o else '-', '%.2f' % o[1] if o else '-',
                          l[0] if l else '-', '%.2f' % l[1] if l else '-',
                          '%.2f' % (o[0] / l[0]) if o and l and l[0] else '-'), flush=True)

    print('\nblock (x86_64 only): ours against Linux, q35 -m %s -smp 1, %s; 4 KiB random reads, %d s per '
          'figure; median of %d boots each' % (MEM, acc, SECS, RUNS))
    print('  disks: virtio-blk-pci (vda) and virtio-scsi-pci + scsi-hd (sda), each on its own '
          '%s node' % ' / '.join(backends))
    if vmlinuz:
        m = re.search(r'CONFIG_VIRTIO_BLK=(\w)', config)
        print('  linux: %s (virtio_blk %s), scheduler none, tests/bench/linux-blkread.c '
              '(pread at qd1, native AIO above)' % (
                  os.path.basename(vmlinuz).replace('vmlinuz-', ''),
                  'built in' if m and m.group(1) == 'y' else 'as a module'))
    hdr = '%-8s %-11s %10s %6s %10s %6s %10s' % ('backend', 'figure', 'ours IOPS', 'depth',
                                                 'linux IOPS', 'depth', 'ours/linux')
    print(hdr)
    print('-' * len(hdr))
    for backend in backends:
        for prefix, dev in DISKS:
            for qd in DEPTHS:
                o, l = fig(backend, 'ours', dev, qd), fig(backend, 'linux', dev, qd)
                print('%-8s %-11s %10s %6s %10s %6s %7s (>= 1.00)' % (
                    backend, '%s qd%d' % (prefix, qd), o[0] if o else '-',
                    '%.2f' % o[1] if o else '-', l[0] if l else '-',
                    '%.2f' % l[1] if l else '-',
                    '%.2f' % (o[0] / l[0]) if o and l and l[0] else '-'))
    print('  (depth: the average number of requests in flight each guest measured)')
    for backend in backends:
        for prefix, dev in DISKS:
            for who in ('ours', 'linux'):
                f = fig(backend, who, dev, max(DEPTHS))
                if f and f[1] < max(DEPTHS) / 2:
                    why = (': the driver completes each request inside its submission '
                           '(blkbench mode=sync)' if f[2] == 'sync' else '')
                    print('  note: %s %s %s qd%d reached an average depth of %.2f only%s' % (
                        who, backend, prefix, max(DEPTHS), f[1], why))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
