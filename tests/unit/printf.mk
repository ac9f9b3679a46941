# SPDX-License-Identifier: MIT
# lib/printf.c against the host's vsnprintf. The bounded functions are
# renamed to live beside the host C library; printf/puts/putchar keep their
# names and replace the host's in the test program (see test_printf.c).
# -U_FORTIFY_SOURCE: no host inline wrappers over those names on
# distributions that fortify by default.
UNIT_TESTS += printf
UNIT_SRCS_printf := tests/unit/test_printf.c lib/printf.c
UNIT_CFLAGS_printf := -U_FORTIFY_SOURCE -Dvsnprintf=k_vsnprintf \
	-Dsnprintf=k_snprintf -Dvcbprintf=k_vcbprintf
