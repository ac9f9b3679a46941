UNIT_TESTS += pingstat
UNIT_SRCS_pingstat := tests/unit/test_pingstat.c net/pingstat.c
