UNIT_TESTS += bootinfo
UNIT_SRCS_bootinfo := tests/unit/test_bootinfo.c tests/unit/stubs.c kern/arch/x86_64/bootinfo.c kern/mm/memmap.c
