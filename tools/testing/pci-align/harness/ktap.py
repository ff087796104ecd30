# SPDX-License-Identifier: GPL-2.0
"""The one result format: KTAP (Documentation/dev-tools/ktap.rst).

A Test collects results (checks) and nested tests; lines() renders it as
a KTAP block, indented four spaces per level.  KTAP produced by others
(kunit.py, the kselftest harness) is nested as it is with Test.nest().
summary() counts the leaves of a whole document with the kernel's own
KTAP parser (tools/testing/kunit/kunit_parser.py of the tree) and gives
the closing line "N passed, N failed" (skipped cases are neither; a
crashed case or a KTAP error counts as failed).
"""

import io
import os
import re
import sys

INDENT = '    '


class Result:
    def __init__(self, ok, name, detail='', skip=None):
        self.ok, self.name, self.detail, self.skip = ok, name, detail, skip

    def lines(self, num):
        # '#' would start a directive in the description
        name = self.name.replace('#', '_')
        line = '%s %d %s' % ('ok' if self.ok else 'not ok', num, name)
        if self.skip is not None:
            line += ' # SKIP' + (' ' + self.skip if self.skip else '')
        out = []
        if self.detail:
            out += ['# ' + Diag(d).text for d in str(self.detail).splitlines()]
        return out + [line]


class Test:
    """A test with subtests: its own checks, nested Tests, nested KTAP."""

    def __init__(self, name):
        self.name = name
        self.items = []         # Result, Test or Nested, in order
        self.diag = []

    # -- adding results --------------------------------------------------
    def check(self, ok, name, detail=''):
        self.items.append(Result(bool(ok), name, detail))
        return bool(ok)

    def skip(self, name, why=''):
        self.items.append(Result(True, name, skip=why))

    def note(self, text):
        """A diagnostic line, kept in order with the results."""
        for line in str(text).splitlines():
            self.items.append(Diag(line))

    def sub(self, name):
        t = Test(name)
        self.items.append(t)
        return t

    def nest(self, name, ktap_lines, ok=None):
        """Nest a KTAP document (kunit.py, kselftest) as subtest NAME."""
        n = Nested(name, ktap_lines, ok)
        self.items.append(n)
        return n

    # -- outcome ---------------------------------------------------------
    def results(self):
        return [i for i in self.items if not isinstance(i, Diag)]

    @property
    def ok(self):
        res = self.results()
        return bool(res) and all(i.ok for i in res)

    @property
    def skipped(self):
        res = self.results()
        return bool(res) and all(i.skipped if isinstance(i, Test) else
                                 getattr(i, 'skip', None) is not None
                                 for i in res)

    def counts(self):
        """(passed, failed, skipped) leaves, for progress lines only."""
        p = f = s = 0
        for i in self.results():
            if isinstance(i, Result):
                if i.skip is not None:
                    s += 1
                elif i.ok:
                    p += 1
                else:
                    f += 1
            else:
                a, b, c = i.counts()
                p, f, s = p + a, f + b, s + c
        return p, f, s

    def lines(self, num=1):
        """The block of this test as subtest NUM of its parent.  A test
        whose only result carries its own name is a leaf (a subtest can't
        have its parent's name in KTAP)."""
        res = self.results()
        if len(res) == 1 and isinstance(res[0], Result) and \
                res[0].name == self.name:
            return [INDENT + '# ' + i.text for i in self.items
                    if isinstance(i, Diag)] + res[0].lines(num)
        body = ['KTAP version 1', '# Subtest: ' + self.name]
        res = self.results()
        body.append('1..%d' % len(res))
        n = 0
        for i in self.items:
            if isinstance(i, Diag):
                body.append('# ' + i.text)
                continue
            n += 1
            body += i.lines(n)
        out = [INDENT + b for b in body]
        if not res:
            out.append('# no results')
        out.append(Result(self.ok, self.name,
                          skip='' if self.skipped else None).lines(num)[0]
                   if res else 'not ok %d %s' % (num, self.name))
        return out


# kunit_parser.extract_tap_lines() stops at a line containing one of
# these; a diagnostic must not end the document
KTAP_END = re.compile(r'(List of all partitions|Kernel panic - not syncing|'
                      r'reboot): ')


class Diag:
    def __init__(self, text):
        self.text = KTAP_END.sub(lambda m: m.group(1) + ' ', text)

    ok = True


KTAP_RESULT = re.compile(r'^\s*(not ok|ok) \d+ ')


class Nested:
    """Somebody else's KTAP document, nested as it is under NAME."""

    def __init__(self, name, ktap_lines, ok=None):
        self.name = name
        self.ktap = [line.rstrip('\n') for line in ktap_lines]
        self._ok = ok

    def _parse(self):
        return parse(self.ktap)

    @property
    def ok(self):
        if self._ok is False:
            return False
        t = self._parse()
        return t is not None and t.ok_status() and t.counts.failed == 0 \
            and t.counts.crashed == 0 and t.counts.errors == 0

    skip = None

    def counts(self):
        t = self._parse()
        if t is None:
            return 0, 1, 0
        c = t.counts
        return c.passed, c.failed + c.crashed + c.errors, c.skipped

    def lines(self, num):
        doc = list(self.ktap)
        # the document's version line, then our name, then the rest
        head = [doc.pop(0)] if doc and re.match(r'\s*K?TAP version',
                                                doc[0]) else ['KTAP version 1']
        body = head + ['# Subtest: ' + self.name] + doc
        return [INDENT + b for b in body] + [
            '%s %d %s' % ('ok' if self.ok else 'not ok', num, self.name)]


def document(tests, plan=None):
    """The top-level KTAP document of TESTS (a list of Test)."""
    out = ['KTAP version 1', '1..%d' % (plan if plan is not None
                                        else len(tests))]
    for n, t in enumerate(tests, 1):
        out += t.lines(n)
    return out


# -- counting, with the kernel's KTAP parser ---------------------------
def _kunit_parser():
    from . import paths
    # the patched tree's, else the pristine base's (the same file)
    for d in (paths.KUNIT_TOOLS,
              os.path.join(paths.PRISTINE, 'tools/testing/kunit')):
        if os.path.isfile(os.path.join(d, 'kunit_parser.py')):
            break
    else:
        raise SystemExit('ktap: no tools/testing/kunit/kunit_parser.py in %s '
                         'or build/<base>/pristine (make base tree)' % paths.TREE)
    if d not in sys.path:
        sys.path.insert(0, d)
    import kunit_parser
    return kunit_parser


def parse(lines):
    """kunit_parser's Test of a KTAP document (its printout discarded)."""
    kp = _kunit_parser()
    if not hasattr(kp, 'stdout'):       # 6.13+: the printer is an argument
        import kunit_printer
        return kp.parse_run_tests(list(lines), kunit_printer.null_printer)
    saved = kp.stdout._output
    kp.stdout._output = io.StringIO()
    try:
        return kp.parse_run_tests(list(lines))
    finally:
        kp.stdout._output = saved


def summary(lines):
    """(passed, failed) leaves of a KTAP document; see the docstring."""
    t = parse(lines)
    c = t.counts
    failed = c.failed + c.crashed + c.errors
    if c.passed + failed == 0:
        failed = 1
    return c.passed, failed


def summary_line(lines):
    return '%d passed, %d failed' % summary(lines)
