# SPDX-License-Identifier: GPL-2.0
"""Scenarios: boots as data, run into one KTAP test.

A scenario is a module in scenarios/ with NAME, a docstring saying what it
proves, and BOOTS, a list of Boot.  Each Boot names its kernel variant,
topology, kernel command line, guest action (pcialign.* words of the
command line, HMP commands once the guest is ready, extra programs) and
what it must show: `expect`, a dict of expect.py's vocabulary, checked on
the boot's report.  `also` adds more analyses of the same log (another
report, another label).  A boot whose variant is not built fails, or is
skipped when the boot is optional.

run(module) returns the scenario's ktap.Test: one "<name> boot" check
per boot, then the checks of its expectations, with the analyzer's table
and verdict line as diagnostics.
"""

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from . import analyze, expect as expect_mod, initramfs, ktap, paths, qemu
from .variants import in_check, variant as get_variant


@dataclass
class Boot:
    name: str
    variant: str = 'arm64'
    topology: str = 'seed'
    append: str = ''
    expect: Dict = field(default_factory=dict)
    label: Optional[str] = None         # check label (default: name)
    also: List[Tuple[str, Dict]] = field(default_factory=list)
    on_ready: Tuple[str, ...] = ()      # HMP commands
    # initramfs extras (src, dst); src: a path or a function of the machine
    extras: Tuple = ()
    optional: bool = False              # skip, not fail, without kernel
    analyze: bool = True                # False: only the boot check
    timeout: Optional[int] = None       # seconds (default qemu.TIMEOUT)
    # HMP commands cycled from PCIALIGN-READY to PCIALIGN-HOST-STOP, at
    # most host_loop_max times (qemu.boot())
    host_loop: Tuple[str, ...] = ()
    host_loop_max: int = 50


def built_in_tier(boots, full):
    """The names of BOOTS whose kernels the tier builds (make check, or
    make check-full if FULL): a scenario's only(full)."""
    built = {v.name for v in in_check(full)}
    return {b.name for b in boots if b.variant in built}


def _extras(boot, mach):
    return [(src(mach) if callable(src) else paths.under_root(src), dst)
            for src, dst in boot.extras]


def log_path(scenario, boot):
    return os.path.join(paths.LOGS, scenario, boot.name + '.log')


def run_boot(test, scenario, boot, runs):
    v = get_variant(boot.variant)
    log = log_path(scenario, boot)
    test.note('--- %s: %s, topology %s, append "%s"' % (
        boot.name, v.name, boot.topology, boot.append))
    if not os.path.isfile(v.image):
        why = 'no %s kernel %s (pcialign.py kernel %s)' % (
            v.name, os.path.relpath(v.image, paths.ROOT), v.name)
        if boot.optional:
            test.skip('%s boot' % boot.name, why)
        else:
            test.check(False, '%s boot' % boot.name, why)
        return
    extras = _extras(boot, v.mach)
    tag = 'x-' + '-'.join(os.path.basename(d) for _, d in extras) \
        if extras else ''
    try:
        initrd = initramfs.build(v.mach, tag, extras)
    except (SystemExit, Exception) as e:     # noqa: B902 -- reported
        test.check(False, '%s boot' % boot.name, 'initramfs: %s' % e)
        return
    ended, secs = qemu.boot(v, boot.topology, boot.append, log, initrd,
                            on_ready=boot.on_ready, timeout=boot.timeout,
                            host_loop=boot.host_loop,
                            host_loop_max=boot.host_loop_max)
    test.note('BOOT-TIME %s %.1fs' % (boot.name, secs))
    if not ended:
        with open(log, errors='replace') as f:
            tail = f.read().splitlines()[-20:]
        test.note('\n'.join('  | ' + t for t in tail))
    if not test.check(ended, '%s boot' % boot.name,
                      '' if ended else 'no end marker in %s' % log):
        return
    runs[boot.name] = analyze.Run(log)
    if not boot.analyze:
        return
    for label, exp in [(boot.label or boot.name, boot.expect)] + \
            list(boot.also):
        analyze_one(test, label, log, exp, runs)


def analyze_one(test, label, log, exp, runs):
    run = analyze.Run(log, exp.get('report', 'boot'))
    ref = runs.get(exp['ref']) if exp.get('ref') else None
    if exp.get('ref') and ref is None:
        test.check(False, '%s reference %s' % (label, exp['ref']),
                   'the reference boot did not run')
        exp = {k: v for k, v in exp.items() if k not in ('ref', 'moved')}
    verdict = analyze.Verdict(run, ref, exp.get('page_size'))
    test.note('\n'.join(verdict.table(label)))
    expect_mod.check(test, label, run, verdict, exp, runs)


def negative(module, kernels, only=None):
    """The negative control: MODULE's boots on other kernels (KERNELS:
    {variant: variant}, e.g. the series without a fix).  The checks are
    only shown; one result says whether at least one boot shows what the
    fix is for: shared pages or unassigned BARs, or what the module's
    negative_shows(run) -> (ok, text) says (scenarios/debug.py: the
    detectors' reports)."""
    from dataclasses import replace
    shows = getattr(module, 'negative_shows', None)
    what = ('the reports of %s' % ' '.join(getattr(module, 'DETECTORS',
                                                   ()))) if shows \
        else 'shared_pages>0 or unassigned>0'
    test = ktap.Test(module.NAME + '-negative')
    info = ktap.Test('info')
    runs, bad, seen = {}, [], 0
    for boot in module.BOOTS:
        if (only and boot.name not in only) or boot.variant not in kernels:
            continue
        b = replace(boot, variant=kernels[boot.variant])
        run_boot(info, module.NAME + '-negative', b, runs)
        if b.name in runs:
            seen += 1
            run = analyze.Run(runs[b.name].path,
                              b.expect.get('report', 'boot'))
            v = analyze.Verdict(run)
            test.note(v.line(b.name))
            if shows:
                ok, text = shows(run)
                test.note('%s: %s' % (b.name, text))
                if ok:
                    bad.append(b.name)
            elif v.shared or v.unassigned:
                bad.append(b.name)
    for r in info.results():
        test.note('info: %s %s' % ('ok' if r.ok else 'not ok', r.name))
    test.check(bool(bad), 'negative-control %d of %d boot(s) with %s: %s' % (
        len(bad), seen, what, ' '.join(bad)))
    return test


def run(module, only=None):
    """Run scenario MODULE's boots (ONLY: a set of boot names)."""
    test = ktap.Test(module.NAME)
    runs = {}
    for boot in module.BOOTS:
        if only is not None and boot.name not in only:
            continue
        run_boot(test, module.NAME, boot, runs)
    return test
