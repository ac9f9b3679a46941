# SPDX-License-Identifier: MIT
# virtio-console control messages from a hostile device.
FUZZ_TARGETS += vcon_ctl
FUZZ_SRCS_vcon_ctl := tests/fuzz/fuzz_vcon_ctl.c drivers/virtio/console_ctl.c
