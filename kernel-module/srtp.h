/* SPDX-License-Identifier: GPL-2.0 */
/*
 * srtp.h - the SRTP and SRTCP transforms of xt_RTPRELAY, on the kernel
 * crypto API: AES-CM with 128, 192 or 256-bit keys and HMAC-SHA1 (RFC 3711,
 * RFC 6188), AEAD_AES_128/256_GCM (RFC 7714) and the NULL cipher.
 *
 * One rp_srtp_ctx holds one direction of one stream (what a target
 * unprotects, or what one output protects).  Its transforms are allocated
 * and keyed once, by rp_srtp_ctx_init() in process context; a packet only
 * gets a new IV, so protecting or unprotecting allocates nothing and may run
 * on any CPU at once.  The context holds no per-SSRC state: the caller
 * estimates the packet index and keeps the replay window (srtp_index.h).
 *
 * Wire layouts, the daemon's (daemon/crypto/srtp_transform.h) and
 * libsrtp2's:
 *   SRTP AES-CM/NULL: header | payload (encrypted) | MKI | tag
 *                     (tag over header..payload || ROC)
 *   SRTP GCM:         header (AAD) | payload (encrypted) | 16-byte tag | MKI
 *   SRTCP AES-CM:     header | payload | E||index | MKI | tag
 *                     (tag over header..E||index)
 *   SRTCP GCM:        header | payload | 16-byte tag | E||index | MKI
 *                     (AAD: the 8-byte header and E||index)
 * All functions work in place on a linear buffer; the protect functions
 * need room for the trailer after the packet.
 */
#ifndef RTPRELAY_SRTP_H
#define RTPRELAY_SRTP_H

#include <linux/types.h>

#include "uapi/rtprelay_abi.h"

struct crypto_sync_skcipher;
struct crypto_shash;
struct crypto_aead;

/* The services of SRTP or of SRTCP. */
struct rp_srtp_half {
	struct crypto_sync_skcipher *ctr;	/* AES-CM; NULL otherwise */
	struct crypto_shash *hmac;		/* HMAC-SHA1 suites, if authenticated */
	struct crypto_aead *gcm;		/* GCM; NULL otherwise */
	void __percpu *gcm_req;		/* an aead_request per CPU */
	u8 salt[14];				/* not secret (RFC 3711 9.2) */
	u8 tag_len;				/* 0 (unauthenticated), 4, 10 or 16 */
	bool encrypt;				/* the payload is encrypted */
};

struct rp_srtp_ctx {
	struct rp_srtp_half rtp;
	struct rp_srtp_half rtcp;
	u8 suite;				/* RTPRELAY_SRTP_*, never NONE */
	u8 mki_len;
	u8 mki[RTPRELAY_SRTP_MAX_MKI];
};

/* The suites this kernel's crypto API can run, as 1 << RTPRELAY_SRTP_*. */
u32 rp_srtp_suites(void);

/*
 * Allocates and keys @c from @p (process context, may sleep).  -EINVAL for
 * a suite, flags or MKI the module does not take, -ENOENT if the kernel
 * lacks an algorithm.  @c is zeroed on failure.  The caller wipes @p.
 */
int rp_srtp_ctx_init(struct rp_srtp_ctx *c, const struct rtprelay_srtp *p);
/* Frees the transforms (their key schedules are wiped as they go). */
void rp_srtp_ctx_free(struct rp_srtp_ctx *c);

/* Bytes protecting adds after an RTP / an RTCP packet. */
unsigned int rp_srtp_rtp_trailer(const struct rp_srtp_ctx *c);
unsigned int rp_srtp_rtcp_trailer(const struct rp_srtp_ctx *c);

/*
 * RTP.  @hdr: bytes of RTP header (fixed part, CSRCs, extension), @len: of
 * the whole packet, @index: its 48-bit packet index (ROC << 16 | SEQ).
 * rp_srtp_protect() returns the new length.  rp_srtp_unprotect() checks the
 * MKI and the tag, then decrypts, and returns the plain length.  After
 * -EBADMSG the payload is undefined (GCM decrypts as it checks): the packet
 * is dropped.  Any other refusal leaves the packet as it came.
 */
int rp_srtp_protect(const struct rp_srtp_ctx *c, u8 *pkt, unsigned int hdr,
		    unsigned int len, u64 index);
int rp_srtp_unprotect(const struct rp_srtp_ctx *c, u8 *pkt, unsigned int hdr,
		      unsigned int len, u64 index);

/*
 * RTCP.  @index: the 31-bit SRTCP index to send the packet with.
 * rp_srtcp_index() reads the index an SRTCP packet carries (before it is
 * authenticated), for the caller's replay check.
 */
int rp_srtcp_protect(const struct rp_srtp_ctx *c, u8 *pkt, unsigned int len,
		     u32 index);
int rp_srtcp_index(const struct rp_srtp_ctx *c, const u8 *pkt,
		   unsigned int len, u32 *index);
int rp_srtcp_unprotect(const struct rp_srtp_ctx *c, u8 *pkt, unsigned int len);

/*
 * Errors of the unprotect functions, which decide a packet's fate:
 * -EBADMSG the tag is wrong (drop and count), -ENOKEY another MKI than this
 * context's (userspace may know the key), -EINVAL too short for the suite.
 */

#endif /* RTPRELAY_SRTP_H */
