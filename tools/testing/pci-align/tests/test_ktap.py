# SPDX-License-Identifier: GPL-2.0
"""The KTAP writer (harness/ktap.py) and make check's closing line.

The documents are counted with the kernel's own parser (kunit_parser.py of
build/linux, else build/pristine), as make check does.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from harness import check, ktap  # noqa: E402

KSELFTEST = ['TAP version 13', '1..3', '# Starting 3 tests from 1 test cases.',
             '#  RUN           global.bars_aligned ...',
             '#            OK  global.bars_aligned', 'ok 1 global.bars_aligned',
             'ok 2 global.no_shared_4k_page # SKIP no alignment requested',
             'not ok 3 global.no_shared_page',
             '# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:1 error:0']


def test_writer_lines():
    t = ktap.Test('demo')
    t.check(True, 'a boot')
    t.note('a table line')
    t.check(False, 'a shared_pages==0', 'got 2')
    t.skip('b boot', 'no kernel')
    assert t.lines(3) == [
        '    KTAP version 1', '    # Subtest: demo', '    1..3',
        '    ok 1 a boot', '    # a table line', '    # got 2',
        '    not ok 2 a shared_pages==0', '    ok 3 b boot # SKIP no kernel',
        'not ok 3 demo']


def test_hash_in_a_name_is_no_directive():
    t = ktap.Test('s')
    t.check(True, 'x#y')
    assert t.lines()[3] == '    ok 1 x_y'


def test_single_result_step_is_a_leaf():
    t = ktap.Test('tree')
    t.check(True, 'tree')
    assert t.lines(2) == ['ok 2 tree']
    assert ktap.summary(ktap.document([t])) == (1, 0)


def test_counts_leaves_with_nested_kselftest_and_skips():
    demo = ktap.Test('demo')
    demo.check(True, 'x')
    demo.check(False, 'y')
    demo.skip('z')
    ks = ktap.Test('kselftest')
    ks.nest('arm64-ks-none', KSELFTEST)
    ks.check(True, 'arm64-ks-none exit-status 0')
    doc = ktap.document([demo, ks])
    # demo: 1 + 1 failed (skip not counted); kselftest: 1 + 1 failed + ours
    assert ktap.summary(doc) == (3, 2)
    assert ktap.summary_line(doc) == '3 passed, 2 failed'


def test_all_passing_and_empty_documents():
    t = ktap.Test('s')
    t.check(True, 'one')
    t.check(True, 'two')
    assert ktap.summary_line(ktap.document([t])) == '2 passed, 0 failed'
    # a document without any result is a failure, not "0 passed, 0 failed"
    assert ktap.summary(['KTAP version 1', '1..0']) == (0, 1)


def test_check_main_ends_with_the_summary(monkeypatch, capfd, tmp_path):
    def good(t):
        t.check(True, 'good a')
        t.check(True, 'good b')
        print('noise that must not reach the KTAP stream')

    def bad(t):
        t.check(False, 'bad')

    def broken(t):
        raise RuntimeError('harness bug')

    monkeypatch.setattr(check, 'plan', lambda: [
        ('good', good), ('bad', bad), ('broken', broken), ('skipped', bad)])
    monkeypatch.setattr(check.paths, 'CHECK', str(tmp_path))
    monkeypatch.setenv('CHECK_SKIP', 'skipped')
    monkeypatch.delenv('CHECK_ONLY', raising=False)
    rc = check.main()
    out = capfd.readouterr().out.splitlines()
    assert rc == 1
    assert out[-1] == '2 passed, 2 failed'
    assert 'noise that must not reach the KTAP stream' not in out
    assert '    # noise that must not reach the KTAP stream' in out
    assert 'ok 4 skipped # SKIP CHECK_SKIP' in out
    doc = open(os.path.join(str(tmp_path), 'check.ktap')).read().splitlines()
    assert doc == out[:-1]


def test_nested_tests_are_not_skipped():
    t = ktap.Test('bisect')
    c = t.sub('01 commit')
    c.check(True, 'x86_64')
    c.check(False, 'arm64')
    s = t.sub('02 commit')
    s.skip('x86_64', 'why')
    assert t.lines(1)[-1] == 'not ok 1 bisect'
    assert not t.skipped and s.skipped
    assert ktap.summary(ktap.document([t])) == (1, 1)
