#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The host side of the network cases (tests/cases/net_*.cases).

tests/run calls it as wrap=tests/hooks/netwrap.py,MODE[,ARG]: it gets
QEMU's whole command after MODE, runs QEMU (its console goes where the
runner put it) and, beside it, what MODE needs:

  echo             send 64 MiB through QEMU's hostfwd to the guest's echo
                   service (ntest.echo) and check the SHA-256 of the echo
  flood,N          N connection attempts at once through hostfwd, beyond
                   the guest's listen backlog, then one ordinary echo
  link             a stream through hostfwd while QMP's set_link takes the
                   link down and up (the guest says when it saw each)
  dns              (namespace) Debian's dnsmasq on 127.0.0.1:53 of the
                   namespace, which QEMU's user network reaches as 10.0.2.2
  l2               (namespace) a second guest, the same command with the
                   MAC ending in 57 and the socket netdev's other end
  tap              (namespace) a tap device 10.9.0.2/24, fd00:9::2/64: the
                   host pings the guest, both families, and streams to its
                   echo service
  bridge           (namespace) a Linux bridge br0 at 10.9.0.2/24 over tap0
                   and tap1 (tools/bridge.sh) with an echo service on
                   10.9.0.2:7; a second guest as in l2, on tap1; the host
                   pings both guests
  bridge3          (namespace) this guest bridges its two socket netdevs
                   (listening on 127.0.0.1:5555 and :5556); once it says
                   "netif: bridge up", a guest connects to each (MAC
                   ...:56 and ...:57, test=netif_l2), and when both have
                   ended, QMP takes n0's link down: this guest's cue
  tapecho          (namespace) tap0 at 10.9.0.2/24 with a TCP echo service
                   on 10.9.0.2:7 for the guest's connections (ntest.cycle)
  tapraw,N         (namespace) taps tap0..tap(N-1) (tools/tap.sh), tapK at
                   10.9.K.2/24: on each, raw frames through AF_PACKET (an
                   ARP request and ICMP echoes to 10.9.K.1 from an address
                   the host does not have) must be answered on that tap
                   only, by vioifK's MAC; what the guest sends is kept in
                   $T/tapK.pcap
  bad              (namespace) QEMU's socket netdev connects to us: we send
                   runt and oversize frames, then ARP and echo
                   requests at the MTU that must be answered

Namespaces are made with unshare(1) and need root; without it the case
skips ($T/skip). In a namespace QEMU and every helper see only its own
loopback: nothing leaves the machine, and fixed ports cannot collide with
anything else running. Every wait has a bound. The verdict of the host side
goes into $T/netwrap.verdict, which `post=tests/hooks/netwrap.py,verdict`
checks; its log is $T/netwrap.log. The wrapper exits with QEMU's status.
"""
import hashlib, os, random, re, shutil, socket, struct, subprocess
import sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from qmp import QMP, QMPError  # noqa: E402  (tests/qmp.py)

T = os.environ.get('T', '.')
NS_MODES = ('dns', 'l2', 'bridge', 'bridge3', 'tap', 'tapecho', 'tapraw', 'bad')
MIB = 1 << 20


def log(*a):
    with open(os.path.join(T, 'netwrap.log'), 'a') as f:
        print('%.3f' % time.monotonic(), *a, file=f)


class Fail(Exception):
    pass


class Console:
    """The guest's console log as it grows."""

    def __init__(self, path):
        self.path, self.pos = path, 0

    def wait(self, regex, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                text = open(self.path, 'rb').read().decode('utf-8', 'replace')
            except OSError:
                text = ''
            m = re.compile(regex, re.M).search(text, self.pos)
            if m:
                self.pos = m.end()
                return m
            time.sleep(0.05)
        raise Fail('no /%s/ on the console in %gs' % (regex, timeout))


class Qmp(QMP):
    """tests/qmp.py's client, its errors as this hook's failures."""

    def __init__(self, path, timeout=30):
        try:
            super().__init__(path, timeout)
        except (OSError, TimeoutError, RuntimeError) as e:
            raise Fail('QMP at %s: %s' % (path, e))

    def cmd(self, _cmd, **args):
        try:
            return super().cmd(_cmd, **args)
        except (QMPError, OSError, TimeoutError) as e:
            raise Fail('QMP %s' % e)

    def hostfwd_port(self, guest_port):
        """The host port of hostfwd=tcp:127.0.0.1:0-:guest_port."""
        text = self.cmd('human-monitor-command', **{'command-line': 'info usernet'})
        for line in text.splitlines():
            w = line.split()
            if 'HOST_FORWARD' in line and len(w) >= 6 and w[5] == str(guest_port):
                return int(w[3])
        raise Fail('no hostfwd to port %d in: %s' % (guest_port, text))


def qmp_path(qemu):
    for a in qemu:
        m = re.match(r'unix:([^,]+)', a)
        if m and a.endswith('server=on,wait=off'):
            return m.group(1)
    raise Fail('no -qmp unix:PATH,server=on,wait=off in the QEMU command')


def stream(host, port, total, chunk=256 * 1024, during=None):
    """Send total pseudo-random bytes to an echo service and compare the
    SHA-256 of what comes back. during(sent) runs in the sender between
    chunks (the link case flips the link there)."""
    rnd = random.Random(total ^ port)
    s = socket.create_connection((host, port), timeout=30)
    sent_hash, got_hash, got = hashlib.sha256(), hashlib.sha256(), [0]
    err = []

    def rx():
        try:
            while True:
                b = s.recv(1 << 16)
                if not b:
                    return
                got_hash.update(b)
                got[0] += len(b)
        except OSError as e:
            err.append(e)
    t = threading.Thread(target=rx)
    t.start()
    t0 = time.monotonic()
    sent = 0
    try:
        while sent < total:
            b = rnd.randbytes(min(chunk, total - sent))
            s.sendall(b)
            sent_hash.update(b)
            sent += len(b)
            if during:
                during(sent)
        s.shutdown(socket.SHUT_WR)
    except OSError as e:
        err.append(e)
    t.join(60)
    s.close()
    dt = time.monotonic() - t0
    log('stream %s:%d %d bytes sent, %d back in %.2fs' % (host, port, sent, got[0], dt))
    if err or t.is_alive():
        raise Fail('stream to %s:%d: %s' % (host, port, err[0] if err else 'no end of echo'))
    if got[0] != total or got_hash.digest() != sent_hash.digest():
        raise Fail('echo of %d bytes: %d came back, SHA-256 %s' % (
            total, got[0], 'differs' if got[0] == total else 'not compared'))
    return dt


def quit_echo(host, port):
    """The echo service's stop word: a connection of just 'QUIT\\n'."""
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(b'QUIT\n')
    s.shutdown(socket.SHUT_WR)
    while s.recv(64):
        pass
    s.close()


# --- modes: each runs beside QEMU, raises Fail ------------------------------------
def mode_echo(ctx):
    qmp = Qmp(qmp_path(ctx.qemu))
    port = qmp.hostfwd_port(7)
    ctx.con.wait(r'^netif: echo ready on port 7', 60)
    dt = stream('127.0.0.1', port, 64 * MIB)
    log('64 MiB echoed through hostfwd in %.2fs' % dt)
    quit_echo('127.0.0.1', port)


def mode_flood(ctx):
    n = int(ctx.args[0]) if ctx.args else 64
    qmp = Qmp(qmp_path(ctx.qemu))
    port = qmp.hostfwd_port(7)
    ctx.con.wait(r'^netif: echo ready on port 7', 60)
    socks, ok = [], 0
    for i in range(n):
        socks.append(socket.create_connection(('127.0.0.1', port), timeout=10))
    # QEMU accepts every one on the host side; the guest's backlog holds a
    # few, its stack drops the other SYNs, QEMU's TCP retries them. Each
    # says its line and ends, then every echo is read: the guest serves
    # them one at a time, in its own order.
    end = time.monotonic() + 30
    for i, s in enumerate(socks):
        try:
            s.settimeout(max(0.1, end - time.monotonic()))
            s.sendall(b'flood %d\n' % i)
            s.shutdown(socket.SHUT_WR)
        except OSError as e:
            log('flood connection %d: %s' % (i, e))
    for i, s in enumerate(socks):
        try:
            s.settimeout(max(0.1, end - time.monotonic()))
            back = b''
            while True:
                b = s.recv(64)
                if not b:
                    break
                back += b
            ok += back == b'flood %d\n' % i
            log('flood connection %d echoed' % i)
        except OSError as e:
            log('flood connection %d: %s' % (i, e))
        s.close()
    log('flood: %d of %d connections echoed' % (ok, n))
    if ok != n:
        raise Fail('flood: %d of %d connections served' % (ok, n))
    stream('127.0.0.1', port, MIB)
    quit_echo('127.0.0.1', port)


def mode_link(ctx):
    qmp = Qmp(qmp_path(ctx.qemu))
    port = qmp.hostfwd_port(7)
    ctx.con.wait(r'^netif: echo ready on port 7', 60)
    state = {'done': False}

    def flip(sent):
        if state['done'] or sent < 2 * MIB:
            return
        state['done'] = True
        qmp.cmd('set_link', name='n0', up=False)
        log('link down')
        ctx.con.wait(r'^netif: link down seen', 10)
        time.sleep(0.5)       # frames sent now are lost, TCP resends them
        qmp.cmd('set_link', name='n0', up=True)
        log('link up')
        ctx.con.wait(r'^netif: link up seen', 10)
    stream('127.0.0.1', port, 8 * MIB, chunk=64 * 1024, during=flip)
    if not state['done']:
        raise Fail('the link never went down')
    quit_echo('127.0.0.1', port)


DNSMASQ = ['dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv',
           '--no-hosts', '--no-poll', '--bind-interfaces', '--listen-address=127.0.0.1',
           '--port=53', '--user=root', '--group=root', '--pid-file',
           '--host-record=unikernel.test,10.0.9.1,fd00:9::1', '--log-queries']


def mode_dns(ctx):
    exe = shutil.which('dnsmasq') or '/usr/sbin/dnsmasq'
    if not os.access(exe, os.X_OK):
        raise Fail('no dnsmasq (make deps installs dnsmasq-base)')
    logf = open(os.path.join(T, 'dnsmasq.log'), 'w')
    ctx.procs.append(subprocess.Popen([exe] + DNSMASQ[1:] + ['--log-facility=-'],
                                      stdout=logf, stderr=logf))
    wait_port('udp', 53)


def wait_port(proto, port, timeout=10):
    """Until something listens on port in this namespace (/proc/net)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for f in ('/proc/net/%s' % proto, '/proc/net/%s6' % proto):
            for line in open(f).readlines()[1:]:
                w = line.split()
                # tcp: state 0A is LISTEN; udp: bound is enough
                if int(w[1].split(':')[1], 16) == port and (proto == 'udp' or w[3] == '0A'):
                    return
        time.sleep(0.05)
    raise Fail('nothing listens on %s port %d' % (proto, port))


def peer_command(qemu, peerlog):
    """The second guest: the same command, MAC ...:57, the socket netdev's
    other end, its console in peerlog, no QMP."""
    out, i = [], 0
    while i < len(qemu):
        a = qemu[i]
        if a == '-serial':
            out += ['-serial', 'file:' + peerlog]
            i += 2
            continue
        if a == '-qmp':
            i += 2
            continue
        if a.startswith('socket,') and ('connect=' in a or 'listen=' in a):
            a = a.replace('connect=', '\0').replace('listen=', 'connect=').replace('\0', 'listen=')
        elif a.startswith('socket,') and 'udp=' in a:
            m = re.search(r'udp=([^,]+),localaddr=([^,]+)', a)
            a = a.replace(m.group(0), 'udp=%s,localaddr=%s' % (m.group(2), m.group(1)))
        elif a.startswith('tap,'):
            a = a.replace('ifname=tap0', 'ifname=tap1')
        if a.startswith('virtio-net') or ',netdev=' in a:
            a = re.sub(r',mac=[^,]*', '', a) + ',mac=52:54:00:12:34:57'
        out.append(a)
        i += 1
    return out


def guest_code(status, logpath):
    """The guest's verdict as tests/run reads it: 0 passed."""
    if status % 2 == 1 and status != 1 or status == 1:
        return status >> 1
    try:
        m = re.findall(r'^exit: status (\d+)', open(logpath, errors='replace').read(), re.M)
    except OSError:
        m = []
    return int(m[-1]) if m else None


def mode_l2(ctx):
    """Start the second guest; the listening end first."""
    peer = peer_command(ctx.qemu, os.path.join(T, 'peer.log'))
    ctx.peer = subprocess.Popen(peer, stdin=subprocess.DEVNULL,
                                stdout=open(os.path.join(T, 'peer.out'), 'w'),
                                stderr=subprocess.STDOUT)
    m = re.search(r'listen=127\.0\.0\.1:(\d+)', ' '.join(peer))
    if m:
        wait_port('tcp', int(m.group(1)))


def l2_verdict(ctx):
    try:
        status = ctx.peer.wait(timeout=30)
    except subprocess.TimeoutExpired:
        ctx.peer.kill()
        raise Fail('the second guest did not end')
    code = guest_code(status, os.path.join(T, 'peer.log'))
    if code != 0:
        raise Fail('the second guest failed: exit status %s (peer.log)' % status)


def sh(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


def tool(name):
    return os.path.join(os.environ.get('ROOT', '.'), 'tools', name)


def mode_tap(ctx):
    sh(tool('tap.sh'), 'add', 'tap0', '10.9.0.2/24', 'fd00:9::2/64')


def echo_server(addr, port):
    """A TCP echo service on addr:port, a thread per connection, for the
    life of the wrapper; a connection the guest aborts just ends."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(16)

    def serve(c):
        c.settimeout(30)
        try:
            while True:
                b = c.recv(65536)
                if not b:
                    break
                c.sendall(b)
        except OSError:
            pass
        c.close()

    def accept():
        while True:
            c, _ = ls.accept()
            threading.Thread(target=serve, args=(c,), daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()


def mode_bridge(ctx):
    sh(tool('bridge.sh'), 'add', 'br0', '--addr', '10.9.0.2/24', 'tap0', 'tap1')
    echo_server('10.9.0.2', 7)
    mode_l2(ctx)


def bridge_drive(ctx):
    """The host reaches both guests through the bridge (they may still
    be booting: ask for a while)."""
    for a in ('10.9.0.86', '10.9.0.87'):
        n, end = 0, time.monotonic() + 40
        while n == 0 and time.monotonic() < end:
            n = icmp_ping(a, count=1, timeout=1)
        log('ping %s through br0: %s' % (a, 'answered' if n else 'no answer'))
        if not n:
            raise Fail('no answer from %s through the bridge' % a)


def side_command(qemu, port, last, logpath):
    """A guest on one side of the bridging guest: its machine, one NIC of
    the same model connecting to port, test=netif_l2."""
    out, i, model = [], 0, None
    while i < len(qemu):
        a = qemu[i]
        nxt = qemu[i + 1] if i + 1 < len(qemu) else ''
        if a in ('-qmp', '-netdev', '-append') or (a == '-device' and nxt.startswith('virtio-net')):
            if a == '-device':
                model = nxt.split(',')[0]
            i += 2
            continue
        if a == '-serial':
            out += ['-serial', 'file:' + logpath]
            i += 2
            continue
        out.append(a)
        i += 1
    return out + ['-netdev', 'socket,id=n0,connect=127.0.0.1:%d' % port,
                  '-device', '%s,netdev=n0,mac=52:54:00:12:34:%s' % (model, last),
                  '-append', 'test=netif_l2 ntest.l2=2']


def bridge3_drive(ctx):
    ctx.con.wait(r'^netif: bridge up', 60)
    qmp = Qmp(qmp_path(ctx.qemu))
    sides, errors = [], []
    for port, last, name in ((5555, '56', 'side_a'), (5556, '57', 'side_b')):
        logpath = os.path.join(T, name + '.log')
        cmd = side_command(ctx.qemu, port, last, logpath)
        sides.append((name, logpath, subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=open(os.path.join(T, name + '.out'), 'w'),
            stderr=subprocess.STDOUT)))
    ctx.procs += [p for _, _, p in sides]
    end = time.monotonic() + 50
    for name, logpath, p in sides:
        try:
            status = p.wait(timeout=max(1, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            errors.append('%s did not end' % name)
            continue
        code = guest_code(status, logpath)
        log('%s: exit status %s, guest code %s' % (name, status, code))
        if code != 0:
            errors.append('%s failed: exit status %s (%s.log)' % (name, status, name))
    qmp.cmd('set_link', name='n0', up=False)
    log('n0 link down')
    if errors:
        raise Fail('; '.join(errors))


def mode_tapecho(ctx):
    sh(tool('tap.sh'), 'add', 'tap0', '10.9.0.2/24')
    echo_server('10.9.0.2', 7)


def mode_tapraw(ctx):
    ctx.ntaps = int(ctx.args[0]) if ctx.args else 1
    for k in range(ctx.ntaps):
        sh(tool('tap.sh'), 'add', 'tap%d' % k, '10.9.%d.2/24' % k)


class Pcap:
    """Frames into a pcap file (LINKTYPE_ETHERNET), for a person to read."""

    def __init__(self, path):
        self.f = open(path, 'wb')
        self.f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))

    def add(self, frame):
        t = time.time()
        self.f.write(struct.pack('<IIII', int(t), int(t % 1 * 1e6), len(frame), len(frame)))
        self.f.write(frame)
        self.f.flush()


ETH_P_ALL, PACKET_OUTGOING = 3, 4


def raw_tap(k, peers):
    """tapK: an ARP request and three ICMP echoes to 10.9.K.1 from
    10.9.K.3 (a MAC and address of no host interface), as raw frames; the
    answers must come from one MAC, the guest's vioifK. @return its MAC."""
    me_mac, me_ip = bytes.fromhex('525400aa00%02x' % k), bytes([10, 9, k, 3])
    guest_ip = bytes([10, 9, k, 1])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind(('tap%d' % k, 0))
    s.settimeout(0.2)
    pcap = Pcap(os.path.join(T, 'tap%d.pcap' % k))
    arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, me_mac, me_ip, b'\0' * 6, guest_ip)
    guest_mac, replies, seqs = None, set(), 3
    end = time.monotonic() + 20
    next_arp = 0
    while time.monotonic() < end and len(replies) < seqs:
        if not guest_mac and time.monotonic() >= next_arp:
            s.send(b'\xff' * 6 + me_mac + b'\x08\x06' + arp)
            next_arp = time.monotonic() + 1
        try:
            f, addr = s.recvfrom(65536)
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING:
            continue
        pcap.add(f)
        et = f[12:14]
        if f[6:12] in peers and peers[f[6:12]] != k:
            raise Fail('tap%d: a frame from vioif%d\'s MAC %s' % (k, peers[f[6:12]], f[6:12].hex()))
        if et == b'\x08\x06' and f[20:22] == b'\x00\x02' and f[28:32] == guest_ip and f[38:42] == me_ip:
            if not guest_mac:
                guest_mac = f[22:28]
                log('tap%d: ARP reply, guest MAC %s' % (k, guest_mac.hex()))
                for seq in range(seqs):
                    icmp = struct.pack('!BBHHH', 8, 0, 0, 0x4b00 + k, seq) + bytes(range(56))
                    icmp = icmp[:2] + struct.pack('!H', inet_sum(icmp)) + icmp[4:]
                    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(icmp), seq, 0, 64, 1, 0,
                                     me_ip, guest_ip)
                    ip = ip[:10] + struct.pack('!H', inet_sum(ip)) + ip[12:]
                    s.send(guest_mac + me_mac + b'\x08\x00' + ip + icmp)
        elif et == b'\x08\x06' and f[20:22] == b'\x00\x01' and f[38:42] == me_ip:
            rep = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 2, me_mac, me_ip, f[22:28], f[28:32])
            s.send(f[6:12] + me_mac + b'\x08\x06' + rep)
        elif (et == b'\x08\x00' and f[23] == 1 and f[34] == 0 and f[26:30] == guest_ip and
              f[0:6] == me_mac and struct.unpack('!H', f[38:40])[0] == 0x4b00 + k):
            if f[6:12] != guest_mac:
                raise Fail('tap%d: echo reply from %s, not %s' % (k, f[6:12].hex(), guest_mac.hex()))
            replies.add(struct.unpack('!H', f[40:42])[0])
    s.close()
    log('tap%d: %d of %d echo replies' % (k, len(replies), seqs))
    if not guest_mac:
        raise Fail('tap%d: no ARP reply from 10.9.%d.1' % (k, k))
    if len(replies) != seqs:
        raise Fail('tap%d: %d of %d echo replies' % (k, len(replies), seqs))
    return guest_mac


def tapraw_drive(ctx):
    ctx.con.wait(r'^netif: echo ready on port 7', 60)
    peers = {}
    for k in range(ctx.ntaps):
        mac = raw_tap(k, peers)
        if mac in peers:
            raise Fail('tap%d and tap%d answered with one MAC' % (peers[mac], k))
        peers[mac] = k
    quit_echo('10.9.0.1', 7)


def icmp_ping(addr, count=3, timeout=5):
    """Echo requests from the host's own stack; @return replies."""
    v6 = ':' in addr
    s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW,
                      socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
    s.settimeout(timeout)
    ident, got = os.getpid() & 0xffff, 0
    for seq in range(count):
        payload = bytes(range(56))
        hdr = struct.pack('!BBHHH', 128 if v6 else 8, 0, 0, ident, seq)
        if not v6:
            hdr = struct.pack('!BBHHH', 8, 0, inet_sum(hdr + payload), ident, seq)
        s.sendto(hdr + payload, (addr, 0))
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                b = s.recv(2048)
            except socket.timeout:
                break
            icmp = b if v6 else b[(b[0] & 15) * 4:]
            if icmp[0] == (129 if v6 else 0) and struct.unpack('!HH', icmp[4:8]) == (ident, seq):
                got += 1
                break
        time.sleep(0.1)
    s.close()
    return got


def inet_sum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tap_drive(ctx):
    ctx.con.wait(r'^netif: echo ready on port 7', 60)
    for a in ('10.9.0.1', 'fd00:9::1'):
        n = icmp_ping(a)
        log('ping %s: %d of 3' % (a, n))
        if n != 3:
            raise Fail('ping %s from the host: %d of 3 replies' % (a, n))
    stream('10.9.0.1', 7, 16 * MIB)
    stream('fd00:9::1', 7, 4 * MIB)
    quit_echo('10.9.0.1', 7)


# --- bad: raw frames through QEMU's socket netdev -----------------------------------
GUEST_IP, HOST_IP = bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2])
HOST_MAC = bytes.fromhex('525400aabbcc')


def bad_listen(ctx):
    m = re.search(r'connect=127\.0\.0\.1:(\d+)', ' '.join(ctx.qemu))
    if not m:
        raise Fail('bad: no -netdev socket,connect=127.0.0.1:PORT')
    ctx.lsock = socket.socket()
    ctx.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ctx.lsock.bind(('127.0.0.1', int(m.group(1))))
    ctx.lsock.listen(1)
    ctx.lsock.settimeout(30)


def bad_drive(ctx):
    c, _ = ctx.lsock.accept()
    c.settimeout(10)
    ctx.con.wait(r'^netif: ready for bad frames', 60)

    def send(frame):
        c.sendall(struct.pack('!I', len(frame)) + frame)
    bcast, junk = b'\xff' * 6, bytes(range(256)) * 40
    # Runt frames (shorter than an Ethernet header), then frames past the
    # MTU (1500 + 18 is the most the driver takes), broadcast so QEMU's
    # filter lets them through. No empty frame: QEMU's socket netdev stops
    # reading its stream after an empty record (it waits for a completion
    # that never comes), so it cannot carry one; the driver's handling of
    # a buffer holding just the virtio-net header is host-tested (vnet).
    for n in (1, 6, 13):
        send(bcast[:n] if n <= 6 else bcast + HOST_MAC[:n - 6])
    for n in (1519, 2000, 4000, 9014):
        send(bcast + HOST_MAC + b'\x08\x00' + junk[:n - 14])
    # ARP: who has 10.9.0.1?
    arp = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, HOST_MAC, HOST_IP, b'\0' * 6, GUEST_IP)
    send(bcast + HOST_MAC + b'\x08\x06' + arp)
    guest_mac = None
    replies = 0
    end = time.monotonic() + 20
    buf = b''
    sent_echo = False
    while time.monotonic() < end and replies < 2:
        try:
            b = c.recv(65536)
        except socket.timeout:
            continue
        if not b:
            break
        buf += b
        while len(buf) >= 4 and len(buf) >= 4 + struct.unpack('!I', buf[:4])[0]:
            n = struct.unpack('!I', buf[:4])[0]
            f, buf = buf[4:4 + n], buf[4 + n:]
            et = f[12:14]
            if et == b'\x08\x06' and f[20:22] == b'\x00\x02' and f[28:32] == GUEST_IP:
                guest_mac = f[22:28]
            elif et == b'\x08\x06' and f[20:22] == b'\x00\x01' and f[38:42] == HOST_IP:
                # The guest asks for us (to answer): tell it.
                rep = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 2, HOST_MAC, HOST_IP,
                                  f[22:28], f[28:32])
                send(f[6:12] + HOST_MAC + b'\x08\x06' + rep)
            elif et == b'\x08\x00' and f[23] == 1 and f[34] == 0 and f[26:30] == GUEST_IP:
                replies += 1
                log('echo reply of %d bytes' % len(f))
        if guest_mac and not sent_echo:
            sent_echo = True
            # Two echo requests of exactly the MTU (1500 bytes of IP).
            for seq in range(2):
                icmp = struct.pack('!BBHHH', 8, 0, 0, 0x77, seq) + junk[:1500 - 28]
                icmp = icmp[:2] + struct.pack('!H', inet_sum(icmp)) + icmp[4:]
                ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 1500, seq, 0, 64, 1, 0, HOST_IP, GUEST_IP)
                ip = ip[:10] + struct.pack('!H', inet_sum(ip)) + ip[12:]
                send(guest_mac + HOST_MAC + b'\x08\x00' + ip + icmp)
    log('bad: guest MAC %s, %d echo replies' % (guest_mac and guest_mac.hex(), replies))
    ctx.bad_conn = c   # QEMU keeps the connection until it exits
    if not guest_mac:
        raise Fail('no ARP reply after the bad frames')
    if replies != 2:
        raise Fail('%d of 2 echo replies at the MTU' % replies)


# --- the frame --------------------------------------------------------------------
class Ctx:
    def __init__(self, mode, args, qemu):
        self.mode, self.args, self.qemu = mode, args, qemu
        self.con = Console(os.path.join(T, 'console.log'))
        self.procs, self.peer, self.lsock = [], None, None


def verdict():
    try:
        v = open(os.path.join(T, 'netwrap.verdict')).read().strip()
    except OSError:
        v = 'no verdict (the wrapper did not finish)'
    if v != 'ok':
        print(v)
        return 1
    return 0


def main():
    if sys.argv[1] == 'verdict':
        return verdict()
    mode, args = sys.argv[1], []
    qemu = sys.argv[2:]
    while qemu and not qemu[0].startswith('/') and not qemu[0].startswith('qemu-system'):
        args.append(qemu.pop(0))
    if mode in NS_MODES and os.environ.get('NETWRAP_NS') != '1':
        if os.geteuid() != 0 or not shutil.which('unshare'):
            open(os.path.join(T, 'skip'), 'w').write(
                'needs root for a network namespace of its own (unshare -n)\n')
            return 0
        os.environ['NETWRAP_NS'] = '1'
        os.execvp('unshare', ['unshare', '--net', '--', sys.executable] + sys.argv)
    if os.environ.get('NETWRAP_NS') == '1':
        sh('ip', 'link', 'set', 'lo', 'up')
    ctx = Ctx(mode, args, qemu)
    errors = []
    drive = None
    try:
        if mode == 'dns':
            mode_dns(ctx)
        elif mode == 'l2':
            mode_l2(ctx)
        elif mode == 'tap':
            mode_tap(ctx)
        elif mode == 'bridge':
            mode_bridge(ctx)
        elif mode == 'tapecho':
            mode_tapecho(ctx)
        elif mode == 'tapraw':
            mode_tapraw(ctx)
        elif mode == 'bad':
            bad_listen(ctx)
        drive = {'echo': mode_echo, 'flood': mode_flood, 'link': mode_link,
                 'bridge': bridge_drive, 'bridge3': bridge3_drive, 'tap': tap_drive, 'tapraw': tapraw_drive, 'bad': bad_drive}.get(mode)
    except (Fail, OSError, subprocess.CalledProcessError) as e:
        errors.append('%s set-up: %s' % (mode, e))
        drive = None
    q = subprocess.Popen(qemu, stdin=subprocess.DEVNULL)

    def run():
        try:
            drive(ctx)
        except Exception as e:    # any failure of the host side is the case's
            errors.append('%s: %s' % (type(e).__name__, e))
            log('failed:', errors[-1])
    t = None
    if drive and not errors:
        t = threading.Thread(target=run, daemon=True)
        t.start()
    status = q.wait()
    if t:
        t.join(15)
        if t.is_alive():
            errors.append('%s: the host side did not finish' % mode)
    if ctx.peer and not errors:
        try:
            l2_verdict(ctx)
        except Fail as e:
            errors.append(str(e))
    for p in ctx.procs + ([ctx.peer] if ctx.peer else []):
        if p.poll() is None:
            p.kill()
            p.wait()
    v = 'ok' if not errors else 'FAIL: ' + '; '.join(errors)
    log('verdict:', v)
    open(os.path.join(T, 'netwrap.verdict'), 'w').write(v + '\n')
    return status


if __name__ == '__main__':
    sys.exit(main())
