UNIT_TESTS += heap
UNIT_SRCS_heap := tests/unit/test_heap.c tests/unit/stubs.c kern/mm/heap.c kern/mm/pmm.c kern/mm/memmap.c
UNIT_CFLAGS_heap := -Dmalloc=k_malloc -Dcalloc=k_calloc -Drealloc=k_realloc \
	-Dfree=k_free -Daligned_alloc=k_aligned_alloc \
	-Dposix_memalign=k_posix_memalign -Dmemalign=k_memalign
