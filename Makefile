# Build tooling for the "page-align small BARs" PCI series (Linux 6.12 overlay).
# The real logic lives in tools/testing/pci-align/*; run `make help`.

ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
HARNESS := $(ROOT)/tools/testing/pci-align

TREE ?= build/linux
ARCH ?= arm64
KSRC ?=
# Kernel build directory; empty means build/$(ARCH) (decided by the scripts,
# so that a nested `make kernel ARCH=x86_64` never inherits build/arm64).
KOUT ?=

export PCI_ALIGN_ROOT := $(ROOT)
export TREE ARCH KSRC KOUT

.PHONY: help base tree save series checkpatch kernel kernel-config image-path \
	deps demo check kunit bench

help:
	@echo "Targets: deps base tree save series checkpatch kernel kernel-config"
	@echo "         image-path demo check kunit"
	@echo "         bench (address space, BARs moved and probe time; writes BENCHMARKS.md)"
	@echo "Variables: TREE=$(TREE) ARCH=$(ARCH) KSRC=$(KSRC) KOUT=$(or $(KOUT),build/$(ARCH))"

deps:
	@$(HARNESS)/deps.sh

base:
	@$(HARNESS)/base.sh

tree: base
	@python3 $(HARNESS)/overlay.py tree

save:
	@python3 $(HARNESS)/overlay.py save

series:
	@$(HARNESS)/series.sh

checkpatch:
	@$(HARNESS)/checkpatch.sh

kernel:
	@$(HARNESS)/kernel.sh build

kernel-config:
	@$(HARNESS)/kernel.sh config

image-path:
	@$(HARNESS)/kernel.sh image-path

# The main job: build the patched kernels (making the tree first if there is
# none) and boot them in QEMU.
demo:
	@test -d $(TREE)/.git || $(MAKE) --no-print-directory tree
	@$(MAKE) --no-print-directory kernel ARCH=arm64
	@$(MAKE) --no-print-directory kernel ARCH=x86_64
	@$(HARNESS)/demo.sh

kunit:
	@test -x $(HARNESS)/kunit.sh || { echo "error: $(HARNESS)/kunit.sh missing (not written yet)" >&2; exit 1; }
	@$(HARNESS)/kunit.sh

# Benchmark of the placements (not part of `make check`'s pass/fail;
# `bench.sh --check` is its sanity run): builds the arm64 kernels unless
# KERNEL_arm64 / KERNEL_arm64_pab name images, writes BENCHMARKS.md and
# bench/address-space.png.
bench:
	@test -d $(TREE)/.git || $(MAKE) --no-print-directory tree
	@test -n "$$KERNEL_arm64" || $(MAKE) --no-print-directory kernel ARCH=arm64
	@test -n "$$KERNEL_arm64_pab" || $(MAKE) --no-print-directory kernel \
		ARCH=arm64 KOUT=build/arm64-pab \
		KCONFIG_EXTRA=$(HARNESS)/configs/page-align-bars.config
	@$(HARNESS)/bench.sh

check:
	@$(HARNESS)/check.sh
