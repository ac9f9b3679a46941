// SPDX-License-Identifier: MIT
/* I/O APICs (Intel 82093AA datasheet §3.2): an index register (IOREGSEL,
 * offset 0) and a data window (IOWIN, offset 0x10). Register 1 is the
 * version, whose bits 23:16 give the highest redirection entry; entry n
 * is the register pair 0x10 + 2n (low) / 0x11 + 2n (high). */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <kern/acpi.h>
#include <kern/boot.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <kern/vm.h>

#define IOREGSEL 0x00
#define IOWIN    0x10
#define IOAPIC_REG_ID  0
#define IOAPIC_REG_VER 1
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))

/* Redirection entry bits (82093AA §3.2.4). */
#define RTE_ACTIVE_LOW  (1u << 13)
#define RTE_LEVEL       (1u << 15)
#define RTE_MASKED      (1u << 16)

struct ioapic {
	volatile uint8_t *regs;
	uint32_t gsi_base;
	unsigned nentries;
	uint8_t id;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nioapics;

static uint32_t io_read(struct ioapic *io, unsigned reg)
{
	mmio_write32(io->regs + IOREGSEL, reg);
	return mmio_read32(io->regs + IOWIN);
}

static void io_write(struct ioapic *io, unsigned reg, uint32_t v)
{
	mmio_write32(io->regs + IOREGSEL, reg);
	mmio_write32(io->regs + IOWIN, v);
}

static struct ioapic *find(uint32_t gsi, unsigned *pin)
{
	for (unsigned i = 0; i < nioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nentries) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

int ioapic_init(const struct acpi_madt_info *m)
{
	for (unsigned i = 0; i < m->nioapics && nioapics < ACPI_MAX_IOAPICS; i++) {
		const struct acpi_ioapic *a = &m->ioapic[i];
		struct ioapic *io = &ioapics[nioapics];

		if (!a->addr || (a->addr & 0xf)) {
			pr_warn("ioapic: bad address %#llx in the MADT; skipped\n",
				(unsigned long long)a->addr);
			continue;
		}
		/* IOREGSEL and IOWIN (82093AA §3.0): a MADT that puts them
		 * on RAM would have us write there. */
		if (boot_device_window("ioapic", a->addr, 0x20))
			continue;
		io->regs = vm_map_mmio(a->addr, 4096);
		if (!io->regs)
			continue;
		uint32_t ver = io_read(io, IOAPIC_REG_VER);

		/* Nothing there reads as all ones (absent MMIO). */
		if (ver == 0xffffffff) {
			pr_warn("ioapic: nothing answers at %#llx; skipped\n",
				(unsigned long long)a->addr);
			continue;
		}
		io->nentries = ((ver >> 16) & 0xff) + 1;
		io->gsi_base = a->gsi_base;
		io->id = a->id;
		/* Every redirection entry comes out of reset masked (82093AA
		 * §3.2.4, bit 16), and the PC firmware we boot from (SeaBIOS,
		 * qboot, GRUB) runs in 8259 mode and leaves them so. Masking
		 * 24+ entries again would cost two trapping MMIO accesses
		 * each, a large part of the boot budget under KVM; entries
		 * are written only when routed. */
		pr_debug("ioapic: id %u at %#llx, GSIs %u-%u\n", io->id,
			(unsigned long long)a->addr, io->gsi_base,
			io->gsi_base + io->nentries - 1);
		nioapics++;
	}
	return nioapics ? (int)nioapics : -ENODEV;
}

unsigned ioapic_count(void)
{
	return nioapics;
}

unsigned ioapic_gsi_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nioapics; i++)
		n += ioapics[i].nentries;
	return n;
}

bool ioapic_has_gsi(uint32_t gsi)
{
	unsigned pin;

	return find(gsi, &pin) != NULL;
}

int ioapic_route(uint32_t gsi, uint8_t vector, bool level, bool active_low,
		 uint32_t apic_id, bool masked)
{
	unsigned pin;
	struct ioapic *io = find(gsi, &pin);

	if (!io)
		return -EINVAL;
	/* Fixed delivery, physical destination mode: the high half holds the
	 * APIC id in bits 63:56 (8 bits; ids above 255 would need interrupt
	 * remapping, and we only target the boot CPU). */
	uint32_t lo = vector | (active_low ? RTE_ACTIVE_LOW : 0) |
		      (level ? RTE_LEVEL : 0) | (masked ? RTE_MASKED : 0);
	unsigned long flags = irq_save();

	/* Mask first, so the entry never fires half-written. */
	io_write(io, IOAPIC_REDTBL(pin), RTE_MASKED);
	io_write(io, IOAPIC_REDTBL(pin) + 1, (apic_id & 0xff) << 24);
	io_write(io, IOAPIC_REDTBL(pin), lo);
	irq_restore(flags);
	return 0;
}

int ioapic_mask(uint32_t gsi, bool masked)
{
	unsigned pin;
	struct ioapic *io = find(gsi, &pin);

	if (!io)
		return -EINVAL;
	unsigned long flags = irq_save();
	uint32_t lo = io_read(io, IOAPIC_REDTBL(pin));

	lo = masked ? lo | RTE_MASKED : lo & ~RTE_MASKED;
	io_write(io, IOAPIC_REDTBL(pin), lo);
	irq_restore(flags);
	return 0;
}

uint64_t ioapic_read_entry(uint32_t gsi)
{
	unsigned pin;
	struct ioapic *io = find(gsi, &pin);

	if (!io)
		return 0;
	unsigned long flags = irq_save();
	uint64_t v = io_read(io, IOAPIC_REDTBL(pin)) |
		     (uint64_t)io_read(io, IOAPIC_REDTBL(pin) + 1) << 32;

	irq_restore(flags);
	return v;
}
