#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Block benchmark: virtio-blk and virtio-scsi (part of make bench).

Boots the kernel with `run="blkbench DEV SECONDS"` for each disk kind --
virtio-blk (`vda`: virtio-blk-pci) and virtio-scsi (`sda`: virtio-scsi-pci
with one scsi-hd) -- on the same two backends, QEMU's null-co driver (no
I/O at all: the cost of the virtio path itself) and a raw image file (host
page cache), each in irq and poll mode (virtio.mode), and prints the
guest's figures: 4 KiB random-read IOPS at queue depth 1 and 32 (with the
average depth the guest measured), sequential 128 KiB read and write
MiB/s, the ratios qd32/qd1 and poll/irq per kind, and the ratio scsi/blk
per figure (the target is SCSI at 80% of virtio-blk or better). Every
figure is also printed as a `bench: blk ...` line.

Environment: BENCH_BLK_SECS (seconds per figure, default 2),
ACCEL=kvm|tcg (default: what tools/accel.sh finds), BENCH_BLK_RUNS
(boots per configuration, median taken; default 1), BENCH_BLK_KINDS
(default "blk,scsi").
"""
import os, re, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests'))
import hostqemu  # noqa: E402  (tests/hostqemu.py)
SECS = int(os.environ.get('BENCH_BLK_SECS', '2'))
RUNS = int(os.environ.get('BENCH_BLK_RUNS', '1'))
KINDS = [k for k in os.environ.get('BENCH_BLK_KINDS', 'blk,scsi').split(',') if k]
IMG = os.path.join(ROOT, 'build/bench/blk.img')
IMG_MB = 256
FIGS = ['qd1 randread', 'qd32 randread', 'seqread', 'seqwrite']
BACKENDS = ('null-co', 'raw')
MODES = ('irq', 'poll')
# The guest's name for the disk, and the device line that makes it.
DEV = {'blk': 'vda', 'scsi': 'sda'}
NAME = {'blk': 'virtio-blk', 'scsi': 'virtio-scsi'}


def backend_args(name, kind):
    # QEMU 7.2 syntax: a -blockdev node, then the device naming it.
    if name == 'null-co':
        # QEMU 7.2's null-co takes the size in bytes, no suffix.
        node = 'driver=null-co,node-name=disk0,size=%d' % (1 << 30)
    else:
        node = ('driver=raw,node-name=disk0,file.driver=file,file.filename=%s,'
                'file.aio=threads' % IMG)
    if kind == 'scsi':
        # The same ring size as the virtio-blk disk's, one scsi-hd behind.
        dev = ['-device', 'virtio-scsi-pci,id=s0,disable-legacy=on,virtqueue_size=256,addr=4',
               '-device', 'scsi-hd,drive=disk0,bus=s0.0,scsi-id=0,lun=0']
    else:
        dev = ['-device', 'virtio-blk-pci,drive=disk0,disable-legacy=on,queue-size=256,addr=4']
    return ['-blockdev', node] + dev


def make_image():
    os.makedirs(os.path.dirname(IMG), exist_ok=True)
    if os.path.exists(IMG) and os.path.getsize(IMG) == IMG_MB << 20:
        return
    # Written out (not sparse) so that reads touch real page-cache pages.
    with open(IMG, 'wb') as f:
        chunk = bytes(range(256)) * 4096
        for _ in range(IMG_MB):
            f.write(chunk)


def run_one(acc, kind, backend, mode):
    cmd = ['qemu-system-x86_64', '-accel', acc, '-machine', 'q35', '-m', '256M',
           '-nodefaults', '-display', 'none', '-serial', 'stdio', '-monitor', 'none',
           '-no-reboot', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
    cmd += backend_args(backend, kind)
    cmd += ['-kernel', os.path.join(ROOT, 'build/x86_64/kernel.elf'),
            '-append', 'loglevel=4 virtio.mode=%s run="blkbench %s %d"' %
            (mode, DEV[kind], SECS)]
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             stdin=subprocess.DEVNULL, timeout=60 + 8 * SECS).stdout
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode('utf-8', 'replace') if isinstance(e.stdout, bytes) \
            else (e.stdout or '')
    res = {}
    for m in re.finditer(r'^bench: blk (\S+ ?\S*) (iops|mibps)=(\d+) depth=([\d.]+)', out, re.M):
        res[m.group(1)] = (int(m.group(3)), float(m.group(4)))
    if len(res) != len(FIGS):
        sys.stderr.write('blk bench: %s/%s/%s: incomplete output:\n%s\n' %
                         (kind, backend, mode, out[-2000:]))
    return res


def median_runs(acc, kind, backend, mode):
    runs = [run_one(acc, kind, backend, mode) for _ in range(RUNS)]
    res = {}
    for f in FIGS:
        vals = [r[f] for r in runs if f in r]
        if vals:
            res[f] = (int(statistics.median(v[0] for v in vals)),
                      statistics.median(v[1] for v in vals))
    return res


def ratio(a, b):
    return '%.2f' % (a / b) if a and b else '-'


def kind_table(acc, kind, results):
    def g(b, m, f):
        return results[(kind, b, m)].get(f, (0, 0.0))

    print('\n%s (%s, %d s per figure, 4 KiB random reads, 128 KiB sequential at qd4)' %
          (NAME[kind], acc, SECS))
    hdr = '%-8s %-5s %10s %10s %7s %8s %13s %14s' % (
        'backend', 'mode', 'qd1 IOPS', 'qd32 IOPS', 'depth', 'qd32/qd1', 'seqread MiB/s',
        'seqwrite MiB/s')
    print(hdr)
    print('-' * len(hdr))
    for b in BACKENDS:
        for m in MODES:
            q1, q32 = g(b, m, 'qd1 randread'), g(b, m, 'qd32 randread')
            print('%-8s %-5s %10d %10d %7.2f %8s %13d %14d' % (
                b, m, q1[0], q32[0], q32[1], ratio(q32[0], q1[0]),
                g(b, m, 'seqread')[0], g(b, m, 'seqwrite')[0]))
    print('\npoll/irq  %10s %10s %13s %14s' % ('qd1', 'qd32', 'seqread', 'seqwrite'))
    for b in BACKENDS:
        print('%-9s %10s %10s %13s %14s' % (b, *[ratio(g(b, 'poll', f)[0], g(b, 'irq', f)[0])
                                                for f in FIGS]))


def compare_table(results):
    def g(k, b, m, f):
        return results[(k, b, m)].get(f, (0, 0.0))[0]

    print('\nvirtio-scsi beside virtio-blk (scsi/blk per figure; target >= 0.80)')
    hdr = '%-8s %-5s %-14s %10s %10s %7s' % ('backend', 'mode', 'figure', 'blk', 'scsi',
                                             'scsi/blk')
    print(hdr)
    print('-' * len(hdr))
    low = []
    for b in BACKENDS:
        for m in MODES:
            for f in FIGS:
                vb, vs = g('blk', b, m, f), g('scsi', b, m, f)
                r = ratio(vs, vb)
                print('%-8s %-5s %-14s %10d %10d %7s' % (b, m, f, vb, vs, r))
                if vb and vs and vs / vb < 0.8:
                    low.append('%s/%s/%s' % (b, m, f))
    print('below 0.80: %s' % (', '.join(low) if low else 'none'))


def main():
    acc = hostqemu.accel()
    make_image()
    results = {}
    # The kinds alternate per configuration, so that a change in the
    # host's load between runs does not lean on the scsi/blk ratio.
    for backend in BACKENDS:
        for mode in MODES:
            for kind in KINDS:
                r = median_runs(acc, kind, backend, mode)
                results[(kind, backend, mode)] = r
                for f in FIGS:
                    if f in r:
                        unit = 'iops' if 'rand' in f else 'mibps'
                        print('bench: blk kind=%s backend=%s mode=%s %s %s=%d depth=%.2f' %
                              (kind, backend, mode, f, unit, r[f][0], r[f][1]), flush=True)
    for kind in KINDS:
        kind_table(acc, kind, results)
    if 'blk' in KINDS and 'scsi' in KINDS:
        compare_table(results)
    ok = all(len(r) == len(FIGS) for r in results.values())
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
