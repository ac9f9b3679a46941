#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot-level fuzzer: boot the kernel under QEMU on mutated device trees
and command lines and class each outcome.

    tests/bootfuzz.py [--boots N] [--seed S] [--timeout SECS] [--arch A]
    tests/bootfuzz.py --make-dtb SEED INDEX OUT.dtb   (re-make one tree)

Each boot i of a run with seed S draws from random.Random(f'{S}:{i}'), so a
boot is reproduced from (S, i) alone, with the same QEMU. aarch64 boots
(`-machine virt -dtb`) get a device tree made from QEMU virt's own (dumpdtb,
GICv2 or GICv3, 128 MiB) with 1 to 4 mutations, structural (nodes
deleted, duplicated, moved, nested deep, renamed) and semantic (reg values
and lengths, #address-cells/#size-cells, phandles and interrupt-parent,
interrupts and interrupt-map, ranges, memory nodes, /memreserve/,
status and compatible, stdout-path), now and then bytes flipped in the
blob itself. Both archs get a mutated command line: known options with
malformed, out-of-range and long values, unknown and repeated keys,
control bytes and stray quotes, around `run="echo fuzz-ok"`.

Outcomes (one line per boot, a summary at the end):
  ok        the commands ran ("fuzz-ok" echoed, "run: done")
  tests     a mutated test= option won over run=: the in-guest tests ran
  refused   a message and a failing exit, no fault
  shell     the command line lost run= (a mutated quote ate it): the
            kernel waits at its prompt; not a fault
  qemu      QEMU itself refused the tree or the options (not the kernel's)
  crash     FATAL / PANIC / an exception dump
  hang      no end within the timeout, not at a prompt
  other     anything else (exited 0 without running the commands, ...)
Crashes and hangs fail the run; their tree (.dtb and .dts), command line,
QEMU arguments and console log stay in build/bootfuzz/<seed>-<i>/.
"""
import argparse
import os
import random
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'build', 'bootfuzz')

# ---- the FDT format (DTSpec §5), enough to edit trees ----------------------

BEGIN, END, PROP, NOP, FEND = 1, 2, 3, 4, 9


class Node:
    def __init__(self, name):
        self.name = name
        self.props = []         # [name, bytes]
        self.kids = []

    def prop(self, name):
        for p in self.props:
            if p[0] == name:
                return p
        return None

    def set(self, name, val):
        p = self.prop(name)
        if p:
            p[1] = val
        else:
            self.props.append([name, val])

    def walk(self, depth=0, parent=None):
        yield self, depth, parent
        for k in self.kids:
            yield from k.walk(depth + 1, self)


def fdt_parse(blob):
    (magic, total, off_st, off_str, off_rsv, ver, last, cpuid, sz_str,
     sz_st) = struct.unpack_from('>10I', blob)
    assert magic == 0xd00dfeed
    rsv = []
    o = off_rsv
    while True:
        a, s = struct.unpack_from('>QQ', blob, o)
        o += 16
        if a == 0 and s == 0:
            break
        rsv.append((a, s))
    stack, root, o = [], None, off_st
    while True:
        (tok,) = struct.unpack_from('>I', blob, o)
        o += 4
        if tok == BEGIN:
            e = blob.index(b'\0', o)
            n = Node(blob[o:e].decode('latin-1'))
            o = (e + 4) & ~3
            if stack:
                stack[-1].kids.append(n)
            else:
                root = n
            stack.append(n)
        elif tok == END:
            stack.pop()
        elif tok == PROP:
            ln, no = struct.unpack_from('>II', blob, o)
            o += 8
            e = blob.index(b'\0', off_str + no)
            stack[-1].props.append([blob[off_str + no:e].decode('latin-1'),
                                    bytes(blob[o:o + ln])])
            o = (o + ln + 3) & ~3
        elif tok == NOP:
            pass
        else:
            break
    return root, rsv, cpuid


def fdt_build(root, rsv, cpuid=0):
    st, strs, stroff = bytearray(), bytearray(), {}

    def node(n):
        st.extend(struct.pack('>I', BEGIN) + n.name.encode('latin-1') + b'\0')
        st.extend(bytes(-len(st) % 4))
        for name, val in n.props:
            if name not in stroff:
                stroff[name] = len(strs)
                strs.extend(name.encode('latin-1') + b'\0')
            st.extend(struct.pack('>III', PROP, len(val), stroff[name]) + val)
            st.extend(bytes(-len(st) % 4))
        for k in n.kids:
            node(k)
        st.extend(struct.pack('>I', END))
    node(root)
    st.extend(struct.pack('>I', FEND))
    rsvb = b''.join(struct.pack('>QQ', a, s) for a, s in rsv) + bytes(16)
    off_rsv = 40
    off_st = off_rsv + len(rsvb)
    off_str = off_st + len(st)
    total = off_str + len(strs)
    hdr = struct.pack('>10I', 0xd00dfeed, total, off_st, off_str, off_rsv, 17, 16,
                      cpuid, len(strs), len(st))
    return bytearray(hdr + rsvb + st + strs)


def cells(b):
    return list(struct.unpack('>%dI' % (len(b) // 4), b[:len(b) // 4 * 4]))


def pack(cs):
    return struct.pack('>%dI' % len(cs), *[c & 0xffffffff for c in cs])


# ---- mutations ----------------------------------------------------------------

# Addresses worth trying: nothing, the top, RAM (0x40000000), where QEMU
# puts the tree (0x44000000 with 128 MiB) and the kernel (0x40200000), the
# GIC, the PL011, the virtio-mmio slots, a hole where nothing answers.
ADDRS = [0, 1, 0xffffffff, 0xfffff000, 0x40000000, 0x44000000, 0x40200000,
         0x8000000, 0x8010000, 0x9000000, 0xa000000, 0xa003e00, 0xa100000,
         0x4010000000, 0x47fff000, 0x7fffffff, 0x10000000, 0x3eff0000]
CELLS = [0, 1, 2, 3, 4, 5, 0xffffffff, 0x80000000]


def interesting(r):
    return r.choice(ADDRS + [r.getrandbits(32), r.getrandbits(8), 1 << r.randrange(32)])


def nodes_with(root, prop):
    return [n for n, d, p in root.walk() if n.prop(prop)]


def all_nodes(root):
    return [(n, d, p) for n, d, p in root.walk()]


def m_reg_value(r, root, st):
    ns = nodes_with(root, 'reg')
    n = r.choice(ns)
    cs = cells(n.prop('reg')[1])
    if cs:
        cs[r.randrange(len(cs))] = interesting(r)
        n.set('reg', pack(cs))
    return 'reg value %s' % n.name


def m_reg_len(r, root, st):
    n = r.choice(nodes_with(root, 'reg'))
    v = n.prop('reg')[1]
    k = r.choice([-8, -4, -3, -1, 1, 4, 8, 12])
    v = v[:len(v) + k] if k < 0 else v + bytes(r.getrandbits(8) for _ in range(k))
    n.set('reg', v)
    return 'reg length %s %+d' % (n.name, k)


def m_cells(r, root, st):
    n = r.choice([x for x, d, p in root.walk() if x.kids] or [root])
    which = r.choice(['#address-cells', '#size-cells', '#interrupt-cells'])
    if r.random() < 0.2:
        n.props = [p for p in n.props if p[0] != which]
        return 'delete %s of %s' % (which, n.name or '/')
    n.set(which, pack([r.choice(CELLS)]))
    return '%s of %s' % (which, n.name or '/')


def m_phandle(r, root, st):
    ns = nodes_with(root, 'phandle') + nodes_with(root, 'interrupt-parent')
    n = r.choice(ns)
    key = r.choice([p[0] for p in n.props if p[0] in ('phandle', 'interrupt-parent')])
    n.set(key, pack([r.choice([0, 1, 0x8000, 0xffffffff, r.getrandbits(16)])]))
    return '%s of %s' % (key, n.name)


def m_interrupts(r, root, st):
    ns = nodes_with(root, 'interrupts') + nodes_with(root, 'interrupt-map') + \
        nodes_with(root, 'interrupt-map-mask')
    n = r.choice(ns)
    key = r.choice([p[0] for p in n.props
                    if p[0] in ('interrupts', 'interrupt-map', 'interrupt-map-mask')])
    cs = cells(n.prop(key)[1])
    how = r.randrange(3)
    if how == 0 and cs:
        cs[r.randrange(len(cs))] = r.choice([0, 1, 0xffffffff, 1019, 1020, r.getrandbits(32)])
    elif how == 1:
        cs = cs[:r.randrange(len(cs) + 1)]
    else:
        cs += [r.getrandbits(32) for _ in range(r.randrange(1, 8))]
    n.set(key, pack(cs))
    return '%s of %s' % (key, n.name)


def m_ranges(r, root, st):
    ns = nodes_with(root, 'ranges')
    n = r.choice(ns) if ns else r.choice([x for x, d, p in root.walk()])
    cs = cells(n.prop('ranges')[1]) if n.prop('ranges') else []
    if cs and r.random() < 0.6:
        cs[r.randrange(len(cs))] = interesting(r)
    elif r.random() < 0.5:
        cs = cs[:r.randrange(len(cs) + 1)]
    else:
        cs = [interesting(r) for _ in range(r.choice([3, 4, 6, 7]))]
    n.set('ranges', pack(cs))
    return 'ranges of %s' % (n.name or '/')


def m_memory(r, root, st):
    # QEMU rewrites nodes named "memory" in a -dtb blob; ram@ survives.
    a = r.choice([0x40000000, 0, 0xffffffff, 0x47ff0000, 0x44000000, r.getrandbits(32)])
    hi = r.choice([0, 0, 0xffffffff, r.getrandbits(8)])
    size = r.choice([0, 0x1000, 0x8000000, 0xffffffff, 0x100000000, r.getrandbits(32)])
    reg = [hi, a, size >> 32, size & 0xffffffff][:r.choice([4, 4, 4, 3, 2, 5])]
    if len(reg) == 5:
        reg = reg[:4] + [r.getrandbits(32)]
    n = Node('ram@%x' % a)
    n.set('device_type', b'memory\0')
    n.set('reg', pack(reg))
    if r.random() < 0.2:
        n.set('status', b'disabled\0')
    root.kids.append(n)
    return 'memory node reg %s' % ' '.join('%#x' % c for c in reg)


def m_memreserve(r, root, st):
    a = r.choice([0x40000000, 0x40200000, 0x44000000, 0xfffffffffffff000, r.getrandbits(64)])
    s = r.choice([0x1000, 0x8000000, 0x10000, 1 << 63, r.getrandbits(40)])
    st['rsv'].append((a, s))
    return 'memreserve %#x+%#x' % (a, s)


def m_status(r, root, st):
    n, d, p = r.choice(all_nodes(root)[1:])
    how = r.randrange(3)
    if how == 0:
        n.set('status', r.choice([b'disabled\0', b'fail\0', b'okay', b'\0', b'ok\0']))
        return 'status of %s' % n.name
    if how == 1:
        n.set('compatible', r.choice([b'virtio,mmio\0', b'arm,pl011\0arm,primecell\0',
                                      b'qemu,fw-cfg-mmio\0', b'pci-host-ecam-generic\0',
                                      b'arm,gic-400\0', b'arm,psci-1.0\0', b'\0\0', b'x']))
        return 'compatible of %s' % n.name
    n.set('compatible', b'virtio,mmio\0')
    n.set('reg', pack([0, interesting(r), 0, r.choice([0x200, 0, 0x100, 0xffffffff])]))
    return 'virtio,mmio at %s' % n.name


def m_stdout(r, root, st):
    ch = [n for n in root.kids if n.name == 'chosen']
    if not ch:
        return 'no chosen'
    ch[0].set('stdout-path', r.choice([b'/nothing\0', b'serial9:115200\0', b'\0',
                                       b'/pl011@9000000:' + b'9' * 300 + b'\0',
                                       b'/', b'/chosen\0', b'//\0']))
    return 'stdout-path'


def m_delete(r, root, st):
    cand = [(n, p) for n, d, p in root.walk() if p is not None and n.name != 'chosen']
    n, p = r.choice(cand)
    p.kids.remove(n)
    return 'delete %s' % n.name


def m_dup(r, root, st):
    cand = [(n, p) for n, d, p in root.walk() if p is not None and n.name != 'chosen']
    n, p = r.choice(cand)
    c = Node(n.name)
    c.props = [list(x) for x in n.props]
    c.kids = list(n.kids)
    p.kids.append(c)
    return 'duplicate %s' % n.name


def m_move(r, root, st):
    cand = [(n, p) for n, d, p in root.walk() if p is not None and n.name != 'chosen']
    n, p = r.choice(cand)
    targets = [x for x, d, q in n.walk()]
    dest = r.choice([x for x, d, q in root.walk() if x not in targets])
    p.kids.remove(n)
    dest.kids.append(n)
    return 'move %s under %s' % (n.name, dest.name or '/')


def m_deep(r, root, st):
    depth = r.choice([8, 20, 31, 33, 40])
    n = root
    for i in range(depth):
        k = Node('n%d' % i)
        if r.random() < 0.1:
            k.set('#address-cells', pack([r.choice(CELLS)]))
        n.kids.append(k)
        n = k
    return 'nest %d deep' % depth


def m_rename(r, root, st):
    n, d, p = r.choice(all_nodes(root)[1:])
    n.name = r.choice(['', 'x' * 300, n.name.split('@')[0], '@', n.name + '@',
                       'memory@0', 'chosen', '/', n.name.upper()])
    return 'rename to %r' % n.name[:20]


def m_props(r, root, st):
    n, d, p = r.choice(all_nodes(root))
    for i in range(r.choice([1, 10, 200])):
        n.props.append(['p%d' % i, bytes(r.getrandbits(8) for _ in range(r.randrange(9)))])
    if n.props and r.random() < 0.5:
        q = r.choice(n.props)
        q[1] = q[1][:r.randrange(len(q[1]) + 1)]
        return 'props of %s, %s cut' % (n.name, q[0])
    return 'props of %s' % n.name


SEMANTIC = [m_reg_value, m_reg_len, m_cells, m_phandle, m_interrupts, m_ranges,
            m_memory, m_memreserve, m_status, m_stdout]
STRUCT = [m_delete, m_dup, m_move, m_deep, m_rename, m_props]


def mutate_dtb(base, r):
    root, rsv, cpuid = fdt_parse(base)
    st = {'rsv': list(rsv)}
    what = []
    for _ in range(r.choice([1, 1, 2, 2, 3, 4])):
        m = r.choice(SEMANTIC * 2 + STRUCT)
        try:
            what.append(m(r, root, st))
        except (IndexError, ValueError):
            pass
    blob = fdt_build(root, st['rsv'], cpuid)
    if r.random() < 0.1:        # raw bytes, past what the tree can say
        for _ in range(r.randrange(1, 5)):
            i = r.randrange(40, len(blob))
            blob[i] = r.getrandbits(8)
        what.append('bytes flipped')
    return bytes(blob), what


# ---- command lines ----------------------------------------------------------

KEYS = ['loglevel', 'test', 'run', 'virtio.queue_size', 'virtio.mode', 'virtio.mode.vda',
        'virtio.legacy', 'virtio.legacy.00.02.0', 'virtio_mmio.device', 'virtio_mmio.acpi',
        'net.attach', 'net.vioif0.ip', 'net.vioif0.gw', 'net.vioif0.ip6', 'net.dns',
        'virtio.event_idx', 'acpi', 'console', 'zzz.unknown', 'virtio.net.features']
VALUES = ['', '0', '1', '-1', '7', '8', '2147483648', '4294967302', '0x', '0x10',
          '99999999999999999999', 'poll', 'irq', 'on', 'off', 'yes', 'all', 'none',
          '10.0.2.15/24', '10.0.2.15/33', '1.2.3', 'fe80::1/64', ':::', 'dhcp',
          '512@0xa100000:48', '4K@0x0:0', '1M@0xfffffffffffff000:1', '512@0x40000000:48',
          '0@0:0', 'abc', 'x' * 300, '"quoted value"', '"unterminated', 'a=b=c',
          '\x1b[2J\x1b[31m', '\x07\x08\t', '\xff\xfe', '%s%n%x']


def mutate_cmdline(r):
    words = []
    for _ in range(r.choice([0, 1, 2, 3, 5, 8])):
        k = r.choice(KEYS + [''.join(r.choice('abc.=_-"\\') for _ in range(r.randrange(1, 9)))])
        v = r.choice(VALUES)
        if r.random() < 0.1:
            v = ''.join(chr(r.randrange(1, 256)) for _ in range(r.randrange(1, 40)))
        words.append(k if r.random() < 0.1 else '%s=%s' % (k, v))
    if r.random() < 0.05:
        words.append('y' * r.choice([1000, 4000, 5000]))
    run = 'run="echo fuzz-ok"'
    words.insert(r.randrange(len(words) + 1), run)
    if r.random() < 0.1:
        words.append(run)      # a repeated key: the last one wins
    s = ' '.join(words)
    # NUL cannot travel in argv; QEMU takes everything else.
    return s.replace('\0', '')


# ---- booting ----------------------------------------------------------------

CRASH = re.compile(r'^(FATAL|PANIC)|Unhandled|exception dump|UBSAN', re.M)


def base_dtbs(tmp):
    out = {}
    for v in (2, 3):
        p = os.path.join(tmp, 'virt%d.dtb' % v)
        subprocess.run(['qemu-system-aarch64', '-machine', 'virt,gic-version=%d,dumpdtb=%s' % (v, p),
                        '-cpu', 'cortex-a57', '-m', '128M', '-nographic', '-nodefaults'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out[v] = open(p, 'rb').read()
    return out


def plan(seed, i, bases, archs):
    """Everything boot i does, from its own RNG."""
    r = random.Random('%s:%d' % (seed, i))
    arch = r.choice(archs)
    p = {'arch': arch, 'cmdline': mutate_cmdline(r), 'what': []}
    if arch == 'aarch64':
        v = r.choice([2, 3])
        p['gic'] = v
        if r.random() < 0.9:
            p['dtb'], p['what'] = mutate_dtb(bases[v], r)
        else:
            p['dtb'] = None
    else:
        p['machine'] = r.choice(['pc', 'q35', 'microvm', 'pc,acpi=off', 'q35'])
        p['boot'] = r.choice(['kernel.elf', 'kernel-pvh.elf'])
        if p['machine'] == 'microvm':
            p['boot'] = 'kernel-pvh.elf'    # microvm loads PVH ELFs only
        p['mem'] = r.choice(['64M', '128M', '256M', '16M'])
    return p


def qemu_args(p, d):
    if p['arch'] == 'aarch64':
        a = ['qemu-system-aarch64', '-machine', 'virt,gic-version=%d' % p['gic'],
             '-cpu', 'cortex-a57', '-m', '128M']
        if p['dtb'] is not None:
            open(os.path.join(d, 'fuzz.dtb'), 'wb').write(p['dtb'])
            a += ['-dtb', os.path.join(d, 'fuzz.dtb')]
        a += ['-device', 'virtio-rng-device', '-kernel', os.path.join(ROOT, 'build/aarch64/kernel.img')]
    else:
        a = ['qemu-system-x86_64', '-machine', p['machine'], '-m', p['mem'],
             '-kernel', os.path.join(ROOT, 'build/x86_64', p['boot']),
             '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04']
    return a + ['-accel', 'tcg', '-nodefaults', '-display', 'none', '-serial', 'stdio',
                '-monitor', 'none', '-no-reboot', '-append', p['cmdline']]


def classify(status, log):
    if CRASH.search(log):
        return 'crash'
    if status == 'timeout':
        tail = log.rstrip('\n').rsplit('\n', 1)[-1]
        return 'shell' if tail.endswith('> ') or tail == '>' else 'hang'
    # QEMU's own refusals: named after itself, or before the kernel
    # printed anything ("couldn't add /memory@40000000 node").
    if status == 1 and (re.search(r'^qemu-system-\w+: (?!warning:)', log, re.M) or
                        not re.search(r'^(boot|unikernel):', log, re.M)):
        return 'qemu'
    if 'fuzz-ok' in log and 'run: done' in log:
        return 'ok'
    if re.search(r'^\d+ passed, \d+ failed', log, re.M):
        return 'tests'          # a test= word won over run=: it ran those
    code = status >> 1 if status % 2 == 1 else None
    m = re.findall(r'^exit: status (\d+)', log, re.M)
    if status == 0 and m:
        code = int(m[-1])
    if code not in (None, 0):
        return 'refused'
    return 'other'


def boot(p, d, timeout):
    args = qemu_args(p, d)
    with open(os.path.join(d, 'console.log'), 'wb') as f:
        q = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT)
        try:
            status = q.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            q.kill()
            q.wait()
            status = 'timeout'
    log = open(os.path.join(d, 'console.log'), 'rb').read().decode('utf-8', 'replace')
    return classify(status, log.replace('\r', '')), args


def keep(p, d, args, seed, i):
    k = os.path.join(OUT, '%s-%d' % (seed, i))
    shutil.rmtree(k, ignore_errors=True)
    shutil.copytree(d, k)
    open(os.path.join(k, 'cmdline.txt'), 'w', encoding='utf-8', errors='replace').write(p['cmdline'] + '\n')
    open(os.path.join(k, 'cmd.txt'), 'w', encoding='utf-8', errors='replace').write(
        ' '.join(shlex.quote(x) for x in args) + '\n')
    open(os.path.join(k, 'mutations.txt'), 'w').write('\n'.join(p['what']) + '\n')
    if p.get('dtb') is not None:
        subprocess.run(['dtc', '-q', '-I', 'dtb', '-O', 'dts', '-o', os.path.join(k, 'fuzz.dts'),
                        os.path.join(k, 'fuzz.dtb')], stderr=subprocess.DEVNULL, check=False)
    return k


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--boots', type=int, default=20)
    ap.add_argument('--seed', default='1')
    ap.add_argument('--timeout', type=float, default=15)
    ap.add_argument('--arch', action='append', choices=['x86_64', 'aarch64'])
    ap.add_argument('--make-dtb', nargs=3, metavar=('SEED', 'INDEX', 'OUT'))
    a = ap.parse_args()
    archs = a.arch or ['aarch64', 'aarch64', 'x86_64']
    tmp = tempfile.mkdtemp(prefix='bootfuzz-')
    try:
        bases = base_dtbs(tmp)
        if a.make_dtb:
            s, i, out = a.make_dtb
            p = plan(s, int(i), bases, ['aarch64'])
            open(out, 'wb').write(p['dtb'] or bases[p['gic']])
            return 0
        counts, bad = {}, []
        t0 = time.monotonic()
        print('bootfuzz: seed %s, %d boots' % (a.seed, a.boots), flush=True)
        for i in range(a.boots):
            p = plan(a.seed, i, bases, archs)
            d = os.path.join(tmp, 'boot')
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            cls, args = boot(p, d, a.timeout)
            counts[cls] = counts.get(cls, 0) + 1
            where = ''
            if cls in ('crash', 'hang', 'other'):
                where = ' -> ' + os.path.relpath(keep(p, d, args, a.seed, i), ROOT)
                if cls != 'other':
                    bad.append(i)
            desc = p['arch'] + ('' if p['arch'] == 'aarch64' else ' ' + p['machine'])
            print('%-7s %4d %s: %s%s' % (cls, i, desc, '; '.join(p['what'])[:100] or '-', where),
                  flush=True)
        print('bootfuzz: %d boots in %.0f s: %s' % (
            a.boots, time.monotonic() - t0,
            ', '.join('%s %d' % kv for kv in sorted(counts.items()))))
        return 1 if bad else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
