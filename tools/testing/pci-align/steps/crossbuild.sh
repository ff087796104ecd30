#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-build the objects the series touches, with W=1 and sparse (C=2:
# every object is checked, whether or not it had to be recompiled), in the
# patched tree and in the pristine 6.12 tree, and compare the warnings.
#
#   For each ARCH: defconfig + PCI, PCI_IOV, PCI_PAGE_ALIGN_BARS (where the
#   tree has it), VFIO and VFIO_PCI (where the architecture has them) in build/cross/<arch>{,-base}; the patched configuration
#   also enables KUNIT and PCI_ALIGN_KUNIT_TEST so that the KUnit tests
#   (drivers/pci/tests/pci_align_kunit.c) are compiled and checked too.
#   Build every .o of a .c file that `git diff base..HEAD` in $TREE
#   touches and that belongs to this architecture (drivers/, kernel/,
#   lib/ and arch/<srcarch>/); the pristine tree builds those of them
#   whose source it has (a file the series adds has no pristine
#   counterpart, so all its warnings are new).
#   crossbuild-<arch>-builds         every touched object compiles
#   crossbuild-<arch>-no-new-warnings  compiler and sparse warnings of the
#                                    patched objects are the same as those
#                                    of the pristine objects (file, text;
#                                    line numbers and repeats ignored);
#                                    new ones are printed
#
# Usage: crossbuild.sh [MACHINE...]  (default: s390)
#        MACHINE: an entry of harness/machines.py (cross compiler,
#        ARCH, defconfig come from there)
# Output: KTAP results (steps/lib.sh).
. "$(dirname "$0")/lib.sh"
set -uo pipefail

OUT=$BUILD/cross

# arch_setup MACHINE: the facts of harness/machines.py (steps/lib.sh)
arch_setup() {
	machine "$1" || return 1
	KARCH=$M_ARCH SRCARCH=$M_SRCARCH CROSS=$M_CROSS DEFCONFIG=$M_DEFCONFIG
}

kmake() {
	local src=$1 out=$2
	shift 2
	make -C "$src" O="$out" ARCH="$KARCH" CROSS_COMPILE="$CROSS" \
		CC="ccache ${CROSS}gcc" "$@"
}

# configure SRC OUT [kunit]: defconfig + PCI options in OUT (once); with
# "kunit" (the patched tree), make sure the KUnit tests are enabled too,
# also in a directory configured before they were
configure() {
	local src=$1 out=$2 kunit=${3:-} cfg=$1/scripts/config
	mkdir -p "$out"
	if [ -f "$out/.config" ] && [ -f "$out/.pci-align-configured" ]; then
		grep -q '^CONFIG_VFIO_PCI=' "$out/.pci-align-configured" ||
			rm -f "$out/.pci-align-configured"
	fi
	if [ -f "$out/.config" ] && [ -f "$out/.pci-align-configured" ]; then
		[ -n "$kunit" ] || return 0
		grep -q '^CONFIG_PCI_ALIGN_KUNIT_TEST=y' "$out/.config" &&
			return 0
		"$cfg" --file "$out/.config" --enable KUNIT \
			--enable PCI_ALIGN_KUNIT_TEST
		kmake "$src" "$out" -s olddefconfig
		return
	fi
	[ -f "$out/.config" ] || kmake "$src" "$out" -s "$DEFCONFIG" || return 1
	# vfio-pci where the architecture has it (olddefconfig drops it
	# elsewhere): the series' vfio/pci patch
	"$cfg" --file "$out/.config" --enable PCI --enable PCI_IOV \
		--enable PCI_PAGE_ALIGN_BARS --enable VFIO --enable VFIO_PCI
	[ -n "$kunit" ] && "$cfg" --file "$out/.config" --enable KUNIT \
		--enable PCI_ALIGN_KUNIT_TEST
	if [ "$KARCH" = um ]; then
		"$cfg" --file "$out/.config" --enable VIRTIO_UML \
			--enable UML_PCI_OVER_VIRTIO
	fi
	kmake "$src" "$out" -s olddefconfig || return 1
	echo "CONFIG_VFIO_PCI=$(grep -c '^CONFIG_VFIO_PCI=y' "$out/.config")" \
		>"$out/.pci-align-configured"
}

# warnings LOG: normalized "file: warning text" lines (source tree prefix
# and line numbers removed), sorted, each once (a header's warning is
# repeated by every object that includes it)
warnings() {
	grep -E '(warning|error):' "$1" |
		sed -E "s#^($TREE|$PRISTINE)/##" |
		sed -E 's#^([^:]+):[0-9]+:[0-9]+:#\1:#; s#^([^:]+):[0-9]+:#\1:#' |
		sort -u
}

one_arch() {
	local a=$1 new=$OUT/$1 base=$OUT/$1-base objs log=$OUT/$1.log blog=$OUT/$1-base.log
	arch_setup "$a" || { fail "crossbuild-$a (not in the machine table)"; return; }
	if ! command -v "${CROSS}gcc" >/dev/null; then
		fail "crossbuild-$a (no ${CROSS}gcc; run make deps)"
		return
	fi
	echo "--- $a: configuring"
	if ! configure "$TREE" "$new" kunit || ! configure "$PRISTINE" "$base"; then
		fail "crossbuild-$a-config"
		return
	fi
	# Build the directories once so that objects() knows what is built
	kmake "$TREE" "$new" -s -j"$(nproc)" prepare >/dev/null 2>&1
	kmake "$PRISTINE" "$base" -s -j"$(nproc)" prepare >/dev/null 2>&1
	objs=$(git -C "$TREE" diff --name-only base..HEAD -- '*.c' |
		grep -E "^(arch/$SRCARCH/|drivers/|kernel/|lib/)" | sed 's/\.c$/.o/')
	# Keep those the configuration selects (an object of a disabled
	# option has no obj-y/obj-m line that is true; make says so)
	local o built=()
	for o in $objs; do
		if kmake "$TREE" "$new" -s "$o" >/dev/null 2>&1; then
			built+=("$o")
		else
			echo "  skip $o (not built for $a with this configuration)"
		fi
	done
	if [ ${#built[@]} -eq 0 ]; then
		fail "crossbuild-$a-builds (no touched object is built)"
		return
	fi
	echo "  objects: ${built[*]}"
	# The pristine tree builds those whose source it has
	local based=()
	for o in "${built[@]}"; do
		[ -f "$PRISTINE/${o%.o}.c" ] && based+=("$o")
	done
	# Rebuild from scratch with W=1 to see every compiler warning; C=2
	# runs sparse on every object
	for o in "${built[@]}"; do rm -f "$new/$o" "$base/$o"; done
	if kmake "$TREE" "$new" W=1 C=2 "${built[@]}" >"$log" 2>&1; then
		pass "crossbuild-$a-builds (${#built[@]} objects)"
	else
		tail -n 20 "$log"
		fail "crossbuild-$a-builds"
		return
	fi
	if [ ${#based[@]} -gt 0 ]; then
		kmake "$PRISTINE" "$base" W=1 C=2 "${based[@]}" >"$blog" 2>&1
	else
		: >"$blog"
	fi
	local added
	added=$(comm -13 <(warnings "$blog") <(warnings "$log"))
	echo "  warnings: $(warnings "$log" | wc -l) patched, $(warnings "$blog" | wc -l) pristine"
	if [ -z "$added" ]; then
		pass "crossbuild-$a-no-new-warnings"
	else
		echo "$added" | sed 's/^/  new: /'
		fail "crossbuild-$a-no-new-warnings"
	fi
}

mkdir -p "$OUT"
[ $# -gt 0 ] || set -- s390
for a in "$@"; do
	one_arch "$a"
done
finish
