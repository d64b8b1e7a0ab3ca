// SPDX-License-Identifier: GPL-2.0
/*
 * srtp_target.c - the SRTP of one target: its contexts (srtp.c), what it
 * unprotects and what each output protects, and each SSRC's packet indices
 * and replay windows (srtp_index.h, the daemon's logic).  The packet path
 * asks rp_srtp_in() for a verdict before it sends anything, so a packet
 * handed to userspace is always the one that arrived; the indices every
 * output will use are settled there, under the target's SRTP lock, and the
 * outputs protect their copies with them afterwards, without the lock.
 */
#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/udp.h>

#include "rtprelay.h"
#include "srtp_index.h"

u32 rp_srtp_suites_mask;

/* Highest SRTCP index (RFC 3711 3.3.2: 31 bits). */
#define RP_SRTCP_MAX_INDEX	0x7fffffffu
/* Highest SRTP packet index (48 bits). */
#define RP_SRTP_MAX_INDEX	((1ULL << 48) - 1)

static void rp_replay_from(struct rp_replay *w, u64 highest, bool valid)
{
	memset(w, 0, sizeof(*w));
	if (valid)
		rp_replay_add(w, highest);
}

static void rp_index_load(const struct rtprelay_srtp_index *in,
			  struct rp_replay *rtp, struct rp_replay *rtcp)
{
	rp_replay_from(rtp, (u64)in->roc << 16 | in->seq,
		       in->flags & RTPRELAY_SI_RTP);
	rp_replay_from(rtcp, in->srtcp_index & RP_SRTCP_MAX_INDEX,
		       in->flags & RTPRELAY_SI_RTCP);
}

static void rp_index_save(const struct rp_replay *rtp,
			  const struct rp_replay *rtcp,
			  struct rtprelay_srtp_index *out)
{
	memset(out, 0, sizeof(*out));
	if (rtp->started) {
		out->flags |= RTPRELAY_SI_RTP;
		out->roc = (u32)(rtp->highest >> 16);
		out->seq = (u16)rtp->highest;
	}
	if (rtcp->started) {
		out->flags |= RTPRELAY_SI_RTCP;
		out->srtcp_index = (u32)rtcp->highest;
	}
}

struct rp_target_srtp *rp_srtp_target_create(const struct rtprelay_cmd_add_target *cmd)
{
	const struct rtprelay_target_spec *spec = &cmd->spec;
	struct rp_target_srtp *s;
	unsigned int i, j;
	int err = 0;

	if (cmd->decrypt.suite == RTPRELAY_SRTP_NONE) {
		for (i = 0; i < spec->num_outputs; i++)
			if (cmd->encrypt[i].suite != RTPRELAY_SRTP_NONE)
				break;
		if (i == spec->num_outputs)
			return NULL;	/* plain RTP: no SRTP state at all */
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&s->lock);
	if (cmd->decrypt.suite != RTPRELAY_SRTP_NONE) {
		err = rp_srtp_ctx_init(&s->in, &cmd->decrypt);
		s->decrypt = !err;
	}
	for (i = 0; !err && i < spec->num_outputs; i++) {
		if (cmd->encrypt[i].suite == RTPRELAY_SRTP_NONE)
			continue;
		err = rp_srtp_ctx_init(&s->out[i], &cmd->encrypt[i]);
		if (!err)
			s->encrypt |= BIT(i);
	}
	if (err) {
		rp_srtp_target_free(s);
		return ERR_PTR(err);
	}
	for (i = 0; i < RTPRELAY_MAX_SSRCS; i++) {
		const struct rtprelay_srtp_ssrc *from = &cmd->srtp_ssrcs[i];
		struct rp_srtp_slot *slot = &s->slot[i];

		if (!from->valid)
			continue;
		slot->valid = true;
		slot->ssrc = from->ssrc;
		rp_index_load(&from->in, &slot->in_rtp, &slot->in_rtcp);
		for (j = 0; j < RTPRELAY_MAX_OUTPUTS; j++)
			rp_index_load(&from->out[j], &slot->out_rtp[j],
				      &slot->out_rtcp[j]);
	}
	return s;
}

void rp_srtp_target_free(struct rp_target_srtp *s)
{
	unsigned int i;

	if (!s)
		return;
	rp_srtp_ctx_free(&s->in);
	for (i = 0; i < RTPRELAY_MAX_OUTPUTS; i++)
		rp_srtp_ctx_free(&s->out[i]);
	kfree_sensitive(s);
}

void rp_srtp_target_stats(struct rp_target_srtp *s,
			  struct rtprelay_srtp_ssrc out[RTPRELAY_MAX_SSRCS])
{
	unsigned int i, j;

	spin_lock_bh(&s->lock);
	for (i = 0; i < RTPRELAY_MAX_SSRCS; i++) {
		const struct rp_srtp_slot *slot = &s->slot[i];

		if (!slot->valid)
			continue;
		out[i].valid = 1;
		out[i].ssrc = slot->ssrc;
		rp_index_save(&slot->in_rtp, &slot->in_rtcp, &out[i].in);
		for (j = 0; j < RTPRELAY_MAX_OUTPUTS; j++)
			rp_index_save(&slot->out_rtp[j], &slot->out_rtcp[j],
				      &out[i].out[j]);
	}
	spin_unlock_bh(&s->lock);
}

unsigned int rp_srtp_out_room(const struct rp_target_srtp *s, unsigned int i,
			      bool rtcp)
{
	if (!s || !(s->encrypt & BIT(i)))
		return 0;
	return rtcp ? rp_srtp_rtcp_trailer(&s->out[i]) :
		      rp_srtp_rtp_trailer(&s->out[i]);
}

/*
 * The RTP header's length (fixed part, CSRCs, extension) within @len bytes,
 * or 0.  Not rp_rtp_parse(): SRTP encrypts the padding count.
 */
static unsigned int rp_rtp_hdr_len(const u8 *p, unsigned int len)
{
	struct rp_rtp_info info;

	return rp_rtp_parse_header(p, len, &info) ? 0 : info.hdr_len;
}

static struct rp_srtp_slot *rp_slot(struct rp_target_srtp *s, u32 ssrc,
				    bool may_learn)
{
	struct rp_srtp_slot *free = NULL;
	unsigned int i;

	for (i = 0; i < RTPRELAY_MAX_SSRCS; i++) {
		if (s->slot[i].valid && s->slot[i].ssrc == ssrc)
			return &s->slot[i];
		if (!s->slot[i].valid && !free)
			free = &s->slot[i];
	}
	if (!free || !may_learn)
		return NULL;
	memset(free, 0, sizeof(*free));
	free->valid = true;
	free->ssrc = ssrc;
	return free;
}

/* Drop the packet, counted per target and module-wide. */
static int rp_drop(struct rp_target *tg, bool replay)
{
	rp_count_srtp_drop(tg, replay);
	return RP_SRTP_DROP;
}

/* Unprotect in place; the slot is the SSRC's, under s->lock. */
static int rp_decrypt(struct rp_target *tg, struct rp_pkt *p,
		      struct rp_srtp_slot *slot, struct rp_srtp_plan *plan,
		      unsigned int *reason)
{
	struct rp_target_srtp *s = tg->srtp;
	u8 *pkt = (u8 *)p->payload;
	u32 rtcp_index;
	int len;

	if (plan->rtcp) {
		if (rp_srtcp_index(&s->in, pkt, p->payload_len, &rtcp_index))
			goto up;
		if (rp_replay_check(&slot->in_rtcp, rtcp_index) != RP_REPLAY_NEW)
			return rp_drop(tg, true);
		len = rp_srtcp_unprotect(&s->in, pkt, p->payload_len);
	} else {
		if (!slot->in_rtp.started) {
			*reason = RTPRELAY_UP_SSRC;	/* no rollover counter for it */
			return RP_SRTP_UP;
		}
		plan->in_index = rp_srtp_index_estimate(slot->in_rtp.highest,
							rp_be16(pkt + 2));
		if (plan->in_index > RP_SRTP_MAX_INDEX)
			goto up;	/* the key is spent: userspace re-keys */
		if (rp_replay_check(&slot->in_rtp, plan->in_index) != RP_REPLAY_NEW)
			return rp_drop(tg, true);
		len = rp_srtp_unprotect(&s->in, pkt, plan->hdr, p->payload_len,
					plan->in_index);
	}
	if (len == -EBADMSG)
		return rp_drop(tg, false);
	if (len < 0)
		goto up;
	if (plan->rtcp)
		rp_replay_add(&slot->in_rtcp, rtcp_index);
	else
		rp_replay_add(&slot->in_rtp, plan->in_index);
	plan->decrypted = true;
	p->payload_len = len;
	return RP_SRTP_GO;
up:
	*reason = RTPRELAY_UP_SRTP;
	return RP_SRTP_UP;
}

/* Settles the index output @i protects this packet with, under s->lock. */
static bool rp_plan_output(struct rp_target *tg, struct rp_srtp_slot *slot,
			   struct rp_srtp_plan *plan, unsigned int i, u16 seq)
{
	struct rp_replay *w;
	u64 index;

	if (plan->rtcp) {
		w = &slot->out_rtcp[i];
		index = w->started ? w->highest + 1 : 0;
		if (index > RP_SRTCP_MAX_INDEX)
			return false;	/* spent: this output sends no more SRTCP */
	} else {
		w = &slot->out_rtp[i];
		/* a new SSRC continues the rollover counter it arrived with */
		index = rp_srtp_index_estimate(w->started ? w->highest :
					       plan->decrypted ? plan->in_index : 0,
					       seq);
		if (index > RP_SRTP_MAX_INDEX)
			return false;
		/* never the same keystream twice: an index sent is not sent again */
		if (rp_replay_check(w, index) != RP_REPLAY_NEW) {
			rp_count_srtp_drop(tg, true);
			return false;
		}
	}
	rp_replay_add(w, index);
	plan->index[i] = index;
	return true;
}

/* Make the received packet ours to change; p->payload follows it. */
static int rp_make_writable(struct rp_pkt *p)
{
	unsigned int off = p->payload - p->skb->data;

	if (skb_ensure_writable(p->skb, p->skb->len))
		return -ENOMEM;
	p->payload = p->skb->data + off;
	return 0;
}

/* The packet shrank to @p->payload_len: trim the skb and the UDP length. */
static void rp_trim(struct rp_pkt *p)
{
	struct udphdr *uh = (struct udphdr *)(p->payload - sizeof(*uh));

	skb_trim(p->skb, p->payload - p->skb->data + p->payload_len);
	uh->len = htons(sizeof(*uh) + p->payload_len);
}

int rp_srtp_in(struct rp_target *tg, struct rp_pkt *p, bool rtcp, u8 picked,
	       struct rp_srtp_plan *plan, unsigned int *reason)
{
	struct rp_target_srtp *s = tg->srtp;
	struct rp_srtp_slot *slot;
	unsigned int i, body;
	int verdict = RP_SRTP_GO;
	u16 seq = 0;
	u32 ssrc;

	memset(plan, 0, sizeof(*plan));
	plan->rtcp = rtcp;
	*reason = RTPRELAY_UP_SRTP;
	if (rtcp) {
		ssrc = rp_be32(p->payload + 4);
	} else {
		body = p->payload_len;
		if (s->decrypt) {
			if (body < rp_srtp_rtp_trailer(&s->in))
				return RP_SRTP_UP;
			body -= rp_srtp_rtp_trailer(&s->in);
		}
		plan->hdr = rp_rtp_hdr_len(p->payload, body);
		if (!plan->hdr)
			return RP_SRTP_UP;
		seq = rp_be16(p->payload + 2);
		ssrc = rp_be32(p->payload + 8);
	}
	if (s->decrypt && rp_make_writable(p))
		return RP_SRTP_UP;

	spin_lock(&s->lock);
	/* RTP to unprotect needs the rollover counter the daemon handed over */
	slot = rp_slot(s, ssrc, rtcp || !s->decrypt);
	if (!slot) {
		*reason = RTPRELAY_UP_SSRC;
		verdict = RP_SRTP_UP;
		goto out;
	}
	if (s->decrypt) {
		verdict = rp_decrypt(tg, p, slot, plan, reason);
		if (verdict != RP_SRTP_GO)
			goto out;
	}
	for (i = 0; i < tg->spec.num_outputs; i++)
		if (s->encrypt & picked & BIT(i) &&
		    rp_plan_output(tg, slot, plan, i, seq))
			plan->outputs |= BIT(i);
out:
	spin_unlock(&s->lock);
	if (plan->decrypted)
		rp_trim(p);
	return verdict;
}

int rp_srtp_out(const struct rp_target *tg, const struct rp_srtp_plan *plan,
		unsigned int i, u8 *payload, unsigned int len)
{
	const struct rp_srtp_ctx *c = &tg->srtp->out[i];

	if (plan->rtcp)
		return rp_srtcp_protect(c, payload, len, (u32)plan->index[i]);
	return rp_srtp_protect(c, payload, plan->hdr, len, plan->index[i]);
}
