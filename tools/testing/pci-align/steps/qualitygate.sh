#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Quality gate for the series: the kernel's own static checkers over the
# files the series touches (`git -C $TREE diff --name-only base..HEAD`),
# in the patched tree and in the pristine 6.12 tree; a check fails when
# the patched files give a report the pristine files don't (reports are
# compared without line numbers; a file the series adds has no pristine
# counterpart, so all its reports are new).
#
#   (sparse and W=1: the step "sparse" of make check, crossbuild.sh for
#   x86_64 and arm64: every touched object, the KUnit tests included)
#   qualitygate-coccicheck   every scripts/coccinelle/**/*.cocci (the set
#                            `make coccicheck` runs, honouring each
#                            script's Options:/Requires: lines) in report
#                            mode over the touched .c/.h files, with the
#                            flags scripts/coccicheck uses
#   qualitygate-kernel-doc   scripts/kernel-doc -none -Wall on every
#                            touched .c/.h file
#   qualitygate-htmldocs     make SPHINXDIRS=PCI htmldocs in
#                            build/qualitygate/htmldocs{,-base}; sphinx
#                            warnings compared (skipped with QG_HTMLDOCS=0)
#   qualitygate-get-maintainer-<NNNN>  scripts/get_maintainer.pl on each
#                            patch of out/<base>/series names the maintainers and
#                            lists (M:, L:) of the MAINTAINERS sections of
#                            every architecture the patch touches (the
#                            sections with "F: arch/<arch>/" or "F:" of a
#                            directory below it holding a touched file,
#                            e.g. arch/s390/pci/) and of
#                            "PCI SUBSYSTEM" (the section with
#                            "F: drivers/pci/") when the patch touches a
#                            file that section covers; QG_PCI_EVERY_PATCH=1
#                            requires the PCI maintainers for every patch
#   qualitygate-get-maintainer-series  get_maintainer.pl on all patches
#                            together names the PCI maintainers
#   qualitygate-maintainers-new-files  every file the series adds is
#                            covered by PCI SUBSYSTEM
#
# Usage: qualitygate.sh [STEP...]   STEP: coccicheck kernel-doc
#                                   htmldocs get-maintainer maintainers
#                                   (default all)
# Env:   SERIES (out/<base>/series; made with series.sh when missing),
#        QG_HTMLDOCS=0, QG_PCI_EVERY_PATCH=1
# Output: KTAP results (steps/lib.sh); logs and
#         reports in build/qualitygate/.
. "$(dirname "$0")/lib.sh"
set -uo pipefail

SERIES=${SERIES:-$PCIALIGN_OUT/series}
OUT=$BUILD/qualitygate
mkdir -p "$OUT"

# Touched files that exist in the patched tree, relative to it
touched() {
	local f
	git -C "$TREE" diff --name-only base..HEAD -- "$@" | while read -r f; do
		[ -f "$TREE/$f" ] && printf '%s\n' "$f"
	done
}

# present TREE FILE...: those of the files TREE has
present() {
	local t=$1 f
	shift
	for f in "$@"; do [ -f "$t/$f" ] && printf '%s\n' "$f"; done
}

# normalize: strip a tree prefix, then every number (line, column, and
# the "line N" some reports quote) so that moved code compares equal;
# each report once
normalize() {
	sed -E "s#($TREE|$PRISTINE)/##g; s#[0-9]+#N#g" | sort -u
}

# compare NAME PATCHED PRISTINE: PASS when PATCHED (normalized) has no
# line PRISTINE lacks; else print the new lines, with their unnormalized
# originals
compare() {
	local name=$1 new=$2 old=$3 added line
	added=$(comm -13 <(normalize <"$old") <(normalize <"$new"))
	echo "  reports: $(grep -c . "$new") patched, $(grep -c . "$old") pristine"
	if [ -z "$added" ]; then
		pass "$name"
		return
	fi
	echo "  new reports:"
	while IFS= read -r line; do
		# the original lines that normalize to this one
		while IFS= read -r orig; do
			[ "$(printf '%s\n' "$orig" | normalize)" = "$line" ] &&
				printf '    %s\n' "${orig#"$TREE"/}"
		done <"$new"
	done <<<"$added"
	fail "$name"
}

# ---- coccicheck ---------------------------------------------------------
# One spatch per script over all the touched files, with the options of
# scripts/coccicheck (MODE=report: -D report --no-show-diff --very-quiet,
# the script's "Options:", the include flags make passes as LINUXINCLUDE)
cocci_tree() {
	local t=$1 log=$2 c opt req ver inc
	shift 2
	ver=$(spatch --version | head -n1 | awk '{ print $3 }')
	inc="-I $t/arch/x86/include -I $t/include -I $t/arch/x86/include/uapi"
	inc="$inc -I $t/include/uapi --include $t/include/linux/compiler-version.h"
	inc="$inc --include $t/include/linux/kconfig.h"
	: >"$log"
	: >"$log.err"
	while IFS= read -r c; do
		opt=$(grep "Options:" "$c" | cut -d: -f2)
		req=$(grep "Requires:" "$c" | cut -d: -f2 | sed 's| ||')
		if [ -n "$req" ] && ! { echo "$req"; echo "$ver"; } | sort -CV; then
			echo "skip ${c#"$t"/} (needs spatch $req)" >&2
			continue
		fi
		# shellcheck disable=SC2086
		(cd "$t" && spatch -D report --no-show-diff --very-quiet \
			--cocci-file "$c" $opt $inc "$@") >>"$log" 2>>"$log.err" ||
			echo "spatch failed: ${c#"$t"/} (see $log.err)" >&2
	done < <(find "$t/scripts/coccinelle" -name '*.cocci' -type f | sort)
}

# The reports depend only on the content of the tree (the files and the
# headers they include), the scripts and spatch, so they are kept, as
# ccache keeps objects, in $PCIALIGN_CACHE (default ~/.cache/pci-align),
# keyed by the git tree id (the base commit's for the pristine tree),
# spatch's version, the file list and cocci_tree itself; paths are stored
# relative to the tree.  A tree with uncommitted changes is not cached.
cocci_cached() {
	local t=$1 log=$2 treeid=$3 key dir
	shift 3
	dir=${PCIALIGN_CACHE:-$HOME/.cache/pci-align}/cocci
	if [ -n "$treeid" ]; then
		key=$({ echo "$treeid"; spatch --version | head -n1
			printf '%s\n' "$@"; declare -f cocci_tree; } | sha256sum | cut -c1-32)
		if [ -f "$dir/$key.log" ] && [ -f "$dir/$key.err" ]; then
			sed "s|@TREE@|$t|g" "$dir/$key.log" >"$log"
			sed "s|@TREE@|$t|g" "$dir/$key.err" >"$log.err"
			echo "  cached: ${t#"$ROOT"/} (key $key)"
			return
		fi
	fi
	cocci_tree "$t" "$log" "$@"
	[ -n "$treeid" ] || return 0
	mkdir -p "$dir"
	sed "s|$t|@TREE@|g" "$log.err" >"$dir/$key.err.$$"
	sed "s|$t|@TREE@|g" "$log" >"$dir/$key.log.$$"
	mv "$dir/$key.err.$$" "$dir/$key.err"
	mv "$dir/$key.log.$$" "$dir/$key.log"
}

step_coccicheck() {
	local files pfiles start treeid=
	echo "--- coccicheck"
	mapfile -t files < <(touched '*.c' '*.h')
	mapfile -t pfiles < <(present "$PRISTINE" "${files[@]}")
	echo "  files: ${files[*]}"
	start=$SECONDS
	# The two trees in parallel: each spatch is single-threaded
	[ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
		treeid=$(git -C "$TREE" rev-parse 'HEAD^{tree}')
	cocci_cached "$TREE" "$OUT/cocci.log" "$treeid" "${files[@]}" &
	if [ ${#pfiles[@]} -gt 0 ]; then
		cocci_cached "$PRISTINE" "$OUT/cocci-base.log" \
			"$(git -C "$TREE" rev-parse "$(base_commit)^{tree}")" "${pfiles[@]}"
	else
		: >"$OUT/cocci-base.log"
	fi
	wait
	echo "  time: $((SECONDS - start))s"
	compare qualitygate-coccicheck "$OUT/cocci.log" "$OUT/cocci-base.log"
}

# ---- kernel-doc ---------------------------------------------------------
kdoc_tree() {
	local t=$1 f
	shift
	for f in "$@"; do
		(cd "$t" && scripts/kernel-doc -none -Wall "$f") 2>&1
	done
}

step_kernel_doc() {
	local files pfiles
	echo "--- kernel-doc"
	mapfile -t files < <(touched '*.c' '*.h')
	mapfile -t pfiles < <(present "$PRISTINE" "${files[@]}")
	kdoc_tree "$TREE" "${files[@]}" >"$OUT/kernel-doc.log"
	kdoc_tree "$PRISTINE" "${pfiles[@]}" >"$OUT/kernel-doc-base.log"
	compare qualitygate-kernel-doc "$OUT/kernel-doc.log" \
		"$OUT/kernel-doc-base.log"
}

# ---- htmldocs -----------------------------------------------------------
# make htmldocs of one tree; SPHINXOPTS=-E: read every document again,
# also in a warm output directory, so that all warnings are reported.
# 6.12's htmldocs writes the netlink spec pages into the source tree
# (Documentation/networking/netlink_spec/*.rst, even with O=); cleandocs
# removes them again, so that the trees stay as make base / make tree left
# them (the pristine tree is the base commit of the next make tree).
html_tree() {
	local t=$1 o=$2 log=$3 rc
	mkdir -p "$o"
	make -C "$t" O="$o" SPHINXDIRS=PCI SPHINXOPTS=-E htmldocs >"$log" 2>&1
	rc=$?
	make -C "$t" O="$o" cleandocs >>"$log" 2>&1
	return $rc
}

step_htmldocs() {
	local start rc=0
	echo "--- htmldocs (SPHINXDIRS=PCI)"
	if [ "${QG_HTMLDOCS:-1}" = 0 ]; then
		echo "  skipped (QG_HTMLDOCS=0)"
		return
	fi
	start=$SECONDS
	html_tree "$TREE" "$OUT/htmldocs" "$OUT/htmldocs.log" || rc=1
	html_tree "$PRISTINE" "$OUT/htmldocs-base" "$OUT/htmldocs-base.log" || rc=1
	echo "  time: $((SECONDS - start))s"
	if [ $rc -ne 0 ]; then
		tail -n 20 "$OUT/htmldocs.log" "$OUT/htmldocs-base.log"
		fail "qualitygate-htmldocs (make htmldocs failed)"
		return
	fi
	grep -E 'WARNING|ERROR|CRITICAL|SEVERE' "$OUT/htmldocs.log" \
		>"$OUT/htmldocs.warnings"
	grep -E 'WARNING|ERROR|CRITICAL|SEVERE' "$OUT/htmldocs-base.log" \
		>"$OUT/htmldocs-base.warnings"
	compare qualitygate-htmldocs "$OUT/htmldocs.warnings" \
		"$OUT/htmldocs-base.warnings"
}

# ---- get_maintainer -----------------------------------------------------
# sections_of PATTERN: titles of the MAINTAINERS sections with "F: PATTERN"
sections_of() {
	awk -v f="$1" '
		prev == "" && $0 != "" && $0 !~ /^[A-Z]:/ { title = $0 }
		{ prev = $0 }
		$0 == "F:\t" f { print title }' "$TREE/MAINTAINERS"
}
section_of() { sections_of "$1" | head -n1; }

# addresses TITLE: the e-mail addresses of the M: and L: lines of the
# section TITLE (the ones get_maintainer.pl must name)
addresses() {
	awk -v t="$1" '
		$0 == t { in_sec = 1; next }
		in_sec && /^$/ { exit }
		in_sec && /^[ML]:/ { print }' "$TREE/MAINTAINERS" |
		sed -E 's/^[ML]:[[:space:]]*//; s/.*<([^>]*)>.*/\1/; s/[[:space:]].*//'
}

# patch_files PATCH: the paths a patch changes
patch_files() {
	sed -nE 's#^diff --git a/([^ ]*) b/.*#\1#p' "$1"
}

# in_pci FILE: get_maintainer.pl places FILE in PCI SUBSYSTEM
in_pci() {
	(cd "$TREE" && scripts/get_maintainer.pl --no-git --no-git-fallback \
		-f "$1" 2>/dev/null) | grep -qF ":$PCI_SECTION)"
}

# in_list WORD ITEM...: WORD is one of the ITEMs
in_list() {
	local w=$1 i
	shift
	for i in "$@"; do [ "$i" = "$w" ] && return 0; done
	return 1
}

# expect NAME GOT TITLE...: every address of the sections is in GOT
expect() {
	local name=$1 got=$2 t a missing=()
	shift 2
	for t in "$@"; do
		while IFS= read -r a; do
			grep -qiF "$a" <<<"$got" || missing+=("$a ($t)")
		done < <(addresses "$t")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		pass "$name"
	else
		printf '  not named: %s\n' "${missing[@]}"
		fail "$name"
	fi
}

step_get_maintainer() {
	local p n got files f a sec secs note
	echo "--- get_maintainer"
	if ! ls "$SERIES"/*0001-*.patch >/dev/null 2>&1; then
		"$STEPS/series.sh" >/dev/null || {
			fail "qualitygate-get-maintainer (series.sh failed)"
			return
		}
	fi
	PCI_SECTION=$(section_of drivers/pci/)
	echo "  PCI section: $PCI_SECTION: $(addresses "$PCI_SECTION" | tr '\n' ' ')"
	# NNNN-*.patch, or vN-NNNN-*.patch with a reroll count (series.sh)
	for p in "$SERIES"/*[0-9][0-9][0-9][0-9]-*.patch; do
		n=$(basename "$p" | sed -E 's/^v[0-9]+-//' | cut -c1-4)
		[ "$n" = 0000 ] && continue
		got=$(cd "$TREE" && scripts/get_maintainer.pl --no-git \
			--no-git-fallback "$p" 2>&1)
		mapfile -t files < <(patch_files "$p")
		secs=() note=
		# arch/<arch>/ and the deeper directories of arch files that
		# have a section of their own (arch/s390/pci/: S390 PCI)
		for a in $(printf '%s\n' "${files[@]}" | grep '^arch/' |
			sed -E 's#/[^/]*$#/#' | sort -u); do
			while [ "$a" != arch/ ]; do
				while IFS= read -r sec; do
					[ -n "$sec" ] && ! in_list "$sec" "${secs[@]}" &&
						secs+=("$sec")
				done < <(sections_of "$a")
				a=${a%/*/}/
			done
		done
		for f in "${files[@]}"; do
			in_list "$PCI_SECTION" "${secs[@]}" && break
			if in_pci "$f"; then secs+=("$PCI_SECTION"); break; fi
		done
		if ! in_list "$PCI_SECTION" "${secs[@]}"; then
			if [ "${QG_PCI_EVERY_PATCH:-0}" = 1 ]; then
				secs+=("$PCI_SECTION")
			else
				note="(no file in $PCI_SECTION: get_maintainer.pl does not name it; Cc linux-pci by hand)"
			fi
		fi
		echo "  $n: ${files[*]} -> $(printf '%s\n' "${secs[@]}" |
			paste -sd ';' | sed 's/;/; /g') $note"
		expect "qualitygate-get-maintainer-$n" "$got" "${secs[@]}"
	done
	got=$(cd "$TREE" && scripts/get_maintainer.pl --no-git --no-git-fallback \
		"$SERIES"/*[0-9][0-9][0-9][0-9]-*.patch 2>&1)
	expect qualitygate-get-maintainer-series "$got" "$PCI_SECTION"
}

# ---- MAINTAINERS coverage of new files ----------------------------------
step_maintainers() {
	local f bad=0
	echo "--- MAINTAINERS coverage of added files"
	PCI_SECTION=$(section_of drivers/pci/)
	while IFS= read -r f; do
		if in_pci "$f"; then
			echo "  $f: $PCI_SECTION"
		else
			echo "  $f: not covered by $PCI_SECTION"
			bad=1
		fi
	done < <(git -C "$TREE" diff --name-only --diff-filter=A base..HEAD)
	if [ $bad = 0 ]; then
		pass qualitygate-maintainers-new-files
	else
		fail qualitygate-maintainers-new-files
	fi
}

[ $# -gt 0 ] ||
	set -- coccicheck kernel-doc htmldocs get-maintainer maintainers
for s in "$@"; do
	case "$s" in
	coccicheck) step_coccicheck ;;
	kernel-doc) step_kernel_doc ;;
	htmldocs) step_htmldocs ;;
	get-maintainer) step_get_maintainer ;;
	maintainers) step_maintainers ;;
	*) fail "qualitygate-$s (unknown step)" ;;
	esac
done
finish
