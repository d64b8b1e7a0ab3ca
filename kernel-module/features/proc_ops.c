// SPDX-License-Identifier: GPL-2.0
/*
 * struct proc_ops: Linux 5.6 gave /proc files their own operations struct
 * instead of struct file_operations. It is xt_RTPRELAY's floor: compat.h
 * stops the build with #error when this probe fails.
 */
#include <linux/proc_fs.h>

static const struct proc_ops probe __maybe_unused = {
	.proc_open = NULL,
};
