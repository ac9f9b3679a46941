#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""During hook of the virtio-scsi hot-plug cases: while the guest keeps sda
busy (virtio_scsi_hotplug), plug a scsi-hd at target 1, LUN 5 (the drive
"hp", $T/t1l5.img, is on QEMU's command line without a device) with QMP
device_add, wait for the guest to say it found and checked it, unplug it
with device_del, and wait for the guest to see it gone and for the test's
verdict. Usage: vscsi_hotplug.py [BUS] (default s0.0)."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.environ['ROOT'], 'tests'))
from qmp import QMP  # noqa: E402

LOG = os.path.join(os.environ['T'], 'console.log')


def wait_for(rx, timeout=40.0):
    end = time.monotonic() + timeout
    pat = re.compile(rx, re.M)
    while True:
        text = open(LOG, 'rb').read().decode('utf-8', 'replace').replace('\r', '')
        m = pat.search(text)
        if m:
            return m
        if time.monotonic() > end:
            sys.exit('no /%s/ on the console within %gs' % (rx, timeout))
        time.sleep(0.1)


def main():
    bus = sys.argv[1] if len(sys.argv) > 1 else 's0.0'
    with QMP(os.environ['QMP']) as q:
        q.cmd('device_add', driver='scsi-hd', id='hpdev', drive='hp', bus=bus,
              **{'scsi-id': 1, 'lun': 5})
        print('device_add done')
        name = wait_for(r'^vscsi: hotplugged (sd\w+)').group(1)
        print('guest found', name)
        # The guest's verdict is the check: it may finish (and QEMU exit)
        # before DEVICE_DELETED is read here.
        q.cmd('device_del', id='hpdev')
        print('device_del done')
        wait_for(r'^vscsi: %s removed' % name)
        m = wait_for(r'^(not )?ok \d+ - virtio_scsi_hotplug\b')
        if m.group(1):
            sys.exit('the guest test failed')
    print('hot-plug and unplug seen by the guest')


main()
