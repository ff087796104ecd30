#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one pci-align guest in QEMU (TCG) and save its serial output.
#
# Usage: run-qemu.sh ARCH TOPOLOGY APPEND OUTFILE [extra qemu args...]
#   ARCH      arm64 | x86_64
#   TOPOLOGY  seed | small | none   (topo_<name> below gives the -device args)
#   APPEND    extra kernel command line ("" for none), e.g.
#             "pci=resource_alignment=all pcialign.test=badinput"
#   OUTFILE   serial log (the guest report is between PCIALIGN-START and
#             PCIALIGN-END)
# Env:
#   KERNEL    kernel image (default: `make -s image-path ARCH=$ARCH` in the
#             repository top level)
#   INITRD    initramfs (default: build/initramfs-$ARCH.cpio.gz, built by
#             mkinitramfs.sh when missing)
#   TIMEOUT   seconds before QEMU is killed (default 120)
#   QEMU_SMP  guest CPUs (default 1)
# Prints "BOOT <arch> <topology> <seconds>s <OUTFILE>" on success.
# Exit: 0 when the end marker was seen, 1 on timeout/no end marker, 2 usage.
# shellcheck disable=SC2317,SC2086,SC2046 # topo_* are called indirectly
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)

if [ $# -lt 4 ]; then
	sed -n '4,25p' "$0" >&2
	exit 2
fi
ARCH=$1 TOPO=$2 APPEND=$3 OUT=$4
shift 4

# ---- topologies ---------------------------------------------------------
# seed: the seed-003 topology: three 32-byte BARs behind a PCIe-to-PCI
# bridge, a 256 MiB BAR beside them, plus small BARs on the root bus.
topo_seed() {
	echo "-device pcie-pci-bridge,id=br1"
	echo "-device pci-testdev,bus=br1,addr=1,membar=32"
	echo "-device pci-testdev,bus=br1,addr=2,membar=32"
	echo "-device pci-testdev,bus=br1,addr=3,membar=32"
	echo "-device pci-testdev,bus=br1,addr=4,membar=268435456"
	echo "-device pci-testdev,bus=pcie.0,membar=32"
	echo "-device pci-testdev,bus=pcie.0,membar=64"
	echo "-device pci-testdev,bus=pcie.0,membar=128"
	echo "-device pci-testdev,bus=pcie.0,membar=256"
}

# small: only small BARs on the root bus
topo_small() {
	echo "-device pci-testdev,bus=pcie.0,membar=32"
	echo "-device pci-testdev,bus=pcie.0,membar=64"
}

topo_none() {
	:
}

# ---- machine ------------------------------------------------------------
case "$ARCH" in
arm64|aarch64)
	ARCH=arm64
	QEMU=qemu-system-aarch64
	MACHINE="-M virt -cpu cortex-a57"
	CONSOLE=ttyAMA0 ;;
x86_64|x86)
	ARCH=x86_64
	QEMU=qemu-system-x86_64
	MACHINE="-M q35 -vga none"
	CONSOLE=ttyS0 ;;
*)
	echo "$0: unknown ARCH '$ARCH'" >&2
	exit 2 ;;
esac

if ! declare -F "topo_$TOPO" >/dev/null; then
	echo "$0: unknown TOPOLOGY '$TOPO'" >&2
	exit 2
fi

KERNEL=${KERNEL:-}
if [ -z "$KERNEL" ]; then
	KERNEL=$(make -s -C "$TOP" image-path ARCH=$ARCH 2>/dev/null | tail -n1)
fi
if [ -z "$KERNEL" ] || [ ! -f "$KERNEL" ]; then
	echo "$0: kernel image '$KERNEL' not found (set KERNEL=...)" >&2
	exit 2
fi

INITRD=${INITRD:-$HERE/build/initramfs-$ARCH.cpio.gz}
if [ ! -f "$INITRD" ]; then
	"$HERE/mkinitramfs.sh" "$ARCH" >/dev/null || exit 2
fi

TIMEOUT=${TIMEOUT:-120}
mkdir -p "$(dirname "$OUT")"
: > "$OUT"

set -- $MACHINE -m 512M -smp "${QEMU_SMP:-1}" -nographic -no-reboot \
	-nic none -monitor none -serial stdio \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=$CONSOLE panic=-1 $APPEND" \
	$(topo_$TOPO) "$@"
echo "QEMU $QEMU $*" > "$OUT.cmd"

start=$(date +%s.%N)
"$QEMU" "$@" < /dev/null >> "$OUT" 2>&1 &
qpid=$!

status=1
deadline=$(( $(date +%s) + TIMEOUT ))
while kill -0 "$qpid" 2>/dev/null; do
	if grep -q '^PCIALIGN-END' "$OUT"; then
		# Give poweroff a moment, then make sure QEMU is gone
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$qpid" 2>/dev/null || break
			sleep 0.2
		done
		break
	fi
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "$0: timeout after ${TIMEOUT}s" >&2
		echo "PCIALIGN-TIMEOUT ${TIMEOUT}s" >> "$OUT"
		break
	fi
	sleep 0.2
done
kill "$qpid" 2>/dev/null
wait "$qpid" 2>/dev/null
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

if grep -q '^PCIALIGN-END' "$OUT"; then
	status=0
	echo "BOOT $ARCH $TOPO ${secs}s $OUT"
else
	echo "$0: no end marker in $OUT (${secs}s)" >&2
fi
echo "PCIALIGN-BOOT-SECONDS $secs" >> "$OUT"
exit $status
