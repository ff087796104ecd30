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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RA_FILE		"/sys/bus/pci/resource_alignment"
#define PCI_DEVICES	"/sys/bus/pci/devices"
#define PCI_RESCAN	"/sys/bus/pci/rescan"
#define PCI_BASE_CLASS_BRIDGE 0x06
#define KLOG_READ_ALL	3
#define KLOG_CONSOLE_LEVEL 8
#define KLOG_SIZE_BUFFER 10

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

static void run(const char *path)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		printf("PCIERR cannot exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
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

/* Write @val; returns 0 or -errno */
static int write_ra(const char *val, size_t len)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(RA_FILE, O_WRONLY);
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

/* Write @val to @path; returns 0 or -errno */
static int write_file(const char *path, const char *val)
{
	size_t len = strlen(val);
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

/* Base class of device @bdf from sysfs "class", or -1 */
static int base_class(const char *bdf)
{
	char path[512], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/class", PCI_DEVICES, bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (strtoul(buf, NULL, 16) >> 16) & 0xff;
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
