// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/party.h"

#include <charconv>

#include "util/log.h"
#include "util/strings.h"

namespace rtprelay::call {
namespace {

// RFC 3551 static payload types with their clock rates.
constexpr std::pair<int, uint32_t> kStaticRates[] = {
        {0, 8000},   {3, 8000},   {4, 8000},   {5, 8000},   {6, 16000},  {7, 8000},
        {8, 8000},   {9, 8000},   {10, 44100}, {11, 44100}, {12, 8000},  {13, 8000},
        {14, 90000}, {15, 8000},  {16, 11025}, {17, 22050}, {18, 8000},  {25, 90000},
        {26, 90000}, {28, 90000}, {31, 90000}, {32, 90000}, {33, 90000}, {34, 90000},
};

void read_clock_rates(Media& m, const sdp::Media& section)
{
	m.clock_rates.by_type.fill(0);
	for (auto [pt, rate] : kStaticRates)
		m.clock_rates.by_type[static_cast<size_t>(pt)] = rate;
	// a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]
	for (std::string_view v : section.attrs("rtpmap")) {
		unsigned pt = 0, rate = 0;
		auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), pt);
		size_t slash = v.find('/');
		if (ec != std::errc() || pt >= 128 || slash == std::string_view::npos)
			continue;
		std::string_view r = v.substr(slash + 1);
		if (std::from_chars(r.data(), r.data() + r.size(), rate).ec == std::errc())
			m.clock_rates.by_type[pt] = rate;
	}
}

// `ep`, or nullopt when it is one of the relay's own endpoints: sending media there would
// run it as ng commands or loop it through the relay.
std::optional<net::Endpoint> refuse_own(const std::optional<net::Endpoint>& ep, const char* what,
                                        const Media& m, const OwnCheck& check)
{
	if (!ep || !check.own)
		return ep;
	auto why = check.own->refusal(*ep, check.facing);
	if (!why)
		return ep;
	std::string warning = strprintf("media address %s (%s, m= line %d) refused: %s",
	                                ep->to_string().c_str(), what, m.index, why->c_str());
	log::warn(log::Subsystem::kControl, "%s", warning.c_str());
	check.own->count_refused();
	check.warnings.push_back(std::move(warning));
	return std::nullopt;
}

} // namespace

bool read_party(Media& m, const sdp::Session& session, const sdp::Media& section,
                const SignalOptions& options, const OwnCheck& check)
{
	// Parsed once here: each of the section's own accessors parses the m= line anew.
	sdp::MediaLine line = section.media_line();
	m.type = line.type;
	m.protocol = line.protocol;
	// Port 0 with a=bundle-only is an m= line offered only within a BUNDLE (RFC 9143 7.2).
	m.rejected = line.port == 0 && !section.has_attr("bundle-only");
	m.offered_mux = section.rtcp_mux();
	sdp::Direction direction = session.effective_direction(section);
	m.sends = sdp::sends(direction);
	m.receives = sdp::receives(direction);
	read_clock_rates(m, section);
	m.payload_types.clear();
	for (const std::string& f : line.formats) {
		unsigned pt = 0;
		auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), pt);
		if (ec == std::errc() && p == f.data() + f.size() && pt < 128)
			m.payload_types.push_back(static_cast<uint8_t>(pt));
	}
	clock_rates_changed(m);

	std::optional<net::IpAddress> ip;
	auto conn = session.effective_connection(section);
	// With ICE, 0.0.0.0 (port 9) is no hold but an address left to the candidates (RFC 8839
	// 4.2.1.1, trickle ICE and BUNDLE's further m= lines).
	bool ice = session.effective_attr(section, "ice-ufrag").has_value();
	m.hold = conn && conn->is_hold() && !ice;
	if (conn && !conn->is_hold())
		ip = conn->ip(); // nullopt for a host name: nothing to send to until learned
	if (options.media_address)
		ip = options.media_address;
	else if (options.sip_source_address && options.received_from && !options.trust_address)
		ip = options.received_from;

	std::optional<net::Endpoint> rtp, rtcp;
	if (ip && !m.hold && !m.rejected && line.port) {
		rtp = net::Endpoint(*ip, line.port);
		rtcp = net::Endpoint(*ip, static_cast<uint16_t>(line.port + 1));
		if (auto attr = section.rtcp()) {
			auto rtcp_ip = attr->connection ? attr->connection->ip() : std::nullopt;
			rtcp = net::Endpoint(rtcp_ip && !options.media_address ? *rtcp_ip : *ip,
			                     attr->port);
		}
	}
	rtp = refuse_own(rtp, "RTP", m, check);
	rtcp = refuse_own(rtcp, "RTCP", m, check);
	bool changed = rtp != m.sdp_rtp || rtcp != m.sdp_rtcp;
	m.sdp_rtp = rtp;
	m.sdp_rtcp = rtcp;
	return changed;
}

void clock_rates_changed(Media& m)
{
	m.clock_rates.first = 0;
	for (uint8_t pt : m.payload_types)
		if ((m.clock_rates.first = m.clock_rates.by_type[pt]))
			break;
	m.rtp.stats.forget_clock_rates();
	m.rtcp.stats.forget_clock_rates();
}

} // namespace rtprelay::call
