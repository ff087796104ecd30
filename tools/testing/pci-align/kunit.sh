#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make kunit: build and run the series' KUnit tests
# (drivers/pci/tests/.kunitconfig in $TREE) with the kernel's own
# tools/testing/kunit/kunit.py, first under UML, then on x86_64 in QEMU.
#
# Prints one line per test case, every parameter of a parameterized test
# being a case of its own:
#   PASS: kunit-<arch> <suite>.<test>[: <parameter>]
#   FAIL: kunit-<arch> <suite>.<test>[: <parameter>]
#   SKIP: kunit-<arch> ...                (not counted by check.sh)
# then the build and run times and the runtime of the suites (from the
# kernel's timestamps).  A build that fails, a kernel that crashes or a run
# that reports no test case is a FAIL too.  Exits 1 if anything failed.
#
# UML: kunit.py builds the kernel, which is then run with the arguments
# kunit.py uses, but with its console written to a file: UML drops console
# output that a pipe can't take at once (EAGAIN), and the PCI core logs a
# lot, so `kunit.py run` under load may lose KTAP lines.  The log is then
# parsed with `kunit.py parse`.  x86_64 runs through `kunit.py exec`.
#
# Env: TREE              kernel tree (default build/linux, see Makefile)
#      KUNIT_ARCHS       architectures, in order (default "um x86_64")
#      KUNIT_BUILD       build directory prefix (default build/kunit):
#                        build/kunit-um, build/kunit-x86_64
#      KUNIT_KCONFIG_ADD extra options for every build, space-separated
#                        (e.g. "CONFIG_KASAN=y"); use another KUNIT_BUILD
#      KUNIT_TIMEOUT     seconds for each run (default 300)
#      JOBS              make -j (default: nproc)
# shellcheck source=tools/testing/pci-align/buildlib.sh
. "$(dirname "$0")/buildlib.sh"
set +e

ARCHS=${KUNIT_ARCHS:-um x86_64}
PREFIX=$(abspath "${KUNIT_BUILD:-build/kunit}")
TIMEOUT=${KUNIT_TIMEOUT:-300}
JOBS=${JOBS:-$(nproc)}
KUNITCONFIG=drivers/pci/tests
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
FAILED=0

fail() { echo "FAIL: $*"; FAILED=1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# PASS:/FAIL:/SKIP: lines from the JSON results of kunit.py ($1) for arch
# $2; writes "<passed> <failed> <skipped>" to the file $3.
report() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, sys

path, arch, counts_file = sys.argv[1:4]
with open(path) as f:
    top = json.load(f)
counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

def walk(group, names):
    for case in group.get("test_cases", []):
        yield names + [case["name"]], case["status"]
    for sub in group.get("sub_groups", []):
        yield from walk(sub, names + [sub["name"]])

for names, status in walk(top, []):
    name = ".".join(names[:2]) + "".join(": " + n for n in names[2:])
    status = status if status in ("PASS", "SKIP") else "FAIL"
    counts[status] += 1
    print("%s: kunit-%s %s" % (status, arch, name))
with open(counts_file, "w") as f:
    f.write("%d %d %d\n" % (counts["PASS"], counts["FAIL"], counts["SKIP"]))
EOF
}

# Seconds between the first "# Subtest:" line and the last top-level
# "ok"/"not ok" line of a log with printk timestamps.
suite_runtime() {
	awk '
	match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
		t = substr($0, RSTART + 1, RLENGTH - 2) + 0
		line = substr($0, RLENGTH + 1)
		sub(/^ /, "", line)
		if (line ~ /^    # Subtest: / && start == "") start = t
		if (line ~ /^(not )?ok [0-9]+ /) end = t
	}
	END { if (start != "" && end != "") printf "%.3f", end - start }' "$1"
}

run_arch() {
	local arch=$1 build="$PREFIX-$1" log json t0 t1 t2 rc opts=() o
	local passed=0 failed=0 skipped=0
	log=$build/test.log
	json=$build/results.json
	mkdir -p "$build"
	rm -f "$log" "$json"

	for o in ${KUNIT_KCONFIG_ADD:-}; do opts+=(--kconfig_add "$o"); done
	[ "$arch" = um ] || opts+=(--arch "$arch")

	echo ">>> kunit-$arch: building in ${build#"$ROOT"/}" >&2
	t0=$(now)
	if ! "$KUNIT" build --kunitconfig="$KUNITCONFIG" --build_dir="$build" \
		--jobs="$JOBS" --make_options "CC=ccache gcc" "${opts[@]}" \
		>"$build/build.log" 2>&1; then
		tail -n 30 "$build/build.log" >&2
		fail "kunit-$arch build (log: ${build#"$ROOT"/}/build.log)"
		return
	fi
	t1=$(now)

	echo ">>> kunit-$arch: running" >&2
	if [ "$arch" = um ]; then
		# The arguments kunit.py passes, plus timestamps; see above.
		timeout "$TIMEOUT" "$build/linux" kunit.enable=1 printk.time=1 \
			mem=1G console=tty kunit_shutdown=halt \
			</dev/null >"$log" 2>&1
		rc=$?
		stty sane 2>/dev/null
		[ $rc -eq 0 ] || echo "kunit-$arch: UML exited with status $rc" >&2
		"$KUNIT" parse --json="$json" "$log" >"$build/parse.log" 2>&1
	else
		"$KUNIT" exec --build_dir="$build" --arch="$arch" \
			--timeout="$TIMEOUT" --kernel_args printk.time=1 \
			--json="$json" >"$build/parse.log" 2>&1
	fi
	t2=$(now)
	grep -v '^\[..:..:..\] \(\[PASSED\]\|=\+ \)' "$build/parse.log" |
		grep -i 'error\|crash\|fail\|Elapsed\|Testing complete' >&2

	if [ ! -s "$json" ]; then
		fail "kunit-$arch: no results (log: ${log#"$ROOT"/})"
		return
	fi
	report "$json" "$arch" "$build/counts"
	read -r passed failed skipped <"$build/counts"
	if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
		fail "kunit-$arch: no test case ran (log: ${log#"$ROOT"/})"
	fi
	[ "$failed" -eq 0 ] || FAILED=1
	echo "kunit-$arch: $passed passed, $failed failed, $skipped skipped;" \
		"build $(secs "$t0" "$t1") s, boot and run $(secs "$t1" "$t2") s," \
		"suites $(suite_runtime "$log") s"
}

need_tree
KUNIT=$TREE/tools/testing/kunit/kunit.py
if [ ! -f "$TREE/$KUNITCONFIG/.kunitconfig" ]; then
	fail "kunit: $TREE has no $KUNITCONFIG/.kunitconfig (KUnit commits not in the tree)"
	exit 1
fi
DEPS_EXTRA="qemu-system-x86" "$BUILD_TOOLS/deps.sh" kernel >&2 ||
	die "deps.sh kernel failed"

for arch in $ARCHS; do
	run_arch "$arch"
done
exit $FAILED
