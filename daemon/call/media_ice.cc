// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/media_ice.h"

#include <cctype>
#include <string>

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

// The priority of a host candidate (RFC 8445 5.1.2.1): type preference 126, one local address
// per candidate (65535), and the component.
uint32_t host_priority(unsigned component)
{
	return (126u << 24) | (65535u << 8) | (256u - component);
}

std::string candidate(unsigned component, const net::IpAddress& ip, uint16_t port)
{
	// The foundation groups candidates of one type and base address family.
	return strprintf("%s %u UDP %u %s %u typ host", ip.is_v6() ? "2" : "1", component,
	                 host_priority(component), ip.to_string().c_str(), port);
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
	const net::IpAddress& ip = agent.advertised();
	section.add_attr("candidate", candidate(1, ip, agent.allocation.lease.rtp.local.port()));
	if (!section.has_attr("rtcp-mux"))
		section.add_attr("candidate",
		                 candidate(2, ip, agent.allocation.lease.rtcp.local.port()));
	section.add_flag("end-of-candidates");
	return {};
}

IceChange apply_ice(Media& m)
{
	bool on = m.ice && (m.ice_in || (!m.ice_sdp_seen && m.ice_out));
	bool was = m.rtp.ice != nullptr;
	for (Stream* s : {&m.rtp, &m.rtcp}) {
		s->ice = on ? &*m.ice : nullptr;
		if (!on || (was && s->ice_generation == m.ice->generation()))
			continue;
		// Started, or a restart: follow the agent from its current nomination.
		s->ice_generation = m.ice->generation();
		if (const auto& selected = m.ice->selected(s->ice_component()))
			s->learning.select(*selected);
		else
			s->learning.reset_for_ice();
	}
	if (on == was)
		return IceChange::kNone;
	return on ? IceChange::kStarted : IceChange::kStopped;
}

} // namespace rtprelay::call
