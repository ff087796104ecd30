// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init, the last step of every boot (after every
 * pcialign.test= mode and the kernel log dump, just before PCIALIGN-END):
 * what the hardware decodes.  Every device is enabled first, so that
 * whatever the kernel would let it decode, it does:
 *	PCIENABLE <bdf> ok|-E<NAME>
 *	    writing "1" to its enable file (-EBUSY: a driver is bound and
 *	    enabled it already; -EINVAL: e.g. a BAR without an address)
 * then /bin/pcibars --decode reads PCI_COMMAND and the BARs from each
 * device's config space (PCIDECODE-BEGIN ... PCIDECODE-END, see
 * guest/pcibars.c); harness/analyze.py looks for two devices decoding
 * the same address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define MAX_DEVICES	8192

static const char *err_name(int err)
{
	static char buf[16];

	switch (err) {
	case EINVAL: return "-EINVAL";
	case EBUSY: return "-EBUSY";
	case EIO: return "-EIO";
	case ENODEV: return "-ENODEV";
	case ENOMEM: return "-ENOMEM";
	case EPERM: return "-EPERM";
	case EACCES: return "-EACCES";
	case ENOENT: return "-ENOENT";
	case ENOSPC: return "-ENOSPC";
	}
	snprintf(buf, sizeof(buf), "-%d", err);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

void report_decode(void)
{
	static char *names[MAX_DEVICES];
	char path[512];
	int n, i, ret;

	n = list_devices(names, MAX_DEVICES);
	if (n < 0)
		printf("PCIERR cannot open %s: %s\n", PCI_DEVICES,
		       strerror(-n));
	else
		qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/enable", PCI_DEVICES,
			 names[i]);
		ret = write_file(path, "1");
		printf("PCIENABLE %s %s\n", names[i], ret ? err_name(-ret) : "ok");
		free(names[i]);
	}
	run_arg("/bin/pcibars", "--decode");
}
