#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pci-align bad-input checks in QEMU (TCG), arm64 virt, seed topology.
#
#   badinput-ref          boot without the parameter (placement reference)
#   badinput-<n>          boot with pci=resource_alignment=<bad value>, for
#                         all;garbage 99@all -1@all @all all@ and "" (empty):
#                         exactly one kernel log line (besides the command
#                         line echo) mentions resource_alignment and it names
#                         the bad part (garbage / the entry / "empty"); BAR
#                         placement identical to badinput-ref; every BAR
#                         assigned; no Oops/BUG/WARNING
#   badinput-sysfs        boot with pcialign.test=badinput: the guest writes
#                         each bad value and a 4096-byte value to
#                         /sys/bus/pci/resource_alignment (must fail with
#                         EINVAL, content unchanged, exactly one new log line
#                         naming the bad part / "too long"), then "all" (must
#                         succeed and read back), then an empty write (clears)
#
# Usage: badinput.sh
# Env:   ARCH            default arm64 (x86_64 works too)
#        KERNEL_<arch> or KERNEL: kernel image, default `make -s image-path`
#        LOGDIR, TIMEOUT as for demo.sh
# Output: "PASS: ..."/"FAIL: ..." per check, closing
#         "pci-align badinput: N passed, N failed".  Exit 1 on any FAIL.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ARCH=${ARCH:-arm64}
A="$HERE/analyze.py"

# value|expected part of the log line
CASES=(
	'all;garbage|garbage'
	'99@all|99@all'
	'-1@all|-1@all'
	'@all|@all'
	'all@|all@'
	'|empty'
)

ref="$LOGDIR/badinput-ref.log"
if ! boot badinput-ref "$ARCH" seed ""; then
	ref=
else
	counted "$A" --label badinput-ref --expect-unassigned 0 "$ref"
fi

n=0
for c in "${CASES[@]}"; do
	n=$((n + 1))
	val=${c%%|*}
	part=${c#*|}
	name="badinput-$n"
	echo "=== case $n: pci=resource_alignment=$val (expect \"$part\")"
	boot "$name" "$ARCH" seed "pci=resource_alignment=$val" || continue
	args=("--label=${name}[${val}]" --expect-unassigned 0
	      "--expect-param-error=$part")
	[ -n "$ref" ] && args+=(--ref "$ref" --expect-moved 0)
	counted "$A" "${args[@]}" "$LOGDIR/$name.log"
done

if boot badinput-sysfs "$ARCH" seed "pcialign.test=badinput"; then
	counted "$A" --label badinput-sysfs --sysfs --expect-unassigned 0 \
		"$LOGDIR/badinput-sysfs.log"
fi

summary "pci-align badinput"
