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

CFLAGS := -std=gnu11 -g -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-Iinclude -Iinclude/libc -Iinclude/arch/$(ARCH) \
	-fno-stack-protector -fno-omit-frame-pointer -fno-common \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-ffunction-sections -fdata-sections \
	-Wall -Wextra -Werror -Wno-unused-parameter -MMD -MP \
	$(ARCH_CFLAGS) $(EXTRA_CFLAGS)
ASFLAGS := $(CFLAGS) -D__ASSEMBLY__
# Optimisation (issue 10, image size): -Os, but -O2 for the files the
# network data path spends its time in (copies and checksums, the virtqueue
# and the network driver, the scheduler and locks, the heap and page
# allocator, lwIP's TCP/UDP/IP path and sockets). -Os everywhere cost clear speed on the network benchmark
# (QEMU CPU per MiB streamed, the UDP round trip); with this split the
# differences stayed within the noise of A/B runs on a loaded host (to be
# confirmed on a quiet one with make bench), and -Os saves about 15% of the
# code. The block path (drivers/blk, virtio-blk) was not measured. Given
# before CFLAGS, so an -O in EXTRA_CFLAGS still wins. OPT_SPEED names
# sources (lwIP's relative to its src/).
OPT := -Os
OPT_SPEED := lib/string.c drivers/net/netcsum.c drivers/net/netdev.c net/chksum.c \
	net/sys_arch.c net/socket.c net/mem.c net/netif_vioif.c drivers/virtio/net.c \
	drivers/virtio/net_rx.c drivers/virtio/virtqueue.c drivers/virtio/virtio.c \
	drivers/virtio/pci.c drivers/virtio/pci_modern.c kern/sched.c kern/sync.c \
	kern/time.c kern/mm/heap.c kern/mm/pmm.c
OPT_SPEED_LWIP := core/tcp_in.c core/tcp_out.c core/tcp.c core/pbuf.c core/ip.c \
	core/ipv4/ip4.c core/ipv4/etharp.c core/ipv4/ip4_addr.c core/ipv6/ip6.c \
	core/ipv6/ethip6.c core/udp.c core/netif.c core/inet_chksum.c core/mem.c \
	core/memp.c core/timeouts.c core/def.c netif/ethernet.c api/sockets.c \
	api/api_msg.c api/api_lib.c api/tcpip.c api/netbuf.c
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--gc-sections --no-warn-rwx-segments $(ARCH_LDFLAGS)

# Sources are found, not listed: adding a file needs no edit here.
COMMON_SRCS := $(wildcard kern/*.c kern/mm/*.c lib/*.c fs/*.c drivers/*/*.c \
	drivers/*/*/*.c net/*.c apps/*.c $(if $(filter 0,$(GUEST_TESTS)),,tests/guest/*.c))
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

.PHONY: all kernel run test unit fuzz fuzz-smoke deps iso bench soak clean size conform tools
all: kernel
kernel: $(BUILD)/kernel.elf $(ARCH_IMAGES)

# Objects depend on these choices (a stamp that changes only with them).
ifeq ($(filter clean deps,$(MAKECMDGOALS)),)
OPT_SET := $(OPT) | $(sort $(OPT_SPEED)) | $(sort $(OPT_SPEED_LWIP)) | $(ARCH_CFLAGS) $(EXTRA_CFLAGS)
$(shell mkdir -p $(BUILD) && { echo '$(OPT_SET)' | cmp -s - $(BUILD)/opt.flags || echo '$(OPT_SET)' > $(BUILD)/opt.flags; })
$(OBJS): $(BUILD)/opt.flags
endif
$(patsubst %.c,$(BUILD)/%.o,$(OPT_SPEED)) $(patsubst %.c,$(BUILD)/lwip/%.o,$(OPT_SPEED_LWIP)): OPT := -O2
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(OPT) $(CFLAGS) -c $< -o $@
$(BUILD)/lwip/%.o: $(LWIP_DIR)/src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      lwip/$*.c"
	@$(CC) $(OPT) $(LWIP_CFLAGS) -c $< -o $@
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
	@$(LD) $(LDFLAGS) -T $(BUILD)/linker.ld $(OBJS) $(BUILD)/ksyms.o -o $@ -Map $(BUILD)/kernel.map
	@$(NM) -n $(BUILD)/kernel.pass1 | grep -i ' t ' > $(BUILD)/t1.txt; \
	 $(NM) -n $@ | grep -i ' t ' > $(BUILD)/t2.txt; \
	 cmp -s $(BUILD)/t1.txt $(BUILD)/t2.txt || { echo "ksyms: text moved between links"; exit 1; }

# make size: the product image's loaded bytes (text+data, as `size` counts
# them) against its budget (issue 10), then by part of the tree, from the
# final link's map (tools/size.py). Fails when over the budget.
SIZE_BUDGET ?= 524288
size:
	@$(MAKE) -s --no-print-directory ARCH=$(ARCH) GUEST_TESTS=0 kernel
	@$(PYTHON) tools/size.py build/$(ARCH)-product $(SIZE_BUDGET)

# --- set-up -----------------------------------------------------------------
deps:
	@tools/deps.sh

# make run NET=user: a virtio-net NIC on QEMU's user network (DHCP leases
# 10.0.2.15), with 127.0.0.1:$(HTTP_PORT) on the host forwarded to the
# guest's port 80 and 127.0.0.1:7777 to its port 7 (the shell's `tcpecho 7`).
# make run APP=NAME[,NAME]: boot with app=NAME. APP=httpd brings NET=user
# and adds the HTTP appliance's sample tree (apps/httpd-www, packed by
# tools/mktar.py) as a read-only virtio-blk disk.
APP ?=
NET ?=
HTTP_PORT ?= 8080
HOSTFWD ?= hostfwd=tcp:127.0.0.1:$(HTTP_PORT)-:80,hostfwd=tcp:127.0.0.1:7777-:7
RUN_NET_user = -netdev user,id=n0,$(HOSTFWD) -device virtio-net-pci,netdev=n0
# make run NET=tap [NICS=N]: the guest's vioifK on the host's tapK
# (tools/tap.sh creates the missing ones, up, no address, and deletes them
# after); root.
NICS ?= 1
RUN_WRAP_tap = tools/tap.sh run $(NICS)
ifneq ($(APP),)
CMDLINE := $(strip app=$(APP) $(CMDLINE))
endif
comma := ,
ifneq ($(filter httpd,$(subst $(comma), ,$(APP))),)
NET := $(if $(NET),$(NET),user)
RUN_DEPS += build/httpd-www.tar
RUN_APP = -drive file=build/httpd-www.tar,format=raw,if=none,id=www,readonly=on \
	-device virtio-blk-pci,drive=www
endif
ifneq ($(NET),)
ifeq ($(filter $(NET),user tap),)
$(error NET=$(NET): only NET=user and NET=tap are known)
endif
endif
build/httpd-www.tar: tools/mktar.py $(shell find apps/httpd-www)
	@mkdir -p build
	$(PYTHON) tools/mktar.py apps/httpd-www $@

run: deps kernel $(RUN_DEPS)
	@$(if $(RUN_DEPS),echo "httpd: http://127.0.0.1:$(HTTP_PORT)/ (and /_status); poweroff in the shell leaves")
	$(RUN_WRAP_$(NET)) $(RUN_CMD) $(RUN_NET_$(NET)) $(RUN_APP)

# --- host tools ---------------------------------------------------------------
# vhost-hostile: a vhost-user virtio-blk back end that misbehaves on command
# (tools/vhost-hostile/, libc only), for tests/cases/vhost_hostile.cases.
VHH_SRCS := $(wildcard tools/vhost-hostile/*.c)
build/tools/vhost-hostile: $(VHH_SRCS) tools/vhost-hostile/vhh.h include/drivers/virtio_blk.h \
		include/drivers/virtio_ring.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) -std=gnu11 -D_GNU_SOURCE -Iinclude -O2 -g -Wall -Wextra -Werror -o $@.tmp $(VHH_SRCS) && mv $@.tmp $@
tools: build/tools/vhost-hostile

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

# Host fuzzers (libFuzzer): tests/fuzz/<name>.mk registers one as the unit
# tests do (FUZZ_TARGETS += name; FUZZ_SRCS_name := harness + kernel
# sources), seeds in tests/fuzz/corpus/<name>/. `make fuzz` runs each in
# turn for FUZZ_RUNS executions or FUZZ_SECONDS seconds, whichever ends
# first; crashes land in build/fuzz/<name>/crashes/. `make fuzz-smoke`
# (part of `make test`) runs each a few seconds from its seeds.
FUZZ_TARGETS :=
include $(wildcard tests/fuzz/*.mk)
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-Wno-unused-function -Iinclude -Iinclude/arch/x86_64 -DUNIT_TEST -DFUZZ_TEST
FUZZ_BINS := $(addprefix build/fuzz/bin/,$(FUZZ_TARGETS))
FUZZ_RUNS ?= 10000000
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 3
# The boot-level fuzzer (tests/bootfuzz.py): boots and its RNG's seed.
BOOTFUZZ_BOOTS ?= 400
BOOTFUZZ_SEED ?= $(shell date +%s)

# FUZZ_PLAIN_name: sources a harness runs on but does not fuzz (the page
# allocator under the balloon's accounting): compiled with the sanitizers
# but without libFuzzer's coverage, whose comparison tracing in their
# loops would otherwise take most of each execution.
FUZZ_PLAIN_CFLAGS := $(subst -fsanitize=fuzzer$(comma),-fsanitize=,$(FUZZ_CFLAGS))
build/fuzz/bin/%: $$(FUZZ_SRCS_$$*) $$(FUZZ_PLAIN_$$*) tests/fuzz/fuzz.h
	@mkdir -p $(dir $@) build/fuzz/plain/$*
	@echo "  FUZZCC  $@"
	@set -e; objs=; for f in $(FUZZ_PLAIN_$*); do \
		o=build/fuzz/plain/$*/$$(echo $$f | tr / _).o; \
		$(FUZZ_CC) -c $(FUZZ_PLAIN_CFLAGS) $(FUZZ_CFLAGS_$*) $$f -o $$o; objs="$$objs $$o"; \
	done; $(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CFLAGS_$*) $(FUZZ_SRCS_$*) $$objs -o $@

fuzz: $(FUZZ_BINS)
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SECONDS=$(FUZZ_SECONDS) tools/run-fuzz.sh $(FUZZ_TARGETS)
	$(MAKE) ARCH=aarch64 kernel
	$(MAKE) ARCH=x86_64 kernel
	$(PYTHON) tests/bootfuzz.py --boots $(BOOTFUZZ_BOOTS) --seed $(BOOTFUZZ_SEED)

fuzz-smoke: $(FUZZ_BINS)
	@tools/run-fuzz.sh --smoke $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

test: deps
	$(MAKE) ARCH=x86_64 kernel
	$(MAKE) ARCH=x86_64 iso
	$(MAKE) ARCH=aarch64 kernel
	$(MAKE) unit
	$(MAKE) fuzz-smoke
	$(MAKE) tools
	$(PYTHON) tests/bootfuzz.py --boots 20 --seed 1
	tests/run --qemu system --qemu build/qemu10
	tests/conform --small --qemu system --qemu build/qemu10

# The virtio conformance matrix (tests/conform, guest side
# drivers/virtio/conform/): every machine and transport on both QEMUs,
# qemu-storage-daemon's vhost-user-blk and our own (tools/vhost-hostile,
# behaving); reports in build/conform/.
conform:
	$(MAKE) ARCH=x86_64 kernel
	$(MAKE) ARCH=aarch64 kernel
	$(MAKE) tools
	tests/conform --qemu system --qemu build/qemu10 --qsd --vhh

# The long runs that make test leaves out: the key-value appliance's kill
# loop with 50 SIGKILLs (tests/hooks/kv_host.py; KV_KILLS=, KV_SEED=), then
# the appliances' load runs (tests/hooks/app_soak.py: wrk and
# redis-benchmark, connection churn, the least -m; SOAK_* counts), each
# printing a PASS or FAIL line; any FAIL fails the target.
soak: deps
	$(MAKE) ARCH=x86_64 kernel
	@mkdir -p build/soak
	T=$(CURDIR)/build/soak ROOT=$(CURDIR) KV_KILLS=$${KV_KILLS:-50} \
	  QEMU_ACCEL=$$(tests/run --print-accel | sed 's/^-accel //') tests/hooks/kv_host.py kill
	T=$(CURDIR)/build/soak ROOT=$(CURDIR) \
	  QEMU_ACCEL=$$(tests/run --print-accel | sed 's/^-accel //') tests/hooks/app_soak.py all

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
