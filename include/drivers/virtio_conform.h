/* SPDX-License-Identifier: MIT */
/* The virtio conformance suite (drivers/virtio/conform/): conform=GLOB on
 * the command line runs, for every virtio device found, the checks whose
 * clause names match GLOB, drives the devices itself (no driver binds) and
 * prints TAP with kvm-unit-tests' exit codes, as test= does. */
#ifndef DRIVERS_VIRTIO_CONFORM_H
#define DRIVERS_VIRTIO_CONFORM_H

/* Run the suite. @return the exit code: 0 all passed, 1 some failed, 77
 * everything skipped (or no device). */
int conform_run(const char *spec);

#endif
