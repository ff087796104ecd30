# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for demo.sh and badinput.sh (sourced, not run).

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
LOGDIR=${LOGDIR:-$HERE/build/logs}
NPASS=0
NFAIL=0

# Count PASS:/FAIL: lines of a command's output while printing it.
counted() {
	local line rc=0 seen=0
	while IFS= read -r line; do
		case "$line" in
		__rc=*) rc=${line#__rc=}; continue ;;
		PASS:*) NPASS=$((NPASS + 1)) ;;
		FAIL:*) NFAIL=$((NFAIL + 1)); seen=1 ;;
		esac
		printf '%s\n' "$line"
	done < <("$@" 2>&1; echo "__rc=$?")
	if [ "$rc" -ne 0 ] && [ "$seen" -eq 0 ]; then
		fail "$(basename "$1") exited with status $rc"
	fi
}

pass() { echo "PASS: $*"; NPASS=$((NPASS + 1)); }
fail() { echo "FAIL: $*"; NFAIL=$((NFAIL + 1)); }

# kernel_for ARCH: KERNEL_<arch>, else KERNEL, else `make -s image-path`
kernel_for() {
	local arch=$1 var k
	var=KERNEL_$arch
	k=${!var:-${KERNEL:-}}
	if [ -z "$k" ]; then
		k=$(make -s -C "$TOP" image-path ARCH="$arch" 2>/dev/null | tail -n1)
	fi
	printf '%s\n' "$k"
}

# Rebuild the initramfs when missing or older than the guest sources.
ensure_initramfs() {
	local arch=$1 img=$HERE/build/initramfs-$1.cpio.gz
	if [ ! -f "$img" ] || [ "$HERE/guest/init.c" -nt "$img" ] ||
	   [ "$HERE/guest/pcibars.c" -nt "$img" ] ||
	   [ "$HERE/mkinitramfs.sh" -nt "$img" ]; then
		"$HERE/mkinitramfs.sh" "$arch" >/dev/null
	fi
}

# boot NAME ARCH TOPOLOGY APPEND: boot into $LOGDIR/NAME.log, print the time
boot() {
	local name=$1 arch=$2 topo=$3 append=$4 kernel out
	kernel=$(kernel_for "$arch")
	out=$LOGDIR/$name.log
	echo "--- $name: $arch, topology $topo, append \"$append\""
	if [ -z "$kernel" ] || [ ! -f "$kernel" ]; then
		fail "$name boot (no $arch kernel image '$kernel'; set KERNEL_$arch=)"
		return 1
	fi
	echo "kernel: $kernel"
	if ! ensure_initramfs "$arch"; then
		fail "$name boot (initramfs build failed)"
		return 1
	fi
	mkdir -p "$LOGDIR"
	if KERNEL=$kernel "$HERE/run-qemu.sh" "$arch" "$topo" "$append" "$out"; then
		echo "BOOT-TIME $name $(awk '/^PCIALIGN-BOOT-SECONDS/ { print $2 }' "$out")s"
		pass "$name boot"
		return 0
	fi
	echo "BOOT-TIME $name $(awk '/^PCIALIGN-BOOT-SECONDS/ { print $2 }' "$out")s (no end marker)"
	tail -n 20 "$out" | sed 's/^/  | /'
	fail "$name boot"
	return 1
}

summary() {
	echo "$1: $NPASS passed, $NFAIL failed"
	[ "$NFAIL" -eq 0 ]
}
