// SPDX-License-Identifier: GPL-2.0
/*
 * Audit the placement of PCI memory BARs through sysfs.
 *
 * A hypervisor (Xen, KVM/vfio, ...) that passes a PCI device through to a
 * guest maps the device's memory BARs into the guest with page granularity.
 * If a page also holds a BAR of another device, the guest gets access to
 * the registers of that device too (XSA-461, CVE-2024-31146).  Linux packs
 * memory BARs smaller than a page of different devices into one page
 * unless it is asked to align them, with pci=resource_alignment=all (every
 * small memory BAR on an address aligned to max(4 KiB, PAGE_SIZE)),
 * "<order>@all" (aligned to 1 << order) or CONFIG_PCI_PAGE_ALIGN_BARS
 * (default "all", pci=resource_alignment=off turns it off).
 *
 * The value in effect is read from /sys/bus/pci/resource_alignment and the
 * BARs of every device from /sys/bus/pci/devices/<dev>/resource (lines 0-5
 * are BARs 0-5, line 6 is the expansion ROM; I/O BARs, unused and
 * unassigned BARs are ignored).
 *
 *   bars_aligned       every memory BAR starts on an address aligned to
 *                      the requested alignment (skipped if none is
 *                      requested for all devices; VFs and host bridges,
 *                      which the kernel leaves alone, are not checked)
 *   no_shared_4k_page  no 4 KiB page holds memory BARs of two devices
 *   no_shared_page     no PAGE_SIZE page holds memory BARs of two devices
 *                      (skipped if PAGE_SIZE is 4 KiB)
 *
 * BARs of one device (function) sharing a page are fine.  If no alignment
 * (or a smaller one) is requested, the shared pages are listed anyway, so
 * that it is known which devices are unsafe to pass through, and the test
 * is skipped.
 *
 * PCI_SYSFS_ROOT (default /sys/bus/pci) runs the tests on another directory
 * tree with the same layout, e.g. a synthetic one.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../kselftest_harness.h"

/* include/linux/ioport.h */
#define IORESOURCE_IO		0x00000100
#define IORESOURCE_MEM		0x00000200
#define IORESOURCE_DISABLED	0x10000000
#define IORESOURCE_UNSET	0x20000000

/* BARs 0-5 and the expansion ROM */
#define PCI_NUM_BARS		7
#define PCI_ROM_BAR		6
#define PCI_CLASS_BRIDGE_HOST	0x0600

#define SZ_4K			4096ULL
#define PARAM_MAX		4096

struct pci_bar {
	int dev;			/* index into audit.devs */
	int bar;			/* 0-5, or 6 for the ROM */
	unsigned long long start;
	unsigned long long end;
};

struct pci_device {
	char name[NAME_MAX + 1];	/* e.g. 0000:00:02.0 */
	bool virtfn;
	bool host_bridge;
	unsigned long long align;	/* from an entry naming it, or 0 */
	const char *entry;		/* that entry */
};

struct audit {
	const char *root;
	char param[PARAM_MAX];		/* resource_alignment */
	unsigned long long align;	/* for all devices, 0 if none */
	long page_size;
	struct pci_device *devs;
	int ndevs;
	struct pci_bar *bars;
	int nbars;
};

/* An informational line; flushed, as test children end with _exit() */
static void __printf(1, 2) note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Read the first line of a sysfs file, without the newline */
static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static bool read_hex(const char *root, const char *dev, const char *file,
		     unsigned int *val)
{
	char path[PATH_MAX], buf[64];

	snprintf(path, sizeof(path), "%s/devices/%s/%s", root, dev, file);
	return !read_line(path, buf, sizeof(buf)) &&
	       sscanf(buf, "%x", val) == 1;
}

static bool dev_exists(const char *root, const char *dev, const char *file)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/devices/%s/%s", root, dev, file);
	return !lstat(path, &st);
}

/*
 * Does the device part of a resource_alignment entry name @dev?  Returns
 * 1 if it does, 0 if not, -1 if the test can't tell.
 */
static int entry_matches(struct audit *a, const char *spec, size_t len,
			 const struct pci_device *dev)
{
	unsigned int id[4] = { 0 }, val, seg, bus, slot, fn;
	unsigned int dseg, dbus, dslot, dfn;
	static const char * const id_files[] = {
		"vendor", "device", "subsystem_vendor", "subsystem_device",
	};
	char buf[128];
	int i, n;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, spec, len);
	buf[len] = '\0';

	if (!strncmp(buf, "pci:", 4)) {
		n = sscanf(buf + 4, "%x:%x:%x:%x", &id[0], &id[1], &id[2],
			   &id[3]);
		if (n != 2 && n != 4)
			return -1;
		for (i = 0; i < 4; i++) {
			if (!id[i])
				continue;
			if (!read_hex(a->root, dev->name, id_files[i], &val) ||
			    val != id[i])
				return 0;
		}
		return 1;
	}

	/* A path of devfns below a bridge: not resolved here */
	if (strchr(buf, '/'))
		return -1;

	if (sscanf(buf, "%x:%x:%x.%x", &seg, &bus, &slot, &fn) != 4) {
		seg = 0;
		if (sscanf(buf, "%x:%x.%x", &bus, &slot, &fn) != 3)
			return -1;
	}
	if (sscanf(dev->name, "%x:%x:%x.%x", &dseg, &dbus, &dslot, &dfn) != 4)
		return 0;
	return seg == dseg && bus == dbus && slot == dslot && fn == dfn;
}

/* What "all" aligns to: max(4 KiB, PAGE_SIZE) */
static unsigned long long page_align(const struct audit *a)
{
	if (a->page_size < SZ_4K)
		return SZ_4K;
	return a->page_size;
}

/*
 * Parse resource_alignment like pci_parse_resource_alignment() does:
 * "[<order>@]<pci_dev>[; ...]", ',' also separating entries, where
 * <pci_dev> may be "all".  The first "all" entry gives the alignment for
 * all devices, the first entry naming a device that device's alignment.
 * Returns false if the value can't be parsed.
 */
static bool parse_param(struct audit *a)
{
	const char *p = a->param, *spec;
	unsigned long long align;
	int order, count, i, m;
	size_t len;

	a->align = 0;
	if (!strcmp(p, "off") || !*p)
		return true;

	while (*p) {
		len = strcspn(p, ";,");
		count = 0;
		if (sscanf(p, "%d%n", &order, &count) == 1 && p[count] == '@') {
			if (order < 1 || order > 63)
				return false;
			spec = p + count + 1;
		} else {
			order = -1;
			spec = p;
		}
		len -= spec - p;

		if (!len)
			return false;

		if (len == 3 && !strncmp(spec, "all", 3)) {
			if (!a->align)
				a->align = order < 0 ? page_align(a) :
					   1ULL << order;
		} else {
			if (order < 0)
				order = __builtin_ctzl(a->page_size);
			align = 1ULL << order;
			for (i = 0, m = 0; i < a->ndevs; i++) {
				struct pci_device *dev = &a->devs[i];
				int ret = entry_matches(a, spec, len, dev);

				if (ret > 0 && !dev->entry) {
					dev->align = align;
					dev->entry = p;
				}
				m += ret > 0;
				if (ret < 0)
					break;
			}
			if (i < a->ndevs)
				note("entry \"%.*s\": can't tell which device it names",
				     (int)(spec + len - p), p);
			else
				note("entry \"%.*s\": %d device(s), BARs enlarged to 0x%llx",
				     (int)(spec + len - p), p, m, align);
		}

		p = spec + len;
		if (*p)
			p++;
	}
	return true;
}

static int add_bar(struct audit *a, int dev, int bar, unsigned long long start,
		   unsigned long long end)
{
	struct pci_bar *bars;

	if (!(a->nbars & 63)) {
		bars = realloc(a->bars, (a->nbars + 64) * sizeof(*bars));
		if (!bars)
			return -ENOMEM;
		a->bars = bars;
	}
	a->bars[a->nbars++] = (struct pci_bar) {
		.dev = dev, .bar = bar, .start = start, .end = end,
	};
	return 0;
}

static int read_bars(struct audit *a, int dev)
{
	unsigned long long start, end, flags;
	char path[PATH_MAX], line[256];
	int bar, ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/devices/%s/resource", a->root,
		 a->devs[dev].name);
	f = fopen(path, "r");
	if (!f) {
		note("%s: can't open %s: %s", a->devs[dev].name, path,
		     strerror(errno));
		return 0;
	}

	for (bar = 0; bar < PCI_NUM_BARS && fgets(line, sizeof(line), f);
	     bar++) {
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3) {
			note("%s: can't parse line %d of %s", a->devs[dev].name,
			     bar, path);
			continue;
		}
		/* Unused, I/O, unassigned */
		if (!(flags & IORESOURCE_MEM) || end <= start)
			continue;
		if (!start || (flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED)))
			continue;
		ret = add_bar(a, dev, bar, start, end);
		if (ret)
			break;
	}
	fclose(f);
	return ret;
}

static int load(struct audit *a)
{
	struct dirent **names;
	char path[PATH_MAX];
	unsigned int class;
	int i, n, ret = 0;

	memset(a, 0, sizeof(*a));
	a->root = getenv("PCI_SYSFS_ROOT");
	if (!a->root || !*a->root)
		a->root = "/sys/bus/pci";
	a->page_size = sysconf(_SC_PAGESIZE);
	if (a->page_size <= 0)
		a->page_size = SZ_4K;

	snprintf(path, sizeof(path), "%s/devices", a->root);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		note("can't read %s: %s", path, strerror(errno));
		return 0;
	}
	a->devs = calloc(n ? n : 1, sizeof(*a->devs));
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct pci_device *dev = &a->devs[a->ndevs];

		if (a->devs && name[0] != '.' &&
		    strlen(name) < sizeof(dev->name)) {
			snprintf(dev->name, sizeof(dev->name), "%s", name);
			dev->virtfn = dev_exists(a->root, name, "physfn");
			dev->host_bridge =
				read_hex(a->root, name, "class", &class) &&
				class >> 8 == PCI_CLASS_BRIDGE_HOST;
			a->ndevs++;
		}
		free(names[i]);
	}
	free(names);
	if (!a->devs)
		return -ENOMEM;

	for (i = 0; i < a->ndevs && !ret; i++)
		ret = read_bars(a, i);
	return ret;
}

/* Load everything, returns the number of devices or a negative error */
static int audit_init(struct audit *a)
{
	char path[PATH_MAX];
	int ret;

	ret = load(a);
	if (ret)
		return ret;

	snprintf(path, sizeof(path), "%s/resource_alignment", a->root);
	if (read_line(path, a->param, sizeof(a->param)))
		note("can't read %s, assuming no alignment is requested", path);
	if (!parse_param(a)) {
		note("can't parse resource_alignment \"%s\"", a->param);
		a->align = 0;
	}
	if (a->align)
		note("resource_alignment \"%s\": align to 0x%llx; %d devices, %d memory BARs",
		     a->param, a->align, a->ndevs, a->nbars);
	else
		note("resource_alignment \"%s\": no alignment; %d devices, %d memory BARs",
		     a->param, a->ndevs, a->nbars);
	return a->ndevs;
}

static void audit_free(struct audit *a)
{
	free(a->devs);
	free(a->bars);
}

static void format_bar(const struct audit *a, const struct pci_bar *b,
		       char *buf, size_t size)
{
	snprintf(buf, size, "%s BAR %d [0x%llx-0x%llx]", a->devs[b->dev].name,
		 b->bar, b->start, b->end);
}

/* Number of pages of @size bytes holding memory BARs of two devices */
static int list_shared_pages(const struct audit *a, unsigned long long size)
{
	unsigned long long page, first, last;
	int i, j, k, side, nshared = 0;
	char buf[4096], bar[320];
	size_t len;

	for (i = 0; i < a->nbars; i++) {
		for (side = 0; side < 2; side++) {
			const struct pci_bar *b = &a->bars[i];
			bool shared = false, seen = false;

			/*
			 * A page is touched by two BARs only where one starts
			 * or ends, unless they overlap: check the first and
			 * the last page of every BAR.
			 */
			page = (side ? b->end : b->start) / size;
			if (side && page == b->start / size)
				continue;

			/* Listed already for an earlier BAR? */
			for (k = 0; k < i && !seen; k++)
				seen = a->bars[k].start / size == page ||
				       a->bars[k].end / size == page;
			if (seen)
				continue;

			len = snprintf(buf, sizeof(buf),
				       "page 0x%llx (0x%llx bytes) shared by",
				       page * size, size);
			for (j = 0, k = 0; j < a->nbars; j++) {
				first = a->bars[j].start / size;
				last = a->bars[j].end / size;
				if (page < first || page > last)
					continue;
				if (a->bars[j].dev != b->dev)
					shared = true;
				format_bar(a, &a->bars[j], bar, sizeof(bar));
				if (len < sizeof(buf))
					len += snprintf(buf + len,
							sizeof(buf) - len,
							"%s %s", k++ ? "," : "",
							bar);
			}
			if (shared) {
				note("%s", buf);
				nshared++;
			}
		}
	}
	return nshared;
}

static void check_shared_pages(struct __test_metadata *_metadata,
			       unsigned long long size)
{
	struct audit a;
	int ret, nshared;

	ret = audit_init(&a);
	ASSERT_LE(0, ret) TH_LOG("can't read %s: %s", a.root, strerror(-ret));
	if (!ret) {
		audit_free(&a);
		SKIP(return, "no PCI devices in %s/devices", a.root);
	}

	nshared = list_shared_pages(&a, size);
	note("%d pages of 0x%llx bytes hold memory BARs of different devices",
	     nshared, size);
	audit_free(&a);

	if (!a.align && !nshared)
		SKIP(return, "no BAR alignment requested; no shared pages");
	if (!a.align)
		SKIP(return, "no BAR alignment requested; %d shared pages listed above",
		     nshared);
	if (a.align < size)
		SKIP(return, "BAR alignment 0x%llx < 0x%llx; %d shared pages listed above",
		     a.align, size, nshared);
	ASSERT_EQ(0, nshared)
		TH_LOG("%d pages hold memory BARs of different devices",
		       nshared);
}

TEST(bars_aligned)
{
	unsigned long long align;
	int i, ret, checked = 0, bad = 0;
	const struct pci_device *dev;
	const struct pci_bar *b;
	char bar[320];
	struct audit a;

	ret = audit_init(&a);
	ASSERT_LE(0, ret) TH_LOG("can't read %s: %s", a.root, strerror(-ret));
	if (!ret) {
		audit_free(&a);
		SKIP(return, "no PCI devices in %s/devices", a.root);
	}
	if (!a.align) {
		audit_free(&a);
		SKIP(return, "no BAR alignment requested (resource_alignment \"%.200s\")",
		     a.param);
	}

	for (i = 0; i < a.nbars; i++) {
		b = &a.bars[i];
		dev = &a.devs[b->dev];
		if (dev->virtfn || dev->host_bridge) {
			if (i && a.bars[i - 1].dev == b->dev)
				continue;
			note("%s: %s, BARs not realigned by the kernel, not checked",
			     dev->name, dev->virtfn ? "VF" : "host bridge");
			continue;
		}
		align = dev->align ? dev->align : a.align;
		checked++;
		if (b->start & (align - 1)) {
			format_bar(&a, b, bar, sizeof(bar));
			note("%s not aligned to 0x%llx", bar, align);
			bad++;
		}
	}
	note("%d of %d memory BARs checked are not aligned", bad, checked);
	audit_free(&a);
	ASSERT_EQ(0, bad) TH_LOG("%d memory BARs not aligned", bad);
}

TEST(no_shared_4k_page)
{
	check_shared_pages(_metadata, SZ_4K);
}

TEST(no_shared_page)
{
	long page_size = sysconf(_SC_PAGESIZE);

	if (page_size == SZ_4K)
		SKIP(return, "PAGE_SIZE is 4 KiB, the same as no_shared_4k_page");
	check_shared_pages(_metadata, page_size);
}

TEST_HARNESS_MAIN
