# SPDX-License-Identifier: GPL-2.0
"""The machine table: the one place that knows each architecture.

One entry per machine (like kunit.py's qemu_configs/*.py and virtme-ng's
architectures.py).  Everything that differs between architectures is a
field here: the kernel ARCH and its cross compiler, the kernel image
target, the config fragment (configs/<name>.config), the QEMU binary,
machine, firmware and console, the guest's C compiler (the cross gcc)
and page size.  Entries with qemu=None
are build-only (cross builds of the touched objects; no guest yet).

To add a machine: add an entry, its fragment configs/<name>.config and
its topology (harness/topologies.py; those with a pcie.0 root bus work on
any machine with a PCIe host bridge).  variants.py derives its kernels
from the entry: the series (<name>), the CONFIG_PCI_PAGE_ALIGN_BARS build
(<name>-pab) and the unpatched base (stock-<name>); `tier` says whether
make check or only make check-full builds and boots them.  Then give it
boots in the scenarios.  Build workarounds of one base are facts of that
base (harness/bases.py), not of the machine.
"""

from dataclasses import dataclass, field
from typing import Optional, Tuple, Union

from . import paths


@dataclass(frozen=True)
class Machine:
    name: str                   # table key, also build/<name>
    arch: str                   # kernel ARCH=
    srcarch: str                # arch/<srcarch>/
    cross: str                  # CROSS_COMPILE= ('' = host gcc)
    image: str                  # make target of the bootable image
    image_path: str             # that image, relative to the build dir
    defconfig: str              # for the cross builds of the quality gate
    packages: Tuple[str, ...]   # Debian packages: compiler, QEMU, firmware
    qemu: Optional[str] = None  # QEMU binary; None: build-only
    qemu_args: Tuple[str, ...] = ()   # machine, CPU, firmware options
    firmware: str = 'none'      # who places BARs before Linux: none/seabios
    console: str = ''           # kernel console=
    page_size: int = 4096       # guest PAGE_SIZE of the default variant
    topology: str = 'seed'      # its standard topology (topologies.py)
    # True: make check builds and boots it; 'full': make check-full only
    tier: Union[bool, str] = 'full'
    # the tier of its CONFIG_PCI_PAGE_ALIGN_BARS build (None: as tier,
    # False: on demand only)
    pab: Union[bool, str, None] = None
    # q35 without ACPI: root ports need native hotplug
    hotplug_args: Tuple[str, ...] = ()
    notes: str = field(default='', compare=False)

    @property
    def guest_cc(self):
        """the static C compiler of the initramfs: the cross gcc"""
        return self.cross + 'gcc'

    @property
    def make_args(self):
        """extra make arguments of every kernel make: the build
        workarounds of the base (harness/bases.py)"""
        return paths.BASE.make_args.get(self.name, ())

    @property
    def fragment(self):
        return 'configs/%s.config' % self.name


MACHINES = {m.name: m for m in (
    Machine('arm64', arch='arm64', srcarch='arm64',
            cross='aarch64-linux-gnu-', image='Image',
            image_path='arch/arm64/boot/Image', defconfig='defconfig',
            packages=('gcc-aarch64-linux-gnu', 'libc6-dev-arm64-cross',
                      'qemu-system-arm'),
            qemu='qemu-system-aarch64',
            qemu_args=('-M', 'virt', '-cpu', 'cortex-a57'),
            console='ttyAMA0', tier=True,
            notes='Linux assigns every BAR (direct kernel boot)'),
    Machine('x86_64', arch='x86_64', srcarch='x86', cross='',
            image='bzImage', image_path='arch/x86/boot/bzImage',
            defconfig='x86_64_defconfig',
            packages=('gcc', 'libc6-dev', 'qemu-system-x86', 'seabios',
                      'ipxe-qemu'),
            qemu='qemu-system-x86_64', qemu_args=('-M', 'q35', '-vga', 'none'),
            firmware='seabios', console='ttyS0', tier=True, pab=False,
            hotplug_args=('-global',
                          'ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off'),
            notes='SeaBIOS places every BAR, 4 KiB aligned'),
    # the x86 fields of x86_64, booted through UEFI firmware and on i440fx
    Machine('x86_64-ovmf', arch='x86_64', srcarch='x86', cross='',
            image='bzImage', image_path='arch/x86/boot/bzImage',
            defconfig='x86_64_defconfig',
            packages=('gcc', 'libc6-dev', 'qemu-system-x86', 'ovmf'),
            qemu='qemu-system-x86_64',
            qemu_args=('-M', 'q35', '-vga', 'none',
                       '-bios', '/usr/share/ovmf/OVMF.fd'),
            firmware='ovmf', console='ttyS0',
            notes='OVMF assigns the BARs and starts the EFI stub of the '
                  '-kernel image (fw_cfg)'),
    Machine('x86_64-pc', arch='x86_64', srcarch='x86', cross='',
            image='bzImage', image_path='arch/x86/boot/bzImage',
            defconfig='x86_64_defconfig',
            packages=('gcc', 'libc6-dev', 'qemu-system-x86', 'seabios',
                      'ipxe-qemu'),
            qemu='qemu-system-x86_64', qemu_args=('-M', 'pc', '-vga', 'none'),
            firmware='seabios', console='ttyS0', topology='pc-seed',
            notes='i440fx, root bus pci.0: SeaBIOS places the cold-plugged '
                  'BARs, ACPI PCI hotplug (acpiphp) the hot-added ones'),
    Machine('arm', arch='arm', srcarch='arm', cross='arm-linux-gnueabihf-',
            image='zImage', image_path='arch/arm/boot/zImage',
            defconfig='multi_v7_defconfig',
            packages=('gcc-arm-linux-gnueabihf', 'libc6-dev-armhf-cross',
                      'qemu-system-arm'),
            qemu='qemu-system-arm',
            qemu_args=('-M', 'virt,highmem=off', '-cpu', 'cortex-a15'),
            console='ttyAMA0', tier=True, pab=False,
            notes='32-bit, no LPAE: resource_size_t is 32 bits wide'),
    Machine('sparc64', arch='sparc', srcarch='sparc',
            cross='sparc64-linux-gnu-', image='image',
            image_path='arch/sparc/boot/image',
            defconfig='sparc64_defconfig',
            packages=('gcc-sparc64-linux-gnu', 'libc6-dev-sparc64-cross',
                      'qemu-system-sparc', 'qemu-system-data'),
            qemu='qemu-system-sparc64', qemu_args=('-M', 'sun4u'),
            firmware='openbios', console='ttyS0', page_size=8192,
            topology='sun4u', tier=True,
            notes='OpenBIOS places every BAR; Linux only claims them '
                  '(of_create_pci_dev(), pci_claim_bus_resources())'),
    Machine('ppc64', arch='powerpc', srcarch='powerpc',
            cross='powerpc64le-linux-gnu-', image='vmlinux',
            image_path='vmlinux', defconfig='ppc64le_defconfig',
            packages=('gcc-powerpc64le-linux-gnu', 'libc6-dev-ppc64el-cross',
                      'qemu-system-ppc', 'qemu-system-data'),
            qemu='qemu-system-ppc64',
            qemu_args=('-M', 'pseries', '-nodefaults', '-vga', 'none'),
            firmware='slof', console='hvc0', page_size=65536,
            topology='pseries',
            notes='SLOF assigns the BARs; QEMU\'s /chosen clears '
                  'PCI_PROBE_ONLY (linux,pci-probe-only = 0); the guest '
                  'powers off through RTAS'),
    Machine('s390x', arch='s390', srcarch='s390', cross='s390x-linux-gnu-',
            image='bzImage', image_path='arch/s390/boot/bzImage',
            defconfig='defconfig',
            packages=('gcc-s390x-linux-gnu', 'libc6-dev-s390x-cross',
                      'qemu-system-misc'),
            qemu='qemu-system-s390x', qemu_args=('-M', 's390-ccw-virtio'),
            firmware='zpci', console='ttysclp0', topology='zpci',
            notes='zPCI: firmware defines every BAR, Linux only maps them; '
                  'the series sets PCI_PROBE_ONLY'),
    Machine('malta', arch='mips', srcarch='mips',
            cross='mips64el-linux-gnuabi64-', image='vmlinux',
            image_path='vmlinux', defconfig='malta_defconfig',
            packages=('gcc-mips64el-linux-gnuabi64',
                      'libc6-dev-mips64el-cross', 'qemu-system-mips'),
            qemu='qemu-system-mips64el',
            qemu_args=('-M', 'malta', '-cpu', 'MIPS64R2-generic',
                       '-vga', 'none'),
            console='ttyS0', topology='malta',
            notes='64-bit; QEMU\'s own boot stub, no BAR placed before '
                  'Linux; pci-legacy.c sizes bridges without a realloc '
                  'list'),
    Machine('s390', arch='s390', srcarch='s390', cross='s390x-linux-gnu-',
            image='bzImage', image_path='arch/s390/boot/bzImage',
            defconfig='defconfig', packages=('gcc-s390x-linux-gnu',)),
    Machine('powerpc', arch='powerpc', srcarch='powerpc',
            cross='powerpc64le-linux-gnu-', image='zImage',
            image_path='arch/powerpc/boot/zImage',
            defconfig='ppc64le_defconfig',
            packages=('gcc-powerpc64le-linux-gnu',)),
    Machine('um', arch='um', srcarch='um', cross='', image='linux',
            image_path='linux', defconfig='defconfig', packages=('gcc',)),
)}


def machine(name):
    try:
        return MACHINES[name]
    except KeyError:
        raise SystemExit('unknown machine %r (machines: %s)' % (
            name, ' '.join(MACHINES)))


def bootable():
    return [m for m in MACHINES.values() if m.qemu]
