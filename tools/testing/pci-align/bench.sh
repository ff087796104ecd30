#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: what pci=resource_alignment=all costs, on arm64 virt (TCG).
#
# Topologies of N small-BAR devices (QEMU pci-testdev: BAR 0 4 KiB, BAR 1
# 256 bytes of I/O, BAR 2 a 64-bit prefetchable BAR of 32/64/128/256 bytes
# in turn):
#   bridge  N devices behind one pci-bridge (32 slots x 8 functions: <= 256)
#   switch  pcie-root-port -> x3130-upstream -> xio3130-downstream ports ->
#           x3130-upstream -> xio3130-downstream ports (two switch levels),
#           8 functions behind each last-level port
#   flat    N devices on the root bus (slots 1-31 x 8 functions: <= 248;
#           00:00.0 is the host bridge)
# each booted, in turn, as
#   stock   no parameter
#   perdev  pci=resource_alignment=12@pci:1b36:0005 (the per-device syntax:
#           one entry naming pci-testdev's vendor:device matches every test
#           device; 256 BDF entries don't fit arm64's 2048-byte command line)
#   all     pci=resource_alignment=all
#   pab     the CONFIG_PCI_PAGE_ALIGN_BARS=y kernel, no parameter
# with "loglevel=1 log_buf_len=4M initcall_debug" added to every command
# line.  bench.py turns the logs into BENCHMARKS.md (address space, BARs
# moved, PCI probe time, unassigned BARs), bench/address-space.dat and
# .gp, and gnuplot draws bench/address-space.png.  The KUnit suite
# pci_align_bench (drivers/pci/tests, UML) adds the scan and assign time
# of an emulated bus with 1056 devices.
#
# Usage: bench.sh            run the benchmark (make bench)
#        bench.sh --check    sanity run for make check: BENCH_SIZES=8,
#                            BENCH_RUNS=1, no KUnit, logs and report in
#                            LOGDIR=build/bench-check; "PASS:"/"FAIL:" only
#                            for sanity (boots, figures parsed, unassigned
#                            and shared pages 0 for all and pab)
#        bench.sh topo SHAPE N
#                            print the -device arguments of a topology
# Env:   BENCH_SIZES   default "8 64 256" (capped per shape, see above)
#        BENCH_SHAPES  default "bridge switch flat"
#        BENCH_RUNS    boots of each (shape, N, variant), default 7
#        BENCH_KUNIT   1 (default) runs the KUnit suite, 0 skips it
#        BENCH_KUNIT_TREE  kernel tree with the pci_align_bench suite
#                      (default $TREE, i.e. build/linux)
#        BENCH_KUNIT_BUILD build directory (default build/bench-kunit)
#        BENCH_OUT     the report (default BENCHMARKS.md at the top)
#        BENCH_PLOTDIR plot data, script and PNG (default bench/)
#        KERNEL_arm64, KERNEL_arm64_pab: kernel images (defaults:
#                      `make -s image-path ARCH=arm64`, build/arm64-pab)
#        LOGDIR        default tools/testing/pci-align/build/bench
#                      (build/bench-check with --check)
#        TIMEOUT       per boot, seconds (default 300)
# Output: one "BOOT ..." line per boot, the tables of bench.py,
#         "PASS: bench-..."/"FAIL: bench-..." sanity lines and a closing
#         "pci-align bench: N passed, N failed".  Exit 1 if a sanity check
#         failed.
set -uo pipefail
# --check keeps its logs apart from those BENCHMARKS.md refers to
[ "${1:-}" = --check ] && sub=bench-check || sub=bench
LOGDIR=${LOGDIR:-$(cd "$(dirname "$0")" && pwd)/build/$sub}
# shellcheck source=tools/testing/pci-align/lib.sh
. "$(dirname "$0")/lib.sh"

BAR2_SIZES=(32 64 128 256)

# bench_topo SHAPE N: the -device arguments, one per line
bench_topo() {
	local shape=$1 n=$2 i slot fn mf leaves l1 k j leaf ch

	case $shape in
	flat)
		# Slot s holds functions s-1, s-1+31, s-1+62, ... of the N
		for ((i = 0; i < n; i++)); do
			slot=$((1 + i % 31)) fn=$((i / 31)) mf=
			[ "$fn" -eq 0 ] && [ $((i + 31)) -lt "$n" ] &&
				mf=,multifunction=on
			printf -- '-device pci-testdev,bus=pcie.0,addr=%x.%d%s,membar=%d\n' \
				"$slot" "$fn" "$mf" "${BAR2_SIZES[i % 4]}"
		done ;;
	bridge)
		echo "-device pci-bridge,id=br1,bus=pcie.0,addr=1,chassis_nr=1,shpc=off"
		for ((i = 0; i < n; i++)); do
			slot=$((i % 32)) fn=$((i / 32)) mf=
			[ "$fn" -eq 0 ] && [ $((i + 32)) -lt "$n" ] &&
				mf=,multifunction=on
			printf -- '-device pci-testdev,bus=br1,addr=%x.%d%s,membar=%d\n' \
				"$slot" "$fn" "$mf" "${BAR2_SIZES[i % 4]}"
		done ;;
	switch)
		# ceil(N / 8) last-level ports, 8 to a second-level switch
		leaves=$(((n + 7) / 8)) leaf=0 ch=2
		l1=$(((leaves + 7) / 8))
		echo "-device pcie-root-port,id=rp1,bus=pcie.0,addr=1,chassis=1,slot=1"
		echo "-device x3130-upstream,id=up1,bus=rp1"
		for ((k = 0; k < l1; k++)); do
			echo "-device xio3130-downstream,id=da$k,bus=up1,addr=$k,chassis=$ch,slot=0"
			ch=$((ch + 1))
			echo "-device x3130-upstream,id=ub$k,bus=da$k"
			for ((j = 0; j < 8 && leaf < leaves; j++, leaf++)); do
				printf -- '-device xio3130-downstream,id=db%d,bus=ub%d,addr=%d,chassis=%d,slot=0\n' \
					"$leaf" "$k" "$j" "$ch"
				ch=$((ch + 1))
			done
		done
		for ((i = 0; i < n; i++)); do
			leaf=$((i / 8)) fn=$((i % 8)) mf=
			[ "$fn" -eq 0 ] && [ $((i + 1)) -lt "$n" ] &&
				mf=,multifunction=on
			printf -- '-device pci-testdev,bus=db%d,addr=0.%d%s,membar=%d\n' \
				"$leaf" "$fn" "$mf" "${BAR2_SIZES[i % 4]}"
		done ;;
	*)
		echo "bench.sh: unknown shape '$shape'" >&2
		return 2 ;;
	esac
}

# The N booted for a requested size: capped at what the shape holds
shape_n() {
	local max
	case $1 in
	bridge) max=256 ;;
	flat) max=248 ;;
	*) max=2048 ;;
	esac
	[ "$2" -le "$max" ] && echo "$2" || echo "$max"
}

if [ "${1:-}" = topo ]; then
	[ $# -eq 3 ] || { sed -n '35,36p' "$0" >&2; exit 2; }
	bench_topo "$2" "$(shape_n "$2" "$3")"
	exit
fi

CHECK=0
if [ "${1:-}" = --check ]; then
	CHECK=1
	: "${BENCH_SIZES:=8}" "${BENCH_RUNS:=1}" "${BENCH_KUNIT:=0}"
	: "${BENCH_OUT:=$LOGDIR/BENCHMARKS.md}"
	: "${BENCH_PLOTDIR:=$LOGDIR/plot}"
elif [ $# -gt 0 ]; then
	sed -n '4,50p' "$0" >&2
	exit 2
fi
SIZES=${BENCH_SIZES:-8 64 128 256}
SHAPES=${BENCH_SHAPES:-bridge switch flat}
RUNS=${BENCH_RUNS:-7}
KUNIT_ON=${BENCH_KUNIT:-1}
OUT=${BENCH_OUT:-$TOP/BENCHMARKS.md}
PLOTDIR=${BENCH_PLOTDIR:-$TOP/bench}
TREE=${TREE:-build/linux}
case "$TREE" in /*) ;; *) TREE=$TOP/$TREE ;; esac
KTREE=${BENCH_KUNIT_TREE:-$TREE}
case "$KTREE" in /*) ;; *) KTREE=$TOP/$KTREE ;; esac
KBUILD=${BENCH_KUNIT_BUILD:-$TOP/build/bench-kunit}
case "$KBUILD" in /*) ;; *) KBUILD=$TOP/$KBUILD ;; esac
export TIMEOUT=${TIMEOUT:-300}
COMMON="loglevel=1 log_buf_len=4M initcall_debug"
VARIANTS="stock perdev all pab"

K_STOCK=$(kernel_for arm64)
K_PAB=${KERNEL_arm64_pab:-$TOP/build/arm64-pab/arch/arm64/boot/Image}

variant_kernel() { [ "$1" = pab ] && echo "$K_PAB" || echo "$K_STOCK"; }
variant_append() {
	case $1 in
	perdev) echo "$COMMON pci=resource_alignment=12@pci:1b36:0005" ;;
	all) echo "$COMMON pci=resource_alignment=all" ;;
	*) echo "$COMMON" ;;
	esac
}

# The command as run: make bench (or bench.sh --check), with the
# environment that changes what it does
bench_command() {
	local v cmd=
	for v in KERNEL_arm64 KERNEL_arm64_pab KERNEL BENCH_SIZES BENCH_SHAPES \
		BENCH_RUNS BENCH_KUNIT BENCH_KUNIT_TREE BENCH_KUNIT_BUILD; do
		[ -n "${!v:-}" ] || continue
		cmd+="$v=${!v#"$TOP"/} "
	done
	if [ "$CHECK" = 1 ]; then
		echo "${cmd}tools/testing/pci-align/bench.sh --check"
	else
		echo "${cmd}make bench"
	fi
}

t_start=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.log "$LOGDIR"/*.log.cmd "$LOGDIR/runs.tsv"
for k in "$K_STOCK" "$K_PAB"; do
	if [ ! -f "$k" ]; then
		fail "bench kernel image '$k' missing (KERNEL_arm64, KERNEL_arm64_pab)"
		summary "pci-align bench"
		exit 1
	fi
done
if ! ensure_initramfs arm64; then
	fail "bench initramfs build"
	summary "pci-align bench"
	exit 1
fi
echo "kernels: stock/perdev/all $K_STOCK, pab $K_PAB"
echo "sizes: $SIZES; shapes: $SHAPES; runs: $RUNS; logs: $LOGDIR"

# runs.tsv: shape n variant run log kernel append (for bench.py)
nboot=0
for ((run = 1; run <= RUNS; run++)); do
	# Rotate the order of the variants from run to run
	# shellcheck disable=SC2086 # the variants are words
	set -- $VARIANTS
	for ((r = 1; r < (run - 1) % 4 + 1; r++)); do set -- "${@:2}" "$1"; done
	order="$*"
	for shape in $SHAPES; do
		for size in $SIZES; do
			n=$(shape_n "$shape" "$size")
			mapfile -t devs < <(bench_topo "$shape" "$n")
			# shellcheck disable=SC2206 # one argument per word
			args=(${devs[*]})
			for v in $order; do
				log=$LOGDIR/$shape-$n-$v-r$run.log
				k=$(variant_kernel "$v")
				a=$(variant_append "$v")
				nboot=$((nboot + 1))
				if ! KERNEL=$k "$HERE/run-qemu.sh" arm64 none "$a" \
					"$log" "${args[@]}" >"$log.out" 2>&1; then
					tail -n 5 "$log" | sed 's/^/  | /'
				fi
				cat "$log.out"
				rm -f "$log.out"
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$shape" "$n" \
					"$v" "$run" "$log" "$k" "$a" >>"$LOGDIR/runs.tsv"
			done
		done
	done
done
t_qemu=$(date +%s)

# KUnit: the pci_align_bench suite under UML, in its own build directory
KLOG=
if [ "$KUNIT_ON" = 1 ]; then
	KUNIT=$KTREE/tools/testing/kunit/kunit.py
	KLOG=$KBUILD/bench.log
	mkdir -p "$KBUILD"
	if ! grep -q pci_align_bench "$KTREE/drivers/pci/tests/pci_align_kunit.c" \
		2>/dev/null; then
		echo "kunit: $KTREE has no pci_align_bench suite, skipped"
		KLOG=
	elif ! (cd "$KTREE" && CCACHE_BASEDIR=$TOP "$KUNIT" build \
		--kunitconfig=drivers/pci/tests --build_dir="$KBUILD" \
		--jobs="$(nproc)" --make_options "CC=ccache gcc") \
		>"$KBUILD/build.log" 2>&1; then
		tail -n 20 "$KBUILD/build.log"
		fail "bench-kunit build (log: $KBUILD/build.log)"
		KLOG=
	else
		# As kunit.sh: console to a file (UML drops what a pipe can't take)
		timeout 600 "$KBUILD/linux" kunit.enable=1 printk.time=1 \
			mem=1G console=tty kunit_shutdown=halt \
			kunit.filter_glob='pci_align_bench.*' </dev/null >"$KLOG" 2>&1
		stty sane 2>/dev/null
		grep 'bench: n=' "$KLOG" | sed 's/^.*bench: /kunit bench: /'
	fi
fi
t_end=$(date +%s)

mkdir -p "$(dirname "$OUT")" "$PLOTDIR"
counted python3 "$HERE/bench.py" --runs "$LOGDIR/runs.tsv" \
	${KLOG:+--kunit "$KLOG"} --out "$OUT" --plotdir "$PLOTDIR" \
	--wall "$((t_end - t_start))" --qemu-wall "$((t_qemu - t_start))" \
	--boots "$nboot" --kunit-tree "$KTREE" --kunit-build "$KBUILD" \
	--load-start "$load_start" --load-end "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--command "$(bench_command)"
if [ -f "$PLOTDIR/address-space.gp" ]; then
	if command -v gnuplot >/dev/null; then
		if (cd "$PLOTDIR" && gnuplot address-space.gp) \
			>"$LOGDIR/gnuplot.log" 2>&1; then
			echo "plot: $PLOTDIR/address-space.png"
		else
			cat "$LOGDIR/gnuplot.log"
			fail "bench-plot (gnuplot $PLOTDIR/address-space.gp)"
		fi
	else
		echo "plot: gnuplot not installed (make deps), no PNG"
	fi
fi
if [ "$CHECK" = 0 ] && [ -f "$OUT" ]; then
	echo "report: $OUT"
	sed -n '/^## Time of/,$p' "$OUT"
fi
echo "bench wall time: $(($(date +%s) - t_start)) s"
summary "pci-align bench"
