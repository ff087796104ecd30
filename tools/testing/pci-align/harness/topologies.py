# SPDX-License-Identifier: GPL-2.0
"""QEMU device topologies, by name: lists of -device option values.

They use QEMU's generic PCIe devices on the root bus pcie.0, so they run
on every machine of machines.py with a PCIe host bridge (arm64 and arm
virt, x86_64 q35).
"""

# seed: the seed-003 topology: three 32-byte BARs behind a PCIe-to-PCI
# bridge, a 256 MiB BAR beside them, plus small BARs on the root bus.
SEED = [
    'pcie-pci-bridge,id=br1',
    'pci-testdev,bus=br1,addr=1,membar=32',
    'pci-testdev,bus=br1,addr=2,membar=32',
    'pci-testdev,bus=br1,addr=3,membar=32',
    'pci-testdev,bus=br1,addr=4,membar=268435456',
    'pci-testdev,bus=pcie.0,membar=32',
    'pci-testdev,bus=pcie.0,membar=64',
    'pci-testdev,bus=pcie.0,membar=128',
    'pci-testdev,bus=pcie.0,membar=256',
]

# small: only small BARs on the root bus
SMALL = [
    'pci-testdev,bus=pcie.0,membar=32',
    'pci-testdev,bus=pcie.0,membar=64',
]


def root_ports(*ids):
    return ['pcie-root-port,id=rp%d,chassis=%d,slot=%d' % (i, i, i)
            for i in ids]


# sun4u: the sabre host bridge has no slot of its own; its two simba
# PCI-to-PCI bridges are pciA (00:01.1: ebus, VGA, cmd646 IDE; QEMU
# reserves its free slots) and pciB (00:01.0, slots 0-3 free).  OpenBIOS
# places every BAR.  Small BARs behind pciB, a multifunction slot of four
# (32/64/128/256-byte BARs), two single ones, and a 1 MiB BAR.
SUN4U = [
    'pci-testdev,bus=pciB,addr=0.0,multifunction=on,membar=32',
    'pci-testdev,bus=pciB,addr=0.1,membar=64',
    'pci-testdev,bus=pciB,addr=0.2,membar=128',
    'pci-testdev,bus=pciB,addr=0.3,membar=256',
    'pci-testdev,bus=pciB,addr=1.0,membar=32',
    'pci-testdev,bus=pciB,addr=2.0,membar=1048576',
    'pci-testdev,bus=pciB,addr=3.0,membar=64',
]


TOPOLOGIES = {
    'none': [],
    'sun4u': SUN4U,
    'seed': SEED,
    'small': SMALL,
    # seed plus two empty PCIe root ports (hotplug slots) rp1, rp2
    'hotplug': SEED + root_ports(1, 2),
    # seed plus four PCIe root ports: rp1 holds a multifunction set of
    # four pci-testdevs (32/64/128/32-byte BARs), rp2 and rp3 two each
    # (32/64), rp4 is an empty hotplug slot
    'rootports': SEED + root_ports(1, 2, 3, 4) + [
        'pci-testdev,bus=rp1,addr=0.0,multifunction=on,membar=32',
        'pci-testdev,bus=rp1,addr=0.1,membar=64',
        'pci-testdev,bus=rp1,addr=0.2,membar=128',
        'pci-testdev,bus=rp1,addr=0.3,membar=32',
        'pci-testdev,bus=rp2,addr=0.0,multifunction=on,membar=32',
        'pci-testdev,bus=rp2,addr=0.1,membar=64',
        'pci-testdev,bus=rp3,addr=0.0,multifunction=on,membar=32',
        'pci-testdev,bus=rp3,addr=0.1,membar=64',
    ],
    # scenarios/race.py: seed plus an empty hotplug root port rp1
    # (00:06.0, the host hot-adds and removes a device there) and a
    # trailing root port rp2 (00:07.0, removed and rescanned by the guest;
    # on arm64 only a trailing bridge comes back as it was) with four
    # small-BAR pci-testdevs
    'race': SEED + [
        'pcie-root-port,id=rp1,chassis=1,slot=1,bus=pcie.0,addr=6',
        'pcie-root-port,id=rp2,chassis=2,slot=2,bus=pcie.0,addr=7',
        'pci-testdev,bus=rp2,addr=0.0,multifunction=on,membar=32',
        'pci-testdev,bus=rp2,addr=0.1,membar=64',
        'pci-testdev,bus=rp2,addr=0.2,membar=128',
        'pci-testdev,bus=rp2,addr=0.3,membar=32',
    ],
    # small plus an NVMe controller with SR-IOV (2 VFs at most) behind root
    # port rp9 (00:03.0 on arm64 virt); its VFs are 01:00.1 and 01:00.2
    # (VF offset 1, stride 1).  QEMU 7.2 wants an nvme-subsys, and
    # sriov_vq_flexible >= 2 * sriov_max_vfs, sriov_vi_flexible >=
    # sriov_max_vfs, max_ioqpairs >= sriov_vq_flexible + 2, msix_qsize >=
    # sriov_vi_flexible + 1.
    'sriov': SMALL + root_ports(9) + [
        'nvme-subsys,id=nvmesubsys9',
        'nvme,serial=deadbeef,bus=rp9,addr=0.0,subsys=nvmesubsys9,'
        'sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,'
        'max_ioqpairs=6,msix_qsize=3',
    ],
}


# io-rescan (arm64 virt, whose I/O space is 64 KiB): fifteen root ports
# rp1..rp15 (00:01.0-00:0f.0), each with a pci-testdev (I/O BAR 1, so a
# 4 KiB I/O window each), a pci-testdev on the root bus (00:10.0) and a
# trailing root port rpt (00:11.0) whose I/O window is the one that
# doesn't fit, at boot and when the guest removes rpt and rescans
# (pci_assign_unassigned_bus_resources(): a realloc list, no fail list).
# Below rpt a switch: downstream port dp1 with an NVMe controller with
# SR-IOV (its VF BARs are optional size), dp2 with a PCIe-to-PCI bridge
# bt and ten pci-testdevs whose BAR 2s (512..8 KiB and three of 32..128
# bytes) need a 1 MiB prefetchable window without the page padding and
# 2 MiB with it.  The review's finding 1: a window that fails where there
# is no fail list must change nothing below it, with or without the
# parameter.
IO_RESCAN = ['pcie-root-port,id=rp%d,chassis=%d,slot=%d,bus=pcie.0,addr=0x%x' % (
    i, i, i, i) for i in range(1, 16)] + [
    'pci-testdev,bus=rp%d,membar=32' % i for i in range(1, 16)] + [
    'pci-testdev,bus=pcie.0,addr=0x10,membar=64',
    'pcie-root-port,id=rpt,chassis=17,slot=17,bus=pcie.0,addr=0x11',
    'x3130-upstream,id=up,bus=rpt',
    'xio3130-downstream,id=dp1,bus=up,chassis=18,slot=0,addr=0',
    'xio3130-downstream,id=dp2,bus=up,chassis=19,slot=0,addr=1',
    'nvme-subsys,id=nvmesubsysT',
    'nvme,serial=cafe,bus=dp1,addr=0.0,subsys=nvmesubsysT,'
    'sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,'
    'max_ioqpairs=6,msix_qsize=3',
    'pcie-pci-bridge,id=bt,bus=dp2'] + [
    'pci-testdev,bus=bt,addr=%d,membar=%d' % (i + 1, size)
    for i, size in enumerate((524288, 262144, 131072, 65536, 32768, 16384,
                              8192, 32, 64, 128))]
TOPOLOGIES['io-rescan'] = IO_RESCAN

# vga (x86_64 q35, SeaBIOS): small plus a standard VGA device, whose ROM
# SeaBIOS shadows at 0xc0000 (IORESOURCE_ROM_SHADOW): the review's finding
# 8, a requested alignment must not be reported for the shadow copy.
TOPOLOGIES['vga'] = SMALL + ['VGA,bus=pcie.0']

# The i440fx machine (x86_64-pc): its root bus is pci.0, a conventional
# PCI bus, so seed's PCIe-to-PCI bridge becomes a pci-bridge (chassis_nr
# required, no SHPC: its slots are ACPI hotplug slots).  Fixed slots,
# so that the hot-add of scenarios/x86_64_pc.py can name free ones:
# pci.0 slots 5-9 and br1 slots 1-4 are taken.
PC_SEED = [
    'pci-bridge,id=br1,bus=pci.0,addr=5,chassis_nr=1,shpc=off',
    'pci-testdev,bus=br1,addr=1,membar=32',
    'pci-testdev,bus=br1,addr=2,membar=32',
    'pci-testdev,bus=br1,addr=3,membar=32',
    'pci-testdev,bus=br1,addr=4,membar=268435456',
    'pci-testdev,bus=pci.0,addr=6,membar=32',
    'pci-testdev,bus=pci.0,addr=7,membar=64',
    'pci-testdev,bus=pci.0,addr=8,membar=128',
    'pci-testdev,bus=pci.0,addr=9,membar=256',
]
TOPOLOGIES['pc-seed'] = PC_SEED

# pc-shpc (x86_64-pc, SeaBIOS, booted with acpi=off: without ACPI's _OSC
# granting it, shpchp doesn't drive the slots): a pci-bridge sb1 with
# SHPC, ACPI bridge hotplug off, so that a hot-added device is assigned
# by pci_assign_unassigned_bridge_resources().  SeaBIOS gives every BAR
# below 4 KiB a page of its own and sizes each of sb1's windows to the
# sum of its BARs, here 2 MiB each, full: ten pci-testdevs whose BAR 2s
# (1 MiB .. 4 KiB and one of 32 bytes) fill the prefetchable window, and
# their BAR 0s (4 KiB), an edu (1 MiB), seven e1000s (128 KiB, no ROM),
# five intel-hdas (16 KiB) and an i6300esb (16 bytes, with a driver) all
# but one page of the other one.  The hot-add (scenarios/findings.py) puts
# a pci-testdev into slot 0x1a: its BAR 0 (4 KiB) takes that page, and no
# free page is left for its 32-byte BAR 2, only the tails of the sub-page
# BARs' pages.  Stock Linux places it in such a tail and moves nothing
# (the review's finding 2: with "all" no aligned page is free, and
# nothing bound, nor any other BAR, may move to make one).
PC_SHPC = [
    '-global PIIX4_PM.acpi-pci-hotplug-with-bridge-support=off',
    'pci-bridge,id=sb1,bus=pci.0,addr=5,chassis_nr=1,shpc=on'] + [
    'pci-testdev,bus=sb1,addr=0x%x,membar=%d' % (i + 1, size)
    for i, size in enumerate((1048576, 524288, 262144, 131072, 65536,
                              32768, 16384, 8192, 4096, 32))] + [
    'edu,bus=sb1,addr=0xb'] + [
    'e1000,bus=sb1,addr=0x%x,romfile=' % (0xc + i) for i in range(7)] + [
    'intel-hda,bus=sb1,addr=0x%x' % (0x13 + i) for i in range(5)] + [
    'i6300esb,bus=sb1,addr=0x18']
TOPOLOGIES['pc-shpc'] = PC_SHPC

# pseries (ppc64): SLOF assigns the BARs of the PHB's root bus pci.0.
# Small pci-testdev BARs on pci.0 and behind a pci-bridge, and two virtio
# devices with drivers (virtio-rng, virtio-balloon: no backend needed).
# Fixed slots, so that a per-device entry can name 0000:00:02.0.
PSERIES = [
    'pci-testdev,bus=pci.0,addr=2,membar=32',
    'pci-testdev,bus=pci.0,addr=3,membar=64',
    'pci-testdev,bus=pci.0,addr=4,membar=128',
    'virtio-rng-pci,bus=pci.0,addr=5',
    'virtio-balloon-pci,bus=pci.0,addr=6',
    'pci-bridge,id=br1,bus=pci.0,addr=7,chassis_nr=1,shpc=off',
    'pci-testdev,bus=br1,addr=1,membar=32',
    'pci-testdev,bus=br1,addr=2,membar=256',
]
TOPOLOGIES['pseries'] = PSERIES

# malta (mips64el): the GT-64120's root bus is "pci", its memory window
# 128 MiB [0x10000000-0x17ffffff]; Linux places every BAR and sizes the
# bridge windows without a realloc list (arch/mips/pci/pci-legacy.c).
# At most four pci-testdevs behind a bridge: MIPS puts each I/O BAR at
# 0x000-0x0ff modulo 0x400, so a 4 KiB I/O window holds four 256-byte
# I/O BARs.  i6300esb: one 16-byte memory BAR, no I/O, a driver.
MALTA = [
    'pci-bridge,id=br1,bus=pci,addr=5,chassis_nr=1,shpc=off,msi=off',
    'pci-testdev,bus=br1,addr=1,membar=32',
    'pci-testdev,bus=br1,addr=2,membar=64',
    'pci-testdev,bus=br1,addr=3,membar=128',
    'pci-testdev,bus=br1,addr=4,membar=1048576',
    'i6300esb,bus=br1,addr=5',
    'pci-testdev,bus=pci,addr=6,membar=32',
    'pci-testdev,bus=pci,addr=7,membar=64',
    'pci-testdev,bus=pci,addr=8,membar=256',
    'i6300esb,bus=pci,addr=9',
]
TOPOLOGIES['malta'] = MALTA


# malta-squeeze: the root window holds the bridge's windows only without
# the padding.  Six VGA devices (one prefetchable BAR each, no MMIO BAR,
# no ROM) fill 126 of the 128 MiB; behind the bridge eleven pci-testdevs
# (prefetchable 64-bit BAR 2: 512, 256, 128, 64, 32, 16 KiB and five of
# 32..256 bytes; BAR 0 4 KiB) and an i6300esb.  Without padding the
# bridge needs a 1 MiB window and a 1 MiB 64-bit prefetchable one (1008
# KiB + 512 bytes): they fill the 2 MiB left.  Padding the five small
# BAR 2s to a page (1028 KiB) needs a 2 MiB prefetchable window, which
# pci-legacy.c's sizing without a realloc list makes mandatory: it
# cannot be placed, and the BARs below the bridge compete for the 1 MiB
# non-prefetchable one.  The I/O window holds four of the eleven I/O BARs
# with or without the parameter (see MALTA).
MALTA_SQUEEZE = [
    'VGA,bus=pci,addr=0x%x,vgamem_mb=%d,mmio=off,romfile=' % (0x10 + i, mb)
    for i, mb in enumerate((64, 32, 16, 8, 4, 2))] + [
    'pci-bridge,id=br1,bus=pci,addr=5,chassis_nr=1,shpc=off,msi=off'] + [
    'pci-testdev,bus=br1,addr=0x%x,membar=%d' % (i + 1, size)
    for i, size in enumerate((524288, 262144, 131072, 65536, 32768, 16384,
                              32, 64, 128, 256, 32))] + [
    'i6300esb,bus=br1,addr=0xc']
TOPOLOGIES['malta-squeeze'] = MALTA_SQUEEZE


def zpci(uid, dev):
    """an s390x zPCI function UID (= FID) holding DEV (-device value)"""
    name = 'zdev%d' % uid
    return ['zpci,uid=%d,fid=%d,target=%s' % (uid, uid, name),
            '%s,id=%s' % (dev, name)]


# s390x: every PCI function is a zPCI function whose BARs firmware (QEMU's
# CLP) defines; with UID checking its domain is the UID: 0001:00:00.0 ...
# qemu-system-s390x has no pci-testdev: virtio devices only (MSI-X BAR 1
# 4 KiB, modern BAR 4 16 KiB; the non-transitional one has no I/O BAR 0).
TOPOLOGIES['zpci'] = (zpci(1, 'virtio-rng-pci') +
                      zpci(2, 'virtio-serial-pci') +
                      zpci(3, 'virtio-rng-pci-non-transitional') +
                      zpci(4, 'virtio-net-pci'))

# The benchmark's shapes of N small-BAR pci-testdevs (BAR 0 4 KiB, BAR 1
# 256 bytes I/O, BAR 2 of BAR2_SIZES in turn), topology "bench-SHAPE-N":
#   flat    on the root bus, slot s holding functions s-1, s-1+31, ...
#   bridge  behind one pci-bridge, 32 slots x 8 functions
#   switch  behind a two-level PCIe switch: ceil(N / 8) downstream ports
#           of 8 functions each, 8 to a second-level switch
BAR2_SIZES = (32, 64, 128, 256)
BENCH_MAX = {'flat': 248, 'bridge': 256, 'switch': 2048}


def bench(shape, n):
    out = []
    if shape == 'flat':
        for i in range(n):
            fn = i // 31
            mf = ',multifunction=on' if fn == 0 and i + 31 < n else ''
            out.append('pci-testdev,bus=pcie.0,addr=%x.%d%s,membar=%d' % (
                1 + i % 31, fn, mf, BAR2_SIZES[i % 4]))
    elif shape == 'bridge':
        out.append('pci-bridge,id=br1,bus=pcie.0,addr=1,chassis_nr=1,shpc=off')
        for i in range(n):
            fn = i // 32
            mf = ',multifunction=on' if fn == 0 and i + 32 < n else ''
            out.append('pci-testdev,bus=br1,addr=%x.%d%s,membar=%d' % (
                i % 32, fn, mf, BAR2_SIZES[i % 4]))
    elif shape == 'switch':
        leaves = (n + 7) // 8
        l1 = (leaves + 7) // 8
        leaf, ch = 0, 2
        out += ['pcie-root-port,id=rp1,bus=pcie.0,addr=1,chassis=1,slot=1',
                'x3130-upstream,id=up1,bus=rp1']
        for k in range(l1):
            out.append('xio3130-downstream,id=da%d,bus=up1,addr=%d,'
                       'chassis=%d,slot=0' % (k, k, ch))
            ch += 1
            out.append('x3130-upstream,id=ub%d,bus=da%d' % (k, k))
            j = 0
            while j < 8 and leaf < leaves:
                out.append('xio3130-downstream,id=db%d,bus=ub%d,addr=%d,'
                           'chassis=%d,slot=0' % (leaf, k, j, ch))
                ch += 1
                j += 1
                leaf += 1
        for i in range(n):
            fn = i % 8
            mf = ',multifunction=on' if fn == 0 and i + 1 < n else ''
            out.append('pci-testdev,bus=db%d,addr=0.%d%s,membar=%d' % (
                i // 8, fn, mf, BAR2_SIZES[i % 4]))
    else:
        raise SystemExit('unknown bench shape %r' % shape)
    return out


def devices(name):
    """-device values of topology NAME (a list, possibly empty)."""
    if name.startswith('bench-'):
        _, shape, n = name.split('-')
        return bench(shape, min(int(n), BENCH_MAX.get(shape, 0)))
    try:
        return list(TOPOLOGIES[name])
    except KeyError:
        raise SystemExit('unknown topology %r (topologies: %s)' % (
            name, ' '.join(TOPOLOGIES)))


def has_root_ports(devs):
    return any(d.startswith('pcie-root-port') for d in devs)
