#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The appliances' load runs for `make soak` (too long for make test under
TCG). Each boots its own guest (x86_64, q35, user-net NIC, its port
forwarded to a free port on 127.0.0.1: all traffic goes through hostfwd)
and prints one PASS or FAIL line with its figures; the exit status is 1
when any failed.

  app_soak.py http     wrk against app=httpd: SOAK_HTTP_REQS (1,000,000)
                       requests over SOAK_HTTP_CONNS (64) keep-alive
                       connections; no socket error, no non-2xx (wrk's
                       count and the guest's own counters), and the
                       guest's heap in use (the shell's `mem`) within 1%
                       after the run of what it was before
  app_soak.py kv       redis-benchmark against app=kv (with its log disk):
                       SOAK_KV_REQS (100,000) each of PING, SET, GET and
                       INCR over 4 clients (redis-benchmark opens each
                       test's clients at once: more overflow hostfwd's
                       backlog, below); no error reply, heap within 1%
  app_soak.py churn    SOAK_CHURN (200,000) connections of one request each
                       (wrk with Connection: close): no socket error, no
                       request slower than 2 s (wrk's timeout: accept
                       never hangs), connections per second of QEMU's
                       CPU over the last tenth at least 90% of the first
                       tenth's (the wall-clock rate is the shared host's
                       as much as the guest's), the TCP PCBs
                       (`netstat`) bounded: TIME-WAIT at most its cap
                       (net/tcp_tw.c) and the connections open
  app_soak.py mem      the least -m (MiB) at which app=httpd still serves
                       the http run (bisection over 4..32, each step a full
                       run; SOAK_MEM_REQS overrides the count); target <= 8
  app_soak.py all      http, kv, churn and mem in turn

Environment: T (the work directory, default build/soak), ROOT, QEMU_ACCEL
(tcg or kvm). wrk and redis-benchmark come from Debian's wrk and
redis-tools (make deps installs them).

QEMU's hostfwd accepts through a listen backlog of 1: a burst of connects
overflows the host's accept queue, and the overflowed ones wait out SYN-ACK
retransmissions (1, 3, 7, 15, 31 s) before the guest sees them; with wrk's
64 connections opened at once only about 25 ever reached the guest. So
wrk runs one thread per connection and its Lua init() (run for each thread
before the thread starts) sleeps 50 ms: the connections open one after
another. The churn run keeps two connections, which never overflow it.
"""
import json, os, re, shutil, signal, socket, subprocess, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import hostqemu  # noqa: E402  (tests/hostqemu.py)

ROOT = os.environ.get('ROOT', os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
T = os.environ.get('T', os.path.join(ROOT, 'build/soak'))
ACCEL = os.environ.get('QEMU_ACCEL', 'tcg')
KERNEL = os.path.join(ROOT, 'build/x86_64/kernel.elf')
HTTP_REQS = int(os.environ.get('SOAK_HTTP_REQS', '1000000'))
HTTP_CONNS = int(os.environ.get('SOAK_HTTP_CONNS', '64'))
KV_REQS = int(os.environ.get('SOAK_KV_REQS', '100000'))
CHURN = int(os.environ.get('SOAK_CHURN', '200000'))
MEM_REQS = int(os.environ.get('SOAK_MEM_REQS', str(HTTP_REQS)))
URL_PATH = '/docs/hello.txt'


def say(msg):
    print(msg, flush=True)


# --- A guest whose serial console is a socket (its shell) and a file ---------
class Guest:
    def __init__(self, name, app_args, guest_port, drives=(), mem='128M'):
        self.name = name
        self.port = hostqemu.free_port()
        self.log = os.path.join(T, name + '.log')
        self.sock = '/tmp/soak-%d-%s.sock' % (os.getpid(), name)
        for f in (self.log, self.sock):
            if os.path.exists(f):
                os.unlink(f)
        args = ['-accel', ACCEL,
                '-machine', 'q35', '-m', mem, '-nodefaults', '-display', 'none',
                '-monitor', 'none', '-no-reboot',
                '-chardev', 'socket,id=con,path=%s,server=on,wait=off,logfile=%s' % (
                    self.sock, self.log),
                '-serial', 'chardev:con',
                '-netdev', 'user,id=n0,hostfwd=tcp:127.0.0.1:%d-:%d' % (self.port, guest_port),
                '-device', 'virtio-net-pci,netdev=n0',
                '-kernel', KERNEL, '-append', 'loglevel=4 ' + app_args]
        for i, (path, ro) in enumerate(drives):
            args += ['-drive', 'file=%s,format=raw,if=none,id=d%d%s' % (
                path, i, ',readonly=on' if ro else ',cache=writeback'),
                '-device', 'virtio-blk-pci,drive=d%d' % i]
        # The firmware of a QEMU unpacked under a directory, and -smp 2 on
        # QEMU < 8.1 under TCG (seen here once on 7.2 at -m 32 after
        # 400,000 requests: "vioif0: 256 frames unanswered for 30000 ms").
        args = ['nice', '-n', '19'] + hostqemu.command(args, ACCEL)
        self.p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=open(self.log + '.err', 'w'))
        self.con = None

    def console(self):
        try:
            return open(self.log, errors='replace').read()
        except OSError:
            return ''

    def wait_for(self, pattern, limit=60):
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            if re.search(pattern, self.console()):
                return True
            if self.p.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def shell(self, cmd, limit=20):
        """Run a shell command on the serial console: its output."""
        if self.con is None:
            self.con = socket.socket(socket.AF_UNIX)
            self.con.connect(self.sock)
        self.con.settimeout(0.2)
        try:                    # whatever the console said before
            while self.con.recv(65536):
                pass
        except (socket.timeout, BlockingIOError):
            pass
        mark = 'soak-%d' % time.monotonic_ns()
        self.con.sendall(('\n%s; echo %s\n' % (cmd, mark)).encode())
        buf, t0 = b'', time.monotonic()
        while time.monotonic() - t0 < limit:
            try:
                d = self.con.recv(65536)
            except socket.timeout:
                d = b''
            buf += d
            text = buf.decode(errors='replace')
            if re.search(r'(?m)^%s\r?$' % mark, text):
                return text
        return buf.decode(errors='replace')

    def heap(self):
        """The kernel heap's bytes in use (`mem`)."""
        out = self.shell('mem')
        m = re.search(r'heap: (\d+) bytes in use', out)
        return int(m.group(1)) if m else None

    def tcp(self):
        """(TCP PCBs in use, in TIME-WAIT, its cap, reopened, dropped) (`netstat`)."""
        out = self.shell('netstat')
        m = re.search(r'TCP_PCB\s+(\d+)', out)
        w = re.search(r'time-wait: (\d+) \(at most (\d+)\), (\d+) reopened.*?, (\d+) dropped', out)
        if not m or not w:
            return None
        return (int(m.group(1)),) + tuple(int(x) for x in w.groups())

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        if self.con:
            self.con.close()
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
        self.p.wait()
        if os.path.exists(self.sock):
            os.unlink(self.sock)


# --- wrk ----------------------------------------------------------------------------
def need(tool, pkg):
    if not shutil.which(tool):
        say('FAIL: %s is missing (Debian package %s; make deps installs it)' % (tool, pkg))
        sys.exit(1)


STAGGER = os.path.join(T, 'stagger.lua')


def wrk(port, conns, seconds, path=URL_PATH, close=False):
    """One wrk run: a dict of its figures (requests, rps, errors, non2xx,
    p50/p99/max latency in ms) and its output."""
    with open(STAGGER, 'w') as f:
        f.write('-- each thread (one connection) starts 50 ms after the one before\n'
                'function init(args) os.execute("sleep 0.05") end\n')
    cmd = ['nice', '-n', '19', 'wrk', '--latency', '--timeout', '2s', '-d', '%ds' % seconds]
    if close:
        cmd += ['-t', '1', '-c', str(conns), '-H', 'Connection: close']
    else:
        cmd += ['-t', str(conns), '-c', str(conns), '-s', STAGGER]
    cmd.append('http://127.0.0.1:%d%s' % (port, path))
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    with open(os.path.join(T, 'wrk.log'), 'a') as f:      # every run's own report
        f.write('$ %s\n%s%s\n' % (' '.join(cmd), r.stdout, r.stderr))
    return parse_wrk(r.stdout + r.stderr)


def ms(v, unit):
    return float(v) * {'us': 1e-3, 'ms': 1.0, 's': 1e3, 'm': 6e4}[unit]


def parse_wrk(out):
    res = {'out': out, 'requests': 0, 'errors': 0, 'timeouts': 0, 'non2xx': 0}
    m = re.search(r'(\d+) requests in ([\d.]+)(\w+)', out)
    if m:
        res['requests'] = int(m.group(1))
        res['seconds'] = ms(m.group(2), m.group(3)) / 1000
    m = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', out)
    if m:
        res['errors'] = sum(int(x) for x in m.groups()[:3])
        res['socket'] = 'connect %s, read %s, write %s' % m.groups()[:3]
        res['timeouts'] = int(m.group(4))
    m = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    if m:
        res['non2xx'] = int(m.group(1))
    m = re.search(r'Requests/sec:\s+([\d.]+)', out)
    res['rps'] = float(m.group(1)) if m else 0.0
    for q in ('50', '99'):
        m = re.search(r'^\s+%s%%\s+([\d.]+)(\w+)' % q, out, re.M)
        res['p' + q] = ms(m.group(1), m.group(2)) if m else None
    m = re.search(r'Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(\w+)', out)
    res['max'] = ms(m.group(1), m.group(2)) if m else None
    return res


def httpd_status(port):
    import urllib.request
    with urllib.request.urlopen('http://127.0.0.1:%d/_status.json' % port, timeout=20) as r:
        return json.loads(r.read())['httpd']


def quiet_heap(g, port, limit=30):
    """The heap in use once the server has no connection but the asker's
    (each closed connection's thread is reaped within a tick)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            if httpd_status(port)['active'] <= 1:
                break
        except OSError:
            pass
        time.sleep(0.5)
    time.sleep(1.5)             # the status connection's own close and reaping
    return g.heap()


def www():
    """The sample tree plus the test files, packed (tests/hooks/httpd_pre.sh)."""
    env = dict(os.environ, T=T, ROOT=ROOT)
    subprocess.run(['sh', os.path.join(ROOT, 'tests/hooks/httpd_pre.sh')], env=env, check=True)
    return os.path.join(T, 'www.tar')


def boot_httpd(name, mem='128M'):
    g = Guest(name, 'app=httpd', 80, [(www(), True)], mem=mem)
    if not g.wait_for(r'httpd: listening on port 80', 60):
        return g, False
    # the DHCP lease (hostfwd reaches 10.0.2.15) and a first answer
    t0 = time.monotonic()
    while time.monotonic() - t0 < 30:
        try:
            httpd_status(g.port)
            return g, True
        except OSError:
            time.sleep(0.3)
    return g, False


def http_load(g, total, conns):
    """wrk runs of SOAK_HTTP_CONNS connections until `total` requests are
    done: (requests, seconds, errors, timeouts, non-2xx, worst p99 ms, rates)."""
    done = secs = errs = tmo = non2xx = 0
    p99, rate, d = 0.0, None, 5         # the first run: an estimate of the rate
    while done < total and g.alive():
        if rate:
            d = int(min(max((total - done) / rate * 1.05 + 3, 5), 600))
        r = wrk(g.port, conns, d)
        if r['requests'] == 0:
            say('# wrk did nothing: %s' % r['out'][-400:])
            break
        done += r['requests']
        secs += r['seconds']
        errs += r['errors']
        tmo += r['timeouts']
        non2xx += r['non2xx']
        p99 = max(p99, r['p99'] or 0)
        rate = r['rps'] or rate
        say('# wrk %ds: %d requests, %.0f req/s, p99 %.1f ms, errors %d, timeouts %d, non-2xx %d'
            % (d, r['requests'], r['rps'], r['p99'] or -1, r['errors'], r['timeouts'], r['non2xx']))
    return done, secs, errs, tmo, non2xx, p99


def bad_codes(before, after):
    return {k: after[k] - before.get(k, 0) for k in after
            if k.startswith('status_') and k != 'status_200' and after[k] != before.get(k, 0)}


# --- http -----------------------------------------------------------------------------
def soak_http(total=HTTP_REQS, mem='128M', quiet=False):
    """@return True on PASS."""
    need('wrk', 'wrk')
    g, up = boot_httpd('http-m%s' % mem, mem)
    try:
        if not up:
            say('FAIL: http -m %s: the guest did not come up: %s' % (mem, g.console()[-300:]))
            return False
        try:
            wrk(g.port, HTTP_CONNS, 5)          # warm-up: threads, lwIP's pools
            h0 = quiet_heap(g, g.port)
            s0 = httpd_status(g.port)
            done, secs, errs, tmo, non2xx, p99 = http_load(g, total, HTTP_CONNS)
            if not g.alive():
                raise OSError('the guest ended')
            h1 = quiet_heap(g, g.port)
            s1 = httpd_status(g.port)
        except (OSError, ValueError, KeyError) as e:
            m = re.search(r'(?s)(FATAL|panic|PANIC).{0,300}', g.console())
            say('FAIL: http -m %s: %r; the guest %s: %s' % (
                mem, e, 'runs' if g.alive() else 'ended', (m.group(0) if m else
                                                           g.console()[-300:]).replace('\n', ' | ')))
            return False
        bad = bad_codes(s0, s1)
        served = s1['status_200'] - s0['status_200']
        drift = abs(h1 - h0) / h0 * 100 if h0 and h1 else 100.0
        ok = (done >= total and served >= done and errs == 0 and tmo == 0 and non2xx == 0 and
              not bad and
              s1['bad_requests'] == s0['bad_requests'] and s1['timeouts'] == s0['timeouts']
              and drift <= 1.0)
        say('%s: http: %d requests over %d connections in %.0f s (%.0f req/s, worst p99 %.1f ms), '
            'wrk socket errors %d, timeouts %d, non-2xx %d; guest: %d answered 200, other '
            'statuses %s, peak %d connections open; heap in use %d bytes before, %d after '
            '(%+.2f%%; limit 1%%), -m %s' % (
                'PASS' if ok else 'FAIL', done, HTTP_CONNS, secs, done / secs if secs else 0, p99,
                errs, tmo, non2xx, served, bad or 'none', s1['peak_active'], h0 or -1, h1 or -1,
                (h1 - h0) / h0 * 100 if h0 and h1 else 0, mem))
        return ok
    finally:
        g.stop()


# --- kv -------------------------------------------------------------------------------
def soak_kv():
    need('redis-benchmark', 'redis-tools')
    disk = os.path.join(T, 'kv-soak.img')
    with open(disk, 'wb') as f:
        f.truncate(64 << 20)
    g = Guest('kv', 'app=kv kv.disk=vda', 6379, [(disk, False)])
    try:
        if not g.wait_for(r'kv: ready on port', 60):
            say('FAIL: kv: the guest did not come up: %s' % g.console()[-300:])
            return False

        def bench(n, clients=4):
            r = subprocess.run(['nice', '-n', '19', 'redis-benchmark', '-p', str(g.port),
                                '-n', str(n), '-c', str(clients), '-t', 'ping,set,get,incr',
                                '--csv'], capture_output=True, text=True, timeout=n // 20 + 600)
            return r, r.stdout + r.stderr

        bench(2000)                         # warm-up: the keys, lwIP's pools, the threads
        time.sleep(2)
        h0 = g.heap()
        r, out = bench(KV_REQS)
        time.sleep(2)
        h1 = g.heap()
        rows = {l.split(',')[0].strip('"'): float(l.split(',')[1].strip('"'))
                for l in out.splitlines() if l.startswith('"') and not l.startswith('"test"')}
        errors = re.findall(r'(?im)^.*(?:error|ERR ).*$', out)
        info = g.shell('kv')
        drift = abs(h1 - h0) / h0 * 100 if h0 and h1 else 100.0
        ok = (r.returncode == 0 and not errors and all(
            t in rows for t in ('PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR')) and drift <= 1.0
            and g.alive())
        say('%s: kv: redis-benchmark -n %d -c 4 (requests/s): %s; errors %s; heap in use %d '
            'bytes before, %d after (%+.2f%%; limit 1%%)' % (
                'PASS' if ok else 'FAIL', KV_REQS,
                ', '.join('%s %.0f' % kv for kv in rows.items()) or 'none',
                errors[:3] or 'none', h0 or -1, h1 or -1,
                (h1 - h0) / h0 * 100 if h0 and h1 else 0))
        if not ok:
            say('# kv shell: %s' % info.strip()[-400:])
        return ok
    finally:
        g.stop()


# --- churn ----------------------------------------------------------------------------
def qemu_cpu_s(g):
    """CPU seconds QEMU's process has used (all threads: the vCPU, and the
    main loop that runs the user network), or None."""
    try:
        f = open('/proc/%d/stat' % g.p.pid).read().rsplit(')', 1)[1].split()
        return (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')
    except (OSError, IndexError, ValueError):
        return None


def soak_churn(total=CHURN, conns=2):
    need('wrk', 'wrk')
    g, up = boot_httpd('churn')
    try:
        if not up:
            say('FAIL: churn: the guest did not come up: %s' % g.console()[-300:])
            return False
        probe = wrk(g.port, conns, 5, close=True)
        rate = probe['rps'] or 200.0
        # Ten runs of about a tenth each; more if they fall short.
        d = int(min(max(total / 10 / rate, 5), 600))
        runs, done, tcp = [], 0, []
        while done < total and g.alive() and len(runs) < 30:
            c0 = qemu_cpu_s(g)
            r = wrk(g.port, conns, d, close=True)
            c1 = qemu_cpu_s(g)
            # Connections per second of QEMU's CPU: what a slow-down in the
            # guest (a list that grows, a leak that costs) would lower. The
            # wall-clock rate swings 620..932/s from one tenth to the next
            # on a shared host, with no trend.
            r['per_cpu'] = r['requests'] / (c1 - c0) if c0 is not None and c1 and c1 > c0 else 0
            runs.append(r)
            done += r['requests']
            tcp.append(g.tcp())
            say('# churn %ds: %d connections, %.0f/s, %.0f per QEMU CPU second, max %.0f ms, '
                'errors %d, timeouts %d, non-2xx %d; guest TCP PCBs %s, TIME-WAIT %s (cap %s)' % (
                    d, r['requests'], r['rps'], r['per_cpu'], r['max'] or -1, r['errors'], r['timeouts'],
                    r['non2xx'], *(tcp[-1][:3] if tcp[-1] else ('?', '?', '?'))))
            if r['requests'] == 0:
                break
        first, last = runs[0]['per_cpu'], runs[-1]['per_cpu']
        errs = sum(r['errors'] for r in runs)
        tmo = sum(r['timeouts'] for r in runs)
        non2xx = sum(r['non2xx'] for r in runs)
        worst = max((r['max'] or 0) for r in runs)
        pcbs = [t[0] for t in tcp if t]
        tws = [t[1] for t in tcp if t]
        cap = max((t[2] for t in tcp if t), default=0)
        final = tcp[-1] if tcp and tcp[-1] else (0, 0, 0, 0, 0)
        ratio = last / first if first else 0
        bounded = bool(pcbs) and max(tws) <= cap + conns and max(pcbs) <= cap + conns + 2
        ok = (done >= total and errs == 0 and tmo == 0 and non2xx == 0 and worst < 2000 and
              ratio >= 0.90 and bounded and g.alive())
        say('%s: churn: %d connections of one request each in %d runs (%d at a time), no answer '
            'slower than %.0f ms (limit 2000), socket errors %d, timeouts %d, non-2xx %d; connections '
            'per QEMU CPU second first tenth %.0f, last %.0f (%.2fx; at least 0.90: no slow-down); guest TCP PCBs at most '
            '%d, TIME-WAIT at most %d (cap %d + the connections open), %d reopened by a new SYN, %d dropped over the cap'
            % ('PASS' if ok else 'FAIL', done, len(runs), conns, worst, errs, tmo, non2xx, first,
               last, ratio, max(pcbs, default=-1), max(tws, default=-1), cap, final[3], final[4]))
        return ok
    finally:
        g.stop()


# --- mem ------------------------------------------------------------------------------
def soak_mem():
    """Bisection of -m (MiB) over [lo, hi]: hi must pass, lo is below the
    floor; each step a full http run."""
    lo, hi = 3, 32
    say('# mem: bisection of -m for the http run of %d requests' % MEM_REQS)
    if not soak_http(MEM_REQS, '%dM' % hi):
        say('FAIL: mem: the http run fails even at -m %d' % hi)
        return False
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if soak_http(MEM_REQS, '%dM' % mid):
            hi = mid
        else:
            lo = mid
    ok = hi <= 8
    say('%s: mem: the least -m serving %d requests over %d connections: %d MiB (target <= 8)'
        % ('PASS' if ok else 'FAIL', MEM_REQS, HTTP_CONNS, hi))
    return ok


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else 'all'
    os.makedirs(T, exist_ok=True)
    runs = {'http': soak_http, 'kv': soak_kv, 'churn': soak_churn, 'mem': soak_mem}
    if what not in runs and what != 'all':
        sys.exit(__doc__)
    results = [runs[w]() for w in (runs if what == 'all' else [what])]
    sys.exit(0 if all(results) else 1)


if __name__ == '__main__':
    main()
