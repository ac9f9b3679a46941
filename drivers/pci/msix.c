// SPDX-License-Identifier: MIT
/* Interrupts of PCI functions: MSI-X (PCI Local Bus 3.0 §6.8.2, PCIe 6.0
 * §7.7.2) and the legacy INTx pins as a fallback.
 *
 * MSI-X: the capability points at a table in one of the function's memory
 * BARs; each 16-byte entry holds the message address, data and a per-vector
 * mask bit. The function writes the message (a memory write, so Bus Master
 * must be on) for an unmasked entry when enabled. An entry must be masked
 * while it is being reprogrammed (§6.8.2.9), so every update here is mask,
 * write, unmask.
 *
 * INTx: level-triggered and shared (§2.2.6): several functions may drive
 * the same line, so one dispatcher per line calls every handler attached to
 * it, and each handler checks its own device's status. */
#include <drivers/pci.h>
#include <kern/errno.h>
#include <kern/irq.h>
#include <kern/printk.h>
#include <arch/io.h>
#include "pci_priv.h"

/* Capability registers, relative to the capability offset. */
#define MSIX_CTRL               2
#define  MSIX_CTRL_SIZE         0x07ff      /* table size - 1 */
#define  MSIX_CTRL_FMASK        0x4000      /* function mask */
#define  MSIX_CTRL_ENABLE       0x8000
#define MSIX_TABLE              4           /* BIR in bits 2:0, offset above */
#define MSIX_PBA                8
/* Table entry layout. */
#define MSIX_ENTRY_SIZE         16
#define MSIX_E_ADDR_LO          0
#define MSIX_E_ADDR_HI          4
#define MSIX_E_DATA             8
#define MSIX_E_CTRL             12
#define  MSIX_E_MASKED          0x1

/* Vectors handed out for MSI-X entries, so that re-attach and disable can
 * give them back. */
#define MSIX_MAX_ATTACHED 256
static struct {
	struct pci_dev *d;
	unsigned entry;
	int vector;
} msix_vec[MSIX_MAX_ATTACHED];

static volatile void *entry_reg(const struct pci_dev *d, unsigned entry, unsigned reg)
{
	return (char *)d->msix_table + entry * MSIX_ENTRY_SIZE + reg;
}

static void entry_set_mask(struct pci_dev *d, unsigned entry, bool masked)
{
	volatile void *ctl = entry_reg(d, entry, MSIX_E_CTRL);
	uint32_t v = mmio_read32(ctl);
	/* The other bits of Vector Control are reserved: preserve them. */
	v = masked ? v | MSIX_E_MASKED : v & ~MSIX_E_MASKED;
	mmio_write32(ctl, v);
	/* Read back: MMIO writes are posted; the mask must have landed
	 * before the caller relies on it. */
	(void)mmio_read32(ctl);
}

static void release_vector(struct pci_dev *d, unsigned entry)
{
	for (int i = 0; i < MSIX_MAX_ATTACHED; i++) {
		if (msix_vec[i].d == d && msix_vec[i].entry == entry) {
			irq_free(msix_vec[i].vector);
			msix_vec[i].d = NULL;
		}
	}
}

int pci_msix_enable(struct pci_dev *d, unsigned nvec)
{
	if (nvec == 0)
		return -EINVAL;
	if (d->msix_table)
		return -EBUSY;
	int cap = pci_find_cap(d, PCI_CAP_ID_MSIX, 0);
	if (cap < 0)
		return cap == -EIO ? -EIO : -ENODEV;

	uint16_t ctrl = pci_cfg_read(d, cap + MSIX_CTRL, 2);
	uint32_t tbl = pci_cfg_read(d, cap + MSIX_TABLE, 4);
	unsigned n = (ctrl & MSIX_CTRL_SIZE) + 1;
	unsigned bir = tbl & 7;
	uint64_t off = tbl & ~7u;

	/* The table must lie inside a memory BAR we sized (§6.8.2.4); a BIR
	 * of 6 or 7 is reserved, and a lying offset could aim our writes at
	 * some other device. */
	if (bir >= 6 || d->bar[bir].io || !d->bar[bir].size ||
	    off >= d->bar[bir].size || (uint64_t)n * MSIX_ENTRY_SIZE > d->bar[bir].size - off) {
		pr_warn("pci %02x:%02x.%u: MSI-X table (bar %u off %#llx, %u entries) "
			"is outside its BAR\n", d->bus, d->dev, d->fn, bir,
			(unsigned long long)off, n);
		return -EIO;
	}
	if (!d->bar[bir].addr)
		return -ENXIO;      /* firmware never assigned the BAR */
	char *base = pci_map_bar(d, bir);
	if (!base)
		return -ENOMEM;

	pci_enable(d);
	/* Enable with the whole function masked, so no entry can fire while
	 * the table still holds whatever firmware left; then mask each entry
	 * and only then lift the function mask. While MSI-X is enabled the
	 * function may not use INTx (§6.8.2); say so in Command as well. */
	pci_cfg_write(d, cap + MSIX_CTRL, 2, ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_FMASK);
	d->msix_cap = cap;
	d->msix_table = base + off;
	for (unsigned i = 0; i < n; i++)
		entry_set_mask(d, i, true);
	uint16_t cmd = pci_cfg_read(d, PCI_COMMAND, 2);
	pci_cfg_write(d, PCI_COMMAND, 2, cmd | PCI_COMMAND_INTX_DISABLE);
	pci_cfg_write(d, cap + MSIX_CTRL, 2,
		      (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FMASK);

	d->msix_nvec = nvec < n ? nvec : n;
	return d->msix_nvec;
}

int pci_msix_attach(struct pci_dev *d, unsigned entry, irq_handler_t fn, void *arg)
{
	if (!d->msix_table)
		return -ENODEV;
	if (entry >= d->msix_nvec || !fn)
		return -EINVAL;

	int slot = -1;
	for (int i = 0; i < MSIX_MAX_ATTACHED && slot < 0; i++)
		if (!msix_vec[i].d)
			slot = i;
	if (slot < 0)
		return -ENOSPC;

	entry_set_mask(d, entry, true);
	release_vector(d, entry);
	struct msi_msg msg;
	/* The requester ID (PCIe 6.0 §2.2.6.2): the ITS maps by it. */
	uint32_t rid = ((uint32_t)d->bus << 8) | ((uint32_t)d->dev << 3) | d->fn;
	int vec = irq_alloc_msi_dev(rid, fn, arg, &msg);
	if (vec < 0)
		return vec;
	msix_vec[slot].d = d;
	msix_vec[slot].entry = entry;
	msix_vec[slot].vector = vec;

	mmio_write32(entry_reg(d, entry, MSIX_E_ADDR_LO), (uint32_t)msg.addr);
	mmio_write32(entry_reg(d, entry, MSIX_E_ADDR_HI), (uint32_t)(msg.addr >> 32));
	mmio_write32(entry_reg(d, entry, MSIX_E_DATA), msg.data);
	entry_set_mask(d, entry, false);
	return 0;
}

void pci_msix_mask(struct pci_dev *d, unsigned entry, bool masked)
{
	if (!d->msix_table || entry >= d->msix_nvec) {
		pr_warn("pci %02x:%02x.%u: MSI-X mask of entry %u ignored\n",
			d->bus, d->dev, d->fn, entry);
		return;
	}
	entry_set_mask(d, entry, masked);
}

void pci_msix_disable(struct pci_dev *d)
{
	if (!d->msix_table)
		return;
	uint16_t ctrl = pci_cfg_read(d, d->msix_cap + MSIX_CTRL, 2);
	unsigned n = (ctrl & MSIX_CTRL_SIZE) + 1;
	for (unsigned i = 0; i < n; i++)
		entry_set_mask(d, i, true);
	for (unsigned i = 0; i < d->msix_nvec; i++)
		release_vector(d, i);
	pci_cfg_write(d, d->msix_cap + MSIX_CTRL, 2, ctrl & ~(MSIX_CTRL_ENABLE | MSIX_CTRL_FMASK));
	d->msix_table = NULL;
	d->msix_nvec = 0;
}

int pci_msix_entry(const struct pci_dev *d, unsigned entry, struct msi_msg *msg, bool *masked)
{
	if (!d->msix_table)
		return -ENODEV;
	if (entry >= d->msix_nvec)
		return -EINVAL;
	if (msg) {
		msg->addr = mmio_read32(entry_reg(d, entry, MSIX_E_ADDR_LO)) |
			    (uint64_t)mmio_read32(entry_reg(d, entry, MSIX_E_ADDR_HI)) << 32;
		msg->data = mmio_read32(entry_reg(d, entry, MSIX_E_DATA));
	}
	if (masked)
		*masked = mmio_read32(entry_reg(d, entry, MSIX_E_CTRL)) & MSIX_E_MASKED;
	return 0;
}

int pci_msix_pending(const struct pci_dev *d, unsigned entry)
{
	if (!d->msix_table)
		return -ENODEV;
	if (entry >= d->msix_nvec)
		return -EINVAL;
	/* The Pending Bit Array: one bit per entry, in QWORDs (§6.8.2.10),
	 * in a BAR of its own choosing; checked like the table. */
	uint32_t pba = pci_cfg_read(d, d->msix_cap + MSIX_PBA, 4);
	unsigned bir = pba & 7;
	uint64_t off = (pba & ~7u) + (entry / 64) * 8;
	if (bir >= 6 || d->bar[bir].io || !d->bar[bir].size ||
	    off >= d->bar[bir].size || d->bar[bir].size - off < 8)
		return -EIO;
	char *base = pci_map_bar((struct pci_dev *)d, bir);
	if (!base)
		return -ENOMEM;
	/* Read as two dwords: PBA QWORD accesses are optional for functions
	 * (§6.8.2.10), DWORD ones are always allowed. */
	uint32_t w = mmio_read32(base + off + ((entry % 64) / 32) * 4);
	return (w >> (entry % 32)) & 1;
}

/* --- INTx ---------------------------------------------------------------- */

#define INTX_LINES      16
#define INTX_HANDLERS   64

struct intx_line {
	int line;                   /* -1: slot free */
	int vector;
};

static struct intx_line intx_lines[INTX_LINES] = {
	[0 ... INTX_LINES - 1] = { .line = -1, .vector = -1 },
};

static struct {
	struct intx_line *l;        /* NULL: slot free */
	struct pci_dev *d;
	irq_handler_t fn;
	void *arg;
} intx_h[INTX_HANDLERS];

/* Runs for the shared line: offer the interrupt to every function on it.
 * A handler whose device did not interrupt just returns; the line stays
 * asserted (and fires again after the EOI) until every source is served. */
static void intx_dispatch(void *arg)
{
	struct intx_line *l = arg;
	for (int i = 0; i < INTX_HANDLERS; i++) {
		if (intx_h[i].l == l) {
			irq_handler_t fn = intx_h[i].fn;
			if (fn)
				fn(intx_h[i].arg);
		}
	}
}

int pci_intx_attach(struct pci_dev *d, irq_handler_t fn, void *arg)
{
	if (!fn)
		return -EINVAL;
	if (!d->irq_pin)
		return -ENODEV;
	if (d->irq_line < 0)
		return -ENXIO;

	unsigned long flags = irq_save();
	struct intx_line *l = NULL, *free_l = NULL;
	for (int i = 0; i < INTX_LINES; i++) {
		if (intx_lines[i].line == d->irq_line)
			l = &intx_lines[i];
		else if (intx_lines[i].line < 0 && !free_l)
			free_l = &intx_lines[i];
	}
	int slot = -1;
	for (int i = 0; i < INTX_HANDLERS && slot < 0; i++)
		if (!intx_h[i].l)
			slot = i;
	int rc = 0;
	if (slot < 0 || (!l && !free_l)) {
		rc = -ENOSPC;
		goto out;
	}
	if (!l) {
		/* First user of the line: route it. PCI INTx is
		 * level-sensitive, active low at the pin (§2.2.6); the IRQ
		 * layer applies what ACPI says about an ISA IRQ's polarity,
		 * and a device tree's interrupt-map may say the controller
		 * sees it active-high (irq_active_high). */
		int v = irq_attach_line(d->irq_line, true, !d->irq_active_high,
					intx_dispatch, free_l);
		if (v < 0) {
			rc = v;
			goto out;
		}
		l = free_l;
		l->line = d->irq_line;
		l->vector = v;
	}
	intx_h[slot].d = d;
	intx_h[slot].fn = fn;
	intx_h[slot].arg = arg;
	intx_h[slot].l = l;         /* last: publishes the slot */
out:
	irq_restore(flags);
	if (rc == 0) {
		/* Let the function assert INTx (Command bit 10 clear). */
		uint16_t cmd = pci_cfg_read(d, PCI_COMMAND, 2);
		if (cmd & PCI_COMMAND_INTX_DISABLE)
			pci_cfg_write(d, PCI_COMMAND, 2, cmd & ~PCI_COMMAND_INTX_DISABLE);
	}
	return rc;
}

void pci_intx_detach(struct pci_dev *d, irq_handler_t fn, void *arg)
{
	unsigned long flags = irq_save();
	struct intx_line *l = NULL;
	for (int i = 0; i < INTX_HANDLERS; i++) {
		if (intx_h[i].l && intx_h[i].d == d && intx_h[i].fn == fn &&
		    intx_h[i].arg == arg) {
			l = intx_h[i].l;
			intx_h[i].l = NULL;
		}
	}
	bool others = false;
	bool mine = false;
	for (int i = 0; i < INTX_HANDLERS; i++) {
		if (l && intx_h[i].l == l)
			others = true;
		if (intx_h[i].l && intx_h[i].d == d)
			mine = true;
	}
	if (l && !others) {
		irq_free(l->vector);
		l->line = -1;
		l->vector = -1;
	}
	irq_restore(flags);
	/* With no handler left for it, stop the function from asserting. */
	if (l && !mine) {
		uint16_t cmd = pci_cfg_read(d, PCI_COMMAND, 2);
		pci_cfg_write(d, PCI_COMMAND, 2, cmd | PCI_COMMAND_INTX_DISABLE);
	}
}
