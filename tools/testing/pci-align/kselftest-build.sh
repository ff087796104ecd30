#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the series' kselftest tools/testing/selftests/pci (bar_alignment)
# statically for the QEMU guests, with the selftests' own lib.mk:
#
#   make -C $TREE/tools/testing/selftests/pci OUTPUT=build/kselftest/<arch>/pci \
#        CROSS_COMPILE=<prefix> USERLDFLAGS=-static
#
# OUTPUT keeps the objects out of $TREE (lib.mk writes next to the sources
# without it), USERLDFLAGS is lib.mk's way to add linker flags, CROSS_COMPILE
# selects $(CROSS_COMPILE)gcc.  The binary is rebuilt every time (-B), so a
# different TREE is never mixed up with an old build.
#
# Usage: kselftest-build.sh [ARCH...]   (default: arm64 x86_64)
#        ARCH: arm64 | x86_64
# Env:   TREE  kernel tree with the selftest (default build/linux)
# Output: the path of each binary, one per line, on stdout:
#   build/kselftest/arm64/pci/bar_alignment   (aarch64-linux-gnu-gcc)
#   build/kselftest/x86_64/pci/bar_alignment
# Exits non-zero if a build fails or a binary is not statically linked.
# shellcheck source=tools/testing/pci-align/buildlib.sh
. "$(dirname "$0")/buildlib.sh"
set -euo pipefail

[ $# -gt 0 ] || set -- arm64 x86_64
SRC=$TREE/tools/testing/selftests/pci
[ -f "$SRC/bar_alignment.c" ] || die "$SRC/bar_alignment.c not found (TREE=$TREE)"

host=$(uname -m)
for arch in "$@"; do
	case "$arch" in
	arm64|aarch64) arch=arm64 triplet=aarch64 ;;
	x86_64) triplet=x86_64 ;;
	*) die "unknown ARCH $arch (arm64 | x86_64)" ;;
	esac
	cross=
	[ "$host" = "$triplet" ] || cross=$triplet-linux-gnu-
	command -v "${cross}gcc" >/dev/null || die "${cross}gcc not found"

	out=$ROOT/build/kselftest/$arch/pci
	mkdir -p "$out"
	info "kselftest pci for $arch: ${cross}gcc -static -> $out"
	make -B -C "$SRC" OUTPUT="$out" ARCH="$arch" CROSS_COMPILE="$cross" \
		USERLDFLAGS=-static >&2
	bin=$out/bar_alignment
	[ -x "$bin" ] || die "$bin was not built"
	if readelf -d "$bin" 2>/dev/null | grep -q '(NEEDED)'; then
		die "$bin is not statically linked"
	fi
	printf '%s\n' "$bin"
done
