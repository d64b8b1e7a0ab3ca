/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the one place in xt_RTPRELAY that knows kernel differences.
 * Baseline is Debian 12's 6.1. What a kernel has is not read from its version
 * but found by compile tests (the probes in features/, run by Kbuild): the
 * generated rtprelay_features.h defines RTPRELAY_HAVE_<PROBE> for each probe that
 * compiled, so a backport is used wherever it landed.
 */
#ifndef RTPRELAY_COMPAT_H
#define RTPRELAY_COMPAT_H

#include <linux/proc_fs.h>
#include <linux/skbuff.h>
/* <>, not "": the copy in the build directory ($(obj), first in -I), never
 * a stale one next to this file when the build directory is another one
 */
#include <rtprelay_features.h>

/* features/proc_ops.c: struct proc_ops (5.6) is the floor, no shim */
#ifndef RTPRELAY_HAVE_PROC_OPS
#error "xt_RTPRELAY needs struct proc_ops (Linux 5.6 or newer); see rtprelay_features.log"
#endif

/* features/pde_data.c: PDE_DATA() became pde_data() in 5.17 */
#ifndef RTPRELAY_HAVE_PDE_DATA
#define pde_data(inode) PDE_DATA(inode)
#endif

/* features/skb_set_delivery_time.c: arrived in 5.18 with the mono delivery time bit */
#ifndef RTPRELAY_HAVE_SKB_SET_DELIVERY_TIME
#define skb_set_delivery_time(skb, kt, mono) ((skb)->tstamp = (kt))
#endif

#endif /* RTPRELAY_COMPAT_H */
