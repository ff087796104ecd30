# SPDX-License-Identifier: GPL-2.0
"""The steps of `make check` that are not QEMU scenarios.

Each step function takes a ktap.Test and adds its results.  Shell steps
(steps/*.sh: base, series, checkpatch, crossbuild, qualitygate,
kselftest-selfcheck, bench) print KTAP result lines ("ok N name" /
"not ok N name", steps/lib.sh); shell() nests them, every other line of
their output becoming a diagnostic, and a step without results counts
as one result, its exit status.  All logs go to build/check/<step>.log.
"""

import os
import re
import shutil
import subprocess
import sys

from . import bases, kbuild, paths
from .machines import MACHINES, machine

RESULT_RE = re.compile(r'^(not ok|ok) \d+ (.*?)(?: # (SKIP)\b ?(.*))?$')
# Debian packages of the harness itself; the machines add theirs
PACKAGES = ('make', 'ccache', 'flex', 'bison', 'bc',
            'libelf-dev', 'libssl-dev', 'cpio', 'kmod', 'python3', 'perl',
            'git', 'xz-utils', 'rsync', 'gzip', 'sparse', 'qemu-utils',
            'busybox-static', 'gnuplot-nox', 'coccinelle', 'python3-sphinx',
            'python3-sphinx-rtd-theme', 'python3-ply', 'python3-git',
            'python3-pytest', 'binutils', 'b4')


def machines_env():
    """PCIALIGN_MACHINES for the shell steps: the machine table as words
    name:arch:srcarch:cross:defconfig (cross '-' for none)."""
    return ' '.join('%s:%s:%s:%s:%s' % (m.name, m.arch, m.srcarch,
                                        m.cross or '-', m.defconfig)
                    for m in MACHINES.values())


def env():
    b = paths.BASE
    e = dict(os.environ, PCI_ALIGN_ROOT=paths.ROOT, TREE=paths.TREE,
             BASE=b.name, PCIALIGN_BASE=b.name,
             PCIALIGN_BASE_PACKAGE=b.package,
             PCIALIGN_BASE_VERSION=b.version or '-',
             PCIALIGN_REROLL=str(b.reroll), PCIALIGN_COVER=b.cover,
             PCIALIGN_PARTS=' '.join(':'.join(map(str, p)) for p in b.parts),
             PCIALIGN_BASES=bases.env_words(), PCIALIGN_APT=paths.APT,
             PCIALIGN_TREES=paths.TREES,
             PCIALIGN_BUILD=paths.BUILD, PCIALIGN_PRISTINE=paths.PRISTINE,
             PCIALIGN_OUT=paths.OUT, PCIALIGN_MACHINES=machines_env(),
             PYTHONPATH=paths.HARNESS)
    e['KSRC'] = paths.KSRC
    return e


def logfile(name):
    os.makedirs(paths.CHECK, exist_ok=True)
    return os.path.join(paths.CHECK, re.sub(r'[^A-Za-z0-9_.-]', '_', name) +
                        '.log')


def run_logged(test, name, cmd, **kw):
    """Run CMD with its output in the step's log; True on success."""
    log = logfile(name)
    with open(log, 'w') as f:
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                           env=kw.pop('env', env()), **kw)
    if r.returncode:
        with open(log, errors='replace') as f:
            tail = f.read().splitlines()[-25:]
        test.note('\n'.join('  | ' + t for t in tail))
        test.note('(full log: %s)' % os.path.relpath(log, paths.ROOT))
    return r.returncode == 0


def single(test, name, cmd, **kw):
    """A step that is one result: its exit status."""
    test.check(run_logged(test, name, cmd, **kw), name)


def shell(test, name, script, *args):
    """A shell step printing KTAP results; see the docstring."""
    log = logfile(name)
    with open(log, 'w') as f:
        r = subprocess.run(['bash', os.path.join(paths.STEPS, script)] +
                           list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=env(), text=True,
                           errors='replace')
        f.write(r.stdout)
    seen = 0
    failed = False
    for line in r.stdout.splitlines():
        m = RESULT_RE.match(line)
        if not m:
            test.note(line)
            continue
        seen += 1
        if m.group(3):
            test.skip(m.group(2), m.group(4))
        else:
            ok = m.group(1) == 'ok'
            failed |= not ok
            test.check(ok, m.group(2))
    if r.returncode and not failed:
        test.check(False, '%s (exit status %d)' % (name, r.returncode),
                   '(full log: %s)' % os.path.relpath(log, paths.ROOT))
    elif not seen:
        test.check(r.returncode == 0, name)


# -- steps --------------------------------------------------------------
def deps(test=None, only_kernel=False):
    """Install the missing Debian packages (as root)."""
    want = list(PACKAGES)
    for m in MACHINES.values():
        if m.qemu or not only_kernel:
            want += m.packages
    want +=  os.environ.get('DEPS_EXTRA', '').split()
    missing = []
    for p in dict.fromkeys(want):
        r = subprocess.run(['dpkg-query', '-W', '-f=${Status}', p],
                           capture_output=True, text=True)
        if r.stdout != 'install ok installed':
            missing.append(p)
    ok = True
    if missing:
        print('>>> installing: ' + ' '.join(missing), file=sys.stderr)
        sudo = [] if os.geteuid() == 0 else ['sudo']
        subprocess.run(sudo + ['apt-get', 'update', '-q'])
        ok = subprocess.run(sudo + ['env', 'DEBIAN_FRONTEND=noninteractive',
                                    'apt-get', 'install', '-y', '-q',
                                    '--no-install-recommends'] + missing
                            ).returncode == 0
    # the package file of every base (steps/base.sh --fetch)
    if not paths.KSRC:
        fetched = subprocess.run(['bash', os.path.join(paths.STEPS, 'base.sh'),
                                  '--fetch'], env=env()).returncode == 0
        if not fetched:
            missing.append('(the package file of a base: steps/base.sh '
                           '--fetch failed)')
        ok = ok and fetched
    if test is not None:
        test.check(ok, 'deps', ' '.join(missing))
    return ok


def overlay(*args):
    return [sys.executable, os.path.join(paths.HARNESS, 'harness',
                                         'overlay.py')] + list(args)


def round_trip(test):
    name = 'round trip'
    if run_logged(test, name, overlay('save')):
        ok = run_logged(test, name + ' (repo-status)', overlay('repo-status'))
        test.check(ok, name, '' if ok else 'make save changed overlay files: '
                   'the series does not round-trip through make tree && '
                   'make save')
    else:
        test.check(False, name, 'make save failed')


def kernel(test, v):
    name = 'kernel ' + v.name
    log = logfile(name)
    with open(log, 'w') as f:
        try:
            kbuild.build(v, f)
            ok = True
        except (SystemExit, subprocess.CalledProcessError) as e:
            f.write('error: %s\n' % e)
            ok = False
    if not ok:
        with open(log, errors='replace') as f:
            test.note('\n'.join('  | ' + t for t in
                                f.read().splitlines()[-25:]))
    test.check(ok, name)


def pytest(test):
    """The harness's own tests (tests/, Debian's python3-pytest)."""
    log = logfile('harness-tests')
    exe = '/usr/bin/python3'
    r = subprocess.run([exe, '-m', 'pytest', '-q', '-rA', '-p',
                        'no:cacheprovider', os.path.join(paths.HARNESS,
                                                         'tests')],
                       capture_output=True, text=True, env=env())
    with open(log, 'w') as f:
        f.write(r.stdout + r.stderr)
    seen = 0
    for line in r.stdout.splitlines():
        m = re.match(r'^(PASSED|FAILED|ERROR|SKIPPED) (\S+)', line)
        if m:
            seen += 1
            if m.group(1) == 'SKIPPED':
                test.skip(m.group(2))
            else:
                test.check(m.group(1) == 'PASSED', m.group(2))
    if not seen or r.returncode not in (0, 1):
        test.check(False, 'pytest', (r.stdout + r.stderr)[-2000:])


def kselftest_build(test):
    """selftests/pci built static for every bootable machine, with the
    selftests' own lib.mk into build/kselftest/<machine>/pci."""
    src = os.path.join(paths.TREE, 'tools/testing/selftests/pci')
    host = os.uname().machine
    for m in MACHINES.values():
        if not m.qemu:
            continue
        out = paths.kselftest(m.name)
        os.makedirs(out, exist_ok=True)
        cross = '' if not m.cross or m.cross.startswith(host) else m.cross
        name = 'kselftest-build %s' % m.name
        ok = run_logged(test, name, [
            'make', '-B', '-C', src, 'OUTPUT=' + out, 'ARCH=' + m.arch,
            'CROSS_COMPILE=' + cross, 'USERLDFLAGS=-static'])
        binary = os.path.join(out, 'bar_alignment')
        if ok and not os.access(binary, os.X_OK):
            test.note('%s was not built' % binary)
            ok = False
        if ok:
            r = subprocess.run(['readelf', '-d', binary], capture_output=True,
                               text=True)
            ok = r.returncode == 0 and '(NEEDED)' not in r.stdout
        test.check(ok, name)


def pagealign_kconfig(test):
    """helpnewconfig lists CONFIG_PCI_PAGE_ALIGN_BARS and --enable keeps
    it, on the pristine defconfig of x86_64, arm64 and um (um: plus
    KUnit's arch_uml.config, which enables PCI)."""
    opt = 'CONFIG_PCI_PAGE_ALIGN_BARS'
    for name in ('x86_64', 'arm64', 'um'):
        m = machine(name)
        base = os.path.join(paths.BUILD, 'kconfig', name + '-base')
        new = os.path.join(paths.BUILD, 'kconfig', name)
        for d in (base, new):
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
        q = dict(quiet=True, cc=False, capture_output=True, text=True)
        if kbuild.kmake(m, paths.PRISTINE, base, 'defconfig', **q).returncode:
            test.check(False, 'kconfig-%s-defconfig' % name)
            continue
        if name == 'um':
            with open(os.path.join(base, '.config'), 'a') as f:
                f.write(open(os.path.join(
                    paths.TREE, 'tools/testing/kunit/configs/'
                    'arch_uml.config')).read())
            kbuild.kmake(m, paths.PRISTINE, base, 'olddefconfig', **q)
        cfg = open(os.path.join(base, '.config')).read()
        if not re.search(r'^CONFIG_PCI=y$', cfg, re.M):
            test.check(False, 'kconfig-%s-base-has-PCI' % name)
            continue
        shutil.copy(os.path.join(base, '.config'), os.path.join(new, '.config'))
        r = kbuild.kmake(m, paths.TREE, new, 'helpnewconfig', **q)
        help_ = r.stdout + r.stderr
        block = re.search(r'^%s:.*?(?=^-----|\Z)' % opt, help_, re.M | re.S)
        if block:
            test.note('\n'.join('  | ' + x for x in
                                block.group(0).splitlines()[:12]))
        test.check(block and 'XSA-461' in help_ and
                   'resource_alignment=off' in help_,
                   'kconfig-%s-helpnewconfig' % name)
        subprocess.run([os.path.join(paths.TREE, 'scripts/config'), '--file',
                        os.path.join(new, '.config'), '--enable',
                        'PCI_PAGE_ALIGN_BARS'], check=False)
        kbuild.kmake(m, paths.TREE, new, 'olddefconfig', **q)
        cfg = open(os.path.join(new, '.config')).read()
        test.check(re.search('^%s=y$' % opt, cfg, re.M),
                   'kconfig-%s-enable' % name)


def other_base(test, name):
    """make check of base NAME (harness/bases.py): pcialign.py check with
    BASE=NAME, its KTAP nested as it is.  TREE, KSRC and BASE_VERSION
    name trees of this base, so the other base's check runs without them."""
    e = {k: v for k, v in os.environ.items()
         if k not in ('TREE', 'KSRC', 'BASE_VERSION')}
    e['BASE'] = name
    log = logfile('base-' + name)
    r = subprocess.run([sys.executable, os.path.join(paths.HARNESS,
                                                     'pcialign.py'), 'check'],
                       env=e, stdout=subprocess.PIPE, text=True,
                       errors='replace')
    with open(log, 'w') as f:
        f.write(r.stdout)
    lines = r.stdout.splitlines()
    if lines and re.match(r'^\d+ passed, \d+ failed$', lines[-1]):
        lines.pop()
    if not lines or not lines[0].startswith('KTAP version'):
        test.check(False, 'base %s' % name, 'no KTAP (%s)' %
                   os.path.relpath(log, paths.ROOT))
        return
    test.nest('base-' + name, lines)
