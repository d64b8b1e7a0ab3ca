// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module init and exit for xt_RTPRELAY, the kernel fast path of
 * rtprelayd.  Nothing but setup in order and teardown in reverse.
 */
#include <linux/module.h>

#include "rtprelay.h"

unsigned int rp_proc_uid;
module_param_named(proc_uid, rp_proc_uid, uint, 0444);
MODULE_PARM_DESC(proc_uid, "owner uid of /proc/rtprelay files (default 0)");

unsigned int rp_proc_gid;
module_param_named(proc_gid, rp_proc_gid, uint, 0444);
MODULE_PARM_DESC(proc_gid, "owner gid of /proc/rtprelay files (default 0)");

unsigned int rp_proc_mode = 0660;
module_param_named(proc_mode, rp_proc_mode, uint, 0444);
MODULE_PARM_DESC(proc_mode, "mode of the control files (default 0660)");

static int __init rp_init(void)
{
	int err;

	rp_proc_mode &= 0666;
	err = rp_selftest();
	if (err)
		goto err_out;
	/* tries each algorithm once: loads crypto modules, not per target */
	rp_srtp_suites_mask = rp_srtp_suites();
	err = rp_up_init();
	if (err)
		goto err_out;
	err = rp_target_cache_init();
	if (err)
		goto err_up;
	err = rp_table_init();
	if (err)
		goto err_cache;
	err = rp_xt_init();
	if (err)
		goto err_table;
	pr_info("rtprelay: loaded, ABI version %u, SRTP suites 0x%x\n",
		RTPRELAY_ABI_VERSION, rp_srtp_suites_mask);
	return 0;

err_table:
	rp_table_exit();
err_cache:
	rp_target_cache_exit();
err_up:
	rp_up_exit();
err_out:
	return err;
}

static void __exit rp_exit(void)
{
	rp_xt_exit();		/* no new packets reach us */
	rp_table_exit();	/* closes /proc files, frees targets via RCU */
	rp_target_cache_exit();	/* waits for those RCU frees */
	rp_up_exit();		/* no reader of /proc/rtprelay/stats is left */
	pr_info("rtprelay: unloaded\n");
}

module_init(rp_init);
module_exit(rp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("rtprelay kernel fast path: RTP forwarding x_tables target");
MODULE_ALIAS("ipt_RTPRELAY");
MODULE_ALIAS("ip6t_RTPRELAY");
