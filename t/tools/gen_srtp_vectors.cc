// SPDX-License-Identifier: GPL-3.0-or-later
// Prints kernel-module/srtp_vectors.h (`make srtp-vectors`; t/run-tests.sh checks the committed
// file is current): known-answer packets for xt_RTPRELAY's SRTP (kernel-module/srtp.c), which
// its selftest build protects and unprotects in the kernel under QEMU. The packets come from
// libsrtp2, the independent implementation, keyed with master keys; the session keys the
// module is given are derived by the daemon's srtp_kdf, as the daemon will hand them over. So a
// vector passing in the kernel shows the daemon's derivation and the module's transform agree
// with libsrtp2. One exception: Debian 12's libsrtp2 derives AES-192 keys wrongly
// (cisco/libsrtp#763), so AES-192 packets come from the daemon's SrtpTransform, whose AES-192
// is checked against RFC 6188 in the unit tests.
#include <srtp2/srtp.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/srtp_kdf.h"
#include "crypto/srtp_state.h"
#include "crypto/srtp_transform.h"
#include "sdp/crypto.h"

using namespace rtprelay;
using Bytes = std::vector<uint8_t>;

namespace {

// The ABI's suite numbers (kernel-module/uapi/rtprelay_abi.h), by name.
struct AbiSuite {
	std::string_view name;
	int abi;
};
constexpr AbiSuite kAbiSuites[] = {
        {"AES_CM_128_HMAC_SHA1_80", 1}, {"AES_CM_128_HMAC_SHA1_32", 2},
        {"AES_192_CM_HMAC_SHA1_80", 3}, {"AES_192_CM_HMAC_SHA1_32", 4},
        {"AES_256_CM_HMAC_SHA1_80", 5}, {"AES_256_CM_HMAC_SHA1_32", 6},
        {"AEAD_AES_128_GCM", 7},        {"AEAD_AES_256_GCM", 8},
        {"NULL_HMAC_SHA1_80", 9},       {"NULL_HMAC_SHA1_32", 10},
};

constexpr int kUnencryptedSrtp = 1, kUnencryptedSrtcp = 2, kUnauthenticatedSrtp = 4;

struct Case {
	std::string name;
	std::string_view suite;
	bool rtcp = false;
	uint32_t ssrc = 0x12345678;
	uint32_t roc = 0;
	uint16_t seq = 1;
	int flags = 0;
	Bytes mki;              // empty: no MKI
	bool extension = false; // RTP with two CSRCs and a header extension
};

Case make_case(std::string name, std::string_view suite)
{
	Case c;
	c.name = std::move(name);
	c.suite = suite;
	return c;
}

const sdp::SrtpSuite& suite_named(std::string_view n)
{
	return *sdp::find_srtp_suite(n);
}

Bytes master_for(const sdp::SrtpSuite& s)
{
	Bytes k(size_t{s.key_bytes} + s.salt_bytes);
	for (size_t i = 0; i < k.size(); i++)
		k[i] = static_cast<uint8_t>(i * 29 + 7);
	return k;
}

Bytes plain_packet(const Case& c)
{
	Bytes p;
	if (c.rtcp) {
		// A sender report with no report blocks: V=2, PT=200, length 6 (28 bytes).
		p = {0x80, 200, 0, 6};
	} else {
		p = {static_cast<uint8_t>(c.extension ? 0x92 : 0x80),
		     0,
		     static_cast<uint8_t>(c.seq >> 8),
		     static_cast<uint8_t>(c.seq),
		     0,
		     0,
		     0x12,
		     0x34};
	}
	for (int i = 3; i >= 0; i--)
		p.push_back(static_cast<uint8_t>(c.ssrc >> (8 * i)));
	if (c.rtcp) {
		for (int i = 0; i < 20; i++)
			p.push_back(static_cast<uint8_t>(0xa0 + i));
		return p;
	}
	if (c.extension) {
		for (uint8_t b : {0xc0, 0xc1, 0xc2, 0xc3, 0xd0, 0xd1, 0xd2, 0xd3})
			p.push_back(b); // two CSRCs
		for (uint8_t b : {0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00})
			p.push_back(b); // RFC 8285 one-byte extension, one word
	}
	for (int i = 0; i < 29; i++) // an odd length, so no block boundary is assumed
		p.push_back(static_cast<uint8_t>(i * 7 + c.seq));
	return p;
}

size_t rtp_header_bytes(const Case& c)
{
	return c.rtcp ? 0 : c.extension ? 12 + 8 + 8 : 12;
}

void rtp_policy(std::string_view n, srtp_crypto_policy_t& p)
{
	if (n == "AES_CM_128_HMAC_SHA1_80")
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p);
	else if (n == "AES_CM_128_HMAC_SHA1_32")
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p);
	else if (n == "AES_256_CM_HMAC_SHA1_80")
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&p);
	else if (n == "AES_256_CM_HMAC_SHA1_32")
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&p);
	else if (n == "AEAD_AES_128_GCM")
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p);
	else if (n == "AEAD_AES_256_GCM")
		srtp_crypto_policy_set_aes_gcm_256_16_auth(&p);
	else {
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&p);
		if (n == "NULL_HMAC_SHA1_32")
			p.auth_tag_len = 4;
	}
}

// libsrtp2 protects `pkt` as the sender of case `c`.
bool libsrtp_protect(const Case& c, Bytes master, Bytes& pkt)
{
	srtp_policy_t p{};
	rtp_policy(c.suite, p.rtp);
	p.rtcp = p.rtp;
	if (c.suite.find("_32") != std::string_view::npos)
		p.rtcp.auth_tag_len = 10; // SRTCP keeps the 80-bit tag (RFC 4568 6.2)
	if (c.flags & kUnencryptedSrtp)
		p.rtp.sec_serv = sec_serv_auth;
	if (c.flags & kUnauthenticatedSrtp)
		p.rtp.sec_serv = sec_serv_conf;
	if (c.flags & kUnencryptedSrtcp)
		p.rtcp.sec_serv = sec_serv_auth;
	Bytes mki = c.mki;
	srtp_master_key_t key{master.data(), mki.data(), static_cast<unsigned>(mki.size())};
	srtp_master_key_t* keys[] = {&key};
	if (mki.empty()) {
		p.key = master.data();
	} else {
		p.keys = keys;
		p.num_master_keys = 1;
	}
	p.ssrc.type = ssrc_specific;
	p.ssrc.value = c.ssrc;
	p.window_size = 128;
	srtp_t s = nullptr;
	if (srtp_create(&s, &p) != srtp_err_status_ok)
		return false;
	bool ok = srtp_set_stream_roc(s, c.ssrc, c.roc) == srtp_err_status_ok;
	size_t plain = pkt.size();
	pkt.resize(plain + SRTP_MAX_TRAILER_LEN + 16);
	int len = static_cast<int>(plain);
	if (ok)
		ok = (c.rtcp ? srtp_protect_rtcp_mki(s, pkt.data(), &len, !mki.empty(), 0)
		             : srtp_protect_mki(s, pkt.data(), &len, !mki.empty(), 0)) ==
		     srtp_err_status_ok;
	pkt.resize(static_cast<size_t>(len));
	srtp_dealloc(s);
	return ok;
}

// The daemon's transform protects `pkt` (AES-192 only, see the top).
bool daemon_protect(const Case& c, const Bytes& master, Bytes& pkt, uint32_t srtcp_index)
{
	crypto::SrtpKeying k;
	const auto suites = sdp::srtp_suites();
	for (size_t i = 0; i < suites.size(); i++)
		if (suites[i].name == c.suite)
			k.suite = static_cast<uint8_t>(i);
	k.length = static_cast<uint8_t>(master.size());
	std::copy(master.begin(), master.end(), k.master.begin());
	k.mki_length = static_cast<uint8_t>(c.mki.size());
	for (uint8_t b : c.mki)
		k.mki = k.mki << 8 | b;
	k.unencrypted_srtp = c.flags & kUnencryptedSrtp;
	k.unencrypted_srtcp = c.flags & kUnencryptedSrtcp;
	k.unauthenticated_srtp = c.flags & kUnauthenticatedSrtp;
	auto t = crypto::SrtpTransform::create(k, true);
	if (!t)
		return false;
	size_t len = pkt.size();
	pkt.resize(len + 64);
	auto o = c.rtcp ? t->protect_rtcp(pkt.data(), len, srtcp_index)
	                : t->protect_rtp(pkt.data(), len, uint64_t{c.roc} << 16 | c.seq);
	pkt.resize(len);
	return o == crypto::SrtpTransform::Outcome::kOk;
}

std::string hex_list(const uint8_t* p, size_t n, const char* indent)
{
	std::string out;
	char b[8];
	for (size_t i = 0; i < n; i++) {
		if (i % 12 == 0)
			out += i ? std::string("\n") + indent : std::string(indent);
		snprintf(b, sizeof(b), "0x%02x,", p[i]);
		out += b;
		if (i % 12 != 11 && i + 1 < n)
			out += ' ';
	}
	return out;
}

// The session keys of SRTP (labels 0-2) or SRTCP (3-5), as struct rtprelay_srtp_keys.
bool print_keys(const sdp::SrtpSuite& s, const Bytes& master, bool rtcp)
{
	using crypto::KdfLabel;
	std::span<const uint8_t> key(master.data(), s.key_bytes);
	std::span<const uint8_t> salt(master.data() + s.key_bytes, s.salt_bytes);
	uint8_t cipher[32]{}, session_salt[14]{}, auth[20]{};
	auto label = [rtcp](KdfLabel l) {
		return static_cast<KdfLabel>(static_cast<int>(l) + (rtcp ? 3 : 0));
	};
	bool ok = true;
	if (!s.null_cipher)
		ok = crypto::srtp_kdf(key, salt, label(KdfLabel::kSrtpCipher),
		                      {cipher, s.key_bytes});
	ok = ok && crypto::srtp_kdf(key, salt, label(KdfLabel::kSrtpSalt),
	                            {session_salt, s.aead ? 12u : 14u});
	if (!s.aead)
		ok = ok && crypto::srtp_kdf(key, salt, label(KdfLabel::kSrtpAuth), auth);
	printf("\t\t  .%s = {\n\t\t\t.cipher_key = {\n%s },\n", rtcp ? "rtcp" : "rtp",
	       hex_list(cipher, sizeof(cipher), "\t\t\t\t").c_str());
	printf("\t\t\t.salt = {\n%s },\n", hex_list(session_salt, 14, "\t\t\t\t").c_str());
	printf("\t\t\t.auth_key = {\n%s } },\n", hex_list(auth, 20, "\t\t\t\t").c_str());
	return ok;
}

std::vector<Case> cases()
{
	std::vector<Case> out;
	for (const AbiSuite& a : kAbiSuites) {
		out.push_back(make_case(std::string(a.name) + " RTP", a.name));
		Case rtcp = make_case(std::string(a.name) + " RTCP", a.name);
		rtcp.rtcp = true;
		out.push_back(rtcp);
	}
	// The layouts and indices, on the default suite and on GCM.
	for (std::string_view n : {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"}) {
		std::string p(n);
		Case c = make_case(p + " RTP rollover 1, other SSRC", n);
		c.roc = 1;
		c.seq = 3;
		c.ssrc = 0xcafe0001;
		out.push_back(c);
		c = make_case(p + " RTP rollover 65537, seq 65535", n);
		c.roc = 65537;
		c.seq = 65535;
		out.push_back(c);
		c = make_case(p + " RTP with CSRCs and a header extension", n);
		c.extension = true;
		out.push_back(c);
		c = make_case(p + " RTP with a 4-byte MKI", n);
		c.mki = {0xde, 0xad, 0xbe, 0xef};
		out.push_back(c);
		c = make_case(p + " RTCP with a 1-byte MKI", n);
		c.rtcp = true;
		c.mki = {0x07};
		out.push_back(c);
		c = make_case(p + " RTCP, UNENCRYPTED_SRTCP", n);
		c.rtcp = true;
		c.flags = kUnencryptedSrtcp;
		out.push_back(c);
	}
	Case c = make_case("AES_CM_128_HMAC_SHA1_80 RTP, UNENCRYPTED_SRTP",
	                   "AES_CM_128_HMAC_SHA1_80");
	c.flags = kUnencryptedSrtp;
	out.push_back(c);
	c = make_case("AES_CM_128_HMAC_SHA1_80 RTP, UNAUTHENTICATED_SRTP",
	              "AES_CM_128_HMAC_SHA1_80");
	c.flags = kUnauthenticatedSrtp;
	out.push_back(c);
	c = make_case("AES_256_CM_HMAC_SHA1_32 RTP with a 2-byte MKI, rollover 2",
	              "AES_256_CM_HMAC_SHA1_32");
	c.mki = {0x01, 0x02};
	c.roc = 2;
	out.push_back(c);
	return out;
}

int abi_suite(std::string_view name)
{
	for (const AbiSuite& a : kAbiSuites)
		if (a.name == name)
			return a.abi;
	return 0;
}

} // namespace

int main()
{
	if (srtp_init() != srtp_err_status_ok) {
		fputs("gen-srtp-vectors: srtp_init failed\n", stderr);
		return 1;
	}
	printf("/* SPDX-License-Identifier: GPL-2.0 OR MIT */\n"
	       "/*\n"
	       " * srtp_vectors.h - generated by t/tools/gen_srtp_vectors.cc (make srtp-vectors),\n"
	       " * do not edit.  Known-answer packets for srtp.c: protected by libsrtp2\n"
	       " * (AES-192 by the daemon's transform, see the generator), with the session\n"
	       " * keys the daemon derives.  The selftest build (selftest.c) protects @plain\n"
	       " * into @wire and unprotects @wire into @plain.\n"
	       " */\n"
	       "#ifndef RTPRELAY_SRTP_VECTORS_H\n#define RTPRELAY_SRTP_VECTORS_H\n\n"
	       "#include \"uapi/rtprelay_abi.h\"\n\n"
	       "struct rp_srtp_vector {\n"
	       "\tconst char *name;\n"
	       "\tstruct rtprelay_srtp srtp;\n"
	       "\tint rtcp;\t\t/* 1: an RTCP packet */\n"
	       "\tunsigned int hdr;\t/* RTP header bytes */\n"
	       "\tunsigned long long index;\t/* RTP: ROC << 16 | SEQ; RTCP: SRTCP index */\n"
	       "\tunsigned int plain_len;\n"
	       "\tunsigned int wire_len;\n"
	       "\tconst unsigned char plain[64];\n"
	       "\tconst unsigned char wire[96];\n"
	       "};\n\n"
	       "static const struct rp_srtp_vector rp_srtp_vectors[] = {\n");
	for (const Case& c : cases()) {
		const sdp::SrtpSuite& s = suite_named(c.suite);
		Bytes master = master_for(s);
		Bytes plain = plain_packet(c);
		Bytes wire = plain;
		bool aes192 = c.suite.substr(0, 7) == "AES_192";
		uint32_t srtcp_index = 1; // libsrtp2's first SRTCP index
		bool ok = aes192 ? daemon_protect(c, master, wire, srtcp_index)
		                 : libsrtp_protect(c, master, wire);
		if (!ok || plain.size() > 64 || wire.size() > 96) {
			fprintf(stderr, "gen-srtp-vectors: cannot protect \"%s\"\n",
			        c.name.c_str());
			return 1;
		}
		uint64_t index = uint64_t{c.roc} << 16 | c.seq;
		if (c.rtcp) {
			// The index libsrtp2 sent with: E||index before MKI and (HMAC) tag.
			size_t at = wire.size() - c.mki.size() - 4 - (s.aead ? 0 : 10);
			index = (uint32_t{wire[at]} << 24 | uint32_t{wire[at + 1]} << 16 |
			         uint32_t{wire[at + 2]} << 8 | wire[at + 3]) &
			        0x7fffffffu;
		}
		printf("\t{ \"%s\",\n\t\t{ .suite = %d, .flags = %d, .mki_len = %zu,\n",
		       c.name.c_str(), abi_suite(c.suite), c.flags, c.mki.size());
		if (!c.mki.empty())
			printf("\t\t  .mki = { %s },\n",
			       hex_list(c.mki.data(), c.mki.size(), "").c_str());
		if (!print_keys(s, master, false) || !print_keys(s, master, true)) {
			fprintf(stderr, "gen-srtp-vectors: key derivation failed\n");
			return 1;
		}
		printf("\t\t},\n\t\t%d, %zu, %llu, %zu, %zu,\n", c.rtcp ? 1 : 0,
		       rtp_header_bytes(c), static_cast<unsigned long long>(index), plain.size(),
		       wire.size());
		printf("\t\t{\n%s },\n", hex_list(plain.data(), plain.size(), "\t\t\t").c_str());
		printf("\t\t{\n%s } },\n", hex_list(wire.data(), wire.size(), "\t\t\t").c_str());
	}
	printf("};\n\n#endif /* RTPRELAY_SRTP_VECTORS_H */\n");
	return 0;
}
