// SPDX-License-Identifier: GPL-2.0
/*
 * Audit the memory BARs of the running system through sysfs:
 *  - no page holds memory BARs of two devices (VFs of one PF aside), so
 *    that each device can be passed through on its own;
 *  - no two devices' BARs overlap;
 *  - a device that decodes memory has every memory BAR assigned.
 *
 * It reports what it finds; it doesn't read the kernel command line.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#define PCI_DEVICES	"/sys/bus/pci/devices"
#define IORESOURCE_MEM	0x00000200
#define PCI_ROM_BAR	6
#define PCI_COMMAND	0x04
#define PCI_COMMAND_MEMORY	0x2

struct bar {
	char dev[64];
	char pf[64];		/* the PF of a VF, else "" */
	int idx;
	unsigned long long start, end;
};

static int read_bars(const char *dev, struct bar **bars, int *n)
{
	unsigned long long start, end, flags;
	char path[PATH_MAX], pf[PATH_MAX];
	ssize_t len;
	FILE *f;
	int idx;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/physfn", dev);
	len = readlink(path, pf, sizeof(pf) - 1);
	pf[len > 0 ? len : 0] = '\0';

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/resource", dev);
	f = fopen(path, "r");
	if (!f)
		return -1;
	for (idx = 0; idx <= PCI_ROM_BAR &&
	     fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3; idx++) {
		struct bar *b, *more;

		if (!(flags & IORESOURCE_MEM) || end <= start)
			continue;
		more = realloc(*bars, (*n + 1) * sizeof(**bars));
		if (!more)
			break;
		*bars = more;
		b = &(*bars)[(*n)++];
		snprintf(b->dev, sizeof(b->dev), "%.63s", dev);
		snprintf(b->pf, sizeof(b->pf), "%.63s",
			 strrchr(pf, '/') ? strrchr(pf, '/') + 1 : pf);
		b->idx = idx;
		b->start = start;
		b->end = end;
	}
	fclose(f);
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

FIXTURE(bars) {
	struct bar *bars;
	int n;
	unsigned long long page;
};

FIXTURE_SETUP(bars)
{
	struct dirent *de;
	DIR *d = opendir(PCI_DEVICES);

	if (!d)
		SKIP(return, "no %s", PCI_DEVICES);
	self->bars = NULL;
	self->n = 0;
	self->page = sysconf(_SC_PAGESIZE);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			read_bars(de->d_name, &self->bars, &self->n);
	closedir(d);
	if (!self->n)
		SKIP(return, "no memory BARs");
	qsort(self->bars, self->n, sizeof(*self->bars), by_start);
	TH_LOG("%d memory BARs, page size %llu", self->n, self->page);
}

FIXTURE_TEARDOWN(bars)
{
	free(self->bars);
}

/* Two BARs of different devices in one page; VFs of one PF aside */
TEST_F(bars, page_shared)
{
	int i, j, shared = 0;

	for (i = 0; i < self->n; i++) {
		struct bar *a = &self->bars[i];

		for (j = i + 1; j < self->n; j++) {
			struct bar *b = &self->bars[j];

			if (b->start / self->page > a->end / self->page)
				break;
			if (!strcmp(a->dev, b->dev) ||
			    (a->pf[0] && !strcmp(a->pf, b->pf)))
				continue;
			ksft_print_msg("page %#llx: %s BAR %d [%#llx-%#llx]\n",
				       b->start / self->page * self->page,
				       a->dev, a->idx, a->start, a->end);
			ksft_print_msg("  shared with %s BAR %d [%#llx-%#llx]\n",
				       b->dev, b->idx, b->start, b->end);
			shared++;
		}
	}
	EXPECT_EQ(0, shared);
}

TEST_F(bars, overlap)
{
	int i, j, overlaps = 0;

	for (i = 0; i < self->n; i++)
		for (j = i + 1; j < self->n &&
		     self->bars[j].start <= self->bars[i].end; j++) {
			ksft_print_msg("%s BAR %d overlaps %s BAR %d\n",
				       self->bars[i].dev, self->bars[i].idx,
				       self->bars[j].dev, self->bars[j].idx);
			overlaps++;
		}
	EXPECT_EQ(0, overlaps);
}

/* A device that decodes memory has all its memory BARs assigned */
TEST(decoding)
{
	unsigned long long start, end, flags;
	char path[PATH_MAX];
	struct dirent *de;
	int bad = 0, idx;
	DIR *d = opendir(PCI_DEVICES);

	if (!d)
		SKIP(return, "no %s", PCI_DEVICES);
	while ((de = readdir(d))) {
		unsigned char cmd[2];
		FILE *f;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/config",
			 de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		if (pread(fd, cmd, 2, PCI_COMMAND) != 2 ||
		    !(cmd[0] & PCI_COMMAND_MEMORY)) {
			close(fd);
			continue;
		}
		close(fd);
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/resource",
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		for (idx = 0; idx < PCI_ROM_BAR &&
		     fscanf(f, "%llx %llx %llx", &start, &end, &flags) == 3;
		     idx++) {
			if ((flags & IORESOURCE_MEM) && !start) {
				ksft_print_msg("%s decodes memory; BAR %d unassigned\n",
					       de->d_name, idx);
				bad++;
			}
		}
		fclose(f);
	}
	closedir(d);
	EXPECT_EQ(0, bad);
}

TEST_HARNESS_MAIN
