#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the kselftest tools/testing/selftests/pci/bar_alignment on the host
# against synthetic sysfs trees (PCI_SYSFS_ROOT=<dir> with
# <dir>/resource_alignment and <dir>/devices/<bdf>/resource), so that it is
# known to fail where it must, and the kselftest plumbing around it:
#
#   kselftest-selfcheck aligned-*     "all", every BAR on a page of its own:
#                                     bars_aligned and no_shared_4k_page
#                                     pass, exit 0
#   kselftest-selfcheck misaligned-*  "all", one BAR off a page: bars_aligned
#                                     fails naming the BAR, exit 1 (KSFT_FAIL)
#   kselftest-selfcheck shared-*      "all", two devices in one page:
#                                     no_shared_4k_page fails, naming the page
#                                     and both devices
#   kselftest-selfcheck unaligned-*   "", "off", or only entries naming a
#                                     device, with shared pages: every test
#                                     skipped, exit 0 (the harness exits 0
#                                     when all tests are skipped), the shared
#                                     page listed anyway
#   kselftest-selfcheck samedev-*     BARs of one device in one page are no
#                                     sharing; two functions of a slot are
#   kselftest-selfcheck order-*       "12@all", "16@all", "8@all", and an
#                                     entry naming a device next to "all"
#   kselftest-selfcheck rom-io-*      the ROM (line 6) is checked, I/O BARs,
#                                     unassigned BARs, bridge windows (lines
#                                     7+) and VFs are not
#   kselftest-selfcheck nodevices     no devices: every test skipped
#   kselftest-selfcheck run-tests-*   make run_tests prints KTAP (host sysfs
#                                     and a failing synthetic tree)
#   kselftest-selfcheck install-*     make install: run_kselftest.sh and
#                                     kselftest-list.txt with
#                                     pci:bar_alignment; run_kselftest.sh
#                                     runs it
#
# The host binary and make's output go to a temporary directory, never into
# $TREE.
#
# Usage: kselftest-selfcheck.sh
# Env:   TREE  kernel tree with the selftest (default build/linux)
# Output: KTAP results "kselftest-selfcheck <name>" (steps/lib.sh);
#         exits 1 if any failed.
# shellcheck disable=SC2317 # the checks are called through expect()
# shellcheck source=tools/testing/pci-align/steps/lib.sh
. "$(dirname "$0")/lib.sh"
set -euo pipefail

SELFTESTS=$TREE/tools/testing/selftests
check_pass() { pass "kselftest-selfcheck $*"; }
check_fail() { fail "kselftest-selfcheck $*"; }

mkdir -p "$BUILD"
TMP=$(mktemp -d "$BUILD/kselftest-selfcheck.XXXXXX")
trap 'rm -rf "$TMP"' EXIT


# --- synthetic trees -------------------------------------------------------

ZERO="0x0000000000000000 0x0000000000000000 0x0000000000000000"
MEM32=0x00040200	# IORESOURCE_MEM | IORESOURCE_SIZEALIGN
MEM64=0x00140204	# ... | IORESOURCE_MEM_64, 64-bit BAR
ROM=0x00046200		# IORESOURCE_MEM | READONLY | PREFETCH | SIZEALIGN
IO=0x00040101		# IORESOURCE_IO
UNSET=0x20040200	# IORESOURCE_MEM | IORESOURCE_UNSET

# tree NAME PARAM: a new empty tree, its path in $T
tree() {
	T=$TMP/trees/$1
	mkdir -p "$T/devices"
	printf '%s\n' "$2" > "$T/resource_alignment"
}

# dev BDF [BAR:START:SIZE:FLAGS...]: a device with these resource lines
# (BAR 0-5, 6 = ROM, 7+ = bridge windows); the others are unused.
dev() {
	local d=$T/devices/$1 i n=7 spec bar start size flags
	local -a lines
	shift
	mkdir -p "$d"
	for spec in "$@"; do
		IFS=: read -r bar _ _ _ <<<"$spec"
		[ "$bar" -lt "$n" ] || n=$((bar + 1))
	done
	for ((i = 0; i < n; i++)); do lines[i]=$ZERO; done
	for spec in "$@"; do
		IFS=: read -r bar start size flags <<<"$spec"
		if [ $((size)) -eq 0 ]; then
			lines[bar]=$(printf '0x%016x 0x%016x 0x%016x' 0 0 "$flags")
		else
			lines[bar]=$(printf '0x%016x 0x%016x 0x%016x' \
				"$start" $((start + size - 1)) "$flags")
		fi
	done
	printf '%s\n' "${lines[@]}" > "$d/resource"
	printf '0x020000\n' > "$d/class"
}

# run NAME: run the host binary on tree $T; output in $OUT, status in $RC
run() {
	OUT=$TMP/out/$1.log
	mkdir -p "$TMP/out"
	set +e
	PCI_SYSFS_ROOT=$T "$BIN" > "$OUT" 2>&1
	RC=$?
	set -e
}

show() { sed 's/^/    | /' "$OUT"; }

# expect NAME CONDITION-COMMAND...: PASS/FAIL by the command's status
expect() {
	local name=$1
	shift
	if "$@"; then
		check_pass "$name"
	else
		check_fail "$name"
		echo "    (expected: $*; exit status $RC)"
		show
	fi
}

has() { grep -qF -- "$1" "$OUT"; }
hasnt() { ! grep -qF -- "$1" "$OUT"; }
rc_is() { [ "$RC" -eq "$1" ]; }
# result N NAME: "ok N global.NAME" without a SKIP directive
ok() { grep -qE "^ok $1 global\\.$2\$" "$OUT"; }
notok() { grep -qE "^not ok $1 global\\.$2\$" "$OUT"; }
skipped() { grep -qE "^ok $1 global\\.$2 # SKIP " "$OUT"; }

# --- host build --------------------------------------------------------------

BIN=$TMP/host/bar_alignment
if ! [ -f "$SELFTESTS/pci/bar_alignment.c" ]; then
	check_fail "build (no $SELFTESTS/pci/bar_alignment.c; TREE=$TREE)"
	finish
fi
mkdir -p "$TMP/host"
if make -C "$SELFTESTS/pci" OUTPUT="$TMP/host" > "$TMP/build.log" 2>&1 &&
   [ -x "$BIN" ]; then
	if grep -q 'warning:' "$TMP/build.log"; then
		check_fail build-no-warnings
		cat "$TMP/build.log"
	else
		check_pass build-no-warnings
	fi
else
	check_fail build
	cat "$TMP/build.log"
	finish
fi
PAGE_SIZE=$(getconf PAGESIZE)

# --- (1) aligned "all" -------------------------------------------------------

tree aligned all
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32 2:0xfe001000:0x100:$MEM64 \
	6:0xfe010000:0x800:$ROM
dev 0000:00:02.0 0:0xfe002000:0x1000:$MEM32 1:0xc000:0x20:$IO \
	4:0xfe100000:0x100000:$MEM64
dev 0000:00:03.0 0:0xfe003000:0x40:$MEM32
run aligned
expect aligned-exit-0 rc_is 0
expect aligned-bars_aligned-ok ok 1 bars_aligned
expect aligned-no_shared_4k_page-ok ok 2 no_shared_4k_page
if [ "$PAGE_SIZE" -eq 4096 ]; then
	expect aligned-no_shared_page-skip-4k skipped 3 no_shared_page
else
	expect aligned-no_shared_page-ok ok 3 no_shared_page
fi
expect aligned-ktap has "TAP version 13"
expect aligned-plan has "1..3"
expect aligned-align-0x1000 has 'resource_alignment "all": align to 0x1000; 3 devices, 6 memory BARs'
expect aligned-totals has "# Totals: pass:2 fail:0"

# --- (2) "all", one BAR misaligned ------------------------------------------

tree misaligned all
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32
dev 0000:00:02.0 0:0xfe002080:0x80:$MEM32 2:0xfe003000:0x80:$MEM32
run misaligned
expect misaligned-exit-1 rc_is 1
expect misaligned-bars_aligned-not-ok notok 1 bars_aligned
expect misaligned-names-bar \
	has "# 0000:00:02.0 BAR 0 [0xfe002080-0xfe0020ff] not aligned to 0x1000"
expect misaligned-only-that-bar hasnt "0000:00:02.0 BAR 2 [0xfe003000-0xfe00307f] not aligned"
expect misaligned-count has "# 1 of 3 memory BARs checked are not aligned"
expect misaligned-no_shared_4k_page-ok ok 2 no_shared_4k_page

# --- (3) "all", two devices in one page -------------------------------------

tree shared all
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32
dev 0000:00:02.0 0:0xfe000080:0x80:$MEM32
dev 0000:00:03.0 0:0xfe001000:0x1000:$MEM32
run shared
expect shared-exit-1 rc_is 1
expect shared-no_shared_4k_page-not-ok notok 2 no_shared_4k_page
expect shared-names-page-and-devices \
	has "# page 0xfe000000 (0x1000 bytes) shared by 0000:00:01.0 BAR 0 [0xfe000000-0xfe00007f], 0000:00:02.0 BAR 0 [0xfe000080-0xfe0000ff]"
expect shared-listed-once test "$(grep -c 'shared by' "$OUT")" -eq "$((PAGE_SIZE == 4096 ? 1 : 2))"
expect shared-count has "# 1 pages of 0x1000 bytes hold memory BARs of different devices"

# --- (4) no alignment requested, shared pages -------------------------------

for param in "" off "12@0000:00:01.0" "16@pci:8086:1234"; do
	name=unaligned-${param:-empty}
	name=${name//[@:]/_}
	tree "$name" "$param"
	dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32
	dev 0000:00:02.0 0:0xfe000080:0x80:$MEM32
	run "$name"
	expect "$name-exit-0" rc_is 0
	expect "$name-bars_aligned-skip" skipped 1 bars_aligned
	expect "$name-no_shared_4k_page-skip" skipped 2 no_shared_4k_page
	expect "$name-skip-reason" \
		grep -qF "ok 2 global.no_shared_4k_page # SKIP no BAR alignment requested; 1 shared pages listed above" "$OUT"
	expect "$name-page-listed" \
		has "# page 0xfe000000 (0x1000 bytes) shared by 0000:00:01.0 BAR 0"
	expect "$name-totals" has "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:3 error:0"
	case "$param" in
	*@*) expect "$name-entry-noted" has "# entry \"$param\": " ;;
	esac
done

# --- (5) BARs of one device in one page --------------------------------------

tree samedev all
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32 2:0xfe000800:0x80:$MEM64
dev 0000:00:02.0 0:0xfe001000:0x1000:$MEM32
run samedev
expect samedev-no_shared_4k_page-ok ok 2 no_shared_4k_page
expect samedev-no-page-listed hasnt "shared by"
expect samedev-bar2-misaligned \
	has "# 0000:00:01.0 BAR 2 [0xfe000800-0xfe00087f] not aligned to 0x1000"

tree samedev-functions all
dev 0000:00:03.0 0:0xfe000000:0x80:$MEM32
dev 0000:00:03.1 0:0xfe000100:0x80:$MEM32
run samedev-functions
expect samedev-functions-shared notok 2 no_shared_4k_page
expect samedev-functions-listed \
	has "shared by 0000:00:03.0 BAR 0 [0xfe000000-0xfe00007f], 0000:00:03.1 BAR 0 [0xfe000100-0xfe00017f]"

# --- (6) alignment orders ---------------------------------------------------

tree order-12 "12@all"
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32
dev 0000:00:02.0 0:0xfe001000:0x80:$MEM32
run order-12
expect order-12-exit-0 rc_is 0
expect order-12-align has 'resource_alignment "12@all": align to 0x1000'
expect order-12-bars_aligned-ok ok 1 bars_aligned
expect order-12-no_shared_4k_page-ok ok 2 no_shared_4k_page

tree order-16 "16@all"
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32
dev 0000:00:02.0 0:0xfe001000:0x80:$MEM32 2:0xfe100000:0x100000:$MEM64
run order-16
expect order-16-exit-1 rc_is 1
expect order-16-align has 'resource_alignment "16@all": align to 0x10000'
expect order-16-bars_aligned-not-ok notok 1 bars_aligned
expect order-16-names-bar \
	has "# 0000:00:02.0 BAR 0 [0xfe001000-0xfe00107f] not aligned to 0x10000"
expect order-16-one-bad has "# 1 of 3 memory BARs checked are not aligned"

# 256-byte alignment: aligned, but pages may be shared, so that is listed
# and the sharing tests are skipped
tree order-8 "8@all"
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32
dev 0000:00:02.0 0:0xfe000100:0x80:$MEM32
run order-8
expect order-8-exit-0 rc_is 0
expect order-8-bars_aligned-ok ok 1 bars_aligned
expect order-8-no_shared_4k_page-skip \
	grep -qF "ok 2 global.no_shared_4k_page # SKIP BAR alignment 0x100 < 0x1000; 1 shared pages listed above" "$OUT"

# An entry naming a device takes precedence over "all"
tree order-device "16@0000:00:02.0;all"
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32
dev 0000:00:02.0 0:0xfe001000:0x10000:$MEM32
dev 0000:00:03.0 0:0xfe020000:0x10000:$MEM32
run order-device
expect order-device-noted has '# entry "16@0000:00:02.0": 1 device(s), BARs enlarged to 0x10000'
expect order-device-global has 'resource_alignment "16@0000:00:02.0;all": align to 0x1000'
expect order-device-names-bar \
	has "# 0000:00:02.0 BAR 0 [0xfe001000-0xfe010fff] not aligned to 0x10000"
expect order-device-exit-1 rc_is 1

tree order-ids "8@pci:8086:1234,all"
dev 0000:00:01.0 0:0xfe000000:0x1000:$MEM32
dev 0000:00:02.0 0:0xfe001100:0x100:$MEM32
printf '0x8086\n' > "$T/devices/0000:00:02.0/vendor"
printf '0x1234\n' > "$T/devices/0000:00:02.0/device"
run order-ids
expect order-ids-noted has '# entry "8@pci:8086:1234": 1 device(s), BARs enlarged to 0x100'
expect order-ids-bars_aligned-ok ok 1 bars_aligned

# --- (7) ROM, I/O, unassigned BARs, bridge windows, VFs ---------------------

tree rom-io all
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32 1:0x1001:0x8:$IO \
	3:0:0x80:$UNSET 6:0xfe000800:0x800:$ROM
dev 0000:00:02.0 0:0xfe001000:0x1000:$MEM32 5:0:0:0 \
	8:0xfe001800:0x800:$MEM32
dev 0000:00:03.0 0:0xfe002000:0x80:$MEM32 1:0:0x80:$UNSET
dev 0000:00:04.0 0:0xfe003080:0x80:$MEM32
ln -s ../0000:00:02.0 "$T/devices/0000:00:04.0/physfn"
run rom-io
expect rom-io-rom-checked \
	has "# 0000:00:01.0 BAR 6 [0xfe000800-0xfe000fff] not aligned to 0x1000"
expect rom-io-io-ignored hasnt "BAR 1 [0x1001"
expect rom-io-unassigned-ignored hasnt "[0x0-"
expect rom-io-window-ignored hasnt "0xfe001800"
expect rom-io-vf-not-checked has "# 0000:00:04.0: VF, BARs not realigned by the kernel, not checked"
expect rom-io-vf-not-misaligned hasnt "0000:00:04.0 BAR 0 [0xfe003080-0xfe0030ff] not aligned"
expect rom-io-one-bad has "# 1 of 4 memory BARs checked are not aligned"
expect rom-io-rom-shares-nothing hasnt "shared by"
expect rom-io-exit-1 rc_is 1

# --- no devices ----------------------------------------------------------

tree nodevices all
run nodevices
expect nodevices-all-skipped \
	has "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:3 error:0"
expect nodevices-reason has "# SKIP no PCI devices in $T/devices"
expect nodevices-exit-0 rc_is 0

# --- make run_tests -----------------------------------------------------------

# The kselftest runner writes to /dev/stdout, which opens the log file again
# with its own offset: append, or the lines overwrite each other.

# O= keeps the build out of $TREE: $TMP/o/kselftest/pci
ktap_valid() {
	grep -qx "TAP version 13" "$OUT" && grep -qx "1\\.\\.1" "$OUT" &&
	grep -qx "# 1\\.\\.3" "$OUT" &&
	[ "$(grep -cE '^# (not )?ok [1-3] global\.' "$OUT")" -eq 3 ] &&
	grep -qE '^(not )?ok 1 selftests: pci: bar_alignment' "$OUT"
}
OUT=$TMP/out/run_tests-host.log
: > "$OUT"
RC=0
make -C "$SELFTESTS" TARGETS=pci O="$TMP/o" run_tests >> "$OUT" 2>&1 || RC=$?
expect run-tests-host-ktap ktap_valid
expect run-tests-host-make-exit-0 rc_is 0

tree run-tests-shared all
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32
dev 0000:00:02.0 0:0xfe000080:0x80:$MEM32
OUT=$TMP/out/run_tests-shared.log
: > "$OUT"
RC=0
PCI_SYSFS_ROOT=$T make -C "$SELFTESTS" TARGETS=pci O="$TMP/o" run_tests \
	>> "$OUT" 2>&1 || RC=$?
expect run-tests-shared-ktap ktap_valid
expect run-tests-shared-not-ok \
	grep -qx "not ok 1 selftests: pci: bar_alignment # exit=1" "$OUT"

# --- make install -------------------------------------------------------

INST=$TMP/ks-install
OUT=$TMP/out/install.log
: > "$OUT"
RC=0
make -C "$SELFTESTS" TARGETS=pci O="$TMP/o" install INSTALL_PATH="$INST" \
	>> "$OUT" 2>&1 || RC=$?
expect install-exit-0 rc_is 0
expect install-run_kselftest.sh test -x "$INST/run_kselftest.sh"
expect install-binary test -x "$INST/pci/bar_alignment"
expect install-list grep -qx "pci:bar_alignment" "$INST/kselftest-list.txt"

tree install-aligned all
dev 0000:00:01.0 0:0xfe000000:0x80:$MEM32
OUT=$TMP/out/run_kselftest.log
: > "$OUT"
RC=0
PCI_SYSFS_ROOT=$T "$INST/run_kselftest.sh" >> "$OUT" 2>&1 || RC=$?
expect install-run_kselftest-ktap ktap_valid
expect install-run_kselftest-ok \
	grep -qx "ok 1 selftests: pci: bar_alignment" "$OUT"
expect install-run_kselftest-exit-0 rc_is 0

finish
