// SPDX-License-Identifier: GPL-2.0
/*
 * xt.c - the RTPRELAY x_tables target (IPv4 and IPv6, revision 0).
 * For each UDP packet: find the table (--id) and the target for the
 * destination address:port under RCU; send STUN, DTLS, unexpected sources
 * (per policy), payload types and SSRCs up to userspace (XT_CONTINUE);
 * otherwise send a rewritten copy to every output and drop the original.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>

#include "rtprelay.h"

/* What the parse step found; the rest of the path works on this. */
struct pkt {
	struct sk_buff *skb;
	struct net *net;
	u8 family;		/* RTPRELAY_AF_* */
	unsigned int l3_len;	/* IP header(s) */
	struct rtprelay_addr src, dst;
	const u8 *payload;
	unsigned int payload_len;
};

/* The UDP ports, once the IP header (p->l3_len bytes) is known. */
static int parse_udp_ports(struct sk_buff *skb, struct pkt *p)
{
	const struct udphdr *uh;

	if (!pskb_may_pull(skb, p->l3_len + sizeof(*uh)))
		return -EINVAL;
	uh = (const struct udphdr *)(skb_network_header(skb) + p->l3_len);
	p->src.port = (__force __u16)uh->source;
	p->dst.port = (__force __u16)uh->dest;
	return 0;
}

static int parse_v4(struct sk_buff *skb, struct pkt *p)
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

static int parse_v6(struct sk_buff *skb, struct pkt *p)
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
static int pull_payload(struct pkt *p)
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

/* Build the packet for one output: IP + UDP headers rewritten, csums fixed. */
static struct sk_buff *build_copy(const struct pkt *p,
				  const struct rtprelay_output *o)
{
	unsigned int ulen = p->payload_len + sizeof(struct udphdr);
	unsigned int l3 = p->family == RTPRELAY_AF_INET ?
			  sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	struct sk_buff *n;
	struct udphdr *uh;

	n = alloc_skb(LL_MAX_HEADER + l3 + ulen, GFP_ATOMIC);
	if (!n)
		return NULL;
	skb_reserve(n, LL_MAX_HEADER);
	skb_reset_network_header(n);
	skb_put(n, l3);
	skb_set_transport_header(n, l3);
	uh = skb_put(n, sizeof(*uh));
	skb_put_data(n, p->payload, p->payload_len);
	uh->source = (__force __be16)o->src.port;
	uh->dest = (__force __be16)o->dst.port;
	uh->len = htons(ulen);
	uh->check = 0;
	n->mark = p->skb->mark;
	n->ip_summed = CHECKSUM_NONE;
	n->csum = csum_partial(uh, ulen, 0);
	return n;
}

static int send_v4(const struct pkt *p, const struct rtprelay_output *o)
{
	struct flowi4 fl4 = {};
	struct sk_buff *n;
	struct iphdr *iph;
	struct udphdr *uh;
	struct rtable *rt;

	n = build_copy(p, o);
	if (!n)
		return -ENOMEM;
	iph = ip_hdr(n);
	uh = udp_hdr(n);
	memcpy(&iph->saddr, o->src.addr, 4);
	memcpy(&iph->daddr, o->dst.addr, 4);
	uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, n->len - sizeof(*iph),
				      IPPROTO_UDP, n->csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;

	fl4.daddr = iph->daddr;
	fl4.saddr = iph->saddr;
	fl4.flowi4_tos = RT_TOS(o->tos);
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.flowi4_mark = n->mark;
	rt = ip_route_output_key(p->net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(n);
		return PTR_ERR(rt);
	}
	skb_dst_set(n, &rt->dst);

	iph->version = 4;
	iph->ihl = 5;
	iph->tos = o->tos;
	iph->tot_len = htons(n->len);
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_UDP;
	n->protocol = htons(ETH_P_IP);
	ip_select_ident(p->net, n, NULL);
	ip_send_check(iph);
	return ip_local_out(p->net, NULL, n);
}

static int send_v6(const struct pkt *p, const struct rtprelay_output *o)
{
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	struct sk_buff *n;
	struct udphdr *uh;
	unsigned int ulen;

	n = build_copy(p, o);
	if (!n)
		return -ENOMEM;
	ip6h = ipv6_hdr(n);
	uh = udp_hdr(n);
	ulen = n->len - sizeof(*ip6h);
	memcpy(&ip6h->saddr, o->src.addr, 16);
	memcpy(&ip6h->daddr, o->dst.addr, 16);
	uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, ulen,
				    IPPROTO_UDP, n->csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;

	fl6.daddr = ip6h->daddr;
	fl6.saddr = ip6h->saddr;
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.flowi6_mark = n->mark;
	dst = ip6_route_output(p->net, NULL, &fl6);
	if (dst->error) {
		int err = dst->error;

		dst_release(dst);
		kfree_skb(n);
		return err;
	}
	skb_dst_set(n, dst);

	ip6_flow_hdr(ip6h, o->tos, 0);
	ip6h->payload_len = htons(ulen);
	ip6h->nexthdr = IPPROTO_UDP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	n->protocol = htons(ETH_P_IPV6);
	return ip6_local_out(p->net, NULL, n);
}

/* Forward to every output; returns the number of failed outputs. */
static unsigned int forward(const struct pkt *p, struct rp_target *tg)
{
	unsigned int i, failed = 0;
	int err;

	for (i = 0; i < tg->spec.num_outputs; i++) {
		const struct rtprelay_output *o = &tg->spec.outputs[i];

		if (p->family == RTPRELAY_AF_INET)
			err = send_v4(p, o);
		else
			err = send_v6(p, o);
		/* ip_local_out() returns positive NET_XMIT codes too */
		if (err < 0 || net_xmit_eval(err))
			failed++;
	}
	return failed;
}

static bool source_ok(const struct pkt *p, const struct rp_target *tg)
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

/* The per-packet decision, once the target is known.  Under RCU. */
static unsigned int handle(struct pkt *p, struct rp_target *tg)
{
	struct rp_rtp_info rtp;
	bool rtcp;

	if (pull_payload(p))
		goto to_userspace;
	if (rp_classify(p->payload, p->payload_len) != RP_CLASS_RTP)
		goto to_userspace;	/* STUN, DTLS, ZRTP, TURN, junk */
	if (!source_ok(p, tg)) {
		if (tg->spec.src_policy == RTPRELAY_SRC_DROP) {
			rp_target_inc(tg, dropped_src);
			return NF_DROP;
		}
		if (tg->spec.src_policy == RTPRELAY_SRC_USERSPACE)
			goto to_userspace;
	}
	rtcp = rp_is_rtcp(p->payload, p->payload_len);
	if (rtcp) {
		if (tg->spec.flags & RTPRELAY_TF_RTCP_USERSPACE)
			goto to_userspace;
		if (forward(p, tg) == tg->spec.num_outputs) {
			rp_target_inc(tg, errors);
			goto to_userspace;
		}
		rp_target_count(tg, NULL, true, p->payload_len);
		return NF_DROP;
	}
	if (rp_rtp_parse(p->payload, p->payload_len, &rtp) ||
	    !rp_pt_allowed(tg->spec.payload_types,
			   tg->spec.num_payload_types, rtp.pt) ||
	    !ssrc_expected(tg, rtp.ssrc))
		goto to_userspace;
	if (forward(p, tg) == tg->spec.num_outputs) {
		rp_target_inc(tg, errors);
		goto to_userspace;	/* nothing went out: let the daemon try */
	}
	rp_target_count(tg, &rtp, false, p->payload_len);
	return NF_DROP;

to_userspace:
	rp_target_inc(tg, to_userspace);
	return XT_CONTINUE;
}

static unsigned int rtprelay_tg(struct sk_buff *skb,
				const struct xt_action_param *par)
{
	const struct xt_rtprelay_info *info = par->targinfo;
	struct pkt p = { .skb = skb, .net = xt_net(par) };
	struct rp_target *tg;
	struct rp_table *t;
	unsigned int verdict = XT_CONTINUE;
	int err;

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
