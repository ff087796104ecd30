#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one pci-align guest in QEMU (TCG) and save its serial output.
#
# Usage: run-qemu.sh ARCH TOPOLOGY APPEND OUTFILE [extra qemu args...]
#   ARCH      arm64 | x86_64
#   TOPOLOGY  seed | small | none | hotplug | rootports | sriov
#             (topo_<name> below gives the -device args)
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
#   QEMU_MONITOR  path of a QMP socket to add (-qmp unix:PATH,server=on,
#             wait=off); none by default (the command line is unchanged)
#   QEMU_ON_READY  HMP commands separated by ";" (e.g. "device_add
#             pci-testdev,bus=rp1,addr=0.0,membar=32"), sent in order
#             through the QMP socket (QEMU_MONITOR, else a temporary one)
#             by qmp.py once the guest prints a line starting with
#             PCIALIGN-READY; qmp.py's output ("HOST ..." lines) and
#             "HOST-RC <exit status>" go to OUTFILE.host
# Prints "BOOT <arch> <topology> <seconds>s <OUTFILE>" on success.
# Exit: 0 when the end marker was seen, 1 on timeout/no end marker, 2 usage.
# shellcheck disable=SC2317,SC2086,SC2046 # topo_* are called indirectly
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)

if [ $# -lt 4 ]; then
	sed -n '4,33p' "$0" >&2
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

# hotplug: seed plus two empty PCIe root ports (hotplug slots) rp1, rp2
topo_hotplug() {
	topo_seed
	echo "-device pcie-root-port,id=rp1,chassis=1,slot=1"
	echo "-device pcie-root-port,id=rp2,chassis=2,slot=2"
}

# rootports: seed plus four PCIe root ports: rp1 holds a multifunction set
# of four pci-testdevs (32/64/128/32-byte BARs), rp2 and rp3 two each
# (32/64), rp4 is an empty hotplug slot
topo_rootports() {
	topo_seed
	echo "-device pcie-root-port,id=rp1,chassis=1,slot=1"
	echo "-device pcie-root-port,id=rp2,chassis=2,slot=2"
	echo "-device pcie-root-port,id=rp3,chassis=3,slot=3"
	echo "-device pcie-root-port,id=rp4,chassis=4,slot=4"
	echo "-device pci-testdev,bus=rp1,addr=0.0,multifunction=on,membar=32"
	echo "-device pci-testdev,bus=rp1,addr=0.1,membar=64"
	echo "-device pci-testdev,bus=rp1,addr=0.2,membar=128"
	echo "-device pci-testdev,bus=rp1,addr=0.3,membar=32"
	echo "-device pci-testdev,bus=rp2,addr=0.0,multifunction=on,membar=32"
	echo "-device pci-testdev,bus=rp2,addr=0.1,membar=64"
	echo "-device pci-testdev,bus=rp3,addr=0.0,multifunction=on,membar=32"
	echo "-device pci-testdev,bus=rp3,addr=0.1,membar=64"
}

# sriov: small plus an NVMe controller with SR-IOV (2 VFs at most) behind
# root port rp9 (00:03.0 on arm64 virt); its VFs are 01:00.1 and 01:00.2
# (VF offset 1, stride 1).  QEMU 7.2 wants an nvme-subsys, and
# sriov_vq_flexible >= 2 * sriov_max_vfs, sriov_vi_flexible >=
# sriov_max_vfs, max_ioqpairs >= sriov_vq_flexible + 2, msix_qsize >=
# sriov_vi_flexible + 1.
topo_sriov() {
	topo_small
	echo "-device pcie-root-port,id=rp9,chassis=9,slot=9"
	echo "-device nvme-subsys,id=nvmesubsys9"
	echo "-device nvme,serial=deadbeef,bus=rp9,addr=0.0,subsys=nvmesubsys9,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,msix_qsize=3"
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

ON_READY=${QEMU_ON_READY:-}
MONITOR=${QEMU_MONITOR:-}
tmpmon=
if [ -n "$ON_READY" ] && [ -z "$MONITOR" ]; then
	tmpmon=$(mktemp -d "${TMPDIR:-/tmp}/pcialign-qmp.XXXXXX")
	MONITOR=$tmpmon/qmp.sock
fi
QMP_ARGS=
if [ -n "$MONITOR" ]; then
	rm -f "$MONITOR"
	QMP_ARGS="-qmp unix:$MONITOR,server=on,wait=off"
fi
[ -z "$ON_READY" ] || : > "$OUT.host"

TOPO_ARGS=$(topo_$TOPO)
# q35 uses ACPI PCI hotplug by default (QEMU >= 6.1), which without ACPI in
# the guest leaves devices behind root ports powered off once pciehp
# binds: give the root ports native hotplug
case "$ARCH:$TOPO_ARGS" in
x86_64:*pcie-root-port*)
	TOPO_ARGS="$TOPO_ARGS -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off" ;;
esac

set -- $MACHINE -m 512M -smp "${QEMU_SMP:-1}" -nographic -no-reboot \
	-nic none -monitor none -serial stdio \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=$CONSOLE panic=-1 $APPEND" \
	$TOPO_ARGS $QMP_ARGS "$@"
echo "QEMU $QEMU $*" > "$OUT.cmd"

start=$(date +%s.%N)
"$QEMU" "$@" < /dev/null >> "$OUT" 2>&1 &
qpid=$!

status=1
deadline=$(( $(date +%s) + TIMEOUT ))
hpid=
while kill -0 "$qpid" 2>/dev/null; do
	if [ -n "$ON_READY" ] && [ -z "$hpid" ] &&
	   grep -q '^PCIALIGN-READY' "$OUT"; then
		IFS=';' read -ra hmp <<< "$ON_READY"
		( python3 "$HERE/qmp.py" "$MONITOR" "${hmp[@]}"
		  echo "HOST-RC $?" ) >> "$OUT.host" 2>&1 &
		hpid=$!
	fi
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
if [ -n "$hpid" ]; then
	kill "$hpid" 2>/dev/null
	wait "$hpid" 2>/dev/null
fi
[ -z "$tmpmon" ] || rm -rf "$tmpmon"
[ -z "$MONITOR" ] || rm -f "$MONITOR"
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
