# SPDX-License-Identifier: GPL-2.0
"""b4-check: the series as Debian's b4 (0.12) would send it, offline.

b4 0.12 has no `b4 prep --check` and no `--check-deps` (b4 0.14 added
both: --check pipes each patch to `scripts/checkpatch.pl -q --terse
--no-summary --mailback --showfile`, without --strict).  What b4 0.12
does for a series without the network is prep and a dry-run send; this
step runs them on a throw-away clone and checks what they produce:

  1. `git clone --no-local` of TREE into a temporary directory under
     /tmp, objects of the base borrowed from build/base-git (make tree's
     cache of the base, harness/overlay.py) so that only the series is
     copied; sparse (the top-level files and scripts/: b4 needs
     scripts/get_maintainer.pl and MAINTAINERS, cherry-pick and
     filter-repo need no other file).  TREE is only read.
  2. `b4 prep -e <base>` on a branch at TREE's HEAD (base: the tag
     "base", as steps/lib.sh's base_commit()): b4's empty cover letter
     commit before the series' commits (cherry-picked).
  3. `b4 prep --edit-cover` with core.editor copying the cover letter of
     `make series` (steps/cover-letter.txt: line 1 the subject, then the
     blurb), or the placeholder subject PLACEHOLDER if that file is
     missing, followed by the Signed-off-by: trailer that b4's default
     cover letter ends with (b4_cover()).
  4. `b4 prep --auto-to-cc`: To/Cc trailers on the cover letter from
     b4's own get_maintainer.pl commands (--nogit ...; plus --no-tree:
     the clone is sparse).
  5. `b4 prep --show-info`: b4 tracks exactly base..HEAD.
  6. `b4 prep --check`, where the installed b4 has it (not 0.12: skipped).
  7. `b4 send -o build/b4-check/messages --no-sign`: -o forces the dry
     run; sendemail.smtpserver is set to /bin/false (no message can
     leave, and b4 does not pick its web endpoint, which needs a patatt
     key); the messages stay in build/b4-check/ to be read.
  8. The cover letter as b4 would send it still has cover-letter.txt's
     text, line for line, in its place.
  9. One result per patch, "b4-check <subject>": b4's message for that
     commit (patch_verdict()) has its subject, recipients, and gives
     back the commit exactly: `git mailinfo` + `git apply --cached` onto
     the commit's parent tree give its tree, its author and its message
     (not the author date: b4's Date: is the time of sending).

git and b4 run without the user's global and system git configuration
(the identity is the author of TREE's HEAD commit, in the clone's
config); the output of every command is in build/check/b4-check.log.
checkpatch --strict (make checkpatch) stays the style gate and git
format-patch (make series) the export; this step adds what b4 does.
"""

import email
import email.policy
import email.utils
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time

from . import paths, steps
from .bisectable import base_commit

COVER = os.path.join(paths.STEPS, 'cover-letter.txt')   # as series.sh
PLACEHOLDER = 'PCI: Align small BARs'
BASE_GIT = paths.base_git()   # overlay.py BASE_CACHE
OUT = os.path.join(paths.BUILD, 'b4-check')
MESSAGES = os.path.join(OUT, 'messages')
BRANCH = 'b4-check'
# b4 0.12's default get_maintainer.pl options (b4/ez.py auto_to_cc())
GETM_OPTS = '--nogit --nogit-fallback --nogit-chief-penguins --norolestats'
SUBJECT_RE = re.compile(r'^\[(?:[^\]]*\s)?(\d+)/(\d+)\]\s*(.*)$', re.S)
TRAILER_RE = re.compile(r'^[\w-]+:\s')


def env(extra=None):
    """git and b4 without the user's and the system's git configuration
    (the clone's own config is all they read) and with caches of their
    own; no GIT_* variable of the caller."""
    e = {k: v for k, v in os.environ.items() if not k.startswith('GIT_')}
    e.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM='1',
             LC_ALL='C.UTF-8')
    e.update(extra or {})
    return e


def git(repo, *args, check=True, **kw):
    r = subprocess.run(['git', '-C', repo] + list(args), capture_output=True,
                       text=True, env=kw.pop('env', env()), **kw)
    if check and r.returncode:
        raise subprocess.CalledProcessError(r.returncode, r.args, r.stdout,
                                            r.stderr)
    return r.stdout.strip()


# -- parsing b4's output (tests/test_b4check.py) -------------------------
def parse_show_info(text):
    """`b4 prep --show-info`: ({key: value}, [(short, subject)], the
    commits newest first as b4 prints them)."""
    info, commits = {}, []
    for line in text.splitlines():
        key, sep, value = line.partition(': ')
        if not sep:
            continue
        if key.startswith('commit-'):
            commits.append((key[len('commit-'):], value))
        else:
            info[key] = value
    return info, commits


def parse_message(data):
    """One message of `b4 send -o`: {counter, total, subject, to, cc,
    body}; counter and total None without "[PATCH n/m]"."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    subject = ' '.join(str(msg.get('Subject', '')).split())
    m = SUBJECT_RE.match(subject)
    part = msg.get_body(('plain',)) or msg
    return {
        'counter': int(m.group(1)) if m else None,
        'total': int(m.group(2)) if m else None,
        'subject': m.group(3) if m else subject,
        'to': [a for _, a in email.utils.getaddresses(
            [str(v) for v in msg.get_all('To', [])]) if a],
        'cc': [a for _, a in email.utils.getaddresses(
            [str(v) for v in msg.get_all('Cc', [])]) if a],
        'body': part.get_content() if part.get_content_type() ==
        'text/plain' else '',
    }


def cover_text(path=COVER):
    """(subject, blurb, where they came from).  cover-letter.txt: line 1
    the subject, the rest the blurb, as steps/series.sh reads it;
    without it the placeholder subject PLACEHOLDER."""
    if not os.path.isfile(path):
        rel = os.path.relpath(path, paths.ROOT)
        return (PLACEHOLDER, 'No cover letter yet (%s is missing).' % rel,
                'placeholder subject "%s" (no %s)' % (PLACEHOLDER, rel))
    with open(path, encoding='utf-8') as f:
        subject, _, blurb = f.read().partition('\n')
    return subject.strip(), blurb.strip('\n'), os.path.relpath(path,
                                                               paths.ROOT)


def b4_cover(subject, blurb, name, mail):
    """The cover letter in b4's form: subject, blank line, blurb, and the
    Signed-off-by: trailer that b4's default cover letter ends with (the
    paragraph --auto-to-cc adds its To:/Cc: to; without one, b4 0.12
    takes the last paragraph's "word: ..." lines for trailers and moves
    them below its To:/Cc:)."""
    return '%s\n\n%s\n\nSigned-off-by: %s <%s>\n' % (subject, blurb, name,
                                                       mail)


def cover_diff(blurb, body):
    """None if BODY (b4's cover letter message) has the lines of BLURB in
    order, one after the other; else what differs, first."""
    want = [x.rstrip() for x in blurb.strip('\n').splitlines()]
    got = [x.rstrip() for x in body.splitlines()]
    if not want:
        return None
    if want[0] not in got:
        return 'the first line of the text is not in it: %r' % want[0]
    at = got.index(want[0])
    for i, line in enumerate(want):
        if at + i < len(got) and got[at + i] == line:
            continue
        have = got[at + i] if at + i < len(got) else '(end of message)'
        out = 'line %d of the blurb, %r, is not where the blurb has ' \
              'it: the message has %r' % (i + 1, line, have)
        if line in got[at + i:]:
            out += '; it is %d lines further down' % (
                got.index(line, at + i) - at - i)
        if TRAILER_RE.match(line):
            out += ' (it looks like a "Name: value" trailer to b4, which ' \
                   'moves such lines of the last paragraph with its To:/Cc:)'
        return out
    return None


def norm(text):
    """A commit message as git compares them: lines without trailing
    blanks, no leading or trailing blank lines."""
    return '\n'.join(x.rstrip() for x in text.strip('\n').splitlines())


def patch_verdict(repo, commit, data):
    """What is wrong with DATA, b4's message for COMMIT of REPO (empty:
    nothing): its subject, no To:, and whether `git mailinfo` and `git
    apply --cached` onto COMMIT's parent tree give COMMIT's tree, author
    and message."""
    problems = []
    msg = parse_message(data)
    subject = git(repo, 'log', '-1', '--format=%s', commit)
    if ' '.join(msg['subject'].split()) != ' '.join(subject.split()):
        problems.append('subject %r, the commit has %r' % (msg['subject'],
                                                          subject))
    if not msg['to']:
        problems.append('no To: address')
    with tempfile.TemporaryDirectory(prefix='b4check-') as d:
        r = subprocess.run(['git', '-C', repo, 'mailinfo',
                            os.path.join(d, 'msg'), os.path.join(d, 'patch')],
                           input=data, capture_output=True, env=env())
        if r.returncode:
            return problems + ['git mailinfo failed: %s' %
                               r.stderr.decode(errors='replace').strip()]
        info = dict(x.split(': ', 1) for x in
                    r.stdout.decode(errors='replace').splitlines()
                    if ': ' in x)
        want = git(repo, 'log', '-1', '--format=%an%n%ae', commit)
        got = '%s\n%s' % (info.get('Author', ''), info.get('Email', ''))
        if got != want:
            problems.append('author %r, the commit has %r' % (
                got.replace('\n', ' '), want.replace('\n', ' ')))
        with open(os.path.join(d, 'msg'), encoding='utf-8',
                  errors='replace') as f:
            message = info.get('Subject', '') + '\n\n' + f.read()
        if norm(message) != norm(git(repo, 'log', '-1', '--format=%B',
                                     commit)):
            problems.append('the commit message git am would make differs '
                            'from the commit\'s')
        ienv = env({'GIT_INDEX_FILE': os.path.join(d, 'index')})
        try:
            git(repo, 'read-tree', commit + '^', env=ienv)
            git(repo, 'apply', '--cached', os.path.join(d, 'patch'),
                env=ienv)
            tree = git(repo, 'write-tree', env=ienv)
        except subprocess.CalledProcessError as e:
            return problems + ['does not apply to its parent: %s' %
                               (e.stderr or '').strip()[:500]]
        if tree != git(repo, 'rev-parse', commit + '^{tree}'):
            problems.append('applied to its parent it gives tree %s, not '
                            'the commit\'s' % tree[:12])
    return problems


# -- running b4 ----------------------------------------------------------
def has_prep_check():
    r = subprocess.run(['b4', 'prep', '--help'], capture_output=True,
                       text=True, env=env())
    return bool(re.search(r'^\s+--check\b', r.stdout, re.M))


class Clone:
    """The throw-away clone: runs git and b4 in it, logging to LOG."""

    def __init__(self, path, log):
        self.path, self.log = path, log
        self.env = env({'XDG_CACHE_HOME': os.path.join(path, '..', 'cache'),
                        'XDG_DATA_HOME': os.path.join(path, '..', 'data')})

    def run(self, cmd, cwd=None):
        """(exit status, output) of CMD in the clone (or CWD), both
        logged."""
        t0 = time.monotonic()
        r = subprocess.run(cmd, cwd=cwd or self.path, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, errors='replace',
                           env=self.env)
        out = r.stdout + r.stderr
        self.log.write('$ %s  # exit %d, %.1f s\n%s\n' % (
            ' '.join(shlex.quote(c) for c in cmd), r.returncode,
            time.monotonic() - t0, out))
        self.log.flush()
        return r.returncode, out

    def b4(self, *args):
        return self.run(['b4'] + list(args))

    def git(self, *args):
        rc, out = self.run(['git'] + list(args))
        if rc:
            raise RuntimeError('git %s: %s' % (' '.join(args), out.strip()))
        return out.strip()


def tail(out, n=15):
    return '\n'.join('  | ' + x for x in out.rstrip().splitlines()[-n:])


def step(test, ok, name, out, n=15):
    """One result; the last N lines of the command's output with a
    failure."""
    return test.check(ok, name, '' if ok else tail(out, n))


def run(test, tree=None):
    """Add the results of b4-check on TREE (default: TREE of paths) to
    TEST; see the docstring."""
    tree = tree or paths.TREE
    start = time.monotonic()
    if not shutil.which('b4'):
        test.check(False, 'b4-check', 'no b4 (Debian package b4: '
                   'make deps)')
        return
    version = subprocess.run(['b4', '--version'], capture_output=True,
                             text=True, env=env()).stdout.strip()
    head = git(tree, 'rev-parse', 'HEAD')
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    tmp = tempfile.mkdtemp(prefix='pcialign-b4check-')
    try:
        with open(steps.logfile('b4-check'), 'w') as log:
            _run(test, tree, head, version, Clone(os.path.join(tmp, 'linux'),
                                                  log))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    test.note('b4-check: %.0f s (log: %s)' % (
        time.monotonic() - start,
        os.path.relpath(steps.logfile('b4-check'), paths.ROOT)))


def _run(test, tree, head, version, c):
    ref = ['--reference-if-able', BASE_GIT] if os.path.isdir(BASE_GIT) \
        else []
    rc, out = c.run(['git', 'clone', '-q', '--no-local', '--no-checkout'] +
                    ref + [tree, c.path], cwd=os.path.dirname(c.path))
    if rc or git(c.path, 'cat-file', '-t', head, check=False) != 'commit':
        test.check(False, 'b4-check', 'cloning %s at %s failed:\n%s' % (
            tree, head[:12], tail(out)))
        return
    c.git('sparse-checkout', 'set', '--cone', 'scripts')
    c.git('checkout', '-q', '-b', BRANCH, head)
    base = base_commit(c.path)
    commits = git(c.path, 'rev-list', '--reverse', base + '..' + head
                  ).split()
    if not commits:
        test.check(False, 'b4-check', 'no commit in %s base..HEAD' % tree)
        return
    name, mail = git(c.path, 'log', '-1', '--format=%an%n%ae',
                     head).split('\n')
    subject, blurb, source = cover_text()
    coverfile = os.path.join(c.path, '..', 'cover.txt')
    with open(coverfile, 'w', encoding='utf-8') as f:
        f.write(b4_cover(subject, blurb, name, mail))
    getm = shlex.quote(os.path.join(c.path, 'scripts/get_maintainer.pl'))
    for k, v in (('user.name', name), ('user.email', mail),
                 ('core.editor', 'cp ' + shlex.quote(coverfile)),
                 ('sendemail.smtpserver', '/bin/false'),
                 ('b4.send-auto-to-cmd', '%s %s --nol --no-tree' % (
                     getm, GETM_OPTS)),
                 ('b4.send-auto-cc-cmd', '%s %s --nom --no-tree' % (
                     getm, GETM_OPTS))):
        c.git('config', k, v)
    test.note('%s; %d commits of %s (%s..%s); cover letter: %s' % (
        version and 'b4 ' + version, len(commits),
        os.path.relpath(tree, paths.ROOT), base[:12], head[:12], source))

    rc, out = c.b4('prep', '-e', base)
    m = re.search(r'Will track (\d+) commits', out)
    if not step(test, rc == 0 and m and int(m.group(1)) == len(commits),
                'b4 prep -e %s' % base[:12], out):
        return
    rc, out = c.b4('prep', '--edit-cover')
    if not step(test, rc == 0 and 'Cover letter updated' in out,
                'b4 prep --edit-cover', out):
        return
    rc, out = c.b4('prep', '--auto-to-cc')
    if not step(test, rc == 0, 'b4 prep --auto-to-cc', out):
        return
    rc, out = c.b4('prep', '--show-info')
    info, listed = parse_show_info(out)
    want = [git(c.path, 'log', '-1', '--format=%s', x) for x in commits]
    problem = ''
    if rc:
        problem = 'exit status %d' % rc
    elif info.get('base-commit') != base:
        problem = 'base-commit %s, not %s' % (info.get('base-commit'), base)
    elif [s for _, s in reversed(listed)] != want:
        problem = 'the commits listed are not the %d of the series' % len(
            want)
    test.check(not problem, 'b4 prep --show-info',
               problem and problem + '\n' + tail(out))
    if has_prep_check():
        rc, out = c.b4('prep', '--check')
        test.note(tail(out, 60))
        test.check(rc == 0, 'b4 prep --check')
    else:
        test.skip('b4 prep --check', 'b4 %s has no prep --check (b4 0.14 '
                  'added it and --check-deps)' % version)

    rc, out = c.b4('send', '-o', MESSAGES, '--no-sign')
    files = sorted(f for f in os.listdir(MESSAGES) if f.endswith('.eml')) \
        if os.path.isdir(MESSAGES) else []
    msgs = {}
    for f in files:
        with open(os.path.join(MESSAGES, f), 'rb') as fh:
            data = fh.read()
        msgs[parse_message(data)['counter']] = data
    if not step(test, rc == 0 and len(files) == len(commits) + 1,
                'b4 send -o %s --no-sign' % os.path.relpath(MESSAGES,
                                                            paths.ROOT),
                '%d messages for %d patches + cover\n%s' % (
                    len(files), len(commits), out)):
        return
    cmsg = parse_message(msgs.get(0, b''))
    test.note('b4 send: the cover letter To: %d addresses, Cc: %d (b4 '
              '0.12 puts them on every patch, with its own Cc: trailers)'
              % (len(cmsg['to']), len(cmsg['cc'])))
    diff = cover_diff(blurb, cmsg['body'])
    if cmsg['subject'] != subject:
        diff = 'subject %r, not %r' % (cmsg['subject'], subject)
    test.check(diff is None, 'b4 cover letter as sent', diff or '')
    for n, commit in enumerate(commits, 1):
        data = msgs.get(n)
        problems = patch_verdict(c.path, commit, data) if data else [
            'b4 wrote no message [PATCH %d/%d]' % (n, len(commits))]
        test.check(not problems, 'b4-check ' + want[n - 1],
                   '\n'.join(problems))
