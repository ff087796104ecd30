# SPDX-License-Identifier: GPL-2.0
"""The arm64 boots of other scenarios again, on the debug kernel.

Variant arm64-debug (configs/debug.config: KASAN generic inline, UBSAN
shift and bounds, PROVE_LOCKING, DEBUG_ATOMIC_SLEEP, kmemleak,
DEBUG_OBJECTS).  Each boot is the boot of its scenario, renamed
debug-<name>, with that scenario's expectations (references renamed
too), plus debug_reports=0 (harness/expect.py): the guest
(guest/init/debug.c) keeps every kernel record of level warning or more
important of the whole boot, also those logged after the kernel log dump
(badinput's sysfs writes, the decode step), and scans kmemleak twice at
the end; no KASAN, UBSAN, lockdep, atomic-sleep, "BUG: ", "WARNING: " or
ODEBUG report, no unreferenced object.  One report of the stock
kernel is shown, not counted (KNOWN, expect debug_known): pciehp's
reset_lock against pci_rescan_remove_lock, on every hot-add.

  demo      arm64-none, arm64-all
  badinput  badinput-* (arm64)
  extra     extra-prec-1/2 (precedence), extra-rescan
  realloc   realloc-hotadd, realloc-hotadd-grow, realloc-remove-arm64-*,
            realloc-fallback
  sriov     sriov-arm64-* on the arm64 variant (not -pab)
  vfio      arm64-vfio-none, arm64-vfio-all

KASAN under TCG is slow: each boot gets DEBUG_TIMEOUT seconds (default
240; measured: 15-23 s, kmemleak's two scans and the 6 s between them
included).
The negative control (`pcialign.py run debug --kernel
arm64-debug=broken-arm64-debug`, negative()): the boots on the kernel
with negative/detectors.patch, where the checks must count a kmemleak
leak, a lockdep circular dependency and a UBSAN shift-out-of-bounds.
"""

import os
from dataclasses import replace

from harness import expect
from harness.scenario import Boot  # noqa: F401 (the type of BOOTS)
from scenarios import badinput, demo, extra, realloc, sriov, vfio

NAME = 'debug'
VARIANT = 'arm64-debug'
TIMEOUT = int(os.environ.get('DEBUG_TIMEOUT', '240'))
PICK = (
    (demo, ('arm64-none', 'arm64-all')),
    (badinput, tuple(b.name for b in badinput.BOOTS
                     if b.name.startswith('badinput-'))),
    (extra, ('extra-prec-1', 'extra-prec-2', 'extra-rescan')),
    (realloc, ('realloc-hotadd', 'realloc-hotadd-grow',
               'realloc-remove-arm64-seed', 'realloc-remove-arm64-rootports',
               'realloc-fallback')),
    (sriov, tuple(b.name for b in sriov.BOOTS
                  if b.variant == 'arm64')),
    (vfio, ('arm64-vfio-none', 'arm64-vfio-all')),
)


def renamed(exp):
    out = dict(exp)
    for k in expect.REFS:
        if k in out:
            out[k] = 'debug-' + out[k]
    return out


# Reports of code outside the series, shown and not counted (expect
# debug_known).  pciehp: at boot pci_host_probe() holds
# pci_rescan_remove_lock around pci_bus_add_devices(), under which
# pciehp_probe() takes ctrl->reset_lock (down_read_nested); on a hot-plug
# event pciehp_ist() holds reset_lock and pciehp_configure_device() takes
# pci_rescan_remove_lock: lockdep's "possible circular locking
# dependency" on the first hot-add of every boot (drivers/pci/hotplug/
# pciehp_hpc.c, pciehp_pci.c, probe.c; the stock 6.12 code, the series
# changes none of it).  Lockdep is off for the rest of such a boot.
KNOWN = {'pciehp-reset_lock-vs-pci_rescan_remove_lock':
         r'\(pci_rescan_remove_lock\).*already holding lock:.*'
         r'\(&ctrl->reset_lock\)'}


def debug_boot(b, variant=VARIANT):
    """B on VARIANT, named debug-<name>, with debug_reports=0 on its boot
    report"""
    exp = dict(renamed(b.expect), debug_reports=0, debug_known=KNOWN)
    return replace(b, variant=variant, name='debug-' + b.name,
                   label='debug-' + (b.label or b.name), expect=exp,
                   also=[('debug-' + lab, renamed(e)) for lab, e in b.also],
                   timeout=TIMEOUT)


def pick(boots):
    """debug_boot() of the boots BOOTS names: ((module, names), ...)"""
    out = []
    for mod, names in boots:
        by = {b.name: b for b in mod.BOOTS}
        missing = [n for n in names if n not in by]
        if missing:
            raise SystemExit('scenario debug: %s has no boot %s' % (
                mod.NAME, ' '.join(missing)))
        out += [debug_boot(by[n]) for n in names]
    return out


BOOTS = pick(PICK)

# negative(): the detectors that must fire on broken-arm64-debug
DETECTORS = ('kmemleak', 'lockdep', 'ubsan')


def negative_shows(run):
    """(ok, text): the kinds of DETECTORS that the boot's reports count"""
    from harness.analyze import DEBUG_KINDS
    reports = run.debug_reports(KNOWN)
    got = {k: len(reports[k]) for k in DEBUG_KINDS}
    fired = [k for k in DETECTORS if got.get(k)]
    return len(fired) == len(DETECTORS), 'reports: %s; known: %s' % (
        ' '.join('%s=%d' % kv for kv in sorted(got.items())),
        ' '.join('%s=%d' % (k, len(v)) for k, v in
                 sorted(reports['known'].items())))
