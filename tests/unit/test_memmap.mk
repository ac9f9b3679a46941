UNIT_TESTS += memmap
UNIT_SRCS_memmap := tests/unit/test_memmap.c tests/unit/stubs.c kern/mm/memmap.c
