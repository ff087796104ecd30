// SPDX-License-Identifier: GPL-2.0
/*
 * pci-align guest /init, pcialign.run=PROG[,PROG...] (absolute paths, no
 * arguments; with or without a pcialign.test= mode, after it and before
 * the kernel log dump): each program in turn, after "pcialign: run PROG"
 * to the kernel log, its output framed as
 *	PCIALIGN-RUN-BEGIN <PROG>
 *	<whatever PROG prints to stdout/stderr>
 *	PCIALIGN-RUN-END <PROG> rc=<exit status; 127 if it could not be
 *	    executed, 128 + N if killed by signal N>
 * (extra programs get into /bin through INITRAMFS_EXTRA, see
 * mkinitramfs.sh)
 */
#include <stdio.h>
#include <string.h>

#include "common.h"

/*
 * pcialign.run=PROG[,PROG...]: run each program, output framed by
 * PCIALIGN-RUN-BEGIN/PCIALIGN-RUN-END lines
 */
void run_programs(void)
{
	char list[1024], what[300], *tok, *save;

	if (!cmdline_value("pcialign.run", list, sizeof(list)))
		return;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		snprintf(what, sizeof(what), "run %s", tok);
		kmsg_mark(what);
		printf("PCIALIGN-RUN-BEGIN %s\n", tok);
		printf("PCIALIGN-RUN-END %s rc=%d\n", tok, run(tok));
	}
}
