#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Pack a host folder into a plain tar (POSIX ustar) image for the guest.

    tools/mktar.py FOLDER OUT.tar [--mtime SECONDS]

The image is reproducible: entries in sorted order, owner 0/0 with no user
or group names, modes 0644 (0755 for directories and executables), and
each file's own modification time (clamped to SOURCE_DATE_EPOCH or --mtime
when given, as reproducible-builds.org suggests). Symbolic links and other
special files are left out with a warning. Names must fit ustar (a 155-byte
prefix and a 100-byte name): a longer one is an error, not a pax extension,
since the guest reads ustar only. The image is padded to a multiple of
10240 bytes (tar's record), which QEMU takes as a raw virtio-blk disk:

    -drive file=OUT.tar,format=raw,if=none,id=www,readonly=on
    -device virtio-blk-pci,drive=www
"""
import argparse, os, sys, tarfile


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('folder')
    ap.add_argument('out')
    ap.add_argument('--mtime', type=int, help='clamp modification times to this (seconds)')
    a = ap.parse_args()
    clamp = a.mtime
    if clamp is None and os.environ.get('SOURCE_DATE_EPOCH'):
        clamp = int(os.environ['SOURCE_DATE_EPOCH'])
    if not os.path.isdir(a.folder):
        sys.exit('mktar: %s is not a folder' % a.folder)

    paths = []
    for d, dirs, files in os.walk(a.folder):
        dirs.sort()
        for n in sorted(dirs + files):
            paths.append(os.path.join(d, n))
    paths.sort(key=lambda p: os.path.relpath(p, a.folder).split(os.sep))

    tmp = a.out + '.tmp'
    with tarfile.open(tmp, 'w', format=tarfile.USTAR_FORMAT) as tar:
        for p in paths:
            rel = os.path.relpath(p, a.folder).replace(os.sep, '/')
            st = os.lstat(p)
            ti = tarfile.TarInfo(rel)
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = ''
            ti.mtime = int(st.st_mtime) if clamp is None else min(int(st.st_mtime), clamp)
            if os.path.islink(p) or not (os.path.isfile(p) or os.path.isdir(p)):
                print('mktar: %s: not a file or folder, left out' % p, file=sys.stderr)
                continue
            if os.path.isdir(p):
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                try:
                    tar.addfile(ti)
                except ValueError as e:
                    sys.exit('mktar: %s: %s' % (rel, e))
                continue
            ti.size = st.st_size
            ti.mode = 0o755 if st.st_mode & 0o111 else 0o644
            with open(p, 'rb') as f:
                try:
                    tar.addfile(ti, f)
                except ValueError as e:
                    sys.exit('mktar: %s: %s' % (rel, e))
    os.replace(tmp, a.out)


if __name__ == '__main__':
    main()
