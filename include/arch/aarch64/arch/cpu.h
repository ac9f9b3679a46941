/* SPDX-License-Identifier: MIT */
/* aarch64 system registers and the PSTATE interrupt masks. Register and
 * field names follow the Arm ARM (DDI 0487), chapter D17 "AArch64 System
 * Register Descriptions". */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <kern/compiler.h>

/* The assembler takes these names for every register used here; a
 * register it might not know is written as its S<op0>_<op1>_C<n>_C<m>_<op2>
 * encoding where it is used. */
#define read_sysreg(reg) ({                                             \
	uint64_t v_;                                                    \
	__asm__ __volatile__("mrs %0, " #reg : "=r"(v_) : : "memory");  \
	v_;                                                             \
})
#define write_sysreg(reg, val)                                          \
	__asm__ __volatile__("msr " #reg ", %x0" : : "rZ"((uint64_t)(val)) : "memory")

static inline void isb(void)
{
	__asm__ __volatile__("isb" ::: "memory");
}

/* DAIF (D17.2.30): the I bit masks IRQs. */
#define DAIF_I          (1UL << 7)
#define DAIF_F          (1UL << 6)

/* irq_save and irq_restore (<kern/irq.h>): the previous I bit. */
static inline unsigned long arch_irq_save(void)
{
	unsigned long daif = read_sysreg(daif);

	__asm__ __volatile__("msr daifset, #2" ::: "memory");
	return daif & DAIF_I;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (!(flags & DAIF_I))
		__asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

/* CurrentEL (D17.2.29): EL in bits [3:2]. */
static inline unsigned current_el(void)
{
	return (unsigned)(read_sysreg(CurrentEL) >> 2) & 3;
}

/* ESR_ELx exception classes (D17.2.37). */
#define ESR_EC(esr)             (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr)            ((esr) & 0x1ffffff)
#define EC_UNKNOWN              0x00
#define EC_IABT_LOW             0x20
#define EC_IABT_CUR             0x21
#define EC_PC_ALIGN             0x22
#define EC_DABT_LOW             0x24
#define EC_DABT_CUR             0x25
#define EC_SP_ALIGN             0x26
#define EC_SERROR               0x2f
#define EC_BRK                  0x3c

/* MPIDR_EL1 affinity fields (D17.2.101) packed as Aff3.Aff2.Aff1.Aff0. */
static inline uint32_t mpidr_affinity(void)
{
	uint64_t m = read_sysreg(mpidr_el1);
	return (uint32_t)((m & 0xffffff) | ((m >> 8) & 0xff000000));
}

#endif
