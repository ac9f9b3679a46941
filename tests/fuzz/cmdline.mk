# SPDX-License-Identifier: MIT
# The command-line parser (seeds: real command lines of the case table).
FUZZ_TARGETS += cmdline
FUZZ_SRCS_cmdline := tests/fuzz/fuzz_cmdline.c kern/cmdline_parse.c
