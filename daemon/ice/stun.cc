// SPDX-License-Identifier: GPL-3.0-or-later
#include "ice/stun.h"

#include <openssl/crypto.h>

#include <cstring>

#include "util/crc32.h"

namespace rtprelay::ice {
namespace {

constexpr uint32_t kFingerprintXor = 0x5354554e; // "STUN"
constexpr size_t kAttrHeader = 4;
constexpr size_t kIntegrityLen = crypto::HmacSha1::kDigest;

uint16_t be16(const uint8_t* p)
{
	return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t be32(const uint8_t* p)
{
	return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
uint64_t be64(const uint8_t* p)
{
	return uint64_t{be32(p)} << 32 | be32(p + 4);
}
void put16(uint8_t* p, uint16_t v)
{
	p[0] = static_cast<uint8_t>(v >> 8);
	p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v)
{
	put16(p, static_cast<uint16_t>(v >> 16));
	put16(p + 2, static_cast<uint16_t>(v));
}

size_t padded(size_t n)
{
	return (n + 3) & ~size_t{3};
}

// The message type's 14 bits interleave the class (bits 4 and 8) with the method.
uint16_t message_type(StunClass cls, uint16_t method)
{
	auto c = static_cast<uint16_t>(cls);
	return static_cast<uint16_t>((method & 0x000F) | (method & 0x0070) << 1 |
	                             (method & 0x0F80) << 2 | (c & 1) << 4 | (c & 2) << 7);
}

void split_type(uint16_t type, StunClass& cls, uint16_t& method)
{
	cls = static_cast<StunClass>((type >> 4 & 1) | (type >> 7 & 2));
	method = static_cast<uint16_t>((type & 0x000F) | (type & 0x00E0) >> 1 |
	                               (type & 0x3E00) >> 2);
}

// XOR-MAPPED-ADDRESS: the family, then port and address XORed with the cookie (and, for
// IPv6, the transaction ID).
bool read_xor_address(const uint8_t* v, size_t len, const TransactionId& tx,
                      std::optional<net::Endpoint>& out)
{
	if (len < 4)
		return false;
	std::array<uint8_t, 16> mask{};
	put32(mask.data(), kStunMagicCookie);
	memcpy(mask.data() + 4, tx.data(), tx.size());
	auto port = static_cast<uint16_t>(be16(v + 2) ^ (kStunMagicCookie >> 16));
	if (v[1] == 0x01 && len == 8) {
		in_addr a;
		auto* b = reinterpret_cast<uint8_t*>(&a);
		for (size_t i = 0; i < 4; i++)
			b[i] = v[4 + i] ^ mask[i];
		out = net::Endpoint(net::IpAddress::from_v4(a), port);
		return true;
	}
	if (v[1] == 0x02 && len == 20) {
		in6_addr a;
		for (size_t i = 0; i < 16; i++)
			a.s6_addr[i] = v[4 + i] ^ mask[i];
		out = net::Endpoint(net::IpAddress::from_v6(a), port);
		return true;
	}
	return false;
}

// One attribute's value into `m`; false if a known attribute is malformed.
bool read_attribute(uint16_t type, const uint8_t* v, size_t len, StunMessage& m)
{
	switch (type) {
	case kAttrUsername:
		if (len > 763) // RFC 8489 14.3: at most 763 bytes
			return false;
		m.username = std::string_view(reinterpret_cast<const char*>(v), len);
		return true;
	case kAttrPriority:
		if (len != 4)
			return false;
		m.priority = be32(v);
		return true;
	case kAttrUseCandidate: m.use_candidate = len == 0; return len == 0;
	case kAttrIceControlling:
	case kAttrIceControlled:
		if (len != 8)
			return false;
		(type == kAttrIceControlling ? m.ice_controlling : m.ice_controlled) = be64(v);
		return true;
	case kAttrXorMappedAddress: return read_xor_address(v, len, m.transaction, m.xor_mapped);
	case kAttrErrorCode: {
		if (len < 4)
			return false;
		unsigned code = (v[2] & 7u) * 100 + v[3];
		if (code < 300 || code > 699 || v[3] > 99)
			return false;
		m.error_code = static_cast<uint16_t>(code);
		return true;
	}
	case kAttrMappedAddress:
	case kAttrUnknownAttributes:
	case kAttrSoftware: return true; // known, and nothing ICE needs from them
	default:
		if (type < 0x8000 && m.unknown_count < StunMessage::kMaxUnknown)
			m.unknown[m.unknown_count++] = type;
		return true;
	}
}

} // namespace

bool looks_like_stun(std::span<const uint8_t> p)
{
	return p.size() >= kStunHeader && p[0] < 4 && be32(p.data() + 4) == kStunMagicCookie &&
	       kStunHeader + be16(p.data() + 2) == p.size() && (p.size() & 3) == 0;
}

bool parse_stun(std::span<const uint8_t> p, StunMessage& m)
{
	m = StunMessage{};
	if (!looks_like_stun(p))
		return false;
	split_type(be16(p.data()), m.cls, m.method);
	memcpy(m.transaction.data(), p.data() + 8, m.transaction.size());
	size_t at = kStunHeader;
	while (at < p.size()) {
		if (m.fingerprint_at)
			return false; // FINGERPRINT is last
		if (p.size() - at < kAttrHeader)
			return false;
		uint16_t type = be16(p.data() + at);
		size_t len = be16(p.data() + at + 2);
		if (p.size() - at - kAttrHeader < padded(len))
			return false;
		const uint8_t* v = p.data() + at + kAttrHeader;
		if (type == kAttrFingerprint) {
			if (len != 4)
				return false;
			m.fingerprint_at = at;
		} else if (m.integrity_at) {
			// Covered by no integrity: ignored.
		} else if (type == kAttrMessageIntegrity) {
			if (len != kIntegrityLen)
				return false;
			m.integrity_at = at;
		} else if (!read_attribute(type, v, len, m)) {
			return false;
		}
		at += kAttrHeader + padded(len);
	}
	return true;
}

bool fingerprint_ok(std::span<const uint8_t> p, const StunMessage& m)
{
	if (!m.fingerprint_at || m.fingerprint_at + 8 > p.size())
		return false;
	uint32_t want = util::crc32(p.first(m.fingerprint_at)) ^ kFingerprintXor;
	return be32(p.data() + m.fingerprint_at + kAttrHeader) == want;
}

bool integrity_ok(std::span<const uint8_t> p, const StunMessage& m, const crypto::HmacSha1& key)
{
	size_t at = m.integrity_at;
	if (!at || at + kAttrHeader + kIntegrityLen > p.size())
		return false;
	// The MAC covers the message up to the attribute, with a length that ends after it.
	std::array<uint8_t, kStunHeader> header;
	memcpy(header.data(), p.data(), header.size());
	put16(header.data() + 2,
	      static_cast<uint16_t>(at + kAttrHeader + kIntegrityLen - kStunHeader));
	auto mac = key.mac(header, p.subspan(kStunHeader, at - kStunHeader));
	bool same = CRYPTO_memcmp(mac.data(), p.data() + at + kAttrHeader, mac.size()) == 0;
	OPENSSL_cleanse(mac.data(), mac.size());
	return same;
}

StunWriter::StunWriter(std::span<uint8_t> buf, StunClass cls, uint16_t method,
                       const TransactionId& tx)
    : buf_(buf)
{
	if (buf_.size() < kStunHeader) {
		ok_ = false;
		return;
	}
	put16(buf_.data(), message_type(cls, method));
	put16(buf_.data() + 2, 0);
	put32(buf_.data() + 4, kStunMagicCookie);
	memcpy(buf_.data() + 8, tx.data(), tx.size());
	len_ = kStunHeader;
}

void StunWriter::set_length(size_t body)
{
	put16(buf_.data() + 2, static_cast<uint16_t>(body));
}

uint8_t* StunWriter::attribute(uint16_t type, size_t value_len)
{
	size_t need = kAttrHeader + padded(value_len);
	if (!ok_ || value_len > 0xFFFF || buf_.size() - len_ < need || len_ + need > 0xFFFF) {
		ok_ = false;
		return nullptr;
	}
	uint8_t* a = buf_.data() + len_;
	put16(a, type);
	put16(a + 2, static_cast<uint16_t>(value_len));
	memset(a + kAttrHeader, 0, padded(value_len));
	len_ += need;
	set_length(len_ - kStunHeader);
	return a + kAttrHeader;
}

void StunWriter::bytes(uint16_t type, std::span<const uint8_t> value)
{
	if (uint8_t* v = attribute(type, value.size()); v && !value.empty())
		memcpy(v, value.data(), value.size());
}

void StunWriter::u64(uint16_t type, uint64_t v)
{
	if (uint8_t* p = attribute(type, 8)) {
		put32(p, static_cast<uint32_t>(v >> 32));
		put32(p + 4, static_cast<uint32_t>(v));
	}
}

void StunWriter::priority(uint32_t p)
{
	if (uint8_t* v = attribute(kAttrPriority, 4))
		put32(v, p);
}

void StunWriter::xor_mapped_address(const net::Endpoint& e)
{
	bool v6 = e.ip().is_v6();
	uint8_t* v = attribute(kAttrXorMappedAddress, v6 ? 20 : 8);
	if (!v)
		return;
	std::array<uint8_t, 16> mask{};
	put32(mask.data(), kStunMagicCookie);
	memcpy(mask.data() + 4, buf_.data() + 8, 12);
	v[1] = v6 ? 0x02 : 0x01;
	put16(v + 2, static_cast<uint16_t>(e.port() ^ (kStunMagicCookie >> 16)));
	const auto* a = v6 ? e.ip().v6().s6_addr : reinterpret_cast<const uint8_t*>(&e.ip().v4());
	for (size_t i = 0; i < (v6 ? 16u : 4u); i++)
		v[4 + i] = a[i] ^ mask[i];
}

void StunWriter::error_code(uint16_t code, std::string_view reason)
{
	if (uint8_t* v = attribute(kAttrErrorCode, 4 + reason.size())) {
		v[2] = static_cast<uint8_t>(code / 100);
		v[3] = static_cast<uint8_t>(code % 100);
		memcpy(v + 4, reason.data(), reason.size());
	}
}

void StunWriter::unknown_attributes(std::span<const uint16_t> types)
{
	if (uint8_t* v = attribute(kAttrUnknownAttributes, 2 * types.size()))
		for (size_t i = 0; i < types.size(); i++)
			put16(v + 2 * i, types[i]);
}

void StunWriter::integrity(const crypto::HmacSha1& key)
{
	size_t at = len_;
	uint8_t* v = attribute(kAttrMessageIntegrity, kIntegrityLen);
	if (!v)
		return;
	// The length already ends after this attribute, as the MAC wants it.
	auto mac = key.mac(buf_.first(at));
	memcpy(v, mac.data(), mac.size());
	OPENSSL_cleanse(mac.data(), mac.size());
}

void StunWriter::fingerprint()
{
	size_t at = len_;
	if (uint8_t* v = attribute(kAttrFingerprint, 4))
		put32(v, util::crc32(buf_.first(at)) ^ kFingerprintXor);
}

} // namespace rtprelay::ice
