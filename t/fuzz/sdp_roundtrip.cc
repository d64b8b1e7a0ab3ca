// libFuzzer target for the SDP layer. An accepted SDP must write back as exactly its own
// lines with CRLF endings (so CRLF input comes back byte-identical), and that output must
// parse and write to the same bytes. Then the rewrites offer/answer performs (ports,
// addresses, ICE removal, direction, a=rtcp, rtcp-mux, mid, protocol) must keep it parseable,
// with the values set readable back.
#include <cstdint>
#include <string>
#include <string_view>

#include "net/address.h"
#include "sdp/parser.h"
#include "sdp/writer.h"

using namespace rtprelay;
using namespace rtprelay::sdp;

namespace {

// The input's lines, each ended by CRLF: what write() must produce. Written independently of
// the parser's own line splitting on purpose.
std::string expected_output(std::string_view in)
{
	std::string out;
	size_t pos = 0;
	while (pos < in.size()) {
		size_t nl = in.find('\n', pos);
		size_t end = nl == std::string_view::npos ? in.size() : nl;
		std::string_view line = in.substr(pos, end - pos);
		if (!line.empty() && line.back() == '\r')
			line.remove_suffix(1);
		out.append(line);
		out += "\r\n";
		pos = end + 1;
	}
	return out;
}

uint32_t mix(std::string_view in)
{
	uint32_t h = 2166136261u; // FNV-1a
	for (unsigned char c : in)
		h = (h ^ c) * 16777619u;
	return h;
}

void read_everything(const Session& s)
{
	(void)s.origin();
	(void)s.connection();
	(void)s.direction();
	for (const auto& m : s.media()) {
		(void)m.media_line().to_string();
		(void)is_srtp(m.protocol_kind());
		(void)s.effective_direction(m);
		(void)s.is_on_hold(m);
		if (auto c = s.effective_connection(m)) {
			(void)c->is_multicast();
			(void)c->is_hold();
			(void)c->ip();
		}
		if (auto r = m.rtcp())
			(void)r->to_string();
		(void)m.rtcp_mux();
		(void)m.mid();
		(void)m.attrs("candidate");
	}
}

void rewrite(Session& s, uint32_t seed, std::vector<uint16_t>& ports,
             std::vector<Direction>& directions)
{
	auto v4 = *net::IpAddress::parse("203.0.113.5");
	auto v6 = *net::IpAddress::parse("2001:db8::5");
	const net::IpAddress& relay = (seed & 1) ? v6 : v4;

	s.remove_all_ice();
	if (auto o = s.origin()) {
		o->set_address(relay);
		o->session_version += "1";
		s.set_origin(*o);
	}
	if (s.has_connection())
		s.set_connection(relay);
	if (seed & 2)
		s.set_direction(Direction::kSendRecv);

	for (size_t i = 0; i < s.media().size(); i++) {
		Media& m = s.media()[i];
		uint32_t r = seed >> (i % 24);
		uint16_t port = (r & 4) ? 0 : static_cast<uint16_t>(30000 + 2 * i);
		auto d = static_cast<Direction>((r >> 3) & 3);
		m.set_port(port);
		m.set_port_count((r >> 5) & 3);
		if (r & 0x80)
			m.remove_connection();
		else
			m.set_connection(relay);
		m.set_direction(d);
		if (r & 0x100)
			m.set_rtcp(RtcpAttr{static_cast<uint16_t>(port + 1),
			                    Connection::from_ip(relay)});
		else
			m.remove_rtcp();
		m.set_rtcp_mux(r & 0x200);
		if (auto mid = m.mid())
			m.set_mid(*mid); // a view into the section, passed back
		m.set_protocol(static_cast<Protocol>((r >> 10) % 7));
		m.add_attr("label", std::to_string(i));
		ports.push_back(port);
		directions.push_back(d);
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	std::string_view in(reinterpret_cast<const char*>(data), size);
	auto s = parse(in);
	if (!s)
		return 0;
	std::string out = write(*s);
	if (out != expected_output(in))
		__builtin_trap();
	if (out.size() <= kMaxSdpSize) {
		auto again = parse(out);
		if (!again || write(*again) != out)
			__builtin_trap();
	}
	read_everything(*s);

	std::vector<uint16_t> ports;
	std::vector<Direction> directions;
	rewrite(*s, mix(in), ports, directions);
	read_everything(*s);
	std::string rewritten = write(*s);
	if (rewritten.size() > kMaxSdpSize)
		return 0;
	auto back = parse(rewritten);
	if (!back || write(*back) != rewritten || back->media().size() != ports.size())
		__builtin_trap();
	for (size_t i = 0; i < ports.size(); i++) {
		const Media& m = back->media()[i];
		if (m.port() != ports[i] || m.direction() != directions[i])
			__builtin_trap();
	}
	return 0;
}
