# SPDX-License-Identifier: GPL-2.0
"""make check: every step in order, as one KTAP document.

PLAN lists the steps: (name, function).  Each step is one test of the
document; its results are subtests (nested KTAP of kunit.py and of the
kselftest included as they are).  Blocks are printed as each step ends;
the whole document goes to build/check/check.ktap, and the last line is
"N passed, N failed", counted from the document by kunit_parser
(ktap.summary).  CHECK_SKIP="step,step": steps reported as skipped, not
run.  CHECK_ONLY="step,...": run only these (the rest skipped).

make check-full (plan(full=True): `pcialign.py check-full`, `check
--full`, or CHECK_FULL=1) runs what make check runs plus what does not
fit into CI's time: the kernels of the variants with in_check='full'
(harness/variants.py), the scenarios of scenarios/__init__.py's FULL
after those of ORDER (a FULL name without its module fails as such),
"scenarios-listed" (every scenarios/*.py is in ORDER, FULL or MAINLINE),
"bisect" (harness/bisectable.py: every commit of the series builds on
every machine) and "b4-check" (harness/b4check.py: b4 prep and a dry-run
b4 send of the series, offline).  A variant or scenario moves between
the tiers by one word.
"""

import contextlib
import os
import sys
import time
from functools import partial

from . import (b4check, bases, bench, bisectable, kunit, ktap, paths,
               scenario, steps)
from .variants import in_check


def _scenario(name, test, full=False):
    """Scenario NAME's boots (those of only(FULL) if the module says which
    boots the tier runs) as subtests of TEST."""
    import importlib
    try:
        mod = importlib.import_module('scenarios.' + name)
    except ModuleNotFoundError as e:
        if e.name != 'scenarios.' + name:
            raise
        test.check(False, name, 'scenarios/%s.py does not exist (yet): '
                   'listed in scenarios/__init__.py' % name)
        return
    only = mod.only(full) if hasattr(mod, 'only') else None
    if only is not None and not only:
        test.skip(name, 'its kernels are built in make check-full')
        return
    sub = scenario.run(mod, only)
    test.items.extend(sub.items)


def scenarios_listed(test):
    """check-full: every scenario file is in ORDER or FULL (_*.py are
    their helpers: _platform.py, the standard boot set of a machine)."""
    import scenarios
    here = os.path.dirname(scenarios.__file__)
    files = sorted(f[:-3] for f in os.listdir(here)
                   if f.endswith('.py') and not f.startswith('_'))
    listed = set(scenarios.ORDER) | set(scenarios.FULL) | \
        set(scenarios.MAINLINE)
    for name in files:
        test.check(name in listed, 'scenario %s listed' % name,
                   '' if name in listed else 'scenarios/%s.py is in neither '
                   'ORDER, FULL nor MAINLINE of scenarios/__init__.py' % name)


def plan(full=False):
    """The steps of make check of the base (paths.BASE); FULL: of make
    check-full.  A base without a series has only its stock kernels and
    their boots; the default base's make check also runs make check of
    every other base (step "base <name>", its KTAP nested), make
    check-full only its own."""
    b = paths.BASE
    kernels = [('kernel ' + v.name, partial(steps.kernel, v=v))
               for v in in_check(full)]
    p = [('deps', steps.deps),
         ('base', lambda t: steps.shell(t, 'base', 'base.sh'))]
    # the series: applied, saved back, exported and checked
    series = [('tree', lambda t: steps.single(t, 'tree',
                                              steps.overlay('tree'))),
              ('round trip', steps.round_trip),
              ('series', lambda t: steps.shell(t, 'series', 'series.sh')),
              ('checkpatch', lambda t: steps.shell(t, 'checkpatch',
                                                   'checkpatch.sh'))]
    if not b.series:
        p += kernels + [('stock', partial(_scenario, 'stock', full=full))]
    elif b.checks == 'v5':
        from scenarios import MAINLINE
        p += series + kernels + [('kunit', kunit.run)]
        p += [(name, partial(_scenario, name, full=full))
              for name in MAINLINE]
    else:
        from scenarios import FULL, ORDER
        p += series + [('harness-tests', steps.pytest)]
        p += kernels
        p += [('kunit', kunit.run),
              ('kselftest-build', steps.kselftest_build),
              ('kselftest-selfcheck', lambda t: steps.shell(
                  t, 'kselftest-selfcheck', 'kselftest-selfcheck.sh'))]
        p += [(name, partial(_scenario, name, full=full))
              for name in ORDER + (FULL if full else ())]
        p += [('pagealign-kconfig', steps.pagealign_kconfig),
              ('bench', lambda t: bench.run(t, check_only=True)),
              ('sparse', lambda t: steps.shell(t, 'sparse', 'crossbuild.sh',
                                               'x86_64', 'arm64')),
              ('crossbuild', lambda t: steps.shell(t, 'crossbuild',
                                                   'crossbuild.sh', 's390',
                                                   'powerpc', 'um')),
              ('qualitygate', lambda t: steps.shell(t, 'qualitygate',
                                                    'qualitygate.sh'))]
        if full:
            p += [('scenarios-listed', scenarios_listed),
                  ('bisect', bisectable.run),
                  ('b4-check', b4check.run)]
    if not full and b.name == bases.DEFAULT:
        p += [('base ' + o, partial(steps.other_base, name=o))
              for o in bases.BASES if o != b.name]
    return p


def captured(fn, test, name, keep=200):
    """Run FN(TEST) with fds 1 and 2 in the step's log, so that nothing
    but KTAP reaches our stdout; the last KEEP lines become diagnostics."""
    log = steps.logfile(name + '.out')
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, 'w+', buffering=1) as f:
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        try:
            with contextlib.redirect_stdout(f), contextlib.redirect_stderr(f):
                fn(test)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        f.seek(0)
        out = f.read().splitlines()
    if len(out) > keep:
        test.note('... %d lines, all in %s' % (len(out),
                                               os.path.relpath(log, paths.ROOT)))
    for line in out[-keep:]:
        test.note(line)


def _listed(var):
    return {s.strip() for s in os.environ.get(var, '').split(',')
            if s.strip()}


def main(full=False):
    skip, only = _listed('CHECK_SKIP'), _listed('CHECK_ONLY')
    full = full or os.environ.get('CHECK_FULL') == '1'
    p = plan(full=True) if full else plan()
    os.makedirs(paths.CHECK, exist_ok=True)
    doc = ['KTAP version 1', '1..%d' % len(p)]
    tests = []
    print('\n'.join(doc), flush=True)
    for n, (name, fn) in enumerate(p, 1):
        t = ktap.Test(name)
        if name in skip or (only and name not in only):
            t.skip(name, 'CHECK_SKIP' if name in skip else 'CHECK_ONLY')
        else:
            start = time.monotonic()
            try:
                captured(fn, t, name)
            except (Exception, SystemExit) as e:    # a harness bug
                t.check(False, '%s (harness error: %s: %s)' % (
                    name, type(e).__name__, e))
            t.note('%s: %.0f s' % (name, time.monotonic() - start))
            t.note('base %s: Linux %s (%s)' % (
                paths.BASE.name, paths.kernel_version(paths.PRISTINE) or '-',
                paths.pristine_source() or 'not made yet'))
        tests.append(t)
        block = t.lines(n)
        doc += block
        print('\n'.join(block), flush=True)
    with open(os.path.join(paths.CHECK, 'check.ktap'), 'w') as f:
        f.write('\n'.join(doc) + '\n')
    try:
        passed, failed = ktap.summary(doc)
    except SystemExit as e:     # no kunit_parser.py: no tree, no base
        print('# %s; counted by harness/ktap.py instead' % e)
        passed = sum(t.counts()[0] for t in tests)
        failed = sum(t.counts()[1] for t in tests) or (0 if passed else 1)
    print('%d passed, %d failed' % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
