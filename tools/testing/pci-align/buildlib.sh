# Common helpers for the pci-align build tooling (base.sh, series.sh,
# checkpatch.sh, kernel.sh, deps.sh, check.sh); sourced, bash.
# shellcheck shell=bash

set -euo pipefail

BUILD_TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${PCI_ALIGN_ROOT:-$(cd "$BUILD_TOOLS/../../.." && pwd)}
cd "$ROOT"

TREE=${TREE:-build/linux}
ARCH=${ARCH:-arm64}
KSRC=${KSRC:-}
KOUT=${KOUT:-build/$ARCH}
# shellcheck disable=SC2034 # used by base.sh
PRISTINE=$ROOT/build/pristine

# Make paths absolute (relative ones are relative to the repository root).
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$ROOT/$1" ;; esac; }
TREE=$(abspath "$TREE")
KOUT=$(abspath "$KOUT")

# Don't leak our make's command line (TREE=, ARCH=, -s, ...) into kernel makes.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES GNUMAKEFLAGS

die() { echo "error: $*" >&2; exit 1; }
info() { echo ">>> $*" >&2; }

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
	[ -e "$TREE/.git" ] || die "$TREE is not a kernel git tree (run 'make tree' first)"
}

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "need root to run: $*"
	fi
}
