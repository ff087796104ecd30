#!/bin/bash
# make check: run every project check, print "ok <name>" / "FAIL <name>" per
# step and finish with the line "N passed, N failed" (exit 1 if any failed).
# Logs: build/check/<step>.log.  Variables: TREE, KSRC (see Makefile).
# To add a step: write a function/command and add a `step <name> <cmd...>`
# line in the list at the bottom.  `counted <name> <cmd...>` runs a command
# whose stdout lines "PASS: <name>" / "FAIL: <name>" each count as a check.
# CHECK_SKIP="kernel arm64,demo": comma-separated step names not to run
# (printed as "skip <name>", not counted).
# shellcheck source=tools/testing/pci-align/buildlib.sh
. "$(dirname "$0")/buildlib.sh"
set +e

LOGS=$ROOT/build/check
mkdir -p "$LOGS"
PASSED=0 FAILED=0

logname() { echo "$LOGS/$(echo "$1" | tr -c 'A-Za-z0-9_.\n-' '_').log"; }

skipped() {
	case ",${CHECK_SKIP:-}," in *",$1,"*) echo "skip $1"; return 0 ;; esac
	return 1
}

step() {
	local name=$1 log
	shift
	skipped "$name" && return
	log=$(logname "$name")
	if "$@" >"$log" 2>&1; then
		echo "ok $name"
		PASSED=$((PASSED + 1))
	else
		echo "FAIL $name"
		tail -n 25 "$log" | sed 's/^/    | /'
		echo "    (full log: ${log#"$ROOT"/})"
		FAILED=$((FAILED + 1))
	fi
}

counted() {
	local name=$1 log rc line seen=0
	shift
	skipped "$name" && return
	log=$(logname "$name")
	"$@" >"$log" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		PASS:*) echo "ok ${line#PASS: }"; PASSED=$((PASSED + 1)); seen=1 ;;
		FAIL:*) echo "FAIL ${line#FAIL: }"; FAILED=$((FAILED + 1)); seen=1 ;;
		esac
	done <"$log"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL:' "$log"; then
		echo "FAIL $name (exit status $rc)"
		tail -n 25 "$log" | sed 's/^/    | /'
		FAILED=$((FAILED + 1))
	elif [ $seen = 0 ]; then
		echo "ok $name"
		PASSED=$((PASSED + 1))
	fi
	[ $rc -eq 0 ] || echo "    (full log: ${log#"$ROOT"/})"
}

mk() { make -C "$ROOT" --no-print-directory TREE="$TREE" KSRC="$KSRC" "$@"; }

round_trip() {
	mk save || return 1
	if ! python3 "$BUILD_TOOLS/overlay.py" repo-status; then
		echo "make save changed overlay files (see above): the series in the"
		echo "repository does not round-trip through 'make tree && make save'"
		return 1
	fi
}

# ---- steps, in order ------------------------------------------------------
step deps             mk deps
step base             mk base
step tree             mk tree
step "round trip"     round_trip
step series           mk series
step checkpatch       mk checkpatch
step "kernel arm64"   mk kernel ARCH=arm64
step "kernel x86_64"  mk kernel ARCH=x86_64
step "kernel arm64 PCI_PAGE_ALIGN_BARS=y" mk kernel ARCH=arm64 KOUT=build/arm64-pab \
	KCONFIG_EXTRA="$BUILD_TOOLS/configs/page-align-bars.config"
step "kernel arm64 64K pages" mk kernel ARCH=arm64 KOUT=build/arm64-64k \
	KCONFIG_EXTRA="$BUILD_TOOLS/configs/arm64-64k.config"
counted kunit         "$BUILD_TOOLS/kunit.sh"
if [ -x "$BUILD_TOOLS/demo.sh" ]; then
	counted demo "$BUILD_TOOLS/demo.sh"
fi
counted badinput "$BUILD_TOOLS/badinput.sh"
counted extra "$BUILD_TOOLS/extra.sh"
counted realloc "$BUILD_TOOLS/realloc.sh"
counted pagealign "$BUILD_TOOLS/pagealign.sh"
counted sriov "$BUILD_TOOLS/sriov.sh"
counted kselftest "$BUILD_TOOLS/kselftest.sh"
counted vfio "$BUILD_TOOLS/vfio.sh"
counted bench "$BUILD_TOOLS/bench.sh" --check
counted crossbuild "$BUILD_TOOLS/crossbuild.sh" s390 powerpc um
counted qualitygate "$BUILD_TOOLS/qualitygate.sh"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
