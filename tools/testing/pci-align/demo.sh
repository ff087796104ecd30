#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pci-align end-to-end demo/check in QEMU (TCG).
#
#   arm64 virt, seed topology:
#     arm64-none  no parameter:                  shared_pages >= 1
#     arm64-all   pci=resource_alignment=all:    shared_pages == 0,
#                 inflated == 0, unassigned == 0 (moved: informational,
#                 against arm64-none)
#   x86_64 q35, seed topology:
#     x86_64-all  pci=resource_alignment=all:    shared_pages == 0,
#                 inflated == 0, moved == 0 (against the SeaBIOS placement),
#                 unassigned == 0
#
# Usage: demo.sh
# Env:   ARCHES          default "arm64 x86_64"
#        KERNEL_arm64, KERNEL_x86_64 (or KERNEL for both): kernel images,
#                        default `make -s image-path ARCH=<arch>`
#        LOGDIR          default tools/testing/pci-align/build/logs
#        TIMEOUT         per boot, seconds (default 120)
# Output: analyzer tables, "VERDICT ..." lines, "BOOT-TIME <run> <s>s",
#         "PASS: ..."/"FAIL: ..." per check, and a closing
#         "pci-align demo: N passed, N failed".  Exit 1 if anything failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ARCHES=${ARCHES:-arm64 x86_64}
A="$HERE/analyze.py"

for arch in $ARCHES; do
	case "$arch" in
	arm64)
		if boot arm64-none arm64 seed ""; then
			counted "$A" --label arm64-none --expect-shared-min 1 \
				"$LOGDIR/arm64-none.log"
		fi
		if boot arm64-all arm64 seed "pci=resource_alignment=all"; then
			ref=()
			[ -f "$LOGDIR/arm64-none.log" ] &&
				ref=(--ref "$LOGDIR/arm64-none.log")
			counted "$A" --label arm64-all "${ref[@]}" \
				--expect-shared 0 --expect-inflated 0 \
				--expect-unassigned 0 --expect-param-ok \
				"$LOGDIR/arm64-all.log"
		fi
		;;
	x86_64)
		if boot x86_64-all x86_64 seed "pci=resource_alignment=all"; then
			counted "$A" --label x86_64-all --expect-shared 0 \
				--expect-inflated 0 --expect-moved 0 \
				--expect-unassigned 0 --expect-param-ok \
				"$LOGDIR/x86_64-all.log"
			# q35's host bridge 00:00.0 is skipped silently for "all"
			if grep -q "Can't reassign resources to host bridge" \
				"$LOGDIR/x86_64-all.log"; then
				fail "x86_64-all host-bridge-warning-silent"
			else
				pass "x86_64-all host-bridge-warning-silent"
			fi
		fi
		;;
	*)
		fail "unknown arch $arch"
		;;
	esac
done

summary "pci-align demo"
