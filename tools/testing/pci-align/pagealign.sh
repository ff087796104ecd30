#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# CONFIG_PCI_PAGE_ALIGN_BARS checks.
#
#   kconfig (no kernel build): for x86_64, arm64 and um, take the defconfig
#     of the pristine 6.12 tree (um: plus arch_uml.config of KUnit, which
#     enables PCI), then in the patched tree:
#       kconfig-<arch>-helpnewconfig  `make helpnewconfig` lists
#                                     CONFIG_PCI_PAGE_ALIGN_BARS with its help
#                                     (mentions XSA-461 and the off value)
#       kconfig-<arch>-enable         `scripts/config --enable
#                                     PCI_PAGE_ALIGN_BARS && make olddefconfig`
#                                     keeps CONFIG_PCI_PAGE_ALIGN_BARS=y
#   boots (arm64 virt, seed topology; KERNEL_arm64 = the series built
#   without the option, KERNEL_arm64_pab = built with it):
#     pab-all   option off, pci=resource_alignment=all  (reference)
#     pab-none  option off, no parameter: shared_pages >= 1 (stock
#               placement), sysfs value empty
#     pab-on    option on, no parameter: shared_pages == 0, inflated == 0,
#               unassigned == 0, moved == 0 against pab-all, sysfs shows
#               "all", the kernel logs that the default is in effect
#     pab-off   option on, pci=resource_alignment=off: moved == 0 against
#               pab-none (same placement as without the option), the same
#               number of shared pages, sysfs shows "off"
#
# Usage: pagealign.sh
# Env:   CHECKS          default "kconfig boots"
#        KERNEL_arm64, KERNEL_arm64_pab: kernel images (defaults:
#                        build/arm64 and build/arm64-pab images)
#        TREE, PRISTINE  patched and pristine trees (build/linux,
#                        build/pristine)
#        LOGDIR, TIMEOUT as for demo.sh
# Output: "PASS: ..."/"FAIL: ..." per check and a closing
#         "pci-align pagealign: N passed, N failed".  Exit 1 on any FAIL.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CHECKS=${CHECKS:-kconfig boots}
A="$HERE/analyze.py"
TREE=${TREE:-build/linux}
case "$TREE" in /*) ;; *) TREE=$TOP/$TREE ;; esac
PRISTINE=${PRISTINE:-$TOP/build/pristine}
KCDIR=$TOP/build/kconfig
OPT=CONFIG_PCI_PAGE_ALIGN_BARS

kmake() {
	local arch=$1 src=$2 out=$3 cross=
	shift 3
	[ "$arch" = arm64 ] && cross=aarch64-linux-gnu-
	make -s -C "$src" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" "$@"
}

kconfig_arch() {
	local arch=$1 base=$KCDIR/$1-base new=$KCDIR/$1 help

	rm -rf "$base" "$new"
	mkdir -p "$base" "$new"
	if ! kmake "$arch" "$PRISTINE" "$base" defconfig; then
		fail "kconfig-$arch-defconfig"
		return
	fi
	if [ "$arch" = um ]; then
		cat "$TREE/tools/testing/kunit/configs/arch_uml.config" >> "$base/.config"
		kmake "$arch" "$PRISTINE" "$base" olddefconfig
	fi
	if ! grep -qx 'CONFIG_PCI=y' "$base/.config"; then
		fail "kconfig-$arch-base-has-PCI"
		return
	fi
	cp "$base/.config" "$new/.config"

	help=$(kmake "$arch" "$TREE" "$new" helpnewconfig 2>&1)
	echo "$help" | sed -n "/^$OPT:/,/^-----/p" | head -n 12 | sed 's/^/  | /'
	if echo "$help" | grep -q "^$OPT:" &&
	   echo "$help" | grep -q "XSA-461" &&
	   echo "$help" | grep -q "resource_alignment=off"; then
		pass "kconfig-$arch-helpnewconfig"
	else
		fail "kconfig-$arch-helpnewconfig"
	fi

	"$new/scripts/config" --file "$new/.config" --enable PCI_PAGE_ALIGN_BARS \
		2>/dev/null || "$TREE/scripts/config" --file "$new/.config" \
		--enable PCI_PAGE_ALIGN_BARS
	kmake "$arch" "$TREE" "$new" olddefconfig
	if grep -qx "$OPT=y" "$new/.config"; then
		pass "kconfig-$arch-enable"
	else
		fail "kconfig-$arch-enable ($(grep "PCI_PAGE_ALIGN" "$new/.config"))"
	fi
}

kconfig() {
	local arch
	if [ ! -f "$PRISTINE/Makefile" ]; then
		fail "kconfig (no pristine tree at $PRISTINE; run make base)"
		return
	fi
	for arch in x86_64 arm64 um; do
		kconfig_arch "$arch"
	done
}

# sysfs_value LOG: the /sys/bus/pci/resource_alignment value the guest saw
sysfs_value() {
	sed -n 's/^PCIALIGN-RESOURCE-ALIGNMENT \[\(.*\)\]\r*$/\1/p' "$1" | head -n1
}

expect_sysfs() {
	local name=$1 want=$2 got
	if ! grep -q '^PCIALIGN-RESOURCE-ALIGNMENT ' "$LOGDIR/$name.log"; then
		fail "$name sysfs-resource_alignment (not reported by the guest)"
		return
	fi
	got=$(sysfs_value "$LOGDIR/$name.log")
	if [ "$got" = "$want" ]; then
		pass "$name sysfs-resource_alignment=\"$want\""
	else
		fail "$name sysfs-resource_alignment=\"$got\", expected \"$want\""
	fi
}

shared_of() {
	"$A" --label x "$1" 2>/dev/null |
		sed -n 's/^VERDICT x: shared_pages=\([0-9]*\).*/\1/p'
}

boots() {
	local pab=${KERNEL_arm64_pab:-$TOP/build/arm64-pab/arch/arm64/boot/Image}
	local msg="Aligning small memory BARs to pages by default"
	local none_shared off_shared

	if boot pab-all arm64 seed "pci=resource_alignment=all"; then
		counted "$A" --label pab-all --expect-shared 0 \
			--expect-unassigned 0 "$LOGDIR/pab-all.log"
	fi
	if boot pab-none arm64 seed ""; then
		counted "$A" --label pab-none --expect-shared-min 1 \
			"$LOGDIR/pab-none.log"
		expect_sysfs pab-none ""
	fi
	if KERNEL_arm64=$pab boot pab-on arm64 seed ""; then
		counted "$A" --label pab-on --ref "$LOGDIR/pab-all.log" \
			--expect-shared 0 --expect-inflated 0 \
			--expect-unassigned 0 --expect-moved 0 \
			--expect-param-ok --expect-log "$msg" "$LOGDIR/pab-on.log"
		expect_sysfs pab-on all
	fi
	if KERNEL_arm64=$pab boot pab-off arm64 seed "pci=resource_alignment=off"; then
		counted "$A" --label pab-off --ref "$LOGDIR/pab-none.log" \
			--expect-moved 0 --expect-inflated 0 --expect-unassigned 0 \
			--expect-param-ok "$LOGDIR/pab-off.log"
		expect_sysfs pab-off off
		none_shared=$(shared_of "$LOGDIR/pab-none.log")
		off_shared=$(shared_of "$LOGDIR/pab-off.log")
		if [ -n "$off_shared" ] && [ "$off_shared" = "$none_shared" ]; then
			pass "pab-off shared_pages=$off_shared as without the option"
		else
			fail "pab-off shared_pages=$off_shared, without the option $none_shared"
		fi
		if grep -q "$msg" "$LOGDIR/pab-off.log"; then
			fail "pab-off default-not-announced"
		else
			pass "pab-off default-not-announced"
		fi
	fi
}

for c in $CHECKS; do
	"$c"
done
summary "pci-align pagealign"
