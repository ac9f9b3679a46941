# x86_64 images beside kernel.elf.
# kernel.elf carries all three boot headers. QEMU's -kernel loader tries
# Multiboot1 before PVH whenever a Multiboot1 header is present
# (hw/i386/x86.c), so the PVH way in is exercised with kernel-pvh.elf: the
# same ELF with the Multiboot1 header's magic blanked, nothing else changed.
ARCH_IMAGES := $(BUILD)/kernel-pvh.elf $(BUILD)/floor.elf

$(BUILD)/kernel-pvh.elf: $(BUILD)/kernel.elf
	head -c 32 /dev/zero > $(BUILD)/mb1zero.bin
	$(OBJCOPY) --update-section .boot.mb1=$(BUILD)/mb1zero.bin $< $@

# `make iso`: GRUB (Multiboot2) on a BIOS-bootable ISO. CMDLINE goes into grub.cfg.
CMDLINE ?=
iso: $(BUILD)/kernel.iso
$(BUILD)/kernel.iso: $(BUILD)/kernel.elf boot/x86_64/grub.cfg.in
	rm -rf $(BUILD)/isodir && mkdir -p $(BUILD)/isodir/boot/grub
	cp $< $(BUILD)/isodir/boot/kernel.elf
	sed 's|@CMDLINE@|$(CMDLINE)|' boot/x86_64/grub.cfg.in > $(BUILD)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/isodir 2>$(BUILD)/grub-mkrescue.log || { cat $(BUILD)/grub-mkrescue.log; exit 1; }

ACCEL_ARGS = $(shell tools/accel.sh)
RUN_CMD = $(QEMU) $(ACCEL_ARGS) -machine q35 -m 256M -nographic -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-kernel $(BUILD)/kernel.elf -append "$(CMDLINE)"

# The do-nothing PVH guest (tools/floor): QEMU's own start-up cost.
$(BUILD)/floor.elf: tools/floor/floor.S tools/floor/floor.ld
	@mkdir -p $(dir $@)
	$(CC) -c -m64 tools/floor/floor.S -o $(BUILD)/floor.o
	$(LD) -m elf_x86_64 -nostdlib -static -T tools/floor/floor.ld $(BUILD)/floor.o -o $@
