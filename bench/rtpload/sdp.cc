// Minimal SDP writing and reading for rtpload.
#include "sdp.h"

#include <algorithm>
#include <charconv>

namespace rtpload {
namespace {

std::string_view trim_cr(std::string_view line)
{
	while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
		line.remove_suffix(1);
	return line;
}

// "c=IN IP4 ADDR[/TTL]" → ADDR
std::string_view connection_addr(std::string_view line)
{
	size_t sp = line.rfind(' ');
	std::string_view addr = sp == std::string_view::npos ? line : line.substr(sp + 1);
	return addr.substr(0, addr.find('/'));
}

} // namespace

std::string make_pcmu_sdp(std::string_view addr, uint16_t port, uint64_t session_id,
                          std::string_view crypto, std::string_view fingerprint)
{
	std::string proto = !fingerprint.empty() ? " UDP/TLS/RTP/SAVP"
	                    : crypto.empty()     ? " RTP/AVP"
	                                         : " RTP/SAVP";
	std::string dtls = fingerprint.empty() ? std::string()
	                                       : "a=fingerprint:" + std::string(fingerprint) +
	                                                 "\r\na=setup:active\r\n";
	std::string id = std::to_string(session_id);
	std::string a(addr);
	return "v=0\r\n"
	       "o=- " +
	       id + " 1 IN IP4 " + a +
	       "\r\n"
	       "s=rtpload\r\n"
	       "c=IN IP4 " +
	       a +
	       "\r\n"
	       "t=0 0\r\n"
	       "m=audio " +
	       std::to_string(port) + proto +
	       " 0\r\n"
	       "a=rtpmap:0 PCMU/8000\r\n"
	       "a=ptime:20\r\n"
	       "a=sendrecv\r\n" +
	       (crypto.empty() ? "" : "a=crypto:" + std::string(crypto) + "\r\n") + dtls;
}

Result<MediaEndpoint> parse_audio_endpoint(std::string_view sdp)
{
	MediaEndpoint out;
	std::string session_addr;
	enum { session, audio, other } section = session;
	bool seen_audio = false;
	while (!sdp.empty()) {
		size_t nl = sdp.find('\n');
		std::string_view line = trim_cr(sdp.substr(0, nl));
		sdp = nl == std::string_view::npos ? std::string_view{} : sdp.substr(nl + 1);
		if (line.starts_with("m=")) {
			if (seen_audio)
				break; // only the first audio section matters
			section = line.starts_with("m=audio ") ? audio : other;
			if (section == other)
				continue;
			seen_audio = true;
			std::string_view p = line.substr(8);
			unsigned port = 0;
			auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
			if (ec != std::errc() || port == 0 || port > 65535)
				return Error{"bad port in '" + std::string(line) + "'"};
			out.port = static_cast<uint16_t>(port);
			std::string_view proto = p.substr(std::min(p.find(' '), p.size()));
			while (proto.starts_with(' '))
				proto.remove_prefix(1);
			out.proto = proto.substr(0, proto.find(' '));
		} else if (section == audio && line.starts_with("a=crypto:")) {
			out.crypto.emplace_back(line.substr(9));
		} else if (section != other && line.starts_with("a=fingerprint:")) {
			if (section == audio || out.fingerprint.empty())
				out.fingerprint = line.substr(14);
		} else if (section != other && line.starts_with("a=setup:")) {
			if (section == audio || out.setup.empty())
				out.setup = line.substr(8);
		} else if (line.starts_with("c=")) {
			if (section == audio)
				out.addr = connection_addr(line);
			else if (section == session)
				session_addr = connection_addr(line);
		}
	}
	if (!seen_audio)
		return Error{"no m=audio line in the relay's SDP"};
	if (out.addr.empty())
		out.addr = session_addr;
	if (out.addr.empty())
		return Error{"no c= line for the audio stream in the relay's SDP"};
	return out;
}

} // namespace rtpload
