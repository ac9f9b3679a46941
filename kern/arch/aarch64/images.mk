# aarch64 images beside kernel.elf.
# kernel.img: the loaded sections as one flat binary that starts with the
# arm64 Image header (boot/aarch64/entry.S), which QEMU's -kernel (and any
# Linux boot loader) loads at RAM base + text_offset, DTB address in x0.
ARCH_IMAGES := $(BUILD)/kernel.img

$(BUILD)/kernel.img: $(BUILD)/kernel.elf
	@echo "  OBJCOPY $@"
	@$(OBJCOPY) -O binary $< $@

# KVM only where the host is arm64 itself and /dev/kvm opens; TCG
# otherwise (KVM runs only guests of the host's own architecture).
ifeq ($(shell uname -m),aarch64)
ACCEL_ARGS = $(shell [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ "$(ACCEL)" != tcg ] && echo "-accel kvm" || echo "-accel tcg")
RUN_CPU ?= $(if $(findstring kvm,$(ACCEL_ARGS)),host,cortex-a57)
else
ACCEL_ARGS = -accel tcg
RUN_CPU ?= cortex-a57
endif
RUN_MACHINE ?= virt
RUN_CMD = $(QEMU) $(ACCEL_ARGS) -machine $(RUN_MACHINE) -cpu $(RUN_CPU) -m 256M \
	-nographic -no-reboot -kernel $(BUILD)/kernel.img -append "$(CMDLINE)"
CMDLINE ?=

# The do-nothing guest for make bench (tools/floor/floor_aarch64.S).
ARCH_IMAGES += $(BUILD)/floor.img
$(BUILD)/floor.img: tools/floor/floor_aarch64.S
	@mkdir -p $(dir $@)
	@$(CC) -c tools/floor/floor_aarch64.S -o $(BUILD)/floor_aarch64.o
	@$(OBJCOPY) -O binary $(BUILD)/floor_aarch64.o $@
