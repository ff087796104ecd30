# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The helpers of the shell steps (sourced): paths, messages, KTAP results.
#
# pcialign.py runs the steps with the paths of harness/paths.py
# (PCI_ALIGN_ROOT, TREE, PCIALIGN_BUILD, PCIALIGN_PRISTINE, KSRC) and the
# machine table of harness/machines.py (PCIALIGN_MACHINES, as words
# name:arch:srcarch:cross:defconfig) in the environment.  A step reports each check with pass /
# fail / skip: KTAP result lines ("ok N name", "not ok N name",
# "ok N name # SKIP why"), which pcialign.py nests under the step's name.
# Any other output line is a diagnostic.

STEPS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${PCI_ALIGN_ROOT:?run the steps through pcialign.py}"
ROOT=$PCI_ALIGN_ROOT TREE=$TREE KSRC=${KSRC:-}
BUILD=$PCIALIGN_BUILD PRISTINE=$PCIALIGN_PRISTINE
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$ROOT/$1" ;; esac; }
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
# Don't leak a make's command line (TREE=, -s, ...) into kernel makes.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS

die() { echo "error: $*" >&2; exit 1; }
info() { echo ">>> $*" >&2; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "need root to run: $*"
	fi
}

# Base commit of $TREE: tag "base" if it exists, else the single root commit.
base_commit() {
	local b
	if b=$(git -C "$TREE" rev-parse -q --verify 'refs/tags/base^{commit}'); then
		echo "$b"; return
	fi
	b=$(git -C "$TREE" rev-list --max-parents=0 HEAD) || die "$TREE: no commits"
	[ "$(echo "$b" | wc -l)" = 1 ] || die "$TREE: no 'base' tag and several root commits"
	echo "$b"
}

need_tree() {
	[ -e "$TREE/.git" ] || die "$TREE is not a kernel git tree (pcialign.py tree)"
}

# machine NAME: set M_ARCH, M_SRCARCH, M_CROSS, M_DEFCONFIG from
# PCIALIGN_MACHINES; status 1 for an unknown machine
machine() {
	local w name rest
	for w in ${PCIALIGN_MACHINES:-}; do
		name=${w%%:*} rest=${w#*:}
		[ "$name" = "$1" ] || continue
		IFS=: read -r M_ARCH M_SRCARCH M_CROSS M_DEFCONFIG <<< "$rest"
		[ "$M_CROSS" = - ] && M_CROSS=
		return 0
	done
	return 1
}

NRESULTS=0
NFAIL=0
result() {
	NRESULTS=$((NRESULTS + 1))
	echo "$1 $NRESULTS ${2//#/_}${3:+ # SKIP $3}"
}
pass() { result ok "$*"; }
fail() { result "not ok" "$*"; NFAIL=$((NFAIL + 1)); }
skip() { result ok "$1" "${2:-skipped}"; }
# The exit status of a step: 1 if anything failed
finish() { [ "$NFAIL" -eq 0 ]; }
