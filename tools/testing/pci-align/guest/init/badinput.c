// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init, pcialign.test=badinput (after the kernel log
 * dump): sysfs bad-input test of /sys/bus/pci/resource_alignment.  Each
 * bad value and a 4096-byte one must be rejected with EINVAL, leave the
 * content unchanged and log exactly one resource_alignment line naming
 * the bad part; then "all" must be accepted and read back, and an empty
 * write must clear it.  Prints
 *	SYSFS-BEGIN badinput
 *	SYSFS-KMSG <kernel log line>  per new resource_alignment line
 *	SYSFS PASS|FAIL [<case>] <name>: <detail>
 *	SYSFS-END badinput failures=<n>
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static int failures;

static const char *cur_case = "-";

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

/* A malformed value, its length (0: strlen) and what the message names */
struct bad_value {
	const char *val;
	size_t len;
	const char *want;
};

/*
 * Those of scenarios/badinput.py's CASES that are malformed as a whole in
 * sysfs (its "" is valid here: it restores the default), and what only
 * a write can carry: ',' separators, whitespace and NUL bytes
 */
static const struct bad_value bad[] = {
	{ "all;garbage", 0, "\"garbage\"" },
	{ "99@all", 0, "99@all" },
	{ "-1@all", 0, "-1@all" },
	{ "@all", 0, "\"@all\"" },
	{ "all@", 0, "all@" },
	{ "garbage;all", 0, "\"garbage\"" },
	{ "12@0000:00:1f.7x;all", 0, "12@0000:00:1f.7x" },
	{ "0@all", 0, "0@all" },
	{ "64@all", 0, "64@all" },
	{ "65536@all", 0, "65536@all" },
	{ "4294967308@all", 0, "4294967308@all" },
	{ "+12@all", 0, "+12@all" },
	{ "12@12@all", 0, "12@12@all" },
	{ "allx", 0, "allx" },
	{ "ALL", 0, "\"ALL\"" },
	{ "12@", 0, "\"12@\"" },
	{ "pci:zz:1", 0, "pci:zz:1" },
	{ "pci:1b36", 0, "\"pci:1b36\"" },
	{ "pci:1b36:0005x;all", 0, "pci:1b36:0005x" },
	{ "0000:00:02", 0, "\"0000:00:02\"" },
	{ "0000:00:02.0x", 0, "0000:00:02.0x" },
	{ "/02.0", 0, "\"/02.0\"" },
	{ "all;;all", 0, "\"\"" },
	{ "all;off", 0, "\"off\"" },
	{ "12@all;99@all", 0, "99@all" },
	{ "all,garbage", 0, "\"garbage\"" },
	{ "garbage,all", 0, "\"garbage\"" },
	{ "all, 12@all", 0, "\" 12@all\"" },
	{ "pci: 1b36:0005", 0, "pci: 1b36:0005" },
	{ " all", 0, "\" all\"" },
	/* %pE escapes them, /dev/kmsg escapes the backslash as \x5c */
	{ "all\t", 0, "all\\x5ct" },
	{ "all\n12@all", 0, "all\\x5cn12@all" },
	{ "all\0garbage", 11, "NUL byte at offset 3" },
	{ "\0all", 4, "NUL byte at offset 0" },
};

void test_badinput(void)
{
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
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].val);
		char val[64];

		cur_case = bad[i].want;
		memcpy(val, bad[i].val, len);
		val[len] = '\n';		/* as echo writes it */
		bad_write("rejected", val, len + 1, bad[i].want);
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
