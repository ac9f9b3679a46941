UNIT_TESTS += pmm pmm_tight
UNIT_SRCS_pmm := tests/unit/test_pmm.c tests/unit/stubs.c kern/mm/pmm.c kern/mm/memmap.c
# The same cases with no spare room for fresh blocks, so that split pieces
# take the "table full, link it" path too.
UNIT_SRCS_pmm_tight := $(UNIT_SRCS_pmm)
UNIT_CFLAGS_pmm_tight := -DPMM_FRESH_SPARE=0
