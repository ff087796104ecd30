// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init: helpers shared by main.c and the modes (kernel
 * command line, sysfs reads and writes, kernel log marks, running a
 * program).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

/* Whether @word is a word of the kernel command line */
int cmdline_has(const char *word)
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

/*
 * Value of the first "@key=value" word on the kernel command line, copied
 * to @buf, or NULL
 */
const char *cmdline_value(const char *key, char *buf, size_t len)
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

/* Read the whole resource_alignment file; returns its length or -errno */
int read_ra(char *buf, size_t len)
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

/* Number of entries in /sys/bus/pci/devices, or -1 */
int count_devices(void)
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
void kmsg_mark(const char *what)
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

/* Run @path without arguments; returns its exit status as a shell would */
int run(const char *path)
{
	return run_arg(path, NULL);
}

/* Run @path with one argument @arg (NULL: none), as run() */
int run_arg(const char *path, const char *arg)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(path, path, arg, (char *)NULL);
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
