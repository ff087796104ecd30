// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init, pcialign.test=rescan: write "all" to
 * resource_alignment, remove every device that is not a bridge (base
 * class 0x06), rescan, then
 *	PCIALIGN-REPORT rescan
 *	"RESCAN <what> <result>" lines
 *	<pcibars output again>
 * before the kernel log dump, so that it includes the rescan.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define PCI_BASE_CLASS_BRIDGE 0x06

/* Base class of device @bdf from sysfs "class", or -1 */
static int base_class(const char *bdf)
{
	long class = read_attr(bdf, "class");

	return class < 0 ? -1 : (class >> 16) & 0xff;
}

/*
 * Runtime "all": set resource_alignment through sysfs, remove all
 * non-bridge devices, rescan and report the BARs again.
 */
void test_rescan(void)
{
	char *names[256], path[512];
	int i, n = 0, ret;

	printf("PCIALIGN-REPORT rescan\n");
	ret = write_file(RA_FILE, "all\n");
	printf("RESCAN set-all %d\n", ret);

	n = list_devices(names, ARRAY_SIZE(names));
	if (n < 0) {
		printf("RESCAN opendir %d\n", n);
		return;
	}

	for (i = 0; i < n; i++) {
		int class = base_class(names[i]);

		if (class >= 0 && class != PCI_BASE_CLASS_BRIDGE) {
			snprintf(path, sizeof(path), "%s/%s/remove",
				 PCI_DEVICES, names[i]);
			ret = write_file(path, "1\n");
			printf("RESCAN remove %s %d\n", names[i], ret);
		}
		free(names[i]);
	}

	ret = write_file(PCI_RESCAN, "1\n");
	printf("RESCAN rescan %d\n", ret);
	run("/bin/pcibars");
}
