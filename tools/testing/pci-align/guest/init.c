// SPDX-License-Identifier: GPL-2.0
/*
 * Minimal static /init for the pci-align QEMU guest.
 *
 * Needs nothing but itself and /bin/pcibars in the initramfs, so the same
 * code runs on every architecture without a target busybox.
 *
 * Serial output, in this order:
 *   PCIALIGN-START
 *   PCIALIGN-PAGESIZE <the kernel's PAGE_SIZE>
 *   PCIALIGN-RESOURCE-ALIGNMENT [<value of /sys/bus/pci/resource_alignment>]
 *   <pcibars output: PCIBAR/PCIIO/PCIWIN/PCICMD/PCIDEVS lines>
 *   <with pcialign.test=rescan: write "all" to resource_alignment, remove
 *    every device that is not a bridge (base class 0x06), rescan, then
 *	PCIALIGN-REPORT rescan
 *	"RESCAN <what> <result>" lines
 *	<pcibars output again>
 *    before the kernel log dump, so that it includes the rescan>
 *   <with pcialign.test=remove pcialign.remove=BDF[,BDF...]: remove those
 *    devices (bridges included, with everything below them), rescan, then
 *    ("pcialign: remove" and "pcialign: rescan" go to the kernel log first)
 *	PCIALIGN-REPORT remove
 *	"RESCAN <what> <result>" lines
 *	<pcibars output again>>
 *   <with pcialign.test=hotplug pcialign.hotplug=N [pcialign.wait=S]:
 *	PCIALIGN-READY hotplug devices=<count> want=<N>
 *    (after "pcialign: hotplug" to the kernel log)
 *    (the host hot-adds devices when it sees this line), wait until N more
 *    devices are in /sys/bus/pci/devices, at most S seconds (default 20),
 *    polling every 50 ms, then
 *	PCIALIGN-REPORT hotplug
 *	HOTPLUG before=<count> after=<count> want=<N> ms=<waited> ok|timeout
 *	<pcibars output again>>
 *   <with pcialign.test=sriov pcialign.sriov=PF,N[,enable] (PF a BDF or
 *    "auto": the first device with sriov_totalvfs > 0):
 *	PCIALIGN-REPORT sriov
 *	SRIOV-PF <pf> <vendor>:<device> want=<N> enable=<0|1>
 *	SRIOV-CAP <pf> pos= total= initial= numvfs= offset= stride= vfdid=
 *	    ctrl=  (the PF's SR-IOV capability, read through its config file)
 *	SRIOV-HWBAR <pf> <i> <size> <type>  per implemented VF BAR, sized
 *	    through the capability (VF Enable and VF MSE still off)
 *	SRIOV-STEP <name> <0|-errno> [detail]  per step: with "enable", write
 *	    1 to the PF's "enable" file (what a PF driver's
 *	    pci_enable_device() does), sriov_drivers_autoprobe=0, bind
 *	    pci-pf-stub through its new_id, write N to sriov_numvfs
 *	SRIOV-CMD before|after <pf> <PCI_COMMAND>, SRIOV-CTRL before|after
 *	    <pf> <SR-IOV control>, around the sriov_numvfs write
 *	SRIOV-VFS found=<n> want=<N> ms=<waited> ok|timeout  (virtfn links,
 *	    polled every 10 ms for at most pcialign.wait= seconds, default 5)
 *	SRIOV-VF <k> <vf>  per virtfn<k> link
 *	SRIOV-NUMVFS sysfs=<n> cfg=<n>
 *	<pcibars output again, VFs included>
 *    "pcialign: sriov" goes to the kernel log before the first step and
 *    "pcialign: sriov done" after the last>
 *   <with pcialign.run=PROG[,PROG...] (absolute paths, no arguments):
 *    each program in turn, after "pcialign: run PROG" to the kernel log,
 *    its output framed as
 *	PCIALIGN-RUN-BEGIN <PROG>
 *	<whatever PROG prints to stdout/stderr>
 *	PCIALIGN-RUN-END <PROG> rc=<exit status; 127 if it could not be
 *	    executed, 128 + N if killed by signal N>
 *    (extra programs get into /bin through INITRAMFS_EXTRA, see
 *    mkinitramfs.sh)>
 *   PCIALIGN-DMESG-BEGIN
 *   <kernel log, one record per line>
 *   PCIALIGN-DMESG-END
 *   <optional tests chosen on the kernel command line>
 *	pcialign.test=badinput: sysfs bad-input test, prints
 *	"SYSFS PASS <name>: <detail>" / "SYSFS FAIL <name>: <detail>"
 *   PCIALIGN-END
 * then the machine is powered off (arm64, PSCI) or reset (x86, QEMU runs
 * with -no-reboot).
 *
 * The console log level is lowered first so that kernel messages do not
 * interleave with the report; they are all in the DMESG section instead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysfs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RA_FILE		"/sys/bus/pci/resource_alignment"
#define PCI_RESCAN	"/sys/bus/pci/rescan"
#define PCI_BASE_CLASS_BRIDGE 0x06
#define KLOG_READ_ALL	3
#define KLOG_CONSOLE_LEVEL 8
#define KLOG_SIZE_BUFFER 10
#define BAR_IO		0x1

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

/* Run @path without arguments; returns its exit status as a shell would */
static int run(const char *path)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		printf("PCIERR cannot exec %s: %s\n", path, strerror(errno));
		fflush(stdout);
		_exit(127);
	}
	if (pid < 0) {
		printf("PCIERR cannot fork for %s: %s\n", path, strerror(errno));
		return 127;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 127;
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

static int cmdline_has(const char *word)
{
	char buf[4096], *tok, *save;
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (tok = strtok_r(buf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		if (!strcmp(tok, word))
			return 1;
	return 0;
}

/* Read the whole sysfs file; returns its length or -errno */
static int read_ra(char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(RA_FILE, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
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

/* Write @len bytes of @val to @path in one write(); returns 0 or -errno */
static int write_buf(const char *path, const char *val, size_t len)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

/* Write @val to resource_alignment; returns 0 or -errno */
static int write_ra(const char *val, size_t len)
{
	return write_buf(RA_FILE, val, len);
}

static int kmsg_open_at_end(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * Print kernel records logged since @fd was opened and return how many of
 * them mention resource_alignment; @want must appear in all of those.
 */
static int kmsg_count_new(int fd, const char *want, int *matched)
{
	char rec[8192];
	int count = 0;
	ssize_t n;

	*matched = 0;
	if (fd < 0)
		return -1;
	for (;;) {
		char *msg;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)
				continue;
			break;
		}
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (!strstr(msg, "resource_alignment"))
			continue;
		printf("SYSFS-KMSG %s\n", msg);
		count++;
		if (strstr(msg, want))
			(*matched)++;
	}
	close(fd);
	return count;
}

static int failures;

static const char *cur_case = "-";

static void result(int ok, const char *name, const char *detail)
{
	printf("SYSFS %s [%s] %s: %s\n", ok ? "PASS" : "FAIL", cur_case, name,
	       detail);
	if (!ok)
		failures++;
}

/* Length of the first line of @s, at most 20 */
static size_t min_len(const char *s)
{
	size_t n = strcspn(s, "\n");

	return n < 20 ? n : 20;
}

static void bad_write(const char *name, const char *val, size_t len,
		      const char *want)
{
	char before[8192], after[8192], detail[512];
	int kfd, ret, nmsg, matched, r1, r2, same;

	r1 = read_ra(before, sizeof(before));
	kfd = kmsg_open_at_end();
	ret = write_ra(val, len);
	nmsg = kmsg_count_new(kfd, want, &matched);
	r2 = read_ra(after, sizeof(after));

	same = r1 >= 0 && r1 == r2 && !strcmp(before, after);
	snprintf(detail, sizeof(detail), "write returned %d (%s)", ret,
		 ret ? strerror(-ret) : "success");
	result(ret == -EINVAL, name, detail);

	snprintf(detail, sizeof(detail),
		 "content before \"%.*s\" (%d bytes), after \"%.*s\" (%d bytes)",
		 r1 > 0 ? (int)min_len(before) : 0, before, r1,
		 r2 > 0 ? (int)min_len(after) : 0, after, r2);
	result(same, "unchanged", detail);

	snprintf(detail, sizeof(detail),
		 "%d new resource_alignment log line(s), %d containing \"%s\"",
		 nmsg, matched, want);
	result(nmsg == 1 && matched == 1, "one-log-line", detail);
}

static void test_badinput(void)
{
	static const char * const bad[] = {
		"all;garbage", "99@all", "-1@all", "@all", "all@",
	};
	static const char * const part[] = {
		"garbage", "99@all", "-1@all", "@all", "all@",
	};
	char buf[8192], detail[512];
	static char big[4096];
	unsigned int i;
	int ret;

	printf("SYSFS-BEGIN badinput\n");
	cur_case = "initial";
	ret = read_ra(buf, sizeof(buf));
	snprintf(detail, sizeof(detail), "read returned %d", ret);
	result(ret >= 0, "readable", detail);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char val[64];

		cur_case = bad[i];
		snprintf(val, sizeof(val), "%s\n", bad[i]);
		bad_write("rejected", val, strlen(val), part[i]);
	}

	cur_case = "4096-byte value";
	memset(big, 'a', sizeof(big));
	bad_write("rejected", big, sizeof(big), "too long");

	cur_case = "all";
	ret = write_ra("all\n", 4);
	snprintf(detail, sizeof(detail), "write returned %d", ret);
	result(ret == 0, "accepted", detail);
	ret = read_ra(buf, sizeof(buf));
	snprintf(detail, sizeof(detail), "content \"%.*s\"",
		 ret > 0 ? (int)strcspn(buf, "\n") : 0, buf);
	result(ret >= 0 && !strcmp(buf, "all\n"), "shows-all", detail);

	cur_case = "empty write";
	ret = write_ra("\n", 1);
	snprintf(detail, sizeof(detail), "write returned %d", ret);
	result(ret == 0, "empty-clears", detail);
	ret = read_ra(buf, sizeof(buf));
	snprintf(detail, sizeof(detail), "content %d bytes", ret);
	result(ret == 0 || (ret == 1 && buf[0] == '\n'), "empty-shows-nothing",
	       detail);

	printf("SYSFS-END badinput failures=%d\n", failures);
}

/* Write the string @val to @path; returns 0 or -errno */
static int write_file(const char *path, const char *val)
{
	return write_buf(path, val, strlen(val));
}

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
static void test_rescan(void)
{
	char *names[256], path[512];
	struct dirent *de;
	int i, n = 0, ret;
	DIR *d;

	printf("PCIALIGN-REPORT rescan\n");
	ret = write_file(RA_FILE, "all\n");
	printf("RESCAN set-all %d\n", ret);

	d = opendir(PCI_DEVICES);
	if (!d) {
		printf("RESCAN opendir %d\n", -errno);
		return;
	}
	while ((de = readdir(d)) && n < (int)ARRAY_SIZE(names)) {
		if (de->d_name[0] == '.')
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);

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

/*
 * Value of the first "@key=value" word on the kernel command line, copied
 * to @buf, or NULL
 */
static const char *cmdline_value(const char *key, char *buf, size_t len)
{
	char line[4096], *tok, *save;
	size_t klen = strlen(key);
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return NULL;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	line[n] = '\0';
	for (tok = strtok_r(line, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (!strncmp(tok, key, klen) && tok[klen] == '=') {
			snprintf(buf, len, "%s", tok + klen + 1);
			return buf;
		}
	}
	return NULL;
}

static int count_devices(void)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(PCI_DEVICES);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Put "pcialign: @what" into the kernel log, to find the step in dmesg */
static void kmsg_mark(const char *what)
{
	char buf[128];
	int fd, len;

	fd = open("/dev/kmsg", O_WRONLY);
	if (fd < 0)
		return;
	len = snprintf(buf, sizeof(buf), "pcialign: %s\n", what);
	if (write(fd, buf, len) != len)
		printf("PCIERR kmsg mark %s: %s\n", what, strerror(errno));
	close(fd);
}

/*
 * Remove the devices listed in pcialign.remove= (comma separated; a bridge
 * takes everything below it along), rescan and report the BARs again.
 */
static void test_remove(void)
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

/*
 * Let the host hot-add devices: announce readiness, then wait (bounded)
 * until pcialign.hotplug=N more devices have appeared and report.
 */
static void test_hotplug(void)
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

/* ---- pcialign.test=sriov ------------------------------------------------ */

#define PCI_EXT_CAP_START	0x100
#define PCI_EXT_CAP_ID_SRIOV	0x10
#define SRIOV_CTRL		0x08
#define  SRIOV_CTRL_VFE		0x01
#define  SRIOV_CTRL_MSE		0x08
#define SRIOV_INITIAL_VF	0x0c
#define SRIOV_TOTAL_VF		0x0e
#define SRIOV_NUM_VF		0x10
#define SRIOV_VF_OFFSET		0x14
#define SRIOV_VF_STRIDE		0x16
#define SRIOV_VF_DID		0x1a
#define SRIOV_BAR		0x24
#define SRIOV_NUM_BARS		6
#define PF_STUB_NEW_ID		"/sys/bus/pci/drivers/pci-pf-stub/new_id"

static int cfg_rd(int fd, unsigned int off, void *val, size_t len)
{
	return pread(fd, val, len, off) == (ssize_t)len ? 0 : -1;
}

static int cfg_wr(int fd, unsigned int off, const void *val, size_t len)
{
	return pwrite(fd, val, len, off) == (ssize_t)len ? 0 : -1;
}

/* Offset of the SR-IOV extended capability in config space, or 0 */
static unsigned int find_sriov(int fd)
{
	unsigned int pos = PCI_EXT_CAP_START, ttl = 480;
	uint32_t hdr;

	while (pos >= PCI_EXT_CAP_START && ttl--) {
		if (cfg_rd(fd, pos, &hdr, 4) || hdr == 0 || hdr == 0xffffffffU)
			return 0;
		if ((hdr & 0xffff) == PCI_EXT_CAP_ID_SRIOV)
			return pos;
		pos = (hdr >> 20) & 0xffc;
	}
	return 0;
}

/* Read a small sysfs attribute of @bdf as a number (base 0), or -1 */
/* First device (in name order) with sriov_totalvfs > 0, copied to @bdf */
static int find_pf(char *bdf, size_t len)
{
	struct dirent **list;
	int i, n, found = 0;

	n = scandir(PCI_DEVICES, &list, NULL, alphasort);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (!found && list[i]->d_name[0] != '.' &&
		    read_attr(list[i]->d_name, "sriov_totalvfs") > 0) {
			snprintf(bdf, len, "%s", list[i]->d_name);
			found = 1;
		}
		free(list[i]);
	}
	free(list);
	return found;
}

/* Size the VF BARs of the SR-IOV capability at @pos (VF MSE must be off) */
static void sriov_size_bars(int fd, const char *pf, unsigned int pos)
{
	uint32_t orig, orig_hi = 0, ones = 0xffffffffU, val, val_hi = 0;
	unsigned long long mask, size;
	unsigned int i, off;
	int is64;

	for (i = 0; i < SRIOV_NUM_BARS; i += is64 ? 2 : 1) {
		off = pos + SRIOV_BAR + 4 * i;
		is64 = 0;
		val_hi = 0;
		if (cfg_rd(fd, off, &orig, 4))
			return;
		is64 = !(orig & BAR_IO) && (orig & 0x6) == 0x4 &&
		       i + 1 < SRIOV_NUM_BARS;
		if (is64 && cfg_rd(fd, off + 4, &orig_hi, 4))
			return;
		if (cfg_wr(fd, off, &ones, 4) || cfg_rd(fd, off, &val, 4))
			goto restore;
		if (is64 && (cfg_wr(fd, off + 4, &ones, 4) ||
			     cfg_rd(fd, off + 4, &val_hi, 4)))
			goto restore;
		mask = val & (orig & BAR_IO ? 0xfffffffcU : 0xfffffff0U);
		if (!mask && !val_hi) {
			size = 0;
		} else {
			mask |= is64 ? (unsigned long long)val_hi << 32 :
				0xffffffff00000000ULL;
			size = mask & (~mask + 1);
		}
		if (size)
			printf("SRIOV-HWBAR %s %u 0x%llx %s%s\n", pf, i, size,
			       orig & BAR_IO ? "io" : is64 ? "mem64" : "mem32",
			       !(orig & BAR_IO) && (orig & 0x8) ? "-pref" : "");
restore:
		cfg_wr(fd, off, &orig, 4);
		if (is64)
			cfg_wr(fd, off + 4, &orig_hi, 4);
	}
}

/* PCI_COMMAND and SR-IOV control of @pf: SRIOV-CMD/SRIOV-CTRL @when */
static void sriov_regs(const char *pf, unsigned int pos, const char *when)
{
	char path[512];
	uint16_t cmd, ctrl;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/config", PCI_DEVICES, pf);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("SRIOV-STEP read-%s %d %s\n", when, -errno, path);
		return;
	}
	if (cfg_rd(fd, 4, &cmd, 2) == 0)
		printf("SRIOV-CMD %s %s 0x%04x\n", when, pf, cmd);
	else
		printf("SRIOV-STEP read-command-%s %d\n", when, -EIO);
	if (pos && cfg_rd(fd, pos + SRIOV_CTRL, &ctrl, 2) == 0)
		printf("SRIOV-CTRL %s %s 0x%04x\n", when, pf, ctrl);
	else
		printf("SRIOV-STEP read-sriov-ctrl-%s %d\n", when, -EIO);
	close(fd);
}

/* Number of virtfn<k> links of @pf for k = 0, 1, ... (stops at a gap) */
static int count_virtfn(const char *pf)
{
	char path[512];
	int k;

	for (k = 0; k < 256; k++) {
		snprintf(path, sizeof(path), "%s/%s/virtfn%d", PCI_DEVICES, pf,
			 k);
		if (access(path, F_OK))
			break;
	}
	return k;
}

static void sriov_step(const char *name, int ret, const char *detail)
{
	printf("SRIOV-STEP %s %d%s%s\n", name, ret, detail ? " " : "",
	       detail ? detail : "");
}

/*
 * Enable pcialign.sriov=PF,N[,enable] VFs through sysfs and report the PF
 * registers around it, the VFs and all BARs again.
 */
static void test_sriov(void)
{
	char arg[128], pf[256] = "", path[1024], buf[300], *tok, *save;
	int want = 2, enable = 0, secs = 5, fd, ret, k, found, ms = 0;
	unsigned int pos = 0, vendor, device;
	uint16_t w[8];

	printf("PCIALIGN-REPORT sriov\n");
	if (cmdline_value("pcialign.sriov", arg, sizeof(arg))) {
		tok = strtok_r(arg, ",", &save);
		if (tok && strcmp(tok, "auto"))
			snprintf(pf, sizeof(pf), "%s", tok);
		tok = strtok_r(NULL, ",", &save);
		if (tok)
			want = atoi(tok);
		tok = strtok_r(NULL, ",", &save);
		enable = tok && !strcmp(tok, "enable");
	}
	if (cmdline_value("pcialign.wait", buf, sizeof(buf)))
		secs = atoi(buf);
	if (!pf[0] && !find_pf(pf, sizeof(pf))) {
		sriov_step("find-pf", -ENODEV, "no device with sriov_totalvfs > 0");
		return;
	}
	vendor = read_attr(pf, "vendor");
	device = read_attr(pf, "device");
	printf("SRIOV-PF %s %04x:%04x want=%d enable=%d\n", pf, vendor,
	       device, want, enable);

	snprintf(path, sizeof(path), "%s/%s/config", PCI_DEVICES, pf);
	fd = open(path, O_RDWR);
	if (fd >= 0) {
		pos = find_sriov(fd);
		if (pos && cfg_rd(fd, pos + SRIOV_CTRL, &w[0], 2) == 0 &&
		    cfg_rd(fd, pos + SRIOV_INITIAL_VF, &w[1], 2) == 0 &&
		    cfg_rd(fd, pos + SRIOV_TOTAL_VF, &w[2], 2) == 0 &&
		    cfg_rd(fd, pos + SRIOV_NUM_VF, &w[3], 2) == 0 &&
		    cfg_rd(fd, pos + SRIOV_VF_OFFSET, &w[4], 2) == 0 &&
		    cfg_rd(fd, pos + SRIOV_VF_STRIDE, &w[5], 2) == 0 &&
		    cfg_rd(fd, pos + SRIOV_VF_DID, &w[6], 2) == 0) {
			printf("SRIOV-CAP %s pos=0x%x total=%u initial=%u "
			       "numvfs=%u offset=%u stride=%u vfdid=0x%04x "
			       "ctrl=0x%04x\n", pf, pos, w[2], w[1], w[3],
			       w[4], w[5], w[6], w[0]);
			if (!(w[0] & (SRIOV_CTRL_VFE | SRIOV_CTRL_MSE)))
				sriov_size_bars(fd, pf, pos);
		} else {
			pos = 0;
		}
		close(fd);
	}
	sriov_step("sriov-capability", pos ? 0 : -ENOENT, NULL);

	kmsg_mark("sriov");
	if (enable) {
		snprintf(path, sizeof(path), "%s/%s/enable", PCI_DEVICES, pf);
		sriov_step("enable-pf", write_file(path, "1\n"), NULL);
	}
	snprintf(path, sizeof(path), "%s/%s/sriov_drivers_autoprobe",
		 PCI_DEVICES, pf);
	sriov_step("autoprobe-off", write_file(path, "0\n"), NULL);
	snprintf(buf, sizeof(buf), "%04x %04x\n", vendor, device);
	sriov_step("pf-stub-new_id", write_file(PF_STUB_NEW_ID, buf), NULL);
	snprintf(path, sizeof(path), "%s/%s/driver", PCI_DEVICES, pf);
	ret = readlink(path, buf, sizeof(buf) - 1);
	buf[ret > 0 ? ret : 0] = '\0';
	tok = strrchr(buf, '/');
	tok = tok ? tok + 1 : buf;
	sriov_step("bound-pci-pf-stub", strcmp(tok, "pci-pf-stub") ? -ENODEV : 0,
		   *tok ? tok : "(no driver)");

	sriov_regs(pf, pos, "before");
	snprintf(path, sizeof(path), "%s/%s/sriov_numvfs", PCI_DEVICES, pf);
	snprintf(buf, sizeof(buf), "%d\n", want);
	ret = write_file(path, buf);
	buf[strcspn(buf, "\n")] = '\0';
	sriov_step("sriov_numvfs", ret, buf);
	for (;;) {
		found = count_virtfn(pf);
		if (found >= want || ms >= secs * 1000)
			break;
		usleep(10000);
		ms += 10;
	}
	sriov_regs(pf, pos, "after");
	kmsg_mark("sriov done");
	printf("SRIOV-VFS found=%d want=%d ms=%d %s\n", found, want, ms,
	       found == want ? "ok" : "timeout");
	for (k = 0; k < found; k++) {
		snprintf(path, sizeof(path), "%s/%s/virtfn%d", PCI_DEVICES, pf,
			 k);
		ret = readlink(path, buf, sizeof(buf) - 1);
		buf[ret > 0 ? ret : 0] = '\0';
		tok = strrchr(buf, '/');
		printf("SRIOV-VF %d %s\n", k, tok ? tok + 1 : buf);
	}
	ret = -1;
	snprintf(path, sizeof(path), "%s/%s/config", PCI_DEVICES, pf);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		if (pos && cfg_rd(fd, pos + SRIOV_NUM_VF, &w[0], 2) == 0)
			ret = w[0];
		close(fd);
	}
	printf("SRIOV-NUMVFS sysfs=%ld cfg=%d\n",
	       read_attr(pf, "sriov_numvfs"), ret);
	run("/bin/pcibars");
}

/*
 * pcialign.run=PROG[,PROG...]: run each program, output framed by
 * PCIALIGN-RUN-BEGIN/PCIALIGN-RUN-END lines
 */
static void run_programs(void)
{
	char list[1024], what[300], *tok, *save;

	if (!cmdline_value("pcialign.run", list, sizeof(list)))
		return;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		snprintf(what, sizeof(what), "run %s", tok);
		kmsg_mark(what);
		printf("PCIALIGN-RUN-BEGIN %s\n", tok);
		printf("PCIALIGN-RUN-END %s rc=%d\n", tok, run(tok));
	}
}

int main(void)
{
	setup();
	printf("\nPCIALIGN-START\n");
	printf("PCIALIGN-PAGESIZE %ld\n", sysconf(_SC_PAGESIZE));
	print_ra();
	run("/bin/pcibars");
	if (cmdline_has("pcialign.test=rescan"))
		test_rescan();
	if (cmdline_has("pcialign.test=remove"))
		test_remove();
	if (cmdline_has("pcialign.test=hotplug"))
		test_hotplug();
	if (cmdline_has("pcialign.test=sriov"))
		test_sriov();
	run_programs();
	dump_dmesg();
	if (cmdline_has("pcialign.test=badinput"))
		test_badinput();
	printf("PCIALIGN-END\n");
	fflush(stdout);
	sync();
#ifdef __aarch64__
	reboot(RB_POWER_OFF);
#endif
	/* x86 without ACPI can't power off: QEMU runs with -no-reboot */
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
	return 0;
}
