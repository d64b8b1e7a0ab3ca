/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * rtp.h - the one implementation of the RTP/RTCP packet logic, compiled
 * into xt_RTPRELAY and, through daemon/media/rtp.h, into rtprelayd:
 * first-byte demultiplexing (RFC 7983), the RTP header walk (RFC 3550
 * 5.1), RTCP classification (RFC 5761 4), sequence tracking with probation
 * (RFC 3550 A.1), loss (A.3) and interarrival jitter (A.8).  Both sides
 * therefore report figures that mean the same and can be added up.
 * No kernel types: only fixed-width integers and size_t.  No state beyond
 * what the caller passes in; the caller does any locking.
 */
#ifndef RTPRELAY_RTP_H
#define RTPRELAY_RTP_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

/* RFC 7983 first-byte classes */
#define RP_CLASS_STUN	1	/* 0..3 */
#define RP_CLASS_ZRTP	2	/* 16..19 */
#define RP_CLASS_DTLS	3	/* 20..63 */
#define RP_CLASS_TURN	4	/* 64..79 */
#define RP_CLASS_RTP	5	/* 128..191: RTP or RTCP */
#define RP_CLASS_OTHER	6

#define RP_RTP_HDR_LEN	12

struct rp_rtp_info {
	uint8_t pt;
	uint8_t marker;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	uint32_t hdr_len;	/* fixed header + CSRCs + extension */
	uint32_t payload_len;	/* without padding */
};

static inline uint16_t rp_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rp_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static inline int rp_classify(const uint8_t *p, size_t len)
{
	uint8_t b;

	if (len == 0)
		return RP_CLASS_OTHER;
	b = p[0];
	if (b <= 3)
		return RP_CLASS_STUN;
	if (b >= 16 && b <= 19)
		return RP_CLASS_ZRTP;
	if (b >= 20 && b <= 63)
		return RP_CLASS_DTLS;
	if (b >= 64 && b <= 79)
		return RP_CLASS_TURN;
	if (b >= 128 && b <= 191)
		return RP_CLASS_RTP;
	return RP_CLASS_OTHER;
}

/*
 * RFC 5761 section 4: with RTP and RTCP on one port, a second octet of
 * 192..223 (RTCP packet types; RTP payload types 64..95 with the marker
 * bit, which RFC 5761 keeps free of RTP) means RTCP.  Needs a version-2
 * packet of RP_RTCP_MIN_LEN bytes: the 4-byte common header is not enough,
 * as a compound packet starts with an SR or RR (RFC 3550 6.1), the smallest
 * of which (an RR without report blocks) is 8 bytes, and octets 4..7 hold
 * the sender SSRC that RTCP is matched to its stream by.
 */
#define RP_RTCP_MIN_LEN	8

static inline int rp_is_rtcp(const uint8_t *p, size_t len)
{
	if (len < RP_RTCP_MIN_LEN || (p[0] >> 6) != 2)
		return 0;
	return p[1] >= 192 && p[1] <= 223;
}

/* What a datagram is, for the daemon and the module alike. */
#define RP_KIND_OTHER	0	/* not version 2, or too short to be either */
#define RP_KIND_RTP	1	/* version 2 with a whole RTP fixed header */
#define RP_KIND_RTCP	2	/* rp_is_rtcp() */

static inline int rp_kind(const uint8_t *p, size_t len)
{
	if (rp_is_rtcp(p, len))
		return RP_KIND_RTCP;
	if (len >= RP_RTP_HDR_LEN && (p[0] >> 6) == 2)
		return RP_KIND_RTP;
	return RP_KIND_OTHER;
}

/*
 * Walk the RTP header, taking the rest as payload: for SRTP, whose padding
 * count is encrypted.  Returns 0 and fills @info, or -1 if malformed.
 */
static inline int rp_rtp_parse_header(const uint8_t *p, size_t len,
				      struct rp_rtp_info *info)
{
	size_t off;

	if (len < RP_RTP_HDR_LEN || (p[0] >> 6) != 2)
		return -1;
	off = RP_RTP_HDR_LEN + 4u * (p[0] & 0x0f);
	if (off > len)
		return -1;
	if (p[0] & 0x10) {		/* header extension */
		if (off + 4 > len)
			return -1;
		off += 4 + 4u * rp_be16(p + off + 2);
		if (off > len)
			return -1;
	}
	info->marker = p[1] >> 7;
	info->pt = p[1] & 0x7f;
	info->seq = rp_be16(p + 2);
	info->ts = rp_be32(p + 4);
	info->ssrc = rp_be32(p + 8);
	info->hdr_len = (uint32_t)off;
	info->payload_len = (uint32_t)(len - off);
	return 0;
}

/* Walk the RTP header and padding.  Returns 0 and fills @info, or -1. */
static inline int rp_rtp_parse(const uint8_t *p, size_t len,
			       struct rp_rtp_info *info)
{
	size_t pad;

	if (rp_rtp_parse_header(p, len, info))
		return -1;
	if (p[0] & 0x20) {		/* padding: count in the last octet */
		pad = p[len - 1];
		if (pad == 0 || pad > info->payload_len)
			return -1;
		info->payload_len -= (uint32_t)pad;
	}
	return 0;
}

static inline int rp_pt_allowed(const uint8_t *pts, unsigned int n, uint8_t pt)
{
	unsigned int i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++)
		if (pts[i] == pt)
			return 1;
	return 0;
}

/*
 * Per-source receive statistics of RFC 3550 appendix A, kept by the module
 * for each SSRC of a target and by the daemon for each SSRC of a stream.
 * All zero is a source not heard yet.
 */
#define RP_MIN_SEQUENTIAL	2	/* in-sequence packets before valid */
#define RP_MAX_DROPOUT		3000	/* largest forward jump that is loss */
#define RP_MAX_MISORDER		100	/* largest backward step that is late */
#define RP_SEQ_MOD		(1u << 16)

struct rp_seq_state {
	uint32_t started;	/* a packet was seen */
	uint32_t probation;	/* sequential packets still needed */
	uint32_t max_seq;	/* highest sequence number, 0..65535 */
	uint32_t cycles;	/* wraps << 16 */
	uint32_t base_seq;	/* first sequence number counted */
	uint32_t bad_seq;	/* after a big jump: the next one, if sequential */
	uint32_t received;	/* packets counted since base_seq */
	uint32_t duplicates;	/* copies of max_seq, not counted as received */
	uint32_t expected_prior;	/* A.3 interval state */
	uint32_t received_prior;
	uint32_t transit;	/* A.8: arrival - timestamp of the last packet */
	uint32_t have_transit;
	uint64_t jitter_q4;	/* A.8 jitter << 4 */
};

static inline void rp_seq_init(struct rp_seq_state *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = RP_SEQ_MOD + 1;	/* no sequence number equals it */
	s->cycles = 0;
	s->received = 0;
	s->expected_prior = 0;
	s->received_prior = 0;
}

/*
 * RFC 3550 A.1 update_seq(): account a packet with sequence number @seq.
 * Returns 1 if it counts as received, 0 if not (probation, a copy of the
 * highest sequence number, or the first packet after a big jump).
 *
 * Two choices where A.1 leaves room, the same in the module and the daemon:
 * - When probation ends, the MIN_SEQUENTIAL packets that ended it count as
 *   received and base_seq is the first of them (A.1 counts from the last
 *   one), so a clean stream reports received == packets and no loss.
 * - A copy of the highest packet so far (udelta 0) is a duplicate, not
 *   received; A.1 counts it, which makes loss negative for the most common
 *   kind of duplication.  Older copies cannot be told from late packets
 *   without per-packet history: they count, and loss can go below zero, as
 *   A.3 allows.
 */
static inline int rp_seq_update(struct rp_seq_state *s, uint16_t seq)
{
	uint16_t udelta, first;

	if (!s->started) {
		rp_seq_init(s, seq);
		s->started = 1;
		s->max_seq = (uint16_t)(seq - 1);
		s->probation = RP_MIN_SEQUENTIAL;
	}
	udelta = (uint16_t)(seq - s->max_seq);
	if (s->probation) {
		if (udelta != 1) {
			s->probation = RP_MIN_SEQUENTIAL - 1;
			s->max_seq = seq;
			return 0;
		}
		s->max_seq = seq;
		if (--s->probation)
			return 0;
		first = (uint16_t)(seq - (RP_MIN_SEQUENTIAL - 1));
		rp_seq_init(s, first);
		s->max_seq = seq;
		if (seq < first)	/* probation crossed the wrap */
			s->cycles = RP_SEQ_MOD;
		s->received = RP_MIN_SEQUENTIAL;
		return 1;
	}
	if (udelta == 0) {
		s->duplicates++;
		return 0;
	}
	if (udelta < RP_MAX_DROPOUT) {
		/* in order, with a permissible gap */
		if (seq < s->max_seq)
			s->cycles += RP_SEQ_MOD;
		s->max_seq = seq;
	} else if (udelta <= RP_SEQ_MOD - RP_MAX_MISORDER) {
		/* a very large jump: restart if the next packet follows it */
		if (seq != s->bad_seq) {
			s->bad_seq = (seq + 1u) & (RP_SEQ_MOD - 1);
			return 0;
		}
		rp_seq_init(s, seq);
	}
	/* else: late (reordered) or an older duplicate */
	s->received++;
	return 1;
}

/* cycles + max_seq: the extended highest sequence number (A.1) */
static inline uint32_t rp_seq_ext_max(const struct rp_seq_state *s)
{
	return s->cycles + s->max_seq;
}

/* A.3: packets expected since base_seq; 0 while not valid */
static inline uint32_t rp_seq_expected(const struct rp_seq_state *s)
{
	if (!s->started || s->probation)
		return 0;
	return rp_seq_ext_max(s) - s->base_seq + 1;
}

/* A.3 cumulative loss: expected - received, negative after duplicates */
static inline int64_t rp_seq_lost(const struct rp_seq_state *s)
{
	if (!s->started || s->probation)
		return 0;
	return (int64_t)rp_seq_expected(s) - (int64_t)s->received;
}

/*
 * A.3 fraction lost since the previous call, in 1/256 (0 if nothing was
 * expected or more arrived than expected), as an RTCP report block
 * carries it.  Moves the interval on.
 */
static inline uint8_t rp_seq_fraction_lost(struct rp_seq_state *s)
{
	uint32_t expected = rp_seq_expected(s);
	uint32_t exp_int = expected - s->expected_prior;
	uint32_t rcv_int = s->received - s->received_prior;
	uint32_t lost_int;

	s->expected_prior = expected;
	s->received_prior = s->received;
	if (exp_int == 0 || rcv_int >= exp_int)
		return 0;
	lost_int = exp_int - rcv_int;
	while (exp_int >= (1u << 24)) {	/* keep lost_int << 8 in 32 bits */
		exp_int >>= 1;
		lost_int >>= 1;
	}
	if (exp_int == 0)
		return 0;
	/* all lost would be 256: the 8-bit field says 255 */
	return lost_int >= exp_int ? 255 : (uint8_t)((lost_int << 8) / exp_int);
}

/*
 * A.8 interarrival jitter: @arrival is the arrival time in the units of the
 * RTP timestamp @ts (both modulo 2^32).  The first packet sets the transit
 * time only.  D is the signed 32-bit difference of the transit times.
 */
static inline void rp_jitter_update(struct rp_seq_state *s, uint32_t ts,
				    uint32_t arrival)
{
	uint32_t transit = arrival - ts;
	uint32_t d = transit - s->transit;

	if (d & 0x80000000u)
		d = 0u - d;
	if (s->have_transit)
		s->jitter_q4 += d - ((s->jitter_q4 + 8) >> 4);
	s->transit = transit;
	s->have_transit = 1;
}

/* A.8 jitter in timestamp units */
static inline uint32_t rp_jitter(const struct rp_seq_state *s)
{
	return (uint32_t)(s->jitter_q4 >> 4);
}

#endif /* RTPRELAY_RTP_H */
