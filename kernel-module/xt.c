// SPDX-License-Identifier: GPL-2.0
/*
 * xt.c - the RTPRELAY x_tables target (IPv4 and IPv6, revision 0).
 * For each UDP packet: find the table (--id) and the target for the
 * destination address:port under RCU; send GSO packets, STUN, DTLS,
 * unexpected sources (per policy), payload types and SSRCs up to userspace
 * (XT_CONTINUE); otherwise unprotect it if it is SRTP, and send it to
 * every output (send.c), protected for those that send SRTP
 * (srtp_target.c), and keep it from the stack.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "rtprelay.h"

/* The UDP ports, once the IP header (p->l3_len bytes) is known. */
static int parse_udp_ports(struct sk_buff *skb, struct rp_pkt *p)
{
	const struct udphdr *uh;

	if (!pskb_may_pull(skb, p->l3_len + sizeof(*uh)))
		return -EINVAL;
	uh = (const struct udphdr *)(skb_network_header(skb) + p->l3_len);
	p->src.port = (__force __u16)uh->source;
	p->dst.port = (__force __u16)uh->dest;
	return 0;
}

static int parse_v4(struct sk_buff *skb, struct rp_pkt *p)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (iph->protocol != IPPROTO_UDP || ip_is_fragment(iph))
		return -EINVAL;
	p->l3_len = iph->ihl * 4;
	p->family = RTPRELAY_AF_INET;
	memcpy(p->src.addr, &iph->saddr, 4);
	memcpy(p->dst.addr, &iph->daddr, 4);
	return parse_udp_ports(skb, p);
}

static int parse_v6(struct sk_buff *skb, struct rp_pkt *p)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	__be16 frag_off;
	u8 nexthdr = ip6h->nexthdr;
	int off;

	off = ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off);
	if (off < 0 || nexthdr != IPPROTO_UDP || frag_off)
		return -EINVAL;
	p->l3_len = off;
	p->family = RTPRELAY_AF_INET6;
	memcpy(p->src.addr, &ip6h->saddr, 16);
	memcpy(p->dst.addr, &ip6h->daddr, 16);
	return parse_udp_ports(skb, p);
}

/* Make the UDP payload linear and bounds-check it against the UDP length. */
static int pull_payload(struct rp_pkt *p)
{
	struct sk_buff *skb = p->skb;
	unsigned int off = skb_network_offset(skb) + p->l3_len;
	const struct udphdr *uh;
	unsigned int ulen;

	if (skb_linearize(skb))
		return -ENOMEM;
	uh = (const struct udphdr *)(skb->data + off);
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || off + ulen > skb->len)
		return -EINVAL;
	p->payload = (const u8 *)(uh + 1);
	p->payload_len = ulen - sizeof(*uh);
	return 0;
}

/*
 * Send to each output in @picked: copies for all but the last, which takes
 * the received packet itself when its headers allow (no allocation, no
 * copy).  Returns how many outputs went out of the *tried; *to_stack says
 * some packet was handed to the stack, *consumed that the received one is
 * gone.
 */
static unsigned int forward(struct rp_pkt *p, struct rp_target *tg,
			    const struct rp_srtp_plan *plan, u8 picked,
			    unsigned int *tried, bool *to_stack, bool *consumed)
{
	unsigned int i, sent = 0, last = fls(picked) - 1;
	struct rp_out_crypt oc = { .tg = tg };
	int err;

	*to_stack = *consumed = false;
	*tried = 0;
	for (i = 0; i <= last; i++) {
		const struct rtprelay_output *o = &tg->spec.outputs[i];

		if (!(picked & BIT(i)))
			continue;

		oc.plan = NULL;
		oc.output = i;
		oc.room = 0;
		if (tg->srtp && tg->srtp->encrypt & BIT(i)) {
			/* no index for it (spent, or sent before): not in clear either */
			if (!(plan->outputs & BIT(i)))
				continue;
			oc.plan = plan;
			oc.room = rp_srtp_out_room(tg->srtp, i, plan->rtcp);
		}
		(*tried)++;
		if (i == last && rp_can_rewrite(p))
			err = rp_send_rewrite(p, o, &tg->routes[i], &oc, consumed);
		else
			err = rp_send_copy(p, o, &tg->routes[i], &oc, to_stack);
		if (!err)
			sent++;
	}
	*to_stack |= *consumed;
	return sent;
}

static bool source_ok(const struct rp_pkt *p, const struct rp_target *tg)
{
	const struct rtprelay_addr *e = &tg->spec.expected_src;

	if (!(tg->spec.flags & RTPRELAY_TF_EXPECT_SRC))
		return true;
	return e->port == p->src.port &&
	       !memcmp(e->addr, p->src.addr, sizeof(e->addr));
}

static bool ssrc_expected(const struct rp_target *tg, u32 ssrc)
{
	unsigned int i;

	if (!tg->spec.num_ssrcs)
		return true;
	for (i = 0; i < tg->spec.num_ssrcs; i++)
		if (tg->spec.ssrcs[i] == ssrc)
			return true;
	return false;
}

/*
 * The outputs that take a packet of @ssrc (RTP's SSRC, RTCP's sender): those
 * without an SSRC mask, and those whose mask names @ssrc's slot in the list.
 */
static u8 outputs_for(const struct rp_target *tg, u32 ssrc)
{
	const struct rtprelay_target_spec *s = &tg->spec;
	unsigned int i, slot;
	u8 picked = 0;

	for (slot = 0; slot < s->num_ssrcs && s->ssrcs[slot] != ssrc; slot++)
		;
	for (i = 0; i < s->num_outputs; i++) {
		u8 mask = s->outputs[i].ssrc_mask;

		if (!mask || (slot < s->num_ssrcs && (mask & BIT(slot))))
			picked |= BIT(i);
	}
	return picked;
}

/* Module-wide counters of what went to userspace; rp_up_init() to exit. */
static struct rp_cpu_up __percpu *up_global;

int rp_up_init(void)
{
	unsigned int cpu;

	up_global = alloc_percpu(struct rp_cpu_up);
	if (!up_global)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(up_global, cpu)->syncp);
	return 0;
}

void rp_up_exit(void)
{
	free_percpu(up_global);
}

/* The module-wide counters summed over all CPUs. */
void rp_up_global(u64 out[RTPRELAY_UP_COUNT], u64 *dropped_auth,
		  u64 *dropped_replay)
{
	unsigned int cpu, i, start;

	memset(out, 0, RTPRELAY_UP_COUNT * sizeof(*out));
	*dropped_auth = *dropped_replay = 0;
	for_each_possible_cpu(cpu) {
		const struct rp_cpu_up *g = per_cpu_ptr(up_global, cpu);
		u64 v[RTPRELAY_UP_COUNT], da, dr;

		do {
			start = u64_stats_fetch_begin(&g->syncp);
			for (i = 0; i < RTPRELAY_UP_COUNT; i++)
				v[i] = u64_stats_read(&g->to_userspace[i]);
			da = u64_stats_read(&g->dropped_auth);
			dr = u64_stats_read(&g->dropped_replay);
		} while (u64_stats_fetch_retry(&g->syncp, start));
		for (i = 0; i < RTPRELAY_UP_COUNT; i++)
			out[i] += v[i];
		*dropped_auth += da;
		*dropped_replay += dr;
	}
}

/* An SRTP packet dropped: a wrong tag, or a replay (@replay). */
void rp_count_srtp_drop(struct rp_target *tg, bool replay)
{
	struct rp_cpu_up *g = this_cpu_ptr(up_global);

	if (replay)
		rp_target_inc(tg, dropped_replay);
	else
		rp_target_inc(tg, dropped_auth);
	u64_stats_update_begin(&g->syncp);
	u64_stats_inc(replay ? &g->dropped_replay : &g->dropped_auth);
	u64_stats_update_end(&g->syncp);
}

/* Leave the packet to the stack (the daemon's socket), counted by @reason. */
static unsigned int to_userspace(struct rp_target *tg, unsigned int reason)
{
	struct rp_cpu_stats *s = this_cpu_ptr(tg->stats);
	struct rp_cpu_up *g = this_cpu_ptr(up_global);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->to_userspace[reason]);
	u64_stats_update_end(&s->syncp);
	u64_stats_update_begin(&g->syncp);
	u64_stats_inc(&g->to_userspace[reason]);
	u64_stats_update_end(&g->syncp);
	return XT_CONTINUE;
}

/* Why a packet whose first byte is not RTP's goes up (RFC 7983 classes). */
static unsigned int demux_reason(int class)
{
	if (class == RP_CLASS_STUN)
		return RTPRELAY_UP_STUN;
	if (class == RP_CLASS_DTLS)
		return RTPRELAY_UP_DTLS;
	return RTPRELAY_UP_NOT_RTP;
}

/* The per-packet decision, once the target is known.  Under RCU. */
static unsigned int handle(struct rp_pkt *p, struct rp_target *tg)
{
	bool decrypts = tg->srtp && tg->srtp->decrypt;
	struct rp_srtp_plan plan = { 0 };
	unsigned int sent, tried, reason;
	struct rp_rtp_info rtp;
	bool to_stack, consumed;
	bool rtcp;
	int class;
	u8 picked;

	if (pull_payload(p))
		return to_userspace(tg, RTPRELAY_UP_MALFORMED);
	class = rp_classify(p->payload, p->payload_len);
	if (class != RP_CLASS_RTP)
		return to_userspace(tg, demux_reason(class));
	if (!source_ok(p, tg)) {
		if (tg->spec.src_policy == RTPRELAY_SRC_DROP) {
			rp_target_inc(tg, dropped_src);
			return NF_DROP;
		}
		if (tg->spec.src_policy == RTPRELAY_SRC_USERSPACE)
			return to_userspace(tg, RTPRELAY_UP_SOURCE);
	}
	rtcp = rp_kind(p->payload, p->payload_len) == RP_KIND_RTCP;
	if (rtcp && (tg->spec.flags & RTPRELAY_TF_RTCP_USERSPACE))
		return to_userspace(tg, RTPRELAY_UP_RTCP);
	if (!rtcp) {
		/* SRTP's padding count is encrypted: the header is what is clear */
		if (decrypts ? rp_rtp_parse_header(p->payload, p->payload_len, &rtp) :
		    rp_rtp_parse(p->payload, p->payload_len, &rtp))
			return to_userspace(tg, RTPRELAY_UP_MALFORMED);
		if (!rp_pt_allowed(tg->spec.payload_types,
				   tg->spec.num_payload_types, rtp.pt))
			return to_userspace(tg, RTPRELAY_UP_PAYLOAD_TYPE);
		if (!ssrc_expected(tg, rtp.ssrc))
			return to_userspace(tg, RTPRELAY_UP_SSRC);
	}
	/* decided before SRTP, which changes the packet in place */
	picked = outputs_for(tg, rtcp ? rp_be32(p->payload + 4) : rtp.ssrc);
	if (!picked)
		return to_userspace(tg, RTPRELAY_UP_SSRC);
	if (tg->srtp) {
		switch (rp_srtp_in(tg, p, rtcp, picked, &plan, &reason)) {
		case RP_SRTP_UP:
			return to_userspace(tg, reason);
		case RP_SRTP_DROP:
			return NF_DROP;
		}
		/* the statistics are of the plain packet */
		if (plan.decrypted && !rtcp &&
		    rp_rtp_parse(p->payload, p->payload_len, &rtp))
			rtp.payload_len = p->payload_len - rtp.hdr_len;
	}
	sent = forward(p, tg, &plan, picked, &tried, &to_stack, &consumed);
	if (sent < tried)
		rp_target_inc(tg, errors);	/* some output (or all) failed */
	if (sent) {
		rp_target_count(tg, rtcp ? NULL : &rtp, rtcp, p->payload_len);
	} else if (!to_stack && !plan.decrypted) {
		/*
		 * Nothing went out and none of our packets reached the stack,
		 * whose output rules may have run through this table (and
		 * ip(6)t_do_table() would then need a final verdict): the
		 * daemon may try.
		 */
		return to_userspace(tg, RTPRELAY_UP_NO_OUTPUT);
	}
	if (!consumed) {
		if (sent)
			consume_skb(p->skb);	/* not a drop: copies went out */
		else
			kfree_skb(p->skb);
	}
	return NF_STOLEN;
}

static unsigned int rtprelay_tg(struct sk_buff *skb,
				const struct xt_action_param *par)
{
	const struct xt_rtprelay_info *info = par->targinfo;
	struct rp_pkt p = { .skb = skb, .net = xt_net(par) };
	struct rp_target *tg;
	struct rp_table *t;
	unsigned int verdict = XT_CONTINUE;
	int err;

	/* A GSO packet (a local sender's UDP_SEGMENT, or what GRO merged with
	 * rx-gro-list) holds several datagrams under one UDP header. The socket
	 * layer splits it for userspace, which forwards each datagram.
	 */
	if (skb_is_gso(skb))
		return XT_CONTINUE;

	if (xt_family(par) == NFPROTO_IPV4)
		err = parse_v4(skb, &p);
	else
		err = parse_v6(skb, &p);
	if (err)
		return XT_CONTINUE;
	p.dst.family = p.family;

	rcu_read_lock();
	t = rp_table_get_rcu(info->id);
	if (!t)
		goto out;
	tg = rp_target_find(t, &p.dst);
	if (tg)
		verdict = handle(&p, tg);
out:
	rcu_read_unlock();
	return verdict;
}

static int rtprelay_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_rtprelay_info *info = par->targinfo;

	if (info->id >= RTPRELAY_MAX_TABLES || info->pad) {
		pr_info_ratelimited("rtprelay: --id %u out of range (max %u)\n",
				    info->id, RTPRELAY_MAX_TABLES - 1);
		return -EINVAL;
	}
	return 0;
}

#define RP_HOOKS ((1 << NF_INET_PRE_ROUTING) | (1 << NF_INET_LOCAL_IN) | \
		  (1 << NF_INET_FORWARD))

static struct xt_target rtprelay_tg_reg[] __read_mostly = {
	{
		.name = "RTPRELAY",
		.revision = 0,
		.family = NFPROTO_IPV4,
		.target = rtprelay_tg,
		.targetsize = sizeof(struct xt_rtprelay_info),
		.checkentry = rtprelay_tg_check,
		.hooks = RP_HOOKS,
		.proto = IPPROTO_UDP,
		.me = THIS_MODULE,
	},
	{
		.name = "RTPRELAY",
		.revision = 0,
		.family = NFPROTO_IPV6,
		.target = rtprelay_tg,
		.targetsize = sizeof(struct xt_rtprelay_info),
		.checkentry = rtprelay_tg_check,
		.hooks = RP_HOOKS,
		.proto = IPPROTO_UDP,
		.me = THIS_MODULE,
	},
};

int rp_xt_init(void)
{
	return xt_register_targets(rtprelay_tg_reg, ARRAY_SIZE(rtprelay_tg_reg));
}

void rp_xt_exit(void)
{
	xt_unregister_targets(rtprelay_tg_reg, ARRAY_SIZE(rtprelay_tg_reg));
}
