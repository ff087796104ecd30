/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the pci-align guest /init (main.c) and its modes, one
 * file each; every .c file in guest/init/ is linked into the one static
 * /init.
 */
#ifndef PCIALIGN_GUEST_INIT_COMMON_H
#define PCIALIGN_GUEST_INIT_COMMON_H

#include <stddef.h>

#include "sysfs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RA_FILE		"/sys/bus/pci/resource_alignment"
#define PCI_RESCAN	"/sys/bus/pci/rescan"

/* Kernel command line */
int cmdline_has(const char *word);
const char *cmdline_value(const char *key, char *buf, size_t len);

/* sysfs */
int read_ra(char *buf, size_t len);
int count_devices(void);

/* Kernel log, programs */
void kmsg_mark(const char *what);
int run(const char *path);
int run_arg(const char *path, const char *arg);

/* The modes (main.c dispatches on pcialign.test=<name>) */
void test_badinput(void);
void test_rescan(void);
void test_remove(void);
void test_hotplug(void);
void test_sriov(void);
void test_race(void);
void run_programs(void);
void report_decode(void);
void debug_start(void);
void debug_report(void);

#endif
