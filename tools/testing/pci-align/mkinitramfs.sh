#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the pci-align guest initramfs for ARCH (arm64 or x86_64):
#   build/initramfs-$ARCH.cpio.gz containing /init (guest/init.c),
#   /bin/pcibars (guest/pcibars.c) and /bin/vfiocheck (guest/vfiocheck.c),
#   all static.
#
# Usage: mkinitramfs.sh ARCH
# Env:   BUILD_DIR (default: tools/testing/pci-align/build)
#        CROSS_COMPILE (default: aarch64-linux-gnu- for arm64, none for x86_64)
#        INITRAMFS_EXTRA  extra programs, space-separated SRC:/bin/NAME
#                   entries: SRC is a C file (*.c, built static like the
#                   others) or a static binary for ARCH (copied), e.g.
#                   "$TOP/build/kselftest/arm64/pci/bar_alignment:/bin/bar_alignment"
#                   (run them in the guest with pcialign.run=/bin/NAME,...)
#        INITRD     output file (default: $BUILD_DIR/initramfs-$ARCH.cpio.gz);
#                   give an initramfs with extras its own name, e.g.
#                   $BUILD_DIR/initramfs-kselftest-$ARCH.cpio.gz, so that
#                   the default one stays as the other scripts expect
# Needs: gcc, gcc-aarch64-linux-gnu + libc6-dev-arm64-cross, cpio, gzip
#        (readelf, to refuse dynamic INITRAMFS_EXTRA binaries).
# No target busybox is needed: /init is a small static C program.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ARCH=${1:?usage: $0 arm64|x86_64}
BUILD_DIR=${BUILD_DIR:-$HERE/build}

case "$ARCH" in
arm64|aarch64)
	ARCH=arm64
	CC=${CROSS_COMPILE-aarch64-linux-gnu-}gcc ;;
x86_64|x86)
	ARCH=x86_64
	CC=${CROSS_COMPILE-}gcc ;;
*)
	echo "$0: unknown ARCH '$ARCH' (arm64 or x86_64)" >&2
	exit 2 ;;
esac

command -v "$CC" >/dev/null || {
	echo "$0: $CC not found (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)" >&2
	exit 1
}

mkdir -p "$BUILD_DIR"
root=$(mktemp -d "$BUILD_DIR/initramfs-$ARCH.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"

CFLAGS=(-static -O2 -Wall)
"$CC" "${CFLAGS[@]}" -o "$BUILD_DIR/pcibars-$ARCH" "$HERE/guest/pcibars.c"
"$CC" "${CFLAGS[@]}" -I "$HERE/guest" -o "$BUILD_DIR/init-$ARCH" "$HERE"/guest/init/*.c
cp "$BUILD_DIR/pcibars-$ARCH" "$root/bin/pcibars"
cp "$BUILD_DIR/init-$ARCH" "$root/init"
# Built straight into the tree: no shared intermediate file
"$CC" "${CFLAGS[@]}" -o "$root/bin/vfiocheck" "$HERE/guest/vfiocheck.c"

for extra in ${INITRAMFS_EXTRA:-}; do
	src=${extra%%:*} dst=${extra#*:}
	case "$dst" in
	/*) ;;
	*)
		echo "$0: INITRAMFS_EXTRA entry '$extra' is not SRC:/ABSOLUTE/PATH" >&2
		exit 1 ;;
	esac
	if [ ! -f "$src" ]; then
		echo "$0: INITRAMFS_EXTRA: $src not found" >&2
		exit 1
	fi
	mkdir -p "$root$(dirname "$dst")"
	case "$src" in
	*.c) "$CC" "${CFLAGS[@]}" -o "$root$dst" "$src" ;;
	*)
		# The guest has no libc: a dynamic binary would fail to exec
		hdr=$(LC_ALL=C readelf -l "$src" 2>/dev/null || true)
		case "$hdr" in
		*"program interpreter"*)
			echo "$0: INITRAMFS_EXTRA: $src is not statically linked" >&2
			exit 1 ;;
		esac
		install -m 0755 "$src" "$root$dst" ;;
	esac
done

out=${INITRD:-$BUILD_DIR/initramfs-$ARCH.cpio.gz}
mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print | LC_ALL=C sort | \
	cpio --quiet -o -H newc --owner=0:0 | gzip -9n) > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$out"
