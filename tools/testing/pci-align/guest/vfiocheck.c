// SPDX-License-Identifier: GPL-2.0
/*
 * vfiocheck - can vfio-pci mmap() every memory BAR of a device?
 *
 * Runs inside the pci-align QEMU guest (pcialign.run=/bin/vfiocheck), on a
 * kernel with CONFIG_VFIO_PCI and CONFIG_VFIO_NOIOMMU booted with
 * vfio.enable_unsafe_noiommu_mode=1.  vfio-pci only lets userspace mmap() a
 * BAR smaller than PAGE_SIZE when the BAR starts on a page boundary and the
 * rest of the page is free (vfio_pci_probe_mmaps()), which is what
 * pci=resource_alignment=all is for.
 *
 * Usage: vfiocheck [BDF...]
 *   Without arguments: every device with vendor 0x1b36, device 0x0005
 *   (QEMU's pci-testdev).  For each device:
 *     write "vfio-pci" to driver_override, unbind the current driver (if
 *     any and not vfio-pci already), write the BDF to
 *     /sys/bus/pci/drivers_probe, readlink its iommu_group, open
 *     /dev/vfio/vfio and /dev/vfio/noiommu-<group>, VFIO_GET_API_VERSION,
 *     VFIO_CHECK_EXTENSION(VFIO_NOIOMMU_IOMMU), VFIO_GROUP_SET_CONTAINER,
 *     VFIO_SET_IOMMU(VFIO_NOIOMMU_IOMMU), VFIO_GROUP_GET_DEVICE_FD, then
 *     VFIO_DEVICE_GET_REGION_INFO for BAR0..BAR5.
 *
 * Output:
 *   VFIO-DEV <bdf> <vendor>:<device> group=<n>
 *   VFIO-BAR <bdf> <bar> size=<hex> start=<hex> mmap=<0|1> mmap_ok=<0|1>
 *	[read=<hex>|read=fault] [mmap: <errno text>]
 *	for every memory BAR with a non-zero size (sysfs "resource" file,
 *	flags & IORESOURCE_MEM); start is the CPU address from sysfs.
 *	mmap=1: the region info has VFIO_REGION_INFO_FLAG_MMAP; mmap_ok=1:
 *	mmap() of the region (offset from the region info, size rounded up
 *	to a page) succeeded; the first 32-bit word is then read through the
 *	mapping (informational) and the mapping is removed again.  mmap() is
 *	attempted for mmap=0 BARs as well; it is expected to fail there.
 *   VFIO-ACCESS <bdf> <bar> size=<hex> reads=<n> mmap_ns=<ns|-> pread_ns=<ns|->
 *	for every memory BAR smaller than a page (the small BARs): the
 *	median time of one 32-bit read of offset 0, through the mmap() of
 *	the region when it can be mapped (mmap_ns, else "-"), and through
 *	pread() of the device fd at the region's offset (pread_ns: the
 *	access vfio-pci traps and does itself), in ns per access with one
 *	decimal.  <n> reads each, timed in batches of ACCESS_BATCH with
 *	clock_gettime(CLOCK_MONOTONIC); the median is taken over the
 *	batches.  <n> is the kernel command line word pcialign.vfioreads=<n>
 *	(default DEFAULT_READS; 0: no VFIO-ACCESS lines).
 *   VFIO-ERR <bdf> <step>: <errno text>
 *	a step failed (counted in errors=)
 *   VFIO-SUMMARY devices=<n> bars=<n> mmap=<n> nommap=<n> errors=<n>
 *	errors counts failed steps, mmap() failing on an mmap=1 BAR and
 *	mmap() succeeding on an mmap=0 BAR.
 *
 * Exit status: 0 when errors=0 and at least one device was checked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "sysfs.h"

#define PCI_DRIVERS_PROBE	"/sys/bus/pci/drivers_probe"
#define VFIO_CONTAINER_DEV	"/dev/vfio/vfio"
#define IORESOURCE_MEM		0x200
#define NUM_BARS		6
#define TESTDEV_VENDOR		0x1b36
#define TESTDEV_DEVICE		0x0005
#define MAX_DEVS		256
#define ACCESS_BATCH		8
#define DEFAULT_READS		400
#define MAX_READS		1000000

static int n_devices, n_bars, n_mmap, n_nommap, n_errors;
static long n_reads = DEFAULT_READS;
static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static void err(const char *bdf, const char *step, int e)
{
	printf("VFIO-ERR %s %s: %s\n", bdf, step, strerror(e));
	n_errors++;
}

/* Name of the driver bound to @bdf, "" if none */
static void current_driver(const char *bdf, char *buf, size_t len)
{
	char path[512], link[512];
	ssize_t n;
	char *slash;

	buf[0] = '\0';
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	slash = strrchr(link, '/');
	snprintf(buf, len, "%s", slash ? slash + 1 : link);
}

static int bind_vfio(const char *bdf)
{
	char path[512], drv[512];
	int ret;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", bdf);
	ret = write_file(path, "vfio-pci");
	if (ret) {
		err(bdf, "driver_override", -ret);
		return ret;
	}
	current_driver(bdf, drv, sizeof(drv));
	if (!strcmp(drv, "vfio-pci"))
		return 0;
	if (drv[0]) {
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver/unbind",
			 bdf);
		ret = write_file(path, bdf);
		if (ret) {
			err(bdf, "unbind", -ret);
			return ret;
		}
	}
	ret = write_file(PCI_DRIVERS_PROBE, bdf);
	current_driver(bdf, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci")) {
		err(bdf, "drivers_probe", ret ? -ret : ENODEV);
		return ret ? ret : -ENODEV;
	}
	return 0;
}

static int group_of(const char *bdf)
{
	char path[512], link[512], *slash;
	ssize_t n;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		err(bdf, "iommu_group", n < 0 ? errno : ENOENT);
		return -1;
	}
	link[n] = '\0';
	slash = strrchr(link, '/');
	return atoi(slash ? slash + 1 : link);
}

/* BAR @bar of @bdf from the sysfs resource file; 0 if no memory BAR */
static int sysfs_bar(const char *bdf, int bar, unsigned long long *start,
		     unsigned long long *size)
{
	unsigned long long s, e, f;
	char path[512], line[256];
	int i, ret = 0;
	FILE *fp;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/resource", bdf);
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	for (i = 0; fgets(line, sizeof(line), fp); i++) {
		if (i != bar)
			continue;
		if (sscanf(line, "%llx %llx %llx", &s, &e, &f) == 3 &&
		    (f & IORESOURCE_MEM) && e > s) {
			*start = s;
			*size = e - s + 1;
			ret = 1;
		}
		break;
	}
	fclose(fp);
	return ret;
}

/* A fault while reading through a mapping: report it, don't die */
static void on_fault(int sig)
{
	if (!bus_armed) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	bus_armed = 0;
	siglongjmp(bus_jmp, 1);
}

/* Read the first 32-bit word of a mapping; -1 on SIGBUS/SIGSEGV */
static int read_reg(const void *p, uint32_t *val)
{
	if (sigsetjmp(bus_jmp, 1))
		return -1;
	bus_armed = 1;
	*val = *(const volatile uint32_t *)p;
	bus_armed = 0;
	return 0;
}

/* pcialign.vfioreads=<n> from /proc/cmdline, else DEFAULT_READS */
static long reads_from_cmdline(void)
{
	static const char key[] = "pcialign.vfioreads=";
	char buf[4096], *p;
	ssize_t n;
	long v;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return DEFAULT_READS;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return DEFAULT_READS;
	buf[n] = '\0';
	for (p = strstr(buf, key); p; p = strstr(p + 1, key)) {
		if (p != buf && p[-1] != ' ')
			continue;
		v = strtol(p + sizeof(key) - 1, NULL, 10);
		return v < 0 ? 0 : v > MAX_READS ? MAX_READS : v;
	}
	return DEFAULT_READS;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median of @n batch times, in ns per access, into @buf ("-" if none) */
static void median_ns(uint64_t *t, long n, char *buf, size_t len)
{
	uint64_t m;

	if (n <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	qsort(t, n, sizeof(*t), cmp_u64);
	m = n & 1 ? 2 * t[n / 2] : t[n / 2 - 1] + t[n / 2];
	/* m is twice the median batch time */
	snprintf(buf, len, "%.1f", m / (2.0 * ACCESS_BATCH));
}

/*
 * Time n_reads 32-bit reads of offset 0 of BAR @bar: through @map (NULL:
 * not mapped) and through pread() of @dev at @offset; the VFIO-ACCESS
 * line into @line.
 */
static void time_bar(const char *bdf, int dev, int bar, unsigned long long size,
		     const volatile uint32_t *map, uint64_t offset,
		     char *line, size_t len)
{
	long batches = (n_reads + ACCESS_BATCH - 1) / ACCESS_BATCH, i, nb;
	char mmap_ns[32], pread_ns[32];
	uint64_t *t, t0;
	uint32_t val;
	int k;

	t = calloc(batches ? batches : 1, sizeof(*t));
	if (!t) {
		err(bdf, "VFIO-ACCESS calloc", ENOMEM);
		return;
	}
	nb = 0;
	if (map) {
		for (i = 0; i < batches; i++) {
			t0 = now_ns();
			for (k = 0; k < ACCESS_BATCH; k++)
				val = map[0];
			t[nb++] = now_ns() - t0;
		}
	}
	(void)val;
	median_ns(t, nb, mmap_ns, sizeof(mmap_ns));
	nb = 0;
	for (i = 0; i < batches; i++) {
		t0 = now_ns();
		for (k = 0; k < ACCESS_BATCH; k++)
			if (pread(dev, &val, sizeof(val), offset) != sizeof(val))
				break;
		if (k < ACCESS_BATCH) {
			err(bdf, "VFIO-ACCESS pread", errno ? errno : EIO);
			nb = 0;
			break;
		}
		t[nb++] = now_ns() - t0;
	}
	median_ns(t, nb, pread_ns, sizeof(pread_ns));
	free(t);
	snprintf(line, len,
		 "VFIO-ACCESS %s %d size=0x%llx reads=%ld mmap_ns=%s pread_ns=%s\n",
		 bdf, bar, size, batches * ACCESS_BATCH, mmap_ns, pread_ns);
}

static void check_bar(const char *bdf, int dev, int bar, long page)
{
	struct vfio_region_info info = {
		.argsz = sizeof(info),
		.index = VFIO_PCI_BAR0_REGION_INDEX + bar,
	};
	unsigned long long start, size;
	char extra[160] = "", access[192] = "";
	int mmap_flag, mmap_ok = 0, timed = 0;
	size_t len;
	void *p;

	if (!sysfs_bar(bdf, bar, &start, &size))
		return;
	n_bars++;
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &info)) {
		char step[64];

		snprintf(step, sizeof(step), "BAR%d VFIO_DEVICE_GET_REGION_INFO",
			 bar);
		err(bdf, step, errno);
		return;
	}
	mmap_flag = !!(info.flags & VFIO_REGION_INFO_FLAG_MMAP);
	if (mmap_flag)
		n_mmap++;
	else
		n_nommap++;

	len = (info.size + page - 1) & ~(size_t)(page - 1);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		 info.offset);
	if (p == MAP_FAILED) {
		snprintf(extra, sizeof(extra), " mmap: %s", strerror(errno));
		if (mmap_flag)
			n_errors++;
	} else {
		uint32_t val;

		mmap_ok = 1;
		if (read_reg(p, &val))
			snprintf(extra, sizeof(extra), " read=fault");
		else
			snprintf(extra, sizeof(extra), " read=0x%x", val);
		if (!strstr(extra, "fault") && size < (unsigned long long)page &&
		    n_reads > 0) {
			time_bar(bdf, dev, bar, size, p, info.offset,
				 access, sizeof(access));
			timed = 1;
		}
		munmap(p, len);
		if (!mmap_flag) {
			strncat(extra, " unexpected mmap",
				sizeof(extra) - strlen(extra) - 1);
			n_errors++;
		}
	}
	if (info.size != size)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 " region_size=0x%llx", (unsigned long long)info.size);
	printf("VFIO-BAR %s %d size=0x%llx start=0x%llx mmap=%d mmap_ok=%d%s\n",
	       bdf, bar, size, start, mmap_flag, mmap_ok, extra);
	if (!timed && size < (unsigned long long)page && n_reads > 0)
		time_bar(bdf, dev, bar, size, NULL, info.offset, access,
			 sizeof(access));
	fputs(access, stdout);
}

static void check_device(const char *bdf, long page)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int container = -1, group = -1, dev = -1, grp, ret, bar;
	char path[64];

	n_devices++;
	if (bind_vfio(bdf))
		return;
	grp = group_of(bdf);
	if (grp < 0)
		return;
	printf("VFIO-DEV %s %04lx:%04lx group=%d\n", bdf,
	       read_attr(bdf, "vendor"), read_attr(bdf, "device"), grp);

	container = open(VFIO_CONTAINER_DEV, O_RDWR);
	if (container < 0) {
		err(bdf, "open " VFIO_CONTAINER_DEV, errno);
		goto out;
	}
	ret = ioctl(container, VFIO_GET_API_VERSION);
	if (ret != VFIO_API_VERSION) {
		err(bdf, "VFIO_GET_API_VERSION", ret < 0 ? errno : EPROTO);
		goto out;
	}
	ret = ioctl(container, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU);
	if (ret != 1) {
		err(bdf, "VFIO_CHECK_EXTENSION(VFIO_NOIOMMU_IOMMU)",
		    ret < 0 ? errno : ENOTSUP);
		goto out;
	}
	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%d", grp);
	group = open(path, O_RDWR);
	if (group < 0) {
		err(bdf, path, errno);
		goto out;
	}
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status)) {
		err(bdf, "VFIO_GROUP_GET_STATUS", errno);
		goto out;
	}
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		err(bdf, "group not viable", EBUSY);
		goto out;
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container)) {
		err(bdf, "VFIO_GROUP_SET_CONTAINER", errno);
		goto out;
	}
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU)) {
		err(bdf, "VFIO_SET_IOMMU(VFIO_NOIOMMU_IOMMU)", errno);
		goto out;
	}
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (dev < 0) {
		err(bdf, "VFIO_GROUP_GET_DEVICE_FD", errno);
		goto out;
	}
	for (bar = 0; bar < NUM_BARS; bar++)
		check_bar(bdf, dev, bar, page);
out:
	if (dev >= 0)
		close(dev);
	if (group >= 0)
		close(group);
	if (container >= 0)
		close(container);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_fault };
	long page = sysconf(_SC_PAGESIZE);
	char *devs[MAX_DEVS];
	struct dirent *de;
	int i, n = 0;
	DIR *d;

	setvbuf(stdout, NULL, _IOLBF, 0);
	n_reads = reads_from_cmdline();
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			check_device(argv[i], page);
	} else {
		d = opendir(PCI_DEVICES);
		if (!d) {
			perror(PCI_DEVICES);
			return 1;
		}
		while ((de = readdir(d)) && n < MAX_DEVS) {
			const char *bdf = de->d_name;

			if (bdf[0] == '.' ||
			    read_attr(bdf, "vendor") != TESTDEV_VENDOR ||
			    read_attr(bdf, "device") != TESTDEV_DEVICE)
				continue;
			devs[n++] = strdup(de->d_name);
		}
		closedir(d);
		qsort(devs, n, sizeof(devs[0]), cmp_str);
		for (i = 0; i < n; i++)
			check_device(devs[i], page);
	}

	printf("VFIO-SUMMARY devices=%d bars=%d mmap=%d nommap=%d errors=%d\n",
	       n_devices, n_bars, n_mmap, n_nommap, n_errors);
	return n_errors || !n_devices;
}
