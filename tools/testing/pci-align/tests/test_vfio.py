# SPDX-License-Identifier: GPL-2.0
"""vfio-pci's "not mmap-able" line (expect vfio_why) on a saved boot:
logs/vfio-none.log, arm64 without the parameter, vfiocheck run twice."""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from test_analyze import checks, variant  # noqa: E402

EXP = {'vfio': 'none', 'vfio_why': 2}
WHY = 'not mmap-able'


def why_checks(path):
    return {k: v for k, v in checks(path, EXP).items() if 'vfio-why' in k}


def test_saved_boot_passes(tmp_path):
    got = why_checks(variant(tmp_path, 'vfio-none', lambda lines: lines))
    assert got and all(got.values()), got


def test_a_missing_line_fails(tmp_path):
    def drop_one(lines):
        i = next(i for i, x in enumerate(lines) if WHY in x)
        return lines[:i] + lines[i + 1:]
    got = why_checks(variant(tmp_path, 'vfio-none', drop_one))
    assert not got['vfio-why-once-per-open-for-each-bar-without-mmap']


def test_no_line_at_all_fails(tmp_path):
    """what a kernel without the vfio/pci patch logs"""
    got = why_checks(variant(tmp_path, 'vfio-none', lambda lines: [
        x for x in lines if WHY not in x]))
    assert not got['vfio-why-once-per-open-for-each-bar-without-mmap']


def test_a_wrong_neighbour_fails(tmp_path):
    def wrong(lines):
        out, done = [], False
        for x in lines:
            if WHY in x and 'also holds' in x and not done:
                x = re.sub(r'also holds \S+ BAR \d', 'also holds '
                           '0000:00:07.0 BAR 5', x)
                done = True
            out.append(x)
        return out
    got = why_checks(variant(tmp_path, 'vfio-none', wrong))
    assert not got['vfio-why-names-a-neighbour-from-the-bar-table']


def test_access_cost_needs_every_small_bar(tmp_path):
    ok = checks(variant(tmp_path, 'vfio-none', lambda lines: lines),
                {'vfio': 'none'})
    assert ok['access-cost-produced']

    def drop(lines):
        i = next(i for i, x in enumerate(lines) if 'VFIO-ACCESS' in x)
        return lines[:i] + lines[i + 1:]
    got = checks(variant(tmp_path, 'vfio-none', drop), {'vfio': 'none'})
    assert not got['access-cost-produced']
