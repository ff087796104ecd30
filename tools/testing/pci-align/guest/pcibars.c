// SPDX-License-Identifier: GPL-2.0
/*
 * pcibars - report the kernel's PCI memory resources next to the sizes the
 * hardware BARs actually decode.
 *
 * Runs inside the pci-align QEMU guest.  For every /sys/bus/pci/devices/X it
 * prints
 *
 *   PCIBAR <bdf> <index> <start> <end> <flags> <hwsize> <vendor>:<device>
 *	for every memory BAR (0-5), the expansion ROM (6) and IOV BARs (7-12);
 *	start/end/flags come from the sysfs "resource" file, hwsize is found
 *	by sizing the BAR through the config space file (all-ones write).
 *	A BAR the hardware implements but the kernel left without a resource
 *	is still printed (start/end/flags 0), so it can be counted unassigned.
 *   PCIIO  <bdf> <index> <start> <end> <flags> <hwsize> <vendor>:<device>
 *	for I/O BARs (informational).
 *   PCIWIN <bdf> <index> <start> <end> <flags>
 *	for bridge windows (13-16).
 *   PCIVF  <bdf> <pf> <k>
 *	for a VF: its PF (the physfn link) and its index k (the PF's
 *	virtfn<k> link points to it; -1 if none does).
 *   PCIDRV <bdf> <vendor>:<device> <driver>
 *	the driver bound to the device (the basename of its "driver" link),
 *	"-" if none; one line per device, devices without BARs included.
 *   PCICMD <bdf> <command>
 *	the PCI_COMMAND register as found, read before the BARs are sized
 *	(sizing turns decoding off and then restores the register exactly;
 *	"PCIERR <bdf> command ..." if the restore could not be verified).
 *
 * All numbers are hex with a 0x prefix.  hwsize is 0x0 when the BAR is not
 * implemented and "-" when it could not be determined.
 *
 * VFs (physfn link present) are never written to: their hwsize is taken
 * from the resource.
 *
 * pcibars --decode prints the hardware's view instead (the guest's last
 * step, after it wrote "1" to every device's enable file; see
 * guest/init/decode.c): what each device decodes, from its config space
 * alone, for harness/analyze.py's overlapping-decode check:
 *
 *   PCIDECODE-BEGIN
 *   PCIDEC <bdf> cmd <command> hdr <header type> [vf <pf> ctrl <control>]
 *	one per device, first; a VF names its PF and the PF's SR-IOV
 *	control register (VF Enable, VF MSE decide whether it decodes)
 *   PCIDEC <bdf> mem|io <bus start> <size> bar<N>|rom [en=0|1]
 *	one per implemented BAR (0-5 of a type 0 header, 0-1 of a type 1
 *	header, the ROM with its enable bit), whether it decodes or not:
 *	the bus address the register holds (64-bit BARs in full) and the
 *	size found by sizing through config space.  A VF's BARs are the
 *	PF's SR-IOV VF BARs plus k times the VF's size, which comes from
 *	its resource file (VFs are never written to).
 *   PCIDECERR <bdf> <what>
 *	a device (or its PF) whose registers could not be read
 *   PCIDECODE-END <number of devices in sysfs>
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfs.h"


#define PCI_COMMAND		0x04
#define  PCI_COMMAND_IO		0x1
#define  PCI_COMMAND_MEMORY	0x2
#define PCI_HEADER_TYPE		0x0e
#define PCI_BASE_ADDRESS_0	0x10
#define PCI_ROM_ADDRESS		0x30
#define PCI_ROM_ADDRESS1	0x38
#define PCI_ROM_ADDRESS_MASK	0xfffff800U

#define BAR_SPACE_IO		0x1
#define BAR_MEM_TYPE_MASK	0x6
#define BAR_MEM_TYPE_64		0x4
#define BAR_MEM_MASK		0xfffffff0U
#define BAR_IO_MASK		0xfffffffcU

#define IORESOURCE_IO		0x100
#define IORESOURCE_MEM		0x200

#define NRES		17
#define ROM_IDX		6
#define IOV_FIRST	7
#define IOV_LAST	12
#define WIN_FIRST	13

struct res {
	unsigned long long start, end, flags;
};

/* Hardware view of one BAR slot */
struct hwbar {
	int valid;		/* sizing attempted and succeeded */
	int is_io;
	int upper;		/* upper half of a 64-bit BAR */
	unsigned long long size;
};

static int read_hex_file(const char *dir, const char *name, unsigned int *val)
{
	char path[512], buf[64];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	*val = strtoul(buf, NULL, 16);
	return 0;
}

static int read_resources(const char *dir, struct res *r)
{
	char path[512], line[256];
	FILE *f;
	int n = 0;

	memset(r, 0, sizeof(*r) * NRES);
	snprintf(path, sizeof(path), "%s/resource", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n < NRES && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %llx %llx", &r[n].start, &r[n].end,
			   &r[n].flags) != 3)
			break;
		n++;
	}
	fclose(f);
	return n;
}

/*
 * The config file is the config space byte for byte (little-endian):
 * @val is a u8, u16 or u32 of @len bytes in the CPU's order (sparc64,
 * s390x are big-endian)
 */
static int cfg_read(int fd, unsigned int off, void *val, size_t len)
{
	uint16_t v16;
	uint32_t v32;

	if (pread(fd, val, len, off) != (ssize_t)len)
		return -1;
	if (len == 2) {
		memcpy(&v16, val, 2);
		v16 = le16toh(v16);
		memcpy(val, &v16, 2);
	} else if (len == 4) {
		memcpy(&v32, val, 4);
		v32 = le32toh(v32);
		memcpy(val, &v32, 4);
	}
	return 0;
}

static int cfg_write(int fd, unsigned int off, const void *val, size_t len)
{
	unsigned char buf[4];
	uint16_t v16;
	uint32_t v32;

	if (len == 2) {
		memcpy(&v16, val, 2);
		v16 = htole16(v16);
		memcpy(buf, &v16, 2);
	} else if (len == 4) {
		memcpy(&v32, val, 4);
		v32 = htole32(v32);
		memcpy(buf, &v32, 4);
	} else if (len == 1) {
		memcpy(buf, val, 1);
	} else {
		return -1;
	}
	return pwrite(fd, buf, len, off) == (ssize_t)len ? 0 : -1;
}

/*
 * Size the BAR at config offset @off.  Decoding must already be off.
 * Returns the number of BAR slots consumed (1 or 2), or -1 on error.
 */
static int size_bar(int fd, unsigned int off, int rom, struct hwbar *hb)
{
	uint32_t orig, orig_hi = 0, ones = 0xffffffffU, val, val_hi = 0;
	unsigned long long mask;
	int is64 = 0;

	if (cfg_read(fd, off, &orig, 4))
		return -1;
	if (!rom && (orig & BAR_SPACE_IO)) {
		hb->is_io = 1;
	} else if (!rom && (orig & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64) {
		is64 = 1;
		if (cfg_read(fd, off + 4, &orig_hi, 4))
			return -1;
	}

	if (rom) {
		/* Keep the enable bit clear while sizing */
		uint32_t v = PCI_ROM_ADDRESS_MASK;

		if (cfg_write(fd, off, &v, 4))
			return -1;
	} else if (cfg_write(fd, off, &ones, 4)) {
		return -1;
	}
	if (cfg_read(fd, off, &val, 4))
		goto restore;
	if (is64) {
		if (cfg_write(fd, off + 4, &ones, 4) ||
		    cfg_read(fd, off + 4, &val_hi, 4))
			goto restore;
	}

	if (rom)
		mask = val & PCI_ROM_ADDRESS_MASK;
	else if (hb->is_io)
		mask = val & BAR_IO_MASK;
	else
		mask = val & BAR_MEM_MASK;

	if (!mask && !val_hi) {
		/* No writable address bit: the BAR isn't implemented */
		hb->size = 0;
	} else {
		if (is64)
			mask |= (unsigned long long)val_hi << 32;
		else if (hb->is_io)
			mask |= 0xffffffffffff0000ULL; /* 16-bit I/O decoders */
		else
			mask |= 0xffffffff00000000ULL;
		hb->size = mask & (~mask + 1);
	}
	hb->valid = 1;

restore:
	cfg_write(fd, off, &orig, 4);
	if (is64)
		cfg_write(fd, off + 4, &orig_hi, 4);
	if (!hb->valid)
		return -1;
	if (is64)
		hb[1].upper = 1;
	return is64 ? 2 : 1;
}

/* Read PCI_COMMAND; returns 0 or -1 */
static int read_command(const char *dir, uint16_t *cmd)
{
	char path[512];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ret = cfg_read(fd, PCI_COMMAND, cmd, 2);
	close(fd);
	return ret;
}

/* Write back the saved command register and check that it took */
static void restore_command(int fd, const char *bdf, uint16_t cmd)
{
	uint16_t now = 0;
	int try;

	for (try = 0; try < 3; try++) {
		if (cfg_write(fd, PCI_COMMAND, &cmd, 2) == 0 &&
		    cfg_read(fd, PCI_COMMAND, &now, 2) == 0 && now == cmd)
			return;
	}
	printf("PCIERR %s command not restored: was 0x%04x now 0x%04x\n", bdf,
	       cmd, now);
}

/*
 * The BARs of a config header type: 6 and the ROM at PCI_ROM_ADDRESS for a
 * device, 2 and PCI_ROM_ADDRESS1 for a bridge.  -1 for other headers
 * (CardBus).
 */
static int header_bars(uint8_t htype, unsigned int *nbars,
		       unsigned int *rom_off)
{
	switch (htype & 0x7f) {
	case 0:
		*nbars = 6;
		*rom_off = PCI_ROM_ADDRESS;
		return 0;
	case 1:
		*nbars = 2;
		*rom_off = PCI_ROM_ADDRESS1;
		return 0;
	default:
		return -1;
	}
}

/* Fill hw[0..6] (BARs 0-5 and ROM) by sizing through config space */
static void size_device(const char *dir, const char *bdf, struct hwbar *hw)
{
	char path[512];
	uint16_t cmd, off_cmd;
	uint8_t htype;
	unsigned int nbars, rom_off, i;
	int fd, n;

	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return;
	if (cfg_read(fd, PCI_HEADER_TYPE, &htype, 1) ||
	    cfg_read(fd, PCI_COMMAND, &cmd, 2))
		goto out;

	if (header_bars(htype, &nbars, &rom_off))
		goto out;

	off_cmd = cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	if (cfg_write(fd, PCI_COMMAND, &off_cmd, 2))
		goto out;

	for (i = 0; i < nbars; ) {
		n = size_bar(fd, PCI_BASE_ADDRESS_0 + 4 * i, 0, &hw[i]);
		if (n < 0)
			n = 1;
		/* A 64-bit BAR in the last slot is malformed: ignore its top */
		i += n;
	}
	size_bar(fd, rom_off, 1, &hw[ROM_IDX]);

	restore_command(fd, bdf, cmd);
out:
	close(fd);
}

static int is_vf(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/physfn", dir);
	return access(path, F_OK) == 0;
}

/* For a VF: "PCIVF <bdf> <pf> <k>" */
static void report_vf(const char *dir, const char *bdf)
{
	char path[1024], link[256], pf[256], *p;
	ssize_t n;
	int k;

	snprintf(path, sizeof(path), "%s/physfn", dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		printf("PCIERR %s cannot read physfn: %s\n", bdf,
		       strerror(errno));
		return;
	}
	link[n] = '\0';
	p = strrchr(link, '/');
	snprintf(pf, sizeof(pf), "%s", p ? p + 1 : link);
	for (k = 0; k < 4096; k++) {
		snprintf(path, sizeof(path), "%s/%s/virtfn%d", PCI_DEVICES, pf, k);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0) {
			k = -1;
			break;
		}
		link[n] = '\0';
		p = strrchr(link, '/');
		if (!strcmp(p ? p + 1 : link, bdf))
			break;
	}
	printf("PCIVF %s %s %d\n", bdf, pf, k);
}

/* "PCIDRV <bdf> <vendor>:<device> <driver or ->" */
static void report_driver(const char *dir, const char *bdf,
			  unsigned int vendor, unsigned int device)
{
	char path[512], link[256], *p;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/driver", dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		p = strrchr(link, '/');
		p = p ? p + 1 : link;
	} else {
		p = "-";
	}
	printf("PCIDRV %s %04x:%04x %s\n", bdf, vendor, device, p);
}

static void print_size(unsigned long long size, int known)
{
	if (known)
		printf(" 0x%llx", size);
	else
		printf(" -");
}

static void report_device(const char *bdf)
{
	struct hwbar hw[NRES];
	struct res r[NRES];
	unsigned int vendor = 0, device = 0;
	uint16_t cmd;
	char dir[256];
	int i, nres, vf;

	snprintf(dir, sizeof(dir), "%s/%s", PCI_DEVICES, bdf);
	memset(hw, 0, sizeof(hw));
	nres = read_resources(dir, r);
	if (nres < 0) {
		printf("PCIERR %s cannot read resource: %s\n", bdf,
		       strerror(errno));
		return;
	}
	read_hex_file(dir, "vendor", &vendor);
	read_hex_file(dir, "device", &device);
	report_driver(dir, bdf, vendor, device);

	/* Before sizing, which turns decoding off for a moment */
	if (read_command(dir, &cmd) == 0)
		printf("PCICMD %s 0x%04x\n", bdf, cmd);
	else
		printf("PCIERR %s cannot read command: %s\n", bdf,
		       strerror(errno));

	vf = is_vf(dir);
	if (vf)
		report_vf(dir, bdf);
	else
		size_device(dir, bdf, hw);

	for (i = 0; i < WIN_FIRST && i < NRES; i++) {
		unsigned long long rsize = 0;
		int known, io;

		if (r[i].flags)
			rsize = r[i].end - r[i].start + 1;

		if (i <= ROM_IDX && !vf) {
			if (hw[i].upper)
				continue;
			known = hw[i].valid;
			io = hw[i].is_io || (r[i].flags & IORESOURCE_IO);
			/* Nothing in hardware and nothing in the kernel */
			if (known && !hw[i].size && !r[i].flags)
				continue;
			if (!known && !r[i].flags)
				continue;
		} else {
			/* VF BARs, IOV BARs: trust the resource */
			if (!r[i].flags)
				continue;
			known = 1;
			hw[i].size = rsize;
			io = !!(r[i].flags & IORESOURCE_IO);
		}

		printf("%s %s %d 0x%llx 0x%llx 0x%llx", io ? "PCIIO" : "PCIBAR",
		       bdf, i, r[i].start, r[i].end, r[i].flags);
		print_size(hw[i].size, known);
		printf(" %04x:%04x\n", vendor, device);
	}

	for (i = WIN_FIRST; i < nres; i++) {
		if (!r[i].flags)
			continue;
		printf("PCIWIN %s %d 0x%llx 0x%llx 0x%llx\n", bdf, i,
		       r[i].start, r[i].end, r[i].flags);
	}
}

#define PCI_EXT_CAP_START	0x100
#define PCI_EXT_CAP_ID_SRIOV	0x10
#define PCI_SRIOV_CTRL		0x08
#define PCI_SRIOV_VF_OFFSET	0x14
#define PCI_SRIOV_VF_STRIDE	0x16
#define PCI_SRIOV_BAR		0x24
#define MAX_DEVICES		8192

/* The bus address a BAR register at @off holds; *@is64 if 64-bit */
static int bar_address(int fd, unsigned int off, int rom,
		       unsigned long long *addr, int *is_io, int *is64)
{
	uint32_t lo, hi = 0;

	if (cfg_read(fd, off, &lo, 4))
		return -1;
	*is_io = !rom && (lo & BAR_SPACE_IO);
	*is64 = !rom && !*is_io &&
		(lo & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64;
	if (*is64 && cfg_read(fd, off + 4, &hi, 4))
		return -1;
	if (rom)
		*addr = lo & PCI_ROM_ADDRESS_MASK;
	else if (*is_io)
		*addr = lo & BAR_IO_MASK;
	else
		*addr = ((unsigned long long)hi << 32) | (lo & BAR_MEM_MASK);
	return 0;
}

/* Offset of the SR-IOV capability in the config space of @fd, or 0 */
static unsigned int sriov_cap(int fd)
{
	unsigned int pos = PCI_EXT_CAP_START, hops;
	uint32_t h;

	for (hops = 0; pos >= PCI_EXT_CAP_START && hops < 512; hops++) {
		if (cfg_read(fd, pos, &h, 4) || !h || h == 0xffffffffU)
			return 0;
		if ((h & 0xffff) == PCI_EXT_CAP_ID_SRIOV)
			return pos;
		pos = h >> 20;
	}
	return 0;
}

static unsigned int routing_id(const char *bdf)
{
	unsigned int dom, bus, dev, fn;

	if (sscanf(bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4)
		return 0;
	return bus << 8 | dev << 3 | fn;
}

/*
 * A VF: its BARs are its PF's SR-IOV VF BARs plus k * size (k from the
 * routing IDs, size from the VF's resource file)
 */
static void decode_vf(const char *dir, const char *bdf, uint16_t cmd)
{
	char path[1024], link[256], *pf;
	unsigned long long base, size;
	uint16_t ctrl, offset, stride;
	unsigned int pos;
	struct res r[NRES];
	int fd, i, k, is_io, is64;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/physfn", dir);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0) {
		printf("PCIDECERR %s physfn: %s\n", bdf, strerror(errno));
		return;
	}
	link[n] = '\0';
	pf = strrchr(link, '/');
	pf = pf ? pf + 1 : link;
	snprintf(path, sizeof(path), "%s/%s/config", PCI_DEVICES, pf);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("PCIDECERR %s PF %s config: %s\n", bdf, pf,
		       strerror(errno));
		return;
	}
	pos = sriov_cap(fd);
	if (!pos || cfg_read(fd, pos + PCI_SRIOV_CTRL, &ctrl, 2) ||
	    cfg_read(fd, pos + PCI_SRIOV_VF_OFFSET, &offset, 2) ||
	    cfg_read(fd, pos + PCI_SRIOV_VF_STRIDE, &stride, 2) ||
	    read_resources(dir, r) < 0) {
		printf("PCIDECERR %s PF %s SR-IOV capability or VF resources "
		       "not readable\n", bdf, pf);
		goto out;
	}
	k = stride ? ((int)routing_id(bdf) - (int)routing_id(pf) - offset) /
		stride : 0;
	printf("PCIDEC %s cmd 0x%04x hdr 0x0 vf %s ctrl 0x%04x\n", bdf, cmd,
	       pf, ctrl);
	for (i = 0; i < 6; i++) {
		if (bar_address(fd, pos + PCI_SRIOV_BAR + 4 * i, 0, &base,
				&is_io, &is64)) {
			printf("PCIDECERR %s PF %s VF BAR %d\n", bdf, pf, i);
			break;
		}
		size = r[i].flags ? r[i].end - r[i].start + 1 : 0;
		if (size)
			printf("PCIDEC %s mem 0x%llx 0x%llx bar%d\n", bdf,
			       base + k * size, size, i);
		if (is64)
			i++;
	}
out:
	close(fd);
}

/* pcibars --decode: the PCIDEC lines of one device */
static void decode_device(const char *bdf)
{
	struct hwbar hw[ROM_IDX + 1];
	unsigned long long addr[ROM_IDX + 1];
	char dir[256], path[512];
	unsigned int nbars, rom_off, i;
	uint32_t rom = 0;
	uint16_t cmd, off_cmd;
	uint8_t htype;
	int fd, n, is_io, is64;

	snprintf(dir, sizeof(dir), "%s/%s", PCI_DEVICES, bdf);
	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, is_vf(dir) ? O_RDONLY : O_RDWR);
	if (fd < 0 || cfg_read(fd, PCI_HEADER_TYPE, &htype, 1) ||
	    cfg_read(fd, PCI_COMMAND, &cmd, 2)) {
		printf("PCIDECERR %s config: %s\n", bdf, strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	if (is_vf(dir)) {
		close(fd);
		decode_vf(dir, bdf, cmd);
		return;
	}
	printf("PCIDEC %s cmd 0x%04x hdr 0x%x\n", bdf, cmd, htype);
	if (header_bars(htype, &nbars, &rom_off))
		goto out;		/* CardBus: no BARs of ours */

	/* The registers as found, before sizing */
	memset(hw, 0, sizeof(hw));
	memset(addr, 0, sizeof(addr));
	for (i = 0; i < nbars; i += is64 ? 2 : 1) {
		if (bar_address(fd, PCI_BASE_ADDRESS_0 + 4 * i, 0, &addr[i],
				&is_io, &is64)) {
			printf("PCIDECERR %s BAR %u not readable\n", bdf, i);
			goto out;
		}
	}
	if (cfg_read(fd, rom_off, &rom, 4)) {
		printf("PCIDECERR %s ROM not readable\n", bdf);
		goto out;
	}
	addr[ROM_IDX] = rom & PCI_ROM_ADDRESS_MASK;

	off_cmd = cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	if (cfg_write(fd, PCI_COMMAND, &off_cmd, 2)) {
		printf("PCIDECERR %s command not writable\n", bdf);
		goto out;
	}
	for (i = 0; i < nbars; i += n) {
		n = size_bar(fd, PCI_BASE_ADDRESS_0 + 4 * i, 0, &hw[i]);
		if (n < 0) {
			printf("PCIDECERR %s BAR %u not sized\n", bdf, i);
			n = 1;
		}
	}
	if (size_bar(fd, rom_off, 1, &hw[ROM_IDX]) < 0)
		printf("PCIDECERR %s ROM not sized\n", bdf);
	restore_command(fd, bdf, cmd);

	for (i = 0; i < nbars; i++) {
		if (!hw[i].valid || hw[i].upper || !hw[i].size)
			continue;
		printf("PCIDEC %s %s 0x%llx 0x%llx bar%u\n", bdf,
		       hw[i].is_io ? "io" : "mem", addr[i], hw[i].size, i);
	}
	if (hw[ROM_IDX].valid && hw[ROM_IDX].size)
		printf("PCIDEC %s mem 0x%llx 0x%llx rom en=%u\n", bdf,
		       addr[ROM_IDX], hw[ROM_IDX].size, rom & 1);
out:
	close(fd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

static int decode(void)
{
	static char *names[MAX_DEVICES];
	int n, i;

	printf("PCIDECODE-BEGIN\n");
	n = list_devices(names, MAX_DEVICES);
	if (n < 0) {
		printf("PCIDECERR - cannot open %s: %s\n", PCI_DEVICES,
		       strerror(-n));
		return 1;
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		decode_device(names[i]);
		free(names[i]);
	}
	printf("PCIDECODE-END %d\n", n);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	char *names[1024];
	int n, i;

	if (argc > 1 && !strcmp(argv[1], "--decode"))
		return decode();

	n = list_devices(names, 1024);
	if (n < 0) {
		printf("PCIERR cannot open %s: %s\n", PCI_DEVICES, strerror(-n));
		return 1;
	}
	qsort(names, n, sizeof(names[0]), cmp_str);

	for (i = 0; i < n; i++) {
		report_device(names[i]);
		free(names[i]);
	}
	printf("PCIDEVS %d\n", n);
	fflush(stdout);
	return 0;
}
