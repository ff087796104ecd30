#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pci-align: BARs assigned a second time, after bridge windows were released
# and sized again, in QEMU (TCG).  After each scenario the same verdict as
# the demo: shared_pages == 0 (4 KiB pages and guest PAGE_SIZE pages shared
# by memory BARs of two devices), inflated == 0, unassigned == 0, every
# memory BAR smaller than the requested alignment aligned to it, no
# resource_alignment error, no Oops/WARNING; and a check that the scenario
# really took the path it is about (a scenario that doesn't must FAIL).
#
#   hotadd       arm64 virt, two empty pcie-root-ports, "all" on the command
#                line; the host hot-adds eight pci-testdev,membar=32 as a
#                multifunction device behind rp1 (QMP device_add, functions
#                .1-.7 first, then .0); pciehp enumerates them and calls
#                pci_assign_unassigned_bridge_resources(): exactly 8 new
#                devices, each BAR in the verdict
#   hotadd-grow  the same with function .1 at membar=8388608 (8 MiB 64-bit
#                prefetchable, larger than the 2 MiB the empty hotplug port
#                got): the first pass fails, the port's prefetchable window
#                is released with the small BARs already in it ("release
#                child resource"), sized again, and the small BARs are
#                assigned a second time ("No. 2 try to assign unassigned
#                res")
#   hotadd-x86   hotadd-grow on x86_64 q35, where SeaBIOS sized the port's
#                windows (root ports use native hotplug there)
#   remove       "all" at boot, then the guest removes bridges through
#                /sys/bus/pci/devices/X/remove and rescans: their windows
#                are released and sized again, the BARs below them are
#                assigned again; same BARs as at boot
#                  arm64 seed:      the pcie-pci-bridge 00:01.0 (3 x 32 B
#                                   + 256 MiB BARs behind it)
#                  arm64 rootports: root ports 00:08.0 (2 devices) and
#                                   00:09.0 (empty)
#                  x86_64 rootports: 00:01.0 and root port 00:06.0 (4
#                                   devices), windows from SeaBIOS
#                (On arm64 Linux renumbers all buses on a rescan
#                (PCI_REASSIGN_ALL_BUS), which breaks the bridges behind a
#                removed one in stock 6.12 too, so only trailing bridges are
#                removed there.)
#   realloc      x86_64 q35, pci=resource_alignment=20@all pci=realloc: the
#                windows SeaBIOS sized for 4 KiB-aligned BARs are too small
#                for 1 MiB-aligned ones, so the root bus assignment fails,
#                retries ("No. 2 try"), releases the bridge windows with the
#                small BARs in them and assigns them again; every BAR below
#                1 MiB must end up 1 MiB aligned (seed and rootports
#                topologies)
#   fallback     arm64 seed, pci=resource_alignment=30@all (the 32-bit
#                window of virt can't hold a 1 GiB-aligned BAR): every BAR
#                assigned (unassigned == 0, inflated == 0) and one kernel
#                warning ($FALLBACK_WARN_RE) per BAR not 1 GiB aligned,
#                naming that BAR.  Not in the default CHECKS yet.
#
# arm64 boot-time assignment is not used for "realloc": Linux sizes every
# window from scratch there, so a retry can only come from oversized
# hotplug reservations and never releases a window holding small BARs.
#
# Usage: realloc.sh
# Env:   CHECKS          default "hotadd hotadd-grow hotadd-x86 remove
#                        realloc"; "fallback" is available too
#        FALLBACK_WARN_RE  regexp of the fallback warning (Python re)
#        NEGATIVE=1      negative control: run CHECKS against the unfixed
#                        kernels (KERNEL_<arch> default
#                        build/unfixed-<arch>/arch/.../Image|bzImage), print
#                        the verdict figures without counting them, and
#                        require that at least one scenario reports
#                        shared_pages > 0 or unassigned > 0 (not part of
#                        make check)
#        KERNEL_arm64, KERNEL_x86_64 (or KERNEL for both): kernel images,
#                        default `make -s image-path ARCH=<arch>`
#        LOGDIR, TIMEOUT as for demo.sh (logs are realloc-*.log, host side
#                        of hot-adds in realloc-*.log.host; NEGATIVE=1:
#                        LOGDIR default build/logs/unfixed)
# Output: analyzer tables with the relevant kernel log lines ("  log: "),
#         "VERDICT ..." lines, "SCENARIO-TIME <name> <s>s", "PASS: ..."/
#         "FAIL: ..." per check, closing "pci-align realloc: N passed, N
#         failed".  Exit 1 on any FAIL.
set -uo pipefail
# Keep the logs of the unfixed kernels apart
if [ "${NEGATIVE:-0}" = 1 ] && [ -z "${LOGDIR:-}" ]; then
	LOGDIR=$(cd "$(dirname "$0")" && pwd)/build/logs/unfixed
fi
. "$(dirname "$0")/lib.sh"

CHECKS=${CHECKS:-hotadd hotadd-grow hotadd-x86 remove realloc fallback}
NEGATIVE=${NEGATIVE:-0}
# The warning of "PCI: Fall back to natural alignment for BARs that can't
# be aligned" (one per BAR, names BDF and BAR)
FALLBACK_WARN_RE=${FALLBACK_WARN_RE:-'assigned without requested alignment'}
A="$HERE/analyze.py"
SZ_1G=0x40000000

if [ "$NEGATIVE" = 1 ]; then
	KERNEL_arm64=${KERNEL_arm64:-$TOP/build/unfixed-arm64/arch/arm64/boot/Image}
	KERNEL_x86_64=${KERNEL_x86_64:-$TOP/build/unfixed-x86_64/arch/x86/boot/bzImage}
	export KERNEL_arm64 KERNEL_x86_64
fi
NEG_RUNS=0
NEG_BAD=()
NEG_VERDICTS=()

# verdict NAME ALIGN LOG [analyze options...]: the common verdict plus
# the scenario's own checks.  In NEGATIVE mode only the figures count: the
# analyzer's PASS/FAIL lines are shown as "info-PASS:"/"info-FAIL:".
verdict() {
	local name=$1 align=$2 log=$3 out
	shift 3
	if [ "$NEGATIVE" = 1 ]; then
		out=$("$A" --label "$name" "$@" "$log" 2>&1)
		printf '%s\n' "$out" | sed -E 's/^(PASS|FAIL):/info-\1:/'
		out=$(printf '%s\n' "$out" | grep "^VERDICT $name:")
		[ -n "$out" ] || return
		NEG_RUNS=$((NEG_RUNS + 1))
		NEG_VERDICTS+=("$out")
		if printf '%s\n' "$out" |
		   grep -Eq 'shared_pages=[1-9]|unassigned=[1-9]'; then
			NEG_BAD+=("$name")
		fi
		return
	fi
	counted "$A" --label "$name" --expect-shared 0 --expect-shared-os 0 \
		--expect-inflated 0 --expect-unassigned 0 --expect-param-ok \
		--expect-aligned "$align" "$@" "$log"
}

# rboot NAME ARCH TOPOLOGY APPEND: boot(); in NEGATIVE mode a scenario
# whose kernel is not built (yet) is skipped, not failed
rboot() {
	local k

	k=$(kernel_for "$2")
	if [ "$NEGATIVE" = 1 ] && [ ! -f "$k" ]; then
		echo "SKIP: $1 (no $2 kernel '$k')"
		return 1
	fi
	boot "$@"
}

# hotplug_set FUNC1_MEMBAR: HMP device_add commands for eight pci-testdev
# functions behind rp1, .1 (membar FUNC1_MEMBAR) to .7 first, then .0
hotplug_set() {
	local f cmds="" mb
	for f in 1 2 3 4 5 6 7 0; do
		mb=32
		[ "$f" = 1 ] && mb=$1
		cmds+="device_add pci-testdev,id=hp$f,bus=rp1,addr=0.$f,membar=$mb"
		[ "$f" = 0 ] && cmds+=",multifunction=on"
		cmds+=";"
	done
	printf '%s\n' "${cmds%;}"
}

# hotboot NAME ARCH FUNC1_MEMBAR: boot the hotplug topology and hot-add
hotboot() {
	local name=$1 arch=$2 log=$LOGDIR/$1.log
	local append="pci=resource_alignment=all pcialign.test=hotplug"

	append+=" pcialign.hotplug=8 pcialign.wait=20"
	QEMU_ON_READY=$(hotplug_set "$3") rboot "$name" "$arch" hotplug \
		"$append" || return 1
	sed 's/^/  host: /' "$log.host"
	if grep -q '^HOST-RC 0$' "$log.host"; then
		pass "$name host-device_add"
	else
		fail "$name host-device_add (see $log.host)"
	fi
}

hotadd() {
	local name=realloc-hotadd

	hotboot $name arm64 32 || return
	verdict $name 0x1000 "$LOGDIR/$name.log" --report hotplug \
		--expect-hotplug 8
}

hotadd-grow() {
	local name=realloc-hotadd-grow

	hotboot $name arm64 8388608 || return
	verdict $name 0x1000 "$LOGDIR/$name.log" --report hotplug \
		--expect-hotplug 8 --expect-realloc
}

hotadd-x86() {
	local name=realloc-hotadd-x86

	hotboot $name x86_64 8388608 || return
	verdict $name 0x1000 "$LOGDIR/$name.log" --report hotplug \
		--expect-hotplug 8 --expect-realloc
}

remove() {
	local spec name arch topo bdfs

	for spec in arm64:seed:0000:00:01.0 \
		    arm64:rootports:0000:00:08.0,0000:00:09.0 \
		    x86_64:rootports:0000:00:01.0,0000:00:06.0; do
		IFS=: read -r arch topo bdfs <<< "$spec"	# bdfs: the rest
		name=realloc-remove-$arch-$topo
		rboot "$name" "$arch" "$topo" \
			"pci=resource_alignment=all pcialign.test=remove pcialign.remove=$bdfs" ||
			continue
		verdict "$name" 0x1000 "$LOGDIR/$name.log" --report remove \
			--expect-rescan --expect-assigned-after 'pcialign: rescan'
	done
}

realloc() {
	local topo name

	for topo in seed rootports; do
		name=realloc-x86_64-$topo
		rboot $name x86_64 $topo \
			"pci=resource_alignment=20@all pci=realloc" || continue
		verdict $name 0x100000 "$LOGDIR/$name.log" --expect-realloc \
			--small 0x100000
	done
}

fallback() {
	local name=realloc-fallback

	rboot $name arm64 seed "pci=resource_alignment=30@all" || return
	if [ "$NEGATIVE" = 1 ]; then
		verdict $name $SZ_1G "$LOGDIR/$name.log"
		return
	fi
	# Not --expect-aligned/--expect-shared: BARs may fall back
	counted "$A" --label $name --expect-inflated 0 --expect-unassigned 0 \
		--expect-param-ok --expect-align-warnings $SZ_1G \
		--warn-re "$FALLBACK_WARN_RE" "$LOGDIR/$name.log"
}

start=$(date +%s)
for c in $CHECKS; do
	case "$c" in
	hotadd|hotadd-grow|hotadd-x86|remove|realloc|fallback)
		echo "=== $c"
		t0=$(date +%s.%N)
		"$c"
		echo "SCENARIO-TIME $c $(awk -v a="$t0" -v b="$(date +%s.%N)" \
			'BEGIN { printf "%.1f", b - a }')s" ;;
	*)
		fail "unknown check $c" ;;
	esac
done
echo "REALLOC-TIME $(($(date +%s) - start))s"

if [ "$NEGATIVE" = 1 ]; then
	echo "=== negative control (kernels: $KERNEL_arm64, $KERNEL_x86_64)"
	for v in "${NEG_VERDICTS[@]}"; do
		echo "  $v"
	done
	if [ ${#NEG_BAD[@]} -gt 0 ]; then
		pass "negative-control ${#NEG_BAD[@]} of $NEG_RUNS scenario(s) with shared_pages>0 or unassigned>0: ${NEG_BAD[*]}"
	else
		fail "negative-control no scenario of $NEG_RUNS shows shared_pages>0 or unassigned>0"
	fi
fi

summary "pci-align realloc"
