/* SPDX-License-Identifier: MIT */
/* The do-nothing aarch64 guest: an arm64 Image (Linux booting.rst header)
 * whose first instruction powers QEMU virt off through PSCI SYSTEM_OFF
 * (Arm DEN 0022 §5.10) over HVC, virt's conduit when QEMU starts us at
 * EL1. Its wall time is the floor QEMU sets for starting and stopping an
 * aarch64 VM here (make bench). Flat binary: objcopy -O binary. */
	.text
	.globl	_start
_start:
	b	1f                      /* code0 */
	.long	0                       /* code1 */
	.quad	0x200000                /* text_offset */
	.quad	4096                    /* image_size */
	.quad	2                       /* flags: LE, 4 KiB pages */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0
1:	movz	w0, #0x0008
	movk	w0, #0x8400, lsl #16    /* PSCI_SYSTEM_OFF */
	hvc	#0
2:	wfi
	b	2b
