/* SPDX-License-Identifier: MIT */
/* The x86-only parts of pvbus, called in order by pvbus_x86_init
 * (drivers/pvbus/x86/detect.c). Each returns 0 or -errno; none is fatal. */
#ifndef DRIVERS_PVBUS_X86_H
#define DRIVERS_PVBUS_X86_H

/* QEMU fw_cfg at I/O ports 0x510/0x511/0x514. */
int pvbus_x86_fw_cfg_init(void);
/* The VMware backdoor at port 0x5658 (and 0x5659). */
int pvbus_x86_vmware_init(void);
/* XenStore, when CPUID found Xen. */
int pvbus_x86_xen_init(void);

#endif
