# x86_64: the host compiler is the target compiler on x86_64 machines.
CROSS_COMPILE ?=
ARCH_CFLAGS := -m64 -march=x86-64 -mno-red-zone -mgeneral-regs-only -mcmodel=small -fno-pic -fno-pie
ARCH_LDFLAGS := -m elf_x86_64
# Files under common directories that this arch doesn't build.
# No device tree on x86: the DT bus (and through it the FDT parser) stays out.
ARCH_EXCLUDE := $(wildcard drivers/dtbus/*.c)
QEMU := qemu-system-x86_64
