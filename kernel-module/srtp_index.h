/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * srtp_index.h - the one implementation of SRTP's per-SSRC index logic,
 * compiled into rtprelayd (daemon/crypto/srtp_session.cc, through
 * daemon/crypto/replay_window.h) and into xt_RTPRELAY, so that a stream
 * handed between userspace and the kernel keeps one rollover counter and
 * one idea of what is a replay:
 *  - the packet index of a sequence number (RFC 3711 3.3.1), estimated from
 *    the highest index seen;
 *  - the replay list (RFC 3711 3.3.2) as a sliding window of 128 indices
 *    below and including the highest, for SRTP (48-bit indices) and SRTCP
 *    (31-bit indices) alike.
 * No kernel types: only fixed-width integers.  No state beyond what the
 * caller passes in; the caller does any locking.  A zeroed struct
 * rp_replay is an empty window.
 */
#ifndef RTPRELAY_SRTP_INDEX_H
#define RTPRELAY_SRTP_INDEX_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/*
 * The index of @seq, given the highest index @highest this SSRC reached:
 * the rollover counter that puts @seq closest to @highest's sequence
 * number.  It never goes below rollover 0: a stream's first packets may
 * arrive in any order (libsrtp2 guesses the same).  The result may reach
 * 2^48 after the last index of a key; the caller refuses that packet.
 */
static inline uint64_t rp_srtp_index_estimate(uint64_t highest, uint16_t seq)
{
	uint64_t roc = highest >> 16;
	uint16_t s_l = (uint16_t)highest;

	if (s_l < 32768) {
		if ((int)seq - (int)s_l > 32768 && roc > 0)
			roc--;
	} else if ((int)s_l - 32768 > (int)seq) {
		roc++;
	}
	return roc << 16 | seq;
}

#define RP_REPLAY_WINDOW	128

/* rp_replay_check() */
#define RP_REPLAY_NEW		0	/* not seen: may go through */
#define RP_REPLAY_SEEN		1	/* a replay */
#define RP_REPLAY_TOO_OLD	2	/* below the window: cannot tell, refused */

struct rp_replay {
	uint64_t highest;	/* highest index seen, if started */
	/* bit i % 64 of seen[i / 64]: index highest - i was seen */
	uint64_t seen[2];
	uint32_t started;	/* 0 until the first index is added */
	uint32_t pad;
};

static inline int rp_replay_check(const struct rp_replay *w, uint64_t index)
{
	uint64_t back;

	if (!w->started || index > w->highest)
		return RP_REPLAY_NEW;
	back = w->highest - index;
	if (back >= RP_REPLAY_WINDOW)
		return RP_REPLAY_TOO_OLD;
	return (w->seen[back / 64] >> (back % 64)) & 1 ?
	       RP_REPLAY_SEEN : RP_REPLAY_NEW;
}

/* Moves the window up by @n >= 1 indices: bit i becomes bit i + n. */
static inline void rp_replay_shift(struct rp_replay *w, uint64_t n)
{
	if (n >= RP_REPLAY_WINDOW) {
		w->seen[0] = 0;
		w->seen[1] = 0;
	} else if (n >= 64) {
		w->seen[1] = w->seen[0] << (n - 64);
		w->seen[0] = 0;
	} else {
		w->seen[1] = (w->seen[1] << n) | (w->seen[0] >> (64 - n));
		w->seen[0] <<= n;
	}
}

/*
 * Records @index once its packet went through (rp_replay_check() said
 * RP_REPLAY_NEW); an index below the window changes nothing.
 */
static inline void rp_replay_add(struct rp_replay *w, uint64_t index)
{
	uint64_t back;

	if (!w->started || index > w->highest) {
		rp_replay_shift(w, w->started ? index - w->highest :
					       RP_REPLAY_WINDOW);
		w->highest = index;
		w->started = 1;
		w->seen[0] |= 1;
		return;
	}
	back = w->highest - index;
	if (back < RP_REPLAY_WINDOW)
		w->seen[back / 64] |= (uint64_t)1 << (back % 64);
}

#endif /* RTPRELAY_SRTP_INDEX_H */
