// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init, pcialign.test=race [pcialign.race=SECS,ITERS]
 * [pcialign.race_bridge=BDF]: for SECS seconds (default 30) of guest
 * time, at once:
 *   - two writer processes alternate valid and malformed values into
 *     /sys/bus/pci/resource_alignment (at most ITERS writes each, default
 *     2000, paced to spread over SECS) and read it back: a valid value must be taken (0), a malformed
 *     one refused (-EINVAL), the value read back is always one of the
 *     valid ones (or the boot's);
 *   - this process removes bridge BDF (default 0000:00:07.0, a trailing
 *     root port with small-BAR devices) and rescans, at most 200 times:
 *     the bridge and as many devices below it as at boot come back;
 *   - the host hot-adds and removes a device behind another root port
 *     (scenario.Boot.host_loop, after "PCIALIGN-READY race", until
 *     "PCIALIGN-HOST-STOP").
 * Then it waits for the host's device to be gone (the devices of the
 * boot, at most 30 s, then 2 s for QEMU's DEVICE_DELETED), writes "all", removes and rescans BDF once more:
 *	RACE writer<N> iterations=<n> ok=<n> einval=<n> errors=<n> [first=...]
 *	RACE remover iterations=<n> errors=<n> secs=<s>
 *	RACE settle devices=<n> boot=<n> ms=<ms>
 *	RACE final-write ret=<ret> readback=[<value>]
 *	RACE final-rescan remove=<ret> rescan=<ret> children=<n> boot=<n>
 *	PCIALIGN-REPORT race
 *	<pcibars output again>
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static const char *const valid[] = { "all", "12@all", "all;13@0000:00:02.0" };
static const char *const malformed[] = { "garbage", "99@all", "all;garbage" };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int is_valid(const char *v, const char *boot)
{
	size_t i;

	if (!strcmp(v, boot))
		return 1;
	for (i = 0; i < ARRAY_SIZE(valid); i++)
		if (!strcmp(v, valid[i]))
			return 1;
	return 0;
}

static void writer(int w, double end, int max, int pace_us, const char *boot)
{
	int i, ok = 0, einval = 0, errors = 0, ret, n;
	char buf[4096], first[256] = "";
	char val[128];

	for (i = 0; i < max && now() < end; i++) {
		int good = !(i & 1);
		const char *v = good ? valid[(i / 2 + w) % ARRAY_SIZE(valid)] :
			malformed[(i / 2 + w) % ARRAY_SIZE(malformed)];

		snprintf(val, sizeof(val), "%s\n", v);
		ret = write_file(RA_FILE, val);
		if (good && ret == 0)
			ok++;
		else if (!good && ret == -EINVAL)
			einval++;
		else if (!errors++)
			snprintf(first, sizeof(first), " first=write:%s:%d", v, ret);
		n = read_ra(buf, sizeof(buf));
		if (n >= 0)
			buf[strcspn(buf, "\n")] = '\0';
		if (n < 0 || !is_valid(buf, boot)) {
			if (!errors++)
				snprintf(first, sizeof(first), " first=read:%d:[%.64s]",
					 n, n < 0 ? "" : buf);
		}
		usleep(pace_us);
	}
	printf("RACE writer%d iterations=%d ok=%d einval=%d errors=%d%s\n", w, i,
	       ok, einval, errors, first);
	fflush(stdout);
}

/* Devices below bridge @bdf (its child directories in sysfs), or -errno */
static int children(const char *bdf)
{
	char path[512];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", PCI_DEVICES, bdf);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (strlen(de->d_name) == 12 && de->d_name[4] == ':' &&
		    de->d_name[7] == ':' && de->d_name[10] == '.')
			n++;
	closedir(d);
	return n;
}

/* Remove @bdf and rescan; 0 when it came back with @want children */
static int remove_rescan(const char *bdf, int want, int *rm, int *rs, int *got)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/remove", PCI_DEVICES, bdf);
	*rm = write_file(path, "1\n");
	*rs = write_file(PCI_RESCAN, "1\n");
	*got = children(bdf);
	return *rm || *rs || *got != want;
}

void test_race(void)
{
	char val[128], bridge[64] = "0000:00:07.0", boot[4096], first[128] = "";
	int secs = 30, max = 2000, max_remove = 200, w, i, errors = 0;
	int boot_devs, boot_children, rm, rs, got, n, ms;
	double start, end;
	pid_t pids[2];

	if (cmdline_value("pcialign.race", val, sizeof(val)))
		sscanf(val, "%d,%d", &secs, &max);
	if (max < 1)
		max = 1;
	cmdline_value("pcialign.race_bridge", bridge, sizeof(bridge));
	n = read_ra(boot, sizeof(boot));
	if (n < 0)
		boot[0] = '\0';
	boot[strcspn(boot, "\n")] = '\0';
	boot_devs = count_devices();
	boot_children = children(bridge);
	printf("RACE start secs=%d max=%d bridge=%s children=%d devices=%d\n",
	       secs, max, bridge, boot_children, boot_devs);
	kmsg_mark("race");
	printf("PCIALIGN-READY race\n");
	fflush(stdout);

	start = now();
	end = start + secs;
	for (w = 0; w < 2; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			writer(w, end, max, secs * 1000000 / max, boot);
			_exit(0);
		}
	}
	for (i = 0; i < max_remove && now() < end; i++) {
		if (remove_rescan(bridge, boot_children, &rm, &rs, &got) &&
		    !errors++)
			snprintf(first, sizeof(first),
				 " first=remove:%d,rescan:%d,children:%d", rm, rs,
				 got);
		usleep(100000);	/* let the host's hot-plug work in */
	}
	for (w = 0; w < 2; w++)
		if (pids[w] > 0)
			while (waitpid(pids[w], NULL, 0) < 0 && errno == EINTR)
				;
	printf("RACE remover iterations=%d errors=%d secs=%.1f%s\n", i, errors,
	       now() - start, first);
	printf("PCIALIGN-HOST-STOP\n");
	fflush(stdout);

	/* the host finishes its iteration: its device is removed */
	sleep(3);
	for (ms = 0; ms < 30000; ms += 100) {
		if (count_devices() == boot_devs)
			break;
		usleep(100000);
	}
	/* and QEMU sees the slot powered off (DEVICE_DELETED) */
	sleep(2);
	printf("RACE settle devices=%d boot=%d ms=%d\n", count_devices(),
	       boot_devs, ms + 5000);

	kmsg_mark("race: final");
	n = write_file(RA_FILE, "all\n");
	rm = read_ra(boot, sizeof(boot));
	boot[rm < 0 ? 0 : strcspn(boot, "\n")] = '\0';
	printf("RACE final-write ret=%d readback=[%s]\n", n, boot);
	remove_rescan(bridge, boot_children, &rm, &rs, &got);
	printf("RACE final-rescan remove=%d rescan=%d children=%d boot=%d\n", rm,
	       rs, got, boot_children);
	printf("PCIALIGN-REPORT race\n");
	run("/bin/pcibars");
}
