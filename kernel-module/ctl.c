// SPDX-License-Identifier: GPL-2.0
/*
 * ctl.c - /proc/rtprelay/<N>/control: binary ABI commands, one struct per
 * write(), replies read back from the same open file.  The command set and
 * its rules are documented in uapi/rtprelay_abi.h.  Each open file carries
 * its own handshake state and pending reply.
 */
#include <linux/fs.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "rtprelay.h"

struct ctl_file {
	struct rp_table *table;	/* valid while open: proc_remove() closes us */
	struct mutex lock;	/* reply */
	bool inited;
	size_t reply_len;
	union {
		struct rtprelay_init init;
		struct rtprelay_target_stats stats;
	} reply;
};

static void module_init_info(struct rtprelay_init *in)
{
	memset(in, 0, sizeof(*in));
	in->cmd = RTPRELAY_CMD_INIT;
	in->abi_version = RTPRELAY_ABI_VERSION;
	in->size_init = sizeof(struct rtprelay_init);
	in->size_add_target = sizeof(struct rtprelay_cmd_add_target);
	in->size_target = sizeof(struct rtprelay_cmd_target);
	in->size_stats = sizeof(struct rtprelay_target_stats);
	in->size_xt_info = sizeof(struct xt_rtprelay_info);
	in->srtp_suites = rp_srtp_suites_mask;
}

static int ctl_open(struct inode *inode, struct file *file)
{
	struct ctl_file *cf;

	cf = kzalloc(sizeof(*cf), GFP_KERNEL);
	if (!cf)
		return -ENOMEM;
	cf->table = pde_data(inode);
	mutex_init(&cf->lock);
	/* greeting: the module's version and sizes, readable before INIT */
	module_init_info(&cf->reply.init);
	cf->reply_len = sizeof(cf->reply.init);
	file->private_data = cf;
	return 0;
}

static int ctl_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static int cmd_init(struct ctl_file *cf, const struct rtprelay_init *req)
{
	struct rtprelay_init mine;

	module_init_info(&mine);
	if (req->abi_version == mine.abi_version &&
	    req->size_init == mine.size_init &&
	    req->size_add_target == mine.size_add_target &&
	    req->size_target == mine.size_target &&
	    req->size_stats == mine.size_stats &&
	    req->size_xt_info == mine.size_xt_info) {
		cf->inited = true;
		return 0;
	}
	pr_warn_ratelimited("rtprelay: table %u: ABI mismatch: daemon abi %u module abi %u (sizes daemon %u/%u/%u/%u module %u/%u/%u/%u)\n",
			    cf->table->id, req->abi_version, mine.abi_version,
			    req->size_init, req->size_add_target,
			    req->size_target, req->size_stats,
			    mine.size_init, mine.size_add_target,
			    mine.size_target, mine.size_stats);
	cf->table->bad_daemon_abi = req->abi_version ? req->abi_version : ~0u;
	return -EINVAL;
}

static int cmd_add(struct ctl_file *cf, const struct rtprelay_cmd_add_target *req)
{
	struct rp_target *tg;

	tg = rp_target_create(req);
	if (IS_ERR(tg))
		return PTR_ERR(tg);
	rp_target_add(cf->table, tg);
	return 0;
}

static int cmd_stats(struct ctl_file *cf, const struct rtprelay_cmd_target *req)
{
	struct rtprelay_addr key = req->local;
	struct rp_target *tg;

	if (key.family == RTPRELAY_AF_INET)
		memset(key.addr + 4, 0, sizeof(key.addr) - 4);
	tg = rp_target_find(cf->table, &key);
	if (!tg)
		return -ENOENT;
	mutex_lock(&cf->lock);
	rp_target_stats(tg, &cf->reply.stats);
	cf->reply_len = sizeof(cf->reply.stats);
	mutex_unlock(&cf->lock);
	return 0;
}

/* Dispatch one command; called with rp_mutex held. */
static int dispatch(struct ctl_file *cf, const void *buf, size_t len)
{
	u32 cmd = *(const u32 *)buf;

	lockdep_assert_held(&rp_mutex);
	if (cf->table->dead)
		return -ENODEV;
	if (cmd == RTPRELAY_CMD_INIT)
		return len == sizeof(struct rtprelay_init) ? cmd_init(cf, buf) : -EINVAL;
	if (!cf->inited)
		return -EPERM;
	switch (cmd) {
	case RTPRELAY_CMD_ADD_TARGET:
		if (len != sizeof(struct rtprelay_cmd_add_target))
			return -EINVAL;
		return cmd_add(cf, buf);
	case RTPRELAY_CMD_DEL_TARGET:
		if (len != sizeof(struct rtprelay_cmd_target))
			return -EINVAL;
		return rp_target_del(cf->table,
				     &((const struct rtprelay_cmd_target *)buf)->local);
	case RTPRELAY_CMD_GET_STATS:
		if (len != sizeof(struct rtprelay_cmd_target))
			return -EINVAL;
		return cmd_stats(cf, buf);
	}
	return -EOPNOTSUPP;
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *off)
{
	struct ctl_file *cf = file->private_data;
	union {
		struct rtprelay_init init;
		struct rtprelay_cmd_add_target add;
		struct rtprelay_cmd_target target;
	} *buf;
	int err;

	if (len < sizeof(u32) || len > sizeof(*buf))
		return -EINVAL;
	buf = kmalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, ubuf, len)) {
		err = -EFAULT;
		goto out;
	}
	mutex_lock(&rp_mutex);
	err = dispatch(cf, buf, len);
	mutex_unlock(&rp_mutex);
out:
	kfree_sensitive(buf);	/* SRTP session keys */
	return err ? err : len;
}

static ssize_t ctl_read(struct file *file, char __user *ubuf, size_t len,
			loff_t *off)
{
	struct ctl_file *cf = file->private_data;
	ssize_t ret;

	mutex_lock(&cf->lock);
	ret = cf->reply_len;
	if (!ret)
		goto out;
	if (len < cf->reply_len) {
		ret = -EINVAL;
		goto out;
	}
	if (copy_to_user(ubuf, &cf->reply, cf->reply_len)) {
		ret = -EFAULT;
		goto out;
	}
	cf->reply_len = 0;
out:
	mutex_unlock(&cf->lock);
	return ret;
}

const struct proc_ops rp_ctl_proc_ops = {
	.proc_open = ctl_open,
	.proc_read = ctl_read,
	.proc_write = ctl_write,
	.proc_release = ctl_release,
	.proc_lseek = noop_llseek,
};
