# SPDX-License-Identifier: GPL-2.0
"""The series' KUnit suite with the kernel's own kunit.py.

drivers/pci/tests/.kunitconfig of the tree, first under UML, then on
x86_64 in QEMU (KUNIT_ARCHS; default "um x86_64", "um" for v5), build directories
build/kunit-<arch>.  The KTAP the kernel prints is nested as it is under
kunit-<arch>.  UML: kunit.py builds the kernel, which is then run with
the arguments kunit.py uses but with its console written to a file (UML
drops console output a pipe can't take at once, and the PCI core logs a
lot); the KTAP is taken from that file by kunit_parser.extract_tap_lines.
x86_64: `kunit.py exec --raw_output=kunit`, with fewer fuzzed values and
one bench repetition (X86_64_ARGS).  A failed build, a crash or a
run without any test case is a failure.  Env: KUNIT_KCONFIG_ADD (extra
options, space-separated), KUNIT_TIMEOUT (seconds, default 300).
"""

import os
import subprocess
import sys

from . import ktap, paths

KUNITCONFIG = 'drivers/pci/tests'
# Under QEMU TCG, the slow cases (KUNIT_SPEED_SLOW) run smaller: UML runs
# the full 100000 fuzzed values and the bench's 9 repetitions
X86_64_ARGS = 'pci_align_kunit.fuzz_values=20000 pci_align_kunit.bench_reps=1'


def build(build_dir, opts=(), tree=None):
    """kunit.py build of the .kunitconfig into BUILD_DIR; True on success
    (the output in BUILD_DIR/build.log)."""
    tree = tree or paths.TREE
    os.makedirs(build_dir, exist_ok=True)
    with open(os.path.join(build_dir, 'build.log'), 'w') as f:
        r = subprocess.run([sys.executable,
                            os.path.join(tree, 'tools/testing/kunit/kunit.py'),
                            'build', '--kunitconfig=' + KUNITCONFIG,
                            '--build_dir=' + build_dir,
                            '--jobs=%d' % (os.cpu_count() or 1),
                            '--make_options', 'CC=ccache gcc'] + list(opts),
                           cwd=tree, stdout=f, stderr=subprocess.STDOUT,
                           env=dict(os.environ, CCACHE_BASEDIR=paths.ROOT))
    return r.returncode == 0


def run_uml(build_dir, log, timeout, args=()):
    """Run the UML kernel of BUILD_DIR with kunit.py's arguments, its
    console written to LOG (see the docstring)."""
    with open(log, 'w') as f:
        subprocess.run(['timeout', str(timeout),
                        os.path.join(build_dir, 'linux'), 'kunit.enable=1',
                        'printk.time=1', 'mem=1G', 'console=tty',
                        'kunit_shutdown=halt'] + list(args),
                       stdin=subprocess.DEVNULL, stdout=f,
                       stderr=subprocess.STDOUT)
    subprocess.run(['stty', 'sane'], stdin=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def run_arch(test, arch):
    build_dir = os.path.join(paths.BUILD, 'kunit-' + arch)
    kunit = os.path.join(paths.KUNIT_TOOLS, 'kunit.py')
    timeout = os.environ.get('KUNIT_TIMEOUT', '300')
    opts = []
    for o in os.environ.get('KUNIT_KCONFIG_ADD', '').split():
        opts += ['--kconfig_add', o]
    if arch != 'um':
        opts += ['--arch', arch]
    if not build(build_dir, opts):
        test.check(False, 'kunit-%s build' % arch, 'log: %s' % os.path.relpath(
            os.path.join(build_dir, 'build.log'), paths.ROOT))
        return
    # not test.log: kunit.py writes the kernel's output there itself
    log = os.path.join(build_dir, 'pcialign.log')
    if arch == 'um':
        run_uml(build_dir, log, timeout)
    else:
        with open(log, 'w') as f, open(log + '.stderr', 'w') as e:
            subprocess.run([sys.executable, kunit, 'exec',
                            '--build_dir=' + build_dir, '--arch=' + arch,
                            '--timeout=' + timeout, '--raw_output=kunit',
                            '--kernel_args', 'printk.time=1',
                            '--kernel_args', X86_64_ARGS],
                           cwd=paths.TREE, stdout=f, stderr=e)
    ktap._kunit_parser()
    import kunit_parser
    with open(log, errors='replace') as f:
        lines = list(kunit_parser.extract_tap_lines(f))
    if not lines:
        test.check(False, 'kunit-%s' % arch, 'no KTAP in %s' %
                   os.path.relpath(log, paths.ROOT))
        return
    n = test.nest('kunit-' + arch, lines)
    if n.counts()[:2] == (0, 0):
        test.check(False, 'kunit-%s: no test case ran' % arch)


def run(test):
    """The suite on every arch of KUNIT_ARCHS.  Default: UML and x86_64
    for the v4 series; UML only for v5, whose suite is arch-independent
    math, and because 7.3's kunit.py asks QEMU for KVM first, which
    fails on this machine's /dev/kvm ("KVM internal error ... emulation
    failure") instead of falling back to TCG."""
    default = 'um x86_64' if paths.BASE.checks == 'v4' else 'um'
    for arch in os.environ.get('KUNIT_ARCHS', default).split():
        run_arch(test, arch)
