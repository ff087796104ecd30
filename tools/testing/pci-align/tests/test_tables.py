# SPDX-License-Identifier: GPL-2.0
"""The tables agree with each other and with the files they name."""

import importlib
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from harness import expect, machines, paths, topologies, variants  # noqa
from harness.scenario import Boot  # noqa: E402
import scenarios  # noqa: E402


def test_every_variant_has_a_machine_and_its_fragments():
    for v in variants.VARIANTS.values():
        assert v.machine in machines.MACHINES, v.name
        for f in v.config_fragments():
            assert os.path.isfile(f), (v.name, f)
        assert v.image.startswith(os.path.join(paths.BUILD, v.name) + '/')


def test_every_bootable_machine_has_its_variants_and_topology():
    for m in machines.bootable():
        for name in (m.name, m.name + '-pab', 'stock-' + m.name):
            assert name in variants.VARIANTS
        assert variants.VARIANTS['stock-' + m.name].src == paths.PRISTINE
        assert m.console and m.guest_cc and m.qemu_args
        topologies.devices(m.topology)
        assert m.tier in (True, 'full') and m.pab in (None, True, 'full',
                                                      False), m.name


def test_bases():
    """Every base row names a Debian package whose tarball has the
    package's name, and the machines its make check boots exist."""
    from harness import bases
    assert bases.DEFAULT in bases.BASES and bases.BASES[bases.DEFAULT].series
    for b in bases.BASES.values():
        assert b.package.startswith('linux-source-') and b.suite and \
            b.mirror.startswith('http'), b.name
        assert b.tarball == '/usr/src/%s.tar.xz' % b.package
        for m in list(b.make_args) + list(b.check or ()):
            assert m in machines.MACHINES, (b.name, m)
        assert all(o.startswith('CONFIG_') for o in b.absent)


@pytest.mark.parametrize('name', scenarios.ORDER + scenarios.FULL + tuple(
    n for n in scenarios.MAINLINE if n not in scenarios.FULL))
def test_scenario_boots_are_valid(name):
    mod = importlib.import_module('scenarios.' + name)
    assert mod.NAME == name and mod.__doc__
    names = [b.name for b in mod.BOOTS]
    assert len(names) == len(set(names)), 'boot names repeat'
    for b in mod.BOOTS:
        assert isinstance(b, Boot)
        assert b.variant in variants.VARIANTS, b.name
        topologies.devices(b.topology)
        for exp in [b.expect] + [e for _, e in b.also]:
            assert not expect.unknown_keys(exp), (b.name, exp)
            # a reference boots earlier; another report of a boot (also)
            # may refer to the boot's own report
            earlier = names[:names.index(b.name) + (exp is not b.expect)]
            for key in expect.REFS:
                if key in exp:
                    assert exp[key] in earlier, b.name


def test_platform_boots_are_valid():
    import re
    from scenarios import _platform as platform
    bs = platform.boots('p', 'arm64', 'arm64-pab', 'seed', '0000:00:05.0',
                        statement=re.compile('x+'),
                        on={'append': 'quiet', 'expect': {'inflated': 0}})
    assert [b.name for b in bs] == ['p-none', 'p-all', 'p-pab', 'p-order',
                                    'p-dev']
    for b in bs:
        assert not expect.unknown_keys(b.expect), b.name
        assert b.append.endswith('quiet')
    assert bs[3].expect['align_warnings'] == 1 << 20
    assert bs[3].expect['warn_min'] == 0
    assert bs[1].expect['log_re'] == ['x+'] and 'log_re' not in bs[4].expect
    assert all(b.expect['same_devices'] == 'p-none' for b in bs[1:])


def test_tiers():
    """in_check is a tier; make check's variants and scenarios are not
    check-full's extra ones."""
    for v in variants.VARIANTS.values():
        assert v.in_check in (True, 'full', False), v.name
    check = variants.in_check()
    full = variants.in_check(full=True)
    assert all(v.in_check is True for v in check)
    assert set(check) < set(full) or check == full
    assert not set(scenarios.ORDER) & set(scenarios.FULL)
