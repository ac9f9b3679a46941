UNIT_TESTS += pmm
UNIT_SRCS_pmm := tests/unit/test_pmm.c kern/mm/pmm.c kern/mm/memmap.c
