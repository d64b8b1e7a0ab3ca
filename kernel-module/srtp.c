// SPDX-License-Identifier: GPL-2.0
/*
 * srtp.c - SRTP and SRTCP protect/unprotect on the kernel crypto API (see
 * srtp.h for the layouts).  Session keys come from the daemon, which derives
 * them (RFC 3711 4.3) with the code its own SRTP uses: one key derivation
 * implementation, checked against libsrtp2, and no master key in the
 * kernel.  Every transform is synchronous, so a packet is done when the
 * call returns, in softirq as in process context.
 */
#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/bottom_half.h>
#include <linux/errno.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include <linux/string.h>

#include "rtp.h"
#include "srtp.h"

#define RP_SHA1_LEN		20
#define RP_GCM_TAG		16
#define RP_SRTCP_HMAC_TAG	10	/* every HMAC suite, _32 ones too (RFC 4568 6.2) */
#define RP_SRTCP_E		0x80000000u
#define RP_SRTCP_TRAILER	4	/* E || SRTCP index */
#define RP_RTP_FIXED		12
#define RP_RTCP_HEADER		8

enum rp_cipher { RP_CIPHER_NULL, RP_CIPHER_CM, RP_CIPHER_GCM };

struct rp_suite {
	u8 cipher;	/* enum rp_cipher */
	u8 key_len;
	u8 tag_len;	/* of SRTP */
};

static const struct rp_suite rp_suites[RTPRELAY_SRTP_SUITES] = {
	[RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_80] = { RP_CIPHER_CM, 16, 10 },
	[RTPRELAY_SRTP_AES_CM_128_HMAC_SHA1_32] = { RP_CIPHER_CM, 16, 4 },
	[RTPRELAY_SRTP_AES_192_CM_HMAC_SHA1_80] = { RP_CIPHER_CM, 24, 10 },
	[RTPRELAY_SRTP_AES_192_CM_HMAC_SHA1_32] = { RP_CIPHER_CM, 24, 4 },
	[RTPRELAY_SRTP_AES_256_CM_HMAC_SHA1_80] = { RP_CIPHER_CM, 32, 10 },
	[RTPRELAY_SRTP_AES_256_CM_HMAC_SHA1_32] = { RP_CIPHER_CM, 32, 4 },
	[RTPRELAY_SRTP_AEAD_AES_128_GCM] = { RP_CIPHER_GCM, 16, RP_GCM_TAG },
	[RTPRELAY_SRTP_AEAD_AES_256_GCM] = { RP_CIPHER_GCM, 32, RP_GCM_TAG },
	[RTPRELAY_SRTP_NULL_HMAC_SHA1_80] = { RP_CIPHER_NULL, 0, 10 },
	[RTPRELAY_SRTP_NULL_HMAC_SHA1_32] = { RP_CIPHER_NULL, 0, 4 },
};

/* Allocated once and freed: a template is instantiated, or a module loaded. */
static bool rp_has_aead(const char *name)
{
	struct crypto_aead *tfm = crypto_alloc_aead(name, 0, CRYPTO_ALG_ASYNC);

	if (IS_ERR(tfm))
		return false;
	crypto_free_aead(tfm);
	return true;
}

u32 rp_srtp_suites(void)
{
	bool cm = crypto_has_skcipher("ctr(aes)", 0, CRYPTO_ALG_ASYNC);
	bool sha = crypto_has_shash("hmac(sha1)", 0, 0);
	bool gcm = rp_has_aead("gcm(aes)");
	u32 mask = 0;
	unsigned int i;

	for (i = 1; i < RTPRELAY_SRTP_SUITES; i++) {
		const struct rp_suite *s = &rp_suites[i];

		if ((s->cipher == RP_CIPHER_GCM && gcm) ||
		    (s->cipher == RP_CIPHER_CM && cm && sha) ||
		    (s->cipher == RP_CIPHER_NULL && sha))
			mask |= 1u << i;
	}
	return mask;
}

static void rp_half_free(struct rp_srtp_half *h)
{
	crypto_free_sync_skcipher(h->ctr);
	crypto_free_shash(h->hmac);
	crypto_free_aead(h->gcm);
	free_percpu(h->gcm_req);
	memset(h, 0, sizeof(*h));
}

void rp_srtp_ctx_free(struct rp_srtp_ctx *c)
{
	rp_half_free(&c->rtp);
	rp_half_free(&c->rtcp);
	memset(c, 0, sizeof(*c));
}

static int rp_alloc_err(void *tfm)
{
	/* a missing algorithm is -ENOENT, as crypto_alloc_*() says it */
	return IS_ERR(tfm) ? PTR_ERR(tfm) : 0;
}

static int rp_half_init(struct rp_srtp_half *h, const struct rp_suite *s,
			const struct rtprelay_srtp_keys *k, u8 tag_len,
			bool encrypt)
{
	int err;

	h->tag_len = tag_len;
	h->encrypt = encrypt;
	memcpy(h->salt, k->salt, sizeof(h->salt));
	if (s->cipher == RP_CIPHER_GCM) {
		size_t req;

		h->gcm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
		err = rp_alloc_err(h->gcm);
		if (err) {
			h->gcm = NULL;
			return err;
		}
		err = crypto_aead_setkey(h->gcm, k->cipher_key, s->key_len) ?:
		      crypto_aead_setauthsize(h->gcm, RP_GCM_TAG);
		if (err)
			return err;
		/*
		 * an AEAD request has a size only known now; one per CPU,
		 * used with bottom halves off, so no packet allocates it
		 */
		req = sizeof(struct aead_request) + crypto_aead_reqsize(h->gcm);
		h->gcm_req = __alloc_percpu(req, __alignof__(struct aead_request));
		return h->gcm_req ? 0 : -ENOMEM;
	}
	if (s->cipher == RP_CIPHER_CM) {
		h->ctr = crypto_alloc_sync_skcipher("ctr(aes)", 0, 0);
		err = rp_alloc_err(h->ctr);
		if (err) {
			h->ctr = NULL;
			return err;
		}
		err = crypto_sync_skcipher_setkey(h->ctr, k->cipher_key,
						  s->key_len);
		if (err)
			return err;
	}
	if (!tag_len)
		return 0;
	h->hmac = crypto_alloc_shash("hmac(sha1)", 0, 0);
	err = rp_alloc_err(h->hmac);
	if (err) {
		h->hmac = NULL;
		return err;
	}
	return crypto_shash_setkey(h->hmac, k->auth_key, sizeof(k->auth_key));
}

int rp_srtp_ctx_init(struct rp_srtp_ctx *c, const struct rtprelay_srtp *p)
{
	const struct rp_suite *s;
	bool gcm, rtp_clear, rtcp_clear;
	int err;

	memset(c, 0, sizeof(*c));
	if (p->suite == RTPRELAY_SRTP_NONE || p->suite >= RTPRELAY_SRTP_SUITES ||
	    p->flags & ~RTPRELAY_SRTP_F_ALL ||
	    p->mki_len > RTPRELAY_SRTP_MAX_MKI)
		return -EINVAL;
	s = &rp_suites[p->suite];
	gcm = s->cipher == RP_CIPHER_GCM;
	/*
	 * GCM SRTP is always encrypted and authenticated (RFC 7714 has only
	 * SRTCP's E flag); libsrtp2 and the daemon ignore the two flags there
	 */
	rtp_clear = s->cipher == RP_CIPHER_NULL ||
		    (!gcm && p->flags & RTPRELAY_SRTP_F_UNENCRYPTED_SRTP);
	rtcp_clear = s->cipher == RP_CIPHER_NULL ||
		     p->flags & RTPRELAY_SRTP_F_UNENCRYPTED_SRTCP;
	c->suite = p->suite;
	c->mki_len = p->mki_len;
	memcpy(c->mki, p->mki, sizeof(c->mki));
	err = rp_half_init(&c->rtp, s, &p->rtp,
			   !gcm && p->flags & RTPRELAY_SRTP_F_UNAUTHENTICATED_SRTP ?
			   0 : s->tag_len, !rtp_clear);
	if (!err)
		err = rp_half_init(&c->rtcp, s, &p->rtcp,
				   gcm ? RP_GCM_TAG : RP_SRTCP_HMAC_TAG,
				   !rtcp_clear);
	if (err)
		rp_srtp_ctx_free(c);
	return err;
}

unsigned int rp_srtp_rtp_trailer(const struct rp_srtp_ctx *c)
{
	return c->rtp.tag_len + c->mki_len;
}

unsigned int rp_srtp_rtcp_trailer(const struct rp_srtp_ctx *c)
{
	return RP_SRTCP_TRAILER + c->rtcp.tag_len + c->mki_len;
}

static void rp_put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

/*
 * AES-CM (RFC 3711 4.1.1): the keystream from IV = (k_s * 2^16) XOR
 * (SSRC * 2^64) XOR (index * 2^16), XORed over @n bytes at @data.
 */
static int rp_ctr(const struct rp_srtp_half *h, u32 ssrc, u64 index,
		  u8 *data, unsigned int n)
{
	SYNC_SKCIPHER_REQUEST_ON_STACK(req, h->ctr);
	struct scatterlist sg;
	u8 iv[16] = { 0 };
	unsigned int i;
	int err;

	if (!n)
		return 0;
	memcpy(iv, h->salt, sizeof(h->salt));
	for (i = 0; i < 4; i++)
		iv[4 + i] ^= (u8)(ssrc >> (24 - 8 * i));
	for (i = 0; i < 6; i++)
		iv[8 + i] ^= (u8)(index >> (40 - 8 * i));
	sg_init_one(&sg, data, n);
	skcipher_request_set_sync_tfm(req, h->ctr);
	skcipher_request_set_callback(req, 0, NULL, NULL);
	skcipher_request_set_crypt(req, &sg, &sg, n, iv);
	err = crypto_skcipher_encrypt(req);
	skcipher_request_zero(req);
	return err;
}

/* HMAC-SHA1 over @a (and @b, if any), the whole digest into @out. */
static int rp_hmac(const struct rp_srtp_half *h, const u8 *a, unsigned int an,
		   const u8 *b, unsigned int bn, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, h->hmac);
	int err;

	desc->tfm = h->hmac;
	err = crypto_shash_init(desc) ?: crypto_shash_update(desc, a, an);
	if (!err && bn)
		err = crypto_shash_update(desc, b, bn);
	if (!err)
		err = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return err;
}

/* The RFC 7714 8.1/9.1 IV: (0 || SSRC || index as 48 bits) XOR salt. */
static void rp_gcm_iv(const struct rp_srtp_half *h, u32 ssrc, u64 index,
		      u8 iv[12])
{
	unsigned int i;

	memcpy(iv, h->salt, 12);
	for (i = 0; i < 4; i++)
		iv[2 + i] ^= (u8)(ssrc >> (24 - 8 * i));
	for (i = 0; i < 6; i++)
		iv[6 + i] ^= (u8)(index >> (40 - 8 * i));
}

/*
 * One GCM operation in place.  @sg: the associated data first (@ad bytes),
 * then the @n bytes to encrypt, or to decrypt followed by their tag.
 */
static int rp_gcm(const struct rp_srtp_half *h, struct scatterlist *sg,
		  unsigned int ad, unsigned int n, u8 iv[12], bool encrypt)
{
	struct aead_request *req;
	int err;

	/* the per-CPU request: softirq must not reuse it mid-packet */
	local_bh_disable();
	req = this_cpu_ptr(h->gcm_req);
	aead_request_set_tfm(req, h->gcm);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, ad);
	aead_request_set_crypt(req, sg, sg, n, iv);
	err = encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	local_bh_enable();
	return err;
}

static bool rp_mki_ok(const struct rp_srtp_ctx *c, const u8 *at)
{
	return !c->mki_len || !memcmp(at, c->mki, c->mki_len);
}

int rp_srtp_protect(const struct rp_srtp_ctx *c, u8 *pkt, unsigned int hdr,
		    unsigned int len, u64 index)
{
	const struct rp_srtp_half *h = &c->rtp;
	u32 ssrc = rp_be32(pkt + 8);
	u8 digest[RP_SHA1_LEN];
	struct scatterlist sg;
	u8 roc[4], iv[12];
	int err;

	if (hdr < RP_RTP_FIXED || hdr > len)
		return -EINVAL;
	if (h->gcm) {
		rp_gcm_iv(h, ssrc, index, iv);
		sg_init_one(&sg, pkt, len + RP_GCM_TAG);
		err = rp_gcm(h, &sg, hdr, len - hdr, iv, true);
		if (err)
			return err;
		memcpy(pkt + len + RP_GCM_TAG, c->mki, c->mki_len);
		return len + RP_GCM_TAG + c->mki_len;
	}
	if (h->encrypt) {
		err = rp_ctr(h, ssrc, index, pkt + hdr, len - hdr);
		if (err)
			return err;
	}
	memcpy(pkt + len, c->mki, c->mki_len);
	if (h->tag_len) {
		rp_put_be32(roc, (u32)(index >> 16));
		err = rp_hmac(h, pkt, len, roc, sizeof(roc), digest);
		if (err)
			return err;
		memcpy(pkt + len + c->mki_len, digest, h->tag_len);
	}
	return len + c->mki_len + h->tag_len;
}

int rp_srtp_unprotect(const struct rp_srtp_ctx *c, u8 *pkt, unsigned int hdr,
		      unsigned int len, u64 index)
{
	const struct rp_srtp_half *h = &c->rtp;
	unsigned int body, trailer = rp_srtp_rtp_trailer(c);
	u8 digest[RP_SHA1_LEN];
	struct scatterlist sg;
	u8 roc[4], iv[12];
	u32 ssrc;
	int err;

	if (hdr < RP_RTP_FIXED || len < trailer || hdr > len - trailer)
		return -EINVAL;
	body = len - trailer;
	ssrc = rp_be32(pkt + 8);
	if (h->gcm) {
		if (!rp_mki_ok(c, pkt + body + RP_GCM_TAG))
			return -ENOKEY;
		rp_gcm_iv(h, ssrc, index, iv);
		sg_init_one(&sg, pkt, body + RP_GCM_TAG);
		err = rp_gcm(h, &sg, hdr, body - hdr + RP_GCM_TAG, iv, false);
		return err ?: body;
	}
	if (!rp_mki_ok(c, pkt + body))
		return -ENOKEY;
	if (h->tag_len) {
		rp_put_be32(roc, (u32)(index >> 16));
		err = rp_hmac(h, pkt, body, roc, sizeof(roc), digest);
		if (err)
			return err;
		if (crypto_memneq(digest, pkt + body + c->mki_len, h->tag_len))
			return -EBADMSG;
	}
	if (h->encrypt) {
		err = rp_ctr(h, ssrc, index, pkt + hdr, body - hdr);
		if (err)
			return err;
	}
	return body;
}

int rp_srtcp_protect(const struct rp_srtp_ctx *c, u8 *pkt, unsigned int len,
		     u32 index)
{
	const struct rp_srtp_half *h = &c->rtcp;
	u32 ssrc, word = (h->encrypt ? RP_SRTCP_E : 0) | (index & ~RP_SRTCP_E);
	u8 digest[RP_SHA1_LEN], iv[12];
	struct scatterlist sg[3];
	u8 *trailer;
	int err;

	if (len < RP_RTCP_HEADER)
		return -EINVAL;
	ssrc = rp_be32(pkt + 4);
	if (h->gcm) {
		/* AAD: the header (or, clear, the whole packet), then E||index */
		unsigned int ad = h->encrypt ? RP_RTCP_HEADER : len;

		trailer = pkt + len + RP_GCM_TAG;
		rp_put_be32(trailer, word);
		rp_gcm_iv(h, ssrc, index & ~RP_SRTCP_E, iv);
		sg_init_table(sg, 3);
		sg_set_buf(&sg[0], pkt, ad);
		sg_set_buf(&sg[1], trailer, RP_SRTCP_TRAILER);
		sg_set_buf(&sg[2], pkt + ad, len - ad + RP_GCM_TAG);
		err = rp_gcm(h, sg, ad + RP_SRTCP_TRAILER, len - ad, iv, true);
		if (err)
			return err;
		memcpy(trailer + RP_SRTCP_TRAILER, c->mki, c->mki_len);
		return len + rp_srtp_rtcp_trailer(c);
	}
	if (h->encrypt) {
		err = rp_ctr(h, ssrc, index & ~RP_SRTCP_E, pkt + RP_RTCP_HEADER,
			     len - RP_RTCP_HEADER);
		if (err)
			return err;
	}
	rp_put_be32(pkt + len, word);
	len += RP_SRTCP_TRAILER;
	memcpy(pkt + len, c->mki, c->mki_len);
	err = rp_hmac(h, pkt, len, NULL, 0, digest);
	if (err)
		return err;
	memcpy(pkt + len + c->mki_len, digest, h->tag_len);
	return len + c->mki_len + h->tag_len;
}

/* Where E||index sits in an SRTCP packet of @len bytes, or 0 if too short. */
static unsigned int rp_srtcp_at(const struct rp_srtp_ctx *c, unsigned int len)
{
	if (len < RP_RTCP_HEADER + rp_srtp_rtcp_trailer(c))
		return 0;
	return len - c->mki_len - RP_SRTCP_TRAILER -
	       (c->rtcp.gcm ? 0 : c->rtcp.tag_len);
}

int rp_srtcp_index(const struct rp_srtp_ctx *c, const u8 *pkt,
		   unsigned int len, u32 *index)
{
	unsigned int at = rp_srtcp_at(c, len);

	if (!at)
		return -EINVAL;
	*index = rp_be32(pkt + at) & ~RP_SRTCP_E;
	return 0;
}

int rp_srtcp_unprotect(const struct rp_srtp_ctx *c, u8 *pkt, unsigned int len)
{
	const struct rp_srtp_half *h = &c->rtcp;
	unsigned int at = rp_srtcp_at(c, len);
	u8 digest[RP_SHA1_LEN], iv[12];
	struct scatterlist sg[3];
	u32 ssrc, word, index;
	bool encrypted;
	u8 *trailer;
	int err;

	if (!at)
		return -EINVAL;
	trailer = pkt + at;
	if (!rp_mki_ok(c, trailer + RP_SRTCP_TRAILER))
		return -ENOKEY;
	ssrc = rp_be32(pkt + 4);
	word = rp_be32(trailer);
	encrypted = word & RP_SRTCP_E;
	index = word & ~RP_SRTCP_E;
	if (h->gcm) {
		unsigned int body = at - RP_GCM_TAG;
		unsigned int ad = encrypted ? RP_RTCP_HEADER : body;

		if (body < RP_RTCP_HEADER)
			return -EINVAL;
		rp_gcm_iv(h, ssrc, index, iv);
		sg_init_table(sg, 3);
		sg_set_buf(&sg[0], pkt, ad);
		sg_set_buf(&sg[1], trailer, RP_SRTCP_TRAILER);
		sg_set_buf(&sg[2], pkt + ad, body - ad + RP_GCM_TAG);
		err = rp_gcm(h, sg, ad + RP_SRTCP_TRAILER,
			     body - ad + RP_GCM_TAG, iv, false);
		return err ?: body;
	}
	err = rp_hmac(h, pkt, at + RP_SRTCP_TRAILER, NULL, 0, digest);
	if (err)
		return err;
	if (crypto_memneq(digest, trailer + RP_SRTCP_TRAILER + c->mki_len,
			  h->tag_len))
		return -EBADMSG;
	/* the E flag, now authenticated, says what was encrypted (RFC 3711 3.4) */
	if (encrypted && h->ctr) {
		err = rp_ctr(h, ssrc, index, pkt + RP_RTCP_HEADER,
			     at - RP_RTCP_HEADER);
		if (err)
			return err;
	}
	return at;
}
