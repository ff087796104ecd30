/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs helpers shared by the pci-align guest programs (init/,
 * pcibars.c, vfiocheck.c); each is built as a static binary of its own.
 */
#ifndef PCIALIGN_GUEST_SYSFS_H
#define PCIALIGN_GUEST_SYSFS_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCI_DEVICES	"/sys/bus/pci/devices"

/*
 * The number in attribute @name of PCI device @bdf: decimal, or hex with
 * "0x" as in vendor, device and class.  Returns -1 if it can't be read.
 */
static inline long read_attr(const char *bdf, const char *name)
{
	char path[512], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", PCI_DEVICES, bdf, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 0);
}

/* Write @len bytes of @val to @path in one write(); returns 0 or -errno */
static inline int write_buf(const char *path, const char *val, size_t len)
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

/* Write the string @val to @path; returns 0 or -errno */
static inline int write_file(const char *path, const char *val)
{
	return write_buf(path, val, strlen(val));
}

/*
 * The names of at most @max PCI devices in sysfs, strdup()ed into @names
 * in directory order.  Returns their number, or -errno if the directory
 * can't be opened.
 */
static inline int list_devices(char **names, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(PCI_DEVICES);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < max) {
		if (de->d_name[0] == '.')
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	return n;
}

#endif
