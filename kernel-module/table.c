// SPDX-License-Identifier: GPL-2.0
/*
 * table.c - numbered tables of targets and their /proc files:
 *   /proc/rtprelay/control        "add N" / "del N"
 *   /proc/rtprelay/stats          module-wide counters, "key value" lines
 *   /proc/rtprelay/<N>/control    binary ABI commands (ctl.c)
 *   /proc/rtprelay/<N>/list       one text line per target
 *   /proc/rtprelay/<N>/status     "key value" lines, ABI version first
 * The packet path finds a table by number under RCU (rp_table_get_rcu).
 */
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "compat.h"
#include "rtprelay.h"

DEFINE_MUTEX(rp_mutex);
static DEFINE_MUTEX(tables_mutex);	/* creating and deleting tables */
static struct rp_table __rcu *tables[RTPRELAY_MAX_TABLES];
static struct proc_dir_entry *proc_root;

struct rp_table *rp_table_get_rcu(u32 id)
{
	if (id >= RTPRELAY_MAX_TABLES)
		return NULL;
	return rcu_dereference(tables[id]);
}

void rp_proc_set_owner(struct proc_dir_entry *pde)
{
	proc_set_user(pde, make_kuid(&init_user_ns, rp_proc_uid),
		      make_kgid(&init_user_ns, rp_proc_gid));
}

static int list_show(struct seq_file *m, void *v)
{
	struct rp_table *t = m->private;
	struct rp_target *tg;
	unsigned int bkt;

	rcu_read_lock();
	hash_for_each_rcu(t->targets, bkt, tg, node)
		rp_target_show(m, tg);
	rcu_read_unlock();
	return 0;
}

static int status_show(struct seq_file *m, void *v)
{
	struct rp_table *t = m->private;

	mutex_lock(&rp_mutex);
	seq_printf(m, "abi_version %u\n", RTPRELAY_ABI_VERSION);
	seq_printf(m, "table %u\n", t->id);
	seq_printf(m, "targets %u\n", t->num_targets);
	if (t->bad_daemon_abi)
		seq_printf(m, "last_init_error daemon_abi %u module_abi %u\n",
			   t->bad_daemon_abi, RTPRELAY_ABI_VERSION);
	mutex_unlock(&rp_mutex);
	return 0;
}

/* /proc/rtprelay/stats: the module-wide counters */
static int global_show(struct seq_file *m, void *v)
{
	u64 up[RTPRELAY_UP_COUNT], auth, replay;
	unsigned int i;

	rp_up_global(up, &auth, &replay);
	for (i = 0; i < RTPRELAY_UP_COUNT; i++)
		seq_printf(m, "userspace_%s %llu\n", rp_up_names[i], up[i]);
	seq_printf(m, "dropped_auth %llu\ndropped_replay %llu\n", auth, replay);
	return 0;
}

static int table_create(unsigned int id)
{
	struct proc_dir_entry *pde;
	struct rp_table *t;
	char name[12];
	int err = -ENOMEM;

	lockdep_assert_held(&tables_mutex);
	if (id >= RTPRELAY_MAX_TABLES)
		return -EINVAL;
	if (rcu_access_pointer(tables[id]))
		return -EEXIST;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->id = id;
	hash_init(t->targets);
	snprintf(name, sizeof(name), "%u", id);
	t->dir = proc_mkdir(name, proc_root);
	if (!t->dir)
		goto err_free;
	rp_proc_set_owner(t->dir);
	pde = proc_create_data("control", rp_proc_mode, t->dir,
			       &rp_ctl_proc_ops, t);
	if (!pde)
		goto err_remove;
	rp_proc_set_owner(pde);
	pde = proc_create_single_data("list", 0444, t->dir, list_show, t);
	if (!pde)
		goto err_remove;
	rp_proc_set_owner(pde);
	pde = proc_create_single_data("status", 0444, t->dir, status_show, t);
	if (!pde)
		goto err_remove;
	rp_proc_set_owner(pde);
	rcu_assign_pointer(tables[id], t);
	return 0;

err_remove:
	proc_remove(t->dir);
err_free:
	kfree(t);
	return err;
}

static int table_delete(unsigned int id)
{
	struct rp_table *t;

	lockdep_assert_held(&tables_mutex);
	if (id >= RTPRELAY_MAX_TABLES)
		return -EINVAL;
	t = rcu_dereference_protected(tables[id], lockdep_is_held(&tables_mutex));
	if (!t)
		return -ENOENT;
	RCU_INIT_POINTER(tables[id], NULL);
	mutex_lock(&rp_mutex);
	t->dead = true;		/* control writes now fail with -ENODEV */
	mutex_unlock(&rp_mutex);
	/*
	 * waits for running /proc operations and closes open files;
	 * must not hold rp_mutex, which those operations take
	 */
	proc_remove(t->dir);
	synchronize_rcu();	/* no packet path still sees the table */
	mutex_lock(&rp_mutex);
	rp_target_flush(t);
	mutex_unlock(&rp_mutex);
	kfree(t);
	return 0;
}

static ssize_t root_ctl_write(struct file *file, const char __user *ubuf,
			      size_t len, loff_t *off)
{
	char buf[32], op[8];
	unsigned int id;
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%7s %u", op, &id) != 2)
		return -EINVAL;
	mutex_lock(&tables_mutex);
	if (!strcmp(op, "add"))
		err = table_create(id);
	else if (!strcmp(op, "del"))
		err = table_delete(id);
	else
		err = -EINVAL;
	mutex_unlock(&tables_mutex);
	return err ? err : len;
}

static const struct proc_ops root_ctl_ops = {
	.proc_write = root_ctl_write,
	.proc_lseek = noop_llseek,
};

int rp_table_init(void)
{
	struct proc_dir_entry *pde;

	proc_root = proc_mkdir("rtprelay", NULL);
	if (!proc_root)
		return -ENOMEM;
	rp_proc_set_owner(proc_root);
	pde = proc_create("control", rp_proc_mode & 0222, proc_root,
			  &root_ctl_ops);
	if (!pde)
		goto err_remove;
	rp_proc_set_owner(pde);
	pde = proc_create_single("stats", 0444, proc_root, global_show);
	if (!pde)
		goto err_remove;
	rp_proc_set_owner(pde);
	return 0;

err_remove:
	proc_remove(proc_root);
	return -ENOMEM;
}

void rp_table_exit(void)
{
	unsigned int id;

	mutex_lock(&tables_mutex);
	for (id = 0; id < RTPRELAY_MAX_TABLES; id++)
		table_delete(id);
	mutex_unlock(&tables_mutex);
	proc_remove(proc_root);
}
