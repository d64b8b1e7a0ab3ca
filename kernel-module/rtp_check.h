/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * rtp_check.h - test cases and invariants of rtp.h's statistics, kept in
 * one place so that the same cases run in the daemon's unit tests
 * (t/unit/kernel/rtp_stats_test.cc), in the kernel under QEMU (selftest.c,
 * built with RTPRELAY_SELFTEST=y) and, for the invariants, in the fuzz
 * target (t/fuzz/rtp_stats.cc).  Expected figures are worked out by hand
 * from RFC 3550 appendix A.1, A.3 and A.8.
 */
#ifndef RTPRELAY_RTP_CHECK_H
#define RTPRELAY_RTP_CHECK_H

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include "rtp.h"

#define RP_CASE_MAX_PKTS 12

/* A sequence of sequence numbers and the state it must leave. */
struct rp_seq_case {
	const char *name;
	unsigned int n;
	uint16_t seq[RP_CASE_MAX_PKTS];
	uint32_t probation, ext_max, expected, received, duplicates;
	int64_t lost;
	uint8_t fraction;	/* rp_seq_fraction_lost() after the last packet */
};

static const struct rp_seq_case rp_seq_cases[] = {
	{ "in order", 10, { 100, 101, 102, 103, 104, 105, 106, 107, 108, 109 },
	  0, 109, 10, 10, 0, 0, 0 },
	/* 2 of 10 lost: fraction (2 << 8) / 10 = 51 */
	{ "loss", 8, { 100, 101, 102, 105, 106, 107, 108, 109 },
	  0, 109, 10, 8, 0, 2, 51 },
	{ "copy of the newest is a duplicate", 5, { 100, 101, 102, 102, 103 },
	  0, 103, 4, 4, 1, 0, 0 },
	/* an older copy cannot be told from a late packet: loss goes to -1 */
	{ "older duplicate counts (A.3 negative loss)", 5,
	  { 100, 101, 102, 103, 101 }, 0, 103, 4, 5, 0, -1, 0 },
	{ "reorder within MAX_MISORDER", 6, { 100, 101, 103, 102, 104, 105 },
	  0, 105, 6, 6, 0, 0, 0 },
	{ "wrap at 65535", 6, { 65533, 65534, 65535, 0, 1, 2 },
	  0, 65536 + 2, 6, 6, 0, 0, 0 },
	{ "loss across the wrap", 5, { 65533, 65534, 1, 2, 3 },
	  0, 65536 + 3, 7, 5, 0, 2, 73 },
	/* udelta 2999 < MAX_DROPOUT: 2998 lost, 2998 * 256 / 3001 = 255.7 */
	{ "largest gap that is loss", 3, { 100, 101, 3100 },
	  0, 3100, 3001, 3, 0, 2998, 255 },
	/* udelta 3000: a jump; a lone one is ignored */
	{ "lone big jump is ignored", 4, { 100, 101, 3101, 102 },
	  0, 102, 3, 3, 0, 0, 0 },
	/* two sequential packets after a jump restart at the second (A.1) */
	{ "big jump then restart", 6, { 100, 101, 102, 20000, 20001, 20002 },
	  0, 20002, 2, 2, 0, 0, 0 },
	/* 904 - 1003 = 65437 > 65536 - MAX_MISORDER: late, counted */
	{ "late within MAX_MISORDER", 5, { 1000, 1001, 1002, 1003, 904 },
	  0, 1003, 4, 5, 0, -1, 0 },
	/* 903 - 1003 = 65436 = 65536 - MAX_MISORDER: a jump, ignored */
	{ "back by MAX_MISORDER is a jump", 5, { 1000, 1001, 1002, 1003, 903 },
	  0, 1003, 4, 4, 0, 0, 0 },
	/* 500 - 1004 = 65032 > 65536 - MAX_MISORDER: a jump, not late */
	{ "far backwards is a jump", 4, { 1002, 1003, 1004, 500 },
	  0, 1004, 3, 3, 0, 0, 0 },
	{ "probation: one packet is not a source yet", 1, { 100 },
	  1, 100, 0, 0, 0, 0, 0 },
	{ "probation restarts on a gap", 3, { 100, 200, 300 },
	  1, 300, 0, 0, 0, 0, 0 },
	{ "probation ends after MIN_SEQUENTIAL", 3, { 100, 200, 201 },
	  0, 201, 2, 2, 0, 0, 0 },
	{ "probation across the wrap", 3, { 65535, 0, 1 },
	  0, 65536 + 1, 3, 3, 0, 0, 0 },
};

/* Arrival (in timestamp units) and timestamp pairs, and the jitter << 4. */
struct rp_jitter_case {
	const char *name;
	unsigned int n;
	uint32_t ts[RP_CASE_MAX_PKTS];
	uint32_t arrival[RP_CASE_MAX_PKTS];
	uint64_t jitter_q4;
};

static const struct rp_jitter_case rp_jitter_cases[] = {
	{ "steady spacing", 4, { 0, 160, 320, 480 }, { 7, 167, 327, 487 }, 0 },
	/*
	 * transit 1000 1000 1020 1000 1010, |D| 0 20 20 10;
	 * J16 += |D| - (J16 + 8) / 16: 0, 20, 20 + 20 - 1 = 39,
	 * 39 + 10 - 2 = 47 (the real-valued A.8 gives 2.90 = 46.3 / 16).
	 */
	{ "hand computed series", 5, { 0, 160, 320, 480, 640 },
	  { 1000, 1160, 1340, 1480, 1650 }, 47 },
	/*
	 * |D| 10, 10: J16 = 10, then 10 + 10 - (10 + 8) / 16 = 19 (the
	 * real-valued A.8 gives 19.4 / 16); without the rounding it would be 20
	 */
	{ "rounding of J / 16", 3, { 0, 160, 320 }, { 1000, 1170, 1320 }, 19 },
	/* transit 1000 then 990: D = -10 counts as 10 */
	{ "early packet", 2, { 0, 160 }, { 1000, 1150 }, 10 },
	/* the timestamp wraps: transit 356 then 386, |D| 30 */
	{ "timestamp wrap", 2, { 0xffffff00u, 0x60 }, { 100, 482 }, 30 },
};

/* Runs @c; NULL if the state matches, else the name of what differs. */
static inline const char *rp_seq_case_run(const struct rp_seq_case *c)
{
	struct rp_seq_state s;
	unsigned int i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < c->n; i++)
		rp_seq_update(&s, c->seq[i]);
	if (s.probation != c->probation)
		return "probation";
	if (rp_seq_ext_max(&s) != c->ext_max)
		return "extended highest sequence number";
	if (rp_seq_expected(&s) != c->expected)
		return "expected";
	if (s.received != c->received)
		return "received";
	if (s.duplicates != c->duplicates)
		return "duplicates";
	if (rp_seq_lost(&s) != c->lost)
		return "lost";
	if (rp_seq_fraction_lost(&s) != c->fraction)
		return "fraction lost";
	if (rp_seq_fraction_lost(&s) != 0)
		return "fraction lost of an empty interval";
	return 0;
}

static inline const char *rp_jitter_case_run(const struct rp_jitter_case *c)
{
	struct rp_seq_state s;
	unsigned int i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < c->n; i++)
		rp_jitter_update(&s, c->ts[i], c->arrival[i]);
	if (s.jitter_q4 != c->jitter_q4)
		return "jitter";
	if (rp_jitter(&s) != (uint32_t)(c->jitter_q4 >> 4))
		return "jitter in timestamp units";
	return 0;
}

/*
 * What must hold after any packet sequence: @fed packets went through
 * rp_seq_update(), @max_d is the largest |D| rp_jitter_update() saw.
 * NULL if all holds, else the broken rule.
 */
static inline const char *rp_seq_invariants(const struct rp_seq_state *s,
					    uint64_t fed, uint32_t max_d)
{
	int64_t lost = rp_seq_lost(s);

	if (!fed)
		return s->started ? "started without a packet" : 0;
	if (!s->started || s->probation > RP_MIN_SEQUENTIAL)
		return "probation out of range";
	if (s->max_seq >= RP_SEQ_MOD || (s->cycles & (RP_SEQ_MOD - 1)))
		return "sequence number or cycles malformed";
	if ((uint64_t)s->received + s->duplicates > fed)
		return "more received than fed";
	if (s->probation) {
		if (rp_seq_expected(s) || lost || s->received)
			return "counts during probation";
	} else {
		if (rp_seq_ext_max(s) < s->base_seq || s->received < 1)
			return "valid source without a base";
		/* loss is below zero only by late copies, never by more */
		if (lost >= (int64_t)rp_seq_expected(s) ||
		    lost < -(int64_t)s->received)
			return "loss out of range";
	}
	if (s->jitter_q4 > 16 * (uint64_t)max_d + 8)
		return "jitter above the largest |D|";
	return 0;
}

/* |D| as rp_jitter_update() takes it, for rp_seq_invariants()'s max_d */
static inline uint32_t rp_transit_delta(uint32_t prev_transit, uint32_t ts,
					uint32_t arrival)
{
	uint32_t d = arrival - ts - prev_transit;

	return (d & 0x80000000u) ? 0u - d : d;
}

/*
 * A pseudo-random stream of @n packets from @seed (xorshift32): mostly in
 * order, with losses, copies, late packets, jumps and arrival noise, the
 * invariants checked after every packet.  NULL if they always held.
 */
static inline const char *rp_random_walk(uint32_t seed, unsigned int n)
{
	uint32_t x = seed ? seed : 1, ts = seed, arrival = 0, max_d = 0, d;
	uint16_t seq = (uint16_t)seed;
	struct rp_seq_state s;
	const char *why;
	unsigned int i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		switch (x % 16) {
		case 0:		/* loss */
			seq = (uint16_t)(seq + 2 + x % 5);
			break;
		case 1:		/* a copy */
			break;
		case 2:		/* late, or far back */
			seq = (uint16_t)(seq - (x >> 8) % 120);
			break;
		case 3:		/* anywhere */
			seq = (uint16_t)(x >> 8);
			break;
		default:
			seq++;
		}
		ts += 160;
		arrival += 160 + (x >> 20) % 64;
		if (s.have_transit) {
			d = rp_transit_delta(s.transit, ts, arrival);
			if (d > max_d)
				max_d = d;
		}
		rp_seq_update(&s, seq);
		rp_jitter_update(&s, ts, arrival);
		why = rp_seq_invariants(&s, i + 1, max_d);
		if (why)
			return why;
	}
	return 0;
}

#endif /* RTPRELAY_RTP_CHECK_H */
