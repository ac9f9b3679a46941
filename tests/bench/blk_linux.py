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
average depth they measured. Beside each guest's IOPS (by its own clock)
the bench gives requests per second of CPU time the host gave QEMU while
the figure ran (from /proc/PID/stat at the console lines that start and
end it): under TCG on a busy host a guest's clock runs on while QEMU waits
for a CPU, so IOPS swing with the host's load; that figure swings less.

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
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import hostqemu  # noqa: E402  (tests/hostqemu.py)

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
CLK_TCK = os.sysconf('SC_CLK_TCK')


def cpu_seconds(pid):
    """User + system CPU seconds of process pid (all its threads) so far."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def boot(name, cmd, timeout):
    """The console of one boot as [(QEMU's CPU seconds when the line came,
    line)], also kept in WORK/<name>.log. QEMU's CPU time (its vCPU thread
    and its I/O in the main loop) is what the host spent; unlike the guests'
    clocks it does not run on while the host gives QEMU no CPU."""
    import select, time
    os.makedirs(WORK, exist_ok=True)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL)
    lines, part = [], b''
    end = time.monotonic() + timeout
    try:
        while True:
            left = end - time.monotonic()
            if left <= 0:
                log('%s: no power-off within %d s' % (name, timeout))
                break
            if not select.select([p.stdout], [], [], min(left, 1.0))[0]:
                continue
            data = os.read(p.stdout.fileno(), 65536)
            if not data:
                break
            cpu = cpu_seconds(p.pid)
            part += data
            *done, part = part.split(b'\n')
            lines += [(cpu, ln.decode('utf-8', 'replace').rstrip('\r')) for ln in done]
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
    if part:
        lines.append((None, part.decode('utf-8', 'replace')))
    with open(os.path.join(WORK, name + '.log'), 'w') as f:
        f.write(''.join('%s\n' % ln for _, ln in lines))
    return lines


# Both programs' lines: "bench: blk qdN randread iops=I depth=D ops=N errors=N mode=M dev=vda"
# (blkbench) and "bench: linux-blk qdN randread iops=I depth=D ops=N errors=N engine=E
# dev=/dev/vda" (linux-blkread).
LINE = re.compile(r'^bench: (?:linux-)?blk qd(\d+) randread iops=(\d+) depth=([\d.]+)'
                  r' ops=(\d+) errors=(\d+)(?: mode=(\w+))?.*?dev=(?:/dev/)?(\w+)')
# The last of these before a figure's line is when that figure started: our
# boot's end or the previous command's, /init's line before linux-blkread,
# the previous figure.
MARK = re.compile(r'^(bench: |boot: ready|run: |init: [a-z]+ \d+ sectors)')


def parse(lines):
    """{(dev, qd): (iops, depth, blkbench's mode or '', ops per QEMU CPU
    second or None)} of the figures without errors."""
    res, mark = {}, None
    for cpu, ln in lines:
        m = LINE.match(ln)
        if m and int(m.group(5)) == 0:
            per_cpu = None
            if cpu is not None and mark is not None and cpu > mark:
                per_cpu = int(m.group(4)) / (cpu - mark)
            res[(m.group(7), int(m.group(1)))] = (int(m.group(2)), float(m.group(3)),
                                                  m.group(6) or '', per_cpu)
        if MARK.match(ln):
            mark = cpu
    return res


def run_ours(acc, backend, k):
    run = '; '.join('blkbench %s %d qd=%d' % (d, SECS, q) for _, d in DISKS for q in DEPTHS)
    cmd = qemu_cmd(acc, backend, OURS, 'loglevel=4 run="%s"' % run)
    return parse(boot('ours-%s-%d' % (backend, k), cmd, 90 + 4 * 2 * len(DISKS) * SECS))


def run_linux(acc, backend, k, vmlinuz, initrd):
    # no_timer_check: Linux times the IO-APIC timer with a busy loop at
    # boot, which an emulated CPU on a busy host can fail ("IO-APIC + timer
    # doesn't work!", a panic; seen here once in 6 boots).
    cmd = qemu_cmd(acc, backend, vmlinuz,
                   'console=ttyS0 quiet panic=-1 no_timer_check rdinit=/init', initrd)
    return parse(boot('linux-%s-%d' % (backend, k), cmd, 180 + 4 * 2 * len(DISKS) * SECS))


def main():
    acc = hostqemu.accel()
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
                if who == 'linux' and not vmlinuz:
                    continue
                for attempt in range(2):
                    r = (run_ours(acc, backend, k) if who == 'ours' else
                         run_linux(acc, backend, k, vmlinuz, initrd))
                    if r:
                        break
                    # A boot that printed no figure at all (it never got
                    # to its bench) is tried once more; its log is kept.
                    log('%s %s boot %d: no figures; %s (console in %s)' % (
                        who, backend, k + 1, 'booting again' if attempt == 0 else 'giving up',
                        os.path.join(WORK, '%s-%s-%d-failed.log' % (
                            who, backend, k))))
                    os.replace(os.path.join(WORK, '%s-%s-%d.log' % (who, backend, k)),
                               os.path.join(WORK, '%s-%s-%d-failed.log' % (who, backend, k)))
                runs[who].append(r)
                # Each boot's figures, so the spread behind a median shows.
                log('%s %s boot %d: %s' % (who, backend, k + 1, ', '.join(
                    '%s qd%d %s' % (p, q, '%d (%s/cpu-s)' % (
                        r[(d, q)][0], '%d' % r[(d, q)][3] if r[(d, q)][3] else '-')
                        if (d, q) in r else 'missing')
                    for p, d in DISKS for q in DEPTHS)))
                if len(r) != len(DISKS) * len(DEPTHS):
                    log('incomplete: console in %s' %
                        os.path.join(WORK, '%s-%s-%d.log' % (who, backend, k)))
        for who, rs in runs.items():
            for key in {key for r in rs for key in r}:
                vals = [r[key] for r in rs if key in r]
                cpu = [v[3] for v in vals if v[3]]
                res[(backend, who) + key] = (int(statistics.median(v[0] for v in vals)),
                                             statistics.median(v[1] for v in vals), vals[0][2],
                                             int(statistics.median(cpu)) if cpu else None)

    def fig(backend, who, dev, qd):
        return res.get((backend, who, dev, qd))

    def ratio(o, l, i):
        return '%.2f' % (o[i] / l[i]) if o and l and o[i] and l[i] else '-'

    def val(f, i, fmt='%d'):
        return fmt % f[i] if f and f[i] is not None else '-'

    ok = True
    for backend in backends:
        for prefix, dev in DISKS:
            for qd in DEPTHS:
                o, l = fig(backend, 'ours', dev, qd), fig(backend, 'linux', dev, qd)
                ok = ok and o is not None and (l is not None or not vmlinuz)
                print('bench: blk-linux backend=%s %s qd%d ours_iops=%s ours_depth=%s '
                      'linux_iops=%s linux_depth=%s ratio=%s ours_ops_per_cpu_s=%s '
                      'linux_ops_per_cpu_s=%s cpu_ratio=%s' % (
                          backend, prefix, qd, val(o, 0), val(o, 1, '%.2f'), val(l, 0),
                          val(l, 1, '%.2f'), ratio(o, l, 0), val(o, 3), val(l, 3),
                          ratio(o, l, 3)), flush=True)

    print('\nblock (x86_64 only): ours against Linux, q35 -m %s -smp 1, %s; 4 KiB random reads, '
          '%d s per figure; median of %d boots each' % (MEM, acc, SECS, RUNS))
    print('  disks: virtio-blk-pci (vda) and virtio-scsi-pci + scsi-hd (sda), each on its own '
          '%s node' % ' / '.join(backends))
    if vmlinuz:
        m = re.search(r'CONFIG_VIRTIO_BLK=(\w)', config)
        print('  linux: %s (virtio_blk %s), scheduler none, tests/bench/linux-blkread.c '
              '(pread at qd1, native AIO above)' % (
                  os.path.basename(vmlinuz).replace('vmlinuz-', ''),
                  'built in' if m and m.group(1) == 'y' else 'as a module'))
    hdr = '%-8s %-10s %9s %6s %10s %6s %10s | %9s %9s %10s' % (
        'backend', 'figure', 'ours IOPS', 'depth', 'linux IOPS', 'depth', 'ours/linux',
        'ours/cpu', 'linux/cpu', 'ours/linux')
    print(hdr)
    print('-' * len(hdr))
    for backend in backends:
        for prefix, dev in DISKS:
            for qd in DEPTHS:
                o, l = fig(backend, 'ours', dev, qd), fig(backend, 'linux', dev, qd)
                print('%-8s %-10s %9s %6s %10s %6s %10s | %9s %9s %10s' % (
                    backend, '%s qd%d' % (prefix, qd), val(o, 0), val(o, 1, '%.2f'),
                    val(l, 0), val(l, 1, '%.2f'), ratio(o, l, 0), val(o, 3), val(l, 3),
                    ratio(o, l, 3)))
    print('  target: ours/linux >= 1.00 (IOPS)')
    print('  depth: the average number of requests in flight each guest measured; /cpu: '
          'requests per second of CPU time the host gave QEMU (vCPU and I/O threads) while '
          'the figure ran, which host load does not skew as it does the guests\' clocks')
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
