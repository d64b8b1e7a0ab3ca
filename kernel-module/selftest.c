// SPDX-License-Identifier: GPL-2.0
/*
 * selftest.c - runs rtp_check.h's and srtp_check.h's cases (the ones the
 * daemon's unit tests run) and srtp_vectors.h's known-answer packets (made
 * by libsrtp2) in the kernel at module load, built only with
 * RTPRELAY_SELFTEST=y.
 * The result goes to the kernel log as "rtprelay: selftest: N passed, N
 * failed"; a failure keeps the module from loading.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "rtprelay.h"
#include "rtp_check.h"
#include "srtp.h"
#include "srtp_check.h"
#include "srtp_vectors.h"

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

static int rp_vector_protect(const struct rp_srtp_ctx *c,
			     const struct rp_srtp_vector *v, u8 *buf)
{
	memcpy(buf, v->plain, v->plain_len);
	return v->rtcp ? rp_srtcp_protect(c, buf, v->plain_len, (u32)v->index) :
	       rp_srtp_protect(c, buf, v->hdr, v->plain_len, v->index);
}

static int rp_vector_unprotect(const struct rp_srtp_ctx *c,
			       const struct rp_srtp_vector *v, u8 *buf)
{
	return v->rtcp ? rp_srtcp_unprotect(c, buf, v->wire_len) :
	       rp_srtp_unprotect(c, buf, v->hdr, v->wire_len, v->index);
}

/*
 * One vector: plain protects into wire, wire unprotects into plain, and a
 * flipped bit (where a tag covers it) or another MKI is refused.
 */
static const char *rp_vector_case(const struct rp_srtp_ctx *c,
				  const struct rp_srtp_vector *v, u8 *buf)
{
	u32 index;

	if (rp_vector_protect(c, v, buf) != v->wire_len ||
	    memcmp(buf, v->wire, v->wire_len))
		return "protecting did not give libsrtp2's packet";
	memcpy(buf, v->wire, v->wire_len);
	if (v->rtcp && (rp_srtcp_index(c, buf, v->wire_len, &index) ||
			index != v->index))
		return "SRTCP index misread";
	if (rp_vector_unprotect(c, v, buf) != v->plain_len ||
	    memcmp(buf, v->plain, v->plain_len))
		return "unprotecting libsrtp2's packet did not give the plain one";
	if (v->rtcp || c->rtp.tag_len) {
		memcpy(buf, v->wire, v->wire_len);
		buf[v->rtcp ? 9 : v->hdr] ^= 0x01;
		if (rp_vector_unprotect(c, v, buf) != -EBADMSG)
			return "a flipped bit was not refused";
	}
	if (c->mki_len) {
		memcpy(buf, v->wire, v->wire_len);
		buf[v->wire_len - (v->rtcp && !c->rtcp.gcm ? c->rtcp.tag_len :
				   !v->rtcp && !c->rtp.gcm ? c->rtp.tag_len : 0) - 1] ^= 0x80;
		if (rp_vector_unprotect(c, v, buf) != -ENOKEY)
			return "another MKI was not refused";
	}
	return NULL;
}

static const char *rp_vector_run(const struct rp_srtp_vector *v)
{
	struct rp_srtp_ctx c;
	const char *why;
	u8 *buf;

	/* not on the stack: scatterlists need linearly mapped memory */
	buf = kmalloc(sizeof(v->wire) + 64, GFP_KERNEL);
	if (!buf)
		return "out of memory";
	if (rp_srtp_ctx_init(&c, &v->srtp)) {
		kfree(buf);
		return "rp_srtp_ctx_init failed";
	}
	why = rp_vector_case(&c, v, buf);
	rp_srtp_ctx_free(&c);
	kfree(buf);
	return why;
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
	for (i = 0; i < ARRAY_SIZE(rp_srtp_vectors); i++)
		report(rp_srtp_vectors[i].name, rp_vector_run(&rp_srtp_vectors[i]),
		       &passed, &failed);
	pr_info("rtprelay: selftest: %u passed, %u failed\n", passed, failed);
	return failed ? -ENOTRECOVERABLE : 0;
}
