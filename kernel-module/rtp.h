/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * rtp.h - pure RTP/RTCP packet logic shared by xt_RTPRELAY and the
 * userspace unit tests: first-byte demultiplexing (RFC 7983), the RTP
 * header walk (RFC 3550 5.1), RTCP classification (RFC 5761 4), sequence
 * and loss tracking (RFC 3550 A.1) and interarrival jitter (RFC 3550 A.8).
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

/* Per-SSRC receive state; all zero = not started. */
struct rp_seq_state {
	uint32_t started;
	uint16_t max_seq;
	uint16_t pad;
	uint32_t cycles;	/* count of wraps << 16 */
	uint32_t base_seq;
	uint32_t received;
	uint32_t transit;	/* last arrival - ts, in RTP units */
	uint32_t jitter_q4;	/* jitter * 16 */
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
 * bit) means RTCP.  Needs a version-2 packet of at least 8 bytes.
 */
static inline int rp_is_rtcp(const uint8_t *p, size_t len)
{
	if (len < 8 || (p[0] >> 6) != 2)
		return 0;
	return p[1] >= 192 && p[1] <= 223;
}

/* Walk the RTP header.  Returns 0 and fills @info, or -1 if malformed. */
static inline int rp_rtp_parse(const uint8_t *p, size_t len,
			       struct rp_rtp_info *info)
{
	size_t off, pad = 0;

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
	if (p[0] & 0x20) {		/* padding: count in the last octet */
		pad = p[len - 1];
		if (pad == 0 || off + pad > len)
			return -1;
	}
	info->marker = p[1] >> 7;
	info->pt = p[1] & 0x7f;
	info->seq = rp_be16(p + 2);
	info->ts = rp_be32(p + 4);
	info->ssrc = rp_be32(p + 8);
	info->hdr_len = (uint32_t)off;
	info->payload_len = (uint32_t)(len - off - pad);
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

#define RP_MAX_DROPOUT	3000
#define RP_MAX_MISORDER	100

/*
 * Account one packet with sequence number @seq (RFC 3550 A.1, without the
 * probation phase: the daemon only kernelizes confirmed streams).
 * Large jumps restart the sequence space.
 */
static inline void rp_seq_update(struct rp_seq_state *s, uint16_t seq)
{
	uint16_t delta;

	if (!s->started) {
		s->started = 1;
		s->max_seq = seq;
		s->base_seq = seq;
		s->cycles = 0;
		s->received = 1;
		return;
	}
	delta = (uint16_t)(seq - s->max_seq);
	if (delta < RP_MAX_DROPOUT) {
		if (seq < s->max_seq)
			s->cycles += 1u << 16;
		s->max_seq = seq;
	} else if (delta <= 65535u - RP_MAX_MISORDER) {
		/* a jump: restart as a new sequence space */
		s->max_seq = seq;
		s->base_seq = seq;
		s->cycles = 0;
		s->received = 0;
	}
	/* else: duplicate or reordered, counted below */
	s->received++;
}

static inline uint32_t rp_seq_ext_max(const struct rp_seq_state *s)
{
	return s->cycles | s->max_seq;
}

static inline uint32_t rp_seq_lost(const struct rp_seq_state *s)
{
	uint32_t expected;

	if (!s->started)
		return 0;
	expected = rp_seq_ext_max(s) - s->base_seq + 1;
	return expected > s->received ? expected - s->received : 0;
}

/*
 * Interarrival jitter (RFC 3550 A.8).  @arrival is the arrival time in the
 * same units as the RTP timestamp @ts.  The first packet only sets transit.
 */
static inline void rp_jitter_update(struct rp_seq_state *s, uint32_t ts,
				    uint32_t arrival, int first)
{
	uint32_t transit = arrival - ts;
	int32_t d = (int32_t)(transit - s->transit);

	s->transit = transit;
	if (first)
		return;
	if (d < 0)
		d = -d;
	s->jitter_q4 += (uint32_t)d - ((s->jitter_q4 + 8) >> 4);
}

static inline uint32_t rp_jitter(const struct rp_seq_state *s)
{
	return s->jitter_q4 >> 4;
}

#endif /* RTPRELAY_RTP_H */
