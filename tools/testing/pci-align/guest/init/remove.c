// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init, pcialign.test=remove pcialign.remove=BDF[,BDF...]:
 * remove those devices (bridges included, with everything below them),
 * rescan ("pcialign: remove" and "pcialign: rescan" go to the kernel log
 * first), then
 *	PCIALIGN-REPORT remove
 *	"RESCAN <what> <result>" lines
 *	<pcibars output again>
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

/*
 * Remove the devices listed in pcialign.remove= (comma separated; a bridge
 * takes everything below it along), rescan and report the BARs again.
 */
void test_remove(void)
{
	char list[1024], path[512], *tok, *save;
	int ret;

	printf("PCIALIGN-REPORT remove\n");
	if (!cmdline_value("pcialign.remove", list, sizeof(list))) {
		printf("RESCAN remove-list missing\n");
		return;
	}
	kmsg_mark("remove");
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		snprintf(path, sizeof(path), "%s/%s/remove", PCI_DEVICES, tok);
		ret = write_file(path, "1\n");
		printf("RESCAN remove %s %d\n", tok, ret);
	}
	printf("RESCAN-INFO devices-left %d\n", count_devices());
	kmsg_mark("rescan");
	ret = write_file(PCI_RESCAN, "1\n");
	printf("RESCAN rescan %d\n", ret);
	run("/bin/pcibars");
}
