// SPDX-License-Identifier: GPL-2.0
/*
 * pde_data(): Linux 5.17 renamed PDE_DATA() to pde_data() and removed the
 * old name; before, compat.h maps pde_data() to PDE_DATA().
 */
#include <linux/proc_fs.h>

static __maybe_unused void *probe(const struct inode *inode)
{
	return pde_data(inode);
}
