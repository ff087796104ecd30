#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the pci-align guest initramfs for ARCH (arm64 or x86_64):
#   build/initramfs-$ARCH.cpio.gz containing /init (guest/init.c) and
#   /bin/pcibars (guest/pcibars.c), both static.
#
# Usage: mkinitramfs.sh ARCH
# Env:   BUILD_DIR (default: tools/testing/pci-align/build)
#        CROSS_COMPILE (default: aarch64-linux-gnu- for arm64, none for x86_64)
# Needs: gcc, gcc-aarch64-linux-gnu + libc6-dev-arm64-cross, cpio, gzip.
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
"$CC" "${CFLAGS[@]}" -o "$BUILD_DIR/init-$ARCH" "$HERE/guest/init.c"
cp "$BUILD_DIR/pcibars-$ARCH" "$root/bin/pcibars"
cp "$BUILD_DIR/init-$ARCH" "$root/init"

out="$BUILD_DIR/initramfs-$ARCH.cpio.gz"
(cd "$root" && find . -print | LC_ALL=C sort | \
	cpio --quiet -o -H newc --owner=0:0 | gzip -9n) > "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
