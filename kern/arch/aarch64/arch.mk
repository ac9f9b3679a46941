# aarch64: a cross compiler unless the host is arm64 itself.
ifeq ($(shell uname -m),aarch64)
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= aarch64-linux-gnu-
endif
# -mgeneral-regs-only: no FP/SIMD state to save on traps or switches.
# No -mstrict-align: the compiler may use unaligned loads and stores where
# it cannot prove alignment (packed network and firmware headers, small
# copies), which Normal memory allows with SCTLR_EL1.A clear (ARM ARM
# B2.5.2). Only entry.S and mmu_activate() run with the MMU off, when every
# access is Device memory and an unaligned one faults; C touches device
# registers only through the volatile accessors of <arch/io.h>, which keep
# their natural width and alignment. Strict alignment cost 8.4 KiB of code
# (byte-by-byte access to every packed field) and kept the image over the
# 512 KiB budget of issue 10.
# -mno-omit-leaf-frame-pointer: a frame record in every function, so that a
# fault in a leaf function still backtraces through its caller.
ARCH_CFLAGS := -march=armv8-a -mgeneral-regs-only -mno-omit-leaf-frame-pointer \
	-mcmodel=small -fno-pic -fno-pie
ARCH_LDFLAGS := -m aarch64elf
# Files under common directories that this arch doesn't build: the 16550 on
# x86 port I/O (the console here is the PL011), the x86 pvbus back ends.
ARCH_EXCLUDE := drivers/uart/ns16550.c $(wildcard drivers/pvbus/x86/*.c)
QEMU := qemu-system-aarch64
