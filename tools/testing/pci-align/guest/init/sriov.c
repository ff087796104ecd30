// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init, pcialign.test=sriov pcialign.sriov=PF,N[,enable]
 * [pcialign.wait=S] (PF a BDF or "auto": the first device with
 * sriov_totalvfs > 0):
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
 *	    polled every 10 ms for at most S seconds, default 5)
 *	SRIOV-VF <k> <vf>  per virtfn<k> link
 *	SRIOV-NUMVFS sysfs=<n> cfg=<n>
 *	<pcibars output again, VFs included>
 * "pcialign: sriov" goes to the kernel log before the first step and
 * "pcialign: sriov done" after the last.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define BAR_IO			0x1
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
void test_sriov(void)
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
