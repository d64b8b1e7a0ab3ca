// SPDX-License-Identifier: GPL-2.0
/*
 * selftest.c - runs rtp_check.h's and srtp_check.h's cases (the ones the
 * daemon's unit tests run) in the kernel at module load, built only with
 * RTPRELAY_SELFTEST=y.
 * The result goes to the kernel log as "rtprelay: selftest: N passed, N
 * failed"; a failure keeps the module from loading.
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include "rtprelay.h"
#include "rtp_check.h"
#include "srtp_check.h"

/* random walks: seeds and packets each */
#define RP_WALKS	8
#define RP_WALK_LEN	20000

static void report(const char *name, const char *why,
		   unsigned int *passed, unsigned int *failed)
{
	if (!why) {
		(*passed)++;
		return;
	}
	(*failed)++;
	pr_err("rtprelay: selftest: FAIL %s: %s\n", name, why);
}

int rp_selftest(void)
{
	unsigned int i, passed = 0, failed = 0;

	for (i = 0; i < ARRAY_SIZE(rp_seq_cases); i++)
		report(rp_seq_cases[i].name, rp_seq_case_run(&rp_seq_cases[i]),
		       &passed, &failed);
	for (i = 0; i < ARRAY_SIZE(rp_jitter_cases); i++)
		report(rp_jitter_cases[i].name,
		       rp_jitter_case_run(&rp_jitter_cases[i]), &passed, &failed);
	for (i = 0; i < RP_WALKS; i++)
		report("random walk", rp_random_walk(i * 7919 + 1, RP_WALK_LEN),
		       &passed, &failed);
	for (i = 0; i < ARRAY_SIZE(rp_index_cases); i++)
		report(rp_index_cases[i].name,
		       rp_index_case_run(&rp_index_cases[i]), &passed, &failed);
	for (i = 0; i < ARRAY_SIZE(rp_replay_cases); i++)
		report(rp_replay_cases[i].name,
		       rp_replay_case_run(&rp_replay_cases[i]), &passed, &failed);
	report("replay walk", rp_replay_walk(1000), &passed, &failed);
	pr_info("rtprelay: selftest: %u passed, %u failed\n", passed, failed);
	return failed ? -ENOTRECOVERABLE : 0;
}
