// SPDX-License-Identifier: GPL-2.0
/*
 * target.c - forwarding targets: one per local address:port, kept in the
 * table's hash.  Readers (the packet path) walk the hash under RCU without
 * taking references; writers hold rp_mutex.  The hash holds one kref; the
 * final put frees after an RCU grace period, so that a reader still inside
 * its RCU section keeps a valid target, and in process context (a work
 * item), where the SRTP transforms are freed and their keys wiped.
 */
#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rtprelay.h"

static struct kmem_cache *target_cache;
static struct workqueue_struct *free_wq;

int rp_target_cache_init(void)
{
	free_wq = alloc_workqueue("rtprelay_free", 0, 0);
	if (!free_wq)
		return -ENOMEM;
	target_cache = KMEM_CACHE(rp_target, 0);
	if (!target_cache) {
		destroy_workqueue(free_wq);
		return -ENOMEM;
	}
	return 0;
}

void rp_target_cache_exit(void)
{
	rcu_barrier();		/* every grace period has queued its free */
	destroy_workqueue(free_wq);	/* and every free has run */
	kmem_cache_destroy(target_cache);
}

static u32 addr_hash(const struct rtprelay_addr *a)
{
	return jhash(a, sizeof(*a), 0);
}

static bool addr_valid(struct rtprelay_addr *a)
{
	if (a->family == RTPRELAY_AF_INET) {
		memset(a->addr + 4, 0, sizeof(a->addr) - 4);
		return true;
	}
	return a->family == RTPRELAY_AF_INET6;
}

static int spec_check(struct rtprelay_target_spec *s)
{
	unsigned int i;

	if (!addr_valid(&s->local))
		return -EAFNOSUPPORT;
	if (s->flags & ~RTPRELAY_TF_ALL)
		return -EINVAL;
	if ((s->flags & RTPRELAY_TF_EXPECT_SRC) &&
	    s->expected_src.family != s->local.family)
		return -EINVAL;
	if ((s->flags & RTPRELAY_TF_EXPECT_SRC) && !addr_valid(&s->expected_src))
		return -EINVAL;
	if (s->src_policy > RTPRELAY_SRC_USERSPACE)
		return -EINVAL;
	if (s->num_outputs == 0 || s->num_outputs > RTPRELAY_MAX_OUTPUTS ||
	    s->num_payload_types > RTPRELAY_MAX_PTS ||
	    s->num_ssrcs > RTPRELAY_MAX_SSRCS)
		return -EINVAL;
	for (i = 0; i < s->num_outputs; i++) {
		struct rtprelay_output *o = &s->outputs[i];

		/* outputs stay in the family of the input (no 4<->6 yet) */
		if (o->src.family != s->local.family ||
		    o->dst.family != s->local.family ||
		    !addr_valid(&o->src) || !addr_valid(&o->dst))
			return -EINVAL;
		/* a mask names listed SSRCs only */
		if (o->ssrc_mask & ~(BIT(s->num_ssrcs) - 1))
			return -EINVAL;
	}
	return 0;
}

static void free_work(struct work_struct *work)
{
	struct rp_target *tg = container_of(to_rcu_work(work), struct rp_target,
					    free_work);
	unsigned int i;

	for (i = 0; i < tg->spec.num_outputs; i++)
		dst_cache_destroy(&tg->routes[i]);
	free_percpu(tg->stats);
	rp_srtp_target_free(tg->srtp);
	kmem_cache_free(target_cache, tg);
}

struct rp_target *rp_target_create(const struct rtprelay_cmd_add_target *cmd)
{
	struct rp_target *tg;
	unsigned int i, cpu;
	int err;

	tg = kmem_cache_zalloc(target_cache, GFP_KERNEL);
	if (!tg)
		return ERR_PTR(-ENOMEM);
	tg->spec = cmd->spec;
	err = spec_check(&tg->spec);
	if (err)
		goto err_free;
	tg->srtp = rp_srtp_target_create(cmd);
	if (IS_ERR(tg->srtp)) {
		err = PTR_ERR(tg->srtp);
		goto err_free;
	}
	tg->stats = alloc_percpu(struct rp_cpu_stats);
	if (!tg->stats) {
		err = -ENOMEM;
		goto err_srtp;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(tg->stats, cpu)->syncp);
	for (i = 0; i < tg->spec.num_outputs; i++) {
		err = dst_cache_init(&tg->routes[i], GFP_KERNEL);
		if (err)
			goto err_routes;
	}
	kref_init(&tg->ref);
	INIT_RCU_WORK(&tg->free_work, free_work);
	spin_lock_init(&tg->ssrc_lock);
	atomic64_set(&tg->last_packet_ms, 0);
	/* expected SSRCs take the first stats slots */
	for (i = 0; i < tg->spec.num_ssrcs; i++) {
		tg->ssrc[i].ssrc = tg->spec.ssrcs[i];
		tg->ssrc[i].valid = true;
	}
	return tg;

err_routes:
	while (i--)
		dst_cache_destroy(&tg->routes[i]);
	free_percpu(tg->stats);
err_srtp:
	rp_srtp_target_free(tg->srtp);
err_free:
	kmem_cache_free(target_cache, tg);
	return ERR_PTR(err);
}

static void release(struct kref *ref)
{
	struct rp_target *tg = container_of(ref, struct rp_target, ref);

	queue_rcu_work(free_wq, &tg->free_work);
}

void rp_target_put(struct rp_target *tg)
{
	kref_put(&tg->ref, release);
}

/* Caller holds rcu_read_lock() (packet path) or rp_mutex (control). */
struct rp_target *rp_target_find(struct rp_table *t,
				 const struct rtprelay_addr *local)
{
	struct rp_target *tg;

	hash_for_each_possible_rcu(t->targets, tg, node, addr_hash(local),
				   lockdep_is_held(&rp_mutex))
		if (!memcmp(&tg->spec.local, local, sizeof(*local)))
			return tg;
	return NULL;
}

/* Insert @tg, replacing a target with the same key.  Takes over the ref. */
void rp_target_add(struct rp_table *t, struct rp_target *tg)
{
	struct rp_target *old;

	lockdep_assert_held(&rp_mutex);
	old = rp_target_find(t, &tg->spec.local);
	if (old) {
		hlist_replace_rcu(&old->node, &tg->node);
		rp_target_put(old);
		return;
	}
	hash_add_rcu(t->targets, &tg->node, addr_hash(&tg->spec.local));
	t->num_targets++;
}

int rp_target_del(struct rp_table *t, const struct rtprelay_addr *local)
{
	struct rtprelay_addr key = *local;
	struct rp_target *tg;

	lockdep_assert_held(&rp_mutex);
	if (!addr_valid(&key))
		return -EAFNOSUPPORT;
	tg = rp_target_find(t, &key);
	if (!tg)
		return -ENOENT;
	hash_del_rcu(&tg->node);
	t->num_targets--;
	rp_target_put(tg);
	return 0;
}

void rp_target_flush(struct rp_table *t)
{
	struct hlist_node *tmp;
	struct rp_target *tg;
	unsigned int bkt;

	lockdep_assert_held(&rp_mutex);
	hash_for_each_safe(t->targets, bkt, tmp, tg, node) {
		hash_del_rcu(&tg->node);
		rp_target_put(tg);
	}
	t->num_targets = 0;
}

/*
 * Account one forwarded packet.  Runs in softirq context on the packet
 * path; per-CPU counters need no lock, the SSRC slots take ssrc_lock.
 */
void rp_target_count(struct rp_target *tg, const struct rp_rtp_info *rtp,
		     bool rtcp, unsigned int len)
{
	struct rp_cpu_stats *s = this_cpu_ptr(tg->stats);
	s64 now_ms = ktime_to_ms(ktime_get_real());
	struct rp_ssrc *slot = NULL;
	unsigned int i;

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->packets);
	u64_stats_add(&s->bytes, len);
	if (rtcp)
		u64_stats_inc(&s->rtcp);
	u64_stats_update_end(&s->syncp);
	atomic64_set(&tg->last_packet_ms, now_ms);
	if (!rtp)
		return;

	spin_lock(&tg->ssrc_lock);
	for (i = 0; i < RTPRELAY_MAX_SSRCS; i++) {
		if (tg->ssrc[i].valid && tg->ssrc[i].ssrc == rtp->ssrc) {
			slot = &tg->ssrc[i];
			break;
		}
		if (!tg->ssrc[i].valid) {	/* learn a new SSRC */
			slot = &tg->ssrc[i];
			slot->valid = true;
			slot->ssrc = rtp->ssrc;
			break;
		}
	}
	if (slot) {
		slot->packets++;
		slot->bytes += rtp->hdr_len + rtp->payload_len;
		rp_seq_update(&slot->seq, rtp->seq);
		/* arrival in timestamp units (A.8), modulo 2^32 like them */
		if (tg->spec.clock_rate)
			rp_jitter_update(&slot->seq, rtp->ts,
					 (u32)mul_u64_u32_div(ktime_get_ns(),
							      tg->spec.clock_rate,
							      NSEC_PER_SEC));
	}
	spin_unlock(&tg->ssrc_lock);
}

void rp_target_stats(struct rp_target *tg, struct rtprelay_target_stats *out)
{
	unsigned int cpu, i, start;

	memset(out, 0, sizeof(*out));
	out->local = tg->spec.local;
	for_each_possible_cpu(cpu) {
		const struct rp_cpu_stats *s = per_cpu_ptr(tg->stats, cpu);
		u64 p, b, r, e, d, da, dr, u[RTPRELAY_UP_COUNT];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			p = u64_stats_read(&s->packets);
			b = u64_stats_read(&s->bytes);
			r = u64_stats_read(&s->rtcp);
			e = u64_stats_read(&s->errors);
			d = u64_stats_read(&s->dropped_src);
			da = u64_stats_read(&s->dropped_auth);
			dr = u64_stats_read(&s->dropped_replay);
			for (i = 0; i < RTPRELAY_UP_COUNT; i++)
				u[i] = u64_stats_read(&s->to_userspace[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		out->packets += p;
		out->bytes += b;
		out->rtcp_packets += r;
		out->errors += e;
		out->dropped_src += d;
		out->dropped_auth += da;
		out->dropped_replay += dr;
		for (i = 0; i < RTPRELAY_UP_COUNT; i++)
			out->to_userspace[i] += u[i];
	}
	out->last_packet_ms = atomic64_read(&tg->last_packet_ms);

	spin_lock_bh(&tg->ssrc_lock);
	for (i = 0; i < RTPRELAY_MAX_SSRCS; i++) {
		const struct rp_ssrc *src = &tg->ssrc[i];
		struct rtprelay_ssrc_stats *dst = &out->ssrc[i];

		if (!src->valid)
			continue;
		dst->valid = 1;
		dst->ssrc = src->ssrc;
		dst->packets = src->packets;
		dst->bytes = src->bytes;
		dst->ext_max_seq = rp_seq_ext_max(&src->seq);
		dst->expected = rp_seq_expected(&src->seq);
		dst->received = src->seq.received;
		dst->lost = (s32)clamp_t(s64, rp_seq_lost(&src->seq),
					 S32_MIN, S32_MAX);
		dst->duplicates = src->seq.duplicates;
		dst->probation = src->seq.probation;
		dst->jitter = rp_jitter(&src->seq);
	}
	spin_unlock_bh(&tg->ssrc_lock);
	if (tg->srtp)
		rp_srtp_target_stats(tg->srtp, out->srtp_ssrcs);
}

static void show_addr(struct seq_file *m, const struct rtprelay_addr *a)
{
	if (a->family == RTPRELAY_AF_INET)
		seq_printf(m, "%pI4:%u", a->addr, ntohs((__force __be16)a->port));
	else
		seq_printf(m, "[%pI6c]:%u", a->addr, ntohs((__force __be16)a->port));
}

static const char *const policy_names[] = { "forward", "drop", "userspace" };
const char *const rp_up_names[RTPRELAY_UP_COUNT] = { RTPRELAY_UP_NAMES };

void rp_target_show(struct seq_file *m, struct rp_target *tg)
{
	const struct rtprelay_target_spec *s = &tg->spec;
	struct rtprelay_target_stats st;
	unsigned int i, j;

	rp_target_stats(tg, &st);
	seq_puts(m, "local ");
	show_addr(m, &s->local);
	if (s->flags & RTPRELAY_TF_EXPECT_SRC) {
		seq_puts(m, " src ");
		show_addr(m, &s->expected_src);
		seq_printf(m, " policy %s", policy_names[s->src_policy]);
	}
	if (s->flags & RTPRELAY_TF_RTCP_MUX)
		seq_puts(m, " rtcp-mux");
	if (s->flags & RTPRELAY_TF_RTCP_USERSPACE)
		seq_puts(m, " rtcp-userspace");
	for (i = 0; i < s->num_outputs; i++) {
		seq_puts(m, " out ");
		show_addr(m, &s->outputs[i].src);
		seq_puts(m, "->");
		show_addr(m, &s->outputs[i].dst);
		seq_printf(m, " tos %u", s->outputs[i].tos);
		if (s->outputs[i].ssrc_mask)
			seq_printf(m, " ssrc_mask 0x%x", s->outputs[i].ssrc_mask);
	}
	if (tg->srtp) {	/* suites only: keys never leave the module */
		if (tg->srtp->decrypt)
			seq_printf(m, " srtp_in %u", tg->srtp->in.suite);
		for (i = 0; i < s->num_outputs; i++)
			if (tg->srtp->encrypt & BIT(i))
				seq_printf(m, " srtp_out%u %u", i,
					   tg->srtp->out[i].suite);
	}
	seq_printf(m, " packets %llu bytes %llu rtcp %llu errors %llu dropped_src %llu dropped_auth %llu dropped_replay %llu last_ms %llu",
		   st.packets, st.bytes, st.rtcp_packets, st.errors,
		   st.dropped_src, st.dropped_auth, st.dropped_replay,
		   st.last_packet_ms);
	for (i = 0; i < RTPRELAY_UP_COUNT; i++)
		seq_printf(m, " userspace_%s %llu", rp_up_names[i],
			   st.to_userspace[i]);
	seq_putc(m, '\n');
	for (i = 0; i < RTPRELAY_MAX_SSRCS; i++) {
		const struct rtprelay_ssrc_stats *ss = &st.ssrc[i];

		if (!ss->valid)
			continue;
		seq_printf(m, "  ssrc 0x%08x packets %llu bytes %llu ext_seq %u expected %u received %u lost %d duplicates %u probation %u jitter %u\n",
			   ss->ssrc, ss->packets, ss->bytes, ss->ext_max_seq,
			   ss->expected, ss->received, ss->lost,
			   ss->duplicates, ss->probation, ss->jitter);
	}
	for (i = 0; i < RTPRELAY_MAX_SSRCS; i++) {
		const struct rtprelay_srtp_ssrc *ss = &st.srtp_ssrcs[i];

		if (!ss->valid)
			continue;
		seq_printf(m, "  srtp ssrc 0x%08x in roc %u seq %u srtcp %u",
			   ss->ssrc, ss->in.roc, ss->in.seq, ss->in.srtcp_index);
		for (j = 0; j < s->num_outputs; j++)
			seq_printf(m, " out%u roc %u seq %u srtcp %u", j,
				   ss->out[j].roc, ss->out[j].seq,
				   ss->out[j].srtcp_index);
		seq_putc(m, '\n');
	}
}
