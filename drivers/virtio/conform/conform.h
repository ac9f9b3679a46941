/* SPDX-License-Identifier: MIT */
/* The virtio conformance suite's private header: the check registry and the
 * raw device layer the checks drive devices through.
 *
 * A check is named after the normative clause of virtio 1.2 it checks
 * (section number and a short name, "4.1.4.3.1-queue-size-power-of-two")
 * and runs once per device; a check whose device type or transport does
 * not match is a TAP skip saying so. Checks drive the device through the
 * transport ops (<drivers/virtio_transport.h>) and write the split rings
 * themselves (cf_* below), so they can post any descriptor layout and see
 * exactly what the device wrote back. Every buffer a check posts sits
 * between canary pages; after each check the runner fails it if the device
 * wrote outside a buffer or into a device-readable one (§2.7.5.1).
 *
 * tests/conform reads the CONFORM_CHECK lines of these files to build the
 * README's clause table: keep each one's arguments on its first line. */
#ifndef DRIVERS_VIRTIO_CONFORM_PRIV_H
#define DRIVERS_VIRTIO_CONFORM_PRIV_H

#include <drivers/virtio_transport.h>
#include <drivers/virtio_conform.h>
#include <drivers/virtio_balloon.h>
#include <drivers/virtio_scsi.h>
#include <kern/test.h>

/* Transports, as bits (a check's mask; 0 = every transport). */
#define CF_PCI_MODERN   (1u << 0)
#define CF_PCI_LEGACY   (1u << 1)
#define CF_MMIO2        (1u << 2)
#define CF_MMIO1        (1u << 3)
#define CF_PCI          (CF_PCI_MODERN | CF_PCI_LEGACY)
#define CF_MMIO         (CF_MMIO2 | CF_MMIO1)
#define CF_MODERN       (CF_PCI_MODERN | CF_MMIO2)
#define CF_ALL          0u
/* Not a transport: the check may leave the device unusable (it provokes an
 * error), so it runs after every other check of the device. */
#define CF_LAST         (1u << 31)

/* Device types, as bits (1 << VIRTIO_ID_x; 0 = every type). */
#define CF_NET          (1u << VIRTIO_ID_NET)
#define CF_BLK          (1u << VIRTIO_ID_BLOCK)
#define CF_RNG          (1u << VIRTIO_ID_ENTROPY)
#define CF_CONSOLE      (1u << VIRTIO_ID_CONSOLE)
#define CF_BALLOON      (1u << VIRTIO_ID_BALLOON)
#define CF_SCSI         (1u << VIRTIO_ID_SCSI)
#define CF_ANY          0u

struct cf_dev;

struct cf_check {
	const char *name;       /* "<section>-<short-name>" */
	const char *what;       /* what is checked, one line */
	unsigned types, transports;
	void (*fn)(struct cf_dev *d);
};

#define CONFORM_CHECK(id, name, what, types, transports)                     \
	static void cf_fn_##id(struct cf_dev *d);                            \
	static const struct cf_check cf_check_##id                           \
		__used __section(".conform") __aligned(8) =                   \
		{ name, what, types, transports, cf_fn_##id };               \
	static void cf_fn_##id(struct cf_dev *d)

/* A check's verdicts, through kern/test.c's machinery. */
#define CF_FAIL(...)                                                         \
	do {                                                                 \
		test_diag(__VA_ARGS__);                                      \
		test_check(false, __FILE__, __LINE__, "conformance");        \
	} while (0)
#define CF_SKIP(...)    test_skip(__VA_ARGS__)
#define CF_DIAG(...)    test_diag(__VA_ARGS__)

#define CF_MAXQ         4
/* A request left unanswered this long fails its check (conform.timeout_ms,
 * default 1000: QEMU under TCG answers in well under 10 ms). */
extern unsigned cf_wait_ms;
#define CF_WAIT_MS      cf_wait_ms
/* How long a check watches for something that must NOT happen (a buffer
 * used too early, an interrupt that should not come): a device that does it
 * later is missed, never a conforming one failed. cf_quiet_ms stretches it
 * to four times what the same request takes the device when it is allowed
 * to answer (rng-random answers when its backend has entropy). */
#define CF_QUIET_MS     20
/* Bring the device up, time one probe request, reset. @return the window
 * to watch in ms (CF_QUIET_MS at least, at most CF_WAIT_MS). */
unsigned cf_quiet_ms(struct cf_dev *d);
#define CF_CANARY       0xa5

/* One buffer between canary pages. */
struct cf_buf {
	uint8_t *p;             /* the buffer: len bytes */
	uint32_t len;
	bool write;             /* device-writable */
	uint32_t sum;           /* a device-readable buffer's checksum when posted */
	uint8_t *region;        /* pages: canary, buffer, canary */
	unsigned order;
	struct cf_buf *next;
};

struct cf_dev {
	struct virtio_dev *vdev;
	unsigned tr;                /* CF_PCI_MODERN ... */
	const char *type;           /* "blk", "net", "rng", "console", "balloon", "scsi" */
	bool unreachable;           /* the status reads 0xff: no access at all */
	unsigned nq;                /* queues the checks use */
	struct virtqueue *vq[CF_MAXQ];
	bool have_vqs;              /* created (once per device, by the core) */
	uint64_t offered, features;
	uint16_t avail_idx[CF_MAXQ], used_seen[CF_MAXQ];
	uint16_t next_desc[CF_MAXQ];
	volatile uint32_t n_vq_intr[CF_MAXQ], n_shared_intr, n_config_intr;
	volatile uint8_t isr_seen;  /* OR of the ISR bits the shared handler read */
	struct cf_buf *bufs;        /* this check's, freed after it */
	/* One host-driven configuration change per device (blk.c), shared by
	 * the checks that look at it: 0 not tried, 1 nothing changed, 2 seen. */
	struct {
		int state;
		uint64_t val0, val1;    /* the field before and after */
		uint32_t gen0, gen1, notes;
		uint8_t isr;
	} chg;
};

/* A piece of a request: a buffer, the first off..off+len of it. */
struct cf_seg {
	struct cf_buf *b;
	uint32_t off, len;
};

/* ---- device set-up (core.c) ---- */
/* Reset and wait (bounded) for the status to read 0. @return 0, -ETIMEDOUT. */
int cf_reset(struct cf_dev *d);
/* Reset, ACKNOWLEDGE, DRIVER, negotiate offered & want (plus VERSION_1 on a
 * modern transport), FEATURES_OK. @return 0, -EIO (FEATURES_OK refused:
 * diagnosed), -ETIMEDOUT. */
int cf_start(struct cf_dev *d, uint64_t want);
/* Set up the queues (created once, given to the device again after every
 * reset, rings cleared). @return 0 or -errno (diagnosed). */
int cf_queues(struct cf_dev *d);
/* PCI with MSI-X: map the configuration vector again (a reset unmaps it,
 * §4.1.5.1.2.1; queue_setup maps only the queues'). In pci.c. */
void cf_pci_config_vector(struct cf_dev *d);
/* Set DRIVER_OK. */
void cf_driver_ok(struct cf_dev *d);
/* cf_start + cf_queues + cf_driver_ok. @return 0 or -errno (diagnosed). */
int cf_up(struct cf_dev *d, uint64_t want);
/* Did interrupts get set up (irq mode, a line or vectors)? */
bool cf_irq(struct cf_dev *d);

/* ---- buffers and rings (ring.c) ---- */
/* A buffer of len bytes between canary pages, freed after the check; a
 * writable one is filled with the canary byte too. NULL when out of memory
 * (diagnosed, check failed). */
struct cf_buf *cf_buf(struct cf_dev *d, uint32_t len, bool write);
/* Write a chain of descriptors for segs (n_out readable, then n_in
 * writable) into queue q's table. @return the head index. */
uint16_t cf_chain(struct cf_dev *d, unsigned q, const struct cf_seg *segs,
		  unsigned n_out, unsigned n_in);
/* The same chain put in an indirect table (a buffer of its own), referred
 * to by one descriptor; with lead > 0 the first lead segments stay direct
 * descriptors chained in front of it (§2.7.5.3.2). wflag sets
 * VIRTQ_DESC_F_WRITE on the indirect descriptor. @return the head. */
uint16_t cf_chain_indirect(struct cf_dev *d, unsigned q, const struct cf_seg *segs,
			   unsigned n_out, unsigned n_in, unsigned lead, bool wflag);
/* Put head in the available ring (not yet published). */
void cf_avail(struct cf_dev *d, unsigned q, uint16_t head);
/* Publish the available index and notify the device. */
void cf_kick(struct cf_dev *d, unsigned q);
/* Wait for the used index to reach used_seen + n. @return 0, -ETIMEDOUT,
 * -EIO (the device set DEVICE_NEEDS_RESET; diagnosed by the caller). */
int cf_wait_used(struct cf_dev *d, unsigned q, unsigned n, unsigned ms);
/* The used element at used_seen + i (read once). */
struct vring_used_elem cf_used(struct cf_dev *d, unsigned q, unsigned i);
/* Move used_seen past n elements. */
void cf_consume(struct cf_dev *d, unsigned q, unsigned n);
/* Post segs as one request, kick, wait. @return 0 with *len the used
 * length, else -errno with a diagnostic (check failed). */
int cf_request(struct cf_dev *d, unsigned q, const struct cf_seg *segs,
	       unsigned n_out, unsigned n_in, uint32_t *len);
/* A buffer's checksum (device-readable buffers are checked after a check). */
uint32_t cf_sum(const struct cf_buf *b);
/* Why a wait ended badly, for diagnostics. */
const char *cf_why(struct cf_dev *d, int rc);
/* Sleep-free delay for ms milliseconds with interrupts on. */
void cf_delay_ms(unsigned ms);

/* ---- per device type (blk.c, net.c, rng.c, console.c, balloon.c, scsi.c) ---- */
/* A small request of the device's own kind on queue *q, built from pieces
 * split by layout (0: the usual shape; 1, 2...: other arrangements of the
 * same bytes, §2.7.4), and a way to tell its answer is right.
 * @return the number of segments written to segs (n_out, n_in set), 0 when
 * the type has none. */
struct cf_probe {
	unsigned q, n_out, n_in;
	struct cf_seg seg[16];
	uint32_t in_total;          /* writable bytes posted */
	struct cf_buf *data;        /* what a right answer fills (blk, rng) */
	struct cf_buf *status;      /* blk: the status byte's buffer */
	uint32_t status_off;
};
int cf_probe_build(struct cf_dev *d, struct cf_probe *p, int layout);
/* Is the answer right? (a diagnostic when not) */
bool cf_probe_ok(struct cf_dev *d, const struct cf_probe *p, uint32_t len);
/* For the transports' interrupt-status checks (§4.1.4.5.1, §4.2.2.1): on a
 * device that is up, one probe request run with interrupts off, so no
 * handler reads or acknowledges the status before the check does, and 2 ms
 * after the used index moved for the device to raise it. @return true with
 * the request used and *flp the interrupt state to irq_restore; false
 * (skipped: no probe for the type; failed: never used) with interrupts as
 * they were. */
bool cf_probe_unacked(struct cf_dev *d, unsigned long *flp);
int cf_blk_probe(struct cf_dev *d, struct cf_probe *p, int layout);
bool cf_blk_probe_ok(struct cf_dev *d, const struct cf_probe *p, uint32_t len);
int cf_net_probe(struct cf_dev *d, struct cf_probe *p, int layout);
int cf_rng_probe(struct cf_dev *d, struct cf_probe *p, int layout);
int cf_scsi_probe(struct cf_dev *d, struct cf_probe *p, int layout);
bool cf_scsi_probe_ok(struct cf_dev *d, const struct cf_probe *p, uint32_t len);
int cf_console_probe(struct cf_dev *d, struct cf_probe *p, int layout);
bool cf_rng_probe_ok(struct cf_dev *d, const struct cf_probe *p, uint32_t len);
/* Ask the host for a configuration change (chg.c: a blk disk grows, a net
 * link goes down and up again; "# conform: host: ..." on the console,
 * answered by tests/conform through QMP) and wait for the field to change.
 * The device must be up. @return 0, -ETIMEDOUT when nothing changed,
 * -ENOENT for a type (or feature set) with no field to change. */
int cf_host_poke(struct cf_dev *d);
/* The device's one host-driven change (d->chg), made by the first check
 * that asks; a skip (diagnosed) when the host changed nothing.
 * @return true when d->chg holds a change. */
bool cf_host_change(struct cf_dev *d);
/* Queues the checks use for a device type. */
unsigned cf_type_queues(uint16_t id);

#endif
