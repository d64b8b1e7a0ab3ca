// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/bundle.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

#include "call/media.h"
#include "call/media_dtls.h"
#include "call/party.h"

namespace rtprelay::call {
namespace {

constexpr std::string_view kMidExtension = "urn:ietf:params:rtp-hdrext:sdes:mid";

std::vector<std::string> words_of(std::string_view s)
{
	std::vector<std::string> out;
	size_t at = 0;
	while (at < s.size()) {
		size_t end = s.find(' ', at);
		if (end == std::string_view::npos)
			end = s.size();
		if (end > at)
			out.emplace_back(s.substr(at, end - at));
		at = end + 1;
	}
	return out;
}

// The leading number of an attribute value ("<ssrc> cname:...", "<id>/<direction> <uri>").
template <typename T>
std::optional<T> leading_number(std::string_view v)
{
	T n{};
	auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
	if (ec != std::errc() || p == v.data())
		return std::nullopt;
	return n;
}

// The id a=extmap gives the MID header extension: the m= line's, else the session's.
uint8_t mid_extension_of(const sdp::Session& session, const sdp::Media& section)
{
	for (const sdp::Section* where : {static_cast<const sdp::Section*>(&section),
	                                  static_cast<const sdp::Section*>(&session)})
		for (std::string_view v : where->attrs("extmap")) {
			auto words = words_of(v);
			auto id = leading_number<unsigned>(v);
			// One-byte ids are 1-14, two-byte ones 1-255 (RFC 8285 5).
			if (words.size() >= 2 && words[1] == kMidExtension && id && *id >= 1 &&
			    *id <= 255)
				return static_cast<uint8_t>(*id);
		}
	return 0;
}

std::vector<uint32_t> ssrcs_of(const sdp::Media& section)
{
	std::vector<uint32_t> out;
	for (std::string_view v : section.attrs("ssrc"))
		if (auto ssrc = leading_number<uint32_t>(v))
			if (std::find(out.begin(), out.end(), *ssrc) == out.end())
				out.push_back(*ssrc);
	return out;
}

// The party's m= lines its group names, in the group's order: each once, not rejected, with
// sockets, at most as many as a transport carries.
std::vector<Media*> members_of(Monologue& party)
{
	std::vector<Media*> out;
	for (const std::string& mid : party.bundle)
		for (auto& m : party.medias)
			if (!mid.empty() && m->mid == mid && !m->rejected && m->allocated() &&
			    std::find(out.begin(), out.end(), m.get()) == out.end() &&
			    out.size() < media::BundleDemux::kMaxLines)
				out.push_back(m.get());
	return out;
}

std::string group_of(const std::vector<std::string>& mids)
{
	std::string out = "BUNDLE";
	for (const std::string& mid : mids)
		out += " " + mid;
	return out;
}

bool has_bundle_group(const sdp::Session& session)
{
	for (std::string_view group : session.attrs("group"))
		if (group.starts_with("BUNDLE"))
			return true;
	return false;
}

// The answer accepts the receiver's group without what it rejects, and names each m= line by
// the receiver's mid.
void answer_bundle(sdp::Session& session, const Monologue& receiver)
{
	session.remove_attr("group");
	std::vector<std::string> accepted;
	for (size_t i = 0; i < session.media().size(); i++) {
		sdp::Media& section = session.media()[i];
		section.remove_attr("mid");
		if (i < receiver.medias.size() && !receiver.medias[i]->mid.empty())
			section.add_attr("mid", receiver.medias[i]->mid);
	}
	for (const std::string& mid : receiver.bundle)
		for (size_t i = 0; i < session.media().size() && i < receiver.medias.size(); i++)
			if (receiver.medias[i]->mid == mid && !mid.empty() &&
			    !session.media()[i].is_rejected() &&
			    std::find(accepted.begin(), accepted.end(), mid) == accepted.end() &&
			    accepted.size() < media::BundleDemux::kMaxLines)
				accepted.push_back(mid);
	if (!accepted.empty())
		session.add_attr("group", group_of(accepted));
}

// An offer to a WebRTC party groups the m= lines the relay offers, unless the SDP has a group;
// grouped m= lines, or all with `generate_mid`, get an a=mid where they have none: the one
// the receiver gave the m= line before, else a new one.
void offer_bundle(sdp::Session& session, const Monologue& receiver, bool generate_mid)
{
	bool webrtc = false;
	for (const auto& m : receiver.medias)
		webrtc = webrtc || (!m->rejected && (m->ice_out || speaks_dtls(*m)));
	bool group = webrtc && !has_bundle_group(session);
	if (!group && !generate_mid)
		return;
	std::vector<std::string> used, grouped;
	for (const sdp::Media& section : session.media())
		if (auto mid = section.mid())
			used.emplace_back(*mid);
	for (size_t i = 0; i < session.media().size(); i++) {
		sdp::Media& section = session.media()[i];
		if (section.is_rejected())
			continue;
		std::string mid(section.mid().value_or(""));
		// The receiver's own mid for the m= line where it has one (a re-offer to a browser
		// that offered first must not rename its m= lines), else a new one.
		if (mid.empty() && i < receiver.medias.size() && !receiver.medias[i]->mid.empty() &&
		    std::find(used.begin(), used.end(), receiver.medias[i]->mid) == used.end()) {
			mid = receiver.medias[i]->mid;
			used.push_back(mid);
			section.set_mid(mid);
		}
		if (mid.empty()) {
			mid = std::to_string(i);
			while (std::find(used.begin(), used.end(), mid) != used.end())
				mid += "x";
			used.push_back(mid);
			section.set_mid(mid);
		}
		if (grouped.size() < media::BundleDemux::kMaxLines)
			grouped.push_back(mid);
	}
	if (group && !grouped.empty())
		session.add_attr("group", group_of(grouped));
}

} // namespace

void read_bundle(Monologue& party, const sdp::Session& session)
{
	party.bundle.clear();
	for (std::string_view group : session.attrs("group")) {
		auto words = words_of(group);
		if (words.empty() || words.front() != "BUNDLE")
			continue;
		party.bundle.assign(words.begin() + 1, words.end());
		break;
	}
	int index = 0;
	for (const sdp::Media& section : session.media()) {
		Media& m = party.media_at(++index);
		m.mid = std::string(section.mid().value_or(""));
		m.ssrcs = ssrcs_of(section);
		m.mid_extension = mid_extension_of(session, section);
	}
}

void apply_bundle(Monologue& party)
{
	std::vector<Media*> members = members_of(party);
	if (members.size() < 2)
		members.clear();
	for (auto& m : party.medias) {
		m->transport = nullptr;
		m->bundled.clear();
		m->rtp.bundle = m->rtcp.bundle = nullptr;
		if (m->peer)
			m->peer->rtp.line_in_sink = m->peer->rtcp.line_in_sink = 0;
		if (members.empty() || m.get() != members.front())
			m->demux.reset();
	}
	if (members.empty())
		return;
	Media& t = *members.front();
	std::vector<media::BundleDemux::Line> lines;
	for (size_t line = 0; line < members.size(); line++) {
		Media& m = *members[line];
		lines.push_back({m.mid, m.payload_types, m.ssrcs});
		if (m.peer)
			m.peer->rtp.line_in_sink = m.peer->rtcp.line_in_sink = line;
		if (!line)
			continue;
		m.transport = &t;
		// The transport's streams time what arrives on every line (payload types are
		// unique across a bundle unless the codecs are the same, RFC 9143 9.1).
		for (size_t pt = 0; pt < t.clock_rates.by_type.size(); pt++)
			if (!t.clock_rates.by_type[pt])
				t.clock_rates.by_type[pt] = m.clock_rates.by_type[pt];
	}
	clock_rates_changed(t);
	t.bundled = members;
	if (!t.demux)
		t.demux = std::make_unique<media::BundleDemux>();
	t.demux->configure(lines, t.mid_extension);
	t.rtp.bundle = t.rtcp.bundle = t.demux.get();
}

void write_bundle(sdp::Session& session, const Monologue& receiver, bool answering,
                  bool generate_mid)
{
	if (answering)
		answer_bundle(session, receiver);
	else
		offer_bundle(session, receiver, generate_mid);
}

} // namespace rtprelay::call
