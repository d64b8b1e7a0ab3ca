// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/media_crypto.h"

#include <algorithm>

#include "call/call.h"
#include "crypto/sdes_answer.h"
#include "crypto/sdes_offer.h"
#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::call {
namespace {

using crypto::SrtpKeying;
using crypto::SrtpSession;

// The a=crypto lines of a section. The parser has checked them: one that fails here is
// skipped.
std::vector<sdp::CryptoAttr> read_lines(const sdp::Media& section)
{
	std::vector<sdp::CryptoAttr> out;
	for (std::string_view v : section.attrs("crypto"))
		if (auto a = sdp::CryptoAttr::parse(v))
			out.push_back(std::move(*a));
	return out;
}

bool keyable(const std::vector<sdp::CryptoAttr>& lines)
{
	return std::any_of(lines.begin(), lines.end(),
	                   [](const sdp::CryptoAttr& a) { return a.suite != nullptr; });
}

bool same_key(const sdp::CryptoKey& a, const sdp::CryptoKey& b)
{
	return a.length == b.length && a.material == b.material;
}

const sdp::CryptoAttr* by_suite(const std::vector<sdp::CryptoAttr>& lines,
                                const sdp::SrtpSuite* suite)
{
	auto it = std::find_if(lines.begin(), lines.end(),
	                       [suite](const sdp::CryptoAttr& a) { return a.suite == suite; });
	return it == lines.end() ? nullptr : &*it;
}

// The line of `lines` the other side's `chosen` answers: the same tag and suite (RFC 4568
// 5.1.2), else the same suite.
const sdp::CryptoAttr* answered_line(const std::vector<sdp::CryptoAttr>& lines,
                                     const sdp::CryptoAttr& chosen)
{
	for (const auto& a : lines)
		if (a.tag == chosen.tag && a.suite == chosen.suite)
			return &a;
	return by_suite(lines, chosen.suite);
}

// A line the relay keyed itself takes the key it made for that suite before, if any, so that
// a party sees the same key for the call's life; a new one is remembered.
void keep_own_key(Media& m, sdp::CryptoAttr& line)
{
	if (const sdp::CryptoAttr* old = by_suite(m.own_keys, line.suite)) {
		sdp::CryptoKey& k = line.keys.front();
		k.material = old->keys.front().material;
		k.length = old->keys.front().length;
		return;
	}
	// A rebuilt call (call/journal.h) takes the key it had.
	sdp::CryptoKey& k = line.keys.front();
	std::string key = m.monologue.journal.secret(
	        std::string(k.material.begin(), k.material.begin() + k.length));
	if (key.size() <= k.material.size()) {
		std::copy(key.begin(), key.end(), k.material.begin());
		k.length = static_cast<uint8_t>(key.size());
	}
	m.own_keys.push_back(line);
}

// Whether the party of `m` gets a=crypto in an offer: an SRTP protocol, or opportunistic SRTP
// (RFC 8643) when asked, or when the offerer spoke it.
bool offers_sdes(const Media& offerer, const Media& answerer, const SignalOptions& o)
{
	sdp::Protocol to = sdp::protocol_from_name(answerer.protocol);
	if (sdp::is_srtp(to))
		return !sdp::is_dtls(to);
	if (!sdp::is_rtp(to))
		return false;
	bool offerer_osrtp = !sdp::is_srtp(sdp::protocol_from_name(offerer.protocol)) &&
	                     keyable(offerer.crypto_in);
	return o.osrtp_offer || offerer_osrtp;
}

// Where each SSRC of `m`'s party stands while the relay still counts its packets: the old
// session's state, or, when SRTP was passed through, the relay's own RFC 3550 count of the
// party's RTP (extended highest sequence number: rollover counter and sequence).
crypto::SrtpState where_ssrcs_stand(const std::optional<SrtpSession>& old, const Stream& rtp)
{
	if (old)
		return old->state();
	crypto::SrtpState s;
	for (size_t i = 0; i < rtp.stats.ssrc_count && s.ssrc_count < s.ssrcs.size(); i++) {
		const media::SsrcStats& st = rtp.stats.ssrcs[i];
		uint32_t ext = st.extended_highest();
		s.ssrcs[s.ssrc_count++] = {st.ssrc(), ext >> 16, static_cast<uint16_t>(ext)};
	}
	return s;
}

// One slot of a party's sessions made to match `want`: kept while its key is the same (its
// rollover counters go on), else replaced. A new key for the same party continues each
// SSRC where it stood (RFC 3711 3.3.1: a re-key never resets the rollover counter) unless
// the party moved, which starts a new crypto context (RFC 4568 7.1.4).
Result<void> rekey(std::optional<SrtpSession>& slot, const std::optional<SrtpKeying>& want,
                   SrtpSession::Direction dir, const Media& m)
{
	if (!want) {
		slot.reset();
		return {};
	}
	if (slot && slot->keying() == *want)
		return {};
	auto fresh = SrtpSession::create(*want, dir);
	if (!fresh)
		return fresh.error();
	// Outbound, the relay's own count is of the other party's packets: only a session of
	// the relay's own says where they stood.
	bool known = slot || dir == SrtpSession::Direction::kInbound;
	if (known && !m.moved) {
		crypto::SrtpState was = where_ssrcs_stand(slot, m.rtp);
		for (size_t i = 0; i < was.ssrc_count; i++)
			if (auto r = fresh->resume(was.ssrcs[i]); !r)
				return r;
	}
	slot = std::move(*fresh);
	return {};
}

// The keys one party's sessions get: what it sends with, and what the relay sends it with.
struct Keys {
	std::optional<SrtpKeying> decrypt, encrypt;
};

Result<void> apply(Media& m, const Keys& k)
{
	if (sdp::is_dtls(sdp::protocol_from_name(m.protocol)))
		return {}; // keyed by its DTLS association (call/media_dtls.h), not by SDES
	if (auto r = rekey(m.decrypt, k.decrypt, SrtpSession::Direction::kInbound, m); !r)
		return r;
	if (auto r = rekey(m.encrypt, k.encrypt, SrtpSession::Direction::kOutbound, m); !r)
		return r;
	m.moved = false;
	for (Stream* s : {&m.rtp, &m.rtcp}) {
		s->decrypt = m.decrypt ? &*m.decrypt : nullptr;
		s->encrypt = m.encrypt ? &*m.encrypt : nullptr;
	}
	return {};
}

// The answerer's choice among the lines the relay offered it: its line and the relay's line it
// answers. Both null when it answered plain, or with a line the relay never offered (warned:
// media with it stays plain).
struct Choice {
	const sdp::CryptoAttr* theirs = nullptr;
	const sdp::CryptoAttr* ours = nullptr;
};

Choice answerer_choice(const Media& answerer, std::vector<std::string>& warnings)
{
	Choice c;
	if (answerer.crypto_in.empty())
		return c;
	const sdp::CryptoAttr& theirs = answerer.crypto_in.front();
	c.ours = answered_line(answerer.crypto_out, theirs);
	if (c.ours)
		c.theirs = &theirs;
	else
		warnings.push_back(
		        strprintf("m= line %d: the answer's a=crypto (tag %u) matches no "
		                  "line the relay offered; media to and from the "
		                  "answerer stays plain",
		                  answerer.index, theirs.tag));
	return c;
}

// What an answer gives an offerer that speaks SRTP: its one a=crypto line (the answerer's key
// when both keyed each other, pass-through; else the relay's) and its sessions' keys.
struct OffererSide {
	std::optional<sdp::CryptoAttr> line;
	Keys keys;
	bool passthrough = false;
};

Result<OffererSide> settle_offerer(Media& offerer, const Choice& c, const SignalOptions& options)
{
	std::vector<sdp::CryptoAttr> answered;
	if (c.theirs)
		answered.push_back(*c.theirs);
	// As rtpengine: an answer may clear the session parameters, never set them.
	crypto::SdesOptions sdes = options.sdes;
	sdes.offerer_pref = offerer.offerer_pref;
	// SDES-static: the suite settled before stays while the offerer still offers it.
	if (sdes.static_ && !offerer.crypto_out.empty()) {
		const sdp::CryptoAttr& before = offerer.crypto_out.front();
		if (by_suite(offerer.crypto_in, before.suite))
			sdes.offerer_pref = {before.suite_name};
	}
	for (std::optional<bool>* p :
	     {&sdes.unencrypted_srtp, &sdes.unencrypted_srtcp, &sdes.unauthenticated_srtp})
		if (*p == true)
			p->reset();
	auto settled = crypto::answer_crypto(offerer.crypto_in, answered, sdes);
	if (!settled)
		return settled.error();
	OffererSide side;
	side.line = settled->to_offerer;
	if (!side.line)
		return side;
	const sdp::CryptoAttr* offered = by_suite(offerer.crypto_in, side.line->suite);
	side.passthrough = settled->passthrough && offered && c.ours &&
	                   same_key(c.ours->keys.front(), offered->keys.front());
	if (side.passthrough || !offered)
		return side;
	keep_own_key(offerer, *side.line);
	side.keys.decrypt = SrtpKeying::from(*offered);
	side.keys.encrypt = SrtpKeying::from(*side.line);
	return side;
}

} // namespace

Result<void> offer_sdes(Media& offerer, Media& answerer, const sdp::Media& section,
                        const SignalOptions& options)
{
	offerer.crypto_in = read_lines(section);
	offerer.offerer_pref = options.sdes.offerer_pref;
	answerer.crypto_out.clear();
	if (!offers_sdes(offerer, answerer, options))
		return {};
	auto lines = crypto::offer_crypto(offerer.crypto_in, options.sdes);
	if (!lines)
		return lines.error();
	for (sdp::CryptoAttr& line : *lines)
		if (!by_suite(offerer.crypto_in, line.suite)) // the relay's, not a copied one
			keep_own_key(answerer, line);
	answerer.crypto_out = std::move(*lines);
	return {};
}

Result<void> answer_sdes(Media& answerer, Media& offerer, const sdp::Media& section,
                         const SignalOptions& options, std::vector<std::string>& warnings)
{
	answerer.crypto_in = read_lines(section);
	Choice c = answerer_choice(answerer, warnings);
	bool offerer_srtp = keyable(offerer.crypto_in) &&
	                    (sdp::is_srtp(sdp::protocol_from_name(offerer.protocol)) || c.theirs ||
	                     options.osrtp_accept);
	OffererSide side;
	if (offerer_srtp) {
		auto settled = settle_offerer(offerer, c, options);
		if (!settled)
			return settled.error();
		side = std::move(*settled);
	}
	offerer.crypto_out.clear();
	if (side.line)
		offerer.crypto_out.push_back(*side.line);
	Keys to_answerer;
	if (c.theirs) {
		sdp::CryptoAttr chosen = *c.ours;
		answerer.crypto_out = {chosen};
		if (!side.passthrough) {
			to_answerer.decrypt = SrtpKeying::from(*c.theirs);
			to_answerer.encrypt = SrtpKeying::from(chosen);
		}
	} else {
		answerer.crypto_out.clear();
	}
	if (auto r = apply(offerer, side.keys); !r)
		return r;
	return apply(answerer, to_answerer);
}

void write_sdes(sdp::Media& section, const Media& to)
{
	// In place of the first a=crypto the section had, else after its other attributes.
	auto first = section.find_attr("crypto");
	section.remove_attr("crypto");
	if (!first) {
		for (const sdp::CryptoAttr& line : to.crypto_out)
			section.add_attr("crypto", line.to_string());
		return;
	}
	auto at = section.lines().begin() + static_cast<long>(*first);
	for (const sdp::CryptoAttr& line : to.crypto_out)
		at = section.lines().insert(at, sdp::Line{'a', "crypto:" + line.to_string()}) + 1;
}

} // namespace rtprelay::call
