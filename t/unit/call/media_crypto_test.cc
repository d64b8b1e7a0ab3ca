// SDES in signalling for one m= line (call/media_crypto.h), driven as signalling drives it:
// the offerer's protocol from its SDP, the answerer's the one announced to it. Which a=crypto
// lines each party gets, which sessions each party's streams use, and that keys and rollover
// counters survive re-INVITEs that do not change them. Keys are checked by sending packets
// between the relay's sessions and sessions keyed from the lines a party sees or sent.
#include "call/media_crypto.h"

#include <cppunit/extensions/HelperMacros.h>

#include <cstring>
#include <string>
#include <vector>

#include "call_fixture.h"
#include "sdp/parser.h"

using namespace rtprelay;
using namespace rtprelay::call;
using crypto::SrtpKeying;
using crypto::SrtpSession;
using V = SrtpSession::Verdict;

namespace {

// Key and salt of 30 bytes (AES_CM_128_*) and of 28 (AEAD_AES_128_GCM).
const std::string kA = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0e";
const std::string kB = "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGC";
const std::string kC = "ycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm";
const std::string kGcm = "MjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSktMTQ==";

constexpr size_t kRtpLen = 12 + 160;

sdp::Session sdp_of(const std::string& protocol, const std::vector<std::string>& crypto)
{
	std::string text = "v=0\r\n"
	                   "o=- 1 1 IN IP4 192.0.2.1\r\n"
	                   "s=-\r\n"
	                   "c=IN IP4 192.0.2.1\r\n"
	                   "t=0 0\r\n"
	                   "m=audio 4000 " +
	                   protocol +
	                   " 0\r\n"
	                   "a=rtpmap:0 PCMU/8000\r\n";
	for (const std::string& c : crypto)
		text += "a=crypto:" + c + "\r\n";
	text += "a=sendrecv\r\n";
	auto s = sdp::parse(text);
	CPPUNIT_ASSERT_MESSAGE(s ? "" : s.error().reason, s);
	return std::move(s).value();
}

sdp::CryptoAttr line(const std::string& text)
{
	auto a = sdp::CryptoAttr::parse(text);
	CPPUNIT_ASSERT_MESSAGE(text, a);
	return std::move(a).value();
}

std::vector<uint8_t> key_of(const sdp::CryptoAttr& a)
{
	auto b = a.keys.front().bytes();
	return {b.begin(), b.end()};
}

std::vector<uint8_t> key_of(const SrtpSession& s)
{
	auto b = s.keying().key_salt();
	return {b.begin(), b.end()};
}

std::vector<uint8_t> rtp_packet(uint32_t ssrc, uint16_t seq)
{
	std::vector<uint8_t> p(kRtpLen + SrtpSession::kMaxTrailer, 0);
	p[0] = 0x80;
	p[2] = static_cast<uint8_t>(seq >> 8);
	p[3] = static_cast<uint8_t>(seq);
	for (int i = 0; i < 4; i++)
		p[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
	for (size_t i = 12; i < kRtpLen; i++)
		p[i] = static_cast<uint8_t>(i + seq);
	return p;
}

// The suites the relay offers, in its order (rtpengine's): every one this libsrtp2 makes a
// session of.
std::vector<const sdp::SrtpSuite*> keyable_suites()
{
	std::vector<const sdp::SrtpSuite*> out;
	for (const sdp::SrtpSuite& s : sdp::srtp_suites()) {
		std::vector<uint8_t> key(size_t{s.key_bytes} + s.salt_bytes, 1);
		if (SrtpSession::create(s, key, SrtpSession::Direction::kInbound))
			out.push_back(&s);
	}
	return out;
}

sdp::CryptoAttr line_of(const std::vector<sdp::CryptoAttr>& lines, const std::string& suite)
{
	for (const auto& a : lines)
		if (a.suite_name == suite)
			return a;
	CPPUNIT_FAIL("no line of " + suite);
	return {};
}

std::vector<std::string> texts(const std::vector<sdp::CryptoAttr>& lines)
{
	std::vector<std::string> out;
	out.reserve(lines.size());
	for (const auto& a : lines)
		out.push_back(a.to_string());
	return out;
}

// A party's end of SRTP: keyed from an a=crypto line, one direction.
SrtpSession endpoint(const sdp::CryptoAttr& a, SrtpSession::Direction dir)
{
	auto s = SrtpSession::create(SrtpKeying::from(a), dir);
	CPPUNIT_ASSERT(s);
	return std::move(s).value();
}

// `from` protects RTP of `ssrc` at `seq`, `to` unprotects it; true when it arrives intact.
bool carries(SrtpSession& from, SrtpSession& to, uint32_t ssrc, uint16_t seq)
{
	auto plain = rtp_packet(ssrc, seq);
	auto p = plain;
	size_t len = kRtpLen;
	if (from.protect(p.data(), len, p.size(), false) != V::kOk)
		return false;
	return to.unprotect(p.data(), len, false) == V::kOk && len == kRtpLen &&
	       memcmp(p.data(), plain.data(), kRtpLen) == 0;
}

// `from` to `to` for sequence numbers 65530 to 3: the rollover counter becomes 1.
bool carries_across_the_wrap(SrtpSession& from, SrtpSession& to, uint32_t ssrc)
{
	for (uint16_t seq = 65530; seq != 4; seq++)
		if (!carries(from, to, ssrc, seq))
			return false;
	return true;
}

} // namespace

class MediaCryptoTest : public test::CallFixture {
	CPPUNIT_TEST_SUITE(MediaCryptoTest);
	CPPUNIT_TEST(srtp_offerer_with_a_plain_answerer_is_translated);
	CPPUNIT_TEST(plain_offerer_announced_srtp_gets_the_answerer_keyed);
	CPPUNIT_TEST(answerer_taking_the_offerers_suite_is_passed_through);
	CPPUNIT_TEST(answerer_taking_a_relay_suite_is_translated_both_ways);
	CPPUNIT_TEST(unchanged_reinvite_keeps_sessions_and_keys);
	CPPUNIT_TEST(offerer_rekey_carries_the_rollover_counter);
	CPPUNIT_TEST(offerer_rekey_after_moving_starts_a_new_context);
	CPPUNIT_TEST(second_rekey_before_any_packet_keeps_the_rollover_counter);
	CPPUNIT_TEST(offerer_going_plain_drops_the_sessions);
	CPPUNIT_TEST(answer_matching_no_offered_line_warns_and_stays_plain);
	CPPUNIT_TEST(answer_with_an_unknown_suite_warns_and_stays_plain);
	CPPUNIT_TEST(osrtp_offerer_answered_plain_needs_osrtp_accept);
	CPPUNIT_TEST(osrtp_offer_keys_the_answerer_only);
	CPPUNIT_TEST(sdes_off_offers_no_lines);
	CPPUNIT_TEST(sdes_no_and_only_filter_the_offer);
	CPPUNIT_TEST(write_sdes_puts_the_lines_where_the_first_was);
	CPPUNIT_TEST_SUITE_END();

	Media* offerer_ = nullptr;
	Media* answerer_ = nullptr;

	// The offer as signalling makes it: the offerer's protocol from its SDP (read_party), the
	// answerer's the announced one, else the same (offer_media).
	void offer(const sdp::Session& s, const std::string& announced = "",
	           const SignalOptions& options = {})
	{
		const sdp::Media& section = s.media().front();
		offerer_->protocol = section.protocol();
		answerer_->protocol = announced.empty() ? offerer_->protocol : announced;
		auto r = offer_sdes(*offerer_, *answerer_, section, options);
		CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().reason, r);
	}

	std::vector<std::string> answer(const sdp::Session& s, const SignalOptions& options = {})
	{
		const sdp::Media& section = s.media().front();
		answerer_->protocol = section.protocol();
		std::vector<std::string> warnings;
		auto r = answer_sdes(*answerer_, *offerer_, section, options, warnings);
		CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().reason, r);
		return warnings;
	}

	static bool plain(const Media& m)
	{
		return !m.decrypt && !m.encrypt && !m.rtp.decrypt && !m.rtp.encrypt &&
		       !m.rtcp.decrypt && !m.rtcp.encrypt;
	}

	// Both of the party's streams use its sessions.
	static bool streams_use_sessions(const Media& m)
	{
		return m.decrypt && m.encrypt && m.rtp.decrypt == &*m.decrypt &&
		       m.rtcp.decrypt == &*m.decrypt && m.rtp.encrypt == &*m.encrypt &&
		       m.rtcp.encrypt == &*m.encrypt;
	}

	// The relay's sessions with `m` work with a party that sends with `sent` and reads with
	// `got` (the line the relay wrote to it).
	static void check_keys(Media& m, const sdp::CryptoAttr& sent, const sdp::CryptoAttr& got,
	                       uint32_t ssrc)
	{
		CPPUNIT_ASSERT(streams_use_sessions(m));
		CPPUNIT_ASSERT(key_of(*m.decrypt) == key_of(sent));
		CPPUNIT_ASSERT(key_of(*m.encrypt) == key_of(got));
		auto party_out = endpoint(sent, SrtpSession::Direction::kOutbound);
		auto party_in = endpoint(got, SrtpSession::Direction::kInbound);
		CPPUNIT_ASSERT(carries(party_out, *m.decrypt, ssrc, 1));
		CPPUNIT_ASSERT(carries(*m.encrypt, party_in, ssrc, 1));
	}

public:
	void setUp() override
	{
		CallFixture::setUp();
		Monologue& a = pair("A", "B");
		offerer_ = a.medias.front().get();
		answerer_ = a.peer->medias.front().get();
	}

	void srtp_offerer_with_a_plain_answerer_is_translated()
	{
		auto offered = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kA);
		offer(sdp_of("RTP/SAVP", {offered.to_string()}), "RTP/AVP");
		CPPUNIT_ASSERT(answerer_->crypto_out.empty());

		CPPUNIT_ASSERT(answer(sdp_of("RTP/AVP", {})).empty());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, offerer_->crypto_out.size());
		const sdp::CryptoAttr& got = offerer_->crypto_out.front();
		CPPUNIT_ASSERT_EQUAL(uint32_t{1}, got.tag);
		CPPUNIT_ASSERT_EQUAL(std::string("AES_CM_128_HMAC_SHA1_80"), got.suite_name);
		CPPUNIT_ASSERT(key_of(got) != key_of(offered));
		check_keys(*offerer_, offered, got, 0x100);
		CPPUNIT_ASSERT(plain(*answerer_));
		CPPUNIT_ASSERT(answerer_->crypto_out.empty());
	}

	void plain_offerer_announced_srtp_gets_the_answerer_keyed()
	{
		offer(sdp_of("RTP/AVP", {}), "RTP/SAVP");
		const auto& lines = answerer_->crypto_out;
		auto suites = keyable_suites();
		CPPUNIT_ASSERT_EQUAL(suites.size(), lines.size());
		for (size_t i = 0; i < lines.size(); i++) {
			CPPUNIT_ASSERT_EQUAL(static_cast<uint32_t>(i + 1), lines[i].tag);
			CPPUNIT_ASSERT(lines[i].suite == suites[i]);
			CPPUNIT_ASSERT_EQUAL(std::string(suites[i]->name), lines[i].suite_name);
		}
		// Tag 7 when this libsrtp2 keys all ten suites.
		sdp::CryptoAttr relay7 = line_of(lines, "AES_CM_128_HMAC_SHA1_80");

		auto theirs =
		        line(std::to_string(relay7.tag) + " AES_CM_128_HMAC_SHA1_80 inline:" + kB);
		CPPUNIT_ASSERT(answer(sdp_of("RTP/SAVP", {theirs.to_string()})).empty());
		check_keys(*answerer_, theirs, relay7, 0x200);
		CPPUNIT_ASSERT(texts(answerer_->crypto_out) == texts({relay7}));
		CPPUNIT_ASSERT(offerer_->crypto_out.empty());
		CPPUNIT_ASSERT(plain(*offerer_));
	}

	void answerer_taking_the_offerers_suite_is_passed_through()
	{
		auto offered = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kA);
		offer(sdp_of("RTP/SAVP", {offered.to_string()}));
		CPPUNIT_ASSERT_EQUAL(keyable_suites().size(), answerer_->crypto_out.size());
		CPPUNIT_ASSERT_EQUAL(offered.to_string(),
		                     answerer_->crypto_out.front().to_string());

		auto theirs = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kB);
		CPPUNIT_ASSERT(answer(sdp_of("RTP/SAVP", {theirs.to_string()})).empty());
		CPPUNIT_ASSERT(plain(*offerer_));
		CPPUNIT_ASSERT(plain(*answerer_));
		CPPUNIT_ASSERT(texts(offerer_->crypto_out) == texts({theirs}));
		CPPUNIT_ASSERT(texts(answerer_->crypto_out) == texts({offered}));
	}

	void answerer_taking_a_relay_suite_is_translated_both_ways()
	{
		auto offered = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kA);
		offer(sdp_of("RTP/SAVP", {offered.to_string()}));
		// After the copied line: AEAD_AES_256_GCM as tag 2, AEAD_AES_128_GCM as tag 3.
		sdp::CryptoAttr relay3 = answerer_->crypto_out.at(2);
		CPPUNIT_ASSERT_EQUAL(std::string("3 AEAD_AES_128_GCM"),
		                     relay3.to_string().substr(0, 18));

		auto theirs = line("3 AEAD_AES_128_GCM inline:" + kGcm);
		CPPUNIT_ASSERT(answer(sdp_of("RTP/SAVP", {theirs.to_string()})).empty());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, offerer_->crypto_out.size());
		sdp::CryptoAttr to_offerer = offerer_->crypto_out.front();
		CPPUNIT_ASSERT_EQUAL(uint32_t{1}, to_offerer.tag);
		CPPUNIT_ASSERT(to_offerer.suite == offered.suite);
		CPPUNIT_ASSERT(key_of(to_offerer) != key_of(offered));
		check_keys(*offerer_, offered, to_offerer, 0x300);
		check_keys(*answerer_, theirs, relay3, 0x301);
		CPPUNIT_ASSERT(texts(answerer_->crypto_out) == texts({relay3}));

		// End to end: the offerer's SRTP reaches the answerer re-keyed.
		auto offerer_out = endpoint(offered, SrtpSession::Direction::kOutbound);
		auto answerer_in = endpoint(relay3, SrtpSession::Direction::kInbound);
		auto plain_packet = rtp_packet(0x302, 9);
		auto p = plain_packet;
		size_t len = kRtpLen;
		CPPUNIT_ASSERT(offerer_out.protect(p.data(), len, p.size(), false) == V::kOk);
		CPPUNIT_ASSERT(offerer_->rtp.decrypt->unprotect(p.data(), len, false) == V::kOk);
		CPPUNIT_ASSERT(answerer_->rtp.encrypt->protect(p.data(), len, p.size(), false) ==
		               V::kOk);
		CPPUNIT_ASSERT_EQUAL(kRtpLen + 16, len);
		CPPUNIT_ASSERT(answerer_in.unprotect(p.data(), len, false) == V::kOk);
		CPPUNIT_ASSERT(len == kRtpLen && memcmp(p.data(), plain_packet.data(), len) == 0);
	}

	// A re-INVITE that changes nothing changes no key: the relay's lines are the same, and
	// each session goes on where it was (rollover counter and replay window), so media
	// flowing across the re-INVITE is not disturbed.
	void unchanged_reinvite_keeps_sessions_and_keys()
	{
		auto offered = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kA);
		auto theirs = line("3 AEAD_AES_128_GCM inline:" + kGcm);
		sdp::Session offer_sdp = sdp_of("RTP/SAVP", {offered.to_string()});
		sdp::Session answer_sdp = sdp_of("RTP/SAVP", {theirs.to_string()});
		offer(offer_sdp);
		auto first_offer = texts(answerer_->crypto_out);
		answer(answer_sdp);
		auto first_answer = texts(offerer_->crypto_out);
		sdp::CryptoAttr to_offerer = offerer_->crypto_out.front();
		sdp::CryptoAttr to_answerer = answerer_->crypto_out.front();

		const uint32_t ssrc = 0x400;
		auto offerer_out = endpoint(offered, SrtpSession::Direction::kOutbound);
		auto offerer_in = endpoint(to_offerer, SrtpSession::Direction::kInbound);
		auto answerer_out = endpoint(theirs, SrtpSession::Direction::kOutbound);
		auto answerer_in = endpoint(to_answerer, SrtpSession::Direction::kInbound);
		CPPUNIT_ASSERT(carries_across_the_wrap(offerer_out, *offerer_->decrypt, ssrc));
		CPPUNIT_ASSERT(carries_across_the_wrap(*offerer_->encrypt, offerer_in, ssrc));
		CPPUNIT_ASSERT(carries_across_the_wrap(answerer_out, *answerer_->decrypt, ssrc));
		CPPUNIT_ASSERT(carries_across_the_wrap(*answerer_->encrypt, answerer_in, ssrc));
		auto last = rtp_packet(ssrc, 4);
		size_t last_len = kRtpLen;
		CPPUNIT_ASSERT(offerer_out.protect(last.data(), last_len, last.size(), false) ==
		               V::kOk);
		auto replayed = last;
		size_t replayed_len = last_len;
		CPPUNIT_ASSERT(offerer_->decrypt->unprotect(last.data(), last_len, false) ==
		               V::kOk);
		const SrtpSession* sessions[] = {&*offerer_->decrypt, &*offerer_->encrypt,
		                                 &*answerer_->decrypt, &*answerer_->encrypt};

		for (int round = 0; round < 2; round++) {
			offer(offer_sdp);
			CPPUNIT_ASSERT(texts(answerer_->crypto_out) == first_offer);
			answer(answer_sdp);
			CPPUNIT_ASSERT(texts(offerer_->crypto_out) == first_answer);
			CPPUNIT_ASSERT(texts(answerer_->crypto_out) == texts({to_answerer}));
			CPPUNIT_ASSERT(streams_use_sessions(*offerer_));
			CPPUNIT_ASSERT(streams_use_sessions(*answerer_));
			const SrtpSession* now[] = {&*offerer_->decrypt, &*offerer_->encrypt,
			                            &*answerer_->decrypt, &*answerer_->encrypt};
			for (size_t i = 0; i < 4; i++) {
				CPPUNIT_ASSERT_EQUAL(sessions[i], now[i]);
				CPPUNIT_ASSERT(now[i]->roc(ssrc) == 1u);
			}
			// The very same session: it still knows the packet it took before.
			auto p = replayed;
			size_t len = replayed_len;
			CPPUNIT_ASSERT(offerer_->decrypt->unprotect(p.data(), len, false) ==
			               V::kReplay);
		}
		CPPUNIT_ASSERT(carries(offerer_out, *offerer_->decrypt, ssrc, 5));
		CPPUNIT_ASSERT(carries(*offerer_->encrypt, offerer_in, ssrc, 4));
		CPPUNIT_ASSERT(carries(answerer_out, *answerer_->decrypt, ssrc, 4));
		CPPUNIT_ASSERT(carries(*answerer_->encrypt, answerer_in, ssrc, 4));
	}

	// RFC 3711 3.3.1: the rollover counter belongs to the SSRC, not the key; a party that
	// re-keys from the same address continues its count.
	void offerer_rekey_carries_the_rollover_counter()
	{
		const uint32_t ssrc = 0x500;
		auto old_key = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kA);
		auto new_key = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kC);
		offer(sdp_of("RTP/SAVP", {old_key.to_string()}), "RTP/AVP");
		answer(sdp_of("RTP/AVP", {}));
		sdp::CryptoAttr to_offerer = offerer_->crypto_out.front();
		auto sender = endpoint(old_key, SrtpSession::Direction::kOutbound);
		CPPUNIT_ASSERT(carries_across_the_wrap(sender, *offerer_->decrypt, ssrc));
		auto reader = endpoint(to_offerer, SrtpSession::Direction::kInbound);
		CPPUNIT_ASSERT(carries_across_the_wrap(*offerer_->encrypt, reader, ssrc));

		offer(sdp_of("RTP/SAVP", {new_key.to_string()}), "RTP/AVP");
		answer(sdp_of("RTP/AVP", {}));
		CPPUNIT_ASSERT(key_of(*offerer_->decrypt) == key_of(new_key));
		CPPUNIT_ASSERT(offerer_->decrypt->roc(ssrc) == 1u);
		CPPUNIT_ASSERT(!offerer_->moved);
		CPPUNIT_ASSERT(streams_use_sessions(*offerer_));
		// The relay's own key did not change, nor its session.
		CPPUNIT_ASSERT(texts(offerer_->crypto_out) == texts({to_offerer}));
		CPPUNIT_ASSERT(offerer_->encrypt->roc(ssrc) == 1u);
		CPPUNIT_ASSERT(carries(*offerer_->encrypt, reader, ssrc, 4));

		// The offerer goes on, at rollover counter 1, with its new key.
		auto resumed = endpoint(new_key, SrtpSession::Direction::kOutbound);
		CPPUNIT_ASSERT(resumed.resume(ssrc, 1));
		CPPUNIT_ASSERT(carries(resumed, *offerer_->decrypt, ssrc, 4));
		CPPUNIT_ASSERT(offerer_->decrypt->roc(ssrc) == 1u);
	}

	// RFC 4568 7.1.4: a new address with a new key is a new crypto context.
	void offerer_rekey_after_moving_starts_a_new_context()
	{
		const uint32_t ssrc = 0x600;
		auto old_key = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kA);
		auto new_key = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kC);
		offer(sdp_of("RTP/SAVP", {old_key.to_string()}), "RTP/AVP");
		answer(sdp_of("RTP/AVP", {}));
		auto sender = endpoint(old_key, SrtpSession::Direction::kOutbound);
		CPPUNIT_ASSERT(carries_across_the_wrap(sender, *offerer_->decrypt, ssrc));

		offer(sdp_of("RTP/SAVP", {new_key.to_string()}), "RTP/AVP");
		offerer_->moved = true; // as signalling sets it when the SDP address changed
		answer(sdp_of("RTP/AVP", {}));
		CPPUNIT_ASSERT(key_of(*offerer_->decrypt) == key_of(new_key));
		CPPUNIT_ASSERT(!offerer_->decrypt->roc(ssrc));
		CPPUNIT_ASSERT(!offerer_->moved);
		auto fresh = endpoint(new_key, SrtpSession::Direction::kOutbound);
		CPPUNIT_ASSERT(carries(fresh, *offerer_->decrypt, ssrc, 1));
		CPPUNIT_ASSERT(offerer_->decrypt->roc(ssrc) == 0u);
	}

	// Hold and resume, each re-INVITE with a new key (as many phones do), while the party
	// sends nothing: the second re-key must still know the rollover counter the first one
	// carried over, or the party's packets fail authentication once it sends again.
	void second_rekey_before_any_packet_keeps_the_rollover_counter()
	{
		const uint32_t ssrc = 0x650;
		auto first = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kA);
		auto second = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kB);
		auto third = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kC);
		offer(sdp_of("RTP/SAVP", {first.to_string()}), "RTP/AVP");
		answer(sdp_of("RTP/AVP", {}));
		auto sender = endpoint(first, SrtpSession::Direction::kOutbound);
		CPPUNIT_ASSERT(carries_across_the_wrap(sender, *offerer_->decrypt, ssrc));

		for (const auto* next : {&second, &third}) {
			offer(sdp_of("RTP/SAVP", {next->to_string()}), "RTP/AVP");
			answer(sdp_of("RTP/AVP", {}));
			CPPUNIT_ASSERT(key_of(*offerer_->decrypt) == key_of(*next));
			CPPUNIT_ASSERT(offerer_->decrypt->roc(ssrc) == 1u);
			crypto::SrtpState st = offerer_->decrypt->state();
			CPPUNIT_ASSERT_EQUAL(uint8_t{1}, st.ssrc_count);
			CPPUNIT_ASSERT_EQUAL(ssrc, st.ssrcs[0].ssrc);
			CPPUNIT_ASSERT_EQUAL(uint32_t{1}, st.ssrcs[0].roc);
		}
		auto resumed = endpoint(third, SrtpSession::Direction::kOutbound);
		CPPUNIT_ASSERT(resumed.resume(ssrc, 1));
		CPPUNIT_ASSERT(carries(resumed, *offerer_->decrypt, ssrc, 4));
		CPPUNIT_ASSERT(offerer_->decrypt->roc(ssrc) == 1u);
	}

	void offerer_going_plain_drops_the_sessions()
	{
		offer(sdp_of("RTP/SAVP", {"1 AES_CM_128_HMAC_SHA1_80 inline:" + kA}), "RTP/AVP");
		answer(sdp_of("RTP/AVP", {}));
		CPPUNIT_ASSERT(streams_use_sessions(*offerer_));
		offer(sdp_of("RTP/AVP", {}));
		answer(sdp_of("RTP/AVP", {}));
		CPPUNIT_ASSERT(plain(*offerer_));
		CPPUNIT_ASSERT(offerer_->crypto_out.empty());
	}

	void answer_matching_no_offered_line_warns_and_stays_plain()
	{
		SignalOptions o;
		o.sdes.only = {"AES_CM_128_HMAC_SHA1_80"};
		offer(sdp_of("RTP/AVP", {}), "RTP/SAVP", o);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, answerer_->crypto_out.size());

		auto warnings =
		        answer(sdp_of("RTP/SAVP", {"1 AEAD_AES_128_GCM inline:" + kGcm}), o);
		CPPUNIT_ASSERT_EQUAL(size_t{1}, warnings.size());
		CPPUNIT_ASSERT_MESSAGE(warnings[0],
		                       warnings[0].find("matches no line") != std::string::npos);
		CPPUNIT_ASSERT(plain(*answerer_));
		CPPUNIT_ASSERT(answerer_->crypto_out.empty());
		CPPUNIT_ASSERT(plain(*offerer_));
		CPPUNIT_ASSERT(offerer_->crypto_out.empty());
	}

	// The relay never offers a suite it cannot key (F8 among them), so an answer in one
	// matches nothing it offered either.
	void answer_with_an_unknown_suite_warns_and_stays_plain()
	{
		offer(sdp_of("RTP/AVP", {}), "RTP/SAVP");
		auto warnings = answer(sdp_of("RTP/SAVP", {"1 F8_128_HMAC_SHA1_80 inline:" + kA}));
		CPPUNIT_ASSERT_EQUAL(size_t{1}, warnings.size());
		CPPUNIT_ASSERT(plain(*answerer_));
		CPPUNIT_ASSERT(answerer_->crypto_out.empty());
	}

	// RFC 8643: RTP/AVP with a=crypto offers SRTP without insisting on it.
	void osrtp_offerer_answered_plain_needs_osrtp_accept()
	{
		auto offered = line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kA);
		sdp::Session offer_sdp = sdp_of("RTP/AVP", {offered.to_string()});
		offer(offer_sdp);
		CPPUNIT_ASSERT_EQUAL(keyable_suites().size(), answerer_->crypto_out.size());
		CPPUNIT_ASSERT_EQUAL(offered.to_string(),
		                     answerer_->crypto_out.front().to_string());
		CPPUNIT_ASSERT(answer(sdp_of("RTP/AVP", {})).empty());
		CPPUNIT_ASSERT(offerer_->crypto_out.empty());
		CPPUNIT_ASSERT(plain(*offerer_) && plain(*answerer_));

		SignalOptions accept;
		accept.osrtp_accept = true;
		offer(offer_sdp);
		CPPUNIT_ASSERT(answer(sdp_of("RTP/AVP", {}), accept).empty());
		CPPUNIT_ASSERT_EQUAL(size_t{1}, offerer_->crypto_out.size());
		sdp::CryptoAttr got = offerer_->crypto_out.front();
		CPPUNIT_ASSERT_EQUAL(uint32_t{1}, got.tag);
		CPPUNIT_ASSERT(key_of(got) != key_of(offered));
		check_keys(*offerer_, offered, got, 0x700);
		CPPUNIT_ASSERT(plain(*answerer_));
	}

	void osrtp_offer_keys_the_answerer_only()
	{
		SignalOptions o;
		o.osrtp_offer = true;
		offer(sdp_of("RTP/AVP", {}), "", o);
		CPPUNIT_ASSERT_EQUAL(keyable_suites().size(), answerer_->crypto_out.size());
		sdp::CryptoAttr relay7 = line_of(answerer_->crypto_out, "AES_CM_128_HMAC_SHA1_80");
		auto theirs =
		        line(std::to_string(relay7.tag) + " AES_CM_128_HMAC_SHA1_80 inline:" + kB);
		CPPUNIT_ASSERT(answer(sdp_of("RTP/AVP", {theirs.to_string()}), o).empty());
		check_keys(*answerer_, theirs, relay7, 0x800);
		CPPUNIT_ASSERT(plain(*offerer_));
		CPPUNIT_ASSERT(offerer_->crypto_out.empty());
	}

	void sdes_off_offers_no_lines()
	{
		SignalOptions o;
		o.sdes.off = true;
		offer(sdp_of("RTP/SAVP", {"1 AES_CM_128_HMAC_SHA1_80 inline:" + kA}), "", o);
		CPPUNIT_ASSERT(answerer_->crypto_out.empty());
		offer(sdp_of("RTP/AVP", {}), "RTP/SAVP", o);
		CPPUNIT_ASSERT(answerer_->crypto_out.empty());
	}

	void sdes_no_and_only_filter_the_offer()
	{
		SignalOptions o;
		o.sdes.no = {"aead_aes_256_gcm", "AES_CM_128_HMAC_SHA1_32"};
		offer(sdp_of("RTP/AVP", {}), "RTP/SAVP", o);
		const auto& lines = answerer_->crypto_out;
		CPPUNIT_ASSERT_EQUAL(keyable_suites().size() - 2, lines.size());
		CPPUNIT_ASSERT_EQUAL(std::string("AEAD_AES_128_GCM"), lines.front().suite_name);
		for (size_t i = 0; i < lines.size(); i++) {
			CPPUNIT_ASSERT_EQUAL(static_cast<uint32_t>(i + 1), lines[i].tag);
			CPPUNIT_ASSERT(lines[i].suite_name != "AEAD_AES_256_GCM" &&
			               lines[i].suite_name != "AES_CM_128_HMAC_SHA1_32");
		}

		// A refused suite of the offerer's is not copied; the relay's tags follow its.
		o.sdes.no = {"AES_CM_128_HMAC_SHA1_80"};
		offer(sdp_of("RTP/SAVP", {"1 AES_CM_128_HMAC_SHA1_80 inline:" + kA}), "", o);
		CPPUNIT_ASSERT_EQUAL(keyable_suites().size() - 1, lines.size());
		CPPUNIT_ASSERT_EQUAL(uint32_t{2}, lines.front().tag);
		for (const auto& a : lines)
			CPPUNIT_ASSERT(a.suite_name != "AES_CM_128_HMAC_SHA1_80");

		// only= wins over no=.
		o.sdes.only = {"AES_CM_128_HMAC_SHA1_80", "AEAD_AES_128_GCM"};
		o.sdes.no = {"AEAD_AES_128_GCM"};
		offer(sdp_of("RTP/SAVP", {"1 AES_CM_128_HMAC_SHA1_80 inline:" + kA}), "", o);
		CPPUNIT_ASSERT_EQUAL(size_t{2}, lines.size());
		CPPUNIT_ASSERT_EQUAL("1 AES_CM_128_HMAC_SHA1_80 inline:" + kA,
		                     lines[0].to_string());
		CPPUNIT_ASSERT_EQUAL(std::string("AEAD_AES_128_GCM"), lines[1].suite_name);
		CPPUNIT_ASSERT_EQUAL(uint32_t{2}, lines[1].tag);
	}

	void write_sdes_puts_the_lines_where_the_first_was()
	{
		sdp::Session s = sdp_of("RTP/SAVP", {"1 AES_CM_128_HMAC_SHA1_80 inline:" + kA,
		                                     "2 AES_CM_128_HMAC_SHA1_32 inline:" + kA});
		sdp::Media& section = s.media().front();
		// A line between the two a=crypto, to see where the new ones go.
		auto& raw = section.lines();
		raw.insert(raw.begin() + static_cast<long>(*section.find_attr("crypto")) + 1,
		           sdp::Line{'a', "ptime:20"});
		answerer_->crypto_out = {line("5 AEAD_AES_128_GCM inline:" + kGcm),
		                         line("6 AES_CM_128_HMAC_SHA1_80 inline:" + kB)};
		write_sdes(section, *answerer_);
		std::vector<std::string> want = {"m=audio 4000 RTP/SAVP 0",
		                                 "a=rtpmap:0 PCMU/8000",
		                                 "a=crypto:5 AEAD_AES_128_GCM inline:" + kGcm,
		                                 "a=crypto:6 AES_CM_128_HMAC_SHA1_80 inline:" + kB,
		                                 "a=ptime:20",
		                                 "a=sendrecv"};
		std::vector<std::string> got;
		for (const sdp::Line& l : section.lines())
			got.push_back(std::string(1, l.type) + "=" + l.value);
		CPPUNIT_ASSERT(got == want);

		// No lines for the party: every a=crypto goes.
		answerer_->crypto_out.clear();
		write_sdes(section, *answerer_);
		CPPUNIT_ASSERT(!section.has_attr("crypto"));
		CPPUNIT_ASSERT_EQUAL(size_t{4}, section.lines().size());

		// A section without a=crypto gets them after its other attributes.
		answerer_->crypto_out = {line("1 AES_CM_128_HMAC_SHA1_80 inline:" + kB)};
		write_sdes(section, *answerer_);
		CPPUNIT_ASSERT_EQUAL(std::string("crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + kB),
		                     section.lines().back().value);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MediaCryptoTest);
