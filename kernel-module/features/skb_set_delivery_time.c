// SPDX-License-Identifier: GPL-2.0
/*
 * skb_set_delivery_time(skb, kt, type): Linux 5.18 added it with the
 * skb->mono_delivery_time bit (6.11 turned the bool into a u8 clock type;
 * 0 is "realtime" in both). Before, compat.h writes skb->tstamp directly.
 */
#include <linux/skbuff.h>

static __maybe_unused void probe(struct sk_buff *skb)
{
	skb_set_delivery_time(skb, 0, 0);
}
