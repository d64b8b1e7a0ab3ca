/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtprelay.h - internal interfaces of xt_RTPRELAY.
 * Tables (table.c) own targets (target.c); the packet path (xt.c) finds
 * both under RCU only.  rp_mutex serializes every control-plane change to
 * targets; rp_tables_mutex serializes creating and deleting tables.
 */
#ifndef RTPRELAY_H
#define RTPRELAY_H

#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>

#include "uapi/rtprelay_abi.h"
#include "rtp.h"
#include "srtp.h"
#include "srtp_index.h"

#define RP_HASH_BITS	10

struct rp_table {
	unsigned int id;
	bool dead;			/* set before teardown; under rp_mutex */
	struct proc_dir_entry *dir;
	DECLARE_HASHTABLE(targets, RP_HASH_BITS);	/* writers: rp_mutex */
	unsigned int num_targets;
	u32 bad_daemon_abi;		/* last failed INIT, 0 = none */
};

struct rp_cpu_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t rtcp;
	u64_stats_t errors;
	u64_stats_t dropped_src;
	u64_stats_t dropped_auth;
	u64_stats_t dropped_replay;
	u64_stats_t to_userspace[RTPRELAY_UP_COUNT];	/* by RTPRELAY_UP_* */
	struct u64_stats_sync syncp;
};

/* The module-wide counters: packets handed up by reason, SRTP drops. */
struct rp_cpu_up {
	u64_stats_t to_userspace[RTPRELAY_UP_COUNT];
	u64_stats_t dropped_auth;
	u64_stats_t dropped_replay;
	struct u64_stats_sync syncp;
};

/* One SSRC's SRTP indices in a target (see rtprelay_srtp_ssrc). */
struct rp_srtp_slot {
	u32 ssrc;
	bool valid;
	struct rp_replay in_rtp;	/* received SRTP packet indices */
	struct rp_replay in_rtcp;	/* received SRTCP indices */
	struct rp_replay out_rtp[RTPRELAY_MAX_OUTPUTS];	/* sent, per output */
	struct rp_replay out_rtcp[RTPRELAY_MAX_OUTPUTS];
};

/* A target's SRTP (srtp_target.c); none for plain RTP. */
struct rp_target_srtp {
	bool decrypt;			/* @in unprotects what arrives */
	u8 encrypt;			/* bit i: @out[i] protects output i */
	struct rp_srtp_ctx in;
	struct rp_srtp_ctx out[RTPRELAY_MAX_OUTPUTS];
	spinlock_t lock;		/* slot[] */
	struct rp_srtp_slot slot[RTPRELAY_MAX_SSRCS];
};

/* What rp_srtp_in() settled for one packet. */
struct rp_srtp_plan {
	bool rtcp;
	bool decrypted;			/* the payload is now plain */
	u8 outputs;			/* bit i: output i protects with index[i] */
	unsigned int hdr;		/* RTP header bytes */
	u64 in_index;			/* the packet index it arrived with */
	u64 index[RTPRELAY_MAX_OUTPUTS];
};

/* rp_srtp_in() verdicts */
#define RP_SRTP_GO	0	/* forward (plan filled) */
#define RP_SRTP_UP	1	/* to userspace, untouched, for *reason */
#define RP_SRTP_DROP	2	/* dropped and counted */

struct rp_ssrc {
	u32 ssrc;
	bool valid;
	u64 packets;
	u64 bytes;
	struct rp_seq_state seq;
};

struct rp_target {
	struct hlist_node node;		/* in rp_table.targets */
	struct kref ref;		/* the table's hash holds one */
	struct rtprelay_target_spec spec;
	struct rp_cpu_stats __percpu *stats;
	atomic64_t last_packet_ms;
	spinlock_t ssrc_lock;		/* protects ssrc[] */
	struct rp_ssrc ssrc[RTPRELAY_MAX_SSRCS];
	struct dst_cache routes[RTPRELAY_MAX_OUTPUTS];	/* per output */
	struct rp_target_srtp *srtp;	/* NULL: plain RTP */
	struct rcu_work free_work;	/* freed in process context */
};

/* A received packet, as the packet path parsed it. */
struct rp_pkt {
	struct sk_buff *skb;
	struct net *net;
	u8 family;		/* RTPRELAY_AF_* */
	unsigned int l3_len;	/* IP header(s) */
	struct rtprelay_addr src, dst;
	const u8 *payload;	/* linear; invalid once the skb is rewritten */
	unsigned int payload_len;
};

/* Bump one per-CPU counter of @tg from the packet path. */
#define rp_target_inc(tg, field)					\
	do {								\
		struct rp_cpu_stats *__s = this_cpu_ptr((tg)->stats);	\
									\
		u64_stats_update_begin(&__s->syncp);			\
		u64_stats_inc(&__s->field);				\
		u64_stats_update_end(&__s->syncp);			\
	} while (0)

extern struct mutex rp_mutex;
extern unsigned int rp_proc_uid, rp_proc_gid, rp_proc_mode;

/* table.c */
int __must_check rp_table_init(void);
void rp_table_exit(void);
struct rp_table *rp_table_get_rcu(u32 id);
void rp_proc_set_owner(struct proc_dir_entry *pde);

/* ctl.c */
extern const struct proc_ops rp_ctl_proc_ops;

/* target.c */
int __must_check rp_target_cache_init(void);
void rp_target_cache_exit(void);
struct rp_target *rp_target_create(const struct rtprelay_cmd_add_target *cmd);
void rp_target_put(struct rp_target *tg);
void rp_target_add(struct rp_table *t, struct rp_target *tg);
int rp_target_del(struct rp_table *t, const struct rtprelay_addr *local);
void rp_target_flush(struct rp_table *t);
struct rp_target *rp_target_find(struct rp_table *t,
				 const struct rtprelay_addr *local);
extern const char *const rp_up_names[RTPRELAY_UP_COUNT];
void rp_target_stats(struct rp_target *tg, struct rtprelay_target_stats *out);
void rp_target_show(struct seq_file *m, struct rp_target *tg);
void rp_target_count(struct rp_target *tg, const struct rp_rtp_info *rtp,
		     bool rtcp, unsigned int len);

/* srtp_target.c */
extern u32 rp_srtp_suites_mask;	/* what the greeting announces */
struct rp_target_srtp *rp_srtp_target_create(const struct rtprelay_cmd_add_target *cmd);
void rp_srtp_target_free(struct rp_target_srtp *s);
void rp_srtp_target_stats(struct rp_target_srtp *s,
			  struct rtprelay_srtp_ssrc out[RTPRELAY_MAX_SSRCS]);
int rp_srtp_in(struct rp_target *tg, struct rp_pkt *p, bool rtcp, u8 picked,
	       struct rp_srtp_plan *plan, unsigned int *reason);
unsigned int rp_srtp_out_room(const struct rp_target_srtp *s, unsigned int i,
			      bool rtcp);
int rp_srtp_out(const struct rp_target *tg, const struct rp_srtp_plan *plan,
		unsigned int i, u8 *payload, unsigned int len);

/*
 * An output's protection, for send.c: @room bytes of trailer; none if
 * @plan is NULL.
 */
struct rp_out_crypt {
	const struct rp_target *tg;
	const struct rp_srtp_plan *plan;
	unsigned int output;
	unsigned int room;
};

/*
 * send.c: each returns 0 once the output went out, or -errno.  A copy sets
 * *sent_to_stack once it was handed to the stack (which may have run this
 * table's output rules); a rewrite sets *consumed once the packet is gone.
 */
int rp_send_copy(const struct rp_pkt *p, const struct rtprelay_output *o,
		 struct dst_cache *dc, const struct rp_out_crypt *oc,
		 bool *sent_to_stack);
bool rp_can_rewrite(const struct rp_pkt *p);
int rp_send_rewrite(const struct rp_pkt *p, const struct rtprelay_output *o,
		    struct dst_cache *dc, const struct rp_out_crypt *oc,
		    bool *consumed);

/* xt.c */
int __must_check rp_xt_init(void);
void rp_xt_exit(void);
int __must_check rp_up_init(void);
void rp_up_exit(void);
void rp_up_global(u64 out[RTPRELAY_UP_COUNT], u64 *dropped_auth,
		  u64 *dropped_replay);
void rp_count_srtp_drop(struct rp_target *tg, bool replay);

/* selftest.c, with RTPRELAY_SELFTEST: 0, or -errno once a check failed */
#ifdef RTPRELAY_SELFTEST
int __must_check rp_selftest(void);
#else
static inline int rp_selftest(void)
{
	return 0;
}
#endif

#endif /* RTPRELAY_H */
