# SPDX-License-Identifier: GPL-2.0
"""stock: the unpatched base on every machine, and no parameter = stock.

Each bootable machine boots stock-<machine> (the pristine base of BASE,
built from the machine's own config fragments) on its standard topology
(Machine.topology; malta also on malta-squeeze, where its windows fail).
These boots are the baseline of the base: the analyzer's table and
verdict (small BARs, pages shared by two devices, where the firmware put
each BAR) are their diagnostics, and they are checked as every boot is
(run-completed, no-oops-bug-warning, no-overlapping-decode).

On a base with a series, the series' kernel of the same machine, config
and topology boots without the parameter (<machine>-nopar) and is
compared with the stock boot (expect key stock): the same BARs (start,
end, flags), devices and drivers, and PCI core log lines, bridge windows
included, timestamps masked.

Which boots run follows the variant tiers (harness/variants.py): make
check runs those of the stock kernels it builds, make check-full all.
"""

from harness import paths
from harness.machines import bootable
from harness.scenario import Boot, built_in_tier

NAME = 'stock'
# more topologies of a machine: malta's squeeze (a window that fails,
# pci_bus_size_bridges() without a realloc list)
MORE = {'malta': ('malta-squeeze',)}

BOOTS = []
for _m in bootable():
    for _i, _topo in enumerate((_m.topology,) + MORE.get(_m.name, ())):
        _sfx = '' if not _i else '-' + _topo
        _stock = 'stock-%s%s' % (_m.name, _sfx)
        BOOTS.append(Boot(_stock, 'stock-' + _m.name, topology=_topo))
        if paths.BASE.series:
            BOOTS.append(Boot('%s%s-nopar' % (_m.name, _sfx), _m.name,
                              topology=_topo, expect={'stock': _stock}))


def only(full):
    """The boots of the kernels the tier builds."""
    return built_in_tier(BOOTS, full)
