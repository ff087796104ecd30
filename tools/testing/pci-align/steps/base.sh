#!/bin/bash
# make base [BASE=<name>]: make sure build/<base>/pristine holds the pristine
# tree of the base (harness/bases.py): Debian's linux-source-X.Y package,
# fetched with apt-get download through a private apt configuration
# ($PCIALIGN_APT: its own sources list, lists and cache; the suite is never
# added to the system's sources, the package never installed), unpacked with
# dpkg -x, its tarball extracted (once per package file, into $PCIALIGN_TREES,
# hard-linked from there).
#   --fetch        only download the package file (make deps; every base)
#   BASE_VERSION=  take that package version instead of the row's pin or the
#                  newest the suite serves (e.g. 6.12.117-1~deb12u1)
#   KSRC=<dir>     use that source tree instead of the package
# shellcheck source=tools/testing/pci-align/steps/lib.sh
. "$(dirname "$0")/lib.sh"
set -euo pipefail

APT=$PCIALIGN_APT
TREES=$PCIALIGN_TREES
STAMP=$BUILD/.pristine-source   # outside the tree: it must not enter the base commit
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs" "$APT/empty"
aptopts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=$APT/empty"
	-o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
	-o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$APT/empty"
	-o "APT::Sandbox::User=$(id -un)" -o "Debug::NoLocking=1" -q)

# The private sources list: one line per suite of the base table.
sources() {
	local w name pkg suite mirror pin
	for w in $PCIALIGN_BASES; do
		IFS='|' read -r name pkg suite mirror pin <<< "$w"
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main"
	done | sort -u
}

# fetch PKG [VERSION]: print the path of the package file, downloading it
# (the newest version the suite serves when no VERSION is given).
fetch() {
	local pkg=$1 ver=${2:-} deb
	if [ -z "$ver" ]; then
		ver=$(apt-cache "${aptopts[@]}" policy "$pkg" | sed -n 's/^ *Candidate: //p')
		[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no version of $pkg in $(sources | tr '\n' ' ')"
	fi
	deb=$APT/debs/${pkg}_${ver//:/%3a}_all.deb
	if [ ! -s "$deb" ]; then
		info "downloading $pkg=$ver"
		(cd "$APT/debs" && apt-get "${aptopts[@]}" download "$pkg=$ver" >&2) ||
			die "apt-get download $pkg=$ver failed"
	fi
	[ -s "$deb" ] || die "$deb missing after apt-get download"
	echo "$deb"
}

# One update of the private lists per run, for every base's suite.
update_lists() {
	sources > "$APT/sources.list.new"
	mv "$APT/sources.list.new" "$APT/sources.list"
	if ! apt-get "${aptopts[@]}" -qq update >&2; then
		echo "warning: apt-get update failed; using the package lists as they are" >&2
	fi
}

ver=${BASE_VERSION:-}
[ -n "$ver" ] || [ "$PCIALIGN_BASE_VERSION" = - ] || ver=$PCIALIGN_BASE_VERSION

if [ "${1:-}" = --fetch ]; then
	update_lists
	for w in $PCIALIGN_BASES; do
		IFS='|' read -r name pkg suite mirror pin <<< "$w"
		[ "$pin" = - ] && pin=
		[ "$name" = "$PCIALIGN_BASE" ] && pin=$ver
		deb=$(fetch "$pkg" "$pin")
		echo "base $name: ${deb#"$APT"/debs/}"
	done
	exit 0
fi

if [ -n "$KSRC" ]; then
	KSRC=$(abspath "$KSRC")
	{ [ -f "$KSRC/Makefile" ] && [ -d "$KSRC/drivers/pci" ]; } || die "KSRC=$KSRC is not a kernel source tree"
	src="ksrc:$KSRC"
else
	update_lists
	deb=$(fetch "$PCIALIGN_BASE_PACKAGE" "$ver")
	src="deb:${deb##*/}"
fi

# Fast path: already there, from the same source.
if [ -f "$PRISTINE/Makefile" ] && [ -d "$PRISTINE/drivers/pci" ] &&
	[ "$(cat "$STAMP" 2>/dev/null)" = "$src" ]; then
	echo "base $PCIALIGN_BASE: ${src#*:} (build/${PRISTINE#"$ROOT"/build/})"
	exit 0
fi
[ ! -f "$STAMP" ] || info "build/$PCIALIGN_BASE/pristine came from $(cat "$STAMP"), now want $src: re-creating"

rm -rf "$PRISTINE.tmp" "$PRISTINE.deb"
mkdir -p "$PRISTINE.tmp"
if [ -n "$KSRC" ]; then
	info "copying $KSRC to $PRISTINE"
	# Everything but VCS metadata and build output of an in-tree build.
	tar -C "$KSRC" --exclude=./.git -cf - . | tar -C "$PRISTINE.tmp" -xf -
	[ ! -f "$PRISTINE.tmp/.config" ] || die "KSRC=$KSRC is configured (has .config); run 'make mrproper' there"
else
	# Unpacked once per package file into $TREES (shared by every clone,
	# as ccache is), then hard-linked: nothing writes into a pristine tree.
	cached=$TREES/${deb##*/}
	cached=${cached%.deb}
	if [ ! -f "$cached/Makefile" ]; then
		info "unpacking ${deb##*/} (dpkg -x) into $cached"
		rm -rf "$cached.tmp" "$cached.deb"
		mkdir -p "$cached.tmp"
		dpkg -x "$deb" "$cached.deb"
		tarball=$cached.deb/usr/src/$PCIALIGN_BASE_PACKAGE.tar.xz
		[ -f "$tarball" ] || die "${deb##*/} holds no ${tarball#"$cached.deb"}"
		tar -C "$cached.tmp" --strip-components=1 -xJf "$tarball"
		rm -rf "$cached.deb"
		mv "$cached.tmp" "$cached"
	fi
	info "linking $cached into $PRISTINE"
	rmdir "$PRISTINE.tmp"
	cp -al "$cached" "$PRISTINE.tmp" 2>/dev/null ||
		{ rm -rf "$PRISTINE.tmp"; cp -a "$cached" "$PRISTINE.tmp"; }
fi
rm -rf "$PRISTINE" "$BUILD/base-git"   # base commit cache of make tree (KSRC)
mv "$PRISTINE.tmp" "$PRISTINE"
echo "$src" > "$STAMP"
echo "base $PCIALIGN_BASE: ${src#*:} (build/${PRISTINE#"$ROOT"/build/})"
