# SPDX-License-Identifier: GPL-2.0
"""bisect: every commit of the series builds, on every machine.

A series must be bisectable: each commit compiles on its own.  For every
commit of TREE's series (`git log base..HEAD`, base: the tag "base" or
the single root commit, as steps/lib.sh's base_commit()), oldest first,
and for every machine of harness/machines.py (bootable and build-only),
build the objects of the .c files the series touches (`git diff
--name-only base..HEAD`, under drivers/, kernel/, lib/ and
arch/<srcarch>/) that exist at that commit and that the machine's
configuration compiles.  One KTAP test per commit, one subtest per
machine; a build error fails it, compiler warnings are diagnostics.

The commits are checked out in a worktree of TREE (build/bisect/src,
detached; TREE itself is not touched), removed at the end.  Each build
configuration has one out-of-tree directory, build/bisect/<machine>,
configured once as steps/crossbuild.sh does (the machine's defconfig +
PCI, PCI_IOV, PCI_PAGE_ALIGN_BARS, KUNIT, PCI_ALIGN_KUNIT_TEST, VFIO,
VFIO_PCI; um: its virtio PCI); machines with the same ARCH, compiler, defconfig and make
arguments share it (x86_64, x86_64-ovmf, x86_64-pc; s390x and s390;
ppc64 and powerpc).  That configuration is kept as a seed and made
again with olddefconfig at the first commit and whenever a commit
changes a Kconfig file, so that an option appears at the commit that
adds it.  Going from one commit to the next, make rebuilds what the
commit changed; ccache (CC and HOSTCC) makes the rebuilds after the
worktree is created again cheap.

Which objects a configuration compiles is read from the Makefiles
(kbuild's obj-<cond>, composite and $(var-y) lists, and the listing of
each directory in its parent or the arch Makefile) against .config, at
each commit: `make dir/x.o` alone would compile any x.c of a directory
that is built, option or not.  Conditionals (ifdef, ifeq) are not
evaluated: such an object counts as compiled.  The others are reported
as not compiled, not built; a touched file that does not exist yet at a
commit is left out.  The make output of every build is in
build/bisect/bisect.log.
"""

import fcntl
import os
import re
import shutil
import subprocess
import sys
import time

from . import kbuild, paths
from .machines import MACHINES

WORK = os.path.join(paths.BUILD, 'bisect')
SRC = os.path.join(WORK, 'src')
LOG = os.path.join(WORK, 'bisect.log')
# crossbuild.sh's options: the series' code, its KUnit test, vfio-pci
# (where the architecture has it: olddefconfig drops it elsewhere)
OPTIONS = ('PCI', 'PCI_IOV', 'PCI_PAGE_ALIGN_BARS', 'KUNIT',
           'PCI_ALIGN_KUNIT_TEST', 'VFIO', 'VFIO_PCI')
UM_OPTIONS = ('VIRTIO_UML', 'UML_PCI_OVER_VIRTIO')
NORULE_RE = re.compile(r"(?:No rule to make target|Nothing to be done for) "
                       r"'([^']+\.o)'")
# compiler warnings; not those of prepare's checksyscalls.sh (<stdin>),
# repeated by every make
WARN_RE = re.compile(r'^(?!<stdin>:).*\bwarning:')
ERROR_RE = re.compile(r'\berror:|\*\*\* ')


def git(tree, *args, check=True):
    return subprocess.run(['git', '-C', tree] + list(args), check=check,
                          capture_output=True, text=True).stdout.strip()


def base_commit(tree):
    """The tag "base", else the single root commit (steps/lib.sh)."""
    r = subprocess.run(['git', '-C', tree, 'rev-parse', '-q', '--verify',
                        'refs/tags/base^{commit}'], capture_output=True,
                       text=True)
    if r.returncode == 0:
        return r.stdout.strip()
    roots = git(tree, 'rev-list', '--max-parents=0', 'HEAD').split()
    if len(roots) != 1:
        raise SystemExit('%s: no tag "base" and %d root commits' % (
            tree, len(roots)))
    return roots[0]


# obj-y, obj-$(CONFIG_X), foo-objs, lib-y, ... [:+]= words
ASSIGN_RE = re.compile(r'^\s*([\w.-]+?)-'
                       r'(\$\((CONFIG_\w+)\)|y|m|objs|\$\([^)]*\))'
                       r'\s*[:+]?=(.*)$')


class Kbuild:
    """What a configuration compiles, read from the Makefiles of a
    source tree (see the docstring)."""

    def __init__(self, src, config, srcarch):
        self.src, self.srcarch = src, srcarch
        self.config = dict(re.findall(r'^(CONFIG_\w+)=(.*)$', config, re.M))
        self.lines = {}

    def assignments(self, path, names=('Kbuild', 'Makefile')):
        """[(lhs, condition true, words)] of a directory's Kbuild, else
        its Makefile."""
        if (path, names) not in self.lines:
            text = ''
            for name in names:
                f = os.path.join(self.src, path, name) if path else \
                    os.path.join(self.src, name)
                if os.path.isfile(f):
                    text = open(f, errors='replace').read()
                    break
            text = text.replace('\\\n', ' ')
            out = []
            for line in text.splitlines():
                m = ASSIGN_RE.match(line)
                if not m:
                    continue
                cond = m.group(3)
                on = self.config.get(cond) in ('y', 'm') if cond else True
                out.append((m.group(1), on, m.group(4).split()))
            self.lines[path, names] = out
        return self.lines[path, names]

    def dir_built(self, d, seen=()):
        if '/' not in d or d == 'arch/' + self.srcarch:
            return True
        if d in seen:
            return False
        parent, base = os.path.split(d)
        for lhs, on, words in self.assignments(parent):
            if on and base + '/' in words and lhs in ('obj', 'lib') and \
                    self.dir_built(parent, seen + (d,)):
                return True
        if d.startswith('arch/%s/' % self.srcarch):
            # core-y, drivers-$(CONFIG_PCI), libs-y of the arch Makefile
            for lhs, on, words in self.assignments('arch/' + self.srcarch,
                                                   ('Makefile',)):
                if on and d + '/' in words:
                    return True
        return False

    def compiled(self, obj):
        d, name = os.path.split(obj)
        return self._word(d, name, ())

    def _word(self, d, word, seen):
        if word in seen:
            return False
        for lhs, on, words in self.assignments(d):
            if not on or word not in words:
                continue
            if lhs in ('obj', 'lib'):
                if self.dir_built(d):
                    return True
            elif self._word(d, '$(%s-y)' % lhs, seen + (word,)) or \
                    self._word(d, lhs + '.o', seen + (word,)):
                return True
        return False


def candidates(tree, base, head, srcarch):
    """The .o of every .c file base..HEAD touches that belongs to
    SRCARCH (crossbuild.sh's filter)."""
    files = git(tree, 'diff', '--name-only', base, head, '--', '*.c').split()
    want = re.compile(r'^(arch/%s/|drivers/|kernel/|lib/)' %
                      re.escape(srcarch))
    return [f[:-2] + '.o' for f in files if want.match(f)]


class Build:
    """One configured build directory, shared by the machines with the
    same ARCH, compiler, defconfig and make arguments."""

    def __init__(self, mach):
        self.mach = mach
        self.machines = [mach.name]
        self.out = os.path.join(WORK, mach.name)
        self.seed = os.path.join(self.out, 'pci-align-bisect.seed')
        self.compiled = {}          # object -> False: not compiled
        self.error = ''             # configuration failed: why

    @staticmethod
    def key(m):
        return (m.arch, m.cross, m.defconfig, m.make_args)

    def make(self, log, *args):
        log.write('$ make O=%s ARCH=%s %s\n' % (
            os.path.relpath(self.out, paths.ROOT), self.mach.arch,
            ' '.join(args)))
        log.flush()
        r = kbuild.kmake(self.mach, SRC, self.out, 'HOSTCC=ccache gcc',
                         *args, quiet=True, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True,
                         errors='replace', stdin=subprocess.DEVNULL)
        log.write(r.stdout)
        return r.returncode, r.stdout

    def configure(self, log):
        """The seed: defconfig + OPTIONS, made once."""
        os.makedirs(self.out, exist_ok=True)
        if os.path.isfile(self.seed) and all(
                re.search(r'^CONFIG_%s=' % o, open(self.seed).read(), re.M)
                for o in OPTIONS):
            return True
        rc, out = self.make(log, self.mach.defconfig)
        if rc:
            self.error = '%s failed: %s' % (self.mach.defconfig,
                                            out.strip()[-300:])
            return False
        opts = OPTIONS + (UM_OPTIONS if self.mach.arch == 'um' else ())
        cfg = os.path.join(self.out, '.config')
        args = [os.path.join(SRC, 'scripts/config'), '--file', cfg]
        for o in opts:
            args += ['--enable', o]
        subprocess.run(args, check=True)
        shutil.copy(cfg, self.seed)
        return True

    def sync(self, log):
        """The seed again, resolved by this commit's Kconfig."""
        shutil.copy(self.seed, os.path.join(self.out, '.config'))
        rc, out = self.make(log, 'olddefconfig')
        if rc:
            self.error = 'olddefconfig failed: %s' % out.strip()[-300:]
            return False
        return True

    def build(self, log, objs):
        """Build OBJS (those existing at this commit); returns (ok,
        built, not compiled, warnings, errors).  The objects under arch/
        are built by a make of their own, one job: a directory that the
        arch Makefile lists itself (x86: drivers-y += arch/x86/pci/) is
        also reached through arch/<srcarch>/, and two jobs would build
        the same object at once (a lost .d, a torn .cmd)."""
        ok, built, warnings, errors = True, [], [], []
        with open(os.path.join(self.out, '.config')) as f:
            kb = Kbuild(SRC, f.read(), self.mach.srcarch)
        # at this commit, with this configuration
        self.compiled = {o: None if kb.compiled(o) else False for o in objs}
        arch = [o for o in objs if o.startswith('arch/')]
        for group, jobs in ((arch, '-j1'),
                            ([o for o in objs if o not in arch],
                             kbuild.jobs())):
            g = self._make(log, group, jobs)
            ok &= g[0]
            built += g[1]
            warnings += g[2]
            errors += g[3]
        nots = [o for o in objs if self.compiled.get(o) is False]
        return ok, built, nots, warnings, errors

    def _make(self, log, objs, jobs):
        targets = [o for o in objs if self.compiled.get(o) is not False]
        out = ''
        rc = 0
        for _ in range(2):
            if not targets:
                break
            rc, out = self.make(log, '-k', jobs, *targets)
            norule = set(NORULE_RE.findall(out)) & set(targets)
            for o in norule:
                self.compiled[o] = False
            if not rc or not norule:
                break
            # the make failed because of them (or not): again without
            targets = [o for o in targets if o not in norule]
        if not rc:
            for o in targets:
                self.compiled[o] = True
        lines = out.splitlines()
        warnings = [x for x in lines if WARN_RE.search(x)]
        errors = [x for x in lines if ERROR_RE.search(x) and
                  not NORULE_RE.search(x)]
        if rc and not errors:
            errors = lines[-20:] or ['make: exit status %d' % rc]
        return rc == 0, targets, warnings, errors


def builds(names=None):
    """The build directories of the machines NAMES (default: all)."""
    out = {}
    for m in MACHINES.values():
        if names and m.name not in names:
            continue
        k = Build.key(m)
        if k in out:
            out[k].machines.append(m.name)
        else:
            out[k] = Build(m)
    return list(out.values())


def remove_worktree(tree):
    """Unregister the worktree at once; its files (an ext4 mounted with
    "discard" takes minutes to unlink a kernel tree) are moved aside and
    removed in the background (rm -rf build/bisect/.old-*)."""
    if os.path.lexists(SRC):
        old = os.path.join(WORK, '.old-%d-%d' % (os.getpid(),
                                                 time.monotonic_ns()))
        os.rename(SRC, old)
    subprocess.run(['git', '-C', tree, 'worktree', 'prune'],
                   capture_output=True)
    trash = [os.path.join(WORK, d) for d in os.listdir(WORK)
             if d.startswith('.old-')] if os.path.isdir(WORK) else []
    if trash:
        subprocess.Popen(['rm', '-rf'] + trash, start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)


def info(msg):
    print('>>> ' + msg, file=sys.stderr, flush=True)


def run(test, names=None, tree=None):
    """Add one subtest per commit of TREE's series to TEST; NAMES: only
    these machines."""
    tree = tree or paths.TREE
    start = time.monotonic()
    if names:
        unknown = [n for n in names if n not in MACHINES]
        if unknown:
            raise SystemExit('bisect: unknown machine(s) %s (machines: %s)'
                             % (' '.join(unknown), ' '.join(MACHINES)))
    base = base_commit(tree)
    commits = git(tree, 'rev-list', '--reverse', base + '..HEAD').split()
    if not commits:
        test.check(False, 'bisect', 'no commit in %s base..HEAD' % tree)
        return
    head = commits[-1]
    bs = builds(names)
    test.note('%d commits of %s (%s..%s), %d machines in %d build '
              'directories (build/bisect/)' % (
                  len(commits), os.path.relpath(tree, paths.ROOT),
                  base[:12], head[:12], sum(len(b.machines) for b in bs),
                  len(bs)))
    os.makedirs(WORK, exist_ok=True)
    lock = open(os.path.join(WORK, '.lock'), 'w')
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        test.check(False, 'bisect', 'another bisect is running (it holds '
                   'build/bisect/.lock)')
        return
    try:
        remove_worktree(tree)
        t0 = time.monotonic()
        git(tree, 'worktree', 'add', '--detach', SRC, commits[0])
        test.note('worktree %s at %s: %.0f s' % (
            os.path.relpath(SRC, paths.ROOT), commits[0][:12],
            time.monotonic() - t0))
        with open(LOG, 'w') as log:
            _commits(test, bs, tree, base, commits, log)
    finally:
        remove_worktree(tree)
        lock.close()
    test.note('bisect: %d commits x %d machines: %.0f s' % (
        len(commits), sum(len(b.machines) for b in bs),
        time.monotonic() - start))


def _commits(test, bs, tree, base, commits, log):
    objs = {id(b): candidates(tree, base, commits[-1], b.mach.srcarch)
            for b in bs}
    for b in bs:
        if not shutil.which(b.mach.cross + 'gcc'):
            b.error = 'no %sgcc (pcialign.py deps)' % b.mach.cross
        elif not b.configure(log):
            info('%s: %s' % (b.mach.name, b.error))
    prev = None
    for n, c in enumerate(commits, 1):
        subject = git(tree, 'log', '-1', '--format=%s', c)
        t = test.sub('%02d %s %s' % (n, c[:12], subject))
        git(SRC, 'checkout', '-q', '--detach', c)
        changed = git(tree, 'diff', '--name-only', prev or base, c).split()
        kconfig = prev is None or any(
            os.path.basename(f).startswith('Kconfig') for f in changed)
        info('bisect %d/%d %s %s' % (n, len(commits), c[:12], subject))
        log.write('\n=== %d/%d %s %s\n' % (n, len(commits), c[:12],
                                          subject))
        t0 = time.monotonic()
        for b in bs:
            _one(t, b, objs[id(b)], kconfig, log)
        t.note('%s: %.0f s' % (c[:12], time.monotonic() - t0))
        prev = c


def _one(t, b, objs, kconfig, log):
    step = time.monotonic()
    others = ', '.join(b.machines[1:])
    if not b.error and kconfig:
        b.sync(log)
    if b.error:
        for name in b.machines:
            t.check(False, name, b.error)
        return
    present = [o for o in objs if os.path.isfile(
        os.path.join(SRC, o[:-2] + '.c'))]
    ok, built, nots, warnings, errors = b.build(log, present)
    lines = ['%s (%s%s): %d objects %s in %.0f s: %s' % (
        b.mach.name, b.mach.defconfig, ', also ' + others if others else '',
        len(built), 'built' if ok else 'NOT built',
        time.monotonic() - step, ' '.join(built) or '-')]
    if nots:
        lines.append('  not compiled by this configuration: ' +
                     ' '.join(nots))
    if warnings:
        lines.append('  %d warnings (not a failure):' % len(warnings))
        lines += ['  | ' + w for w in warnings[:10]]
    if not ok:
        lines += ['  | ' + e for e in errors[-20:]]
    if ok and not built:
        ok = False
        lines.append('  no touched object is compiled by this '
                     'configuration')
    detail = '\n'.join(lines)
    for name in b.machines:
        t.check(ok, name, detail if name == b.mach.name else
                'same build as %s' % b.mach.name)
