UNIT_TESTS += cmdline
UNIT_SRCS_cmdline := tests/unit/test_cmdline.c tests/unit/stubs.c kern/cmdline_parse.c
