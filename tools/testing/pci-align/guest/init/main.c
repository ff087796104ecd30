// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal static /init for the pci-align QEMU guest.
 *
 * Needs nothing but itself and /bin/pcibars in the initramfs, so the same
 * code runs on every architecture without a target busybox.  Built from
 * every .c file in guest/init/: this file (setup, the common report, the
 * kernel log dump and the dispatcher), common.c (shared helpers) and one
 * file per mode.
 *
 * Serial output, in this order:
 *   PCIALIGN-START
 *   PCIALIGN-PAGESIZE <the kernel's PAGE_SIZE>
 *   PCIALIGN-RESOURCE-ALIGNMENT [<value of /sys/bus/pci/resource_alignment>]
 *   <pcibars output: PCIBAR/PCIIO/PCIWIN/PCICMD/PCIDEVS lines>
 *   <with pcialign.test=rescan: PCIALIGN-REPORT rescan..., see rescan.c>
 *   <with pcialign.test=remove: PCIALIGN-REPORT remove..., see remove.c>
 *   <with pcialign.test=hotplug: PCIALIGN-READY hotplug...,
 *    PCIALIGN-REPORT hotplug..., see hotplug.c>
 *   <with pcialign.test=sriov: PCIALIGN-REPORT sriov..., see sriov.c>
 *   <with pcialign.test=race: PCIALIGN-READY race, RACE lines,
 *    PCIALIGN-HOST-STOP, PCIALIGN-REPORT race..., see race.c>
 *   <with pcialign.run=PROG[,PROG...]: PCIALIGN-RUN-BEGIN/-END around the
 *    output of each program, see run.c>
 *   PCIALIGN-DMESG-BEGIN
 *   <kernel log, one record per line>
 *   PCIALIGN-DMESG-END
 *   <with pcialign.test=badinput: SYSFS-BEGIN badinput, "SYSFS PASS|FAIL
 *    ..." lines, SYSFS-END, see badinput.c>
 *   <every boot, last: PCIENABLE lines, PCIDECODE-BEGIN, PCIDEC lines,
 *    PCIDECODE-END: every device enabled, then what the hardware decodes,
 *    see decode.c>
 *   <a debug kernel (kmemleak) or pcialign.klog, last: PCIALIGN-KMEMLEAK-
 *    BEGIN/-END, PCIALIGN-KLOGWARN-BEGIN/-END: kmemleak's report after two
 *    scans, every kernel record of level warning or more important of
 *    the whole boot, see debug.c>
 *   PCIALIGN-END
 * then the machine is powered off (arm64, PSCI) or reset (x86, QEMU runs
 * with -no-reboot).  Several pcialign.test= words run several modes, in
 * the order of modes[] below.
 *
 * The console log level is lowered first so that kernel messages do not
 * interleave with the report; they are all in the DMESG section instead.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

#define KLOG_READ_ALL	3
#define KLOG_CONSOLE_LEVEL 8
#define KLOG_SIZE_BUFFER 10

enum when { BEFORE_DMESG, AFTER_DMESG };

/*
 * pcialign.test=<name> runs <fn>, in this order, before or after the
 * kernel log dump (badinput after it: the errors its bad writes log stay
 * out of the DMESG section)
 */
static const struct mode {
	const char *name;
	void (*fn)(void);
	enum when when;
} modes[] = {
	{ "rescan",	test_rescan,	BEFORE_DMESG },
	{ "remove",	test_remove,	BEFORE_DMESG },
	{ "hotplug",	test_hotplug,	BEFORE_DMESG },
	{ "sriov",	test_sriov,	BEFORE_DMESG },
	{ "race",	test_race,	BEFORE_DMESG },
	{ "badinput",	test_badinput,	AFTER_DMESG },
};

static void setup(void)
{
	int fd;

	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);

	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Only emergencies on the console from here on */
	klogctl(KLOG_CONSOLE_LEVEL, NULL, 1);
}

/* Print the value in effect: PCIALIGN-RESOURCE-ALIGNMENT [<value>] */
static void print_ra(void)
{
	char buf[4096];
	int n = read_ra(buf, sizeof(buf));

	if (n < 0) {
		printf("PCIALIGN-RESOURCE-ALIGNMENT-ERROR %d\n", n);
		return;
	}
	buf[strcspn(buf, "\n")] = '\0';
	printf("PCIALIGN-RESOURCE-ALIGNMENT [%s]\n", buf);
}

static void dump_dmesg(void)
{
	int size = klogctl(KLOG_SIZE_BUFFER, NULL, 0);
	char *buf, *p, *nl;
	int n;

	if (size <= 0)
		size = 1 << 20;
	buf = malloc(size + 1);
	if (!buf)
		return;
	n = klogctl(KLOG_READ_ALL, buf, size);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	printf("PCIALIGN-DMESG-BEGIN\n");
	for (p = buf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		/* Strip the "<level>" prefix */
		if (*p == '<') {
			char *gt = strchr(p, '>');

			if (gt && gt < nl)
				p = gt + 1;
		}
		printf("%.*s\n", (int)(nl - p), p);
		if (!*nl)
			break;
	}
	printf("PCIALIGN-DMESG-END\n");
	free(buf);
}

/* Run the modes[] of @when that the command line asks for */
static void run_modes(enum when when)
{
	char word[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (modes[i].when != when)
			continue;
		snprintf(word, sizeof(word), "pcialign.test=%s", modes[i].name);
		if (cmdline_has(word))
			modes[i].fn();
	}
}

int main(void)
{
	setup();
	debug_start();
	printf("\nPCIALIGN-START\n");
	printf("PCIALIGN-PAGESIZE %ld\n", sysconf(_SC_PAGESIZE));
	print_ra();
	run("/bin/pcibars");
	run_modes(BEFORE_DMESG);
	run_programs();
	dump_dmesg();
	run_modes(AFTER_DMESG);
	report_decode();	/* it enables every device */
	debug_report();		/* last: the reports of everything before */
	printf("PCIALIGN-END\n");
	fflush(stdout);
	sync();
#if defined(__aarch64__) || defined(__sparc__)
	/* sparc64: OpenBIOS's SUNW,power-off; its reboot does not reset */
	reboot(RB_POWER_OFF);
#endif
	/* x86 without ACPI can't power off: QEMU runs with -no-reboot */
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
	return 0;
}
