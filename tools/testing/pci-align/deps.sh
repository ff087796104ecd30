#!/bin/bash
# make deps: install the Debian packages the project needs (as root).
#   deps.sh          everything (kernel builds, QEMU harness, checks)
#   deps.sh kernel   only what `make kernel` needs
# Fast no-op when everything is installed.  Extra packages: DEPS_EXTRA="a b".
# shellcheck source=tools/testing/pci-align/buildlib.sh
. "$(dirname "$0")/buildlib.sh"

KERNEL_PKGS="make gcc libc6-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross ccache
	flex bison bc libelf-dev libssl-dev cpio kmod python3 perl"
ALL_PKGS="$KERNEL_PKGS git xz-utils rsync gzip sparse
	qemu-system-arm qemu-system-x86 qemu-utils seabios ipxe-qemu busybox-static
	gnuplot-nox coccinelle python3-sphinx python3-sphinx-rtd-theme
	python3-ply python3-git
	gcc-s390x-linux-gnu gcc-powerpc64le-linux-gnu"
# `make base` needs the Debian kernel source unless KSRC= names another tree.
[ -n "$KSRC" ] || ALL_PKGS="$ALL_PKGS linux-source-6.12"

case "${1:-all}" in
kernel) want="$KERNEL_PKGS" ;;
all) want="$ALL_PKGS" ;;
*) die "usage: $0 [all|kernel]" ;;
esac
want="$want ${DEPS_EXTRA:-}"

missing=
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing="$missing $p"
done
[ -n "$missing" ] || exit 0

info "installing:$missing"
as_root apt-get update -q
# shellcheck disable=SC2086
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
