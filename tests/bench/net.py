#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Network benchmark (part of make bench): our appliance image against a
Linux guest, in the same QEMU with the same virtio-net device on the same
user-mode netdev, measured from the host through hostfwd on 127.0.0.1.

Ours runs `netserve` (apps/netserve.c); the Linux guest is Debian's cloud
kernel with an initramfs the bench builds itself (busybox-static for /init,
a static helper built from tests/bench/linux-netserve.c for the same four
services on the same ports), built by tests/bench/linuxguest.py.

Figures: TCP stream guest->host and host->guest (MiB/s over BENCH_NET_MIB
MiB), TCP connection rate (connect, 1 byte each way, close; connections/s
over BENCH_NET_CONNS), UDP round trip p50/p99 (BENCH_NET_PINGS datagrams).
Each guest boots BENCH_NET_RUNS times (alternating which goes first);
every figure is the median over the boots. Then the appliance image's
size and the least -m at which it boots, gets a DHCP lease and serves a
TCP connection through hostfwd.

x86_64 only: the aarch64 Linux guest would need an arm64 dpkg architecture
on the host, and both guests run emulated (TCG) there at a crawl.
"""
import os, re, socket, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linuxguest  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import hostqemu  # noqa: E402  (tests/hostqemu.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, 'build/bench/net')
OURS = os.path.join(ROOT, 'build/x86_64-product/kernel.elf')
RUNS = int(os.environ.get('BENCH_NET_RUNS', '3'))
MIB = int(os.environ.get('BENCH_NET_MIB', '64'))
CONNS = int(os.environ.get('BENCH_NET_CONNS', '500'))
PINGS = int(os.environ.get('BENCH_NET_PINGS', '2000'))
MEM = os.environ.get('BENCH_NET_MEM', '256M')
FIGURE_TIMEOUT = 120        # seconds: any one figure
BOOT_TIMEOUT = 120
GUEST_PORTS = {'sink': 5001, 'source': 5002, 'crr': 5003, 'echo': 5004}
LINUX_MODULES = ['virtio_pci', 'virtio_net']      # and what they need


def log(msg):
    sys.stderr.write('net bench: %s\n' % msg)
    sys.stderr.flush()


# --- The Linux guest (tests/bench/linuxguest.py) ------------------------------------
NET_INIT = r'''ip link set lo up
ip addr add 10.0.2.15/24 dev eth0
ip link set eth0 up
ip route add default via 10.0.2.2
echo "init: eth0 up, $(cat /sys/class/net/eth0/address)"
exec /bin/netserve
'''


def linux_guest():
    """(vmlinuz, initramfs, config) of the Linux baseline, built once."""
    return linuxguest.guest('net', LINUX_MODULES, {'netserve': 'tests/bench/linux-netserve.c'},
                            NET_INIT)


# --- Running a guest -----------------------------------------------------------------
def free_ports(n):
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


class Guest:
    def __init__(self, name, acc, kernel, append, initrd=None, mem=MEM, machine='q35'):
        self.name = name
        hp = free_ports(4)
        self.port = dict(zip(('sink', 'source', 'crr', 'echo'), hp))
        fwd = ','.join('hostfwd=%s:127.0.0.1:%d-:%d' % ('udp' if k == 'echo' else 'tcp',
                                                          self.port[k], GUEST_PORTS[k])
                       for k in self.port)
        cpu = 'host' if acc == 'kvm' else 'max'
        self.cmd = ['qemu-system-x86_64', '-accel', acc, '-machine', machine, '-cpu', cpu,
                    '-smp', '1', '-m', mem, '-nodefaults', '-display', 'none',
                    '-serial', 'file:' + self.logpath(), '-monitor', 'none', '-no-reboot',
                    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
                    '-netdev', 'user,id=n0,' + fwd,
                    '-device', 'virtio-net-pci,netdev=n0,disable-legacy=on',
                    '-kernel', kernel, '-append', append]
        if initrd:
            self.cmd += ['-initrd', initrd]
        self.proc = None

    def logpath(self):
        os.makedirs(WORK, exist_ok=True)
        return os.path.join(WORK, '%s.log' % self.name)

    def start(self, timeout=BOOT_TIMEOUT):
        """Boot and wait until the connection-rate service answers. @return True."""
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.proc.poll() is None:
            try:
                if crr_once(self.port['crr'], 2):
                    return True
            except OSError:
                pass
            time.sleep(0.5)
        return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait()

    def console(self):
        try:
            return open(self.logpath(), errors='replace').read()
        except OSError:
            return ''


# --- The figures --------------------------------------------------------------------------
def crr_once(port, timeout=5):
    with socket.create_connection(('127.0.0.1', port), timeout=timeout) as s:
        s.sendall(b'x')
        return s.recv(1) == b'x'


def stream_to_guest(port, nbytes):
    """Host->guest MiB/s: send nbytes, then wait for the guest's close after
    it has read them all (the sink closes on our FIN)."""
    buf = bytes(256 << 10)
    with socket.create_connection(('127.0.0.1', port), timeout=FIGURE_TIMEOUT) as s:
        t0 = time.monotonic()
        sent = 0
        while sent < nbytes:
            s.sendall(buf[:min(len(buf), nbytes - sent)])
            sent += min(len(buf), nbytes - sent)
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
        dt = time.monotonic() - t0
    return nbytes / dt / (1 << 20)


def stream_from_guest(port, nbytes):
    """Guest->host MiB/s: read nbytes from the source, from connect."""
    buf = bytearray(256 << 10)
    got = 0
    with socket.create_connection(('127.0.0.1', port), timeout=FIGURE_TIMEOUT) as s:
        t0 = time.monotonic()
        while got < nbytes:
            n = s.recv_into(buf)
            if n == 0:
                break
            got += n
        dt = time.monotonic() - t0
    return got / dt / (1 << 20) if got >= nbytes else 0.0


def conn_rate(port, count):
    """Connections/s: connect, 1 byte each way, close, one after another."""
    t0 = time.monotonic()
    done = 0
    while done < count and time.monotonic() - t0 < FIGURE_TIMEOUT:
        if crr_once(port):
            done += 1
    return done / (time.monotonic() - t0)


def udp_rtt(port, count):
    """(p50, p99) round trip in microseconds and the datagrams lost."""
    rtts, lost = [], 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        s.connect(('127.0.0.1', port))
        t_end = time.monotonic() + FIGURE_TIMEOUT
        for i in range(count):
            if time.monotonic() > t_end:
                break
            msg = b'%08d' % i + b'.' * 56
            t0 = time.perf_counter()
            s.send(msg)
            try:
                while s.recv(2048) != msg:      # a late answer to an earlier one
                    pass
                rtts.append((time.perf_counter() - t0) * 1e6)
            except socket.timeout:
                lost += 1
    if not rtts:
        return 0.0, 0.0, lost
    rtts.sort()
    return rtts[len(rtts) // 2], rtts[min(len(rtts) - 1, int(len(rtts) * 0.99))], lost


FIGS = [('g2h', 'TCP stream guest->host', 'MiB/s', True),
        ('h2g', 'TCP stream host->guest', 'MiB/s', True),
        ('crr', 'TCP connect+1B+close', 'conn/s', True),
        ('p50', 'UDP round trip p50', 'us', False),
        ('p99', 'UDP round trip p99', 'us', False)]


def measure(g):
    r = {}
    try:
        # Warm-up: ARP, slirp's sockets, the guests' first allocations.
        conn_rate(g.port['crr'], 20)
        r['g2h'] = stream_from_guest(g.port['source'], MIB << 20)
        r['h2g'] = stream_to_guest(g.port['sink'], MIB << 20)
        r['crr'] = conn_rate(g.port['crr'], CONNS)
        r['p50'], r['p99'], lost = udp_rtt(g.port['echo'], PINGS)
        if lost:
            log('%s: %d of %d datagrams lost' % (g.name, lost, PINGS))
    except OSError as e:
        log('%s: %s' % (g.name, e))
    return r


# --- Image size and least memory ----------------------------------------------------------
def text_data(elf):
    out = subprocess.run(['size', elf], capture_output=True, text=True).stdout.splitlines()
    f = out[-1].split()
    return int(f[0]), int(f[1]), int(f[2])


def has_ping():
    return subprocess.run(['grep', '-rqs', 'SHELL_CMD("ping"', os.path.join(ROOT, 'net'),
                           os.path.join(ROOT, 'apps'), os.path.join(ROOT, 'kern')]).returncode == 0


def boots_at(acc, mib, ping):
    """Does the appliance boot at -m MIB, take a DHCP lease (hostfwd reaches
    10.0.2.15, which only DHCP gives it) and serve a TCP connection (and,
    with a ping command, ping the gateway)?"""
    # The boot does not wait for DHCP: wait for the lease before pinging.
    run = ('ifconfig vioif0 wait 20; ping -c 1 10.0.2.2; ' if ping else '') + 'netserve 60'
    g = Guest('ours-m%d' % mib, acc, OURS, 'loglevel=4 run="%s"' % run, mem='%dM' % mib)
    try:
        ok = g.start(timeout=45)
    finally:
        g.stop()
    if ok and ping:
        ok = re.search(r"run: 'ping -c 1 10\.0\.2\.2' ok", g.console()) is not None
    return ok


def least_mem(acc, ping):
    lo, hi = 1, 32            # lo fails (QEMU's own floor), hi must pass
    if not boots_at(acc, hi, ping):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if boots_at(acc, mid, ping):
            hi = mid
        else:
            lo = mid
    return hi


# --- Main ----------------------------------------------------------------------------------
def fmt(v, unit):
    if v is None:
        return '-'
    return '%.1f' % v if unit == 'MiB/s' else '%.0f' % v


def main():
    acc = hostqemu.accel()
    try:
        vmlinuz, initrd, config = linux_guest()
    except (subprocess.CalledProcessError, RuntimeError, OSError) as e:
        log('no Linux guest: %s' % e)
        vmlinuz = None
    m = re.search(r'CONFIG_VIRTIO_NET=(\w)', config) if vmlinuz else None
    guests = {'ours': lambda: Guest('ours', acc, OURS, 'loglevel=4 run="netserve"')}
    if vmlinuz:
        guests['linux'] = lambda: Guest('linux', acc, vmlinuz,
                                        'console=ttyS0 quiet panic=-1 rdinit=/init', initrd)
    res = {k: [] for k in guests}
    order = list(guests)
    for run in range(RUNS):
        for name in (order if run % 2 == 0 else order[::-1]):
            g = guests[name]()
            try:
                if not g.start():
                    log('%s did not come up; console in %s' % (name, g.logpath()))
                    continue
                res[name].append(measure(g))
            finally:
                g.stop()

    def med(name, key):
        vals = [r[key] for r in res.get(name, []) if key in r]
        return statistics.median(vals) if vals else None

    print('\nnetwork: virtio-net-pci on -netdev user, hostfwd 127.0.0.1, q35 -m %s -smp 1, %s; '
          'median of %d boots each' % (MEM, acc, RUNS))
    print('  streams %d MiB, %d connections, %d UDP round trips of 64 bytes' % (MIB, CONNS, PINGS))
    if vmlinuz:
        print('  linux: %s (virtio_net %s), busybox-static, tests/bench/linux-netserve.c'
              % (os.path.basename(vmlinuz).replace('vmlinuz-', ''),
                 'built in' if m and m.group(1) == 'y' else 'as a module'))
    hdr = '%-24s %-7s %10s %10s %12s' % ('figure', 'unit', 'ours', 'linux', 'ours/linux')
    print(hdr)
    print('-' * len(hdr))
    ok = bool(res['ours'])
    for key, label, unit, higher in FIGS:
        o, l = med('ours', key), med('linux', key)
        ratio = '%.2f' % (o / l) if o and l else '-'
        goal = '(>= 1.00)' if higher else '(<= 1.00)' if key == 'p99' else ''
        print('%-24s %-7s %10s %10s %7s %s' % (label, unit, fmt(o, unit), fmt(l, unit), ratio, goal))
        ok = ok and o is not None

    t, d, b = text_data(OURS)
    print('appliance image (build/x86_64-product/kernel.elf, lwIP linked in): text+data %d bytes '
          '(%.0f KiB; bss %d KiB)' % (t + d, (t + d) / 1024, b >> 10))
    ping = has_ping()
    least = least_mem(acc, ping)
    what = ('boots, DHCP lease, pings 10.0.2.2, serves TCP through hostfwd' if ping else
            'boots, DHCP lease, serves TCP through hostfwd (no ping command in this tree)')
    print('least -m for the appliance (%s): %s' % (what, '%d MiB' % least if least else '> 32 MiB'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
