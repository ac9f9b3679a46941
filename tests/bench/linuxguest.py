# SPDX-License-Identifier: MIT
"""The Linux baseline guest the benches compare against: Debian's cloud
kernel with an initramfs built here (busybox-static as /init's shell, the
kernel modules a bench names with what they depend on, and the bench's own
static programs). The packages are fetched with `apt-get download` into
build/cache/bench-linux/ (never installed) and unpacked under
build/bench/linux/, once; later runs reuse them offline.

x86_64 only: an arm64 Linux guest would need an arm64 dpkg architecture on
the host.
"""
import glob, hashlib, os, re, shutil, stat, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.path.join(ROOT, 'build/cache/bench-linux')
WORK = os.path.join(ROOT, 'build/bench/linux')


def log(msg):
    sys.stderr.write('linux guest: %s\n' % msg)
    sys.stderr.flush()


def apt_download(pkg):
    """The .deb of pkg in CACHE (downloaded once)."""
    have = glob.glob(os.path.join(CACHE, pkg + '_*.deb'))
    if have:
        return sorted(have)[-1]
    os.makedirs(CACHE, exist_ok=True)
    log('apt-get download %s' % pkg)
    subprocess.run(['apt-get', 'download', '-q', pkg], cwd=CACHE, check=True,
                   stdout=subprocess.DEVNULL)
    have = glob.glob(os.path.join(CACHE, pkg + '_*.deb'))
    if not have:
        raise RuntimeError('apt-get download %s left no .deb' % pkg)
    return sorted(have)[-1]


def deb_field(deb, field):
    return subprocess.run(['dpkg-deb', '-f', deb, field], capture_output=True, text=True,
                          check=True).stdout.strip()


def cpio_newc(entries):
    """An uncompressed newc archive: entries are (name, mode, data, rdev)."""
    out = bytearray()
    for ino, (name, mode, data, rdev) in enumerate(entries + [('TRAILER!!!', 0, b'', (0, 0))], 1):
        nb = name.encode() + b'\0'
        hdr = '070701' + ''.join('%08x' % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0))
        out += hdr.encode() + nb
        out += b'\0' * (-len(out) % 4)
        out += data
        out += b'\0' * (-len(out) % 4)
    return bytes(out)


def kernel_root():
    """(the unpacked root with kernel and busybox, the kernel package's name)."""
    meta = apt_download('linux-image-cloud-amd64')
    kpkg = re.split(r'[ ,(|]', deb_field(meta, 'Depends'))[0]
    kdeb = apt_download(kpkg)
    bdeb = apt_download('busybox-static')
    kdir = os.path.join(WORK, 'root-' + kpkg)
    if not glob.glob(os.path.join(kdir, 'boot/vmlinuz-*')):
        shutil.rmtree(kdir, ignore_errors=True)
        os.makedirs(kdir)
        subprocess.run(['dpkg-deb', '-x', kdeb, kdir], check=True)
        subprocess.run(['dpkg-deb', '-x', bdeb, kdir], check=True)
    return kdir, kpkg


def static_program(src, name):
    """Build tests/bench/<src> with gcc -static into WORK/<name>, when stale."""
    src = os.path.join(ROOT, src)
    out = os.path.join(WORK, name)
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(src):
        subprocess.run(['gcc', '-static', '-O2', '-pthread', '-Wall', '-o', out, src],
                       check=True)
    return out


def module_order(kdir, wanted):
    """The .ko paths for the modules in wanted that the cloud kernel has as
    modules (the rest are built in), each after what it depends on
    (.modinfo's depends=), in load order."""
    kos = {os.path.basename(p)[:-3]: p for p in
           glob.glob(os.path.join(kdir, 'lib/modules/*/kernel/**/*.ko'), recursive=True)}
    mods = []

    def need(m):
        if m in mods or m not in kos:
            return
        info = re.search(rb'depends=([\w,-]*)', open(kos[m], 'rb').read())
        for dep in (info.group(1).decode().split(',') if info else []):
            if dep:
                need(dep.replace('-', '_'))
        mods.append(m)

    for m in wanted:
        need(m)
    return [(m, kos[m]) for m in mods]


INIT_HEAD = r'''#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in %(modules)s; do insmod /lib/modules/$m.ko || echo "init: insmod $m failed"; done
'''


def unpack(pkgs, where):
    """Debian packages (apt-get download'ed into CACHE once, never
    installed) unpacked together under WORK/where: that directory."""
    root = os.path.join(WORK, where)
    debs = [apt_download(p) for p in pkgs]
    stamp = os.path.join(root, '.debs')
    want = '\n'.join(os.path.basename(d) for d in debs)
    if not os.path.exists(stamp) or open(stamp).read() != want:
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        for d in debs:
            subprocess.run(['dpkg-deb', '-x', d, root], check=True)
        open(stamp, 'w').write(want)
    return root


def shared_libs(binary):
    """The shared objects `ldd` lists for a dynamically linked binary (the
    dynamic loader included), as (path the loader looks for, host file);
    the host's libraries (this Debian's, like the guest's packages)."""
    out = subprocess.run(['ldd', binary], capture_output=True, text=True, check=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.match(r'\s*(?:\S+ => )?(/\S+) \(0x', line)
        if m:
            libs.append((m.group(1), os.path.realpath(m.group(1))))
        elif 'not found' in line:
            raise RuntimeError('%s: %s' % (binary, line.strip()))
    return libs


def guest(name, modules, programs, init_tail, dynamic=None, files=None):
    """(vmlinuz, initramfs, kernel config text) for a Linux guest whose /init
    loads `modules` (names; those built in are skipped), then runs the shell
    text init_tail. programs maps /bin names to static programs built from
    sources under the tree (static_program). dynamic maps guest paths to
    dynamically linked host binaries (say, from unpack()), copied with the
    libraries ldd lists for them at the same paths; files maps guest paths
    to contents (bytes or str: configuration, data). Rebuilt when a program
    or binary or this file is newer than the initramfs, or files change."""
    dynamic, files = dynamic or {}, files or {}
    kdir, kpkg = kernel_root()
    vmlinuz = glob.glob(os.path.join(kdir, 'boot/vmlinuz-*'))[0]
    config = open(glob.glob(os.path.join(kdir, 'boot/config-*'))[0]).read()
    bins = {b: static_program(src, name + '-' + b) for b, src in programs.items()}
    initrd = os.path.join(WORK, 'initramfs-%s-%s.cpio' % (name, kpkg))
    files = {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}
    digest = repr(sorted((k, hashlib.sha256(v).hexdigest()) for k, v in files.items()))
    newest = max([os.path.getmtime(p) for p in list(bins.values()) + list(dynamic.values())] +
                 [os.path.getmtime(__file__)])
    if (os.path.exists(initrd) and os.path.getmtime(initrd) >= newest and
            os.path.exists(initrd + '.files') and open(initrd + '.files').read() == digest):
        return vmlinuz, initrd, config
    mods = module_order(kdir, modules)
    init = INIT_HEAD % {'modules': ' '.join(m for m, _ in mods)} + init_tail
    entries = [('bin', 0o40755, b'', (0, 0)), ('dev', 0o40755, b'', (0, 0)),
               ('dev/console', stat.S_IFCHR | 0o600, b'', (5, 1)),
               ('lib', 0o40755, b'', (0, 0)), ('lib/modules', 0o40755, b'', (0, 0)),
               ('init', 0o100755, init.encode(), (0, 0)),
               ('bin/busybox', 0o100755, open(os.path.join(kdir, 'bin/busybox'), 'rb').read(),
                (0, 0))]
    for b, path in bins.items():
        entries.append(('bin/' + b, 0o100755, open(path, 'rb').read(), (0, 0)))
    for m, path in mods:
        entries.append(('lib/modules/%s.ko' % m, 0o100644, open(path, 'rb').read(), (0, 0)))
    extra = {}
    for dest, host in dynamic.items():
        extra[dest.lstrip('/')] = (0o100755, open(host, 'rb').read())
        for want, have in shared_libs(host):
            extra[want.lstrip('/')] = (0o100755, open(have, 'rb').read())
    for dest, data in files.items():
        extra[dest.lstrip('/')] = (0o100644, data)
    dirs = {e[0] for e in entries}
    for path in sorted(extra):      # parent directories first: the kernel makes none
        parts = path.split('/')[:-1]
        for i in range(1, len(parts) + 1):
            d = '/'.join(parts[:i])
            if d not in dirs:
                dirs.add(d)
                entries.append((d, 0o40755, b'', (0, 0)))
        entries.append((path, extra[path][0], extra[path][1], (0, 0)))
    with open(initrd + '.tmp', 'wb') as f:
        f.write(cpio_newc(entries))
    os.rename(initrd + '.tmp', initrd)
    open(initrd + '.files', 'w').write(digest)
    return vmlinuz, initrd, config
