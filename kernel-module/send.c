// SPDX-License-Identifier: GPL-2.0
/*
 * send.c - the output side of the packet path: route one output (through
 * the output's dst_cache), then either rewrite the received packet in place
 * or build a copy, and hand it to ip_local_out()/ip6_local_out().
 *
 * The UDP checksum is left to the device (CHECKSUM_PARTIAL, as for a packet
 * a local socket sends): devices with checksum offload never touch the
 * payload, the others get it computed once by the stack at transmit.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/dst_cache.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>

#include "compat.h"
#include "rtprelay.h"

/*
 * Routes are cached for unmarked packets (the mark is part of the lookup)
 * in the initial namespace only.  A table is global and a cached route
 * does not keep its namespace alive, while its ops (IPv6, IPsec bundles)
 * live in it: a route cached from a namespace that is gone would be used
 * or released after the namespace was freed.
 */
static bool cacheable(const struct rp_pkt *p)
{
	return !p->skb->mark && net_eq(p->net, &init_net);
}

static struct dst_entry *route_v4(const struct rp_pkt *p,
				  const struct rtprelay_output *o,
				  struct dst_cache *dc)
{
	struct flowi4 fl4 = {};
	struct rtable *rt;
	__be32 saddr;

	if (cacheable(p)) {
		rt = dst_cache_get_ip4(dc, &saddr);
		if (rt)
			return &rt->dst;
	}
	memcpy(&fl4.daddr, o->dst.addr, 4);
	memcpy(&fl4.saddr, o->src.addr, 4);
	fl4.flowi4_tos = RT_TOS(o->tos);
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.flowi4_mark = p->skb->mark;
	rt = ip_route_output_key(p->net, &fl4);
	if (IS_ERR(rt))
		return ERR_CAST(rt);
	if (cacheable(p))
		dst_cache_set_ip4(dc, &rt->dst, fl4.saddr);
	return &rt->dst;
}

static struct dst_entry *route_v6(const struct rp_pkt *p,
				  const struct rtprelay_output *o,
				  struct dst_cache *dc)
{
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	struct in6_addr saddr;
	int err;

	if (cacheable(p)) {
		dst = dst_cache_get_ip6(dc, &saddr);
		if (dst)
			return dst;
	}
	memcpy(&fl6.daddr, o->dst.addr, 16);
	memcpy(&fl6.saddr, o->src.addr, 16);
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.flowi6_mark = p->skb->mark;
	dst = ip6_route_output(p->net, NULL, &fl6);
	if (dst->error) {
		err = dst->error;
		dst_release(dst);
		return ERR_PTR(err);
	}
	if (cacheable(p))
		dst_cache_set_ip6(dc, dst, &fl6.saddr);
	return dst;
}

/*
 * Addresses, ports and checksum setup of a UDP packet whose IP header is
 * at the network header and whose UDP header and length are in place.
 */
static void finish_udp(struct sk_buff *skb, const struct rtprelay_output *o,
		       u8 family)
{
	struct udphdr *uh = udp_hdr(skb);
	unsigned int ulen = ntohs(uh->len);

	uh->source = (__force __be16)o->src.port;
	uh->dest = (__force __be16)o->dst.port;
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct udphdr, check);
	if (family == RTPRELAY_AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		memcpy(&iph->saddr, o->src.addr, 4);
		memcpy(&iph->daddr, o->dst.addr, 4);
		uh->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
					       IPPROTO_UDP, 0);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		memcpy(&ip6h->saddr, o->src.addr, 16);
		memcpy(&ip6h->daddr, o->dst.addr, 16);
		uh->check = ~csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, ulen,
					     IPPROTO_UDP, 0);
	}
}

/* The IP header around finish_udp()'s work, then out it goes. */
static int transmit(const struct rp_pkt *p, struct sk_buff *skb,
		    const struct rtprelay_output *o, struct dst_entry *dst)
{
	unsigned int len = skb->len;

	skb_dst_set(skb, dst);
	finish_udp(skb, o, p->family);
	if (p->family == RTPRELAY_AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		iph->version = 4;
		iph->ihl = 5;
		iph->tos = o->tos;
		iph->tot_len = htons(len);
		iph->frag_off = htons(IP_DF);
		iph->ttl = ip4_dst_hoplimit(dst);
		iph->protocol = IPPROTO_UDP;
		skb->protocol = htons(ETH_P_IP);
		ip_select_ident(p->net, skb, NULL);
		ip_send_check(iph);
		return ip_local_out(p->net, NULL, skb);
	}
	ip6_flow_hdr(ipv6_hdr(skb), o->tos, 0);
	ipv6_hdr(skb)->payload_len = htons(len - sizeof(struct ipv6hdr));
	ipv6_hdr(skb)->nexthdr = IPPROTO_UDP;
	ipv6_hdr(skb)->hop_limit = ip6_dst_hoplimit(dst);
	skb->protocol = htons(ETH_P_IPV6);
	return ip6_local_out(p->net, NULL, skb);
}

/* The IP header we send: no options, no extension headers. */
static unsigned int l3_size(u8 family)
{
	return family == RTPRELAY_AF_INET ? sizeof(struct iphdr) :
					    sizeof(struct ipv6hdr);
}

static struct dst_entry *route(const struct rp_pkt *p,
			       const struct rtprelay_output *o,
			       struct dst_cache *dc)
{
	return p->family == RTPRELAY_AF_INET ? route_v4(p, o, dc) :
					       route_v6(p, o, dc);
}

/* ip_local_out() returns positive NET_XMIT codes too */
static int xmit_result(int err)
{
	if (err < 0)
		return err;
	return net_xmit_eval(err) ? -ENOBUFS : 0;
}

/*
 * Protects the UDP payload of @skb for its output, if @oc says so (the
 * trailer's room already after it), and sets the UDP length.
 */
static int protect(struct sk_buff *skb, const struct rp_out_crypt *oc,
		   unsigned int len)
{
	struct udphdr *uh = udp_hdr(skb);
	int n = len;

	if (oc->plan) {
		n = rp_srtp_out(oc->tg, oc->plan, oc->output, (u8 *)(uh + 1), len);
		if (n < 0)
			return n;
		skb_trim(skb, skb->len - len - oc->room + n);
	}
	uh->len = htons(sizeof(*uh) + n);
	return 0;
}

int rp_send_copy(const struct rp_pkt *p, const struct rtprelay_output *o,
		 struct dst_cache *dc, const struct rp_out_crypt *oc,
		 bool *sent_to_stack)
{
	unsigned int ulen = p->payload_len + sizeof(struct udphdr);
	unsigned int l3 = l3_size(p->family);
	struct dst_entry *dst;
	struct sk_buff *n;
	int err;

	dst = route(p, o, dc);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	n = alloc_skb(LL_MAX_HEADER + l3 + ulen + oc->room, GFP_ATOMIC);
	if (!n) {
		dst_release(dst);
		return -ENOMEM;
	}
	skb_reserve(n, LL_MAX_HEADER);
	skb_reset_network_header(n);
	skb_put(n, l3);
	skb_set_transport_header(n, l3);
	skb_put(n, sizeof(struct udphdr));
	skb_put_data(n, p->payload, p->payload_len);
	skb_put(n, oc->room);
	err = protect(n, oc, p->payload_len);
	if (err) {
		dst_release(dst);
		kfree_skb(n);
		return err;
	}
	n->mark = p->skb->mark;
	*sent_to_stack = true;
	return xmit_result(transmit(p, n, o, dst));
}

/*
 * The received packet can carry the output itself when its headers are
 * exactly what we send: no IP options or extension headers, nothing after
 * the UDP datagram, no GSO.
 */
bool rp_can_rewrite(const struct rp_pkt *p)
{
	unsigned int l3 = l3_size(p->family);

	return p->l3_len == l3 && !skb_is_gso(p->skb) &&
	       skb_network_offset(p->skb) == 0 &&
	       l3 + sizeof(struct udphdr) + p->payload_len == p->skb->len;
}

int rp_send_rewrite(const struct rp_pkt *p, const struct rtprelay_output *o,
		    struct dst_cache *dc, const struct rp_out_crypt *oc,
		    bool *consumed)
{
	struct sk_buff *skb = p->skb;
	struct dst_entry *dst;
	int tail;

	dst = route(p, o, dc);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	/* SRTP protects the payload in place and adds its trailer */
	tail = (int)oc->room - (int)skb_tailroom(skb);
	if (skb_ensure_writable(skb, oc->plan ? skb->len :
				p->l3_len + sizeof(struct udphdr)) ||
	    (tail > 0 && pskb_expand_head(skb, 0, tail, GFP_ATOMIC))) {
		dst_release(dst);
		return -ENOMEM;
	}
	/* from here on the packet is ours to send: forget how it came in */
	*consumed = true;
	skb_orphan(skb);
	skb_scrub_packet(skb, false);	/* dst, conntrack, extensions */
	skb_set_delivery_time(skb, 0, 0);	/* no departure time, of any clock */
	skb_clear_hash(skb);
	skb->priority = 0;
	skb->encapsulation = 0;		/* no inner headers to offload */
	if (p->family == RTPRELAY_AF_INET)
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	else
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	skb_set_transport_header(skb, p->l3_len);
	skb_put(skb, oc->room);
	if (protect(skb, oc, p->payload_len)) {
		dst_release(dst);
		kfree_skb(skb);	/* consumed: the caller forgets it */
		return -EINVAL;
	}
	return xmit_result(transmit(p, skb, o, dst));
}
