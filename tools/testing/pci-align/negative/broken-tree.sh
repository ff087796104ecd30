#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tree of the variant broken-arm64-debug: a scratch worktree
# build/<base>/linux-broken of TREE (build/<base>/linux) at HEAD with detectors.patch
# (a kmemleak leak, an ABBA lock order, a shift by 64 in
# resource_alignment_show()) applied.  TREE itself is not touched.
# Then: pcialign.py kernel broken-arm64-debug
#       pcialign.py run debug --kernel arm64-debug=broken-arm64-debug \
#           debug-arm64-none
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
base=${BASE:-$(cd "$here/.." && python3 -c "from harness import bases; print(bases.base().name)")}
tree=${TREE:-$root/build/$base/linux}
wt=$root/build/$base/linux-broken
if [ ! -d "$wt" ]; then
	git -C "$tree" worktree add --detach "$wt" HEAD
else
	git -C "$wt" reset -q --hard "$(git -C "$tree" rev-parse HEAD)"
fi
git -C "$wt" apply "$here/detectors.patch"
git -C "$wt" diff --stat
