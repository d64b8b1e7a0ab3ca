/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the only place in xt_RTPRELAY that tests LINUX_VERSION_CODE.
 * Baseline is Debian 12's 6.1; older or newer kernels get shims here.
 */
#ifndef RTPRELAY_COMPAT_H
#define RTPRELAY_COMPAT_H

#include <linux/version.h>
#include <linux/proc_fs.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 6, 0)
#error "xt_RTPRELAY needs Linux 5.6 or newer (struct proc_ops)"
#endif

/* PDE_DATA() became pde_data() in 5.17 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 17, 0)
#define pde_data(inode) PDE_DATA(inode)
#endif

/* skb_set_delivery_time() arrived in 5.18 with the mono delivery time bit */
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)
#define skb_set_delivery_time(skb, kt, mono) ((skb)->tstamp = (kt))
#endif

#endif /* RTPRELAY_COMPAT_H */
