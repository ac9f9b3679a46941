#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""during= hook of netserve_user (tests/cases/net_user.cases): the four
services of apps/netserve.c, which the network benchmark measures
(tests/bench/net.py), each used once through QEMU's hostfwd on 127.0.0.1
(ports picked by QEMU, found through QMP's `info usernet`):

  sink    1 MiB sent, then closed: the guest counts it all in
  source  1 MiB read, then the connection is held open and silent until
          the guest's deadline: netserve must end it and join its thread
  crr     20 connections, one byte each way
  echo    20 datagrams, each answered (resent when a reply is slow)

The guest runs `netserve SECONDS` and prints what it served when the time
is up; the case passes when those counts are what was sent here and the
command ended without error."""
import os
import random
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netwrap import Console, Fail, Qmp  # noqa: E402

MIB = 1 << 20
CRR = 20
DGRAMS = 20


def connect(port):
    return socket.create_connection(('127.0.0.1', port), timeout=30)


def sink(port):
    data = random.Random(port).randbytes(MIB)
    with connect(port) as s:
        s.sendall(data)


def source(port):
    s = connect(port)
    got = 0
    while got < MIB:
        b = s.recv(1 << 16)
        if not b:
            raise Fail('source closed after %d bytes' % got)
        got += len(b)
    return s          # held open: the guest's stop must end it


def crr(port):
    for i in range(CRR):
        with connect(port) as s:
            c = bytes([0x41 + i % 26])
            s.sendall(c)
            if s.recv(1) != c:
                raise Fail('crr connection %d: no echo' % i)


def echo(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        for i in range(DGRAMS):
            msg = b'netserve %d' % i
            for _ in range(5):
                s.sendto(msg, ('127.0.0.1', port))
                try:
                    while s.recv(2048) != msg:
                        pass          # a late reply to an earlier resend
                    break
                except socket.timeout:
                    continue
            else:
                raise Fail('datagram %d never echoed' % i)


def main():
    con = Console(os.path.join(os.environ['T'], 'console.log'))
    con.wait(r'net: vioif0 DHCP lease 10\.0\.2\.15', 60)
    q = Qmp(os.environ['QMP'])
    ports = {g: q.hostfwd_port(g) for g in (5001, 5002, 5003, 5004)}
    sink(ports[5001])
    held = source(ports[5002])
    crr(ports[5003])
    echo(ports[5004])
    m = con.wait(r'netserve: (\d+) sink, (\d+) source, (\d+) crr connections \((\d+) refused\), '
                 r'(\d+) bytes in, (\d+) out, (\d+) datagrams echoed', 120)
    held.close()
    n = [int(x) for x in m.groups()]
    print('guest: %s' % m.group(0))
    want_in = MIB + CRR
    if n[:4] != [1, 1, CRR, 0] or n[4] != want_in or n[5] < MIB + CRR or n[6] < DGRAMS:
        raise Fail('expected 1 sink, 1 source, %d crr, 0 refused, %d bytes in, at least %d '
                   'out and %d datagrams' % (CRR, want_in, MIB + CRR, DGRAMS))
    con.wait(r"run: 'netserve \d+' ok", 10)
    print('ok')


if __name__ == '__main__':
    try:
        main()
    except Fail as e:
        print('FAIL: %s' % e)
        sys.exit(1)
