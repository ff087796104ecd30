#!/bin/bash
# make series: git format-patch base..HEAD of $TREE into out/<base>/series with a
# cover letter filled from cover-letter.txt (line 1 = subject, rest = blurb),
# then verify that the patches `git am` cleanly onto the base commit and give
# exactly $TREE's HEAD tree.
#   V=<n>              reroll count (format-patch -v <n>; default: the base's,
#                      harness/bases.py; v3 was "PCI: Align small BARs",
#                      linux-pci, Aug 2024)
#   SUBJECT_PREFIX=..  e.g. "RFC PATCH" (default PATCH)
# A base whose commits form several series (harness/bases.py Base.parts,
# PCIALIGN_PARTS="name:count:cover:needs:reroll ..."): each part goes into
# out/<base>/series/<name>/ with its own cover letter, made by
# cherry-picking its commits onto the base plus the parts it needs ("-":
# none), so that it is shown to apply to exactly that; its --base
# trailer lists the parts it needs as prerequisite patches; reroll "-":
# a first posting, no version in the subject.
# shellcheck source=tools/testing/pci-align/steps/lib.sh
. "$(dirname "$0")/lib.sh"
set -euo pipefail

need_tree
OUTDIR=$PCIALIGN_OUT/series
COVER=$STEPS/${PCIALIGN_COVER:-cover-letter.txt}
base=$(base_commit)
n=$(git -C "$TREE" rev-list --count "$base..HEAD")
[ "$n" -gt 0 ] || die "$TREE has no commits on top of base"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	echo "warning: $TREE has uncommitted changes; they are not in out/<base>/series" >&2

# The base line of the cover letter, from the tree: the version in the base
# commit's Makefile and the Debian package it was unpacked from.
version=$(git -C "$TREE" show "$base:Makefile" |
	sed -n 's/^\(VERSION\|PATCHLEVEL\|SUBLEVEL\) = //p' | head -n 3 | paste -sd.)
from=$(sed -n 's/^deb:\([^_]*\)_\([^_]*\)_.*/Debian \1 \2/p' "$BUILD/.pristine-source" 2>/dev/null || true)
based="Based on Linux $version${from:+ ($from)}."

# fill_cover COVERPATCH TEXTFILE [NOTE]: subject and blurb from TEXTFILE
fill_cover() {
	python3 - "$1" "$2" "$based${3:+ $3}" <<'PY'
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
}

rm -rf "$OUTDIR"
mkdir -p "$OUTDIR"
fmt=(format-patch -q --cover-letter --thread=shallow
	${SUBJECT_PREFIX:+--subject-prefix="$SUBJECT_PREFIX"})
if [ -z "${PCIALIGN_PARTS:-}" ]; then
	git -C "$TREE" "${fmt[@]}" -v "${V:-${PCIALIGN_REROLL:-4}}" --base="$base" \
		-o "$OUTDIR" "$base..HEAD"
	[ -f "$COVER" ] || die "missing $COVER"
	fill_cover "$(ls "$OUTDIR"/*0000-cover-letter.patch)" "$COVER"
else
	mapfile -t commits < <(git -C "$TREE" rev-list --reverse "$base..HEAD")
	declare -A first count
	pos=0
	for part in $PCIALIGN_PARTS; do
		IFS=: read -r name cnt cover needs reroll <<<"$part"
		first[$name]=$pos count[$name]=$cnt
		pos=$((pos + cnt))
	done
	[ "$pos" = "$n" ] || die "PCIALIGN_PARTS counts $pos commits, the tree has $n"
	# The parts are cherry-picked without a work tree (git apply --cached
	# on an index of their own), in a clone that shares the tree's
	# objects: no checkout of the base
	pick=$BUILD/parts-pick
	rm -rf "$pick"
	trap 'rm -rf "$pick"' EXIT
	git clone -q --shared --no-checkout "$TREE" "$pick"
	git -C "$pick" config user.name "PCI Align Developers"
	git -C "$pick" config user.email pci-align@example.org
	export GIT_INDEX_FILE=$pick/.git/parts-index
	# pick HEAD COMMIT: COMMIT applied onto HEAD (whose tree the index
	# holds), committed with its author and message; prints the commit
	pick() {
		local tree an ae ad
		git -C "$pick" diff --binary "$2^" "$2" |
			git -C "$pick" apply --cached 2>/dev/null || return 1
		tree=$(git -C "$pick" write-tree) || return 1
		IFS=$'\t' read -r an ae ad < <(git -C "$pick" log -1 --format='%an%x09%ae%x09%aI' "$2")
		git -C "$pick" log -1 --format=%B "$2" |
			GIT_AUTHOR_NAME=$an GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$ad \
			GIT_COMMITTER_DATE=$ad git -C "$pick" commit-tree "$tree" -p "$1"
	}
	for part in $PCIALIGN_PARTS; do
		IFS=: read -r name cnt cover needs reroll <<<"$part"
		[ -f "$STEPS/$cover" ] || die "missing $STEPS/$cover"
		head=$base note=
		git -C "$pick" read-tree "$base"
		for need in ${needs//,/ }; do
			[ "$need" = - ] && continue
			[ -n "${first[$need]:-}" ] || die "part $name needs unknown part $need"
			note="${note:+$note, }the $need series"
			for c in "${commits[@]:${first[$need]}:${count[$need]}}"; do
				head=$(pick "$head" "$c") || die "part $need doesn't apply onto the base"
			done
		done
		top=$head
		for c in "${commits[@]:${first[$name]}:${count[$name]}}"; do
			head=$(pick "$head" "$c") ||
				die "part $name doesn't apply onto the base${note:+ and $note}"
		done
		v=()
		[ "$reroll" = - ] || v=(-v "${V:-$reroll}")
		git -C "$pick" "${fmt[@]}" "${v[@]}" --base="$base" -o "$OUTDIR/$name" "$top..$head"
		fill_cover "$(ls "$OUTDIR/$name"/*0000-cover-letter.patch)" "$STEPS/$cover" \
			"${note:+It applies on top of $note.}"
		echo "out/<base>/series/$name: cover letter + $cnt patch(es) onto the base${note:+ and $note}"
	done
	unset GIT_INDEX_FILE
	rm -rf "$pick"
fi

# Verify: git am onto the base commit in a throw-away clone.
tmp=$BUILD/am-check
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
info "verifying: git am of $n patch(es) onto base ${base:0:12}"
git clone -q --shared --no-checkout "$TREE" "$tmp"
git -C "$tmp" checkout -q --detach "$base"
# every part's patches, in the order of the parts (their names sort so)
mapfile -t patches < <(find "$OUTDIR" -name '*.patch' ! -name '*0000-cover-letter.patch' | sort)
if ! git -C "$tmp" -c user.name="PCI Align Developers" -c user.email=pci-align@example.org \
	am -q "${patches[@]}"; then
	die "out/<base>/series does not apply to base with git am (see above)"
fi
want=$(git -C "$TREE" rev-parse 'HEAD^{tree}')
got=$(git -C "$tmp" rev-parse 'HEAD^{tree}')
[ "$want" = "$got" ] || die "git am result differs from $TREE HEAD (tree $got != $want)"
[ "$(git -C "$tmp" rev-list --count "$base..HEAD")" = "$n" ] || die "git am made a different number of commits"
echo "out/<base>/series: cover letter + $n patch(es); git am onto base: ok"
