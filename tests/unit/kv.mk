UNIT_TESTS += kv
UNIT_SRCS_kv := tests/unit/test_kv.c apps/kv_resp.c apps/kv_log.c apps/kv_db.c
