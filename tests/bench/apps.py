#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Appliance benchmark (part of make bench, x86_64): our HTTP and key-value
appliances against Debian's nginx and redis-server in a Linux guest (the
cloud kernel and busybox initramfs of tests/bench/linuxguest.py, the two
dynamically linked servers copied in with their libraries), in the same
QEMU (q35, -smp 1, virtio-net-pci on -netdev user), measured from the host
through hostfwd on 127.0.0.1; and nginx on the host's own loopback, the
ceiling (the package unpacked under build/, never installed).

HTTP: wrk, BENCH_APPS_SECONDS (10) per figure, a 1 KiB and a 64 KiB file at
16 and 64 keep-alive connections: requests/s, latency p50 and p99. wrk runs
one thread per connection and opens them 50 ms apart: QEMU's hostfwd
accepts through a listen backlog of 1 (tests/hooks/app_soak.py says more).
nginx: one worker, keep-alive, access log off, sendfile.
KV: redis-benchmark -t set,get -n BENCH_APPS_KV (20,000) -c 4 (each test
opens its clients at once: more overflow that backlog): operations/s.
Neither server keeps anything on disk (redis --save '' --appendonly no;
app=kv without kv.disk).

Targets: HTTP ours >= 2x Linux in requests/s with a lower p99; KV >= 1x.
"""
import os, shutil, signal, socket, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'hooks'))
sys.path.insert(0, os.path.dirname(HERE))
import linuxguest  # noqa: E402
import hostqemu  # noqa: E402  (tests/hostqemu.py)
from app_soak import parse_wrk  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(ROOT, 'build/bench/apps')
OURS = os.path.join(ROOT, 'build/x86_64-product/kernel.elf')
SECONDS = int(os.environ.get('BENCH_APPS_SECONDS', '10'))
KV_N = int(os.environ.get('BENCH_APPS_KV', '20000'))
MEM = '256M'
FILES = {'f1k.bin': 1024, 'f64k.bin': 64 << 10}
CONNS = (16, 64)


def log(msg):
    sys.stderr.write('apps bench: %s\n' % msg)
    sys.stderr.flush()


def www():
    """The two files (fixed pseudo-random bytes) in WORK/www and as a tar."""
    d = os.path.join(WORK, 'www')
    os.makedirs(d, exist_ok=True)
    for name, size in FILES.items():
        path = os.path.join(d, name)
        if not os.path.exists(path) or os.path.getsize(path) != size:
            with open(path, 'wb') as f:
                f.write(bytes((i * 131 + 7) % 251 for i in range(size)))
    tar = os.path.join(WORK, 'www.tar')
    subprocess.run([sys.executable, os.path.join(ROOT, 'tools/mktar.py'), '--mtime',
                    '1700000000', d, tar], check=True)
    return d, tar


NGINX_CONF = '''worker_processes 1;
daemon %(daemon)s;
pid %(prefix)s/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 100000000;
    default_type application/octet-stream;
    client_body_temp_path %(prefix)s/body;
    proxy_temp_path %(prefix)s/proxy;
    fastcgi_temp_path %(prefix)s/fastcgi;
    uwsgi_temp_path %(prefix)s/uwsgi;
    scgi_temp_path %(prefix)s/scgi;
    server { listen %(listen)s; root %(root)s; }
}
'''

LINUX_INIT = r'''ip link set lo up
ip addr add 10.0.2.15/24 dev eth0
ip link set eth0 up
ip route add default via 10.0.2.2
mkdir -p /var/nginx
/usr/sbin/nginx -e stderr -c /etc/nginx.conf && echo "init: nginx started"
/usr/bin/redis-server --port 6379 --bind 0.0.0.0 --protected-mode no --save '' \
  --appendonly no --daemonize yes --logfile /tmp/redis.log && echo "init: redis started"
echo "init: serving"
while true; do sleep 3600; done
'''


def linux_guest(wwwdir):
    nginx = linuxguest.unpack(['nginx'], 'nginx')
    files = {'etc/nginx.conf': NGINX_CONF % {'daemon': 'on', 'prefix': '/var/nginx',
                                             'listen': '80', 'root': '/www'},
             'etc/passwd': 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n',
             'etc/group': 'root:x:0:\nnogroup:x:65534:\n',
             'tmp/.keep': ''}
    for name in FILES:
        files['www/' + name] = open(os.path.join(wwwdir, name), 'rb').read()
    return linuxguest.guest('apps', ['virtio_pci', 'virtio_net'], {}, LINUX_INIT,
                            dynamic={'/usr/sbin/nginx': os.path.join(nginx, 'usr/sbin/nginx'),
                                     '/usr/bin/redis-server': '/usr/bin/redis-check-rdb'},
                            files=files)


class Guest:
    def __init__(self, name, acc, kernel, append, initrd=None, drives=()):
        self.name = name
        self.http, self.kv = hostqemu.free_port(), hostqemu.free_port()
        self.log = os.path.join(WORK, name + '.log')
        cpu = 'host' if acc == 'kvm' else 'max'
        cmd = ['qemu-system-x86_64', '-accel', acc, '-machine', 'q35', '-cpu', cpu,
               '-smp', '1', '-m', MEM, '-nodefaults', '-display', 'none',
               '-serial', 'file:' + self.log, '-monitor', 'none', '-no-reboot',
               '-netdev', 'user,id=n0,hostfwd=tcp:127.0.0.1:%d-:80,hostfwd=tcp:127.0.0.1:%d-:6379'
               % (self.http, self.kv),
               '-device', 'virtio-net-pci,netdev=n0,disable-legacy=on',
               '-kernel', kernel, '-append', append]
        if initrd:
            cmd += ['-initrd', initrd]
        for i, path in enumerate(drives):
            cmd += ['-drive', 'file=%s,format=raw,if=none,id=d%d,readonly=on' % (path, i),
                    '-device', 'virtio-blk-pci,drive=d%d' % i]
        self.p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)

    def ready(self, limit=120):
        """Both services answer (an HTTP request, a PING)."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit and self.p.poll() is None:
            try:
                with socket.create_connection(('127.0.0.1', self.http), timeout=3) as s:
                    s.sendall(b'GET /f1k.bin HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n')
                    ok = s.recv(12).startswith(b'HTTP/1.1 200')
                with socket.create_connection(('127.0.0.1', self.kv), timeout=3) as s:
                    s.sendall(b'PING\r\n')
                    ok = ok and s.recv(7) == b'+PONG\r\n'
                if ok:
                    return True
            except OSError:
                pass
            time.sleep(0.5)
        return False

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
        self.p.wait()


class HostNginx:
    """nginx from the unpacked package on 127.0.0.1:PORT (no KV)."""

    def __init__(self, wwwdir):
        nginx = linuxguest.unpack(['nginx'], 'nginx')
        prefix = os.path.join(WORK, 'host-nginx')
        os.makedirs(prefix, exist_ok=True)
        self.http, self.kv = hostqemu.free_port(), None
        conf = os.path.join(prefix, 'nginx.conf')
        open(conf, 'w').write(NGINX_CONF % {'daemon': 'off', 'prefix': prefix,
                                            'listen': '127.0.0.1:%d' % self.http,
                                            'root': wwwdir})
        self.p = subprocess.Popen(['nice', '-n', '19', os.path.join(nginx, 'usr/sbin/nginx'),
                                   '-e', 'stderr', '-p', prefix, '-c', conf],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(WORK, 'host-nginx.log'), 'w'))

    def ready(self, limit=10):
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit and self.p.poll() is None:
            try:
                socket.create_connection(('127.0.0.1', self.http), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.2)
        return False

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
        self.p.wait()


STAGGER = os.path.join(WORK, 'stagger.lua')


def http_figures(port):
    """{(file, conns): (req/s, p50 ms, p99 ms, errors)}."""
    with open(STAGGER, 'w') as f:
        f.write('function init(args) os.execute("sleep 0.05") end\n')
    res = {}
    for name in FILES:
        for c in CONNS:
            r = subprocess.run(['wrk', '--latency', '--timeout', '5s', '-d', '%ds' % SECONDS,
                                '-t', str(c), '-c', str(c), '-s', STAGGER,
                                'http://127.0.0.1:%d/%s' % (port, name)],
                               capture_output=True, text=True, timeout=SECONDS + 120)
            w = parse_wrk(r.stdout + r.stderr)
            res[(name, c)] = (w['rps'], w['p50'], w['p99'],
                              w['errors'] + w['timeouts'] + w['non2xx'])
    return res


def kv_figures(port):
    r = subprocess.run(['redis-benchmark', '-p', str(port), '-n', str(KV_N), '-c', '4',
                        '-t', 'set,get', '--csv'], capture_output=True, text=True, timeout=600)
    return {l.split(',')[0].strip('"'): float(l.split(',')[1].strip('"'))
            for l in r.stdout.splitlines() if l.startswith('"') and not l.startswith('"test"')}


def main():
    if not shutil.which('wrk') or not shutil.which('redis-benchmark'):
        log('wrk or redis-benchmark missing (make deps installs them)')
        return 1
    os.makedirs(WORK, exist_ok=True)
    acc = hostqemu.accel()
    wwwdir, tar = www()
    runs = {'ours': lambda: Guest('ours', acc, OURS, 'loglevel=4 app=httpd,kv', drives=[tar])}
    try:
        vmlinuz, initrd, _ = linux_guest(wwwdir)
        runs['linux'] = lambda: Guest('linux', acc, vmlinuz,
                                      'console=ttyS0 quiet panic=-1 rdinit=/init', initrd)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as e:
        log('no Linux guest: %s' % e)
    runs['host'] = lambda: HostNginx(wwwdir)
    http, kv = {}, {}
    for name, make in runs.items():
        g = make()
        try:
            if not g.ready():
                log('%s did not come up (%s)' % (name, getattr(g, 'log', 'host-nginx.log')))
                continue
            http[name] = http_figures(g.http)
            if g.kv:
                kv[name] = kv_figures(g.kv)
        finally:
            g.stop()

    print('\nappliances: q35 -m %s -smp 1, virtio-net-pci on -netdev user, hostfwd 127.0.0.1, %s; '
          'wrk %d s per figure; host: nginx on the host\'s loopback (the ceiling)' % (MEM, acc,
                                                                                       SECONDS))
    hdr = '%-28s %9s %9s %9s %8s   %s' % ('HTTP (req/s; p50/p99 ms)', 'ours', 'linux', 'host',
                                         'ours/lx', 'target')
    print(hdr)
    print('-' * len(hdr))
    ok = 'ours' in http
    for name in FILES:
        for c in CONNS:
            row = {g: http.get(g, {}).get((name, c)) for g in ('ours', 'linux', 'host')}
            o, l = row['ours'], row['linux']
            ratio = o[0] / l[0] if o and l and l[0] else None
            cell = lambda r: '%9.0f' % r[0] if r else '%9s' % '-'
            print('%-28s %s %s %s %8s   >= 2.00 %s' % (
                '%s %d conns req/s' % (name, c), cell(o), cell(l), cell(row['host']),
                '%.2f' % ratio if ratio else '-', 'met' if ratio and ratio >= 2 else 'NOT met'))
            lat = lambda r: '%.1f/%.0f' % (r[1] or 0, r[2] or 0) if r else '-'
            p99ok = o and l and (o[2] or 0) < (l[2] or 0)
            print('%-28s %9s %9s %9s %8s   lower p99 %s' % (
                '  p50/p99 ms', lat(o), lat(l), lat(row['host']), '', 'met' if p99ok else 'NOT met'))
            errs = [g for g in row if row[g] and row[g][3]]
            if errs:
                print('  errors (socket, timeout, non-2xx) in: %s' % ', '.join(errs))
    hdr = '%-28s %9s %9s %9s %8s   %s' % ('KV (ops/s)', 'ours', 'linux', '', 'ours/lx', 'target')
    print(hdr)
    print('-' * len(hdr))
    for t in ('SET', 'GET'):
        o, l = kv.get('ours', {}).get(t), kv.get('linux', {}).get(t)
        ratio = o / l if o and l else None
        print('%-28s %9s %9s %9s %8s   >= 1.00 %s' % (
            'redis-benchmark %s' % t, '%.0f' % o if o else '-', '%.0f' % l if l else '-', '',
            '%.2f' % ratio if ratio else '-', 'met' if ratio and ratio >= 1 else 'NOT met'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
