UNIT_TESTS += netcfg
UNIT_SRCS_netcfg := tests/unit/test_netcfg.c net/netcfg.c
