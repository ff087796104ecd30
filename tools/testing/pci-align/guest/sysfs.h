/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysfs helpers shared by the pci-align guest programs (init/,
 * vfiocheck.c); each is built as a static binary of its own.
 */
#ifndef PCIALIGN_GUEST_SYSFS_H
#define PCIALIGN_GUEST_SYSFS_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

#endif
