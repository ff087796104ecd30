#!/bin/bash
# pcialign.py checkpatch: scripts/checkpatch.pl --strict on every patch of out/<base>/series
# (of each of its parts, when the base has several series)
# (not the cover letter), run from inside $TREE.  One KTAP result per patch: it fails on any error or
# warning; CHECKs are reported but do not fail.  Extra options: CHECKPATCH_OPTS.
# The base tree has no history, so checkpatch can't look up the upstream
# commits the series names: UNKNOWN_COMMIT_ID is ignored, and instead every
# id must be in steps/upstream-commits.txt with its title ("upstream-ids").
# "fixes-first": the patches with a Fixes: tag come first, each with
# Cc: stable.
# shellcheck source=tools/testing/pci-align/steps/lib.sh
. "$(dirname "$0")/lib.sh"
set -euo pipefail

need_tree
OUTDIR=$PCIALIGN_OUT/series
[ -x "$TREE/scripts/checkpatch.pl" ] || die "$TREE/scripts/checkpatch.pl missing"
# the patches of out/<base>/series, or of its parts (series.sh), in order
mapfile -t patches < <(find "$OUTDIR" -name '*.patch' ! -name '*0000-cover-letter.patch' | sort)
[ ${#patches[@]} -gt 0 ] || die "no patches in out/<base>/series (pcialign.py series)"

bad=0
for p in "${patches[@]}"; do
	# shellcheck disable=SC2086
	# Debian's python3 first: scripts/spdxcheck.py, which checkpatch
	# runs on SPDX lines, needs python3-ply and python3-git
	out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --color=never \
		--ignore UNKNOWN_COMMIT_ID ${CHECKPATCH_OPTS:-} "$p" 2>&1) || true
	total=$(printf '%s\n' "$out" | grep -E '^total: [0-9]+ errors, [0-9]+ warnings' | tail -n1)
	if [ -z "$total" ]; then
		fail "checkpatch ${p#"$OUTDIR"/} (no checkpatch summary)"
		printf '%s\n' "$out" | sed 's/^/    /'
		bad=1
		continue
	fi
	read -r errs warns < <(echo "$total" | sed -E 's/^total: ([0-9]+) errors, ([0-9]+) warnings.*/\1 \2/')
	if [ "$errs" = 0 ] && [ "$warns" = 0 ]; then
		echo "${p#"$OUTDIR"/}: ${total#total: }"
		pass "checkpatch ${p#"$OUTDIR"/}"
	else
		echo "${p#"$OUTDIR"/}: ${total#total: }"
		fail "checkpatch ${p#"$OUTDIR"/}"
		printf '%s\n' "$out" | sed 's/^/    /'
		bad=1
	fi
done
[ $bad = 0 ] || echo "checkpatch found errors or warnings"

# upstream-ids and fixes-first (see the header)
if out=$(python3 - "$(dirname "$0")/upstream-commits.txt" "${patches[@]}" <<'PY'
import re, sys
known = {}
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip() and not line.startswith("#"):
        cid, title = line.rstrip("\n").split("\t")[:2]
        known[cid] = title
bad, fixes, seen_plain = [], [], None
for path in sys.argv[2:]:
    name = path.rsplit("/", 1)[-1]
    msg = open(path, encoding="utf-8").read().split("\n---\n", 1)[0]
    flat = " ".join(msg.split())
    for cid, title in re.findall(r'(?:commit|Fixes:) ([0-9a-f]{12,40}) \("(.+?)"\)', flat):
        if known.get(cid[:12]) != title:
            bad.append("%s: %s (\"%s\") is not in upstream-commits.txt with that title"
                       % (name, cid, title))
    if re.search(r"^Fixes: ", msg, re.M):
        fixes.append(name)
        if not re.search(r"^Cc: stable@vger\.kernel\.org", msg, re.M):
            bad.append("%s: Fixes: without Cc: stable" % name)
        if seen_plain:
            bad.append("%s: a fix after %s, which is not one" % (name, seen_plain))
    elif seen_plain is None:
        seen_plain = name
print("\n".join(bad) if bad else "%d fix(es) first: %s" % (len(fixes), ", ".join(fixes)))
sys.exit(1 if bad else 0)
PY
); then
	echo "$out"
	pass "checkpatch upstream-ids fixes-first"
else
	printf '%s\n' "$out" | sed 's/^/    /'
	fail "checkpatch upstream-ids fixes-first"
fi
finish
