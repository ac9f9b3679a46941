# aarch64: a cross compiler unless the host is arm64 itself.
ifeq ($(shell uname -m),aarch64)
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= aarch64-linux-gnu-
endif
# -mgeneral-regs-only: no FP/SIMD state to save on traps or switches.
# -mstrict-align: no unaligned accesses from compiled code. Only entry.S
# runs with the MMU off (when every data access is Device memory, where an
# unaligned access faults: ARM ARM B2.5.2); C that reads device memory
# through a plain pointer is then safe too, at a small cost.
# -mno-omit-leaf-frame-pointer: a frame record in every function, so that a
# fault in a leaf function still backtraces through its caller.
ARCH_CFLAGS := -march=armv8-a -mgeneral-regs-only -mstrict-align -mno-omit-leaf-frame-pointer \
	-mcmodel=small -fno-pic -fno-pie
ARCH_LDFLAGS := -m aarch64elf
# Files under common directories that this arch doesn't build: the 16550 on
# x86 port I/O (the console here is the PL011), the x86 pvbus back ends.
ARCH_EXCLUDE := drivers/uart/ns16550.c $(wildcard drivers/pvbus/x86/*.c)
QEMU := qemu-system-aarch64
