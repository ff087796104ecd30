#!/bin/bash
# pcialign.py checkpatch: scripts/checkpatch.pl --strict on every patch of out/series
# (not the cover letter), run from inside $TREE.  One KTAP result per patch: it fails on any error or
# warning; CHECKs are reported but do not fail.  Extra options: CHECKPATCH_OPTS.
# shellcheck source=tools/testing/pci-align/steps/lib.sh
. "$(dirname "$0")/lib.sh"
set -euo pipefail

need_tree
OUTDIR=$ROOT/out/series
[ -x "$TREE/scripts/checkpatch.pl" ] || die "$TREE/scripts/checkpatch.pl missing"
shopt -s nullglob
patches=()
for p in "$OUTDIR"/*.patch; do
	case "$p" in *0000-cover-letter.patch) ;; *) patches+=("$p") ;; esac
done
[ ${#patches[@]} -gt 0 ] || die "no patches in out/series (pcialign.py series)"

bad=0
for p in "${patches[@]}"; do
	# shellcheck disable=SC2086
	# Debian's python3 first: scripts/spdxcheck.py, which checkpatch
	# runs on SPDX lines, needs python3-ply and python3-git
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --color=never \
		${CHECKPATCH_OPTS:-} "$p" 2>&1) || true
	total=$(printf '%s\n' "$out" | grep -E '^total: [0-9]+ errors, [0-9]+ warnings' | tail -n1)
	if [ -z "$total" ]; then
		fail "checkpatch ${p##*/} (no checkpatch summary)"
		printf '%s\n' "$out" | sed 's/^/    /'
		bad=1
		continue
	fi
	read -r errs warns < <(echo "$total" | sed -E 's/^total: ([0-9]+) errors, ([0-9]+) warnings.*/\1 \2/')
	if [ "$errs" = 0 ] && [ "$warns" = 0 ]; then
		echo "${p##*/}: ${total#total: }"
		pass "checkpatch ${p##*/}"
	else
		echo "${p##*/}: ${total#total: }"
		fail "checkpatch ${p##*/}"
		printf '%s\n' "$out" | sed 's/^/    /'
		bad=1
	fi
done
[ $bad = 0 ] || echo "checkpatch found errors or warnings"
finish
