#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pci-align: SR-IOV VFs enabled through sysfs with pci=resource_alignment=all
# (issue 5), in QEMU (TCG).
#
# Topology "sriov" of run-qemu.sh: the "small" topology (two pci-testdevs
# with 32/64-byte BARs that share a page without the parameter) plus a QEMU
# nvme controller with sriov_max_vfs=2 behind a pcie-root-port: PF
# 0000:01:00.0, VFs 01:00.1 and 01:00.2, one 16 KiB 64-bit VF BAR 0.  The
# guest (pcialign.test=sriov pcialign.sriov=auto,2[,enable]) sizes the VF
# BARs through the PF's SR-IOV capability, optionally enables the PF like
# a PF driver would (its sysfs "enable" file), binds pci-pf-stub
# (CONFIG_PCI_PF_STUB) through new_id with VF autoprobe off, writes 2 to
# sriov_numvfs and reports the PF's PCI_COMMAND and SR-IOV control before
# and after, the VFs and all BARs again (analyze.py --report sriov
# --expect-sriov 2; the checks are listed in its --help):
#
#   sriov-arm64-none   no parameter (the stock placement), PF enabled:
#                      the VFs work, shared_pages >= 1 (the small BARs
#                      share a page, so "all" has work to do)
#   sriov-arm64-all    pci=resource_alignment=all, PF enabled: the same
#                      plus shared_pages == 0 (4 KiB and PAGE_SIZE),
#                      inflated == 0, unassigned == 0 (the PF's VF BAR
#                      resource 7 included), small BARs page aligned, no
#                      resource_alignment error, and the same VF layout
#                      (VF BAR offsets in the PF's VF BAR, sizes, VF
#                      names) and PF command/SR-IOV control values as
#                      sriov-arm64-none
#   sriov-arm64-pab    the kernel built with CONFIG_PCI_PAGE_ALIGN_BARS=y
#                      (build/arm64-pab), no parameter: as sriov-arm64-all
#   sriov-arm64-none-noenable, sriov-arm64-all-noenable
#                      the PF left disabled (no driver enabled it): stock
#                      sriov_enable() turns its memory decoding on for the
#                      VF BARs (pci_enable_resources()), so here the check
#                      is "after == before | MEMORY", and "all" must give
#                      the same registers and VF layout as "none"
#
# VF BARs are not counted in shared_pages (nor in the aligned-BAR check):
# the hardware fixes them at offset k * (VF BAR size) in the PF's VF BAR,
# which the kernel assigns as the PF's resource 7+i; that resource is
# counted as a BAR of the PF, and --expect-sriov asserts that every VF BAR
# lies exactly where the SR-IOV capability puts it inside it.
#
#   sriov-x86_64-none, sriov-x86_64-all
#                      q35 (SeaBIOS placed the BARs and enabled the PF's
#                      decoding; Linux assigns the VF BAR, which SeaBIOS
#                      doesn't know), PF enabled, as sriov-arm64-none/-all
#                      (without shared_pages >= 1: SeaBIOS aligns BARs to
#                      4 KiB itself).  Only with the optional kernel
#                      build/x86_64-acpi (configs/x86_64-acpi.config:
#                      make kernel ARCH=x86_64 KOUT=build/x86_64-acpi
#                      KCONFIG_EXTRA=$PWD/tools/testing/pci-align/configs/x86_64-acpi.config):
#                      the usual x86_64 guest kernel has no ACPI, hence no
#                      MMCONFIG, and can't read the extended config space
#                      where the SR-IOV capability is (the PF shows no
#                      sriov_totalvfs).  Without that kernel they print
#                      "SKIP: ..." and count nothing.
#
# Usage: sriov.sh
# Env:   KERNEL_arm64    kernel image (default `make -s image-path
#                        ARCH=arm64`)
#        KERNEL_arm64_pab  kernel with CONFIG_PCI_PAGE_ALIGN_BARS=y (default
#                        build/arm64-pab/arch/arm64/boot/Image; the
#                        scenario is skipped with a FAIL if it's missing)
#        KERNEL_x86_64_acpi  x86_64 kernel with ACPI (default
#                        build/x86_64-acpi/arch/x86/boot/bzImage)
#        SRIOV_X86       auto (default: the x86_64 scenarios run when that
#                        kernel exists), 1 (run; a missing kernel FAILs),
#                        0 (don't run)
#        LOGDIR, TIMEOUT as for demo.sh (logs are sriov-*.log)
# Output: analyzer tables, the guest's SR-IOV report and kernel messages
#         ("  sriov: ", "  log: "), "VERDICT ..." lines, "PASS: ..."/
#         "FAIL: ..." per check, closing "pci-align sriov: N passed, N
#         failed".  Exit 1 on any FAIL.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

A="$HERE/analyze.py"
T="pcialign.test=sriov"
PAB=${KERNEL_arm64_pab:-$TOP/build/arm64-pab/arch/arm64/boot/Image}
X86=${KERNEL_x86_64_acpi:-$TOP/build/x86_64-acpi/arch/x86/boot/bzImage}
SRIOV_X86=${SRIOV_X86:-auto}

# sboot NAME APPEND [enable [ARCH]]: boot the sriov topology (arm64)
sboot() {
	local sr="pcialign.sriov=auto,2"

	[ "${3:-}" = enable ] && sr+=",enable"
	boot "$1" "${4:-arm64}" sriov "${2:+$2 }$T $sr"
}

# sverdict NAME [analyze options...]: the SR-IOV checks on the sriov report
sverdict() {
	local name=$1
	shift
	counted "$A" --label "$name" --report sriov --expect-sriov 2 \
		--expect-inflated 0 --expect-unassigned 0 "$@" \
		"$LOGDIR/$name.log"
}

# The "all" checks: no shared page, small BARs aligned, the parameter taken
ALL=(--expect-shared 0 --expect-shared-os 0 --expect-param-ok
     --expect-aligned 0x1000)

start=$(date +%s.%N)
if sboot sriov-arm64-none "" enable; then
	sverdict sriov-arm64-none --expect-shared-min 1
fi
if sboot sriov-arm64-all "pci=resource_alignment=all" enable; then
	sverdict sriov-arm64-all "${ALL[@]}" \
		--ref "$LOGDIR/sriov-arm64-none.log" \
		--sriov-ref "$LOGDIR/sriov-arm64-none.log"
fi
if [ ! -f "$PAB" ]; then
	fail "sriov-arm64-pab (no kernel '$PAB'; make kernel ARCH=arm64 KOUT=build/arm64-pab KCONFIG_EXTRA=.../page-align-bars.config)"
elif KERNEL_arm64=$PAB sboot sriov-arm64-pab "" enable; then
	sverdict sriov-arm64-pab "${ALL[@]}" \
		--sriov-ref "$LOGDIR/sriov-arm64-none.log"
fi
if sboot sriov-arm64-none-noenable ""; then
	sverdict sriov-arm64-none-noenable
fi
if sboot sriov-arm64-all-noenable "pci=resource_alignment=all"; then
	sverdict sriov-arm64-all-noenable "${ALL[@]}" \
		--sriov-ref "$LOGDIR/sriov-arm64-none-noenable.log"
fi
case "$SRIOV_X86" in
0)	;;
*)	if [ ! -f "$X86" ] && [ "$SRIOV_X86" = auto ]; then
		echo "SKIP: sriov-x86_64 (no x86_64 kernel with ACPI '$X86')"
	elif [ ! -f "$X86" ]; then
		fail "sriov-x86_64 (no x86_64 kernel with ACPI '$X86')"
	else
		if KERNEL_x86_64=$X86 sboot sriov-x86_64-none "" enable x86_64; then
			sverdict sriov-x86_64-none
		fi
		if KERNEL_x86_64=$X86 sboot sriov-x86_64-all \
			"pci=resource_alignment=all" enable x86_64; then
			sverdict sriov-x86_64-all "${ALL[@]}" \
				--ref "$LOGDIR/sriov-x86_64-none.log" \
				--sriov-ref "$LOGDIR/sriov-x86_64-none.log"
		fi
	fi ;;
esac
echo "SRIOV-TIME $(awk -v a="$start" -v b="$(date +%s.%N)" \
	'BEGIN { printf "%.1f", b - a }')s"

summary "pci-align sriov"
