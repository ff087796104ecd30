#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pci-align extra checks in QEMU (TCG), seed topology.
#
#   1. precedence (arm64): pci=resource_alignment=all;13@$DEV and
#      pci=resource_alignment=13@$DEV;all (DEV: the root-bus pci-testdev
#      with a 32-byte BAR, 0000:00:02.0): shared_pages == 0, every BAR of
#      DEV below 8 KiB inflated to 0x2000 and all its BARs 8 KiB aligned,
#      no other BAR inflated, unassigned == 0
#   2. rescan (arm64, no parameter, pcialign.test=rescan): the boot report
#      shows >= 1 shared page; after writing "all" to
#      /sys/bus/pci/resource_alignment, removing every non-bridge device
#      and rescanning: shared_pages == 0, inflated == 0, unassigned == 0,
#      the same BARs as at boot, no Oops/WARNING
#   3. memory decoding (x86_64 q35, SeaBIOS enables decoding and places
#      BARs 4 KiB aligned):
#      x86_64-13all  pci=resource_alignment=13@all: no 8 KiB page shared,
#                    inflated == 0, unassigned == 0, the BARs moved (vs
#                    SeaBIOS) are exactly those SeaBIOS put on an address
#                    that is not 8 KiB aligned (at least one), every device
#                    with memory BARs has PCI_COMMAND_MEMORY set, and the
#                    kernel logged "BARs realigned, restoring memory
#                    decoding"
#      x86_64-all    pci=resource_alignment=all: shared_pages == 0,
#                    unassigned == 0, memory decoding on, and no device
#                    has memory/I/O decoding off that had it on in
#                    x86_64-none (a boot without the parameter)
#
# Usage: extra.sh
# Env:   CHECKS          default "precedence rescan decoding"
#        KERNEL_arm64, KERNEL_x86_64 (or KERNEL for both): kernel images,
#                        default `make -s image-path ARCH=<arch>`
#        LOGDIR, TIMEOUT as for demo.sh (logs are extra-*.log)
# Output: analyzer tables, "VERDICT ..." lines, "PASS: ..."/"FAIL: ..." per
#         check, closing "pci-align extra: N passed, N failed".  Exit 1 on
#         any FAIL.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CHECKS=${CHECKS:-precedence rescan decoding}
A="$HERE/analyze.py"
DEV=0000:00:02.0

precedence() {
	local name val n=0

	for val in "all;13@$DEV" "13@$DEV;all"; do
		n=$((n + 1))
		name=extra-prec-$n
		boot "$name" arm64 seed "pci=resource_alignment=$val" || continue
		counted "$A" "--label=${name}[${val}]" --expect-shared 0 \
			--expect-dev-align "$DEV:0x2000" --expect-unassigned 0 \
			--expect-param-ok "$LOGDIR/$name.log"
	done
}

rescan() {
	local log=$LOGDIR/extra-rescan.log

	boot extra-rescan arm64 seed "pcialign.test=rescan" || return
	counted "$A" --label extra-rescan-before --expect-shared-min 1 \
		--expect-unassigned 0 "$log"
	counted "$A" --label extra-rescan-after --report rescan \
		--expect-rescan --expect-shared 0 --expect-inflated 0 \
		--expect-unassigned 0 "$log"
}

decoding() {
	local none=$LOGDIR/extra-x86_64-none.log

	if boot extra-x86_64-none x86_64 seed ""; then
		counted "$A" --label extra-x86_64-none --expect-unassigned 0 \
			--expect-mem-decoding "$none"
	else
		none=
	fi
	if boot extra-x86_64-13all x86_64 seed "pci=resource_alignment=13@all"
	then
		counted "$A" --label extra-x86_64-13all --page-size 8192 \
			--expect-shared-os 0 --expect-inflated 0 \
			--expect-unassigned 0 --expect-moved-unaligned 0x2000 \
			--expect-mem-decoding --expect-param-ok \
			--expect-log "BARs realigned, restoring memory decoding" \
			"$LOGDIR/extra-x86_64-13all.log"
	fi
	if boot extra-x86_64-all x86_64 seed "pci=resource_alignment=all"; then
		local ref=()

		if [ -n "$none" ]; then
			ref=(--cmd-ref "$none")
		else
			fail "extra-x86_64-all no-decoding-lost (no reference boot)"
		fi
		counted "$A" --label extra-x86_64-all "${ref[@]}" \
			--expect-shared 0 --expect-unassigned 0 \
			--expect-mem-decoding --expect-param-ok \
			"$LOGDIR/extra-x86_64-all.log"
	fi
}

start=$(date +%s)
for c in $CHECKS; do
	case "$c" in
	precedence|rescan|decoding)
		echo "=== $c"
		"$c" ;;
	*)
		fail "unknown check $c" ;;
	esac
done
echo "EXTRA-TIME $(($(date +%s) - start))s"

summary "pci-align extra"
