#!/bin/bash
# make base: make sure build/pristine holds the pristine Linux 6.12 tree.
#   KSRC=<dir>  use that 6.12-based source tree instead of the Debian tarball.
# shellcheck source=tools/testing/pci-align/steps/lib.sh
. "$(dirname "$0")/lib.sh"
set -euo pipefail

TARBALL=/usr/src/linux-source-6.12.tar.xz
STAMP=$ROOT/build/.pristine-source   # outside the tree: it must not enter the base commit

if [ -n "$KSRC" ]; then
	KSRC=$(abspath "$KSRC")
	{ [ -f "$KSRC/Makefile" ] && [ -d "$KSRC/drivers/pci" ]; } || die "KSRC=$KSRC is not a kernel source tree"
	src="ksrc:$KSRC"
else
	src="tarball:$TARBALL"
fi

# Fast path: already there, from the same source.
if [ -f "$PRISTINE/Makefile" ] && [ -d "$PRISTINE/drivers/pci" ]; then
	# No stamp: extracted by hand from the Debian tarball.
	have=$(cat "$STAMP" 2>/dev/null || echo "tarball:$TARBALL")
	[ "$have" != "$src" ] || exit 0
	info "build/pristine came from $have, now want $src: re-creating"
fi

rm -rf "$PRISTINE.tmp"
mkdir -p "$PRISTINE.tmp"
if [ -n "$KSRC" ]; then
	info "copying $KSRC to build/pristine"
	# Everything but VCS metadata and build output of an in-tree build.
	tar -C "$KSRC" --exclude=./.git -cf - . | tar -C "$PRISTINE.tmp" -xf -
	[ ! -f "$PRISTINE.tmp/.config" ] || die "KSRC=$KSRC is configured (has .config); run 'make mrproper' there"
else
	if [ ! -f "$TARBALL" ]; then
		info "installing linux-source-6.12"
		as_root apt-get update
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y linux-source-6.12
	fi
	[ -f "$TARBALL" ] || die "$TARBALL still missing after installing linux-source-6.12"
	info "extracting $TARBALL to build/pristine"
	tar -C "$PRISTINE.tmp" --strip-components=1 -xJf "$TARBALL"
fi
rm -rf "$PRISTINE" "$ROOT/build/base-git"   # base commit cache of make tree
mv "$PRISTINE.tmp" "$PRISTINE"
echo "$src" > "$STAMP"
