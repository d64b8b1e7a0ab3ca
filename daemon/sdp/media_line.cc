// SPDX-License-Identifier: GPL-3.0-or-later
#include "sdp/media_line.h"

#include <algorithm>
#include <array>
#include <utility>

#include "sdp/quote.h"
#include "sdp/text.h"
#include "util/strings.h"

namespace rtprelay::sdp {

namespace {

constexpr std::array<std::pair<Protocol, std::string_view>, 6> kProtocols = {{
        {Protocol::kRtpAvp, "RTP/AVP"},
        {Protocol::kRtpAvpf, "RTP/AVPF"},
        {Protocol::kRtpSavp, "RTP/SAVP"},
        {Protocol::kRtpSavpf, "RTP/SAVPF"},
        {Protocol::kUdpTlsRtpSavp, "UDP/TLS/RTP/SAVP"},
        {Protocol::kUdpTlsRtpSavpf, "UDP/TLS/RTP/SAVPF"},
}};

} // namespace

Protocol protocol_from_name(std::string_view name)
{
	for (const auto& [p, n] : kProtocols)
		if (n == name)
			return p;
	return Protocol::kOther;
}

std::string_view protocol_name(Protocol p)
{
	for (const auto& [q, n] : kProtocols)
		if (q == p)
			return n;
	return "";
}

bool is_rtp(Protocol p)
{
	return p != Protocol::kOther;
}

bool is_srtp(Protocol p)
{
	return p == Protocol::kRtpSavp || p == Protocol::kRtpSavpf || is_dtls(p);
}

bool is_dtls(Protocol p)
{
	return p == Protocol::kUdpTlsRtpSavp || p == Protocol::kUdpTlsRtpSavpf;
}

bool is_avpf(Protocol p)
{
	return p == Protocol::kRtpAvpf || p == Protocol::kRtpSavpf ||
	       p == Protocol::kUdpTlsRtpSavpf;
}

Result<MediaLine> MediaLine::parse(std::string_view value)
{
	auto f = split_fields(value);
	if (f.size() < 3)
		return Error{strprintf("m= '%s' needs at least media, port and protocol",
		                       quote(value).c_str())};
	MediaLine m;
	m.type = std::string(f[0]);
	std::string_view port = f[1];
	size_t slash = port.find('/');
	if (slash != std::string_view::npos) {
		std::string_view count = port.substr(slash + 1);
		auto n = parse_decimal(count, kMaxPortCount);
		if (!n || *n == 0)
			return Error{strprintf("m= port count '%s' is not a number from 1 to %u",
			                       quote(count).c_str(), kMaxPortCount)};
		m.port_count = *n;
		port = port.substr(0, slash);
	}
	if (!is_decimal(port))
		return Error{strprintf("m= port '%s' is not a number", quote(port).c_str())};
	auto p = parse_port(port);
	if (!p)
		return Error{strprintf("m= port '%s' is larger than 65535", quote(port).c_str())};
	m.port = *p;
	m.protocol = std::string(f[2]);
	m.formats.reserve(f.size() - 3);
	for (size_t i = 3; i < f.size(); i++)
		m.formats.emplace_back(f[i]);
	return m;
}

std::string MediaLine::to_string() const
{
	std::string out = clean_field(type) + " " + std::to_string(port);
	if (port_count > 1)
		out += "/" + std::to_string(std::min(port_count, kMaxPortCount));
	out += " " + clean_field(protocol);
	for (const auto& f : formats)
		out += " " + clean_field(f);
	return out;
}

} // namespace rtprelay::sdp
