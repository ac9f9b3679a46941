# SPDX-License-Identifier: MIT
# The unikernel's build. `make` builds build/$(ARCH)/kernel.elf;
# `make run` boots it; `make test` builds and passes every test.

ARCH ?= x86_64
.DEFAULT_GOAL := all
# GUEST_TESTS=0 leaves the in-guest tests out (the appliance image).
GUEST_TESTS ?= 1
BUILD ?= build/$(ARCH)$(if $(filter 0,$(GUEST_TESTS)),-product)
include kern/arch/$(ARCH)/arch.mk

CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
NM      := $(CROSS_COMPILE)nm
HOSTCC  ?= gcc
PYTHON  ?= python3

CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -Iinclude/libc -Iinclude/arch/$(ARCH) \
	-fno-stack-protector -fno-omit-frame-pointer -fno-common \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-ffunction-sections -fdata-sections \
	-Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP \
	$(ARCH_CFLAGS) $(EXTRA_CFLAGS)
ASFLAGS := $(CFLAGS) -D__ASSEMBLY__
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--gc-sections --no-warn-rwx-segments $(ARCH_LDFLAGS)

# Sources are found, not listed: adding a file needs no edit here.
COMMON_SRCS := $(wildcard kern/*.c kern/mm/*.c lib/*.c drivers/*/*.c \
	drivers/*/*/*.c net/*.c $(if $(filter 0,$(GUEST_TESTS)),,tests/guest/*.c))
ARCH_SRCS := $(wildcard boot/$(ARCH)/*.S boot/$(ARCH)/*.c \
	kern/arch/$(ARCH)/*.c kern/arch/$(ARCH)/*.S)
SRCS := $(filter-out $(ARCH_EXCLUDE),$(COMMON_SRCS)) $(ARCH_SRCS)
OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(SRCS)))

# lwIP, unpacked from Debian's source package by tools/lwip-src.sh (the
# version comes from the pinned .dsc name). build/lwip.mk is made by
# running that script, and make restarts once it exists, so the wildcards
# below see the sources. lwIP is someone else's code: it builds with our
# flags less -Werror and -Wextra, and its warnings are not ours to fix.
LWIP_VER := $(shell sed -n 's/.*lwip_\([0-9.]*\)+.*\.dsc$$/\1/p' net/lwip.sha256)
LWIP_DIR := build/lwip-$(LWIP_VER)
ifeq ($(filter clean deps,$(MAKECMDGOALS)),)
include build/lwip.mk
endif
build/lwip.mk: tools/lwip-src.sh net/lwip.sha256
	@tools/lwip-src.sh
	@echo "# lwIP $(LWIP_VER) is unpacked in $(LWIP_DIR)" > $@
LWIP_SRCS := $(wildcard $(LWIP_DIR)/src/core/*.c $(LWIP_DIR)/src/core/ipv4/*.c \
	$(LWIP_DIR)/src/core/ipv6/*.c $(LWIP_DIR)/src/api/*.c) \
	$(LWIP_DIR)/src/netif/ethernet.c
LWIP_OBJS := $(patsubst $(LWIP_DIR)/src/%.c,$(BUILD)/lwip/%.o,$(LWIP_SRCS))
LWIP_INC := -Inet -I$(LWIP_DIR)/src/include
LWIP_CFLAGS := $(filter-out -Werror -Wextra,$(CFLAGS)) $(LWIP_INC) -w
OBJS += $(LWIP_OBJS)
# Resolvers from a DHCP lease go through the glue, so that net.dns (static)
# wins over them (net/netif_vioif.c).
$(BUILD)/lwip/core/ipv4/dhcp.o: LWIP_CFLAGS += -Ddns_setserver=net_dhcp_dns_setserver
$(BUILD)/lwip/core/ipv4/dhcp.o: Makefile
# Our glue in net/ sees lwIP's headers (with our warnings: it builds
# clean); nothing else does. Not -isystem: -MMD would then leave
# net/lwipopts.h out of the dependencies.
$(BUILD)/net/%.o: CFLAGS += $(LWIP_INC)

include kern/arch/$(ARCH)/images.mk

.PHONY: all kernel run test unit deps iso bench clean size
all: kernel
kernel: $(BUILD)/kernel.elf $(ARCH_IMAGES)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/lwip/%.o: $(LWIP_DIR)/src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      lwip/$*.c"
	@$(CC) $(LWIP_CFLAGS) -c $< -o $@
$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(ASFLAGS) -c $< -o $@

$(BUILD)/linker.ld: linker.ld
	@mkdir -p $(dir $@)
	$(CC) -E -P -x c -DARCH_$(ARCH) $< -o $@

# Backtraces need symbol names in the image: link once without them,
# generate the table from that link, link again. The table sits last among
# the loaded sections, so the second link moves no code.
$(BUILD)/ksyms0.o: tools/ksyms.py
	@mkdir -p $(dir $@)
	@$(PYTHON) tools/ksyms.py /dev/null > $(BUILD)/ksyms0.S
	@$(CC) $(ASFLAGS) -c $(BUILD)/ksyms0.S -o $@
$(BUILD)/kernel.pass1: $(OBJS) $(BUILD)/ksyms0.o $(BUILD)/linker.ld
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -T $(BUILD)/linker.ld $(OBJS) $(BUILD)/ksyms0.o -o $@
$(BUILD)/ksyms.o: $(BUILD)/kernel.pass1 tools/ksyms.py
	@$(NM) -n $< | $(PYTHON) tools/ksyms.py - > $(BUILD)/ksyms.S
	@$(CC) $(ASFLAGS) -c $(BUILD)/ksyms.S -o $@
$(BUILD)/kernel.elf: $(BUILD)/kernel.pass1 $(BUILD)/ksyms.o
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -T $(BUILD)/linker.ld $(OBJS) $(BUILD)/ksyms.o -o $@
	@$(NM) -n $(BUILD)/kernel.pass1 | grep -i ' t ' > $(BUILD)/t1.txt; \
	 $(NM) -n $@ | grep -i ' t ' > $(BUILD)/t2.txt; \
	 cmp -s $(BUILD)/t1.txt $(BUILD)/t2.txt || { echo "ksyms: text moved between links"; exit 1; }

size: $(BUILD)/kernel.elf
	@size $<

# --- set-up -----------------------------------------------------------------
deps:
	@tools/deps.sh

# make run NET=user: a virtio-net NIC on QEMU's user network (DHCP leases
# 10.0.2.15), with 127.0.0.1:8080 on the host forwarded to the guest's
# port 80 and 127.0.0.1:7777 to its port 7 (the shell's `tcpecho 7`).
NET ?=
HOSTFWD ?= hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=tcp:127.0.0.1:7777-:7
RUN_NET_user = -netdev user,id=n0,$(HOSTFWD) -device virtio-net-pci,netdev=n0
ifneq ($(NET),)
ifeq ($(RUN_NET_$(NET)),)
$(error NET=$(NET): only NET=user is known)
endif
endif
run: deps kernel
	$(RUN_CMD) $(RUN_NET_$(NET))

# --- tests ------------------------------------------------------------------
UNIT_TESTS :=
include $(wildcard tests/unit/*.mk)
UNIT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-Iinclude -Iinclude/arch/x86_64 -DUNIT_TEST
UNIT_BINS := $(addprefix build/unit/,$(UNIT_TESTS))

.SECONDEXPANSION:
build/unit/%: $$(UNIT_SRCS_$$*) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_CFLAGS_$*) $(UNIT_SRCS_$*) -o $@

unit: $(UNIT_BINS)
	@tools/run-unit.sh $(UNIT_BINS)

test: deps
	$(MAKE) ARCH=x86_64 kernel
	$(MAKE) ARCH=x86_64 iso
	$(MAKE) ARCH=aarch64 kernel
	$(MAKE) unit
	tests/run --qemu system --qemu build/qemu10

bench: deps
	$(MAKE) ARCH=x86_64 kernel
	$(MAKE) ARCH=x86_64 GUEST_TESTS=0 kernel
	$(MAKE) ARCH=aarch64 kernel
	$(MAKE) ARCH=aarch64 GUEST_TESTS=0 kernel
	tools/bench.py

# Keeps build/cache (lwIP's source package), so that a rebuild after a
# clean needs no network.
clean:
	find build -mindepth 1 -maxdepth 1 ! -name cache -exec rm -rf {} + 2>/dev/null || true

-include $(OBJS:.o=.d)
