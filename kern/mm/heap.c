// SPDX-License-Identifier: MIT
/* The kernel heap: size-class slabs for small objects, buddy blocks for the
 * rest.
 *
 * A slab is one page from page_alloc(0): a 64-byte header, then objects of a
 * single size class. Objects are handed out bump-pointer first and then
 * from a free list threaded through freed objects (16-bit indices), and an
 * allocation bitmap in the header says which objects are live, so double
 * frees and pointers into the middle of an object are caught exactly.
 * Power-of-two classes start at a multiple of their size, so their objects
 * are naturally aligned: that is how aligned_alloc serves small alignments.
 *
 * Large blocks carry no header at all; their size is the buddy order, which
 * the page allocator already records (page_block_order). That keeps
 * page-aligned requests (DMA rings) at exactly one page. free() tells the
 * two apart by the pointer: slab objects are never at a page boundary
 * (the header is), large blocks always are. */
#include <kern/heap.h>
#include <kern/pmm.h>
#include <kern/dma.h>
#include <kern/errno.h>
#include <kern/panic.h>
#include <kern/printk.h>
#include <stdlib.h>
#include <string.h>

/* Host tests run under ASan: poisoning free objects lets it catch use after
 * free inside heap pages, which it could not see otherwise (the memory is one
 * big arena to it). No-ops in the kernel. */
#if defined(UNIT_TEST) && defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define SLAB_HDR      64
#define SLAB_MAX_OBJS 256
#define NO_OBJ        0xffff
#define SLAB_MAGIC    0x51ab0c8eu

struct slab {
	uint32_t magic;          /* SLAB_MAGIC ^ page number: see slab_magic */
	uint8_t cls;
	uint8_t pad;
	uint16_t nused;
	uint16_t free_head;      /* first freed object, or NO_OBJ */
	uint16_t bump;           /* objects from here on were never used */
	struct slab *next, *prev;
	uint64_t used[SLAB_MAX_OBJS / 64];
};
_Static_assert(sizeof(struct slab) == SLAB_HDR, "slab header is 64 bytes");

/* Classes: spaced about 1.5x apart so internal waste stays under a third;
 * the last two are the largest sizes that fit three and two per page. */
static const uint16_t class_size[] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1344, HEAP_SLAB_MAX,
};
#define NCLASS ((int)ARRAY_SIZE(class_size))
#define SMALL_MAX 2016
/* Largest power-of-two class: the limit for small aligned allocations. */
#define SMALL_POW2_MAX 1024

struct slab_class {
	struct slab *partial;    /* slabs with a free object */
	struct slab *full;
	uint16_t first;          /* offset of object 0 in the page */
	uint16_t nobj;
};

static struct slab_class classes[NCLASS];
static bool classes_ready;
static struct heap_stats st;
static size_t large_bytes;

static void classes_init(void)
{
	for (int c = 0; c < NCLASS; c++) {
		unsigned s = class_size[c];
		unsigned first = IS_POW2(s) ? ALIGN_UP(SLAB_HDR, s) : SLAB_HDR;

		classes[c].first = (uint16_t)first;
		classes[c].nobj = (uint16_t)((PAGE_SIZE - first) / s);
	}
	classes_ready = true;
}

static uint32_t slab_magic(const struct slab *s)
{
	/* Mixing in the address means a copy of a header elsewhere (or a
	 * stale one in a reused page) does not look valid. */
	return SLAB_MAGIC ^ (uint32_t)(virt_to_phys(s) >> PAGE_SHIFT);
}

static int class_for(size_t size)
{
	for (int c = 0; c < NCLASS; c++)
		if (size <= class_size[c])
			return c;
	return -1;
}

static char *obj_addr(struct slab *s, unsigned i)
{
	return (char *)s + classes[s->cls].first + i * class_size[s->cls];
}

static bool bit_test(const struct slab *s, unsigned i)
{
	return s->used[i / 64] >> (i % 64) & 1;
}

static void bit_flip(struct slab *s, unsigned i)
{
	s->used[i / 64] ^= 1ULL << (i % 64);
}

static void list_add(struct slab **head, struct slab *s)
{
	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static void list_del(struct slab **head, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		*head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static void account_alloc(size_t bytes)
{
	st.allocs++;
	st.bytes_in_use += bytes;
	st.peak_bytes = MAX(st.peak_bytes, st.bytes_in_use);
}

static void account_free(size_t bytes)
{
	st.frees++;
	st.bytes_in_use -= bytes;
}

static void *slab_alloc(int c)
{
	struct slab_class *sc = &classes[c];
	struct slab *s = sc->partial;
	unsigned i;
	char *p;

	if (!s) {
		s = page_alloc(0);
		if (!s)
			return NULL;
		UNPOISON(s, PAGE_SIZE);
		memset(s, 0, SLAB_HDR);
		s->magic = slab_magic(s);
		s->cls = (uint8_t)c;
		s->free_head = NO_OBJ;
		POISON((char *)s + SLAB_HDR, PAGE_SIZE - SLAB_HDR);
		list_add(&sc->partial, s);
		st.slab_pages++;
		st.pages_held++;
	}

	if (s->free_head != NO_OBJ) {
		uint16_t next;

		i = s->free_head;
		p = obj_addr(s, i);
		UNPOISON(p, class_size[c]);
		next = *(uint16_t *)p;
		/* A bad link means someone wrote to a freed object. */
		if (bit_test(s, i) || (next != NO_OBJ &&
				       (next >= s->bump || bit_test(s, next))))
			panic("heap: free list of slab %p (size %u) corrupted "
			      "at object %p: use after free?", (void *)s,
			      class_size[c], (void *)p);
		s->free_head = next;
	} else {
		i = s->bump++;
		p = obj_addr(s, i);
		UNPOISON(p, class_size[c]);
	}
	bit_flip(s, i);
	if (++s->nused == sc->nobj) {
		list_del(&sc->partial, s);
		list_add(&sc->full, s);
	}
	account_alloc(class_size[c]);
	return p;
}

static void slab_release(struct slab *s)
{
	list_del(&classes[s->cls].partial, s);
	s->magic = 0;
	UNPOISON(s, PAGE_SIZE);
	page_free(s, 0);
	st.slab_pages--;
	st.pages_held--;
}

static void *large_alloc(size_t size, size_t align, size_t *usable)
{
	size_t need = MAX(size, align);
	unsigned order = 0;
	void *p;

	if (need > (PAGE_SIZE << PMM_MAX_ORDER))
		return NULL;
	while ((PAGE_SIZE << order) < need)
		order++;
	p = page_alloc(order);
	if (!p)
		return NULL;
	UNPOISON(p, PAGE_SIZE << order);
	large_bytes += PAGE_SIZE << order;
	st.pages_held += 1UL << order;
	account_alloc(PAGE_SIZE << order);
	*usable = PAGE_SIZE << order;
	return p;
}

static void bad_pointer(const char *what, const void *p)
{
	pr_err("heap: %s(%p): not a live heap block (double free or foreign "
	       "pointer)\n", what, p);
	st.bad_frees++;
}

/* Where p lives: its slab and object index, or (s == NULL) a large block of
 * order *order. @return false when p is not a live heap block. */
static bool locate(const void *p, struct slab **sp, unsigned *idx,
		   int *order)
{
	uintptr_t a = (uintptr_t)p;
	struct slab *s;
	unsigned off, i;

	*sp = NULL;
	if (!classes_ready || (a & 15))
		return false;
	if ((a & (PAGE_SIZE - 1)) == 0) {
		/* Large blocks are the only page-aligned pointers. */
		*order = page_block_order(p);
		if (*order < 0)
			return false;
		s = (struct slab *)p;
		/* A slab's own page is never a valid argument. The user
		 * data of a large block matching the address-salted magic
		 * and a valid class by chance is not a realistic case. */
		if (*order == 0 && s->magic == slab_magic(s) && s->cls < NCLASS)
			return false;
		return true;
	}
	s = (struct slab *)(a & ~(uintptr_t)(PAGE_SIZE - 1));
	/* Ask the pmm before reading the header: this also rejects pointers
	 * into pages that are free or belong to nobody. */
	if (page_block_order(s) != 0 || s->magic != slab_magic(s) ||
	    s->cls >= NCLASS)
		return false;
	off = (unsigned)(a - (uintptr_t)s);
	if (off < classes[s->cls].first ||
	    (off - classes[s->cls].first) % class_size[s->cls])
		return false;
	i = (off - classes[s->cls].first) / class_size[s->cls];
	if (i >= s->bump || !bit_test(s, i))
		return false;
	*sp = s;
	*idx = i;
	return true;
}

static size_t block_size(const struct slab *s, int order)
{
	return s ? class_size[s->cls] : PAGE_SIZE << order;
}

static void free_located(struct slab *s, unsigned i, int order, void *p)
{
	if (!s) {
		large_bytes -= PAGE_SIZE << order;
		st.pages_held -= 1UL << order;
		account_free(PAGE_SIZE << order);
		page_free(p, (unsigned)order);
		return;
	}

	struct slab_class *sc = &classes[s->cls];

	account_free(class_size[s->cls]);
	bit_flip(s, i);
	*(uint16_t *)p = s->free_head;
	s->free_head = (uint16_t)i;
	POISON(p, class_size[s->cls]);
	if (s->nused-- == sc->nobj) {
		list_del(&sc->full, s);
		list_add(&sc->partial, s);
	}
	/* Keep one empty slab per class as a buffer against alloc/free
	 * ping-pong at a page boundary; give back the others. */
	if (s->nused == 0 && !(sc->partial == s && !s->next))
		slab_release(s);
}

/* The allocator behind every entry point. align is a power of two; the
 * block's usable size goes to *usable. */
static void *heap_alloc_usable(size_t size, size_t align, size_t *usable)
{
	int c;

	if (!classes_ready)
		classes_init();
	if (size == 0)
		size = 1;   /* a unique pointer, as most programs expect */
	if (align > HEAP_MAX_ALIGN || size > HEAP_MAX_ALIGN)
		return NULL;
	if (align <= 16) {
		c = class_for(size);
	} else if (MAX(size, align) <= SMALL_POW2_MAX) {
		/* Smallest power-of-two class holding both: its objects
		 * are aligned to their size. */
		c = class_for(MAX(size, align));
		while (!IS_POW2(class_size[c]))
			c++;
	} else {
		c = -1;
	}
	if (c < 0)
		return large_alloc(size, align, usable);
	*usable = class_size[c];
	return slab_alloc(c);
}

static void *heap_alloc(size_t size, size_t align)
{
	size_t usable;

	return heap_alloc_usable(size, align, &usable);
}

void *heap_malloc_usable(size_t size, size_t *usable)
{
	void *p = heap_alloc_usable(size, 16, usable);

	if (!p)
		*usable = 0;
	return p;
}

void *malloc(size_t size)
{
	return heap_alloc(size, 16);
}

void *calloc(size_t n, size_t size)
{
	size_t total;
	void *p;

	if (__builtin_mul_overflow(n, size, &total))
		return NULL;
	p = heap_alloc(total, 16);
	if (p)
		memset(p, 0, total);
	return p;
}

void free(void *p)
{
	(void)heap_free_usable(p);
}

size_t heap_free_usable(void *p)
{
	struct slab *s;
	unsigned i = 0;
	int order = 0;
	size_t n;

	if (!p)
		return 0;
	if (!locate(p, &s, &i, &order)) {
		bad_pointer("free", p);
		return 0;
	}
	n = block_size(s, order);
	free_located(s, i, order, p);
	return n;
}

void *realloc(void *p, size_t size)
{
	struct slab *s;
	unsigned i = 0;
	int order = 0;
	size_t old;
	void *q;

	if (!p)
		return malloc(size);
	if (!locate(p, &s, &i, &order)) {
		bad_pointer("realloc", p);
		return NULL;
	}
	if (size == 0) {
		free_located(s, i, order, p);
		return NULL;
	}
	old = block_size(s, order);
	/* Stay put when it fits and would not waste more than half. */
	if (size <= old && (size > old / 2 || old == class_size[0]))
		return p;
	q = heap_alloc(size, 16);
	if (!q)
		return NULL;
	memcpy(q, p, MIN(old, size));
	free_located(s, i, order, p);
	return q;
}

void *aligned_alloc(size_t align, size_t size)
{
	if (!IS_POW2(align))
		return NULL;
	return heap_alloc(size, align);
}

void *memalign(size_t align, size_t size)
{
	return aligned_alloc(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	/* POSIX: a power of two and a multiple of sizeof(void *); the errors
	 * are positive errno values, not the kernel's -errno. */
	if (!IS_POW2(align) || align % sizeof(void *))
		return EINVAL;
	p = heap_alloc(size, align);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

size_t heap_usable_size(const void *p)
{
	struct slab *s;
	unsigned i;
	int order = 0;

	if (!p || !locate(p, &s, &i, &order))
		return 0;
	return block_size(s, order);
}

void heap_stats(struct heap_stats *s)
{
	*s = st;
}

void heap_trim(void)
{
	for (int c = 0; c < NCLASS && classes_ready; c++) {
		struct slab *s = classes[c].partial, *next;

		for (; s; s = next) {
			next = s->next;
			if (s->nused == 0)
				slab_release(s);
		}
	}
}

#define CHECK_FAIL(...)                                                      \
	do {                                                                 \
		pr_err("heap_check: " __VA_ARGS__);                          \
		return -EFAULT;                                              \
	} while (0)

static int check_slab(struct slab *s, int c, bool full)
{
	const struct slab_class *sc = &classes[c];
	uint64_t seen[SLAB_MAX_OBJS / 64] = { 0 };
	unsigned live = 0, nfree = 0;

	if (s->magic != slab_magic(s) || s->cls != c)
		CHECK_FAIL("slab %p: bad header\n", (void *)s);
	if (page_block_order(s) != 0)
		CHECK_FAIL("slab %p: not an allocated page\n", (void *)s);
	if (s->bump > sc->nobj || s->nused > s->bump)
		CHECK_FAIL("slab %p: counts out of range\n", (void *)s);
	if (full != (s->nused == sc->nobj))
		CHECK_FAIL("slab %p: on the wrong list\n", (void *)s);
	if (s->next && s->next->prev != s)
		CHECK_FAIL("slab %p: broken link\n", (void *)s);
	for (unsigned i = 0; i < SLAB_MAX_OBJS; i++) {
		if (!bit_test(s, i))
			continue;
		if (i >= s->bump)
			CHECK_FAIL("slab %p: object %u live past bump\n",
				   (void *)s, i);
		live++;
	}
	if (live != s->nused)
		CHECK_FAIL("slab %p: %u live bits, nused %u\n", (void *)s, live,
			   s->nused);
	for (unsigned i = s->free_head; i != NO_OBJ; nfree++) {
		const char *p;

		if (i >= s->bump || bit_test(s, i) || (seen[i / 64] >> (i % 64) & 1))
			CHECK_FAIL("slab %p: bad free-list entry %u\n",
				   (void *)s, i);
		seen[i / 64] |= 1ULL << (i % 64);
		p = obj_addr(s, i);
		UNPOISON(p, sizeof(uint16_t));
		i = *(const uint16_t *)p;
		POISON(p, class_size[c]);
	}
	if (nfree + live != s->bump)
		CHECK_FAIL("slab %p: %u free + %u live != %u used slots\n",
			   (void *)s, nfree, live, s->bump);
	return 0;
}

int heap_check(void)
{
	size_t bytes = large_bytes, slabs = 0, large_pages;

	for (int c = 0; c < NCLASS && classes_ready; c++) {
		for (int full = 0; full < 2; full++) {
			struct slab *s = full ? classes[c].full : classes[c].partial;

			if (s && s->prev)
				CHECK_FAIL("class %d: head has a prev\n", c);
			for (; s; s = s->next) {
				int err = check_slab(s, c, full);

				if (err)
					return err;
				bytes += (size_t)s->nused * class_size[c];
				slabs++;
			}
		}
	}
	if (bytes != st.bytes_in_use)
		CHECK_FAIL("%zu bytes live, counter says %zu\n", bytes,
			   st.bytes_in_use);
	if (slabs != st.slab_pages)
		CHECK_FAIL("%zu slabs, counter says %zu\n", slabs,
			   st.slab_pages);
	large_pages = large_bytes / PAGE_SIZE;
	if (slabs + large_pages != st.pages_held)
		CHECK_FAIL("%zu pages held, counter says %zu\n",
			   slabs + large_pages, st.pages_held);
	return 0;
}
