# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# Shared helpers for demo.sh, badinput.sh, vfio.sh, ... (sourced, not run).

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

# initramfs_for ARCH: $INITRD, else build/initramfs-ARCH.cpio.gz
initramfs_for() {
	printf '%s\n' "${INITRD:-$HERE/build/initramfs-$1.cpio.gz}"
}

# ensure_initramfs ARCH: (re)build initramfs_for ARCH when it is missing,
# older than mkinitramfs.sh, a guest/*.[ch] or guest/init/*.[ch] source or
# an INITRAMFS_EXTRA source, or was built with another INITRAMFS_EXTRA list
# (kept in IMAGE.extra).  Extra programs: set INITRD (a name of its own, e.g.
# build/initramfs-kselftest-arm64.cpio.gz) and INITRAMFS_EXTRA
# ("SRC:/bin/NAME ...", see mkinitramfs.sh) before boot(); they need not
# be exported.
ensure_initramfs() {
	local arch=$1 img extras=${INITRAMFS_EXTRA:-} f stale=0
	img=$(initramfs_for "$arch")
	if [ ! -f "$img" ] || [ "$HERE/mkinitramfs.sh" -nt "$img" ] ||
	   [ "$(cat "$img.extra" 2>/dev/null)" != "$extras" ]; then
		stale=1
	fi
	for f in "$HERE"/guest/*.[ch] "$HERE"/guest/init/*.[ch]; do
		[ "$f" -nt "$img" ] && stale=1
	done
	for f in $extras; do
		f=${f%%:*}
		# a missing source makes mkinitramfs.sh fail, naming it
		{ [ ! -f "$f" ] || [ "$f" -nt "$img" ]; } && stale=1
	done
	[ "$stale" = 1 ] || return 0
	INITRD=$img INITRAMFS_EXTRA=$extras \
		"$HERE/mkinitramfs.sh" "$arch" >/dev/null || return 1
	if [ -n "$extras" ]; then
		printf '%s\n' "$extras" > "$img.extra"
	else
		rm -f "$img.extra"
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
	if KERNEL=$kernel INITRD=$(initramfs_for "$arch") \
	   "$HERE/run-qemu.sh" "$arch" "$topo" "$append" "$out"; then
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
