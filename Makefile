# Entry points of the pci-align project: each target is one command of
# the harness (tools/testing/pci-align/pcialign.py; its README.md is the
# map).  Variables: BASE (the base of every target, a row of
# harness/bases.py; default 6.12), BASE_VERSION (a Debian version of the
# base's package instead of the newest), TREE (kernel tree, default
# build/<base>/linux), KSRC (a tree to use as the base), CHECK_SKIP /
# CHECK_ONLY (steps of make check, comma-separated), CHECK_FULL=1 (make
# check is check-full), FORCE=1 (make tree over unsaved work).

export BASE BASE_VERSION TREE KSRC CHECK_SKIP CHECK_ONLY CHECK_FULL FORCE

PCIALIGN := python3 tools/testing/pci-align/pcialign.py

.PHONY: help deps base tree save series checkpatch b4-check kernel image-path \
	demo check check-full bisect kunit bench machines variants bases \
	baseline

help:
	@$(PCIALIGN) --help

deps base tree save series checkpatch kunit check check-full bisect demo \
		bench machines variants bases baseline:
	@$(PCIALIGN) $@

# make b4-check: b4 prep and a dry-run b4 send of the series (offline)
b4-check:
	@$(PCIALIGN) b4check

# make kernel [VARIANT="arm64 arm64-pab ..."]: default, those of make check
kernel:
	@$(PCIALIGN) kernel $(VARIANT)

image-path:
	@$(PCIALIGN) image-path $(VARIANT)
