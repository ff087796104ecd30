#!/bin/bash
# make series: git format-patch base..HEAD of $TREE into out/<base>/series with a
# cover letter filled from cover-letter.txt (line 1 = subject, rest = blurb),
# then verify that the patches `git am` cleanly onto the base commit and give
# exactly $TREE's HEAD tree.
#   V=<n>              reroll count (format-patch -v <n>; default: the base's,
#                      harness/bases.py; v3 was "PCI: Align small BARs",
#                      linux-pci, Aug 2024)
#   SUBJECT_PREFIX=..  e.g. "RFC PATCH" (default PATCH)
# shellcheck source=tools/testing/pci-align/steps/lib.sh
. "$(dirname "$0")/lib.sh"
set -euo pipefail

need_tree
OUTDIR=$PCIALIGN_OUT/series
COVER=$STEPS/${PCIALIGN_COVER:-cover-letter.txt}
base=$(base_commit)
n=$(git -C "$TREE" rev-list --count "$base..HEAD")
[ "$n" -gt 0 ] || die "$TREE has no commits on top of base"
[ -f "$COVER" ] || die "missing $COVER"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	echo "warning: $TREE has uncommitted changes; they are not in out/<base>/series" >&2

rm -rf "$OUTDIR"
mkdir -p "$OUTDIR"
git -C "$TREE" format-patch -q --cover-letter --thread=shallow -v "${V:-${PCIALIGN_REROLL:-4}}" --base="$base" \
	${SUBJECT_PREFIX:+--subject-prefix="$SUBJECT_PREFIX"} -o "$OUTDIR" "$base..HEAD"

cover=$(ls "$OUTDIR"/*0000-cover-letter.patch)
# The base line of the cover letter, from the tree: the version in the base
# commit's Makefile and the Debian package it was unpacked from.
version=$(git -C "$TREE" show "$base:Makefile" |
	sed -n 's/^\(VERSION\|PATCHLEVEL\|SUBLEVEL\) = //p' | head -n 3 | paste -sd.)
from=$(sed -n 's/^deb:\([^_]*\)_\([^_]*\)_.*/Debian \1 \2/p' "$BUILD/.pristine-source" 2>/dev/null || true)
based="Based on Linux $version${from:+ ($from)}."
python3 - "$cover" "$COVER" "$based" <<'PY'
import sys
cover, text = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
subject, _, blurb = text.partition("\n")
blurb = blurb.strip("\n") + "\n\n" + sys.argv[3]
if not subject.strip() or not blurb.strip():
    sys.exit("error: %s: need a subject line and a blurb" % sys.argv[2])
data = open(cover, encoding="utf-8").read()
for old, new in (("*** SUBJECT HERE ***", subject.strip()), ("*** BLURB HERE ***", blurb)):
    if old not in data:
        sys.exit("error: %s: no %r placeholder" % (cover, old))
    data = data.replace(old, new, 1)
open(cover, "w", encoding="utf-8").write(data)
PY

# Verify: git am onto the base commit in a throw-away clone.
tmp=$BUILD/am-check
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
info "verifying: git am of $n patch(es) onto base ${base:0:12}"
git clone -q --shared --no-checkout "$TREE" "$tmp"
git -C "$tmp" checkout -q --detach "$base"
patches=()
for p in "$OUTDIR"/*.patch; do
	case "$p" in *0000-cover-letter.patch) ;; *) patches+=("$p") ;; esac
done
if ! git -C "$tmp" -c user.name="PCI Align Developers" -c user.email=pci-align@example.org \
	am -q "${patches[@]}"; then
	die "out/<base>/series does not apply to base with git am (see above)"
fi
want=$(git -C "$TREE" rev-parse 'HEAD^{tree}')
got=$(git -C "$tmp" rev-parse 'HEAD^{tree}')
[ "$want" = "$got" ] || die "git am result differs from $TREE HEAD (tree $got != $want)"
[ "$(git -C "$tmp" rev-list --count "$base..HEAD")" = "$n" ] || die "git am made a different number of commits"
echo "out/<base>/series: cover letter + $n patch(es); git am onto base: ok"
