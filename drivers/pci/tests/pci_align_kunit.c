// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the BAR alignment requested with pci=resource_alignment=,
 * including "all" and "<order>@all".
 *
 * The tests call the PCI core functions that check and parse the
 * parameter, release and realign BARs and assign them again.  The devices
 * are either a struct pci_dev filled in by the test or the devices found
 * by scanning a host bridge whose config space is emulated in memory
 * (struct pci_align_emu): BARs are sized as in hardware, by writing all
 * ones, and writes to PCI_COMMAND are counted.
 *
 * The tests set the value through the resource_alignment sysfs attribute
 * and restore the previous value when they end.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/acpi.h>
#include <linux/debug_locks.h>
#include <linux/ioport.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/prandom.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "../pci.h"

/*
 * IDs of QEMU's pci-testdev and pci-bridge.  No driver binds to the
 * emulated functions: the tests never add them to the driver core.  The
 * emulated host bridge and its buses are registered, though, as a host
 * bridge driver registers them: while a test case of pci_align_bus or
 * pci_align_bench runs, they are visible in sysfs (below the KUnit
 * device "pci-align-kunit", and as /sys/class/pci_bus/7e57:*, domain
 * TEST_DOMAIN) and send uevents; the case removes them when it ends.
 */
#define TEST_VENDOR		PCI_VENDOR_ID_REDHAT
#define TEST_DEVICE		0x0005
#define TEST_BRIDGE		0x0001
#define TEST_DEV_ID		"pci:1b36:0005"
#define TEST_BRIDGE_ID		"pci:1b36:0001"
#define TEST_SUBVENDOR		0x1af4
#define TEST_SUBDEVICE		0x1100

/* Where the emulated host bridge lives; away from the real ones */
#define TEST_DOMAIN		0x7e57
#define TEST_BUSNR		0x40
#define TEST_BUSNR_END		0x5f
#define TEST_WINDOW		0xe0000000

/* Alignment of "all": a page, at least 4 KiB */
#define TEST_PAGE		MAX(PAGE_SIZE, SZ_4K)

static const resource_size_t test_page = TEST_PAGE;

/* Host bridge window with room for the BARs only at natural alignment */
#define TEST_TIGHT_WINDOW	(3 * SZ_1M + SZ_16K)

#define EMU_MAX_FUNCS		16
#define EMU_MAX_BARS		6
#define EMU_COMMAND_WMASK	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
				 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | \
				 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

enum test_bar_type {
	BAR_MEM32,
	BAR_MEM64,
	BAR_MEM64_PREF,
	BAR_ROM,
	BAR_IO,
	BAR_MEM32_FIXED,
};

/* A BAR of an emulated device; a size of 0 ends the list */
struct emu_bar {
	u8 resno;		/* BAR number or PCI_ROM_RESOURCE */
	u8 type;		/* enum test_bar_type */
	u32 size;		/* hardware size */
	u32 addr;		/* bus address firmware left in the BAR */
};

struct emu_desc {
	const char *name;
	u8 devfn;
	bool secondary;		/* on the bus below the PCI-to-PCI bridge */
	bool bridge;		/* the PCI-to-PCI bridge (only one) */
	bool absent;		/* hot-added by the test */
	u16 command;		/* PCI_COMMAND as firmware left it */
	struct emu_bar bars[EMU_MAX_BARS];
};

struct emu_func {
	const struct emu_desc *desc;
	bool present;
	u8 cfg[PCI_CFG_SPACE_SIZE];
	u8 wmask[PCI_CFG_SPACE_SIZE];	/* writable bits */
	/* Writes to PCI_COMMAND, and those turning memory decoding on/off */
	unsigned int cmd_writes;
	unsigned int mem_on;
	unsigned int mem_off;
};

struct emu_big;

struct pci_align_emu {
	struct pci_ops ops;	/* bus->ops leads back to the emulation */
	unsigned int nr_funcs;
	struct emu_func funcs[EMU_MAX_FUNCS];
	struct emu_func *bridge;
	struct emu_big *big;	/* pci_align_bench: the functions are here */
#ifdef CONFIG_X86
	struct pci_sysdata sysdata;
#endif
	struct resource root;	/* private parent of the window */
	struct resource busn;
	struct resource window;
	struct device *parent;
	struct pci_host_bridge *host;
	struct pci_bus *bus;
	/*
	 * Once set, every config write that leaves memory decoding on checks
	 * that the device decodes only its own assigned resources.
	 */
	bool watch;
	unsigned int decode_violations;
};

struct pci_align_fixture {
	char *saved;		/* resource_alignment before the test */
	struct pci_align_emu *emu;
};

/* ---- resource_alignment through its sysfs attribute ------------------ */

static ssize_t pci_align_store(const char *val, size_t len)
{
	return bus_attr_resource_alignment.store(&pci_bus_type, val, len);
}

static void pci_align_set(struct kunit *test, const char *val)
{
	KUNIT_ASSERT_EQ_MSG(test, pci_align_store(val, strlen(val)),
			    (ssize_t)strlen(val), "resource_alignment=%s", val);
}

/* The value shown in sysfs, without the newline */
static char *pci_align_show(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	ssize_t len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = bus_attr_resource_alignment.show(&pci_bus_type, buf);
	KUNIT_ASSERT_GE(test, len, 0);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

/* Alignment pci_specified_resource_alignment() gives unmatched devices */
static resource_size_t pci_align_default(struct kunit *test,
					 struct pci_dev *dev)
{
	bool resize, all;

	pci_align_set(test, "off");
	return pci_specified_resource_alignment(dev, &resize, &all);
}

/* ---- emulated config space ------------------------------------------- */

static u32 emu_get(const u8 *p, int where, int size)
{
	u32 v = 0;
	int i;

	for (i = 0; i < size; i++)
		v |= (u32)p[where + i] << (8 * i);
	return v;
}

static void emu_set(u8 *p, int where, int size, u32 v)
{
	int i;

	for (i = 0; i < size; i++)
		p[where + i] = v >> (8 * i);
}

static int emu_bar_reg(const struct emu_desc *d, unsigned int resno)
{
	if (resno == PCI_ROM_RESOURCE)
		return d->bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
	return PCI_BASE_ADDRESS_0 + 4 * resno;
}

static bool emu_bar_is_64(const struct emu_bar *b)
{
	return b->type == BAR_MEM64 || b->type == BAR_MEM64_PREF;
}

static struct pci_align_emu *to_emu(struct pci_bus *bus)
{
	return container_of(bus->ops, struct pci_align_emu, ops);
}

/*
 * The large topology of pci_align_bench: bench_devices functions, in
 * PCI-to-PCI bridges on the root bus, each with a bus full of functions
 * below it (256), and the rest on the root bus after the bridges' slots.
 * Functions are looked up by bus and devfn directly.
 */
static unsigned int bench_devices = 1056;
module_param(bench_devices, uint, 0444);
MODULE_PARM_DESC(bench_devices,
		 "Functions on the emulated buses of pci_align_bench (at most 7936)");

static unsigned int bench_reps = 9;
module_param(bench_reps, uint, 0444);
MODULE_PARM_DESC(bench_reps, "Runs of pci_align_bench with and without \"all\"");

#define EMU_BIG_MAX_BRIDGES	(TEST_BUSNR_END - TEST_BUSNR)

struct emu_big {
	unsigned int bridges;
	unsigned int nr_funcs;
	struct emu_func *funcs;			/* bridges, then functions */
	struct emu_func *root[256];		/* by devfn */
	struct emu_func *(*below)[256];		/* by bridge, devfn */
};

static struct emu_func *emu_big_find(struct emu_big *big,
				     unsigned int busnr, unsigned int devfn)
{
	unsigned int i, secondary;

	if (busnr == TEST_BUSNR)
		return big->root[devfn];
	for (i = 0; i < big->bridges; i++) {
		secondary = big->root[PCI_DEVFN(i, 0)]->cfg[PCI_SECONDARY_BUS];
		if (secondary > TEST_BUSNR && busnr == secondary)
			return big->below[i][devfn];
	}
	return NULL;
}

static struct emu_func *emu_find(struct pci_align_emu *emu,
				 unsigned int busnr, unsigned int devfn)
{
	unsigned int i, secondary = 0;
	struct emu_func *f;

	if (emu->big)
		return emu_big_find(emu->big, busnr, devfn);
	if (emu->bridge && emu->bridge->present)
		secondary = emu->bridge->cfg[PCI_SECONDARY_BUS];

	for (i = 0; i < emu->nr_funcs; i++) {
		f = &emu->funcs[i];
		if (!f->present || f->desc->devfn != devfn)
			continue;
		if (f->desc->secondary ?
		    secondary > TEST_BUSNR && busnr == secondary :
		    busnr == TEST_BUSNR)
			return f;
	}
	return NULL;
}

static int emu_read(struct pci_bus *bus, unsigned int devfn, int where,
		    int size, u32 *val)
{
	struct emu_func *f = emu_find(to_emu(bus), bus->number, devfn);

	if (!f) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	if (where < 0 || where + size > PCI_CFG_SPACE_SIZE) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_BAD_REGISTER_NUMBER;
	}

	*val = emu_get(f->cfg, where, size);
	return PCIBIOS_SUCCESSFUL;
}

static u64 emu_bar_addr(const struct emu_func *f, const struct emu_bar *b);

/*
 * The rule: a device never decodes an address that is not its own
 * resource.  With PCI_COMMAND_MEMORY on, every memory BAR of the function
 * @f of @dev (and its ROM if enabled) must hold the bus address of its
 * resource, and that resource must be set: not released (unset) and not
 * reset after a failed assignment.
 */
static void emu_check_decoding(struct pci_align_emu *emu, struct pci_dev *dev,
			       struct emu_func *f)
{
	struct pci_bus_region region;
	const struct emu_bar *b;
	struct resource *r;
	u64 addr;

	if (!(emu_get(f->cfg, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY) ||
	    dev->no_command_memory)	/* Hardwired to 0 in the real device */
		return;

	for (b = f->desc->bars; b < f->desc->bars + EMU_MAX_BARS && b->size; b++) {
		if (b->type == BAR_IO)
			continue;
		addr = emu_bar_addr(f, b);
		if (b->type == BAR_ROM) {
			if (!(emu_get(f->cfg, PCI_ROM_ADDRESS, 4) &
			      PCI_ROM_ADDRESS_ENABLE))
				continue;
			addr = emu_get(f->cfg, PCI_ROM_ADDRESS, 4) &
			       PCI_ROM_ADDRESS_MASK;
		}
		r = pci_resource_n(dev, b->resno);
		if (r->flags & IORESOURCE_PCI_FIXED)
			continue;	/* Its address is its own */
		/* Unclaimed is fine: firmware left it there */
		if ((r->flags & IORESOURCE_MEM) &&
		    !(r->flags & IORESOURCE_UNSET)) {
			pcibios_resource_to_bus(dev->bus, &region, r);
			if (region.start == addr)
				continue;
		}
		if (!emu->decode_violations++)
			pr_err("pci-align-kunit: %s decodes BAR %u at %#llx, not its resource %pR\n",
			       f->desc->name, b->resno, addr, r);
	}
}

/*
 * After each config write, check the rule on every device of the emulated
 * buses: a write to one device can make another one's stale BAR an
 * overlap.  Called with pci_lock held: the device lists are walked without
 * pci_bus_sem; the test owns the buses.
 */
static void emu_watch_decoding(struct pci_align_emu *emu)
{
	struct pci_dev *dev, *child;
	struct emu_func *f;

	if (!emu->watch || emu->big || !emu->bus)
		return;
	list_for_each_entry(dev, &emu->bus->devices, bus_list) {
		f = emu_find(emu, dev->bus->number, dev->devfn);
		if (f)
			emu_check_decoding(emu, dev, f);
		if (!dev->subordinate)
			continue;
		list_for_each_entry(child, &dev->subordinate->devices, bus_list) {
			f = emu_find(emu, child->bus->number, child->devfn);
			if (f)
				emu_check_decoding(emu, child, f);
		}
	}
}

static int emu_write(struct pci_bus *bus, unsigned int devfn, int where,
		     int size, u32 val)
{
	struct emu_func *f = emu_find(to_emu(bus), bus->number, devfn);
	u16 old, new;
	int i;
	u8 m;

	if (!f)
		return PCIBIOS_DEVICE_NOT_FOUND;
	if (where < 0 || where + size > PCI_CFG_SPACE_SIZE)
		return PCIBIOS_BAD_REGISTER_NUMBER;

	old = emu_get(f->cfg, PCI_COMMAND, 2);
	for (i = 0; i < size; i++) {
		m = f->wmask[where + i];
		f->cfg[where + i] &= ~m;
		f->cfg[where + i] |= (val >> (8 * i)) & m;
	}

	if (where < PCI_COMMAND + 2 && where + size > PCI_COMMAND) {
		new = emu_get(f->cfg, PCI_COMMAND, 2);
		f->cmd_writes++;
		if ((old ^ new) & PCI_COMMAND_MEMORY) {
			if (new & PCI_COMMAND_MEMORY)
				f->mem_on++;
			else
				f->mem_off++;
		}
	}
	emu_watch_decoding(to_emu(bus));
	return PCIBIOS_SUCCESSFUL;
}

static void emu_init_bar(struct emu_func *f, const struct emu_bar *b)
{
	int reg = emu_bar_reg(f->desc, b->resno);
	u32 flags = PCI_BASE_ADDRESS_SPACE_MEMORY;

	if (b->type == BAR_ROM) {
		emu_set(f->cfg, reg, 4, b->addr);
		emu_set(f->wmask, reg, 4,
			(~(b->size - 1) & PCI_ROM_ADDRESS_MASK) |
			PCI_ROM_ADDRESS_ENABLE);
		return;
	}

	if (emu_bar_is_64(b))
		flags |= PCI_BASE_ADDRESS_MEM_TYPE_64;
	if (b->type == BAR_MEM64_PREF)
		flags |= PCI_BASE_ADDRESS_MEM_PREFETCH;
	emu_set(f->cfg, reg, 4, b->addr | flags);
	emu_set(f->wmask, reg, 4, ~(b->size - 1) & (u32)PCI_BASE_ADDRESS_MEM_MASK);
	if (emu_bar_is_64(b))
		emu_set(f->wmask, reg + 4, 4, ~0);
}

static void emu_init_func(struct emu_func *f, const struct emu_desc *d,
			  bool multifunction)
{
	u32 class = d->bridge ? PCI_CLASS_BRIDGE_PCI << 8 : PCI_CLASS_OTHERS << 16;
	int i;

	f->desc = d;
	f->present = !d->absent;
	emu_set(f->cfg, PCI_VENDOR_ID, 2, TEST_VENDOR);
	emu_set(f->cfg, PCI_DEVICE_ID, 2, d->bridge ? TEST_BRIDGE : TEST_DEVICE);
	emu_set(f->cfg, PCI_COMMAND, 2, d->command);
	emu_set(f->wmask, PCI_COMMAND, 2, EMU_COMMAND_WMASK);
	emu_set(f->cfg, PCI_CLASS_REVISION, 4, class << 8);
	f->cfg[PCI_HEADER_TYPE] = d->bridge ? PCI_HEADER_TYPE_BRIDGE :
					      PCI_HEADER_TYPE_NORMAL;
	if (multifunction)
		f->cfg[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MFD;
	f->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	f->wmask[PCI_LATENCY_TIMER] = 0xff;
	f->wmask[PCI_INTERRUPT_LINE] = 0xff;

	if (d->bridge) {
		/* Bus numbers set by firmware, windows off (base > limit) */
		f->cfg[PCI_PRIMARY_BUS] = TEST_BUSNR;
		f->cfg[PCI_SECONDARY_BUS] = TEST_BUSNR + 1;
		f->cfg[PCI_SUBORDINATE_BUS] = TEST_BUSNR + 1;
		emu_set(f->wmask, PCI_PRIMARY_BUS, 4, ~0);
		/* No I/O window: PCI_IO_BASE and PCI_IO_LIMIT are read-only 0 */
		emu_set(f->cfg, PCI_MEMORY_BASE, 4, 0x0000fff0);
		emu_set(f->wmask, PCI_MEMORY_BASE, 4, 0xfff0fff0);
		/* 64-bit prefetchable window */
		emu_set(f->cfg, PCI_PREF_MEMORY_BASE, 4, 0x0001fff1);
		emu_set(f->wmask, PCI_PREF_MEMORY_BASE, 4, 0xfff0fff0);
		emu_set(f->wmask, PCI_PREF_BASE_UPPER32, 4, ~0);
		emu_set(f->wmask, PCI_PREF_LIMIT_UPPER32, 4, ~0);
		emu_set(f->wmask, PCI_BRIDGE_CONTROL, 2, 0x00ff);
	}

	for (i = 0; i < EMU_MAX_BARS && d->bars[i].size; i++)
		emu_init_bar(f, &d->bars[i]);
}

static struct pci_align_emu *emu_create(struct kunit *test,
					const struct emu_desc *descs,
					unsigned int n)
{
	struct pci_align_fixture *fix = test->priv;
	struct pci_align_emu *emu;
	unsigned int i, j;
	bool mf;

	KUNIT_ASSERT_LE(test, n, EMU_MAX_FUNCS);
	emu = kunit_kzalloc(test, sizeof(*emu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, emu);
	emu->ops.read = emu_read;
	emu->ops.write = emu_write;

	for (i = 0; i < n; i++) {
		mf = false;
		for (j = 0; j < n; j++)
			if (j != i && !PCI_FUNC(descs[i].devfn) &&
			    descs[j].secondary == descs[i].secondary &&
			    PCI_SLOT(descs[j].devfn) == PCI_SLOT(descs[i].devfn))
				mf = true;
		emu_init_func(&emu->funcs[i], &descs[i], mf);
		if (descs[i].bridge)
			emu->bridge = &emu->funcs[i];
	}
	emu->nr_funcs = n;
	fix->emu = emu;
	return emu;
}

static struct emu_func *emu_func(struct kunit *test, struct pci_align_emu *emu,
				 const char *name)
{
	unsigned int i;

	for (i = 0; i < emu->nr_funcs; i++)
		if (!strcmp(emu->funcs[i].desc->name, name))
			return &emu->funcs[i];
	KUNIT_FAIL_AND_ABORT(test, "no emulated device %s", name);
	return NULL;
}

static void emu_reset_log(struct pci_align_emu *emu)
{
	unsigned int i;

	for (i = 0; i < emu->nr_funcs; i++) {
		emu->funcs[i].cmd_writes = 0;
		emu->funcs[i].mem_on = 0;
		emu->funcs[i].mem_off = 0;
	}
}

/*
 * Some architectures need firmware data in bus->sysdata.  Provide it for
 * x86 and run the host bridge tests where it isn't needed.
 */
static bool emu_supported(void)
{
	if (IS_ENABLED(CONFIG_X86) || IS_ENABLED(CONFIG_UML))
		return true;
	return IS_ENABLED(CONFIG_PCI_DOMAINS_GENERIC) && acpi_disabled;
}

/* Create the host bridge and scan its buses, as a host bridge driver does */
static void emu_scan(struct kunit *test, struct pci_align_emu *emu,
		     resource_size_t window_size)
{
	struct pci_host_bridge *host;
	struct device *parent;
	int ret;

	if (!emu_supported())
		kunit_skip(test, "no emulated host bridge on this architecture");
	if (PCIBIOS_MIN_MEM > TEST_WINDOW)
		kunit_skip(test, "PCIBIOS_MIN_MEM above the test window");

	parent = kunit_device_register(test, "pci-align-kunit");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, parent);
	emu->parent = parent;

	emu->root.name = "pci-align-kunit";
	emu->root.start = 0;
	emu->root.end = ~(resource_size_t)0;
	emu->root.flags = IORESOURCE_MEM;
	emu->window = DEFINE_RES_MEM_NAMED(TEST_WINDOW, window_size,
					   "pci-align-kunit window");
	emu->busn = DEFINE_RES_NAMED(TEST_BUSNR, TEST_BUSNR_END - TEST_BUSNR + 1,
				     "pci-align-kunit bus", IORESOURCE_BUS);
	KUNIT_ASSERT_EQ(test, request_resource(&emu->root, &emu->window), 0);

	host = pci_alloc_host_bridge(0);
	KUNIT_ASSERT_NOT_NULL(test, host);
	emu->host = host;
	host->dev.parent = parent;
	host->ops = &emu->ops;
	host->domain_nr = TEST_DOMAIN;
#ifdef CONFIG_X86
	emu->sysdata.domain = TEST_DOMAIN;
	emu->sysdata.node = NUMA_NO_NODE;
	host->sysdata = &emu->sysdata;
#endif
	pci_add_resource(&host->windows, &emu->busn);
	pci_add_resource(&host->windows, &emu->window);

	pci_lock_rescan_remove();
	ret = pci_scan_root_bus_bridge(host);
	if (!ret)
		emu->bus = host->bus;
	pci_unlock_rescan_remove();
	KUNIT_ASSERT_EQ(test, ret, 0);
	/* Firmware left decoding as it was; from now on, Linux is in charge */
	emu->watch = true;
}

/* Remove the host bridge and check that it left no resource behind */
static void emu_remove(struct kunit *test, struct pci_align_emu *emu)
{
	int domain;

	KUNIT_EXPECT_EQ_MSG(test, emu->decode_violations, 0,
			    "a device decoded an address that is not its own resource");
	emu->watch = false;
	if (emu->bus) {
		domain = pci_domain_nr(emu->bus);
		pci_lock_rescan_remove();
		pci_stop_root_bus(emu->bus);
		pci_remove_root_bus(emu->bus);
		pci_unlock_rescan_remove();
		emu->bus = NULL;
		KUNIT_EXPECT_NULL(test, pci_find_bus(domain, TEST_BUSNR));
		KUNIT_EXPECT_NULL(test, pci_find_bus(domain, TEST_BUSNR + 1));
	}
	if (emu->host) {
		pci_free_host_bridge(emu->host);
		emu->host = NULL;
	}
	if (emu->parent) {
		kunit_device_unregister(test, emu->parent);
		emu->parent = NULL;
	}
	KUNIT_EXPECT_NULL(test, emu->window.child);
	if (emu->window.parent)
		release_resource(&emu->window);
	KUNIT_EXPECT_NULL(test, emu->root.child);
}

static struct pci_dev *emu_pci_dev(struct kunit *test,
				   struct pci_align_emu *emu,
				   const struct emu_func *f)
{
	struct pci_bus *bus = emu->bus;
	struct pci_dev *dev;

	KUNIT_ASSERT_NOT_NULL(test, bus);
	if (f->desc->secondary) {
		dev = emu_pci_dev(test, emu, emu->bridge);
		bus = dev->subordinate;
		KUNIT_ASSERT_NOT_NULL(test, bus);
	}
	dev = pci_get_slot(bus, f->desc->devfn);
	KUNIT_ASSERT_NOT_NULL_MSG(test, dev, "%s not found", f->desc->name);
	/* The device lives as long as the emulated host bridge */
	pci_dev_put(dev);
	return dev;
}

static struct pci_dev *emu_dev(struct kunit *test, struct pci_align_emu *emu,
			       const char *name)
{
	return emu_pci_dev(test, emu, emu_func(test, emu, name));
}

/* A BAR of an emulated device that was found, with its resource */
struct emu_bar_ref {
	struct emu_func *f;
	const struct emu_bar *b;
	struct pci_dev *dev;
	struct resource *r;
};

/* The BARs of the devices found on the emulated buses; *@n of them */
static struct emu_bar_ref *emu_bars(struct kunit *test,
				    struct pci_align_emu *emu, unsigned int *n)
{
	struct emu_bar_ref *refs, *ref;
	const struct emu_bar *b;
	struct emu_func *f;
	unsigned int i, j;

	refs = kunit_kcalloc(test, EMU_MAX_FUNCS * EMU_MAX_BARS, sizeof(*refs),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, refs);
	*n = 0;
	for (i = 0; i < emu->nr_funcs; i++) {
		f = &emu->funcs[i];
		if (!f->present || f->desc->bridge)
			continue;
		for (j = 0; j < EMU_MAX_BARS && f->desc->bars[j].size; j++) {
			b = &f->desc->bars[j];
			ref = &refs[(*n)++];
			ref->f = f;
			ref->b = b;
			ref->dev = emu_pci_dev(test, emu, f);
			ref->r = pci_resource_n(ref->dev, b->resno);
		}
	}
	return refs;
}

/* The bus address in the BAR register, or 0 for a ROM (not written) */
static u64 emu_bar_addr(const struct emu_func *f, const struct emu_bar *b)
{
	int reg = emu_bar_reg(f->desc, b->resno);
	u64 addr;

	if (b->type == BAR_ROM)
		return 0;
	addr = emu_get(f->cfg, reg, 4) & (u32)PCI_BASE_ADDRESS_MEM_MASK;
	if (emu_bar_is_64(b))
		addr |= (u64)emu_get(f->cfg, reg + 4, 4) << 32;
	return addr;
}

/*
 * Check that every BAR is assigned, programmed into the device and as
 * large as in hardware (except for the device @inflated, whose resources
 * have the size @inflated_size).
 */
static void emu_check_bars(struct kunit *test, struct pci_align_emu *emu,
			   const char *inflated, resource_size_t inflated_size)
{
	struct emu_bar_ref *bars, *ref;
	struct pci_bus_region region;
	resource_size_t size;
	const char *name;
	unsigned int i, n;

	bars = emu_bars(test, emu, &n);
	for (i = 0; i < n; i++) {
		ref = &bars[i];
		name = ref->f->desc->name;
		size = ref->b->size;
		if (inflated && !strcmp(name, inflated))
			size = inflated_size;

		KUNIT_EXPECT_NOT_NULL_MSG(test, ref->r->parent,
					  "%s resource %u %pR unassigned", name,
					  ref->b->resno, ref->r);
		KUNIT_EXPECT_EQ_MSG(test, resource_size(ref->r), size,
				    "%s resource %u %pR", name, ref->b->resno,
				    ref->r);
		if (!ref->r->parent || ref->b->type == BAR_ROM)
			continue;
		pcibios_resource_to_bus(ref->dev->bus, &region, ref->r);
		KUNIT_EXPECT_EQ_MSG(test, emu_bar_addr(ref->f, ref->b),
				    (u64)region.start,
				    "%s resource %u %pR not programmed", name,
				    ref->b->resno, ref->r);
	}
}

/*
 * Number of pairs of BARs of different devices that share a @page sized
 * region, listed if @report
 */
static unsigned int emu_shared(struct kunit *test, struct pci_align_emu *emu,
			       resource_size_t page, bool report)
{
	struct emu_bar_ref *bars;
	struct resource *r, *r2;
	unsigned int shared = 0;
	unsigned int i, j, n;

	bars = emu_bars(test, emu, &n);
	for (i = 0; i < n; i++) {
		r = bars[i].r;
		for (j = i + 1; j < n; j++) {
			r2 = bars[j].r;
			if (bars[j].dev == bars[i].dev || !r->parent || !r2->parent)
				continue;
			if (round_down(r->start, page) > round_down(r2->end, page) ||
			    round_down(r2->start, page) > round_down(r->end, page))
				continue;
			if (report)
				kunit_err(test, "%s %pR and %s %pR share a %#llx region\n",
					  bars[i].f->desc->name, r,
					  bars[j].f->desc->name, r2,
					  (unsigned long long)page);
			shared++;
		}
	}
	return shared;
}

/* ---- test fixture ----------------------------------------------------- */

static int pci_align_test_init(struct kunit *test)
{
	struct pci_align_fixture *fix;

	fix = kunit_kzalloc(test, sizeof(*fix), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fix);
	test->priv = fix;
	fix->saved = pci_align_show(test);

	if (pci_has_flag(PCI_PROBE_ONLY))
		kunit_skip(test, "PCI_PROBE_ONLY ignores resource_alignment");
	return 0;
}

static void pci_align_test_exit(struct kunit *test)
{
	struct pci_align_fixture *fix = test->priv;

	if (!fix || !fix->saved)
		return;
	if (fix->emu)
		emu_remove(test, fix->emu);
	KUNIT_EXPECT_EQ(test, pci_align_store(fix->saved, strlen(fix->saved)),
			(ssize_t)strlen(fix->saved));
}

/* ---- parameter checks ------------------------------------------------- */

struct pci_align_param_case {
	const char *desc;
	const char *param;
	unsigned int repeat;	/* param repeated, then tail appended */
	const char *tail;
	int ret;		/* of pci_check_resource_alignment() */
	/*
	 * What pci_valid_resource_alignment() keeps of it on the command
	 * line: NULL if the same (',' as ';', no trailing ';'), "-" if
	 * nothing; for repeated cases, the tail in place of @tail.
	 */
	const char *valid;
};

static const struct pci_align_param_case pci_align_param_cases[] = {
	{ "all", "all", .ret = 0 },
	{ "order@all", "12@all", .ret = 0 },
	{ "order 31", "31@all", .ret = 0 },
	{ "order 0", "0@all", .ret = -EINVAL, .valid = "-" },
	{ "off", "off", .ret = 0 },
	{ "all, then device", "all;13@" TEST_DEV_ID, .ret = 0 },
	{ "device, then all", "13@" TEST_DEV_ID ";all", .ret = 0 },
	{ "comma separator", "all,13@" TEST_DEV_ID, .ret = 0,
	  .valid = "all;13@" TEST_DEV_ID },
	{ "device, comma, all", "13@" TEST_DEV_ID ",all", .ret = 0,
	  .valid = "13@" TEST_DEV_ID ";all" },
	{ "device path", "0000:00:02.0", .ret = 0 },
	{ "device path without domain", "13@00:02.0", .ret = 0 },
	{ "bridge path", "0000:00:1c.0/00.0/01.1", .ret = 0 },
	{ "path, then all", "13@0000:00:02.0;all", .ret = 0 },
	{ "all, then path", "all;13@0000:00:02.0", .ret = 0 },
	{ "subsystem IDs", "pci:1b36:0005:1af4:1100", .ret = 0 },
	{ "trailing separator", "all;", .ret = 0, .valid = "all" },
	{ "empty", "", .ret = -EINVAL, .valid = "-" },
	{ "negative order", "-1@all", .ret = -EINVAL, .valid = "-" },
	{ "order 64", "64@all", .ret = -EINVAL, .valid = "-" },
	{ "order 999", "999@all", .ret = -EINVAL, .valid = "-" },
	{ "order without device", "12@", .ret = -EINVAL, .valid = "-" },
	{ "no order", "@all", .ret = -EINVAL, .valid = "-" },
	{ "all@", "all@", .ret = -EINVAL, .valid = "-" },
	{ "all with garbage", "allx", .ret = -EINVAL, .valid = "-" },
	{ "trailing garbage", "all;garbage", .ret = -EINVAL, .valid = "all" },
	{ "leading garbage", "garbage;all", .ret = -EINVAL, .valid = "all" },
	{ "garbage between", "12@all;garbage;13@" TEST_DEV_ID, .ret = -EINVAL,
	  .valid = "12@all;13@" TEST_DEV_ID },
	{ "bad order, then all", "64@all;all", .ret = -EINVAL, .valid = "all" },
	{ "garbage, comma, device", "x,13@" TEST_DEV_ID, .ret = -EINVAL,
	  .valid = "13@" TEST_DEV_ID },
	{ "garbage after device", TEST_DEV_ID "x", .ret = -EINVAL, .valid = "-" },
	{ "garbage after device, all", TEST_DEV_ID "x;all", .ret = -EINVAL,
	  .valid = "all" },
	{ "empty entry", "all;;all", .ret = -EINVAL, .valid = "all;all" },
	{ "leading separator", ";all", .ret = -EINVAL, .valid = "all" },
	{ "short device ID", "pci:1b36", .ret = -EINVAL, .valid = "-" },
	{ "bad device ID", "pci:zz:1", .ret = -EINVAL, .valid = "-" },
	{ "bad path", "0000:00:02", .ret = -EINVAL, .valid = "-" },
	/* A path entry ends at ';' only: ',' is taken as part of the path */
	{ "path, comma, all", "13@0000:00:02.0,all", .ret = -EINVAL,
	  .valid = "all" },
	{ "off as entry", "all;off", .ret = -EINVAL, .valid = "all" },
	{ "4000 bytes", "all;", 1000, "", .ret = 0 },
	{ "4 KiB of all", "all;", 1024, "", .ret = 0 },
	{ "long, valid", "12@" TEST_DEV_ID ";", 400, "all", .ret = 0 },
	{ "long, garbage at the end", "all;", 1200, "x", .ret = -EINVAL,
	  .valid = "" },
	{ "long, bad order at the end", "all;", 1200, "64@all",
	  .ret = -EINVAL, .valid = "" },
	{ "ten bad entries, all", "x;x;x;x;x;x;x;x;x;x;all", .ret = -EINVAL,
	  .valid = "all" },
	{ "long garbage", "x", 5000, "", .ret = -EINVAL, .valid = "-" },
	/* Found by pci_align_test_fuzz: sscanf() took these */
	{ "order overflowing an int", "4294967308@all", .ret = -EINVAL,
	  .valid = "-" },
	{ "signed order", "+12@all", .ret = -EINVAL, .valid = "-" },
	{ "0x after a path", "0000:00:02.0x;all", .ret = -EINVAL,
	  .valid = "all" },
	{ "space in an ID", "pci: 1b36:0005;all", .ret = -EINVAL,
	  .valid = "all" },
	{ "newline in an entry", "all\n12@all", .ret = -EINVAL, .valid = "-" },
};

KUNIT_ARRAY_PARAM_DESC(pci_align_param, pci_align_param_cases, desc);

static char *pci_align_repeat(struct kunit *test,
			      const struct pci_align_param_case *c,
			      const char *tail)
{
	size_t len, plen = strlen(c->param);
	unsigned int i;
	char *s;

	len = plen * c->repeat + strlen(tail);
	s = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < c->repeat; i++)
		memcpy(s + i * plen, c->param, plen);
	memcpy(s + plen * c->repeat, tail, strlen(tail));
	return s;
}

static char *pci_align_param_string(struct kunit *test,
				    const struct pci_align_param_case *c)
{
	if (!c->repeat)
		return (char *)c->param;
	return pci_align_repeat(test, c, c->tail);
}

/* What the command line keeps of the case's value, NULL if nothing */
static char *pci_align_valid_string(struct kunit *test,
				    const struct pci_align_param_case *c)
{
	char *s;

	if (c->valid && !strcmp(c->valid, "-"))
		return NULL;
	if (!c->repeat)
		return (char *)(c->valid ?: c->param);

	/* The repeated entries end with ';', which is not kept at the end */
	s = pci_align_repeat(test, c, c->valid ?: c->tail);
	if (*s && s[strlen(s) - 1] == ';')
		s[strlen(s) - 1] = '\0';
	return s;
}

static void pci_align_test_check(struct kunit *test)
{
	const struct pci_align_param_case *c = test->param_value;
	char *param = pci_align_param_string(test, c);

	KUNIT_EXPECT_EQ_MSG(test, pci_check_resource_alignment(param), c->ret,
			    "%.64s (%zu bytes)", param, strlen(param));
}

/*
 * The same values on the kernel command line: a malformed entry is left
 * out and the valid entries next to it are kept.
 */
static void pci_align_test_valid(struct kunit *test)
{
	const struct pci_align_param_case *c = test->param_value;
	char *param = pci_align_param_string(test, c);
	char *want = pci_align_valid_string(test, c);
	char *valid;

	valid = pci_valid_resource_alignment(param);
	if (!want) {
		KUNIT_EXPECT_NULL_MSG(test, valid, "%.64s", param);
	} else {
		KUNIT_ASSERT_NOT_NULL_MSG(test, valid, "%.64s", param);
		KUNIT_EXPECT_STREQ_MSG(test, valid, want, "%.64s", param);
		/* What is kept is valid as a whole */
		KUNIT_EXPECT_EQ(test, pci_check_resource_alignment(valid), 0);
	}
	kfree(valid);
}

/*
 * The same values written to /sys/bus/pci/resource_alignment with a
 * newline, as by echo.  Values that are too long for a page are rejected,
 * an empty one restores the default, and a rejected one keeps the value
 * set before.
 */
static void pci_align_test_sysfs(struct kunit *test)
{
	const struct pci_align_param_case *c = test->param_value;
	char *param = pci_align_param_string(test, c);
	size_t len = strlen(param) + 1;
	char *buf, *shown;
	ssize_t ret;

	buf = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	snprintf(buf, len + 1, "%s\n", param);

	pci_align_set(test, "12@all");
	ret = pci_align_store(buf, len);
	shown = pci_align_show(test);

	if (!*param) {
		KUNIT_EXPECT_EQ(test, ret, (ssize_t)len);
		KUNIT_EXPECT_STREQ(test, shown,
				   IS_ENABLED(CONFIG_PCI_PAGE_ALIGN_BARS) ? "all" : "");
	} else if (c->ret || len >= PAGE_SIZE - 1) {
		KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)-EINVAL, "%.64s", param);
		KUNIT_EXPECT_STREQ(test, shown, "12@all");
	} else {
		KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)len, "%.64s", param);
		KUNIT_EXPECT_STREQ(test, shown, param);
	}
}

/*
 * A NUL byte in a sysfs write would cut the value short: "all\0x" is
 * refused, a NUL at the end is not part of the value.
 */
static void pci_align_test_sysfs_nul(struct kunit *test)
{
	static const char cut[] = "all\0garbage\n", end[] = "13@all\0";

	pci_align_set(test, "12@all");
	KUNIT_EXPECT_EQ(test, pci_align_store(cut, sizeof(cut) - 1),
			(ssize_t)-EINVAL);
	KUNIT_EXPECT_STREQ(test, pci_align_show(test), "12@all");
	KUNIT_EXPECT_EQ(test, pci_align_store("\0all\n", 5), (ssize_t)-EINVAL);
	KUNIT_EXPECT_STREQ(test, pci_align_show(test), "12@all");
	KUNIT_EXPECT_EQ(test, pci_align_store(end, sizeof(end) - 1),
			(ssize_t)sizeof(end) - 1);
	KUNIT_EXPECT_STREQ(test, pci_align_show(test), "13@all");
}

/* ---- the alignment requested for a device ----------------------------- */

static struct pci_dev *pci_align_fake_dev(struct kunit *test,
					  struct pci_align_emu *emu)
{
	struct pci_bus *bus;
	struct pci_dev *dev;

	bus = kunit_kzalloc(test, sizeof(*bus), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bus);
	bus->ops = &emu->ops;
	bus->number = TEST_BUSNR;
#ifdef CONFIG_X86
	bus->sysdata = &emu->sysdata;	/* pci_domain_nr() */
#endif

	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->bus = bus;
	dev->devfn = emu->funcs[0].desc->devfn;
	dev->vendor = TEST_VENDOR;
	dev->device = TEST_DEVICE;
	dev->subsystem_vendor = TEST_SUBVENDOR;
	dev->subsystem_device = TEST_SUBDEVICE;
	dev->class = PCI_CLASS_OTHERS << 16;
	dev->hdr_type = PCI_HEADER_TYPE_NORMAL;
	dev->dev.init_name = "pci-align-kunit";
	return dev;
}

static const struct emu_desc pci_align_fake_desc[] = {
	{ .name = "fake", .devfn = PCI_DEVFN(2, 0),
	  .command = PCI_COMMAND_MEMORY },
};

static void pci_align_clear_probe_only(void *unused)
{
	pci_clear_flags(PCI_PROBE_ONLY);
}

/*
 * Under PCI_PROBE_ONLY nothing is realigned: the sysfs file shows no value
 * and refuses new ones, and no device gets an alignment.
 */
static void pci_align_test_probe_only(struct kunit *test)
{
	struct pci_align_emu *emu;
	struct pci_dev *dev;
	bool resize, all;
	char *shown;
	int ret;

	pci_align_set(test, "all");
	pci_add_flags(PCI_PROBE_ONLY);
	ret = kunit_add_action_or_reset(test, pci_align_clear_probe_only, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);

	shown = pci_align_show(test);
	KUNIT_EXPECT_STREQ(test, shown, "");
	KUNIT_EXPECT_EQ(test, pci_align_store("12@all\n", 7), (ssize_t)-EOPNOTSUPP);

	emu = emu_create(test, pci_align_fake_desc, 1);
	dev = pci_align_fake_dev(test, emu);
	KUNIT_EXPECT_EQ(test, pci_specified_resource_alignment(dev, &resize, &all),
			0);

	pci_clear_flags(PCI_PROBE_ONLY);
	KUNIT_EXPECT_STREQ(test, pci_align_show(test), "all");
}

struct pci_align_match_case {
	const char *desc;
	const char *param;
	resource_size_t align;	/* 0: the default for unmatched devices */
	bool resize;
	bool all;
};

static const struct pci_align_match_case pci_align_match_cases[] = {
	{ "all", "all", TEST_PAGE, false, true },
	{ "12@all", "12@all", SZ_4K, false, true },
	{ "16@all", "16@all", SZ_64K, false, true },
	{ "31@all", "31@all", SZ_2G, false, true },
	{ "first all", "all;14@all", TEST_PAGE, false, true },
	{ "first order@all", "14@all;all", SZ_16K, false, true },
	{ "device", TEST_DEV_ID, PAGE_SIZE, true, false },
	{ "order@device", "13@" TEST_DEV_ID, SZ_8K, true, false },
	{ "device after all", "all;13@" TEST_DEV_ID, SZ_8K, true, false },
	{ "device before all", "13@" TEST_DEV_ID ";all", SZ_8K, true, false },
	{ "device after all, comma", "all,13@" TEST_DEV_ID, SZ_8K, true, false },
	{ "first device entry", "14@" TEST_DEV_ID ";13@" TEST_DEV_ID, SZ_16K,
	  true, false },
	{ "subsystem IDs", "13@pci:1b36:0005:1af4:1100", SZ_8K, true, false },
	{ "other subsystem", "13@pci:1b36:0005:1af4:1101;all", TEST_PAGE,
	  false, true },
	{ "other device, all", "13@" TEST_BRIDGE_ID ";all", TEST_PAGE,
	  false, true },
	{ "other device", "13@" TEST_BRIDGE_ID, 0, false, false },
	{ "off", "off", 0, false, false },
};

KUNIT_ARRAY_PARAM_DESC(pci_align_match, pci_align_match_cases, desc);

static void pci_align_test_match(struct kunit *test)
{
	const struct pci_align_match_case *c = test->param_value;
	struct pci_align_emu *emu;
	struct pci_dev *dev;
	resource_size_t align, def;
	bool resize = true, all = true;

	emu = emu_create(test, pci_align_fake_desc, 1);
	dev = pci_align_fake_dev(test, emu);
	def = pci_align_default(test, dev);

	pci_align_set(test, c->param);
	align = pci_specified_resource_alignment(dev, &resize, &all);
	KUNIT_EXPECT_EQ(test, align, c->align ?: def);
	KUNIT_EXPECT_EQ(test, resize, c->resize);
	KUNIT_EXPECT_EQ(test, all, c->all);
}

/* ---- realigning the BARs of one device -------------------------------- */

struct pci_align_bar_case {
	const char *desc;
	const char *param;
	u8 type;		/* enum test_bar_type */
	u8 resno;
	resource_size_t size;
	resource_size_t start;	/* 0: unassigned */
	u32 class;		/* 0: PCI_CLASS_OTHERS */
	bool virtfn;
	bool decoding_off;	/* PCI_COMMAND_MEMORY initially clear */
	bool no_command_memory;
	/* expected */
	bool released;		/* IORESOURCE_UNSET, to be assigned again */
	bool startalign;	/* IORESOURCE_STARTALIGN, start == alignment */
	resource_size_t res_size;
	resource_size_t align;	/* pci_resource_alignment(), 0: don't check */
	resource_size_t min_mem_align;
	resource_size_t bar_min_align;
};

#define MISALIGNED	(TEST_WINDOW + SZ_1M + 0x40)
#define ALIGNED		(TEST_WINDOW + SZ_1M)

static const struct pci_align_bar_case pci_align_bar_cases[] = {
	/* "all": BARs keep their size and get IORESOURCE_STARTALIGN */
	{ "all: 16 B BAR, unassigned", "all", BAR_MEM32, 0, 16, 0,
	  .released = true, .startalign = true, .res_size = 16,
	  .align = TEST_PAGE, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "all: 32 B BAR, misaligned", "all", BAR_MEM32, 1, 32, MISALIGNED,
	  .released = true, .startalign = true, .res_size = 32,
	  .align = TEST_PAGE, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "all: 32 B BAR, already aligned", "all", BAR_MEM32, 0, 32, ALIGNED,
	  .res_size = 32, .align = TEST_PAGE, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "all: 64-bit BAR", "all", BAR_MEM64, 0, 256, MISALIGNED,
	  .released = true, .startalign = true, .res_size = 256,
	  .align = TEST_PAGE, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "all: 64-bit prefetchable BAR", "all", BAR_MEM64_PREF, 2, 128,
	  MISALIGNED, .released = true, .startalign = true, .res_size = 128,
	  .align = TEST_PAGE, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "all: 2 KiB ROM", "all", BAR_ROM, PCI_ROM_RESOURCE, SZ_2K, 0,
	  .released = true, .startalign = true, .res_size = SZ_2K,
	  .align = TEST_PAGE, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "all: page sized BAR", "all", BAR_MEM32, 0, TEST_PAGE, MISALIGNED,
	  .res_size = TEST_PAGE, .align = TEST_PAGE,
	  .min_mem_align = TEST_PAGE },
	{ "all: 1 GiB BAR", "all", BAR_MEM64_PREF, 0, SZ_1G, 0,
	  .res_size = SZ_1G, .align = SZ_1G, .min_mem_align = TEST_PAGE },
	{ "all: I/O BAR", "all", BAR_IO, 0, 32, 0x1040,
	  .res_size = 32, .align = 32, .min_mem_align = TEST_PAGE },
	{ "all: fixed BAR", "all", BAR_MEM32_FIXED, 0, 32, MISALIGNED,
	  .res_size = 32, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "all: host bridge", "all", BAR_MEM32, 0, 32, MISALIGNED,
	  .class = PCI_CLASS_BRIDGE_HOST << 8, .res_size = 32, .align = 32 },
	{ "all: VF", "all", BAR_MEM32, 0, 32, MISALIGNED, .virtfn = true,
	  .res_size = 32, .align = 32 },
	/* <order>@all */
	{ "12@all: 32 B BAR", "12@all", BAR_MEM32, 0, 32, 0,
	  .released = true, .startalign = true, .res_size = 32,
	  .align = SZ_4K, .min_mem_align = SZ_4K, .bar_min_align = SZ_4K },
	{ "16@all: 4 KiB BAR, 4 KiB aligned", "16@all", BAR_MEM32, 0, SZ_4K,
	  TEST_WINDOW + SZ_4K, .released = true, .startalign = true,
	  .res_size = SZ_4K, .align = SZ_64K, .min_mem_align = SZ_64K,
	  .bar_min_align = SZ_64K },
	{ "16@all: 4 KiB BAR, 64 KiB aligned", "16@all", BAR_MEM32, 0, SZ_4K,
	  TEST_WINDOW + SZ_64K, .res_size = SZ_4K, .align = SZ_64K,
	  .min_mem_align = SZ_64K, .bar_min_align = SZ_64K },
	{ "20@all: 256 KiB BAR", "20@all", BAR_MEM32, 0, SZ_256K, 0,
	  .released = true, .startalign = true, .res_size = SZ_256K,
	  .align = SZ_1M, .min_mem_align = SZ_1M, .bar_min_align = SZ_1M },
	/* Entries naming the device enlarge the resources */
	{ "device: 32 B BAR inflated", TEST_DEV_ID, BAR_MEM32, 0, 32,
	  MISALIGNED, .released = true, .res_size = PAGE_SIZE,
	  .align = PAGE_SIZE },
	{ "device: aligned BAR inflated too", TEST_DEV_ID, BAR_MEM32, 0, 32,
	  ALIGNED, .released = true, .res_size = PAGE_SIZE,
	  .align = PAGE_SIZE },
	{ "13@device: 4 KiB BAR", "13@" TEST_DEV_ID, BAR_MEM32, 0, SZ_4K,
	  MISALIGNED, .released = true, .res_size = SZ_8K, .align = SZ_8K },
	{ "13@device: 1 MiB BAR", "13@" TEST_DEV_ID, BAR_MEM32, 0, SZ_1M,
	  ALIGNED, .res_size = SZ_1M, .align = SZ_1M },
	{ "13@device: ROM", "13@" TEST_DEV_ID, BAR_ROM, PCI_ROM_RESOURCE,
	  SZ_2K, 0, .released = true, .res_size = SZ_8K, .align = SZ_8K },
	{ "13@device: I/O BAR", "13@" TEST_DEV_ID, BAR_IO, 0, 32, 0x1040,
	  .res_size = 32, .align = 32 },
	{ "all;13@device", "all;13@" TEST_DEV_ID, BAR_MEM32, 0, 32, MISALIGNED,
	  .released = true, .res_size = SZ_8K, .align = SZ_8K },
	{ "13@device;all", "13@" TEST_DEV_ID ";all", BAR_MEM32, 0, 32,
	  MISALIGNED, .released = true, .res_size = SZ_8K, .align = SZ_8K },
	{ "13@other;all", "13@" TEST_BRIDGE_ID ";all", BAR_MEM32, 0, 32,
	  MISALIGNED, .released = true, .startalign = true, .res_size = 32,
	  .align = TEST_PAGE, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "device: host bridge", TEST_DEV_ID, BAR_MEM32, 0, 32, MISALIGNED,
	  .class = PCI_CLASS_BRIDGE_HOST << 8, .res_size = 32, .align = 32 },
	{ "off", "off", BAR_MEM32, 0, 32, MISALIGNED,
	  .res_size = 32, .align = 32 },
	/* Memory decoding is left alone where it is off or can't be changed */
	{ "all: decoding off", "all", BAR_MEM32, 0, 32, MISALIGNED,
	  .decoding_off = true, .released = true, .startalign = true,
	  .res_size = 32, .align = TEST_PAGE, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "all: no_command_memory", "all", BAR_MEM32, 0, 32, MISALIGNED,
	  .no_command_memory = true, .released = true, .startalign = true,
	  .res_size = 32, .align = TEST_PAGE, .min_mem_align = TEST_PAGE,
	  .bar_min_align = TEST_PAGE },
	{ "device: no_command_memory", TEST_DEV_ID, BAR_MEM32, 0, 32,
	  MISALIGNED, .no_command_memory = true, .released = true,
	  .res_size = PAGE_SIZE, .align = PAGE_SIZE },
};

KUNIT_ARRAY_PARAM_DESC(pci_align_bar, pci_align_bar_cases, desc);

static unsigned long pci_align_bar_flags(u8 type)
{
	switch (type) {
	case BAR_MEM64:
		return IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_SIZEALIGN;
	case BAR_MEM64_PREF:
		return IORESOURCE_MEM | IORESOURCE_MEM_64 |
		       IORESOURCE_PREFETCH | IORESOURCE_SIZEALIGN;
	case BAR_ROM:
		return IORESOURCE_MEM | IORESOURCE_PREFETCH |
		       IORESOURCE_READONLY | IORESOURCE_SIZEALIGN;
	case BAR_IO:
		return IORESOURCE_IO | IORESOURCE_SIZEALIGN;
	case BAR_MEM32_FIXED:
		return IORESOURCE_MEM | IORESOURCE_PCI_FIXED;
	default:
		return IORESOURCE_MEM | IORESOURCE_SIZEALIGN;
	}
}

/*
 * pci_reassigndev_resource_alignment(), as called for every device that is
 * added, on a device with a single BAR described by the case.
 */
static void pci_align_test_bar(struct kunit *test)
{
	const struct pci_align_bar_case *c = test->param_value;
	struct pci_align_emu *emu;
	struct emu_func *f;
	struct pci_dev *dev;
	struct resource *r;
	bool mem_on;

	emu = emu_create(test, pci_align_fake_desc, 1);
	f = &emu->funcs[0];
	if (c->decoding_off)
		emu_set(f->cfg, PCI_COMMAND, 2, 0);
	mem_on = !c->decoding_off;

	dev = pci_align_fake_dev(test, emu);
	if (pci_align_default(test, dev))
		kunit_skip(test, "pcibios_default_alignment() is not 0");
	if (c->class)
		dev->class = c->class;
	dev->is_virtfn = c->virtfn;
	dev->no_command_memory = c->no_command_memory;

	r = pci_resource_n(dev, c->resno);
	r->name = "pci-align-kunit";
	r->flags = pci_align_bar_flags(c->type);
	r->start = c->start;
	r->end = c->start + c->size - 1;
	if (!c->start)
		r->flags |= IORESOURCE_UNSET;

	pci_align_set(test, c->param);
	pci_reassigndev_resource_alignment(dev);

	KUNIT_EXPECT_EQ(test, !!(r->flags & IORESOURCE_UNSET),
			c->released || !c->start);
	KUNIT_EXPECT_EQ(test, !!(r->flags & IORESOURCE_STARTALIGN), c->startalign);
	if (c->startalign)
		KUNIT_EXPECT_EQ(test, r->start, c->align);
	else if (!c->released)
		KUNIT_EXPECT_EQ(test, r->start, c->start);
	KUNIT_EXPECT_EQ(test, resource_size(r), c->res_size);
	if (c->align)
		KUNIT_EXPECT_EQ(test, pci_resource_alignment(dev, r), c->align);
	KUNIT_EXPECT_EQ(test, pci_min_mem_align(dev), c->min_mem_align);
	KUNIT_EXPECT_EQ(test, pci_bar_min_align(dev, c->resno), c->bar_min_align);
	KUNIT_EXPECT_EQ(test, r->flags & IORESOURCE_PCI_FIXED,
			pci_align_bar_flags(c->type) & IORESOURCE_PCI_FIXED);

	/* Decoding is turned off only when a BAR moves */
	if (c->released && mem_on && !c->no_command_memory) {
		KUNIT_EXPECT_EQ(test, f->mem_off, 1);
		KUNIT_EXPECT_EQ(test, f->cmd_writes, 1);
		KUNIT_EXPECT_FALSE(test, emu_get(f->cfg, PCI_COMMAND, 2) &
				   PCI_COMMAND_MEMORY);
	} else {
		KUNIT_EXPECT_EQ(test, f->cmd_writes, 0);
		KUNIT_EXPECT_EQ(test, !!(emu_get(f->cfg, PCI_COMMAND, 2) &
					 PCI_COMMAND_MEMORY), mem_on);
	}
	KUNIT_EXPECT_EQ(test, f->mem_on, 0);
}

/* ---- the parameter on generated input ---------------------------------- */

static unsigned long fuzz_seed = 1;
module_param(fuzz_seed, ulong, 0444);
MODULE_PARM_DESC(fuzz_seed, "Seed of the PRNG of pci_align_test_fuzz");

static unsigned int fuzz_values = 100000;
module_param(fuzz_values, uint, 0444);
MODULE_PARM_DESC(fuzz_values, "Number of values pci_align_test_fuzz generates");

#define FUZZ_MAX_ENTRIES	6
#define FUZZ_LEN		(2 * PAGE_SIZE)
#define FUZZ_PREV		"12@all"

/* What the grammar of pci_align_fuzz_value() knows of a value */
struct fuzz_expect {
	bool bad;		/* a malformed entry: check fails */
	char valid[FUZZ_LEN];	/* the valid entries, joined by ';' */
	resource_size_t align;	/* for the test device, 0: default */
	bool resize;
	bool all;
	bool unknown;		/* not checked against the grammar */
};

struct fuzz_state {
	struct rnd_state rnd;
	struct pci_dev *dev;
	unsigned int tried, accepted, mutated, sysfs;
	char value[FUZZ_LEN];
	char buf[FUZZ_LEN];
	char *shown;		/* a page, for sysfs_emit() */
	struct fuzz_expect exp;
	/* The first failure, reported once the console is back */
	char failure[256];
};

static u32 fuzz_rand(struct fuzz_state *s, u32 n)
{
	return prandom_u32_state(&s->rnd) % n;
}

/* Malformed entries: each one alone is rejected */
static const char * const fuzz_bad[] = {
	"x", "garbage", "0@all", "-1@all", "64@all", "99@all", "@all", "all@",
	"allx", "al", "12@", "pci:", "pci:zz:1", "pci:1b36", "0000:40:02",
	"0000:40:02.0x", "40", "/02.0", "0000:40:02.0/", "0000:40:02.0/2",
	"4294967308@all", "18446744073709551628@all",
	"99999999999999999999@all", " all", "all ", "12 @all", "+12@all",
};

static __printf(2, 3) void fuzz_cat(char *dst, const char *fmt, ...)
{
	size_t len = strlen(dst);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst + len, FUZZ_LEN - len, fmt, ap);
	va_end(ap);
}

/*
 * Append one entry of the grammar to s->value (and, if valid, to the
 * expected valid entries), updating what the test device should get.
 * Returns true if the entry may be followed by ',' (a path entry takes
 * ',' as part of it).
 */
static bool fuzz_entry(struct fuzz_state *s, char *out)
{
	struct fuzz_expect *e = &s->exp;
	unsigned int order = 0, kind = fuzz_rand(s, 8);
	int domain = pci_domain_nr(s->dev->bus);
	char entry[96] = "";
	bool match = false, comma = true;

	if (kind < 6 && fuzz_rand(s, 2))
		order = 1 + fuzz_rand(s, 8 * sizeof(resource_size_t) - 1);
	if (order)
		snprintf(entry, sizeof(entry), "%u@", order);

	switch (kind) {
	case 0:		/* all */
		fuzz_cat(entry, "all");
		if (!e->align && !e->all) {
			e->all = true;
			e->align = order ? (resource_size_t)1 << order : TEST_PAGE;
		}
		break;
	case 1:		/* IDs of the test device, or not */
		match = fuzz_rand(s, 2);
		fuzz_cat(entry, "pci:%x:%04x", match ? TEST_VENDOR : 0x8086,
			 TEST_DEVICE);
		if (fuzz_rand(s, 2))
			fuzz_cat(entry, ":%x:%x", TEST_SUBVENDOR,
				 TEST_SUBDEVICE + fuzz_rand(s, 2) * !match);
		break;
	case 2:		/* wildcards */
		match = true;
		fuzz_cat(entry, "pci:0:%x", fuzz_rand(s, 2) ? TEST_DEVICE : 0);
		break;
	case 3:		/* its path, or another one */
	case 4:
		match = fuzz_rand(s, 2);
		if (domain || fuzz_rand(s, 2))
			fuzz_cat(entry, "%04x:", domain);
		fuzz_cat(entry, "%02x:%02x.%x", TEST_BUSNR + !match,
			 PCI_SLOT(s->dev->devfn), PCI_FUNC(s->dev->devfn));
		comma = false;
		break;
	case 5:		/* a path through a bridge: never the root-bus device */
		fuzz_cat(entry, "%04x:%02x:%02x.0/%02x.%x", domain, TEST_BUSNR,
			 fuzz_rand(s, 32), fuzz_rand(s, 32), fuzz_rand(s, 8));
		comma = false;
		break;
	default:	/* malformed */
		e->bad = true;
		strscpy(entry, fuzz_bad[fuzz_rand(s, ARRAY_SIZE(fuzz_bad))]);
		comma = false;
		break;
	}

	fuzz_cat(out, "%s", entry);
	if (kind > 5)
		return comma;
	fuzz_cat(e->valid, "%s%s", *e->valid ? ";" : "", entry);
	if (match && kind != 0 && !e->resize) {
		/* The first entry naming the device wins over "all" */
		e->align = (resource_size_t)1 << (order ?: PAGE_SHIFT);
		e->resize = true;
		e->all = false;
	}
	return comma;
}

/* A value of 1..FUZZ_MAX_ENTRIES entries, sometimes over a page long */
static void fuzz_value(struct fuzz_state *s)
{
	unsigned int i, n = 1 + fuzz_rand(s, FUZZ_MAX_ENTRIES);
	bool comma, repeat = !fuzz_rand(s, 64);

	memset(&s->exp, 0, sizeof(s->exp));
	*s->value = '\0';
	for (i = 0; i < n; i++) {
		comma = fuzz_entry(s, s->value);
		if (i + 1 < n || fuzz_rand(s, 8) == 0)
			fuzz_cat(s->value, "%c", comma && fuzz_rand(s, 2) ? ',' : ';');
	}
	if (!repeat)
		return;
	/* The same entries again until it is longer than a page */
	n = strlen(s->value);
	while (strlen(s->value) + n + 1 < FUZZ_LEN - 1 &&
	       strlen(s->value) < PAGE_SIZE + 16)
		fuzz_cat(s->value, ";%.*s", n, s->value);
	s->exp.unknown = true;
}

/* Mutate s->value: bytes nobody typed by hand */
static void fuzz_mutate(struct fuzz_state *s)
{
	size_t len = strlen(s->value), pos = len ? fuzz_rand(s, len) : 0;
	static const char * const junk[] = {
		";", ",", ";;", ",,", "@", " ", "\t", "\n", "/", ":", ".",
		"99999999999999999999", "4294967296", "ffffffff", "-",
	};
	unsigned int i, n;

	switch (fuzz_rand(s, 5)) {
	case 0:		/* truncate */
		s->value[pos] = '\0';
		break;
	case 1:		/* insert a separator, huge number or whitespace */
		n = fuzz_rand(s, ARRAY_SIZE(junk));
		if (len + strlen(junk[n]) < FUZZ_LEN - 1) {
			memmove(s->value + pos + strlen(junk[n]), s->value + pos,
				len - pos + 1);
			memcpy(s->value + pos, junk[n], strlen(junk[n]));
		}
		break;
	case 2:		/* flip bytes */
		for (i = 0; len && i < 1 + fuzz_rand(s, 3); i++)
			s->value[fuzz_rand(s, len)] = 1 + fuzz_rand(s, 255);
		break;
	case 3:		/* random bytes */
		n = fuzz_rand(s, 80);
		for (i = 0; i < n; i++)
			s->value[i] = 1 + fuzz_rand(s, 255);
		s->value[n] = '\0';
		break;
	default:	/* duplicate a part */
		n = min_t(size_t, len - pos, FUZZ_LEN - 1 - len);
		memmove(s->value + pos + n, s->value + pos, len - pos + 1);
		break;
	}
}

static __printf(2, 3) void fuzz_fail(struct fuzz_state *s, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	if (*s->failure)
		return;
	len = snprintf(s->failure, sizeof(s->failure), "value %u: ", s->tried);
	va_start(ap, fmt);
	len += vsnprintf(s->failure + len, sizeof(s->failure) - len, fmt, ap);
	va_end(ap);
	snprintf(s->failure + len, sizeof(s->failure) - len,
		 ": \"%.100s\" (%zu bytes)", s->value, strlen(s->value));
}

static resource_size_t fuzz_match(struct fuzz_state *s, bool *resize,
				  bool *all)
{
	return pci_specified_resource_alignment(s->dev, resize, all);
}

/*
 * Write s->value to sysfs after FUZZ_PREV, as echo does, or with a NUL
 * byte in it: a rejected write keeps FUZZ_PREV.
 */
static void fuzz_sysfs(struct fuzz_state *s, int check)
{
	size_t len = strlen(s->value), nul = len + 1;
	char *shown = s->shown;
	ssize_t ret, want;

	if (pci_align_store(FUZZ_PREV, strlen(FUZZ_PREV)) != strlen(FUZZ_PREV)) {
		fuzz_fail(s, "can't set " FUZZ_PREV);
		return;
	}
	memcpy(s->buf, s->value, len);
	s->buf[len] = '\n';
	if (len && !fuzz_rand(s, 16)) {
		nul = fuzz_rand(s, len);	/* an embedded NUL */
		s->buf[nul] = '\0';
	}
	ret = pci_align_store(s->buf, len + 1);
	want = nul <= len || check || len + 1 >= PAGE_SIZE - 1 ? -EINVAL :
	       len + 1;
	if (!len)
		want = len + 1;		/* the default again */
	if (ret != want) {
		fuzz_fail(s, "sysfs write returned %zd, not %zd (NUL at %zu)",
			  ret, want, nul);
		return;
	}

	s->sysfs++;
	ret = bus_attr_resource_alignment.show(&pci_bus_type, shown);
	if (ret > 0 && shown[ret - 1] == '\n')
		shown[ret - 1] = '\0';
	if (want < 0 ? strcmp(shown, FUZZ_PREV) :
	    len && strcmp(shown, s->value))
		fuzz_fail(s, "sysfs shows the wrong value");
}

static void fuzz_one(struct fuzz_state *s, bool mutated)
{
	struct fuzz_expect *e = &s->exp;
	resource_size_t align, def;
	bool resize, all;
	char *valid;
	int check;

	check = pci_check_resource_alignment(s->value);
	if (check && check != -EINVAL) {
		fuzz_fail(s, "check returned an unknown error");
		return;
	}
	valid = pci_valid_resource_alignment(s->value);
	if (!check && *s->value && !valid)
		fuzz_fail(s, "an accepted value has no valid entries");
	if (valid && pci_check_resource_alignment(valid))
		fuzz_fail(s, "the valid entries are not accepted");
	if (valid && strlen(valid) > strlen(s->value))
		fuzz_fail(s, "the valid entries are longer than the value");
	if (!mutated && !e->unknown) {
		if (!e->bad == !!check)
			fuzz_fail(s, "check disagrees with the grammar");
		if (*e->valid ? !valid || strcmp(valid, e->valid) : !!valid)
			fuzz_fail(s, "valid entries \"%.60s\", grammar \"%.60s\"",
				  valid ?: "(none)", e->valid);
	}

	/* What a device gets from the valid entries, as on the command line */
	if (valid && strlen(valid) < PAGE_SIZE - 2) {
		pci_align_store("off", 3);
		def = fuzz_match(s, &resize, &all);
		if (pci_align_store(valid, strlen(valid)) != strlen(valid)) {
			fuzz_fail(s, "sysfs refuses the valid entries");
		} else {
			align = fuzz_match(s, &resize, &all);
			if (!mutated && !e->unknown &&
			    (align != (e->align ?: def) || resize != e->resize ||
			     all != e->all))
				fuzz_fail(s, "the device gets what the grammar doesn't say");
			/* An accepted value is matched as its valid entries */
			if (!check && *s->value &&
			    pci_align_store(s->value, strlen(s->value)) > 0) {
				bool r2, a2;

				if (fuzz_match(s, &r2, &a2) != align ||
				    r2 != resize || a2 != all)
					fuzz_fail(s, "matching differs from the checked value");
			}
		}
	}
	kfree(valid);
	s->accepted += !check;
	fuzz_sysfs(s, check);
}

/*
 * Generated values through the real parser: the check at set time, the
 * valid entries of the command line, sysfs and the matching at device
 * add.  Values come from the grammar of the parameter (with known
 * results) and from mutations of them and random bytes (no crash, and
 * the parser's parts agree with each other).  The malformed ones log
 * their errors into the kernel log buffer, not onto the console, so
 * that 100000 values take seconds.
 */
static void pci_align_test_fuzz(struct kunit *test)
{
	int loglevel = console_loglevel;
	struct pci_align_emu *emu;
	struct fuzz_state *s;
	u64 seed = fuzz_seed;
	bool warned;
	int locks;
	unsigned int i;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->shown = pci_align_show(test);
	emu = emu_create(test, pci_align_fake_desc, 1);
	s->dev = pci_align_fake_dev(test, emu);
	prandom_seed_state(&s->rnd, seed);
	kunit_info(test, "fuzz: seed %llu (pci_align_kunit.fuzz_seed=%llu repeats it)\n",
		   seed, seed);

	warned = test_taint(TAINT_WARN);
	locks = debug_locks;
	console_loglevel = CONSOLE_LOGLEVEL_SILENT;
	for (i = 0; i < fuzz_values && !*s->failure; i++) {
		bool mutated = i % 2;

		s->tried = i;
		fuzz_value(s);
		if (mutated) {
			fuzz_mutate(s);
			s->mutated++;
		}
		fuzz_one(s, mutated);
		cond_resched();
	}
	console_loglevel = loglevel;

	/*
	 * KASAN and UBSAN fail the test themselves; a WARN or lockdep report
	 * would not be seen on the silent console.
	 */
	KUNIT_EXPECT_FALSE_MSG(test, !warned && test_taint(TAINT_WARN),
			       "a WARNING was logged, seed %llu", seed);
	KUNIT_EXPECT_EQ_MSG(test, debug_locks, locks,
			    "lockdep reported a problem, seed %llu", seed);
	kunit_info(test, "fuzz: %u values (%u mutated), %u accepted, %u sysfs writes\n",
		   i, s->mutated, s->accepted, s->sysfs);
	KUNIT_EXPECT_STREQ_MSG(test, s->failure, "", "seed %llu", seed);
	KUNIT_EXPECT_EQ(test, i, fuzz_values);
}

static struct kunit_case pci_align_param_test_cases[] = {
	KUNIT_CASE_PARAM(pci_align_test_check, pci_align_param_gen_params),
	KUNIT_CASE_PARAM(pci_align_test_valid, pci_align_param_gen_params),
	KUNIT_CASE_PARAM(pci_align_test_sysfs, pci_align_param_gen_params),
	KUNIT_CASE(pci_align_test_sysfs_nul),
	KUNIT_CASE_PARAM(pci_align_test_match, pci_align_match_gen_params),
	KUNIT_CASE(pci_align_test_probe_only),
	KUNIT_CASE_PARAM(pci_align_test_bar, pci_align_bar_gen_params),
	KUNIT_CASE_SLOW(pci_align_test_fuzz),
	{}
};

static struct kunit_suite pci_align_param_test_suite = {
	.name = "pci_align_param",
	.init = pci_align_test_init,
	.exit = pci_align_test_exit,
	.test_cases = pci_align_param_test_cases,
};

/* ---- BARs assigned on an emulated bus ----------------------------------- */

/*
 * Devices with memory BARs of 32 B to 1 MiB on the root bus and behind a
 * PCI-to-PCI bridge, with addresses left to Linux.
 */
static const struct emu_desc pci_align_topology[] = {
	{ .name = "a", .devfn = PCI_DEVFN(0, 0),
	  .bars = { { 0, BAR_MEM32, 32 }, { 2, BAR_MEM64_PREF, 128 } } },
	{ .name = "b", .devfn = PCI_DEVFN(1, 0),
	  .bars = { { 0, BAR_MEM32, 64 }, { 1, BAR_MEM32, 256 } } },
	{ .name = "c", .devfn = PCI_DEVFN(2, 0),
	  .bars = { { 0, BAR_MEM32, SZ_1M }, { 1, BAR_MEM32, 32 } } },
	{ .name = "d", .devfn = PCI_DEVFN(3, 0),
	  .bars = { { 0, BAR_MEM32, SZ_4K }, { 2, BAR_MEM64, 512 },
		    { PCI_ROM_RESOURCE, BAR_ROM, SZ_2K } } },
	{ .name = "bridge", .devfn = PCI_DEVFN(4, 0), .bridge = true },
	{ .name = "h0", .devfn = PCI_DEVFN(5, 0),
	  .bars = { { 0, BAR_MEM32, 32 } } },
	{ .name = "h1", .devfn = PCI_DEVFN(5, 1),
	  .bars = { { 0, BAR_MEM32, 32 } } },
	{ .name = "e", .devfn = PCI_DEVFN(0, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, 32 } } },
	{ .name = "f", .devfn = PCI_DEVFN(1, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, 128 }, { 2, BAR_MEM64_PREF, 64 } } },
	{ .name = "g", .devfn = PCI_DEVFN(2, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, SZ_2K } } },
	/* Hot-added below the bridge by pci_align_test_hotplug() */
	{ .name = "n", .devfn = PCI_DEVFN(3, 0), .secondary = true,
	  .absent = true, .bars = { { 0, BAR_MEM32, SZ_1M } } },
};

static void emu_assign(struct pci_align_emu *emu, bool size_and_assign)
{
	pci_lock_rescan_remove();
	if (size_and_assign) {
		/* As pci_host_probe() */
		pci_bus_size_bridges(emu->bus);
		pci_bus_assign_resources(emu->bus);
	} else {
		/* As pci_assign_unassigned_resources() (ACPI, x86) */
		pci_assign_unassigned_root_bus_resources(emu->bus);
	}
	pci_unlock_rescan_remove();
}

/*
 * Claim the BARs that are where firmware placed them and leave the others
 * to be assigned, as x86 and powerpc do (pcibios_allocate_resources(),
 * pcibios_claim_one_bus()).
 */
static void emu_claim_placed(struct pci_bus *bus)
{
	struct pci_dev *dev;
	struct resource *r;
	int i;

	list_for_each_entry(dev, &bus->devices, bus_list) {
		pci_dev_for_each_resource(dev, r, i) {
			if (!r->flags || r->parent || (r->flags & IORESOURCE_UNSET))
				continue;
			pci_claim_resource(dev, i);
		}
		if (dev->subordinate)
			emu_claim_placed(dev->subordinate);
	}
}

struct pci_align_bus_case {
	const char *desc;
	const char *param;
	resource_size_t window;
	bool size_and_assign;
	resource_size_t page;	/* no two devices in one, 0: they may share */
	bool fallback;		/* some small BARs can't be aligned */
};

static const struct pci_align_bus_case pci_align_bus_cases[] = {
	{ "all", "all", SZ_64M, false, TEST_PAGE },
	{ "all, size and assign", "all", SZ_64M, true, TEST_PAGE },
	{ "12@all", "12@all", SZ_64M, false, SZ_4K },
	{ "16@all", "16@all", SZ_64M, false, SZ_64K },
	{ "16@all, size and assign", "16@all", SZ_64M, true, SZ_64K },
	{ "all, small window", "all", TEST_TIGHT_WINDOW, false, 0, true },
	{ "all, small window, size and assign", "all", TEST_TIGHT_WINDOW,
	  true, 0, true },
	{ "off", "off", SZ_64M, false, 0 },
	{ "off, size and assign", "off", SZ_64M, true, 0 },
	{ "off, small window", "off", TEST_TIGHT_WINDOW, false, 0 },
};

KUNIT_ARRAY_PARAM_DESC(pci_align_bus, pci_align_bus_cases, desc);

/* Scan the emulated bus and assign its resources with the case's value */
static void pci_align_test_bus(struct kunit *test)
{
	const struct pci_align_bus_case *c = test->param_value;
	unsigned int i, n, unaligned = 0;
	struct emu_bar_ref *bars, *ref;
	struct pci_align_emu *emu;

	emu = emu_create(test, pci_align_topology,
			 ARRAY_SIZE(pci_align_topology));
	pci_align_set(test, c->param);
	emu_scan(test, emu, c->window);
	emu_assign(emu, c->size_and_assign);

	/* Every BAR is assigned, with its hardware size */
	emu_check_bars(test, emu, NULL, 0);

	bars = emu_bars(test, emu, &n);
	for (i = 0; i < n; i++) {
		ref = &bars[i];
		if (ref->b->size < test_page &&
		    !IS_ALIGNED(ref->r->start, test_page))
			unaligned++;
		if (!strcmp(c->param, "off")) {
			KUNIT_EXPECT_EQ(test, pci_min_mem_align(ref->dev), 0);
		} else if (ref->b->size < c->page) {
			KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(ref->r->start, c->page),
					      "%s %pR", ref->f->desc->name, ref->r);
			KUNIT_EXPECT_EQ(test, pci_resource_alignment(ref->dev, ref->r),
					c->page);
		}
	}

	if (c->page) {
		KUNIT_EXPECT_EQ(test, emu_shared(test, emu, c->page, true), 0);
		KUNIT_EXPECT_EQ(test, emu_shared(test, emu, PAGE_SIZE, true), 0);
		KUNIT_EXPECT_EQ(test, emu_shared(test, emu, SZ_4K, true), 0);
	} else if (c->fallback) {
		/* No room for the alignment; placed anyway */
		KUNIT_EXPECT_GT(test, unaligned, 0);
	} else {
		/* Stock packing: small BARs of different devices share pages */
		KUNIT_EXPECT_GT(test, emu_shared(test, emu, SZ_4K, false), 0);
	}

	emu_remove(test, emu);
}

struct pci_align_entry_case {
	const char *desc;
	const char *fmt;	/* takes the domain and bus number of "f" */
};

static const struct pci_align_entry_case pci_align_entry_cases[] = {
	{ "all;13@device", "all;13@%04x:%02x:01.0" },
	{ "13@device;all", "13@%04x:%02x:01.0;all" },
};

KUNIT_ARRAY_PARAM_DESC(pci_align_entry, pci_align_entry_cases, desc);

/* An entry naming a device below the bridge, together with "all" */
static void pci_align_test_bus_entry(struct kunit *test)
{
	const struct pci_align_entry_case *c = test->param_value;
	struct pci_align_emu *emu;
	struct pci_dev *dev, *other;
	struct resource *r;
	char param[64];

	emu = emu_create(test, pci_align_topology,
			 ARRAY_SIZE(pci_align_topology));
	pci_align_set(test, "off");
	emu_scan(test, emu, SZ_64M);
	dev = emu_dev(test, emu, "f");

	/* Scan again with the entry, as after a remove and rescan */
	snprintf(param, sizeof(param), c->fmt, pci_domain_nr(dev->bus),
		 dev->bus->number);
	emu_remove(test, emu);
	emu = emu_create(test, pci_align_topology,
			 ARRAY_SIZE(pci_align_topology));
	pci_align_set(test, param);
	emu_scan(test, emu, SZ_64M);
	emu_assign(emu, false);

	emu_check_bars(test, emu, "f", SZ_8K);
	dev = emu_dev(test, emu, "f");
	KUNIT_EXPECT_EQ(test, pci_min_mem_align(dev), 0);
	pci_dev_for_each_resource(dev, r) {
		if (resource_size(r) && r - dev->resource <= PCI_ROM_RESOURCE)
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED(r->start, SZ_8K));
	}
	other = emu_dev(test, emu, "e");
	KUNIT_EXPECT_EQ(test, pci_min_mem_align(other), test_page);
	KUNIT_EXPECT_EQ(test, emu_shared(test, emu, test_page, true), 0);
}

/*
 * A BAR realigned with IORESOURCE_STARTALIGN keeps its alignment when it is
 * released and assigned again, as when a bridge window is resized.
 */
static void pci_align_test_release(struct kunit *test)
{
	struct emu_bar_ref *bars, *ref;
	struct pci_align_emu *emu;
	resource_size_t size;
	unsigned int i, n;
	struct resource *r;

	emu = emu_create(test, pci_align_topology,
			 ARRAY_SIZE(pci_align_topology));
	pci_align_set(test, "all");
	emu_scan(test, emu, SZ_64M);
	emu_assign(emu, false);

	bars = emu_bars(test, emu, &n);
	for (i = 0; i < n; i++) {
		ref = &bars[i];
		r = ref->r;
		if (ref->b->size >= test_page)
			continue;
		size = resource_size(r);
		KUNIT_EXPECT_EQ(test, size, (resource_size_t)ref->b->size);
		KUNIT_EXPECT_EQ(test, pci_resource_alignment(ref->dev, r), test_page);

		pci_release_resource(ref->dev, ref->b->resno);
		KUNIT_EXPECT_NULL(test, r->parent);
		KUNIT_EXPECT_EQ(test, resource_size(r), size);
		KUNIT_EXPECT_EQ_MSG(test, pci_resource_alignment(ref->dev, r),
				    test_page, "%s %pR released",
				    ref->f->desc->name, r);

		KUNIT_EXPECT_EQ(test, pci_assign_resource(ref->dev, ref->b->resno), 0);
		KUNIT_EXPECT_NOT_NULL(test, r->parent);
		KUNIT_EXPECT_EQ(test, resource_size(r), size);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(r->start, test_page),
				      "%s %pR", ref->f->desc->name, r);
		KUNIT_EXPECT_EQ(test, pci_resource_alignment(ref->dev, r), test_page);
	}

	emu_check_bars(test, emu, NULL, 0);
	KUNIT_EXPECT_EQ(test, emu_shared(test, emu, test_page, true), 0);
}

/*
 * A device with a 1 MiB BAR is hot-added below the bridge, whose window
 * holds the realigned BARs already.  The window is released with the BARs
 * below it (release_child_resources()), sized and assigned again; the BARs
 * keep their alignment.
 */
static void pci_align_test_hotplug(struct kunit *test)
{
	struct emu_bar_ref *bars, *ref;
	struct pci_align_emu *emu;
	struct pci_dev *bridge;
	unsigned int i, n;
	struct resource *r;

	emu = emu_create(test, pci_align_topology,
			 ARRAY_SIZE(pci_align_topology));
	pci_align_set(test, "all");
	emu_scan(test, emu, SZ_64M);
	emu_assign(emu, false);
	emu_check_bars(test, emu, NULL, 0);

	bridge = emu_dev(test, emu, "bridge");
	r = &bridge->resource[PCI_BRIDGE_MEM_WINDOW];
	KUNIT_EXPECT_LT(test, resource_size(r), SZ_2M);

	emu_func(test, emu, "n")->present = true;
	pci_lock_rescan_remove();
	pci_scan_child_bus(bridge->subordinate);
	pci_assign_unassigned_bridge_resources(bridge);
	pci_unlock_rescan_remove();

	KUNIT_EXPECT_GE(test, resource_size(r), SZ_2M);
	emu_check_bars(test, emu, NULL, 0);
	bars = emu_bars(test, emu, &n);
	for (i = 0; i < n; i++) {
		ref = &bars[i];
		if (ref->b->size >= test_page)
			continue;
		KUNIT_EXPECT_EQ(test, pci_resource_alignment(ref->dev, ref->r),
				test_page);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(ref->r->start, test_page),
				      "%s %pR", ref->f->desc->name, ref->r);
	}
	KUNIT_EXPECT_EQ(test, emu_shared(test, emu, test_page, true), 0);
}

/* BARs firmware placed, decoding as firmware left it */
static const struct emu_desc pci_align_decode_topology[] = {
	{ .name = "moved", .devfn = PCI_DEVFN(0, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, 32, TEST_WINDOW + 0x40 } } },
	{ .name = "aligned", .devfn = PCI_DEVFN(1, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, 32, TEST_WINDOW + SZ_1M } } },
	{ .name = "off", .devfn = PCI_DEVFN(2, 0),
	  .bars = { { 0, BAR_MEM32, 32, TEST_WINDOW + 0x80 } } },
	{ .name = "two", .devfn = PCI_DEVFN(3, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, 32, TEST_WINDOW + 0xc0 },
		    { 1, BAR_MEM32, 64, TEST_WINDOW + 0x100 } } },
	{ .name = "nocmd", .devfn = PCI_DEVFN(4, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, 32, TEST_WINDOW + 0x140 } } },
	{ .name = "nocmd64", .devfn = PCI_DEVFN(5, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM64, 32, TEST_WINDOW + 0x180 } } },
};

struct pci_align_decode_case {
	const char *desc;
	const char *name;	/* device under test */
	bool no_command_memory;
	bool late_no_command_memory;	/* set after realignment */
	bool stepwise;		/* assign its BARs one by one */
	/* expected */
	bool moved;
	unsigned int mem_off, mem_on, cmd_writes;
	bool decoding;		/* at the end */
};

static const struct pci_align_decode_case pci_align_decode_cases[] = {
	{ "BAR moves: decoding off, then on", "moved", false, false, false,
	  true, 1, 1, 2, true },
	{ "BAR aligned: not moved, PCI_COMMAND not written", "aligned", false,
	  false, false, false, 0, 0, 0, true },
	{ "decoding was off: stays off", "off", false, false, false,
	  true, 0, 0, 0, false },
	{ "two BARs: on once both are assigned", "two", false, false, true,
	  true, 1, 1, 2, true },
	{ "no_command_memory: PCI_COMMAND not written", "nocmd", true, false,
	  false, true, 0, 0, 0, true },
	{ "no_command_memory, 64-bit BAR: PCI_COMMAND not written", "nocmd64",
	  true, false, false, true, 0, 0, 0, true },
	{ "no_command_memory set after realignment: not turned on",
	  "nocmd", false, true, false, true, 1, 0, 1, false },
};

KUNIT_ARRAY_PARAM_DESC(pci_align_decode, pci_align_decode_cases, desc);

/*
 * Set the value after the devices were found, realign every device as
 * pci_device_add() does, claim the BARs left in place and assign the
 * others, as x86 does with BARs placed by firmware.
 */
static void pci_align_test_decode(struct kunit *test)
{
	const struct pci_align_decode_case *c = test->param_value;
	const struct emu_bar *b;
	struct pci_align_emu *emu;
	struct pci_dev *dev, *d;
	struct emu_func *f;
	struct resource *r;
	u64 fw_addr;

	emu = emu_create(test, pci_align_decode_topology,
			 ARRAY_SIZE(pci_align_decode_topology));
	pci_align_set(test, "off");
	emu_scan(test, emu, SZ_64M);

	f = emu_func(test, emu, c->name);
	dev = emu_pci_dev(test, emu, f);
	dev->no_command_memory = c->no_command_memory;
	r = pci_resource_n(dev, 0);
	fw_addr = f->desc->bars[0].addr;
	KUNIT_ASSERT_EQ(test, r->start, fw_addr);
	emu_reset_log(emu);

	pci_align_set(test, "all");
	pci_lock_rescan_remove();
	list_for_each_entry(d, &emu->bus->devices, bus_list)
		pci_reassigndev_resource_alignment(d);
	KUNIT_EXPECT_EQ(test, !!(r->flags & IORESOURCE_UNSET), c->moved);
	KUNIT_EXPECT_EQ(test, f->mem_off, c->mem_off);
	KUNIT_EXPECT_EQ(test, f->mem_on, 0);
	if (c->late_no_command_memory)
		dev->no_command_memory = 1;

	emu_claim_placed(emu->bus);
	if (c->stepwise) {
		for (b = f->desc->bars; b < f->desc->bars + EMU_MAX_BARS && b->size; b++) {
			KUNIT_EXPECT_EQ(test, f->mem_on, 0);
			KUNIT_EXPECT_EQ(test, pci_assign_resource(dev, b->resno), 0);
		}
		KUNIT_EXPECT_EQ(test, f->mem_on, 1);
	}
	pci_assign_unassigned_bus_resources(emu->bus);
	pci_unlock_rescan_remove();

	emu_check_bars(test, emu, NULL, 0);
	KUNIT_EXPECT_EQ(test, emu_shared(test, emu, test_page, true), 0);
	if (c->moved)
		KUNIT_EXPECT_NE(test, r->start, fw_addr);
	else
		KUNIT_EXPECT_EQ(test, r->start, fw_addr);
	KUNIT_EXPECT_FALSE(test, r->flags & IORESOURCE_UNSET);

	KUNIT_EXPECT_EQ(test, f->mem_off, c->mem_off);
	KUNIT_EXPECT_EQ(test, f->mem_on, c->mem_on);
	KUNIT_EXPECT_EQ(test, f->cmd_writes, c->cmd_writes);
	KUNIT_EXPECT_EQ(test, !!(emu_get(f->cfg, PCI_COMMAND, 2) &
				 PCI_COMMAND_MEMORY), c->decoding);
}

/*
 * A device with a BAR at a fixed address (IORESOURCE_PCI_FIXED) next to one
 * that realignment moves: the fixed BAR is never assigned nor, where Linux
 * assigns everything (as pci_host_probe()), claimed; decoding comes back
 * on once the other one is assigned.
 */
static void pci_align_test_decode_fixed(struct kunit *test)
{
	struct pci_align_emu *emu;
	struct pci_dev *dev, *d;
	struct emu_func *f;

	emu = emu_create(test, pci_align_decode_topology,
			 ARRAY_SIZE(pci_align_decode_topology));
	pci_align_set(test, "off");
	emu_scan(test, emu, SZ_64M);
	f = emu_func(test, emu, "two");
	dev = emu_pci_dev(test, emu, f);
	pci_resource_n(dev, 1)->flags |= IORESOURCE_PCI_FIXED;
	emu_reset_log(emu);

	pci_align_set(test, "all");
	pci_lock_rescan_remove();
	list_for_each_entry(d, &emu->bus->devices, bus_list)
		pci_reassigndev_resource_alignment(d);
	KUNIT_EXPECT_EQ(test, f->mem_off, 1);
	pci_assign_unassigned_bus_resources(emu->bus);
	pci_unlock_rescan_remove();

	KUNIT_EXPECT_NOT_NULL(test, pci_resource_n(dev, 0)->parent);
	KUNIT_EXPECT_EQ(test, f->mem_on, 1);
	KUNIT_EXPECT_TRUE(test, emu_get(f->cfg, PCI_COMMAND, 2) &
			  PCI_COMMAND_MEMORY);
}

/*
 * A device decoding two BARs that firmware placed: the small one is
 * realigned, the large one doesn't fit in the window and can't be assigned
 * at all.  Its register still holds the firmware address, which is not the
 * device's resource, so decoding must stay off.
 */
static const struct emu_desc pci_align_failed_topology[] = {
	{ .name = "failed", .devfn = PCI_DEVFN(0, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, 32, TEST_WINDOW + 0x40 },
		    { 1, BAR_MEM32, SZ_4M, TEST_WINDOW + SZ_4M } } },
	{ .name = "other", .devfn = PCI_DEVFN(1, 0),
	  .bars = { { 0, BAR_MEM32, 32 } } },
};

static void pci_align_test_decode_failed(struct kunit *test)
{
	struct pci_align_emu *emu;
	struct pci_dev *dev;
	struct emu_func *f;

	emu = emu_create(test, pci_align_failed_topology,
			 ARRAY_SIZE(pci_align_failed_topology));
	pci_align_set(test, "all");
	emu_scan(test, emu, SZ_2M);
	f = emu_func(test, emu, "failed");
	dev = emu_pci_dev(test, emu, f);
	KUNIT_EXPECT_FALSE(test, emu_get(f->cfg, PCI_COMMAND, 2) &
			   PCI_COMMAND_MEMORY);
	emu_reset_log(emu);

	pci_lock_rescan_remove();
	emu_claim_placed(emu->bus);
	pci_assign_unassigned_bus_resources(emu->bus);
	pci_unlock_rescan_remove();

	KUNIT_EXPECT_NOT_NULL(test, pci_resource_n(dev, 0)->parent);
	KUNIT_EXPECT_NULL(test, pci_resource_n(dev, 1)->parent);
	KUNIT_EXPECT_EQ(test, f->mem_on, 0);
	KUNIT_EXPECT_FALSE(test, emu_get(f->cfg, PCI_COMMAND, 2) &
			   PCI_COMMAND_MEMORY);
}

/*
 * Devices decoding BARs firmware placed next to a bridge whose devices
 * Linux places, in a window too small for all the alignments: the first
 * (optional) pass of the assignment places fw0 and fails on fw1, and is
 * rolled back.  No device may decode while its BARs are rolled back
 * (checked by the emulation on every config write).
 */
static const struct emu_desc pci_align_rollback_topology[] = {
	{ .name = "fw0", .devfn = PCI_DEVFN(0, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, 32, TEST_WINDOW + 0x40 } } },
	{ .name = "fw1", .devfn = PCI_DEVFN(1, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, 64, TEST_WINDOW + 0x80 },
		    { 1, BAR_MEM32, 32, TEST_WINDOW + 0xc0 } } },
	{ .name = "big", .devfn = PCI_DEVFN(2, 0),
	  .bars = { { 0, BAR_MEM32, SZ_2M } } },
	{ .name = "bridge", .devfn = PCI_DEVFN(4, 0), .bridge = true },
	{ .name = "s0", .devfn = PCI_DEVFN(0, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, 32 }, { 1, BAR_MEM32, 64 } } },
	{ .name = "s1", .devfn = PCI_DEVFN(1, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, 128 } } },
	/* 1016 KiB: the window takes 1 MiB without the padding, 2 with */
	{ .name = "s2", .devfn = PCI_DEVFN(2, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, SZ_512K }, { 1, BAR_MEM32, SZ_256K },
		    { 2, BAR_MEM32, SZ_128K }, { 3, BAR_MEM32, SZ_64K },
		    { 4, BAR_MEM32, SZ_32K }, { 5, BAR_MEM32, SZ_16K } } },
	{ .name = "s3", .devfn = PCI_DEVFN(3, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, SZ_8K } } },
};

static void pci_align_test_decode_rollback(struct kunit *test)
{
	struct pci_align_emu *emu;

	if (TEST_PAGE > SZ_4K)
		kunit_skip(test, "the window is sized for 4 KiB pages");

	/*
	 * With the padding, the bridge window, "big" and fw0 fill the host
	 * bridge window, and fw1 fails; without it, all fit.
	 */
	emu = emu_create(test, pci_align_rollback_topology,
			 ARRAY_SIZE(pci_align_rollback_topology));
	pci_align_set(test, "all");
	emu_scan(test, emu, 4 * SZ_1M + SZ_4K);
	emu_reset_log(emu);
	emu_assign(emu, false);

	/* Every BAR placed, aligned or not, and decoding back on */
	emu_check_bars(test, emu, NULL, 0);
	KUNIT_EXPECT_EQ(test, emu_func(test, emu, "fw0")->mem_on, 1);
	KUNIT_EXPECT_EQ(test, emu_func(test, emu, "fw1")->mem_on, 1);
}

/*
 * A bridge window that fits in the host bridge window only without the
 * padding of the requested alignment: 1 MiB for 1020 KiB of BARs and four
 * small ones below the bridge, next to a 2 MiB BAR in a 3 MiB window.
 */
static const struct emu_desc pci_align_squeeze_topology[] = {
	{ .name = "big", .devfn = PCI_DEVFN(0, 0),
	  .bars = { { 0, BAR_MEM32, SZ_2M } } },
	{ .name = "bridge", .devfn = PCI_DEVFN(4, 0), .bridge = true },
	{ .name = "t0", .devfn = PCI_DEVFN(0, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, SZ_512K }, { 1, BAR_MEM32, SZ_256K },
		    { 2, BAR_MEM32, SZ_128K }, { 3, BAR_MEM32, SZ_64K } } },
	{ .name = "t1", .devfn = PCI_DEVFN(1, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, SZ_32K }, { 1, BAR_MEM32, SZ_16K },
		    { 2, BAR_MEM32, SZ_8K }, { 3, BAR_MEM32, SZ_4K } } },
	{ .name = "t2", .devfn = PCI_DEVFN(2, 0), .secondary = true,
	  .bars = { { 0, BAR_MEM32, 32 }, { 1, BAR_MEM32, 32 },
		    { 2, BAR_MEM32, 64 }, { 3, BAR_MEM32, 128 } } },
};

struct pci_align_squeeze_case {
	const char *desc;
	const char *param;
	bool size_and_assign;
};

static const struct pci_align_squeeze_case pci_align_squeeze_cases[] = {
	{ "off, size and assign", "off", true },
	{ "all, size and assign", "all", true },
	{ "16@all, size and assign", "16@all", true },
	{ "all, realloc", "all", false },
};

KUNIT_ARRAY_PARAM_DESC(pci_align_squeeze, pci_align_squeeze_cases, desc);

/*
 * As stock, every device gets its BARs, also where bridges are sized
 * without a realloc list (pci_bus_size_bridges(), as on MIPS, 32-bit ARM,
 * LoongArch and in acpiphp): the BARs below the bridge fall back to their
 * natural alignment rather than losing the window.
 */
static void pci_align_test_squeeze(struct kunit *test)
{
	const struct pci_align_squeeze_case *c = test->param_value;
	struct pci_align_emu *emu;

	if (TEST_PAGE > SZ_4K)
		kunit_skip(test, "the window is sized for 4 KiB pages");

	emu = emu_create(test, pci_align_squeeze_topology,
			 ARRAY_SIZE(pci_align_squeeze_topology));
	pci_align_set(test, c->param);
	emu_scan(test, emu, 3 * SZ_1M);
	emu_assign(emu, c->size_and_assign);

	emu_check_bars(test, emu, NULL, 0);
}

struct pci_align_claim_case {
	const char *desc;
	const char *param;
};

/* The device entries name every emulated device: they have the same IDs */
static const struct pci_align_claim_case pci_align_claim_cases[] = {
	{ "all", "all" },
	{ "20@all", "20@all" },
	{ "device entry", TEST_DEV_ID },
	{ "order@device entry", "12@" TEST_DEV_ID },
};

KUNIT_ARRAY_PARAM_DESC(pci_align_claim, pci_align_claim_cases, desc);

/*
 * An architecture that only claims what firmware assigned (sparc64) never
 * assigns the BARs that realignment released: claiming them puts them back
 * where firmware placed them, with their hardware size, and memory
 * decoding comes back on.  No device loses a BAR.
 */
static void pci_align_test_claim_only(struct kunit *test)
{
	const struct pci_align_claim_case *c = test->param_value;
	const struct emu_desc *d;
	struct pci_align_emu *emu;
	struct pci_dev *dev;
	struct emu_func *f;
	struct resource *r;

	emu = emu_create(test, pci_align_decode_topology,
			 ARRAY_SIZE(pci_align_decode_topology));
	pci_align_set(test, c->param);
	emu_scan(test, emu, SZ_64M);

	f = emu_func(test, emu, "moved");
	dev = emu_pci_dev(test, emu, f);
	KUNIT_EXPECT_TRUE(test, pci_resource_n(dev, 0)->flags & IORESOURCE_UNSET);
	KUNIT_EXPECT_FALSE(test, emu_get(f->cfg, PCI_COMMAND, 2) &
			   PCI_COMMAND_MEMORY);
	emu_reset_log(emu);

	pci_lock_rescan_remove();
	pci_bus_claim_resources(emu->bus);
	pci_unlock_rescan_remove();

	/* Every BAR claimed at the address firmware gave it */
	emu_check_bars(test, emu, NULL, 0);
	for (d = pci_align_decode_topology;
	     d < pci_align_decode_topology + ARRAY_SIZE(pci_align_decode_topology);
	     d++) {
		r = pci_resource_n(emu_dev(test, emu, d->name), 0);
		KUNIT_EXPECT_EQ_MSG(test, r->start, (resource_size_t)d->bars[0].addr,
				    "%s %pR", d->name, r);
	}
	KUNIT_EXPECT_EQ(test, f->mem_on, 1);
	KUNIT_EXPECT_TRUE(test, emu_get(f->cfg, PCI_COMMAND, 2) &
			  PCI_COMMAND_MEMORY);
}

/*
 * A BAR that can't be placed with its requested alignment goes back to the
 * address firmware gave it, if that is free, before it is placed anywhere
 * with its natural alignment: "moved" can't get a page of its own in an
 * 8 KiB window whose pages start with BARs placed by firmware.
 */
static const struct emu_desc pci_align_fw_topology[] = {
	{ .name = "page", .devfn = PCI_DEVFN(0, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, SZ_4K, TEST_WINDOW } } },
	{ .name = "start", .devfn = PCI_DEVFN(1, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, 64, TEST_WINDOW + SZ_4K } } },
	{ .name = "moved", .devfn = PCI_DEVFN(2, 0),
	  .command = PCI_COMMAND_MEMORY,
	  .bars = { { 0, BAR_MEM32, 32, TEST_WINDOW + SZ_4K + 0x100 } } },
};

static void pci_align_test_fw_addr(struct kunit *test)
{
	struct pci_align_emu *emu;
	struct pci_dev *dev;
	struct resource *r;

	if (TEST_PAGE > SZ_4K)
		kunit_skip(test, "the window is sized for 4 KiB pages");

	emu = emu_create(test, pci_align_fw_topology,
			 ARRAY_SIZE(pci_align_fw_topology));
	pci_align_set(test, "all");
	emu_scan(test, emu, SZ_8K);
	dev = emu_dev(test, emu, "moved");
	r = pci_resource_n(dev, 0);
	KUNIT_EXPECT_TRUE(test, r->flags & IORESOURCE_UNSET);

	pci_lock_rescan_remove();
	emu_claim_placed(emu->bus);	/* "page" and "start" */
	pci_assign_unassigned_bus_resources(emu->bus);
	pci_unlock_rescan_remove();

	emu_check_bars(test, emu, NULL, 0);
	KUNIT_EXPECT_EQ(test, r->start, TEST_WINDOW + SZ_4K + 0x100);
}

/*
 * A bridge window sized again after the BARs below it were released, as
 * for a Resizable BAR (pci_do_resource_release_and_resize()): it only fits
 * without the padding, and the BARs that can't keep their alignment fall
 * back instead of failing the resize with -ENOSPC.
 */
static void pci_align_test_reassign_bridge(struct kunit *test)
{
	static const char * const below[] = { "t0", "t1", "t2" };
	struct pci_dev *bridge, *dev;
	struct list_head *pos, *n;
	struct pci_align_emu *emu;
	struct resource *r;
	unsigned long type;
	LIST_HEAD(saved);
	unsigned int i, j;

	if (TEST_PAGE > SZ_4K)
		kunit_skip(test, "the window is sized for 4 KiB pages");

	emu = emu_create(test, pci_align_squeeze_topology,
			 ARRAY_SIZE(pci_align_squeeze_topology));
	pci_align_set(test, "all");
	emu_scan(test, emu, 3 * SZ_1M);
	emu_assign(emu, false);
	emu_check_bars(test, emu, NULL, 0);

	bridge = emu_dev(test, emu, "bridge");
	pci_lock_rescan_remove();
	for (i = 0; i < ARRAY_SIZE(below); i++) {
		dev = emu_dev(test, emu, below[i]);
		pci_dev_for_each_resource(dev, r, j)
			if (r->parent)
				pci_release_resource(dev, j);
	}
	type = bridge->resource[PCI_BRIDGE_MEM_WINDOW].flags;
	KUNIT_EXPECT_EQ(test, pci_reassign_bridge_resources(bridge, type, &saved),
			0);
	pci_unlock_rescan_remove();

	/* The saved windows, struct pci_dev_resource, list first */
	list_for_each_safe(pos, n, &saved) {
		list_del(pos);
		kfree(pos);
	}
	emu_check_bars(test, emu, NULL, 0);
}

static struct kunit_case pci_align_bus_test_cases[] = {
	KUNIT_CASE_PARAM(pci_align_test_bus, pci_align_bus_gen_params),
	KUNIT_CASE_PARAM(pci_align_test_bus_entry, pci_align_entry_gen_params),
	KUNIT_CASE(pci_align_test_release),
	KUNIT_CASE(pci_align_test_hotplug),
	KUNIT_CASE_PARAM(pci_align_test_decode, pci_align_decode_gen_params),
	KUNIT_CASE(pci_align_test_decode_fixed),
	KUNIT_CASE(pci_align_test_decode_failed),
	KUNIT_CASE(pci_align_test_decode_rollback),
	KUNIT_CASE_PARAM(pci_align_test_squeeze, pci_align_squeeze_gen_params),
	KUNIT_CASE_PARAM(pci_align_test_claim_only, pci_align_claim_gen_params),
	KUNIT_CASE(pci_align_test_fw_addr),
	KUNIT_CASE(pci_align_test_reassign_bridge),
	{}
};

static struct kunit_suite pci_align_bus_test_suite = {
	.name = "pci_align_bus",
	.init = pci_align_test_init,
	.exit = pci_align_test_exit,
	.test_cases = pci_align_bus_test_cases,
};

/* ---- pci_align_bench: scan and assign time of a large bus ------------- */

/* Small BARs of the devices on the large emulated buses */
static const struct emu_desc pci_align_bench_descs[] = {
	{ .name = "dev32", .bars = { { 0, BAR_MEM32, 32 },
				     { 2, BAR_MEM64_PREF, 128 } } },
	{ .name = "dev64", .bars = { { 0, BAR_MEM32, 64 },
				     { 2, BAR_MEM64_PREF, 256 } } },
	{ .name = "dev128", .bars = { { 0, BAR_MEM32, 128 },
				      { 2, BAR_MEM64_PREF, 32 } } },
	{ .name = "dev256", .bars = { { 0, BAR_MEM32, 256 },
				      { 2, BAR_MEM64_PREF, 64 } } },
};

static const struct emu_desc pci_align_bench_bridge = {
	.name = "bridge", .bridge = true,
};

static struct emu_func *emu_big_add(struct emu_big *big, unsigned int *n,
				    const struct emu_desc *d, unsigned int devfn)
{
	struct emu_func *f = &big->funcs[(*n)++];

	/* All eight functions of every slot are present */
	emu_init_func(f, d, !PCI_FUNC(devfn) && !d->bridge);
	return f;
}

/* bench_devices functions with small BARs; the bus numbers left to Linux */
static struct pci_align_emu *emu_big_create(struct kunit *test)
{
	struct pci_align_fixture *fix = test->priv;
	unsigned int i, devfn, n = 0, dev = 0, bridges, root;
	const struct emu_desc *d;
	struct pci_align_emu *emu;
	struct emu_func *f;
	struct emu_big *big;

	bridges = bench_devices / 256;
	root = bench_devices % 256;
	KUNIT_ASSERT_LE_MSG(test, bridges, EMU_BIG_MAX_BRIDGES,
			    "bench_devices=%u", bench_devices);
	KUNIT_ASSERT_LE_MSG(test, root, (32 - bridges) * 8,
			    "bench_devices=%u", bench_devices);

	emu = kunit_kzalloc(test, sizeof(*emu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, emu);
	big = kunit_kzalloc(test, sizeof(*big), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	big->bridges = bridges;
	big->nr_funcs = bench_devices;
	big->funcs = kunit_kcalloc(test, bridges + bench_devices,
				   sizeof(*big->funcs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big->funcs);
	if (bridges) {
		big->below = kunit_kcalloc(test, bridges, sizeof(*big->below),
					   GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, big->below);
	}
	emu->ops.read = emu_read;
	emu->ops.write = emu_write;
	emu->big = big;

	for (i = 0; i < bridges; i++) {
		f = emu_big_add(big, &n, &pci_align_bench_bridge, PCI_DEVFN(i, 0));
		f->cfg[PCI_PRIMARY_BUS] = 0;
		f->cfg[PCI_SECONDARY_BUS] = 0;
		f->cfg[PCI_SUBORDINATE_BUS] = 0;
		big->root[PCI_DEVFN(i, 0)] = f;
		for (devfn = 0; devfn < 256; devfn++) {
			d = &pci_align_bench_descs[dev++ % 4];
			big->below[i][devfn] = emu_big_add(big, &n, d, devfn);
		}
	}
	for (devfn = PCI_DEVFN(bridges, 0); devfn < PCI_DEVFN(bridges, 0) + root;
	     devfn++) {
		d = &pci_align_bench_descs[dev++ % 4];
		big->root[devfn] = emu_big_add(big, &n, d, devfn);
	}
	KUNIT_ASSERT_EQ(test, dev, bench_devices);
	fix->emu = emu;
	return emu;
}

struct emu_big_res {
	struct resource *r;
	struct pci_dev *dev;
};

struct emu_big_walk {
	struct emu_big_res *res;
	unsigned int max;
	unsigned int n;
	unsigned int unassigned;
};

static int emu_big_collect(struct pci_dev *dev, void *data)
{
	struct emu_big_walk *w = data;
	struct resource *r;
	int i;

	if (dev->subordinate)
		return 0;
	for (i = 0; i < PCI_ROM_RESOURCE; i++) {
		r = pci_resource_n(dev, i);
		if (!(r->flags & IORESOURCE_MEM) || !resource_size(r))
			continue;
		if (!r->parent) {
			w->unassigned++;
			continue;
		}
		if (w->n < w->max) {
			w->res[w->n].r = r;
			w->res[w->n].dev = dev;
		}
		w->n++;
	}
	return 0;
}

static int emu_big_cmp(const void *a, const void *b)
{
	const struct emu_big_res *x = a, *y = b;

	if (x->r->start == y->r->start)
		return 0;
	return x->r->start < y->r->start ? -1 : 1;
}

/*
 * Count the unassigned memory BARs and the pages holding BARs of two
 * devices; return the span of the host bridge window that is used.
 */
static resource_size_t emu_big_check(struct kunit *test,
				     struct pci_align_emu *emu,
				     unsigned int *unassigned,
				     unsigned int *shared)
{
	struct emu_big_walk w = { };
	struct resource *r, *prev;
	resource_size_t lo = ~(resource_size_t)0, hi = 0;
	unsigned int i;

	w.max = emu->big->nr_funcs * 2;
	w.res = kunit_kcalloc(test, w.max, sizeof(*w.res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.res);
	pci_walk_bus(emu->bus, emu_big_collect, &w);
	KUNIT_ASSERT_EQ(test, w.n + w.unassigned, w.max);

	sort(w.res, w.n, sizeof(*w.res), emu_big_cmp, NULL);
	*shared = 0;
	for (i = 1; i < w.n; i++) {
		r = w.res[i].r;
		prev = w.res[i - 1].r;
		if (w.res[i].dev != w.res[i - 1].dev &&
		    round_down(r->start, test_page) <=
		    round_down(prev->end, test_page))
			(*shared)++;
	}
	*unassigned = w.unassigned;

	for (r = emu->window.child; r; r = r->sibling) {
		lo = min(lo, r->start);
		hi = max(hi, r->end);
	}
	kunit_kfree(test, w.res);
	return hi > lo ? hi - lo + 1 : 0;
}

static int pci_align_bench_cmp(const void *a, const void *b)
{
	const u64 *x = a, *y = b;

	return *x == *y ? 0 : *x < *y ? -1 : 1;
}

static u64 pci_align_bench_median(u64 *ns)
{
	sort(ns, bench_reps, sizeof(*ns), pci_align_bench_cmp, NULL);
	return ns[bench_reps / 2];
}

static void pci_align_bench_restore_loglevel(void *level)
{
	console_loglevel = (int)(uintptr_t)level;
}

/*
 * Scan and assign bench_devices devices with two small BARs each, as
 * pci_host_probe() does, without and with "all", alternating, bench_reps
 * times each.  Report the median times and their ratio in one line
 * ("bench: n=... stock_ns=... all_ns=... ratio=...") that a benchmark
 * script can collect.  The kernel messages are kept off the
 * console meanwhile: the time is that of the PCI core, not of the console.
 */
static void pci_align_test_bench(struct kunit *test)
{
	static const char * const params[] = { "off", "all" };
	unsigned int rep, k, unassigned, shared;
	u64 *ns[2], t0, all, stock;
	resource_size_t span[2] = { };
	struct pci_align_fixture *fix = test->priv;
	struct pci_align_emu *emu;
	void *level;
	int ret;

	level = (void *)(uintptr_t)console_loglevel;
	ret = kunit_add_action_or_reset(test, pci_align_bench_restore_loglevel,
					level);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_GT(test, bench_reps, 0);
	for (k = 0; k < 2; k++) {
		ns[k] = kunit_kcalloc(test, bench_reps, sizeof(u64), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, ns[k]);
	}

	for (rep = 0; rep < bench_reps; rep++) {
		for (k = 0; k < 2; k++) {
			/* "off" first in even repetitions, "all" in odd ones */
			const char *param = params[k ^ (rep & 1)];
			bool is_all = !strcmp(param, "all");

			emu = emu_big_create(test);
			pci_align_set(test, param);
			console_loglevel = min(console_loglevel,
					       CONSOLE_LOGLEVEL_QUIET);
			t0 = ktime_get_ns();
			emu_scan(test, emu, SZ_256M);
			emu_assign(emu, true);
			ns[is_all][rep] = ktime_get_ns() - t0;
			console_loglevel = (int)(uintptr_t)level;

			span[is_all] = emu_big_check(test, emu, &unassigned,
						     &shared);
			KUNIT_EXPECT_EQ_MSG(test, unassigned, 0, "%s", param);
			if (is_all)
				KUNIT_EXPECT_EQ(test, shared, 0);
			else
				KUNIT_EXPECT_GT(test, shared, 0);
			kunit_info(test, "bench: rep=%u param=%s ns=%llu span=%llu unassigned=%u shared=%u\n",
				   rep, param, ns[is_all][rep],
				   (unsigned long long)span[is_all],
				   unassigned, shared);
			emu_remove(test, emu);
			fix->emu = NULL;
			kunit_kfree(test, emu->big->below);
			kunit_kfree(test, emu->big->funcs);
			kunit_kfree(test, emu->big);
			kunit_kfree(test, emu);
		}
	}

	stock = pci_align_bench_median(ns[0]);
	all = pci_align_bench_median(ns[1]);
	KUNIT_ASSERT_GT(test, stock, 0);
	kunit_info(test, "bench: n=%u reps=%u stock_ns=%llu all_ns=%llu ratio=%llu.%03llu stock_span=%llu all_span=%llu\n",
		   bench_devices, bench_reps, stock, all,
		   div64_u64(all, stock),
		   div64_u64(all * 1000, stock) % 1000,
		   (unsigned long long)span[0], (unsigned long long)span[1]);
}

static struct kunit_case pci_align_bench_test_cases[] = {
	KUNIT_CASE_SLOW(pci_align_test_bench),
	{}
};

static struct kunit_suite pci_align_bench_test_suite = {
	.name = "pci_align_bench",
	.init = pci_align_test_init,
	.exit = pci_align_test_exit,
	.test_cases = pci_align_bench_test_cases,
};

kunit_test_suites(&pci_align_param_test_suite, &pci_align_bus_test_suite,
		  &pci_align_bench_test_suite);

MODULE_DESCRIPTION("KUnit tests for PCI BAR alignment");
MODULE_LICENSE("GPL");
