/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * srtp_check.h - test cases of srtp_index.h, kept in one place so that the
 * same cases run in the daemon's unit tests (t/unit/kernel/srtp_index_test.cc)
 * and in the kernel under QEMU (selftest.c, built with RTPRELAY_SELFTEST=y).
 * Expected indices are worked out by hand from RFC 3711 3.3.1.
 */
#ifndef RTPRELAY_SRTP_CHECK_H
#define RTPRELAY_SRTP_CHECK_H

#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif

#include "srtp_index.h"

#define RP_ROC(r, s) ((uint64_t)(r) << 16 | (s))

struct rp_index_case {
	const char *name;
	uint64_t highest;
	uint16_t seq;
	uint64_t index;
};

static const struct rp_index_case rp_index_cases[] = {
	{ "first rollover, in order", RP_ROC(0, 4), 5, RP_ROC(0, 5) },
	{ "wrap: 65535 then 0", RP_ROC(0, 65535), 0, RP_ROC(1, 0) },
	{ "late packet from before the wrap",
	  RP_ROC(1, 10), 65530, RP_ROC(0, 65530) },
	/* rollover 0 has nothing before it */
	{ "never below rollover 0", RP_ROC(0, 10), 65530, RP_ROC(0, 65530) },
	/* s_l 40000: 40000 - 32768 = 7232 > 7000, the next rollover */
	{ "far ahead of a high s_l is the next rollover",
	  RP_ROC(5, 40000), 7000, RP_ROC(6, 7000) },
	{ "just inside a high s_l's half",
	  RP_ROC(5, 40000), 7300, RP_ROC(5, 7300) },
	/* s_l 32767: 65535 - 32767 = 32768 is not more than 32768 */
	{ "half a cycle ahead of a low s_l is this rollover",
	  RP_ROC(5, 32767), 65535, RP_ROC(5, 65535) },
	/* s_l 100: 32869 - 100 = 32769 > 32768, the previous rollover */
	{ "more than half ahead of a low s_l is the previous rollover",
	  RP_ROC(5, 100), 32869, RP_ROC(4, 32869) },
	{ "behind a low s_l is this rollover", RP_ROC(5, 100), 50, RP_ROC(5, 50) },
	/* the caller must refuse 2^48: the key is spent */
	{ "past the last index",
	  RP_ROC(0xffffffffu, 65535), 0, (uint64_t)1 << 48 },
};

#define RP_REPLAY_MAX_OPS 8

/* Indices checked in turn, each added when it was new, and each verdict. */
struct rp_replay_case {
	const char *name;
	unsigned int n;
	uint64_t index[RP_REPLAY_MAX_OPS];
	int want[RP_REPLAY_MAX_OPS];
};

#define N_ RP_REPLAY_NEW
#define S_ RP_REPLAY_SEEN
#define O_ RP_REPLAY_TOO_OLD
static const struct rp_replay_case rp_replay_cases[] = {
	{ "first index, then its replay", 2, { 7, 7 }, { N_, S_ } },
	{ "index 0 is an index", 2, { 0, 0 }, { N_, S_ } },
	{ "out of order inside the window", 5,
	  { 10, 5, 5, 9, 10 }, { N_, N_, S_, N_, S_ } },
	/* 200 - 72 = 128: just below the window */
	{ "edge of the window", 4, { 200, 72, 73, 73 }, { N_, O_, N_, S_ } },
	{ "a jump forgets what is below the window", 4,
	  { 5, 500, 5, 499 }, { N_, N_, O_, N_ } },
	/* 74 - 10 = 64: the bit crossed into the second word */
	{ "shift by exactly 64", 3, { 10, 74, 10 }, { N_, N_, S_ } },
	{ "shift by 65, then 62", 5,
	  { 1, 66, 128, 1, 66 }, { N_, N_, N_, S_, S_ } },
	{ "shift by 127 keeps the oldest", 3, { 0, 127, 0 }, { N_, N_, S_ } },
	{ "shift by 128 drops it", 3, { 0, 128, 0 }, { N_, N_, O_ } },
	{ "SRTCP-sized indices", 3,
	  { 0x7fffffff, 0x7fffff80, 0x7fffff7f }, { N_, N_, O_ } },
	{ "48-bit indices", 3,
	  { RP_ROC(0xffffffffu, 65535), RP_ROC(0xffffffffu, 65534),
	    RP_ROC(0xffffffffu, 65535) }, { N_, N_, S_ } },
};
#undef N_
#undef S_
#undef O_

/* Runs @c; NULL if the estimate matches, else what differs. */
static inline const char *rp_index_case_run(const struct rp_index_case *c)
{
	return rp_srtp_index_estimate(c->highest, c->seq) == c->index ?
	       NULL : "estimated index";
}

static inline const char *rp_replay_case_run(const struct rp_replay_case *c)
{
	struct rp_replay w;
	unsigned int i;
	int v;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < c->n; i++) {
		v = rp_replay_check(&w, c->index[i]);
		if (v != c->want[i])
			return "verdict";
		if (v == RP_REPLAY_NEW)
			rp_replay_add(&w, c->index[i]);
	}
	return NULL;
}

/*
 * Indices 0..@n-1 in order, each new and then a replay; afterwards the 128
 * below and including the highest are replays and the one below them too
 * old.  Every one-step shift crosses the words' boundary on the way.
 */
static inline const char *rp_replay_walk(uint64_t n)
{
	struct rp_replay w;
	uint64_t i;

	memset(&w, 0, sizeof(w));
	for (i = 0; i < n; i++) {
		if (rp_replay_check(&w, i) != RP_REPLAY_NEW)
			return "walk: not new";
		rp_replay_add(&w, i);
		if (rp_replay_check(&w, i) != RP_REPLAY_SEEN)
			return "walk: not seen";
	}
	for (i = n - RP_REPLAY_WINDOW; i < n; i++)
		if (rp_replay_check(&w, i) != RP_REPLAY_SEEN)
			return "walk: window lost an index";
	if (rp_replay_check(&w, n - RP_REPLAY_WINDOW - 1) != RP_REPLAY_TOO_OLD)
		return "walk: below the window";
	return NULL;
}

#endif /* RTPRELAY_SRTP_CHECK_H */
