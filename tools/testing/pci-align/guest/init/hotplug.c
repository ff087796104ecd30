// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init, pcialign.test=hotplug pcialign.hotplug=N
 * [pcialign.wait=S]:
 *	PCIALIGN-READY hotplug devices=<count> want=<N>
 * (after "pcialign: hotplug" to the kernel log; the host hot-adds devices
 * when it sees this line), wait until N more devices are in
 * /sys/bus/pci/devices, at most S seconds (default 20), polling every
 * 50 ms, then
 *	PCIALIGN-REPORT hotplug
 *	HOTPLUG before=<count> after=<count> want=<N> ms=<waited> ok|timeout
 *	<pcibars output again>
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

/*
 * Let the host hot-add devices: announce readiness, then wait (bounded)
 * until pcialign.hotplug=N more devices have appeared and report.
 */
void test_hotplug(void)
{
	char val[64];
	int want = 1, secs = 20, before, now, ms = 0;

	if (cmdline_value("pcialign.hotplug", val, sizeof(val)))
		want = atoi(val);
	if (cmdline_value("pcialign.wait", val, sizeof(val)))
		secs = atoi(val);
	before = count_devices();
	kmsg_mark("hotplug");
	printf("PCIALIGN-READY hotplug devices=%d want=%d\n", before, want);
	fflush(stdout);
	for (;;) {
		now = count_devices();
		if (now - before >= want || ms >= secs * 1000)
			break;
		usleep(50000);
		ms += 50;
	}
	printf("PCIALIGN-REPORT hotplug\n");
	printf("HOTPLUG before=%d after=%d want=%d ms=%d %s\n", before, now,
	       want, ms, now - before >= want ? "ok" : "timeout");
	run("/bin/pcibars");
}
