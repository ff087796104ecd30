#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pci-align: the vfio-pci consumer check, in QEMU (TCG).
#
# vfio-pci lets userspace mmap() a memory BAR smaller than PAGE_SIZE only
# when the BAR starts on a page boundary and nothing else is in the rest of
# its page (vfio_pci_probe_mmaps()).  The guest runs /bin/vfiocheck
# (guest/vfiocheck.c, through pcialign.run=) with vfio-pci in no-IOMMU mode
# (vfio.enable_unsafe_noiommu_mode=1; the arm64 guest kernel has
# CONFIG_VFIO_PCI and CONFIG_VFIO_NOIOMMU, see configs/arm64.config): it
# binds every pci-testdev to vfio-pci and prints one VFIO-BAR line per
# memory BAR (mmap=: VFIO_REGION_INFO_FLAG_MMAP, mmap_ok=: mmap() worked)
# and a VFIO-SUMMARY line.
#
#   arm64 virt, seed topology:
#     arm64-vfio-none  no parameter (the stock placement packs the small
#                      BARs): vfiocheck ran (rc=0, errors=0), one VFIO-BAR
#                      line per memory BAR of every pci-testdev (counted
#                      from the PCIBAR lines of the same boot), mmap_ok ==
#                      mmap on every line, at least one mmap=0
#     arm64-vfio-all   pci=resource_alignment=all: the same, but every BAR
#                      mmap=1 mmap_ok=1
#     arm64-vfio-pab   the kernel built with CONFIG_PCI_PAGE_ALIGN_BARS=y
#                      (build/arm64-pab), no parameter: as arm64-vfio-all
#
# Usage: vfio.sh
#        vfio.sh --check all|none LOG   only run the assertions of a mode
#                                       on an existing serial log
# Env:   KERNEL_arm64      kernel image (default `make -s image-path
#                          ARCH=arm64`)
#        KERNEL_arm64_pab  kernel with CONFIG_PCI_PAGE_ALIGN_BARS=y (default
#                          build/arm64-pab/arch/arm64/boot/Image; made by
#                          make kernel ARCH=arm64 KOUT=build/arm64-pab
#                          KCONFIG_EXTRA=$PWD/tools/testing/pci-align/configs/page-align-bars.config)
#        LOGDIR            default tools/testing/pci-align/build/logs
#        TIMEOUT           per boot, seconds (default 120)
# Output: the VFIO-* lines of each boot, "BOOT-TIME <run> <s>s",
#         "PASS: ..."/"FAIL: ..." per check, and a closing
#         "pci-align vfio: N passed, N failed".  Exit 1 if anything failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

PAB=${KERNEL_arm64_pab:-$TOP/build/arm64-pab/arch/arm64/boot/Image}
VFIO_APPEND="vfio.enable_unsafe_noiommu_mode=1 pcialign.run=/bin/vfiocheck"
TESTDEV=1b36:0005

# The guest report without the carriage returns of the serial console
report() {
	tr -d '\r' < "$1"
}

# The VFIO-BAR lines of report $1 as "<bdf> <bar> <mmap> <mmap_ok>",
# found by key
vbars() {
	awk '$1 == "VFIO-BAR" {
		m = o = "?"
		for (i = 4; i <= NF; i++) {
			if ($i ~ /^mmap=/) m = substr($i, 6)
			else if ($i ~ /^mmap_ok=/) o = substr($i, 9)
		}
		print $2, $3, m, o }' <<< "$1"
}

# vcheck MODE LABEL LOG: the assertions for MODE (all: every BAR mmap=1,
# none: at least one BAR mmap=0)
vcheck() {
	local mode=$1 label=$2 log=$3 rep want ndev got bad

	if [ ! -f "$log" ]; then
		fail "$label log $log missing"
		return
	fi
	# One string, not pipes: grep -q would end a pipe early, which
	# pipefail turns into a failure
	rep=$(report "$log")
	grep -E '^VFIO-(BAR|ERR|SUMMARY)' <<< "$rep" | sed 's/^/  /'

	# Expected: the memory BARs (0-5) of every pci-testdev the hardware
	# implements, from the first pcibars report (before vfiocheck ran)
	want=$(awk -v id="$TESTDEV" '
		/^PCIALIGN-RUN-BEGIN/ { exit }
		$1 == "PCIBAR" && $8 == id && $3 <= 5 &&
		$7 != "0x0" && $7 != "-" { n++ }
		END { print n + 0 }' <<< "$rep")
	ndev=$(awk -v id="$TESTDEV" '
		/^PCIALIGN-RUN-BEGIN/ { exit }
		$1 == "PCIBAR" && $8 == id { d[$2] = 1 }
		END { for (k in d) n++; print n + 0 }' <<< "$rep")

	if grep -qx 'PCIALIGN-RUN-END /bin/vfiocheck rc=0' <<< "$rep"; then
		pass "$label vfiocheck-ran"
	else
		fail "$label vfiocheck-ran ($(grep -m1 \
			'^PCIALIGN-RUN-END /bin/vfiocheck' <<< "$rep" ||
			echo 'no PCIALIGN-RUN-END /bin/vfiocheck line'))"
	fi

	if grep -q '^VFIO-SUMMARY .* errors=0$' <<< "$rep"; then
		pass "$label no-errors"
	else
		fail "$label no-errors ($(grep -m1 '^VFIO-SUMMARY' <<< "$rep" ||
			echo 'no VFIO-SUMMARY line'))"
	fi

	got=$(grep -c '^VFIO-BAR ' <<< "$rep")
	if [ "$want" -gt 0 ] && [ "$got" -eq "$want" ] &&
	   grep -q "^VFIO-SUMMARY devices=$ndev bars=$want " <<< "$rep"; then
		pass "$label bar-count ($got VFIO-BAR lines, $want testdev memory BARs of $ndev devices)"
	else
		fail "$label bar-count ($got VFIO-BAR lines, want $want > 0 of $ndev devices)"
	fi

	bad=$(vbars "$rep" | awk '$3 != $4 { n++ } END { print n + 0 }')
	if [ "$bad" -eq 0 ]; then
		pass "$label mmap-consistent"
	else
		fail "$label mmap-consistent ($bad BARs with mmap != mmap_ok)"
	fi

	case "$mode" in
	all)
		bad=$(vbars "$rep" | awk '!($3 == 1 && $4 == 1) { n++ }
			END { print n + 0 }')
		if [ "$got" -gt 0 ] && [ "$bad" -eq 0 ]; then
			pass "$label all-mmap ($got of $got BARs mmap=1 mmap_ok=1)"
		else
			fail "$label all-mmap ($bad of $got BARs not mmap=1 mmap_ok=1)"
		fi
		;;
	none)
		bad=$(vbars "$rep" | awk '$3 == 0 { n++ } END { print n + 0 }')
		if [ "$bad" -ge 1 ]; then
			pass "$label some-nommap ($bad of $got BARs mmap=0)"
		else
			fail "$label some-nommap (no BAR with mmap=0: nothing for the alignment to fix)"
		fi
		;;
	esac
}

if [ "${1:-}" = --check ]; then
	[ $# -eq 3 ] || { echo "usage: $0 --check all|none LOG" >&2; exit 2; }
	vcheck "$2" "check-$2" "$3"
	summary "pci-align vfio"
	exit
fi

if boot arm64-vfio-none arm64 seed "$VFIO_APPEND"; then
	vcheck none arm64-vfio-none "$LOGDIR/arm64-vfio-none.log"
fi
if boot arm64-vfio-all arm64 seed "pci=resource_alignment=all $VFIO_APPEND"; then
	vcheck all arm64-vfio-all "$LOGDIR/arm64-vfio-all.log"
fi
if [ ! -f "$PAB" ]; then
	fail "arm64-vfio-pab (no kernel '$PAB'; make kernel ARCH=arm64 KOUT=build/arm64-pab KCONFIG_EXTRA=.../page-align-bars.config)"
elif KERNEL_arm64=$PAB boot arm64-vfio-pab arm64 seed "$VFIO_APPEND"; then
	vcheck all arm64-vfio-pab "$LOGDIR/arm64-vfio-pab.log"
fi

summary "pci-align vfio"
