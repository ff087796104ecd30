// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init: the debug kernel's reports, also those logged
 * after the kernel log dump (the console only shows emergencies).
 *
 * debug_start(), right after setup: when the kernel has kmemleak
 * (/sys/kernel/debug/kmemleak, debugfs mounted here) or the command line
 * has the word pcialign.klog, a child process reads /dev/kmsg from the
 * oldest record on and keeps every record of level warning or more
 * important (KASAN, UBSAN, lockdep, BUG:, WARNING:, ODEBUG reports are
 * all at KERN_ERR or KERN_WARNING, their stack dumps too) in a file,
 * for the whole boot: the ring buffer may wrap (race.c logs a lot),
 * the child keeps up with it.
 *
 * debug_report(), the last step before PCIALIGN-END:
 *	PCIALIGN-KMEMLEAK-BEGIN
 *	KMEMLEAK <each line of /sys/kernel/debug/kmemleak>
 *	PCIALIGN-KMEMLEAK-END <unreferenced objects> scan-ms=<ms>
 * after "scan", 5 s, "scan" (an object is reported when it is older than
 * 5 s and unchanged since the scan before), then
 *	PCIALIGN-KLOGWARN-BEGIN
 *	KLOG <level> <text>	(levels 0-4, from the child's file)
 *	PCIALIGN-KLOGWARN-END <records> lost=<records overwritten unread>
 * The analyzer (analyze.Run.debug_reports()) counts the reports in both.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define KMEMLEAK	"/sys/kernel/debug/kmemleak"
#define KLOG_WARN_FILE	"/klog.warn"
#define KLOG_END_MARK	"pcialign: debug-report"

static pid_t reader = -1;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The child: copy the records of level <= 4 from /dev/kmsg to @out as
 * "<level> <text>" lines, and "LOST <n>" where records were overwritten
 * before it read them, until it reads KLOG_END_MARK
 */
static void klog_reader(int out)
{
	char rec[8192], line[8300];
	FILE *f = fdopen(out, "w");
	int fd = open("/dev/kmsg", O_RDONLY);

	if (!f || fd < 0)
		_exit(1);
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *semi, *text, *nl;
		int prio;

		if (n < 0 && errno == EPIPE) {
			fprintf(f, "LOST 1\n");
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		semi = strchr(rec, ';');
		if (!semi)
			continue;
		text = semi + 1;
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';	/* the "KEY=value" lines after it */
		if (strstr(text, KLOG_END_MARK))
			break;
		prio = atoi(rec);
		if ((prio >> 3) != 0 || (prio & 7) > 4)	/* kernel, <= warning */
			continue;
		snprintf(line, sizeof(line), "%d %s\n", prio & 7, text);
		fputs(line, f);
		fflush(f);
	}
	fclose(f);
	_exit(0);
}

void debug_start(void)
{
	int out;

	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access(KMEMLEAK, F_OK) && !cmdline_has("pcialign.klog"))
		return;
	out = open(KLOG_WARN_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		return;
	fflush(stdout);
	reader = fork();
	if (reader == 0)
		klog_reader(out);
	close(out);
}

/* kmemleak: scan, wait until every object is older than 5 s, scan again */
static void report_kmemleak(void)
{
	char line[1024];
	int objects = 0;
	long start;
	FILE *f;

	if (access(KMEMLEAK, F_OK))
		return;
	start = now_ms();
	write_file(KMEMLEAK, "scan");
	sleep(6);
	write_file(KMEMLEAK, "scan");
	printf("PCIALIGN-KMEMLEAK-BEGIN\n");
	f = fopen(KMEMLEAK, "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strstr(line, "unreferenced object"))
			objects++;
		printf("KMEMLEAK %s\n", line);
	}
	if (f)
		fclose(f);
	printf("PCIALIGN-KMEMLEAK-END %d scan-ms=%ld%s\n", objects,
	       now_ms() - start, f ? "" : " unreadable");
}

/* Stop the reader (bounded) and print what it kept */
static void report_klog(void)
{
	char line[8300];
	int records = 0, lost = 0, status, i;
	FILE *f;

	if (reader <= 0)
		return;
	kmsg_mark("debug-report");
	for (i = 0; i < 100; i++) {	/* at most 5 s */
		if (waitpid(reader, &status, WNOHANG) == reader)
			break;
		usleep(50000);
	}
	if (i == 100) {
		kill(reader, SIGKILL);
		waitpid(reader, &status, 0);
	}
	printf("PCIALIGN-KLOGWARN-BEGIN\n");
	f = fopen(KLOG_WARN_FILE, "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "LOST ", 5)) {
			lost += atoi(line + 5);
			continue;
		}
		records++;
		printf("KLOG %s\n", line);
	}
	if (f)
		fclose(f);
	printf("PCIALIGN-KLOGWARN-END %d lost=%d%s\n", records, lost,
	       i == 100 ? " reader-killed" : "");
}

void debug_report(void)
{
	report_kmemleak();
	report_klog();
}
