UNIT_TESTS += shell_split
UNIT_SRCS_shell_split := tests/unit/test_shell_split.c kern/shell_split.c kern/shell_edit.c
