#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pci-align: the series' kselftest (tools/testing/selftests/pci/
# bar_alignment) on live systems, in QEMU (TCG).
#
# First kselftest-build.sh builds the test from $TREE for arm64 and x86_64
# (static) and kselftest-selfcheck.sh runs the host build against synthetic
# sysfs trees and through `make run_tests` / `make install` (its PASS:/FAIL:
# lines are passed on).  Then each guest runs /bin/bar_alignment through
# pcialign.run= on the seed topology; every KTAP result line of the test
# becomes a check of its own ("PASS: <boot> ktap <test>" for "ok",
# "SKIP: ..." for "ok ... # SKIP", not counted by check.sh, "FAIL: ..." for
# "not ok"), followed by what the boot must show:
#
#   <arch>-ks-none  no parameter: bars_aligned and no_shared_4k_page are
#                   SKIPped, not failed; the test lists exactly as many
#                   shared 4 KiB pages as analyze.py counts from the BAR
#                   report of the same boot (arm64: >= 1, stock Linux
#                   packs small BARs; x86_64: SeaBIOS' placement)
#   <arch>-ks-all   pci=resource_alignment=all: bars_aligned and
#                   no_shared_4k_page pass (not skipped), 0 shared pages
#   arm64-64k-none  a kernel with 64 KiB pages (build/arm64-64k,
#                   configs/arm64-64k.config; SKIP without it), no
#                   parameter: no_shared_page is skipped and lists the
#                   64 KiB pages analyze.py counts as shared (>= 1)
#   arm64-64k-all   the same kernel with "all": aligned to 64 KiB,
#                   bars_aligned, no_shared_4k_page and no_shared_page pass
#   arm64-ks-30     pci=resource_alignment=30@all, where no BAR fits
#                   1 GiB-aligned and the kernel falls back to natural
#                   alignment: bars_aligned fails and names every BAR the
#                   kernel warned about ("assigned without requested
#                   alignment") -- the test catches a live misalignment
#
# Usage: kselftest.sh
# Env:   ARCHES (default "arm64 x86_64"), TREE, KERNEL_<arch>, LOGDIR,
#        TIMEOUT (see lib.sh / demo.sh), KERNEL_arm64_64k (default
#        build/arm64-64k/arch/arm64/boot/Image)
# Output: the test's KTAP per boot, "PASS: ..."/"FAIL: ..." per check and
#         "pci-align kselftest: N passed, N failed".  Exit 1 on failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ARCHES=${ARCHES:-arm64 x86_64}
A="$HERE/analyze.py"

# ktap_of LOG: the output of /bin/bar_alignment in the serial log
ktap_of() {
	tr -d '\r' < "$1" | awk '
		/^PCIALIGN-RUN-BEGIN \/bin\/bar_alignment/ { on = 1; next }
		/^PCIALIGN-RUN-END \/bin\/bar_alignment/ { on = 0 }
		on'
}

# result KTAP TEST: "ok", "skip" or "not ok" (empty if missing)
result() {
	awk -v t="$2" '
		$0 ~ "^ok [0-9]+ global\\." t "( |$)" {
			print (/# SKIP/ ? "skip" : "ok"); exit }
		$0 ~ "^not ok [0-9]+ global\\." t "( |$)" { print "not ok"; exit }
	' <<< "$1"
}

expect() {
	local label=$1 ktap=$2 test=$3 want=$4 got
	got=$(result "$ktap" "$test")
	if [ "$got" = "$want" ]; then
		pass "$label $test $want"
	else
		fail "$label $test $want (got '${got:-no result}')"
	fi
}

# expect_rc LABEL WANT [NOTE]: the exit status of the test (RC) is WANT
expect_rc() {
	if [ "$RC" = "$2" ]; then
		pass "$1 exit-status $2${3:+ ($3)}"
	else
		fail "$1 exit-status $2 (got '$RC')"
	fi
}

# run_boot LABEL ARCH APPEND [raw]: boot, set KTAP (the test's output) and
# RC (its exit status), and pass the KTAP header and every KTAP line on as
# checks, unless "raw" (a boot where the test must fail)
run_boot() {
	local label=$1 arch=$2 append=$3 mode=${4:-} log ktap line
	log=$LOGDIR/$label.log
	INITRD=$TOP/build/initramfs-kselftest-$arch.cpio.gz
	INITRAMFS_EXTRA="$TOP/build/kselftest/$arch/pci/bar_alignment:/bin/bar_alignment"
	boot "$label" "$arch" seed "$append pcialign.run=/bin/bar_alignment" ||
		return 1
	ktap=$(ktap_of "$log")
	sed 's/^/  | /' <<< "$ktap"
	KTAP=$ktap
	RC=$(tr -d '\r' < "$log" | sed -n 's#^PCIALIGN-RUN-END /bin/bar_alignment rc=##p')
	[ "$mode" = raw ] && return 0
	if grep -q '^TAP version' <<< "$ktap" &&
	   grep -qE '^1\.\.[0-9]+$' <<< "$ktap"; then
		pass "$label ktap-header"
	else
		fail "$label ktap-header (no TAP version / plan line)"
	fi
	while IFS= read -r line; do
		case "$line" in
		"not ok "*) fail "$label ktap ${line#not ok }" ;;
		"ok "*"# SKIP"*) echo "SKIP: $label ktap ${line#ok }" ;;
		"ok "*) pass "$label ktap ${line#ok }" ;;
		esac
	done <<< "$ktap"
	return 0
}

# shared_4k LOG LABEL: analyze.py's count of shared 4 KiB pages
shared_4k() {
	python3 "$A" --label "$2" "$1" 2>/dev/null |
		sed -n 's/^VERDICT .* shared_pages_4096=\([0-9]*\).*/\1/p'
}

# ---- host side ---------------------------------------------------------
echo "--- building the kselftest"
if ! "$HERE/kselftest-build.sh" $ARCHES; then
	fail "kselftest-build"
	summary "pci-align kselftest"
	exit 1
fi
pass "kselftest-build ($ARCHES)"
counted "$HERE/kselftest-selfcheck.sh"

# ---- guests -------------------------------------------------------------
for arch in $ARCHES; do
	if run_boot "$arch-ks-none" "$arch" ""; then
		label=$arch-ks-none
		expect "$label" "$KTAP" bars_aligned skip
		expect "$label" "$KTAP" no_shared_4k_page skip
		expect_rc "$label" 0
		listed=$(grep -c '^# page 0x[0-9a-f]* (0x1000 bytes) shared by' <<< "$KTAP")
		counted_here=$(shared_4k "$LOGDIR/$label.log" "$label")
		if [ -n "$counted_here" ] && [ "$listed" = "$counted_here" ]; then
			pass "$label lists-shared-pages ($listed, analyze.py $counted_here)"
		else
			fail "$label lists-shared-pages (kselftest $listed, analyze.py '${counted_here}')"
		fi
		if [ "$arch" = arm64 ]; then
			[ "$listed" -ge 1 ] && pass "$label finds-a-shared-page ($listed)" ||
				fail "$label finds-a-shared-page (none listed)"
		fi
	fi
	if run_boot "$arch-ks-all" "$arch" "pci=resource_alignment=all"; then
		label=$arch-ks-all
		expect "$label" "$KTAP" bars_aligned ok
		expect "$label" "$KTAP" no_shared_4k_page ok
		expect_rc "$label" 0
		listed=$(grep -c '^# page 0x.* shared by' <<< "$KTAP")
		[ "$listed" = 0 ] && pass "$label no-shared-page-listed" ||
			fail "$label no-shared-page-listed ($listed listed)"
	fi
done

# 64 KiB pages: "all" aligns to PAGE_SIZE, and no_shared_page (a PAGE_SIZE
# page shared by two devices) runs instead of being skipped
K64=${KERNEL_arm64_64k:-$TOP/build/arm64-64k/arch/arm64/boot/Image}
case " $ARCHES " in *" arm64 "*)
	if [ ! -f "$K64" ]; then
		echo "SKIP: arm64-64k (no kernel $K64; make kernel ARCH=arm64 KOUT=build/arm64-64k KCONFIG_EXTRA=\$PWD/tools/testing/pci-align/configs/arm64-64k.config)"
	else
		if KERNEL_arm64=$K64 run_boot arm64-64k-none arm64 ""; then
			label=arm64-64k-none
			expect "$label" "$KTAP" no_shared_page skip
			pg=$(tr -d '\r' < "$LOGDIR/$label.log" |
				sed -n 's/^PCIALIGN-PAGESIZE //p')
			[ "$pg" = 65536 ] && pass "$label page-size 65536" ||
				fail "$label page-size 65536 (got '$pg')"
			listed=$(grep -c '^# page 0x[0-9a-f]* (0x10000 bytes) shared by' <<< "$KTAP")
			counted_here=$(python3 "$A" --label "$label" "$LOGDIR/$label.log" 2>/dev/null |
				sed -n 's/^VERDICT .* shared_pages_65536=\([0-9]*\).*/\1/p')
			if [ "$listed" -ge 1 ] && [ "$listed" = "$counted_here" ]; then
				pass "$label lists-shared-64k-pages ($listed, analyze.py $counted_here)"
			else
				fail "$label lists-shared-64k-pages (kselftest $listed, analyze.py '$counted_here')"
			fi
		fi
		if KERNEL_arm64=$K64 run_boot arm64-64k-all arm64 \
			"pci=resource_alignment=all"; then
			label=arm64-64k-all
			expect "$label" "$KTAP" bars_aligned ok
			expect "$label" "$KTAP" no_shared_4k_page ok
			expect "$label" "$KTAP" no_shared_page ok
			grep -q '^# resource_alignment "all": align to 0x10000;' <<< "$KTAP" &&
				pass "$label aligns-to-64k" || fail "$label aligns-to-64k"
			expect_rc "$label" 0
		fi
	fi
	;;
esac

# A live failure: 30@all can't be met, the fallback leaves BARs unaligned.
# The "not ok" of bars_aligned is what this boot must show, so its KTAP
# lines are not passed on as checks.
case " $ARCHES " in *" arm64 "*)
	label=arm64-ks-30
	if run_boot "$label" arm64 "pci=resource_alignment=30@all" raw; then
		log=$LOGDIR/$label.log
		expect "$label" "$KTAP" bars_aligned "not ok"
		expect_rc "$label" 1 KSFT_FAIL
		# "pci 0000:01:01.0: BAR 2 [mem ...]: assigned without requested
		# alignment" -> "0000:01:01.0 BAR 2"
		warned=$(tr -d '\r' < "$log" |
			sed -n 's/.*pci \([0-9a-f:.]*\): BAR \([0-9]\) .*assigned without requested alignment.*/\1 BAR \2/p' |
			sort -u)
		named=$(sed -n 's/^# \([0-9a-f:.]*\) BAR \([0-9]\) \[.*not aligned to.*/\1 BAR \2/p' <<< "$KTAP" |
			sort -u)
		if [ -n "$warned" ] && [ "$warned" = "$named" ]; then
			pass "$label names-the-unaligned-bars ($(wc -l <<< "$named"))"
		else
			fail "$label names-the-unaligned-bars"
			diff <(echo "$warned") <(echo "$named") | sed 's/^/  /'
		fi
	fi
	;;
esac

summary "pci-align kselftest"
