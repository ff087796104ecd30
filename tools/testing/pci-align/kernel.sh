#!/bin/bash
# make kernel / kernel-config / image-path for ARCH=arm64|x86_64.
#   kernel.sh config       configure $KOUT (default build/$ARCH) from $TREE:
#                          allnoconfig + configs/common.config + configs/$ARCH.config
#                          + $KCONFIG_EXTRA (space-separated fragment paths)
#                          (only when the fragments changed or there is no
#                          .config), then olddefconfig
#   kernel.sh build        config + build Image (arm64) / bzImage (x86_64)
#   kernel.sh image-path   print the absolute path of the built image
# shellcheck source=tools/testing/pci-align/buildlib.sh
. "$(dirname "$0")/buildlib.sh"

case "$ARCH" in
arm64)
	IMAGE=arch/arm64/boot/Image TARGET=Image
	CROSS=aarch64-linux-gnu- KCC="ccache aarch64-linux-gnu-gcc" ;;
x86_64)
	IMAGE=arch/x86/boot/bzImage TARGET=bzImage
	CROSS='' KCC="ccache gcc" ;;
*) die "ARCH=$ARCH not supported (arm64 or x86_64)" ;;
esac

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-10G}
KMAKE=(make -C "$TREE" O="$KOUT" ARCH="$ARCH" CROSS_COMPILE="$CROSS" CC="$KCC")
FRAGS=("$BUILD_TOOLS/configs/common.config" "$BUILD_TOOLS/configs/$ARCH.config")
# KCONFIG_EXTRA: more fragments (space-separated paths), merged last
for f in ${KCONFIG_EXTRA:-}; do FRAGS+=("$f"); done

image_path() {
	if [ -f "$KOUT/$IMAGE" ]; then
		echo "$KOUT/$IMAGE"
	else
		echo "error: $KOUT/$IMAGE is not built (run 'make kernel ARCH=$ARCH')" >&2
		exit 1
	fi
}

config() {
	need_tree
	"$BUILD_TOOLS/deps.sh" kernel
	local f merged=$KOUT/pci-align.config stamp=$KOUT/.pci-align-config.sha256 sum
	for f in "${FRAGS[@]}"; do [ -f "$f" ] || die "missing config fragment $f"; done
	mkdir -p "$KOUT"
	sum=$({ echo "$TREE $KCC"; cat "${FRAGS[@]}"; } | sha256sum | cut -d' ' -f1)
	if [ ! -f "$KOUT/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
		info "configuring $KOUT: allnoconfig + ${FRAGS[*]##*/}"
		cat "${FRAGS[@]}" > "$merged"
		rm -f "$stamp"
		"${KMAKE[@]}" -s KCONFIG_ALLCONFIG="$merged" allnoconfig
		echo "$sum" > "$stamp"
	fi
	"${KMAKE[@]}" -s olddefconfig
	# Report fragment options Kconfig did not honour (missing dependency?).
	local line sym val bad=0
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$sym=" "$KOUT/.config" || continue
		else
			grep -qxF "$line" "$KOUT/.config" && continue
		fi
		echo "warning: $ARCH config: $line requested but .config has:" \
			"$(grep -E "^(# )?${sym}[= ]" "$KOUT/.config" || echo "(not present)")" >&2
		bad=1
	done < <(cat "${FRAGS[@]}")
	[ $bad = 0 ] || echo "warning: some fragment options were not applied" >&2
	info "$KOUT/.config ready"
}

build() {
	config
	info "building $TARGET for $ARCH in $KOUT"
	"${KMAKE[@]}" -j"$(nproc)" "$TARGET"
	image_path
}

case "${1:-}" in
config) config ;;
build) build ;;
image-path) image_path ;;
*) die "usage: $0 config|build|image-path" ;;
esac
