/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * rtprelay_abi.h - the one control ABI shared by xt_RTPRELAY (kernel),
 * rtprelayd (C++20) and libxt_RTPRELAY (iptables plugin).
 *
 * Rules: fixed-width types only, explicit padding, no pointers, enums or
 * bitfields in structs.  Every struct size is asserted below, so a layout
 * change breaks the build on both sides instead of at run time.  Any change
 * to a struct or to the meaning of a field bumps RTPRELAY_ABI_VERSION.
 * Addresses and ports are in network byte order; every other integer is in
 * host byte order.
 *
 * ---------------------------------------------------------------------------
 * Files
 *
 *   /proc/rtprelay/control       text, write only: "add N" creates table N,
 *                                "del N" deletes it (and all its targets).
 *                                0 <= N < RTPRELAY_MAX_TABLES.
 *   /proc/rtprelay/<N>/control   binary commands (below), one struct per
 *                                write(); the write length must equal the
 *                                struct size, else -EINVAL.
 *   /proc/rtprelay/stats         text, "key value" lines: the module-wide
 *                                counters "userspace_<reason> N" (every
 *                                table and target since the module loaded).
 *   /proc/rtprelay/<N>/list      text, one line per target with counters,
 *                                "userspace_<reason> N" among them, then one
 *                                line per SSRC (for operators; not parsed by
 *                                the daemon).
 *   /proc/rtprelay/<N>/status    text, "key value" lines; the first line is
 *                                "abi_version <module's RTPRELAY_ABI_VERSION>",
 *                                and after a failed INIT a line
 *                                "last_init_error daemon_abi <D> module_abi <M>".
 *
 * Replies: some commands leave a reply in the open file; the next read()
 * returns it whole (the read buffer must be at least the reply size, else
 * -EINVAL) and consumes it.  read() with no reply pending returns 0.
 * A freshly opened control file has one reply pending: a struct
 * rtprelay_init filled in by the module (its version and struct sizes), so
 * the daemon learns the module's ABI before sending its own INIT.
 *
 * ---------------------------------------------------------------------------
 * Commands (struct rtprelay_cmd_* written to /proc/rtprelay/<N>/control)
 *
 *   RTPRELAY_CMD_INIT        struct rtprelay_init.  Must be the first
 *       command on every open file; other commands before a successful INIT
 *       fail with -EPERM.  The module compares abi_version and every size_*
 *       field with its own; on any mismatch the write fails with -EINVAL,
 *       the kernel log gets "rtprelay: ABI mismatch: daemon abi D module abi M"
 *       (plus the first differing size), and the status file shows
 *       last_init_error.  No reply.
 *
 *   RTPRELAY_CMD_ADD_TARGET  struct rtprelay_cmd_add_target.  Creates or
 *       atomically replaces the target keyed by spec.local (family, address,
 *       port).  -EINVAL on a bad family, num_outputs == 0 or over
 *       RTPRELAY_MAX_OUTPUTS, or counts over their arrays, or an SRTP
 *       suite, flag or MKI length it does not take (decrypt, encrypt[i]
 *       for i < num_outputs); -ENOENT if the kernel lacks an algorithm
 *       the suite needs.  Replacing a target resets its counters and
 *       takes the SRTP state given, never the old target's.  The module
 *       wipes the keys of a target it replaces or deletes, and of the
 *       command it read; `list` never shows them.  No reply.
 *
 *   RTPRELAY_CMD_DEL_TARGET  struct rtprelay_cmd_target (cmd = DEL_TARGET).
 *       Removes the target keyed by local; -ENOENT if none.  No reply.
 *
 *   RTPRELAY_CMD_GET_STATS   struct rtprelay_cmd_target (cmd = GET_STATS).
 *       -ENOENT if no such target.  Reply: struct rtprelay_target_stats,
 *       a snapshot of the target's counters summed over all CPUs.
 *
 * Packet handling, per target (see xt.c): STUN, DTLS and anything whose
 * first byte is not 128..191 goes to userspace (XT_CONTINUE).  A source that
 * differs from expected_src (when RTPRELAY_TF_EXPECT_SRC) follows src_policy.
 * RTP with a payload type or SSRC outside the non-empty expectation lists
 * goes to userspace.  RTCP (RFC 5761 demux, see rtp.h) is forwarded like
 * RTP, without the payload type and SSRC checks.  A packet that no output
 * could send goes to userspace.  Each packet handed to userspace is counted
 * under exactly one RTPRELAY_UP_* reason, per target and module-wide.
 *
 * SRTP, when decrypt.suite or an output's encrypt.suite is not NONE: the
 * decisions above come first, on the packet as it arrived.  Then a target
 * that decrypts unprotects SRTP and SRTCP in place; an SSRC of RTP with no
 * state in srtp_ssrcs (in.flags RTPRELAY_SI_RTP) goes to userspace
 * (RTPRELAY_UP_SSRC), as does a packet too short for the suite or with
 * another MKI (RTPRELAY_UP_SRTP); a wrong tag is dropped and counted in
 * dropped_auth, a replay (RFC 3711 3.3.2, 128-index window) in
 * dropped_replay, both per target and in /proc/rtprelay/stats.  Each output
 * that encrypts protects its copy with the index it estimates for that SSRC
 * (RTP) or the next SRTCP index; an index that output had sent already is
 * not sent again (dropped_replay).  SRTCP of a new SSRC, and RTP of a new
 * SSRC on a target that does not decrypt, take a free slot; with none free
 * the packet goes to userspace (RTPRELAY_UP_SSRC).
 *
 * Version history
 *   1  First version.
 *   2  RTCP is no longer copied up (the daemon would send it twice).
 *   3  Target flag RTPRELAY_TF_RTCP_USERSPACE (RTCP arriving on a non-muxed
 *      RTP port goes to userspace, which sends it to the peer's RTCP port);
 *      unknown target flags are refused with -EINVAL.
 *   4  rtprelay_target_stats.to_userspace is split by reason into
 *      to_userspace[RTPRELAY_UP_COUNT].  rtprelay_ssrc_stats carries the
 *      full RFC 3550 A.1/A.3 figures (received, expected, signed lost,
 *      duplicates, probation) computed by the same code as the daemon's
 *      (rtp.h); sequence tracking now has the A.1 probation.  New file
 *      /proc/rtprelay/stats.
 *   5  SRTP: rtprelay_cmd_add_target carries what the target unprotects,
 *      what each output protects (session keys, struct rtprelay_srtp) and
 *      each SSRC's rollover counter and SRTCP index; rtprelay_target_stats
 *      returns them and counts dropped_auth/dropped_replay; the greeting
 *      announces the suites (rtprelay_init.srtp_suites, was pad); new
 *      reason RTPRELAY_UP_SRTP.
 *   6  rtprelay_output.ssrc_mask (was pad): an output takes only the
 *      packets of the SSRCs it names, so that one target takes a BUNDLE
 *      transport apart; a mask naming a slot beyond num_ssrcs is refused
 *      with -EINVAL.
 * ---------------------------------------------------------------------------
 */
#ifndef RTPRELAY_ABI_H
#define RTPRELAY_ABI_H

#include <linux/types.h>

#define RTPRELAY_ABI_VERSION	6

#define RTPRELAY_MAX_TABLES	64
#define RTPRELAY_MAX_OUTPUTS	4
#define RTPRELAY_MAX_PTS	8
#define RTPRELAY_MAX_SSRCS	4

/* rtprelay_*.cmd */
#define RTPRELAY_CMD_INIT	 1
#define RTPRELAY_CMD_ADD_TARGET	 2
#define RTPRELAY_CMD_DEL_TARGET	 3
#define RTPRELAY_CMD_GET_STATS	 4

/*
 * rtprelay_target_spec.src_policy: what to do with a packet from a source
 * other than expected_src
 */
#define RTPRELAY_SRC_FORWARD	0	/* forward anyway */
#define RTPRELAY_SRC_DROP	1	/* drop in the kernel, count dropped_src */
#define RTPRELAY_SRC_USERSPACE	2	/* hand to the daemon's socket */

/* rtprelay_target_spec.flags */
#define RTPRELAY_TF_EXPECT_SRC	0x01	/* expected_src is valid */
#define RTPRELAY_TF_RTCP_MUX	0x02	/* RTP and RTCP share this port */
/*
 * RTCP (RFC 5761 classification) arriving here belongs somewhere other than
 * the outputs (a non-muxed RTP port whose peer has its own RTCP port): hand
 * it to userspace, which sends it to the peer's RTCP port
 */
#define RTPRELAY_TF_RTCP_USERSPACE 0x04
#define RTPRELAY_TF_ALL		0x07

/*
 * Why a packet went to userspace: the index into
 * rtprelay_target_stats.to_userspace, one reason per packet.
 */
#define RTPRELAY_UP_MALFORMED	0	/* UDP or RTP header unreadable */
#define RTPRELAY_UP_STUN	1	/* RFC 7983 first byte 0..3 */
#define RTPRELAY_UP_DTLS	2	/* RFC 7983 first byte 20..63 */
#define RTPRELAY_UP_NOT_RTP	3	/* any other first byte (ZRTP, TURN...) */
#define RTPRELAY_UP_SOURCE	4	/* not expected_src, policy USERSPACE */
#define RTPRELAY_UP_RTCP	5	/* RTCP with RTPRELAY_TF_RTCP_USERSPACE */
#define RTPRELAY_UP_PAYLOAD_TYPE 6	/* not in payload_types */
#define RTPRELAY_UP_SSRC	7	/* not in ssrcs, or no output takes it */
#define RTPRELAY_UP_NO_OUTPUT	8	/* no output could send it */
#define RTPRELAY_UP_SRTP	9	/* SRTP the module cannot unprotect */
#define RTPRELAY_UP_COUNT	10
/* Their names, in index order, for every reader's text output. */
#define RTPRELAY_UP_NAMES						\
	"malformed", "stun", "dtls", "not_rtp", "source", "rtcp",	\
	"payload_type", "ssrc", "no_output", "srtp"

/*
 * rtprelay_srtp.suite: the SRTP crypto suites (RFC 4568, RFC 6188,
 * RFC 7714 names).  The module announces the ones it can run as the bitmask
 * 1 << suite (see rtprelay_init).
 */
#define RTPRELAY_SRTP_NONE			0	/* plain RTP */
#define RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_80	1
#define RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_32	2
#define RTPRELAY_SRTP_AES_192_CM_HMAC_SHA1_80	3
#define RTPRELAY_SRTP_AES_192_CM_HMAC_SHA1_32	4
#define RTPRELAY_SRTP_AES_256_CM_HMAC_SHA1_80	5
#define RTPRELAY_SRTP_AES_256_CM_HMAC_SHA1_32	6
#define RTPRELAY_SRTP_AEAD_AES_128_GCM		7
#define RTPRELAY_SRTP_AEAD_AES_256_GCM		8
#define RTPRELAY_SRTP_NULL_HMAC_SHA1_80		9
#define RTPRELAY_SRTP_NULL_HMAC_SHA1_32		10
#define RTPRELAY_SRTP_SUITES			11

/* rtprelay_srtp.flags: the RFC 4568 6.3 session parameters */
#define RTPRELAY_SRTP_F_UNENCRYPTED_SRTP	0x01
#define RTPRELAY_SRTP_F_UNENCRYPTED_SRTCP	0x02
#define RTPRELAY_SRTP_F_UNAUTHENTICATED_SRTP	0x04
#define RTPRELAY_SRTP_F_ALL			0x07

#define RTPRELAY_SRTP_MAX_MKI	4	/* longer MKIs stay in userspace */

/*
 * The session keys of SRTP or of SRTCP (RFC 3711 4.3), derived by the
 * daemon from the master key: the module never sees a master key.  Unused
 * tail bytes are zero.
 */
struct rtprelay_srtp_keys {
	__u8 cipher_key[32];	/* 16, 24 or 32 bytes; none for NULL */
	__u8 salt[14];		/* 14 bytes, GCM 12 */
	__u8 pad[2];
	__u8 auth_key[20];	/* HMAC-SHA1 suites */
	__u8 pad2[4];
};

/*
 * One direction of SRTP: how packets are unprotected as they arrive at a
 * target, or protected as they leave through an output.
 */
struct rtprelay_srtp {
	__u8 suite;		/* RTPRELAY_SRTP_* */
	__u8 flags;		/* RTPRELAY_SRTP_F_* */
	__u8 mki_len;		/* 0..RTPRELAY_SRTP_MAX_MKI */
	__u8 pad;
	__u8 mki[RTPRELAY_SRTP_MAX_MKI];	/* as on the wire */
	struct rtprelay_srtp_keys rtp;
	struct rtprelay_srtp_keys rtcp;
};

/* rtprelay_srtp_index.flags */
#define RTPRELAY_SI_RTP		0x01	/* roc and seq are valid */
#define RTPRELAY_SI_RTCP	0x02	/* srtcp_index is valid */

/*
 * Where one SSRC's SRTP stands in one direction (RFC 3711 3.3.1): the
 * highest packet index, roc << 16 | seq, and the highest SRTCP index,
 * received (unprotecting) or sent (protecting).
 */
struct rtprelay_srtp_index {
	__u32 roc;
	__u32 srtcp_index;
	__u16 seq;
	__u8 flags;		/* RTPRELAY_SI_* */
	__u8 pad[5];
};

/*
 * One SSRC's SRTP state in a target: as it arrives (if the target
 * unprotects) and as each output sends it (if that output protects).
 */
struct rtprelay_srtp_ssrc {
	__u32 ssrc;
	__u32 valid;		/* 1 if this slot is in use */
	struct rtprelay_srtp_index in;
	struct rtprelay_srtp_index out[RTPRELAY_MAX_OUTPUTS];
};

/*
 * rtprelay_addr.family: AF_INET / AF_INET6 values, spelled out so that the
 * header needs no socket headers
 */
#define RTPRELAY_AF_INET	2
#define RTPRELAY_AF_INET6	10

/* An address and port.  IPv4 uses addr[0..3], the rest is zero. */
struct rtprelay_addr {
	__u16 family;		/* RTPRELAY_AF_* */
	__u16 port;		/* network byte order */
	__u8 addr[16];		/* network byte order */
};

/*
 * One forwarding leg: the packet leaves from src to dst with this TOS.
 * ssrc_mask picks the packets it takes where one port carries several
 * streams (a BUNDLE transport): bit i names the target's ssrcs[i], matched
 * to RTP's SSRC and to RTCP's sender SSRC; 0 takes every packet.  A packet
 * that no output takes goes to userspace (RTPRELAY_UP_SSRC).
 */
struct rtprelay_output {
	struct rtprelay_addr src;
	struct rtprelay_addr dst;
	__u8 tos;		/* IPv4 TOS / IPv6 traffic class */
	__u8 ssrc_mask;		/* bits below num_ssrcs; 0 = every packet */
	__u8 pad[2];
};

struct rtprelay_target_spec {
	struct rtprelay_addr local;		/* key: where packets arrive */
	struct rtprelay_addr expected_src;	/* with RTPRELAY_TF_EXPECT_SRC */
	__u8 src_policy;			/* RTPRELAY_SRC_* */
	__u8 flags;				/* RTPRELAY_TF_* */
	__u8 num_outputs;			/* 1..RTPRELAY_MAX_OUTPUTS */
	__u8 num_payload_types;			/* 0 = any */
	__u8 payload_types[RTPRELAY_MAX_PTS];
	__u8 num_ssrcs;				/* 0 = any */
	__u8 pad[3];
	__u32 ssrcs[RTPRELAY_MAX_SSRCS];
	__u32 clock_rate;			/* Hz, for jitter; 0 = no jitter */
	__u32 pad2;
	struct rtprelay_output outputs[RTPRELAY_MAX_OUTPUTS];
};

/* RTPRELAY_CMD_INIT, and the module's greeting read from a fresh file */
struct rtprelay_init {
	__u32 cmd;			/* RTPRELAY_CMD_INIT */
	__u32 abi_version;		/* RTPRELAY_ABI_VERSION */
	__u32 size_init;		/* sizeof(struct rtprelay_init) */
	__u32 size_add_target;		/* sizeof(struct rtprelay_cmd_add_target) */
	__u32 size_target;		/* sizeof(struct rtprelay_cmd_target) */
	__u32 size_stats;		/* sizeof(struct rtprelay_target_stats) */
	__u32 size_xt_info;		/* sizeof(struct xt_rtprelay_info) */
	/*
	 * The module's greeting: the SRTP suites it can run, as bits
	 * 1 << RTPRELAY_SRTP_*.  The daemon's INIT sends 0.
	 */
	__u32 srtp_suites;
};

/* RTPRELAY_CMD_ADD_TARGET */
struct rtprelay_cmd_add_target {
	__u32 cmd;
	__u32 pad;
	struct rtprelay_target_spec spec;
	/* what arrives: suite RTPRELAY_SRTP_NONE for plain RTP */
	struct rtprelay_srtp decrypt;
	/* what each output sends, by output index */
	struct rtprelay_srtp encrypt[RTPRELAY_MAX_OUTPUTS];
	/*
	 * Where each SSRC's SRTP stands as the target takes over (the slots
	 * with valid 1); zero if none is known yet.
	 */
	struct rtprelay_srtp_ssrc srtp_ssrcs[RTPRELAY_MAX_SSRCS];
};

/* RTPRELAY_CMD_DEL_TARGET, RTPRELAY_CMD_GET_STATS */
struct rtprelay_cmd_target {
	__u32 cmd;
	__u32 pad;
	struct rtprelay_addr local;
	__u8 pad2[4];
};

/*
 * Per-SSRC receive statistics of one target, as rtp.h computes them for the
 * daemon too: RFC 3550 A.1 sequence tracking, A.3 loss, A.8 jitter.
 */
struct rtprelay_ssrc_stats {
	__u32 ssrc;
	__u32 valid;		/* 1 if this slot is in use */
	__u64 packets;		/* every RTP packet of this SSRC forwarded */
	__u64 bytes;		/* RTP payload + header bytes */
	__u32 ext_max_seq;	/* cycles << 16 | highest sequence number */
	__u32 expected;		/* ext_max_seq - base + 1; 0 in probation */
	__u32 received;		/* in-sequence, late and reordered packets */
	__s32 lost;		/* expected - received; below 0 by duplicates */
	__u32 duplicates;	/* copies of the highest sequence number */
	__u32 probation;	/* sequential packets still needed, 0 = valid */
	__u32 jitter;		/* RTP timestamp units (0 if clock_rate 0) */
	__u32 pad;
};

/* Reply to RTPRELAY_CMD_GET_STATS */
struct rtprelay_target_stats {
	struct rtprelay_addr local;
	__u8 pad[4];
	__u64 packets;		/* forwarded by the kernel (RTP + RTCP) */
	__u64 bytes;		/* UDP payload bytes of those */
	__u64 rtcp_packets;	/* subset of packets that were RTCP */
	__u64 errors;		/* packets some output failed for (route, alloc, output) */
	__u64 dropped_src;	/* dropped by RTPRELAY_SRC_DROP */
	__u64 last_packet_ms;	/* wall clock (Unix ms) of the last packet, 0 = none */
	__u64 to_userspace[RTPRELAY_UP_COUNT];	/* handed up, by RTPRELAY_UP_* */
	struct rtprelay_ssrc_stats ssrc[RTPRELAY_MAX_SSRCS];
	__u64 dropped_auth;	/* SRTP/SRTCP whose tag was wrong */
	__u64 dropped_replay;	/* SRTP/SRTCP replayed, or an index an output had sent */
	struct rtprelay_srtp_ssrc srtp_ssrcs[RTPRELAY_MAX_SSRCS];
};

/* iptables/ip6tables "-j RTPRELAY --id N", x_tables target revision 0 */
struct xt_rtprelay_info {
	__u32 id;		/* table number */
	__u32 pad;
};

#ifdef __cplusplus
#define RTPRELAY_STATIC_ASSERT static_assert
#else
#define RTPRELAY_STATIC_ASSERT _Static_assert
#endif

RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_addr) == 20, "rtprelay_addr");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_output) == 44, "rtprelay_output");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_target_spec) == 256, "rtprelay_target_spec");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_init) == 32, "rtprelay_init");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_cmd_add_target) == 1376, "rtprelay_cmd_add_target");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_cmd_target) == 32, "rtprelay_cmd_target");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_ssrc_stats) == 56, "rtprelay_ssrc_stats");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_target_stats) == 744, "rtprelay_target_stats");
RTPRELAY_STATIC_ASSERT(sizeof(struct xt_rtprelay_info) == 8, "xt_rtprelay_info");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_srtp_keys) == 72, "rtprelay_srtp_keys");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_srtp) == 152, "rtprelay_srtp");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_srtp_index) == 16, "rtprelay_srtp_index");
RTPRELAY_STATIC_ASSERT(sizeof(struct rtprelay_srtp_ssrc) == 88, "rtprelay_srtp_ssrc");

#undef RTPRELAY_STATIC_ASSERT

#endif /* RTPRELAY_ABI_H */
