// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/srtp_transform.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

#include "crypto/srtp_kdf.h"
#include "util/strings.h"

namespace rtprelay::crypto {
namespace {

constexpr size_t kRtpHeader = 12;
constexpr size_t kRtcpHeader = 8;
constexpr size_t kGcmTag = 16;
constexpr size_t kSrtcpTrailer = 4;  // E flag and SRTCP index
constexpr size_t kSrtcpHmacTag = 10; // RFC 4568 6.2: 80 bits whatever the SRTP tag
constexpr size_t kAuthKey = 20;      // HMAC-SHA1 session authentication key (RFC 3711 4.3.2)
constexpr uint32_t kEFlag = 0x80000000;

using Iv12 = std::array<uint8_t, 12>;

uint32_t read32(const uint8_t* p)
{
	return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

void write32(uint8_t* p, uint32_t v)
{
	p[0] = static_cast<uint8_t>(v >> 24);
	p[1] = static_cast<uint8_t>(v >> 16);
	p[2] = static_cast<uint8_t>(v >> 8);
	p[3] = static_cast<uint8_t>(v);
}

// Bytes of the RTP header: fixed part, CSRCs and extension (RFC 3550 5.1, 5.3.1); 0 if the
// packet is shorter than its header says.
size_t rtp_header_len(const uint8_t* p, size_t len)
{
	size_t n = kRtpHeader + 4 * size_t{p[0] & 0x0fU};
	if ((p[0] & 0x10) && n + 4 <= len)
		n += 4 + 4 * (size_t{p[n + 2]} << 8 | p[n + 3]);
	else if (p[0] & 0x10)
		return 0;
	return n <= len ? n : 0;
}

const EVP_CIPHER* cipher_of(const sdp::SrtpSuite& s)
{
	if (s.null_cipher)
		return nullptr;
	if (s.aead)
		return s.key_bytes == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	switch (s.key_bytes) {
	case 16: return EVP_aes_128_ctr();
	case 24: return EVP_aes_192_ctr();
	default: return EVP_aes_256_ctr();
	}
}

// RFC 7714 8.1 and 9.1: (0x0000 || SSRC || ROC || SEQ) for SRTP, (0x0000 || SSRC || 0x0000
// || 0 || SRTCP index) for SRTCP, XOR the 12-byte session salt.
Iv12 gcm_iv(const std::array<uint8_t, 14>& salt, uint32_t ssrc, uint64_t low48)
{
	Iv12 iv{};
	write32(iv.data() + 2, ssrc);
	write32(iv.data() + 6, static_cast<uint32_t>(low48 >> 16));
	iv[10] = static_cast<uint8_t>(low48 >> 8);
	iv[11] = static_cast<uint8_t>(low48);
	for (size_t i = 0; i < iv.size(); i++)
		iv[i] ^= salt[i];
	return iv;
}

} // namespace

void SrtpTransform::CtxFree::operator()(EVP_CIPHER_CTX* c) const
{
	EVP_CIPHER_CTX_free(c); // wipes the key schedule
}

Result<void> SrtpTransform::derive(const SrtpKeying& keying, bool rtcp, Keys& keys) const
{
	const sdp::SrtpSuite& s = keying.srtp_suite();
	std::span<const uint8_t> master_key = keying.key_salt().first(s.key_bytes);
	std::span<const uint8_t> master_salt = keying.key_salt().subspan(s.key_bytes);
	auto label = [rtcp](KdfLabel l) {
		return static_cast<KdfLabel>(static_cast<uint8_t>(l) + (rtcp ? 3 : 0));
	};
	std::array<uint8_t, 32> key{};
	std::array<uint8_t, kAuthKey> auth{};
	bool ok = srtp_kdf(master_key, master_salt, label(KdfLabel::kSrtpSalt),
	                   std::span(keys.salt).first(s.salt_bytes));
	if (ok && !s.aead)
		ok = srtp_kdf(master_key, master_salt, label(KdfLabel::kSrtpAuth), auth) &&
		     keys.auth.set_key(auth);
	if (ok && cipher_of(s)) {
		ok = srtp_kdf(master_key, master_salt, label(KdfLabel::kSrtpCipher),
		              std::span(key).first(s.key_bytes));
		keys.cipher.reset(EVP_CIPHER_CTX_new());
		ok = ok && keys.cipher &&
		     (encrypt_ || !s.aead ? EVP_EncryptInit_ex(keys.cipher.get(), cipher_of(s),
		                                               nullptr, key.data(), nullptr)
		                          : EVP_DecryptInit_ex(keys.cipher.get(), cipher_of(s),
		                                               nullptr, key.data(), nullptr)) == 1;
	}
	OPENSSL_cleanse(key.data(), key.size());
	OPENSSL_cleanse(auth.data(), auth.size());
	if (!ok)
		return Error{"OpenSSL failed to derive the SRTP session keys"};
	return {};
}

Result<SrtpTransform> SrtpTransform::create(const SrtpKeying& keying, bool encrypt)
{
	const sdp::SrtpSuite& s = keying.srtp_suite();
	SrtpTransform t;
	t.aead_ = s.aead;
	t.encrypt_ = encrypt;
	for (bool rtcp : {false, true}) {
		Keys& k = rtcp ? t.rtcp_ : t.rtp_;
		if (auto r = t.derive(keying, rtcp, k); !r)
			return r.error();
		// RFC 7714 has no clear SRTP payload for GCM (only SRTCP's E flag), and libsrtp2
		// encrypts it anyway: UNENCRYPTED_SRTP does nothing there.
		bool clear = rtcp ? keying.unencrypted_srtcp : keying.unencrypted_srtp && !s.aead;
		k.encrypt = !s.null_cipher && !clear;
	}
	// GCM always authenticates; UNAUTHENTICATED_SRTP drops the HMAC of SRTP only.
	t.rtp_.tag = s.aead ? kGcmTag : keying.unauthenticated_srtp ? 0 : s.tag_bytes;
	t.rtcp_.tag = s.aead ? kGcmTag : kSrtcpHmacTag;
	t.mki_length_ = std::min<size_t>(keying.mki_length, t.mki_.size());
	// The MKI value, big-endian in mki_length bytes (RFC 4568 6.1).
	for (size_t i = 0; i < t.mki_length_ && i < 4; i++)
		t.mki_[t.mki_length_ - 1 - i] = static_cast<uint8_t>(keying.mki >> (8 * i));
	return t;
}

size_t SrtpTransform::rtp_trailer() const
{
	return rtp_.tag + mki_length_;
}

size_t SrtpTransform::rtcp_trailer() const
{
	return kSrtcpTrailer + rtcp_.tag + mki_length_;
}

bool SrtpTransform::mki_matches(const uint8_t* at) const
{
	return mki_length_ == 0 || memcmp(at, mki_.data(), mki_length_) == 0;
}

void SrtpTransform::put_mki(uint8_t* at) const
{
	if (mki_length_)
		memcpy(at, mki_.data(), mki_length_);
}

// AES-CM (RFC 3711 4.1.1): the keystream from IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR
// (index * 2^16), XORed over `n` bytes at `data`. The same context serves both directions.
SrtpTransform::Outcome SrtpTransform::ctr(const Keys& k, uint32_t ssrc, uint64_t index,
                                          uint8_t* data, size_t n) const
{
	std::array<uint8_t, 16> iv{};
	std::copy(k.salt.begin(), k.salt.end(), iv.begin());
	uint8_t ssrc_be[4];
	write32(ssrc_be, ssrc);
	for (size_t i = 0; i < 4; i++)
		iv[4 + i] ^= ssrc_be[i];
	for (size_t i = 0; i < 6; i++)
		iv[8 + i] ^= static_cast<uint8_t>(index >> (40 - 8 * i));
	int out = 0;
	if (EVP_EncryptInit_ex(k.cipher.get(), nullptr, nullptr, nullptr, iv.data()) != 1 ||
	    (n && EVP_EncryptUpdate(k.cipher.get(), data, &out, data, static_cast<int>(n)) != 1))
		return Outcome::kMalformed;
	return Outcome::kOk;
}

// GCM sealing: `aad1` then `aad2` authenticated, `n` bytes at `data` encrypted in place, the
// 16-byte tag to `tag`.
SrtpTransform::Outcome SrtpTransform::gcm(const Keys& k, const Iv12& iv,
                                          std::span<const uint8_t> aad1,
                                          std::span<const uint8_t> aad2, uint8_t* data, size_t n,
                                          uint8_t* tag) const
{
	EVP_CIPHER_CTX* c = k.cipher.get();
	int out = 0;
	uint8_t none[16]; // GCM's final step writes nothing
	bool ok = EVP_EncryptInit_ex(c, nullptr, nullptr, nullptr, iv.data()) == 1 &&
	          EVP_EncryptUpdate(c, nullptr, &out, aad1.data(), static_cast<int>(aad1.size())) ==
	                  1 &&
	          (aad2.empty() || EVP_EncryptUpdate(c, nullptr, &out, aad2.data(),
	                                             static_cast<int>(aad2.size())) == 1) &&
	          (!n || EVP_EncryptUpdate(c, data, &out, data, static_cast<int>(n)) == 1) &&
	          EVP_EncryptFinal_ex(c, none, &out) == 1 &&
	          EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, kGcmTag, tag) == 1;
	return ok ? Outcome::kOk : Outcome::kMalformed;
}

// GCM opening: decrypts in place and checks `tag`. On a wrong tag the data is XORed with the
// same keystream once more, which gives back the ciphertext as it came.
SrtpTransform::Outcome SrtpTransform::gcm_open(const Keys& k, const Iv12& iv,
                                               std::span<const uint8_t> aad1,
                                               std::span<const uint8_t> aad2, uint8_t* data,
                                               size_t n, const uint8_t* tag) const
{
	EVP_CIPHER_CTX* c = k.cipher.get();
	auto run = [&](bool check) {
		int out = 0;
		uint8_t none[16]; // GCM's final step writes nothing
		std::array<uint8_t, kGcmTag> want{};
		std::copy(tag, tag + kGcmTag, want.begin());
		bool ok = EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, iv.data()) == 1 &&
		          EVP_DecryptUpdate(c, nullptr, &out, aad1.data(),
		                            static_cast<int>(aad1.size())) == 1 &&
		          (aad2.empty() || EVP_DecryptUpdate(c, nullptr, &out, aad2.data(),
		                                             static_cast<int>(aad2.size())) == 1) &&
		          (!n || EVP_DecryptUpdate(c, data, &out, data, static_cast<int>(n)) == 1);
		if (!ok || !check)
			return ok;
		return EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, kGcmTag, want.data()) == 1 &&
		       EVP_DecryptFinal_ex(c, none, &out) == 1;
	};
	if (run(true))
		return Outcome::kOk;
	run(false);
	return Outcome::kAuthFailed;
}

SrtpTransform::Outcome SrtpTransform::protect_rtp(uint8_t* packet, size_t& len, uint64_t index)
{
	size_t header = rtp_header_len(packet, len);
	if (!header)
		return Outcome::kMalformed;
	uint32_t ssrc = read32(packet + 8);
	uint8_t* payload = packet + header;
	size_t n = len - header;
	if (aead_) {
		Iv12 iv = gcm_iv(rtp_.salt, ssrc, index);
		Outcome o = gcm(rtp_, iv, {packet, header}, {}, payload, n, packet + len);
		if (o != Outcome::kOk)
			return o;
		put_mki(packet + len + kGcmTag);
		len += kGcmTag + mki_length_;
		return Outcome::kOk;
	}
	if (rtp_.encrypt)
		if (Outcome o = ctr(rtp_, ssrc, index, payload, n); o != Outcome::kOk)
			return o;
	put_mki(packet + len);
	if (rtp_.tag) {
		uint8_t roc[4];
		write32(roc, static_cast<uint32_t>(index >> 16));
		HmacSha1::Digest d = rtp_.auth.mac({packet, len}, roc);
		memcpy(packet + len + mki_length_, d.data(), rtp_.tag);
	}
	len += mki_length_ + rtp_.tag;
	return Outcome::kOk;
}

SrtpTransform::Outcome SrtpTransform::unprotect_rtp(uint8_t* packet, size_t& len, uint64_t index)
{
	size_t trailer = rtp_trailer();
	if (len < kRtpHeader + trailer)
		return Outcome::kMalformed;
	size_t body = len - trailer; // header and payload
	size_t header = rtp_header_len(packet, body);
	if (!header)
		return Outcome::kMalformed;
	uint32_t ssrc = read32(packet + 8);
	if (aead_) {
		if (!mki_matches(packet + body + kGcmTag))
			return Outcome::kAuthFailed;
		Iv12 iv = gcm_iv(rtp_.salt, ssrc, index);
		Outcome o = gcm_open(rtp_, iv, {packet, header}, {}, packet + header, body - header,
		                     packet + body);
		if (o == Outcome::kOk)
			len = body;
		return o;
	}
	if (!mki_matches(packet + body))
		return Outcome::kAuthFailed;
	if (rtp_.tag) {
		uint8_t roc[4];
		write32(roc, static_cast<uint32_t>(index >> 16));
		HmacSha1::Digest d = rtp_.auth.mac({packet, body}, roc);
		if (CRYPTO_memcmp(d.data(), packet + body + mki_length_, rtp_.tag) != 0)
			return Outcome::kAuthFailed;
	}
	if (rtp_.encrypt)
		if (Outcome o = ctr(rtp_, ssrc, index, packet + header, body - header);
		    o != Outcome::kOk)
			return o;
	len = body;
	return Outcome::kOk;
}

SrtpTransform::Outcome SrtpTransform::protect_rtcp(uint8_t* packet, size_t& len, uint32_t index)
{
	uint32_t ssrc = read32(packet + 4);
	uint8_t* payload = packet + kRtcpHeader;
	size_t n = len - kRtcpHeader;
	uint8_t trailer[kSrtcpTrailer];
	write32(trailer, (rtcp_.encrypt ? kEFlag : 0) | index);
	if (aead_) {
		Iv12 iv = gcm_iv(rtcp_.salt, ssrc, index);
		Outcome o = rtcp_.encrypt ? gcm(rtcp_, iv, {packet, kRtcpHeader}, trailer, payload,
		                                n, packet + len)
		                          : gcm(rtcp_, iv, {packet, len}, trailer, nullptr, 0,
		                                packet + len);
		if (o != Outcome::kOk)
			return o;
		memcpy(packet + len + kGcmTag, trailer, kSrtcpTrailer);
		put_mki(packet + len + kGcmTag + kSrtcpTrailer);
		len += rtcp_trailer();
		return Outcome::kOk;
	}
	if (rtcp_.encrypt)
		if (Outcome o = ctr(rtcp_, ssrc, index, payload, n); o != Outcome::kOk)
			return o;
	memcpy(packet + len, trailer, kSrtcpTrailer);
	len += kSrtcpTrailer;
	put_mki(packet + len);
	HmacSha1::Digest d = rtcp_.auth.mac({packet, len});
	memcpy(packet + len + mki_length_, d.data(), rtcp_.tag);
	len += mki_length_ + rtcp_.tag;
	return Outcome::kOk;
}

bool SrtpTransform::srtcp_index(const uint8_t* packet, size_t len, uint32_t& index) const
{
	if (len < kRtcpHeader + rtcp_trailer())
		return false;
	size_t at = len - mki_length_ - kSrtcpTrailer - (aead_ ? 0 : rtcp_.tag);
	index = read32(packet + at) & ~kEFlag;
	return true;
}

SrtpTransform::Outcome SrtpTransform::unprotect_rtcp(uint8_t* packet, size_t& len)
{
	if (len < kRtcpHeader + rtcp_trailer())
		return Outcome::kMalformed;
	uint32_t ssrc = read32(packet + 4);
	size_t at = len - mki_length_ - kSrtcpTrailer - (aead_ ? 0 : rtcp_.tag);
	const uint8_t* trailer = packet + at;
	uint32_t word = read32(trailer);
	bool encrypted = (word & kEFlag) != 0;
	uint32_t index = word & ~kEFlag;
	if (!mki_matches(trailer + kSrtcpTrailer))
		return Outcome::kAuthFailed;
	if (aead_) {
		size_t body = at - kGcmTag;
		Iv12 iv = gcm_iv(rtcp_.salt, ssrc, index);
		Outcome o = encrypted
		                    ? gcm_open(rtcp_, iv, {packet, kRtcpHeader},
		                               {trailer, kSrtcpTrailer}, packet + kRtcpHeader,
		                               body - kRtcpHeader, packet + body)
		                    : gcm_open(rtcp_, iv, {packet, body}, {trailer, kSrtcpTrailer},
		                               nullptr, 0, packet + body);
		if (o == Outcome::kOk)
			len = body;
		return o;
	}
	HmacSha1::Digest d = rtcp_.auth.mac({packet, at + kSrtcpTrailer});
	if (CRYPTO_memcmp(d.data(), trailer + kSrtcpTrailer + mki_length_, rtcp_.tag) != 0)
		return Outcome::kAuthFailed;
	// The E flag, authenticated, says whether the payload was encrypted (RFC 3711 3.4).
	if (encrypted && rtcp_.cipher)
		if (Outcome o = ctr(rtcp_, ssrc, index, packet + kRtcpHeader, at - kRtcpHeader);
		    o != Outcome::kOk)
			return o;
	len = at;
	return Outcome::kOk;
}

} // namespace rtprelay::crypto
