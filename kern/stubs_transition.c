// SPDX-License-Identifier: MIT
/* Weak stand-ins so the kernel links while subsystems land one by one.
 * Each real implementation overrides its entry; this file goes once all
 * have landed. */
#include <kern/cmdline.h>
#include <kern/irq.h>
#include <kern/sched.h>
#include <kern/shell.h>
#include <kern/time.h>
#include <kern/printk.h>
#include <arch/barrier.h>
#include <string.h>

#define WEAK __attribute__((weak))
static const char *raw = "";
WEAK int cmdline_parse(const char *s) { raw = s; return 0; }
WEAK const char *cmdline_get(const char *key)
{
	/* Only "test=..." matters before the real parser lands. */
	static char val[128];
	size_t kl = strlen(key);
	for (const char *p = raw; p && *p;) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			size_t n = strcspn(p + kl + 1, " ");
			if (n >= sizeof(val)) n = sizeof(val) - 1;
			memcpy(val, p + kl + 1, n);
			val[n] = 0;
			return val;
		}
		p = strchr(p, ' ');
		if (p) p++;
	}
	return NULL;
}
WEAK long long cmdline_get_int(const char *key, long long def) { return def; }
WEAK int irq_attach_line(unsigned line, bool level, bool active_low, irq_handler_t fn, void *arg) { return -38; }
WEAK void irq_enable(void) {}
WEAK void waitq_wake_one(struct waitq *wq) {}
WEAK void shell_run(void) {}
WEAK int shell_run_boot_commands(const char *cmds) { return -38; }
WEAK const char *time_clock_name(void) { return "none"; }
WEAK void thread_sleep_ns(uint64_t ns) {}
WEAK unsigned long irq_save(void) { return 0; }
WEAK void irq_restore(unsigned long f) {}
WEAK int waitq_sleep_locked(struct waitq *wq, uint64_t t) { return 0; }
WEAK void timer_init(struct timer *t, void (*fn)(struct timer *t), void *arg) {}
WEAK void timer_arm(struct timer *t, uint64_t d) {}
WEAK bool timer_cancel(struct timer *t) { return false; }
WEAK uint64_t time_ns(void) { return 0; }
WEAK int irq_alloc_msi(irq_handler_t fn, void *arg, struct msi_msg *msg) { return -38; }
WEAK void irq_free(int vector) {}
WEAK void irq_mask_line(unsigned line, bool masked) {}
WEAK bool irq_enabled(void) { return false; }
WEAK void irq_disable(void) {}
WEAK uint64_t irq_count(int vector) { return 0; }
WEAK void udelay(uint64_t us) { for (uint64_t i = 0; i < us * 1000; i++) cpu_relax(); }
