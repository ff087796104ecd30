// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the requested BAR alignment: the parser of
 * "pci=resource_alignment=" and the alignment that BAR assignment uses.
 * The devices are plain structures on KUnit's heap; nothing is registered.
 */
#include <kunit/test.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include "../pci.h"

/* Device 0000:00:02.0 and 0000:01:03.0 behind bridge 0000:00:01.0 */
struct align_test_devs {
	struct pci_bus root, child;
	struct pci_dev bridge, dev, behind;
};

static struct align_test_devs *align_test_devs(struct kunit *test)
{
	struct align_test_devs *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	/*
	 * Domain 0: x86 reads the domain from sysdata, which must not be
	 * NULL; other architectures from the bus or not at all.
	 */
	d->root.sysdata = kunit_kzalloc(test, 256, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d->root.sysdata);
	d->child.sysdata = d->root.sysdata;
	d->child.number = 1;
	d->child.parent = &d->root;
	d->child.self = &d->bridge;

	d->bridge.bus = &d->root;
	d->bridge.devfn = PCI_DEVFN(1, 0);
	d->dev.bus = &d->root;
	d->dev.devfn = PCI_DEVFN(2, 0);
	d->dev.vendor = 0x1b36;
	d->dev.device = 0x0005;
	d->behind.bus = &d->child;
	d->behind.devfn = PCI_DEVFN(3, 0);
	return d;
}

struct parse_case {
	const char *value;
	resource_size_t all;	/* alignment of "all" entries */
	resource_size_t dev;	/* of the first entry naming 00:02.0 */
	resource_size_t behind;	/* of the first entry naming 01:03.0 */
};

static const struct parse_case parse_cases[] = {
	{ "all", PAGE_SIZE, 0, 0 },
	{ "12@all", SZ_4K, 0, 0 },
	{ "16@all;12@all", SZ_64K, 0, 0 },
	{ "12@all,16@all", SZ_64K, 0, 0 },
	{ "20@0000:00:02.0", 0, SZ_1M, 0 },
	{ "0000:00:02.0", 0, PAGE_SIZE, 0 },
	{ "00:02.0", 0, PAGE_SIZE, 0 },
	{ "13@0000:00:01.0/03.0", 0, 0, SZ_8K },
	{ "13@0000:00:02.0/03.0", 0, 0, 0 },
	{ "12@pci:1b36:0005", 0, SZ_4K, 0 },
	{ "12@pci:1b36:0005,14@all", SZ_16K, SZ_4K, 0 },
	{ "14@00:02.0;12@00:02.0", 0, SZ_16K, 0 },
	{ "12@all;20@00:02.0", SZ_4K, SZ_1M, 0 },
	/* malformed entries are skipped, the others keep their meaning */
	{ "bogus;12@all", SZ_4K, 0, 0 },
	{ "12@all;0000:00:02.x;14@00:02.0", SZ_4K, SZ_16K, 0 },
	{ "0000:00:01.0/x.0;13@all", SZ_8K, 0, 0 },
	{ "allx;12@all", SZ_4K, 0, 0 },
	{ "12@", 0, 0, 0 },
	{ "-1@all", 0, 0, 0 },
	{ "48@all", 0, 0, 0 },
	{ "99@00:02.0", 0, 0, 0 },
	{ "12@pci:1b36", 0, 0, 0 },
	{ "", 0, 0, 0 },
};

static void parse_case_desc(const struct parse_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->value);
}

KUNIT_ARRAY_PARAM(parse, parse_cases, parse_case_desc);

static void pci_align_test_parse(struct kunit *test)
{
	const struct parse_case *c = test->param_value;
	struct align_test_devs *d = align_test_devs(test);
	resource_size_t named;

	KUNIT_EXPECT_EQ(test, pci_parse_resource_alignment(c->value, &d->dev,
							   &named, false),
			c->all);
	KUNIT_EXPECT_EQ(test, named, c->dev);
	KUNIT_EXPECT_EQ(test, pci_parse_resource_alignment(c->value, &d->behind,
							   &named, false),
			c->all);
	KUNIT_EXPECT_EQ(test, named, c->behind);
}

struct bar_case {
	const char *name;
	int resno;
	unsigned long flags;
	resource_size_t size;
	unsigned int order;		/* pci_dev.bar_align_order */
	resource_size_t align;		/* pci_resource_alignment() */
	resource_size_t own;		/* pci_resource_own_alignment() */
};

#define MEM	(IORESOURCE_MEM | IORESOURCE_SIZEALIGN)
#define IO	(IORESOURCE_IO | IORESOURCE_SIZEALIGN)

static const struct bar_case bar_cases[] = {
	{ "256 B BAR, no request", 0, MEM, 256, 0, 256, 0 },
	{ "256 B BAR, 4 KiB", 0, MEM, 256, 12, SZ_4K, 256 },
	{ "256 B BAR, 64 KiB", 5, MEM, 256, 16, SZ_64K, 256 },
	{ "4 KiB BAR, 4 KiB", 0, MEM, SZ_4K, 12, SZ_4K, 0 },
	{ "1 MiB BAR, 4 KiB", 0, MEM | IORESOURCE_PREFETCH, SZ_1M, 12, SZ_1M, 0 },
	{ "1 MiB BAR, 2 MiB", 2, MEM | IORESOURCE_MEM_64, SZ_1M, 21, SZ_2M, SZ_1M },
	{ "2 KiB ROM, 4 KiB", PCI_ROM_RESOURCE, MEM, SZ_2K, 12, SZ_4K, SZ_2K },
	{ "I/O BAR, 4 KiB", 1, IO, 32, 12, 32, 0 },
	{ "no alignment flag", 0, IORESOURCE_MEM, 256, 12, 0, 0 },
};

static void bar_case_desc(const struct bar_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bar, bar_cases, bar_case_desc);

static void pci_align_test_bar(struct kunit *test)
{
	const struct bar_case *c = test->param_value;
	struct align_test_devs *d = align_test_devs(test);
	struct resource *r = &d->dev.resource[c->resno];
	resource_size_t align;

	d->dev.class = PCI_CLASS_NETWORK_ETHERNET << 8;
	d->dev.bar_align_order = c->order;
	r->flags = c->flags | IORESOURCE_UNSET;
	resource_set_range(r, 0, c->size);

	align = pci_resource_alignment(&d->dev, r);
	KUNIT_EXPECT_EQ(test, align, c->align);
	KUNIT_EXPECT_EQ(test, pci_resource_own_alignment(&d->dev, c->resno,
							 align), c->own);
	/* The BAR keeps its size */
	KUNIT_EXPECT_EQ(test, resource_size(r), c->size);
}

/* A bridge window's alignment is its own, whatever the bridge requests */
static void pci_align_test_window(struct kunit *test)
{
	struct align_test_devs *d = align_test_devs(test);
	struct resource *r = &d->bridge.resource[PCI_BRIDGE_MEM_WINDOW];

	d->bridge.class = PCI_CLASS_BRIDGE_PCI << 8;
	d->bridge.bar_align_order = 16;
	r->flags = IORESOURCE_MEM | IORESOURCE_STARTALIGN | IORESOURCE_UNSET;
	resource_set_range(r, SZ_1M, SZ_2M);

	KUNIT_EXPECT_EQ(test, pci_resource_alignment(&d->bridge, r), SZ_1M);
}

static struct kunit_case pci_align_test_cases[] = {
	KUNIT_CASE_PARAM(pci_align_test_parse, parse_gen_params),
	KUNIT_CASE_PARAM(pci_align_test_bar, bar_gen_params),
	KUNIT_CASE(pci_align_test_window),
	{}
};

static struct kunit_suite pci_align_test_suite = {
	.name = "pci-resource-alignment",
	.test_cases = pci_align_test_cases,
};

kunit_test_suite(pci_align_test_suite);
