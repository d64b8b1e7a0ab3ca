// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/media_ice.h"

#include <cctype>
#include <string>

#include "call/call.h"
#include "util/strings.h"

namespace rtprelay::call {
namespace {

// ice-char (RFC 8839 5.4), between min and max of them.
bool ice_chars(std::string_view v, size_t min, size_t max)
{
	if (v.size() < min || v.size() > max)
		return false;
	for (char c : v)
		if (!isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/')
			return false;
	return true;
}

// New credentials of ours: the agent forgets its checks and nomination (a restart).
Result<void> renew_credentials(Media& m)
{
	auto c = ice::make_credentials();
	if (!c)
		return Error{"cannot make ICE credentials (no randomness)"};
	// A rebuilt call (call/journal.h) takes the credentials it had; ICE characters hold no
	// space, so one secret carries both.
	std::string both = m.monologue.journal.secret(c->ufrag + " " + c->pwd);
	if (size_t space = both.find(' '); space != std::string::npos)
		c = ice::Credentials{both.substr(0, space), both.substr(space + 1)};
	if (!m.ice)
		m.ice.emplace();
	if (!m.ice->set_local(*c))
		return Error{"cannot key the ICE agent"};
	return {};
}

Result<void> ensure_agent(Media& m)
{
	if (m.ice && !m.ice->local().ufrag.empty())
		return {};
	return renew_credentials(m);
}

// The priority of the relay's host candidate `index` (RFC 8445 5.1.2.1): type preference 126,
// a local preference, and the component. The first candidate (the allocation's, in c=) gets
// the highest local preference; the others, in --interface order, get one below the lower
// half, under what browsers give their own host candidates (Chromium and Firefox about
// 32500). A pair's priority follows the lower of its two candidates' (6.1.2.3), so a browser
// that reaches the first candidate nominates it and the others serve only a party that cannot:
// the first is in the family of the party's SDP, which keeps media in one family where the
// other side is too (the kernel forwards only that way).
uint32_t host_priority(size_t index, unsigned component)
{
	uint32_t local = index ? 16384u - static_cast<uint32_t>(index) : 65535u;
	return (126u << 24) | (local << 8) | (256u - component);
}

// The foundation is the candidate's own: every one has another base address (5.1.1.3).
std::string candidate(size_t index, unsigned component, const net::IpAddress& ip, uint16_t port)
{
	return strprintf("%zu %u UDP %u %s %u typ host", index + 1, component,
	                 host_priority(index, component), ip.to_string().c_str(), port);
}

} // namespace

Result<void> read_ice(Media& m, const sdp::Session& session, const sdp::Media& section)
{
	m.ice_sdp_seen = true;
	auto ufrag = session.effective_attr(section, "ice-ufrag");
	auto pwd = session.effective_attr(section, "ice-pwd");
	bool lite = session.has_attr("ice-lite");
	m.ice_in = ufrag && pwd && !lite && !m.rejected;
	if (!m.ice_in)
		return {};
	if (!ice_chars(*ufrag, 4, 256))
		return Error{strprintf("invalid a=ice-ufrag in m= line %d", m.index)};
	if (!ice_chars(*pwd, 22, 256))
		return Error{strprintf("invalid a=ice-pwd in m= line %d", m.index)};
	bool restart = m.ice && !m.ice->remote_ufrag().empty() && m.ice->remote_ufrag() != *ufrag;
	if (auto r = restart ? renew_credentials(m) : ensure_agent(m); !r)
		return r;
	m.ice->set_remote(*ufrag, *pwd);
	return {};
}

Result<void> write_ice(sdp::Media& section, Media& to, bool with)
{
	section.remove_ice();
	to.ice_out = with && !to.rejected && to.allocated();
	if (!to.ice_out)
		return {};
	Media& agent = to.carrier(); // a bundled m= line has its transport's
	if (auto r = ensure_agent(agent); !r)
		return r;
	section.add_attr("ice-ufrag", agent.ice->local().ufrag);
	section.add_attr("ice-pwd", agent.ice->local().pwd);
	bool mux = section.has_attr("rtcp-mux");
	auto add = [&](size_t index, const media::Allocation& a) {
		const net::IpAddress& ip = a.address->advertised();
		section.add_attr("candidate", candidate(index, 1, ip, a.lease.rtp.local.port()));
		if (!mux)
			section.add_attr("candidate",
			                 candidate(index, 2, ip, a.lease.rtcp.local.port()));
	};
	add(0, agent.allocation);
	for (size_t i = 0; i < agent.candidates.size(); i++)
		add(i + 1, agent.candidates[i]);
	section.add_flag("end-of-candidates");
	return {};
}

IceChange apply_ice(Media& m)
{
	bool on = m.ice && (m.ice_in || (!m.ice_sdp_seen && m.ice_out));
	bool was = m.rtp.ice != nullptr;
	for (Stream* s : {&m.rtp, &m.rtcp}) {
		s->ice = on ? &*m.ice : nullptr;
		if (!on)
			s->socket = s->receivers[0].socket;
		else if (!was || s->ice_generation != m.ice->generation())
			s->follow_ice(); // started, or a restart: from the agent's current
			                 // nomination
	}
	if (on == was)
		return IceChange::kNone;
	return on ? IceChange::kStarted : IceChange::kStopped;
}

} // namespace rtprelay::call
