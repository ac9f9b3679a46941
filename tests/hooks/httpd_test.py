#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of the httpd cases (tests/cases/httpd.cases): talks to the
guest's HTTP appliance through QEMU's hostfwd on 127.0.0.1:$PORT while the
guest runs (tests/run's during= hook). Python's standard library and curl.

    httpd_test.py http     protocol and limits (the guest runs with small
                           limits and timeouts, see the case line)
    httpd_test.py status   /_status.json and /_status in headless chromium
    httpd_test.py quick    a few requests and the JSON (aarch64)

Every check prints a line; the first failure ends the run with status 1.
The files are those tests/hooks/httpd_pre.sh packs into $T/www.tar."""
import hashlib, json, os, random, re, shutil, socket, subprocess, sys, threading, time

PORT = int(os.environ['PORT'])
T = os.environ['T']
ROOT = os.environ.get('ROOT', '.')
WWW = os.path.join(T, 'www')
HOST = '127.0.0.1'
# The case line's settings (keep in step with tests/cases/httpd.cases).
IDLE_S, HDR_S, URI_MAX, HDR_MAX, HDR_COUNT, BODY_MAX, MAX_CONNS = 2, 2, 512, 2048, 20, 4096, 12


def log(msg):
    print(msg, flush=True)


def fail(msg):
    log('FAIL: ' + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    log('ok - ' + msg)


def conn(timeout=10):
    s = socket.create_connection((HOST, PORT), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


class Reader:
    """Responses off one socket: status, headers (lower-case names), body."""

    def __init__(self, s):
        self.s, self.buf = s, b''

    def fill(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError('connection closed')
        self.buf += d

    def response(self, head=False):
        while b'\r\n\r\n' not in self.buf:
            self.fill()
        h, self.buf = self.buf.split(b'\r\n\r\n', 1)
        lines = h.decode('latin-1').split('\r\n')
        m = re.match(r'HTTP/1\.1 (\d{3}) ', lines[0])
        if not m:
            raise ValueError('bad status line %r' % lines[0])
        hdrs = {}
        for l in lines[1:]:
            k, _, v = l.partition(':')
            hdrs[k.strip().lower()] = v.strip()
        n = 0 if head or m.group(1) in ('304',) else int(hdrs.get('content-length', '0'))
        while len(self.buf) < n:
            self.fill()
        body, self.buf = self.buf[:n], self.buf[n:]
        return int(m.group(1)), hdrs, body

    def closed(self, wait=5):
        """True when the peer closes (after whatever it still sends)."""
        self.s.settimeout(wait)
        try:
            while True:
                d = self.s.recv(65536)
                if not d:
                    return True
                self.buf += d
        except (socket.timeout, TimeoutError):
            return False
        except ConnectionResetError:
            return True


def get(path, hdrs=None, method='GET'):
    s = conn()
    req = '%s %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n' % (method, path)
    for k, v in (hdrs or {}).items():
        req += '%s: %s\r\n' % (k, v)
    s.sendall((req + '\r\n').encode())
    r = Reader(s)
    st, h, b = r.response(head=method == 'HEAD')
    s.close()
    return st, h, b


def raw(data, wait=5):
    """Send data, then read until the server closes: (status or None, all bytes, closed)."""
    s = conn()
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass
    r = Reader(s)
    closed = r.closed(wait)
    s.close()
    m = re.match(rb'HTTP/1\.1 (\d{3}) ', r.buf)
    return (int(m.group(1)) if m else None), r.buf, closed


def wait_ready(limit=40):
    t0 = time.time()
    while time.time() - t0 < limit:
        try:
            st, _, _ = get('/')
            if st == 200:
                log('# ready after %.1fs' % (time.time() - t0))
                return
        except (OSError, EOFError, ValueError):
            pass
        time.sleep(0.3)
    fail('no answer on port %d within %ds' % (PORT, limit))


def file(rel):
    return open(os.path.join(WWW, rel), 'rb').read()


# --- http: protocol ------------------------------------------------------------------
def t_basics():
    st, h, b = get('/')
    check(st == 200 and b == file('index.html'), 'GET / serves index.html')
    check(h['content-type'] == 'text/html; charset=utf-8', 'text/html for index.html')
    check(h['content-length'] == str(len(b)), 'Content-Length')
    check(re.match(r'^"[0-9a-f]+-[0-9a-f]+"$', h.get('etag', '')), 'ETag')
    check(h.get('last-modified') == 'Tue, 14 Nov 2023 22:13:20 GMT', 'Last-Modified from the tar')
    check('date' not in h, 'no Date without a clock (RFC 9110 6.6.1)')
    st, h2, b = get('/', method='HEAD')
    check(st == 200 and b == b'' and h2['content-length'] == h['content-length'],
          'HEAD: the same head, no body')
    types = {'style.css': 'text/css; charset=utf-8', 'img/logo.svg': 'image/svg+xml',
             'docs/data.json': 'application/json', 'docs/notes.md': 'text/markdown; charset=utf-8',
             'docs/hello.txt': 'text/plain; charset=utf-8', 'big.bin': 'application/octet-stream',
             'img/raw': 'application/octet-stream'}
    for p, t in types.items():
        st, h, b = get('/' + p)
        check(st == 200 and h['content-type'] == t and b == file(p), 'GET /%s: %s' % (p, t))
    st, h, b = get('/nope.html')
    check(st == 404, '404 for a missing file')
    st, h, b = get('/docs')
    check(st == 301 and h['location'] == '/docs/', '301 /docs -> /docs/')
    st, h, b = get('/docs?x=1')
    check(st == 301 and h['location'] == '/docs/?x=1', '301 keeps the query')
    st, h, b = get('/docs/')
    check(st == 200 and b'href="hello.txt"' in b and b'href="notes.md"' in b and b'href="../"' in b,
          'directory listing')
    st, h, b = get('/odd/')
    check(b'href="a%20%26%20%3Cb%3E.txt"' in b and b'a &amp; &lt;b&gt;.txt' in b,
          'listing escapes names (href and text)')
    st, h, b = get('/odd/a%20%26%20%3Cb%3E.txt')
    check(st == 200 and b == b'odd name\n', 'GET of a %-encoded name')
    st, h, b = get('/docs/../img/./logo.svg')
    check(st == 200 and b == file('img/logo.svg'), 'dot segments resolved')
    st, h, b = get('/../etc/passwd')
    check(st == 400, '400 for a path above the root')
    st, h, b = get('http://example/docs/hello.txt')
    check(st == 200 and b == file('docs/hello.txt'), 'absolute-form request-target')


def t_curl():
    big = file('big.bin')
    out = os.path.join(T, 'big.curl')
    r = subprocess.run(['curl', '-sS', '-o', out, '-w', '%{http_code} %{size_download}',
                        'http://%s:%d/big.bin' % (HOST, PORT)], capture_output=True, text=True,
                       timeout=30)
    check(r.stdout == '200 %d' % len(big) and
          hashlib.sha256(open(out, 'rb').read()).digest() == hashlib.sha256(big).digest(),
          'curl: 200 KiB file intact')
    r = subprocess.run(['curl', '-sS', '-r', '1000-1999', 'http://%s:%d/big.bin' % (HOST, PORT)],
                       capture_output=True, timeout=30)
    check(r.stdout == big[1000:2000], 'curl -r: a range')
    r = subprocess.run(['curl', '-sS', '-o', '/dev/null', '-o', '/dev/null', '-o', '/dev/null',
                        '-w', '%{http_code} %{num_connects}\n',
                        'http://%s:%d/' % (HOST, PORT), 'http://%s:%d/style.css' % (HOST, PORT),
                        'http://%s:%d/docs/' % (HOST, PORT)],
                       capture_output=True, text=True, timeout=30)
    check(r.stdout.split('\n')[:3] == ['200 1', '200 0', '200 0'],
          'curl reuses the connection (keep-alive): %r' % r.stdout)


def t_ranges():
    big = file('big.bin')
    n = len(big)
    st, h, b = get('/big.bin', {'Range': 'bytes=0-9'})
    check(st == 206 and b == big[:10] and h['content-range'] == 'bytes 0-9/%d' % n, 'Range 0-9: 206')
    st, h, b = get('/big.bin', {'Range': 'bytes=-10'})
    check(st == 206 and b == big[-10:], 'suffix range')
    st, h, b = get('/big.bin', {'Range': 'bytes=%d-' % (n - 5)})
    check(st == 206 and b == big[-5:] and h['content-length'] == '5', 'open range')
    st, h, b = get('/big.bin', {'Range': 'bytes=100000-150000'})
    check(st == 206 and b == big[100000:150001], 'range across windows')
    st, h, b = get('/big.bin', {'Range': 'bytes=%d-' % n})
    check(st == 416 and h['content-range'] == 'bytes */%d' % n, '416 past the end')
    st, h, b = get('/big.bin', {'Range': 'bytes=0-1,5-6'})
    check(st == 200 and len(b) == n, 'several ranges: 200 with it all')
    st, h, b = get('/big.bin', {'Range': 'bytes=9-2'})
    check(st == 200, 'an invalid range is ignored')
    _, h0, _ = get('/big.bin', method='HEAD')
    st, h, b = get('/big.bin', {'Range': 'bytes=0-3', 'If-Range': h0['etag']})
    check(st == 206, 'If-Range with the ETag: 206')
    st, h, b = get('/big.bin', {'Range': 'bytes=0-3', 'If-Range': '"other"'})
    check(st == 200 and len(b) == n, 'If-Range with another ETag: 200')


def t_conditional():
    _, h, _ = get('/style.css')
    st, h2, b = get('/style.css', {'If-None-Match': h['etag']})
    check(st == 304 and b == b'' and h2['etag'] == h['etag'], 'If-None-Match: 304')
    st, _, _ = get('/style.css', {'If-None-Match': '"x", W/%s' % h['etag']})
    check(st == 304, 'If-None-Match list with a weak match: 304')
    st, _, _ = get('/style.css', {'If-None-Match': '"nope"'})
    check(st == 200, 'If-None-Match other: 200')
    st, _, _ = get('/style.css', {'If-Modified-Since': h['last-modified']})
    check(st == 304, 'If-Modified-Since equal: 304')
    st, _, _ = get('/style.css', {'If-Modified-Since': 'Sunday, 06-Nov-94 08:49:37 GMT'})
    check(st == 200, 'If-Modified-Since older (rfc850 form): 200')
    st, _, _ = get('/style.css', {'If-Modified-Since': 'Fri Dec 31 23:59:59 2100'})
    check(st == 304, 'If-Modified-Since later (asctime form): 304')
    st, _, _ = get('/style.css', {'If-None-Match': '"nope"', 'If-Modified-Since': h['last-modified']})
    check(st == 200, 'If-None-Match wins over If-Modified-Since')


def t_keepalive_pipelining():
    s = conn()
    r = Reader(s)
    for p in ('/', '/style.css', '/nope', '/docs/hello.txt'):
        s.sendall(('GET %s HTTP/1.1\r\nHost: t\r\n\r\n' % p).encode())
        st, h, b = r.response()
        if p == '/nope':
            check(st == 404 and 'connection' not in h, 'keep-alive: a 404 keeps the connection')
    check(st == 200 and b == file('docs/hello.txt'), 'keep-alive: four requests on one connection')
    paths = ['/docs/hello.txt', '/style.css', '/img/logo.svg', '/docs/data.json', '/index.html']
    s.sendall(b''.join(b'GET %s HTTP/1.1\r\nHost: t\r\n\r\n' % p.encode() for p in paths) +
              b'HEAD /big.bin HTTP/1.1\r\nHost: t\r\n\r\n')
    got = [r.response()[2] for _ in paths]
    check(got == [file(p[1:]) for p in paths], 'pipelining: five responses in order')
    st, h, b = r.response(head=True)
    check(st == 200 and b == b'' and h['content-length'] == str(len(file('big.bin'))),
          'pipelined HEAD')
    # a request with a body: the body is skipped, the next request answered
    s.sendall(b'GET /style.css HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello'
              b'GET /docs/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n')
    r.response()
    check(r.response()[2] == file('docs/hello.txt'), 'a body is skipped, the next request served')
    # HTTP/1.0: closes unless asked
    s.sendall(b'GET /style.css HTTP/1.0\r\n\r\n')
    st, h, b = r.response()
    check(st == 200 and h.get('connection') == 'close' and r.closed(), 'HTTP/1.0 closes')
    s.close()
    s = conn()
    r = Reader(s)
    s.sendall(b'GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
    st, h, b = r.response()
    s.sendall(b'GET /style.css HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')
    st2, h2, _ = r.response()
    check(h.get('connection') == 'keep-alive' and st2 == 200 and h2.get('connection') == 'close'
          and r.closed(), 'HTTP/1.0 keep-alive, then Connection: close')
    s.close()


# --- http: limits and hostile clients -------------------------------------------------------
def t_limits():
    cases = [
        ('414 URI too long', b'GET /' + b'a' * (URI_MAX + 10) + b' HTTP/1.1\r\nHost: t\r\n\r\n', 414),
        ('414 URI too long, no line end yet', b'GET /' + b'a' * (URI_MAX + 100), 414),
        ('431 too many fields', b'GET / HTTP/1.1\r\nHost: t\r\n' +
         b''.join(b'X-%d: y\r\n' % i for i in range(HDR_COUNT + 1)) + b'\r\n', 431),
        ('431 head too large', b'GET / HTTP/1.1\r\nHost: t\r\nX: ' + b'y' * HDR_MAX + b'\r\n\r\n', 431),
        ('413 body too large', b'GET / HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n' %
         (BODY_MAX + 1), 413),
        ('400 no Host', b'GET / HTTP/1.1\r\n\r\n', 400),
        ('400 bad field', b'GET / HTTP/1.1\r\nHost: t\r\nBad Field: x\r\n\r\n', 400),
        ('400 folded field', b'GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n', 400),
        ('400 two Content-Lengths', b'GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n'
         b'Content-Length: 2\r\n\r\n', 400),
        ('400 TLS hello', bytes.fromhex('16030100c4010000c00303') + os.urandom(100), 400),
        ('400 NUL in the target', b'GET /\x00 HTTP/1.1\r\nHost: t\r\n\r\n', 400),
        ('405 POST', b'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n', 405),
        ('501 unknown method', b'BREW / HTTP/1.1\r\nHost: t\r\n\r\n', 501),
        ('501 chunked body', b'GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n', 501),
        ('505 HTTP/2.0', b'GET / HTTP/2.0\r\nHost: t\r\n\r\n', 505),
    ]
    for what, data, want in cases:
        st, buf, closed = raw(data)
        check(st == want and closed, '%s (and closed)' % what)
        if want == 405:
            check(b'\r\nAllow: GET, HEAD\r\n' in buf, '405 names Allow')
    rnd = random.Random(7)
    for i in range(5):
        st, buf, closed = raw(bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 3000))))
        check(closed and st in (400, 414, 431, 501), 'binary garbage %d: %s, closed' % (i, st))


def t_timeouts():
    """Slowloris, a silent client and an idle keep-alive, at once; the
    server answers others meanwhile."""
    res = {}

    # Opened one by one: QEMU's hostfwd takes one connect at a time, and a
    # silent client whose connect had to be retried reaches the guest
    # half-closed (see t_connections).
    # Each lower bound is timed from before the host acted (its connect,
    # its request): the server's timer starts after that, so however
    # late a loaded host looks, an early close still shows. Timed from
    # after (a response read late), a loaded host saw 1.4 s of a 2 s
    # idle limit and failed the case.
    socks, started = [], []
    for _ in range(3):
        started.append(time.time())
        socks.append(conn(timeout=15))
        time.sleep(0.1)

    def slowloris():
        s = socks[0]
        t0 = started[0]
        s.sendall(b'GET / HTTP/1.1\r\n')
        got = b''
        try:
            for i in range(40):        # a field every 0.25 s: never done
                s.sendall(b'X-%d: y\r\n' % i)
                s.settimeout(0.25)
                try:
                    d = s.recv(4096)
                    if not d:
                        break
                    got += d
                except (socket.timeout, TimeoutError):
                    pass
        except (BrokenPipeError, ConnectionResetError):
            pass
        res['slow'] = (got, time.time() - t0)
        s.close()

    def silent():
        s = socks[1]
        t0 = started[1]
        r = Reader(s)
        closed = r.closed(10)
        res['silent'] = (r.buf, closed, time.time() - t0)
        s.close()

    def idle():
        s = socks[2]
        r = Reader(s)
        t0 = time.time()
        s.sendall(b'GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n')
        r.response()
        closed = r.closed(10)
        res['idle'] = (r.buf, closed, time.time() - t0)
        s.close()

    th = [threading.Thread(target=f) for f in (slowloris, silent, idle)]
    for t in th:
        t.start()
    served, unanswered = 0, []
    t0 = time.time()
    while any(t.is_alive() for t in th) and time.time() - t0 < 20:
        t1 = time.time()
        try:
            st, _, b = get('/docs/hello.txt')
        except (TimeoutError, socket.timeout, OSError) as e:
            # Seen once in ~4 loaded runs (QEMU 10): a plain GET not
            # answered in 10 s. Still a failure; first say what the
            # guest's interfaces counted, to tell a drop from a stall.
            unanswered.append('%.1fs after the start: %r' % (t1 - t0, e))
            continue
        served += st == 200
        time.sleep(0.2)
    for t in th:
        t.join()
    if unanswered:
        try:
            j = json.loads(get('/_status.json')[2])
            log('# interfaces: ' + json.dumps(j.get('interfaces'), sort_keys=True))
            log('# httpd: ' + json.dumps(j.get('httpd'), sort_keys=True))
        except Exception as e:      # the diagnosis must not hide the failure
            log('# no status after the stall: %r' % e)
    check(not unanswered, 'every request answered while the slow clients ran (unanswered: %s)'
          % unanswered)
    got, dt = res['slow']
    check(got.startswith(b'HTTP/1.1 408 ') and HDR_S - 0.25 <= dt <= HDR_S + 4,
          'slowloris: 408 after %.1fs (limit %ds)' % (dt, HDR_S))
    buf, closed, dt = res['silent']
    check(buf.startswith(b'HTTP/1.1 408 ') and closed and IDLE_S - 0.25 <= dt <= IDLE_S + 4,
          'silent new connection: 408 and closed after %.1fs' % dt)
    buf, closed, dt = res['idle']
    check(buf == b'' and closed and IDLE_S - 0.25 <= dt <= IDLE_S + 4,
          'idle keep-alive: closed without a word after %.1fs' % dt)
    check(served >= 5, 'others served meanwhile (%d requests)' % served)


def quiet(limit=10):
    """Wait until the server has no connection open but the one asking."""
    t0 = time.time()
    while time.time() - t0 < limit:
        st, _, b = get('/_status.json')
        if st == 200 and json.loads(b)['httpd']['active'] <= 1:
            time.sleep(0.5)    # the asking connection's own close
            return
        time.sleep(0.3)
    fail('connections still open after %ds' % limit)


def t_connections():
    """max_conns connections kept busy, then more: the extra ones get 503
    at once; the server serves again once the crowd is gone. QEMU's
    hostfwd listens with a backlog of 1: each kept connection is opened,
    and served once, before the next connects, each in a thread of its
    own, and every kept one asks for a file twice a second so that it
    never idles out (idle_ms) while the others are still connecting. The
    crowd asks for a page at once: QEMU 7.2's user net hands a host
    connection accepted after a SYN retransmission to the guest already
    half-closed when its client stays silent (the guest reads EOF and
    closes, the client never hears of it), seen with 40 silent clients."""
    quiet()
    stop = threading.Event()
    lock = threading.Lock()
    kept_ok, kept_bad, extra = [], [], []

    def keeper(served):
        try:
            s = conn(timeout=30)
        except OSError as e:
            with lock:
                kept_bad.append('connect: %r' % e)
            served.set()
            return
        r = Reader(s)
        first = True
        try:
            while first or not stop.wait(0.5):
                s.sendall(b'GET /docs/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n')
                st, _, _ = r.response()
                if first:
                    with lock:
                        (kept_ok if st == 200 else kept_bad).append(st)
                    first = False
                    served.set()
                if st != 200:
                    break
        except (OSError, EOFError, ValueError) as e:
            with lock:
                kept_bad.append(repr(e))
        served.set()
        s.close()

    def crowd(connected):
        t0 = time.time()
        try:
            s = conn(timeout=30)
        except OSError as e:
            with lock:
                extra.append('connect: %r' % e)
            connected.set()
            return
        connected.set()
        r = Reader(s)
        try:
            s.sendall(b'GET / HTTP/1.1\r\nHost: t\r\n\r\n')
        except OSError:
            pass     # refused before the request went out: the 503 is still there
        closed = r.closed(10)
        with lock:
            ok = closed and r.buf.startswith(b'HTTP/1.1 503 ')
            extra.append(True if ok else '%r closed %s after %.1fs' % (r.buf[:20], closed,
                                                                      time.time() - t0))
        s.close()

    # One at a time: each keeper is connected and served before the next
    # connects, so hostfwd's backlog of 1 never overflows. Opened all at
    # once, the connects that overflow it wait out the host's SYN
    # retransmission backoff (1, 3, 7, 15, 31 s), and on a loaded host
    # one of twelve took longer than the 30 s allowed (a fresh-clone run).
    keepers = []
    t0 = time.time()
    for _ in range(MAX_CONNS):
        served = threading.Event()
        keepers.append(threading.Thread(target=keeper, args=(served,)))
        keepers[-1].start()
        if not served.wait(max(0.0, 30 - (time.time() - t0))):
            break
    check(len(kept_ok) == MAX_CONNS, '%d connections open and served (%.1fs; others: %s)' %
          (len(kept_ok), time.time() - t0, kept_bad))
    # The crowd connects one after another too (each once hostfwd has
    # accepted the one before, for its backlog of 1), and all are then
    # refused side by side.
    t0 = time.time()
    crowds = []
    for _ in range(20):
        connected = threading.Event()
        crowds.append(threading.Thread(target=crowd, args=(connected,)))
        crowds[-1].start()
        connected.wait(30)
    for t in crowds:
        t.join()
    still = sum(t.is_alive() for t in keepers)
    stop.set()
    for t in keepers:
        t.join()
    # The kept ones first: one that lost its connection (a host too
    # starved to ask within idle_ms) frees a slot, and a crowd member is
    # then served: that failure must name its cause.
    check(still == MAX_CONNS and not kept_bad, 'the %d kept connections were served throughout'
          ' (%d alive; lost: %s)' % (MAX_CONNS, still, kept_bad))
    check(extra.count(True) == 20, '%d of 20 connections over the limit got 503 and a close '
          '(%.1fs; others: %s)' % (extra.count(True), time.time() - t0,
                                   [x for x in extra if x is not True]))
    t0 = time.time()
    while time.time() - t0 < 10:
        st, _, _ = get('/')
        if st == 200:
            break
        time.sleep(0.3)
    check(st == 200, 'served again %.1fs after the crowd left' % (time.time() - t0))


def t_health():
    st, _, b = get('/_status.json')
    j = json.loads(b)
    h = j['httpd']
    log('# httpd counters: ' + json.dumps(h, sort_keys=True))
    log('# memory: ' + json.dumps(j['memory'], sort_keys=True))
    check(h['status_408'] >= 2 and h['status_503'] >= 20 and h['status_414'] >= 2 and
          h['status_206'] >= 4 and h['status_304'] >= 3, 'the counters saw it all')
    check(h['active'] <= 2, 'connections closed (%d open)' % h['active'])
    console = open(os.path.join(T, 'console.log'), errors='replace').read()
    check('max_conns=12 (fw_cfg)' in console and 'idle_ms=2000 (command line)' in console,
          'settings: command line over fw_cfg over default, logged')
    check(not re.search(r'panic|PANIC|page fault|bad free', console), 'no panic on the console')


# --- status ---------------------------------------------------------------------------------
def t_status_json(arch='x86_64'):
    st, h, b = get('/_status.json')
    check(st == 200 and h['content-type'] == 'application/json', '/_status.json: 200 JSON')
    j = json.loads(b)
    s = j['system']
    check(s['hypervisor'] and s['boot'] in ('multiboot1', 'pvh', 'linux-arm64', 'multiboot2'),
          'hypervisor %r, boot path %r' % (s['hypervisor'], s['boot']))
    check(s['cpu'] and s['uptime_ms'] > 0, 'CPU %r, uptime %d ms' % (s['cpu'], s['uptime_ms']))
    m = j['memory']
    check(0 < m['heap_in_use'] <= m['used_bytes'] <= m['ram_bytes'], 'memory figures')
    drivers = {(v['driver'], v['transport']) for v in j['virtio']}
    # Files from the initrd: no disk at all.
    initrd = j['httpd']['disk'] == 'initrd'
    check(any(d == 'virtio-net' for d, _ in drivers) and
          (initrd or any(d == 'virtio-blk' for d, _ in drivers)),
          'virtio devices: %s' % sorted(drivers))
    check(all(v['queues'] and all(q['size'] > 0 for q in v['queues']) for v in j['virtio']),
          'virtio queues with counters')
    check(initrd or any(d['name'] == 'vda' and d['bytes'] > 0 for d in j['disks']), 'disks')
    check(j['httpd']['files'] > 0 and j['httpd']['file_bytes'] > 0,
          'files from %s: %d' % (j['httpd']['disk'], j['httpd']['files']))
    nic = [n for n in j['nics'] if n['name'] == 'vioif0'][0]
    check(nic['rx_packets'] > 0 and nic['tx_bytes'] > 0, 'NIC counters')
    ifs = {i['name']: i for i in j['interfaces']}
    check(ifs['vioif0']['ipv4'] == '10.0.2.15' and ifs['vioif0']['rx_bytes'] > 0 and 'lo0' in ifs,
          'interfaces with addresses and traffic')
    check(j['httpd']['requests'] >= 1 and j['httpd']['port'] == 80, 'the server\'s counters')
    return j


def t_status_browser():
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    if not chromium:
        log('# SKIP browser check: chromium is not installed (tools/deps.sh installs it)')
        return
    url = 'http://%s:%d/_status' % (HOST, PORT)
    prof = os.path.join(T, 'chromium-profile')
    shot = os.path.join(T, 'status.png')
    base = [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
            '--disable-extensions', '--user-data-dir=' + prof, '--enable-logging=stderr', '--v=0',
            '--window-size=1280,1800', '--virtual-time-budget=3000']
    r = subprocess.run(base + ['--dump-dom', url], capture_output=True, text=True, timeout=60)
    dom = r.stdout
    console = [l for l in r.stderr.splitlines() if 'CONSOLE' in l]
    open(os.path.join(T, 'chromium.log'), 'w').write(r.stderr)
    check('Appliance status' in dom, 'chromium loads /_status')
    check(not console, 'no console messages (%s)' % '; '.join(console)[:300])
    figures = ['data-key="uptime_ms">', 'data-key="heap_in_use">', 'data-key="requests">',
               'virtio-net', 'virtio-blk', '10.0.2.15']
    check(all(f in dom for f in figures) and re.search(r'data-key="uptime_ms">\d+<', dom),
          'the page shows the figures')
    r = subprocess.run(base + ['--screenshot=' + shot, url], capture_output=True, text=True,
                       timeout=60)
    check(os.path.exists(shot) and os.path.getsize(shot) > 10000, 'screenshot %s' % shot)
    dst = os.path.join(ROOT, 'build', 'httpd-status.png')
    shutil.copy(shot, dst)
    log('# screenshot: %s' % dst)


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'http'
    wait_ready()
    if mode == 'http':
        t_basics()
        t_curl()
        t_ranges()
        t_conditional()
        t_keepalive_pipelining()
        t_limits()
        t_timeouts()
        t_connections()
        t_health()
    elif mode == 'status':
        t_status_json()
        t_status_browser()
        st, h, b = get('/_status')
        check(st == 200 and b.count(b'<table') >= 5, '/_status: HTML with its tables')
    elif mode == 'quick':
        st, _, b = get('/docs/hello.txt')
        check(st == 200 and b == file('docs/hello.txt'), 'GET a file')
        st, h, b = get('/big.bin', {'Range': 'bytes=100-199'})
        check(st == 206 and b == file('big.bin')[100:200], 'a range')
        t_status_json()
    log('# all passed')


if __name__ == '__main__':
    main()
