# SPDX-License-Identifier: MIT
# The shell's line splitter and line editor.
FUZZ_TARGETS += shell
FUZZ_SRCS_shell := tests/fuzz/fuzz_shell.c kern/shell_split.c kern/shell_edit.c
