#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the key-value appliance's cases (tests/cases/kv.cases).

Run as a pre= hook (T, ROOT and QEMU_ACCEL come from tests/run; the QEMU
under test is first on PATH), it boots guests of its own with app=kv on a
user-net NIC whose port 6379 is forwarded to a free port on 127.0.0.1, talks
to them from the host, and exits non-zero with the reason on stderr when
something is wrong (the runner then fails the case). Each guest gets a
bounded wait; the whole run stays under a minute.

  kv_host.py proto     redis-cli through every command; a RESP client of
                       its own for error replies, oversize keys, values,
                       lines and requests, binary garbage, pipelining (1000
                       requests in one write), 60 clients at once and the
                       maxclients refusal; redis-benchmark -n 2000 -c 10 (PING,
                       SET, GET) with no error, and the guest heap in use
                       (INFO used_memory) before and after within 1%
  kv_host.py kill      the kill loop: writers SET (and DEL) keys with
                       unique values while the guest is SIGKILLed at a
                       random point, KV_KILLS times (default 5; make soak
                       runs 50); after each restart on the same disk image
                       every acknowledged write must be there with its
                       value (a write sent but not acknowledged may be
                       either way); a small kv.compact makes compactions
                       happen under the kills
  kv_host.py corrupt-last|corrupt-middle
                       write a disk image with a log of 40 records in the
                       documented format (apps/kv_log.c) and damage the
                       last record or the 20th; the case's own guest boots
                       it and the case checks the replay message

Everything printed goes to $T/kv_host.log as well.
"""
import os, random, re, signal, socket, struct, subprocess, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import hostqemu  # noqa: E402  (tests/hostqemu.py)

ROOT = os.environ.get('ROOT', os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
T = os.environ.get('T', os.path.join(ROOT, 'build/tests/kv_host'))
ACCEL = os.environ.get('QEMU_ACCEL', 'tcg')
KERNEL = os.path.join(ROOT, 'build/x86_64/kernel.elf')
LOG = None


def say(*a):
    s = ' '.join(str(x) for x in a)
    print(s)
    if LOG:
        LOG.write(s + '\n')
        LOG.flush()


def fail(why):
    say('FAIL: ' + why)
    sys.stderr.write(why + '\n')
    sys.exit(1)


def check(cond, why):
    if not cond:
        fail(why)


# --- A guest -------------------------------------------------------------------
class Guest:
    """One QEMU with app=kv; the console goes to a file."""

    def __init__(self, name, cmdline, disk=None, mem='128M'):
        self.port = hostqemu.free_port()
        self.log = os.path.join(T, name + '.log')
        if os.path.exists(self.log):
            os.unlink(self.log)
        args = ['-accel', ACCEL, '-nodefaults', '-display', 'none',
                '-serial', 'file:' + self.log, '-monitor', 'none', '-no-reboot',
                '-machine', 'q35', '-m', mem,
                '-netdev', 'user,id=n0,hostfwd=tcp:127.0.0.1:%d-:6379' % self.port,
                '-device', 'virtio-net-pci,netdev=n0',
                '-kernel', KERNEL, '-append', 'app=kv ' + cmdline]
        if disk:
            args += ['-drive', 'file=%s,if=none,id=d0,format=raw,cache=writeback' % disk,
                     '-device', 'virtio-blk-pci,drive=d0']
        # The firmware of a QEMU unpacked under a directory, as the runner
        # passes it, and -smp 2 on QEMU < 8.1 under TCG (this guest lost a
        # virtio-net notification on 7.2 once: "34 frames unanswered for
        # 30000 ms").
        args = hostqemu.command(args, ACCEL)
        self.p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=open(self.log + '.err', 'w'))

    def console(self):
        try:
            return open(self.log, errors='replace').read()
        except OSError:
            return ''

    def wait_ready(self, limit=30):
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            if 'kv: ready on port' in self.console():
                return time.monotonic() - t0
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        fail('guest not ready after %.0fs (exit %s): %s' % (
            time.monotonic() - t0, self.p.poll(), self.console()[-600:]))

    def kill(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGKILL)
        self.p.wait()


# --- A RESP client -------------------------------------------------------------
class Closed(Exception):
    pass


class Client:
    def __init__(self, port, timeout=20):
        self.s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b''

    @staticmethod
    def enc(*args):
        out = [b'*%d\r\n' % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b'$%d\r\n%s\r\n' % (len(a), a))
        return b''.join(out)

    def send(self, data):
        self.s.sendall(data)

    def _fill(self):
        d = self.s.recv(65536)
        if not d:
            raise Closed()
        self.buf += d

    def _line(self):
        while b'\r\n' not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b'\r\n', 1)
        return line

    def reply(self):
        """+x -> str, -x -> Exception instance, :n -> int, $ -> bytes/None, * -> list."""
        line = self._line()
        t, rest = line[:1], line[1:]
        if t == b'+':
            return rest.decode()
        if t == b'-':
            return RuntimeError(rest.decode())
        if t == b':':
            return int(rest)
        if t == b'$':
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            v, self.buf = self.buf[:n], self.buf[n + 2:]
            return v
        if t == b'*':
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise ValueError('bad reply line %r' % line)

    def cmd(self, *args):
        self.send(self.enc(*args))
        return self.reply()

    def closed(self, limit=5):
        """True when the server closes the connection (after any replies)."""
        self.s.settimeout(limit)
        try:
            while True:
                if not self.s.recv(65536):
                    return True
        except socket.timeout:
            return False
        except OSError:
            return True

    def close(self):
        self.s.close()


def err(r, pat):
    return isinstance(r, RuntimeError) and re.search(pat, str(r))


# --- proto -----------------------------------------------------------------------
def redis_cli(port, *args):
    r = subprocess.run(['redis-cli', '-p', str(port)] + list(args), capture_output=True,
                       text=True, timeout=30)
    return r.stdout.strip()


def proto():
    disk = os.path.join(T, 'proto.img')
    with open(disk, 'wb') as f:
        f.truncate(16 << 20)
    g = Guest('proto', 'kv.disk=vda kv.maxkey=64 kv.maxval=4096 kv.maxinline=1024 '
              'kv.maxreq=16384 kv.maxclients=80', disk)
    try:
        say('guest ready in %.1fs on port %d' % (g.wait_ready(), g.port))
        proto_cli(g.port)
        proto_errors(g.port)
        proto_pipeline(g.port)
        proto_clients(g.port)
        proto_bench(g.port)
    finally:
        g.kill()
    say('proto: all passed')


def proto_cli(port):
    cases = [
        (['FLUSHALL'], 'OK'), (['PING'], 'PONG'), (['PING', 'hi there'], 'hi there'),
        (['ECHO', 'x y'], 'x y'), (['SET', 'k1', 'v1'], 'OK'), (['GET', 'k1'], 'v1'),
        (['GET', 'nope'], ''), (['SET', 'k1', 'v2', 'XX'], 'OK'), (['SET', 'k1', 'v3', 'NX'], ''),
        (['GET', 'k1'], 'v2'), (['INCR', 'n'], '1'), (['INCRBY', 'n', '41'], '42'),
        (['DECR', 'n'], '41'), (['DECRBY', 'n', '1'], '40'), (['EXISTS', 'k1', 'n', 'zz'], '2'),
        (['DBSIZE'], '2'), (['KEYS', 'k*'], 'k1'), (['DEL', 'k1', 'zz'], '1'),
        (['EXISTS', 'k1'], '0'), (['DBSIZE'], '1'), (['SELECT', '0'], 'OK'),
        (['CONFIG', 'GET', 'appendonly'], 'appendonly\nyes'), (['COMMAND', 'COUNT'], '0'),
        (['FLUSHALL'], 'OK'), (['DBSIZE'], '0'),
    ]
    for args, want in cases:
        got = redis_cli(port, *args)
        check(got == want, 'redis-cli %s: got %r, expected %r' % (' '.join(args), got, want))
    info = redis_cli(port, 'INFO')
    for f in ('redis_version:', 'used_memory:', 'aof_enabled:1', 'kv_disk:vda', 'connected_clients:'):
        check(f in info, 'INFO lacks %s: %r' % (f, info[:300]))
    check('keys=' not in redis_cli(port, 'INFO', 'keyspace'), 'INFO keyspace after FLUSHALL')
    say('redis-cli: %d commands and INFO as expected' % len(cases))


def proto_errors(port):
    c = Client(port)
    checks = [
        (('NOPE', 'a'), r"^ERR unknown command 'NOPE'"),
        (('GET',), r"^ERR wrong number of arguments for 'get' command"),
        (('GET', 'a', 'b'), r'wrong number of arguments'),
        (('SET', 'a'), r'wrong number of arguments'),
        (('SET', 'a', 'b', 'EX', '10'), r'^ERR syntax error'),
        (('SELECT', '1'), r'out of range'),
        (('INCRBY', 'x', 'ten'), r'not an integer'),
        (('GET', 'k' * 65), r'^ERR key too long'),
        (('SET', 'k' * 65, 'v'), r'^ERR key too long'),
        (('SET', '', 'v'), r'^ERR key empty'),
    ]
    for args, pat in checks:
        r = c.cmd(*args)
        check(err(r, pat), '%r: got %r, expected an error like /%s/' % (args[:3], r, pat))
    check(c.cmd('SET', 's', 'abc') == 'OK' and err(c.cmd('INCR', 's'), 'not an integer'),
          'INCR of a string')
    check(c.cmd('SET', 'big', str(2**63 - 1)) == 'OK' and err(c.cmd('INCR', 'big'), 'overflow'),
          'INCR overflow')
    check(c.cmd('SET', 'k' * 64, 'v' * 4096) == 'OK', 'a key and value at the limits')
    check(c.cmd('GET', 'k' * 64) == b'v' * 4096, 'GET at the limits')
    check(c.cmd('PING') == 'PONG', 'connection alive after the errors')
    # Binary garbage: an inline request of unknown words, answered.
    r = c.cmd(b'\x00\xff\x01garbage')
    check(err(r, 'unknown command'), 'garbage: %r' % r)
    c.send(b'\x00\xfe\xfd junk\r\n')
    check(err(c.reply(), 'unknown command'), 'inline garbage')
    check(c.cmd('PING') == 'PONG', 'alive after garbage')
    c.close()
    # Limits that end the connection: a value over kv.maxval, a line over
    # kv.maxinline, a request over kv.maxreq, bad framing.
    fatal = [
        (Client.enc('SET', 'a', 'v' * 4097), r'Protocol error: bulk string longer than the limit'),
        (b'SET a ' + b'x' * 2000, r'Protocol error: too big inline request'),
        (b'*5\r\n' + Client.enc(*['v' * 4000] * 4)[4:] + b'$4000\r\n', r'request too big'),
        (b'*2000\r\n', r'Protocol error: too many words'),
        (b'*1\r\n$3\r\nabcXY', r'not ended by CRLF'),
        (b'*1\r\n+PING\r\n', r"expected '\$'"),
        (b'*x\r\n', r'invalid multibulk length'),
        (b'SET a "unbalanced\r\n', r'unbalanced quotes'),
    ]
    for data, pat in fatal:
        c = Client(port)
        c.send(data)
        r = c.reply()
        check(err(r, pat), '%r...: got %r, expected /%s/' % (data[:20], r, pat))
        check(c.closed(), '%r...: connection not closed after a protocol error' % data[:20])
        c.close()
    c = Client(port)
    check(c.cmd('PING') == 'PONG' and c.cmd('GET', 'k' * 64) == b'v' * 4096,
          'server alive after the protocol errors')
    c.close()
    say('errors: %d error replies, %d connection-ending limits, as expected' % (
        len(checks) + 4, len(fatal)))


def proto_pipeline(port):
    c = Client(port)
    reqs, want = [], []
    for i in range(1000):
        k = 'p%d' % (i % 50)
        if i % 3 == 0:
            reqs.append(Client.enc('SET', k, 'val%d' % i))
            want.append('OK')
        elif i % 3 == 1:
            reqs.append(Client.enc('GET', k))
            want.append(None)       # checked against the model below
        else:
            reqs.append(Client.enc('INCR', 'pc'))
            want.append(i // 3 + 1)
    c.send(b''.join(reqs))
    model = {}
    for i in range(1000):
        r = c.reply()
        k = 'p%d' % (i % 50)
        if i % 3 == 0:
            check(r == 'OK', 'pipelined SET %d: %r' % (i, r))
            model[k] = b'val%d' % i
        elif i % 3 == 1:
            check(r == model.get(k), 'pipelined GET %d: %r, expected %r' % (i, r, model.get(k)))
        else:
            check(r == want[i], 'pipelined INCR %d: %r' % (i, r))
    # Inline requests pipelined in one write, one split across writes.
    c.send(b'PING\r\nSET il "a b"\r\nGET il\r\nEXISTS il nothere\n')
    check([c.reply() for _ in range(4)] == ['PONG', 'OK', b'a b', 1], 'inline pipeline')
    whole = Client.enc('SET', 'split', 'x' * 3000)
    for i in range(0, len(whole), 7):
        c.send(whole[i:i + 7])
        if i % 700 == 0:
            time.sleep(0.001)
    check(c.reply() == 'OK' and c.cmd('GET', 'split') == b'x' * 3000, 'a request in pieces')
    c.close()
    say('pipelining: 1000 requests in one write, inline pipeline, a request in 7-byte pieces')


def proto_clients(port):
    """60 connections served at once. They are opened one after another
    (each answers a PING first): QEMU's user net accepts hostfwd connections
    through a listen backlog of 1 in libslirp, so a burst of connects from
    the host overflows the host's accept queue and waits out SYN
    retransmissions (1 s, 3 s, 7 s ...) before the guest sees anything."""
    errors = []
    cs = []
    for n in range(60):
        c = Client(port)
        check(c.cmd('PING') == 'PONG', 'client %d: no PONG' % n)
        cs.append(c)

    def worker(n):
        i = -1
        try:
            c = cs[n]
            for i in range(30):
                k = 'c%d:%d' % (n, i)
                if c.cmd('SET', k, k * 3) != 'OK' or c.cmd('GET', k) != k.encode() * 3:
                    errors.append('client %d: wrong reply' % n)
                    break
            c.close()
        except Exception as e:
            errors.append('client %d at request %d: %r' % (n, i, e))
    th = [threading.Thread(target=worker, args=(n,)) for n in range(60)]
    for t in th:
        t.start()
    for t in th:
        t.join(60)
    if errors:
        try:
            c = Client(port, timeout=5)
            info = c.cmd('INFO').decode()
            errors.append(' '.join(re.findall(r'(?:connected_clients|total_connections_received|'
                                              r'total_commands_processed):\d+', info)))
        except Exception as e:
            errors.append('and INFO fails: %r' % e)
    check(not errors, 'many clients: %s' % (errors[:3] + errors[-1:]))
    c = Client(port)
    check(c.cmd('EXISTS', *['c%d:29' % n for n in range(60)]) == 60, 'the 60 clients\' keys')
    c.close()
    # kv.maxclients=80: the 81st connection is told so and closed.
    cs = []
    for _ in range(80):
        cs.append(Client(port))
        check(cs[-1].cmd('PING') == 'PONG', 'one of 80 clients')
    extra = Client(port)
    r = extra.reply()
    check(err(r, 'max number of clients'), '81st client: %r' % r)
    for x in cs + [extra]:
        x.close()
    time.sleep(0.5)
    c = Client(port)
    check(c.cmd('PING') == 'PONG', 'a client after the 80 left')
    c.close()
    say('clients: 60 at once, 30 SET+GET each; the 81st over kv.maxclients=80 refused')


def used_memory(port):
    c = Client(port)
    info = c.cmd('INFO', 'memory').decode()
    c.close()
    time.sleep(0.3)             # let the guest reap the connection
    return int(re.search(r'used_memory:(\d+)', info).group(1))


def bench(port, n, clients=10):
    r = subprocess.run(['redis-benchmark', '-p', str(port), '-n', str(n), '-c', str(clients),
                        '-t', 'ping,set,get', '--csv'], capture_output=True, text=True, timeout=120)
    rows = [l for l in r.stdout.splitlines() if l.startswith('"')]
    return r, rows


def proto_bench(port):
    bench(port, 200)            # warm up: the key, lwIP's pools, the threads
    time.sleep(1)
    before = used_memory(port)
    r, rows = bench(port, 2000)
    check(r.returncode == 0, 'redis-benchmark failed: %s' % r.stderr[-300:])
    out = r.stdout + r.stderr
    check(not re.search(r'(?i)error|ERR ', out), 'redis-benchmark saw errors: %s' % out[-400:])
    tests = {l.split(',')[0].strip('"'): l.split(',')[1].strip('"') for l in rows[1:]}
    for t in ('PING_INLINE', 'PING_MBULK', 'SET', 'GET'):
        check(t in tests and float(tests[t]) > 0, 'redis-benchmark: no %s figure: %s' % (t, rows))
    time.sleep(1)
    after = used_memory(port)
    say('redis-benchmark -n 2000 -c 10 (requests/s): ' +
        ', '.join('%s %s' % (t, tests[t]) for t in ('PING_INLINE', 'PING_MBULK', 'SET', 'GET')))
    diff = abs(after - before) / before * 100
    say('heap in use: %d bytes before, %d after (%+d, %.2f%%)' % (before, after, after - before, diff))
    check(diff <= 1.0, 'heap in use moved by %.2f%% (more than 1%%)' % diff)


# --- kill ------------------------------------------------------------------------
class Model:
    """What each key may hold: its last acknowledged value (None: absent),
    plus every value written after it without an acknowledgement."""

    def __init__(self):
        self.acked = {}
        self.maybe = {}

    def sent(self, k, v):
        self.maybe.setdefault(k, set()).add(v)

    def ack(self, k, v):
        self.acked[k] = v
        self.maybe[k] = set()

    def ok(self, k, got):
        return got == self.acked.get(k) or got in self.maybe.get(k, ())

    def settle(self, k, got):
        """After a restart what is there is what was acknowledged."""
        self.acked[k] = got
        self.maybe[k] = set()


def writer(port, model, wid, rnd, stop, counts, lock):
    """SET unique values (pipelined in batches on odd writers), now and then a
    DEL of an earlier key, until the connection dies."""
    try:
        c = Client(port, timeout=10)
    except OSError:
        return
    i = 0
    try:
        while not stop.is_set():
            batch = []
            for _ in range(1 if wid % 2 == 0 else 8):
                i += 1
                if i % 17 == 0:
                    k, v = 'w%d:%d' % (wid, rnd.randrange(1, i)), None
                else:
                    k = 'w%d:%d' % (wid, i if i % 5 else 0)     # :0 is overwritten
                    v = ('%d.%d.' % (wid, i)).encode() + bytes(rnd.randrange(97, 123)
                                                             for _ in range(rnd.randrange(0, 300)))
                batch.append((k, v))
            with lock:
                for k, v in batch:
                    model.sent(k, v)
            c.send(b''.join(Client.enc('DEL', k) if v is None else Client.enc('SET', k, v)
                            for k, v in batch))
            for k, v in batch:
                r = c.reply()
                if v is None:
                    check(isinstance(r, int), 'DEL reply %r' % r)
                else:
                    check(r == 'OK', 'SET reply %r' % r)
                with lock:
                    model.ack(k, v)
                    counts[0] += 1
    except (Closed, OSError, ValueError):
        pass


def verify(port, model, lock):
    c = Client(port)
    keys = sorted(model.acked.keys() | model.maybe.keys())
    bad = []
    for i in range(0, len(keys), 500):
        part = keys[i:i + 500]
        c.send(b''.join(Client.enc('GET', k) for k in part))
        for k in part:
            got = c.reply()
            if not model.ok(k, got):
                bad.append('%s: got %r, acknowledged %r' % (
                    k, got if got is None else got[:20], (model.acked.get(k) or b'')[:20]))
            model.settle(k, got)
    n = c.cmd('DBSIZE')
    c.close()
    check(not bad, '%d acknowledged writes lost or wrong after a kill, e.g. %s' % (
        len(bad), bad[:3]))
    return len(keys), n


def kill():
    kills = int(os.environ.get('KV_KILLS', '5'))
    seed = int(os.environ.get('KV_SEED', str(int(time.time()))))
    rnd = random.Random(seed)
    disk = os.path.join(T, 'kv.img')
    with open(disk, 'wb') as f:
        f.truncate(32 << 20)
    model, lock = Model(), threading.Lock()
    say('kill loop: %d kills, seed %d (KV_SEED= repeats it), disk %s' % (kills, seed, disk))
    total = 0
    for k in range(kills + 1):
        g = Guest('kill%d' % k, 'kv.disk=vda kv.compact=65536', disk)
        try:
            up = g.wait_ready()
            nkeys, dbsize = verify(g.port, model, lock)
            replay = re.search(r'kv: vda: (replayed .*)', g.console())
            say('boot %d: ready in %.1fs, %s; %d keys checked, dbsize %d' % (
                k, up, replay.group(1) if replay else 'formatted', nkeys, dbsize))
            if k == kills:
                break
            stop, counts = threading.Event(), [0]
            ws = [threading.Thread(target=writer, args=(g.port, model, w, random.Random(
                rnd.random()), stop, counts, lock)) for w in range(3)]
            for w in ws:
                w.start()
            time.sleep(rnd.uniform(0.3, 2.0))
            g.kill()
            stop.set()
            for w in ws:
                w.join(15)
            total += counts[0]
            comp = g.console().count('compacted the log')
            say('  killed after %d acknowledged writes (%d compactions)' % (counts[0], comp))
        finally:
            g.kill()
    say('kill: %d kills, %d acknowledged writes, every one there after each restart' % (
        kills, total))


# --- corrupt ---------------------------------------------------------------------
def crc32c(data, crc=0):
    crc ^= 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xffffffff


def rec(epoch, typ, seq, key, val):
    body = struct.pack('<IB3xQII', epoch, typ, seq, len(key), len(val)) + key + val
    return struct.pack('<II', 0x3152564b, crc32c(body)) + body


def hdr(gen, start, length, disk):
    h = bytearray(struct.pack('<QII4Q', 0x3145524f5453564b, 1, 0, gen, start, length, disk))
    h += bytes(64 - len(h))
    struct.pack_into('<I', h, 12, crc32c(bytes(h)))
    return bytes(h)


def corrupt(where):
    """A 4 MiB disk in generation 3 (region B live), 40 SETs of k0..k39 with
    DELs of k5 and k6 among them; one record damaged."""
    size, first = 4 << 20, 4096
    rlen = (size - first) // 2 // 4096 * 4096
    img = bytearray(size)
    img[512:576] = hdr(3, first + rlen, rlen, size)            # slot 1: gen 3
    img[0:64] = hdr(2, first, rlen, size)                      # slot 0: gen 2, older
    log, offs, seq = bytearray(), [], 100
    for i in range(40):
        offs.append(len(log))
        seq += 1
        if i in (10, 11):
            log += rec(3, 2, seq, b'k%d' % (i - 5), b'')
        else:
            log += rec(3, 1, seq, b'k%d' % i, b'value-%d-' % i + b'x' * (i * 7))
    start = first + rlen
    img[start:start + len(log)] = log
    # Older records of another epoch in region A must not matter.
    old = rec(2, 1, 5, b'k0', b'stale')
    img[first:first + len(old)] = old
    n = 39 if where == 'last' else 19
    img[start + offs[n] + 40] ^= 0x55          # a byte of its key or value
    open(os.path.join(T, 'corrupt.img'), 'wb').write(img)
    say('corrupt-%s: 40 records, record %d (log offset %d) damaged' % (where, n, offs[n]))


def main():
    global LOG
    os.makedirs(T, exist_ok=True)
    what = sys.argv[1] if len(sys.argv) > 1 else ''
    LOG = open(os.path.join(T, 'kv_host.log'), 'a')
    if what == 'proto':
        proto()
    elif what == 'kill':
        kill()
    elif what in ('corrupt-last', 'corrupt-middle'):
        corrupt(what.split('-')[1])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
