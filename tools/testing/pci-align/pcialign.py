#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""pcialign.py: the one entry point of the pci-align harness.

Every command works on the base BASE= names (harness/bases.py, default
6.12): its trees and outputs are build/<base>/ and out/<base>/.

  deps                     install the Debian packages (as root) and fetch
                           the package file of every base
  base                     unpack the pristine base into build/<base>/pristine
  tree | save              overlay <-> build/<base>/linux (harness/overlay.py)
  series | checkpatch      git format-patch into out/<base>/series | checkpatch
  b4check                  the series through b4 prep and b4 send -o
                           (offline dry run; harness/b4check.py), KTAP
  kernel [VARIANT...]      build guest kernels (default: those of make check)
  image-path [VARIANT]     print the path of a variant's image (arm64)
  machines | variants | bases   print the tables
  compare LOG STOCK_LOG    no parameter = stock: the checks of expect key
                           stock on two serial logs (BARs and windows,
                           devices and drivers, PCI core log lines), KTAP
  baseline                 the stock boots of the base as a Markdown table
                           (harness/baseline.py)
  boot VARIANT TOPOLOGY [APPEND]   boot once, print the BAR table
  run SCENARIO [BOOT...]   run a scenario (or some of its boots), KTAP;
      [--kernel V=OTHER]   the negative control: its boots on other kernels,
                           e.g. --kernel arm64=unfixed-arm64 (realloc)
  kunit                    the KUnit suite (UML, x86_64), KTAP
  demo                     make the tree and the demo's kernels if missing,
                           then run the demo scenario (a base without a
                           series: the stock boots of make check)
  check [--full]           everything, KTAP; last line "N passed, N failed"
  check-full               check, plus the kernels and scenarios of the
                           "full" tier and bisect (also: CHECK_FULL=1)
  bisect [MACHINE...]      build the touched objects at every commit of
                           the series, on every machine
                           (harness/bisectable.py)
  bench [--check]          the benchmark (harness/bench.py)

The Makefile's targets each run one of these.  See README.md beside this
file for the map of the harness.
"""

import importlib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from harness import (analyze, b4check, baseline, bases, bench,  # noqa: E402
                     bisectable, check, initramfs, kbuild, ktap, kunit,
                     paths, qemu, scenario, steps)
from harness.machines import MACHINES  # noqa: E402
from harness.variants import VARIANTS, in_check, variant  # noqa: E402


def sh(script, *args):
    return subprocess.run(['bash', os.path.join(paths.STEPS, script)] +
                          list(args), env=steps.env()).returncode


def report(t):
    """Print test T as a KTAP document and its closing line; the exit
    status: 1 if anything failed."""
    doc = ktap.document([t])
    print('\n'.join(doc))
    passed, failed = ktap.summary(doc)
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


def cmd_kernel(args):
    names = args or [v.name for v in in_check()]
    for n in names:
        print(kbuild.build(variant(n)))
    return 0


def cmd_boot(args):
    if len(args) < 2:
        raise SystemExit('usage: pcialign.py boot VARIANT TOPOLOGY [APPEND]')
    v = variant(args[0])
    append = args[2] if len(args) > 2 else ''
    log = os.path.join(paths.LOGS, 'boot', '%s-%s.log' % (v.name, args[1]))
    ended, secs = qemu.boot(v, args[1], append, log,
                            initramfs.build(v.mach))
    print('BOOT %s %s %.1fs %s' % (v.name, args[1], secs, log))
    if ended:
        print('\n'.join(analyze.Verdict(analyze.Run(log)).table(v.name)))
    return 0 if ended else 1


def cmd_run(args):
    """run SCENARIO [--kernel VARIANT=OTHER ...] [BOOT...]: with --kernel,
    the negative control on other kernels (scenario.negative())."""
    if not args:
        raise SystemExit('usage: pcialign.py run SCENARIO '
                         '[--kernel VARIANT=OTHER ...] [BOOT...]')
    mod = importlib.import_module('scenarios.' + args[0])
    kernels, only, rest = {}, set(), args[1:]
    while rest:
        a = rest.pop(0)
        if a == '--kernel' and rest:
            k, _, v = rest.pop(0).partition('=')
            kernels[variant(k).name] = variant(v).name
        else:
            only.add(a)
    if kernels:
        t = scenario.negative(mod, kernels, only or None)
    else:
        t = scenario.run(mod, only or None)
    return report(t)


def need_series(what):
    """Exit with a clear message on a base without a series."""
    if not paths.BASE.series:
        raise SystemExit('%s: the base %s has no series yet (harness/bases.py)'
                         % (what, paths.BASE.name))


def cmd_compare(args):
    if len(args) != 2:
        raise SystemExit('usage: pcialign.py compare LOG STOCK_LOG')
    from harness import expect
    t = ktap.Test('compare')
    run, ref = analyze.Run(args[0]), analyze.Run(args[1])
    expect.check(t, os.path.basename(args[0]), run, analyze.Verdict(run),
                 {'stock': 'stock'}, {'stock': ref})
    return report(t)


def cmd_demo(_):
    if not paths.BASE.series:
        if sh('base.sh'):
            return 1
        mod = importlib.import_module('scenarios.stock')
        names = mod.only(False)
        for name in dict.fromkeys(b.variant for b in mod.BOOTS
                                  if b.name in names):
            kbuild.build(variant(name))     # incremental
        return report(scenario.run(mod, names))
    if not os.path.isdir(os.path.join(paths.TREE, '.git')):
        if sh('base.sh') or subprocess.run(steps.overlay('tree'),
                                           env=steps.env()).returncode:
            return 1
    mod = importlib.import_module('scenarios.demo')
    for name in dict.fromkeys(b.variant for b in mod.BOOTS):
        kbuild.build(variant(name))         # incremental
    return cmd_run(['demo'])


def cmd_kunit(_):
    need_series('kunit')
    t = ktap.Test('kunit')
    kunit.run(t)
    return report(t)


def cmd_bench(args):
    need_series('bench')
    if args != ['--check']:
        for name in dict.fromkeys(bench.KERNEL.values()):
            kbuild.build(variant(name))     # incremental
    t = ktap.Test('bench')
    bench.run(t, check_only=args == ['--check'])
    return report(t)


def cmd_bisect(args):
    t = ktap.Test('bisect')
    bisectable.run(t, args or None)
    return report(t)


def cmd_b4check(_):
    t = ktap.Test('b4-check')
    b4check.run(t)
    return report(t)


def cmd_tables(what):
    if what == 'bases':
        for b in bases.BASES.values():
            print('%-5s %-18s %-17s %-10s %-8s %s%s' % (
                b.name, b.package + ('=' + b.version if b.version else ''),
                b.suite, 'series' if b.series else 'no series',
                paths.kernel_version(os.path.join(paths.ROOT, 'build', b.name,
                                                  'pristine')) or '-',
                b.facts, ' (default)' if b.name == bases.DEFAULT else ''))
        return 0
    if what == 'machines':
        for m in MACHINES.values():
            print('%-8s ARCH=%-7s CROSS=%-22s %-8s %s %s firmware=%s '
                  'console=%s cc=%s page=%d' % (
                      m.name, m.arch, m.cross or '-', m.image,
                      m.qemu or '(build only)', ' '.join(m.qemu_args),
                      m.firmware, m.console or '-', m.guest_cc,
                      m.page_size))
    else:
        for v in VARIANTS.values():
            print('%-15s %-7s %-6s %s  %s' % (
                v.name, v.machine, {True: 'check', 'full': 'full'}.get(
                    v.in_check, '-'),
                os.path.relpath(v.image, paths.ROOT), v.what))
    return 0


def main(argv):
    if not argv or argv[0] in ('-h', '--help', 'help'):
        print(__doc__)
        return 0
    cmd, args = argv[0], argv[1:]
    simple = {
        'deps': lambda a: 0 if steps.deps() else 1,
        'base': lambda a: sh('base.sh'),
        'tree': lambda a: sh('base.sh') or subprocess.run(
            steps.overlay('tree'), env=steps.env()).returncode,
        'save': lambda a: subprocess.run(steps.overlay('save'),
                                         env=steps.env()).returncode,
        'series': lambda a: sh('series.sh'),
        'checkpatch': lambda a: sh('checkpatch.sh'),
        'b4check': cmd_b4check,
        'kernel': cmd_kernel,
        'image-path': lambda a: print(variant(
            (a or ['arm64'])[0]).image) or 0,
        'machines': lambda a: cmd_tables('machines'),
        'variants': lambda a: cmd_tables('variants'),
        'bases': lambda a: cmd_tables('bases'),
        'baseline': lambda a: print('\n'.join(baseline.table())) or 0,
        'boot': cmd_boot,
        'compare': cmd_compare,
        'run': cmd_run,
        'kunit': cmd_kunit,
        'demo': cmd_demo,
        'check': lambda a: check.main(full='--full' in a),
        'check-full': lambda a: check.main(full=True),
        'bisect': cmd_bisect,
        'bench': cmd_bench,
    }
    if cmd not in simple:
        raise SystemExit('pcialign.py: unknown command %r (see --help)' % cmd)
    return simple[cmd](args)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
