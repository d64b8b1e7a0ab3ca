// SPDX-License-Identifier: GPL-3.0-or-later
#include "ice/agent.h"

#include <openssl/rand.h>

#include <algorithm>

namespace rtprelay::ice {
namespace {

// ice-char (RFC 8839 5.4): ALPHA / DIGIT / "+" / "/".
std::optional<std::string> random_ice_chars(size_t n)
{
	static constexpr std::string_view kChars =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	std::string raw(n, '\0');
	if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(n)) != 1)
		return std::nullopt;
	for (char& c : raw)
		c = kChars[static_cast<unsigned char>(c) & 63]; // 64 chars: no bias
	return raw;
}

std::span<const uint8_t> bytes(std::string_view s)
{
	return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A reply to `req` carrying the source's address, or an error, signed with our password and
// fingerprinted.
StunWriter start_reply(std::span<uint8_t> out, const StunMessage& req, bool error)
{
	return StunWriter(out, error ? StunClass::kError : StunClass::kSuccess, req.method,
	                  req.transaction);
}

} // namespace

std::optional<Credentials> make_credentials()
{
	auto ufrag = random_ice_chars(8);
	auto pwd = random_ice_chars(24);
	if (!ufrag || !pwd)
		return std::nullopt;
	return Credentials{*ufrag, *pwd};
}

bool Agent::set_local(const Credentials& c)
{
	if (c.ufrag == local_.ufrag && c.pwd == local_.pwd)
		return true;
	local_ = c;
	components_ = {};
	generation_++;
	if (!tie_breaker_ &&
	    RAND_bytes(reinterpret_cast<unsigned char*>(&tie_breaker_), sizeof tie_breaker_) != 1)
		return false;
	return key_.set_key(bytes(local_.pwd));
}

void Agent::set_remote(std::string_view ufrag, std::string_view pwd)
{
	if (ufrag == remote_ufrag_ && pwd == remote_pwd_)
		return;
	bool restart = !remote_ufrag_.empty();
	remote_ufrag_ = ufrag;
	remote_pwd_ = pwd;
	if (restart) {
		components_ = {};
		generation_++;
	}
}

// "OURS:THEIRS" (RFC 8445 7.2.2); the party's part is checked once its SDP told us it, since
// a browser answering our offer may check before its answer has reached us.
bool Agent::username_ok(std::string_view username) const
{
	size_t colon = username.find(':');
	if (colon == std::string_view::npos || username.substr(0, colon) != local_.ufrag ||
	    local_.ufrag.empty())
		return false;
	return remote_ufrag_.empty() || username.substr(colon + 1) == remote_ufrag_;
}

Agent::Source& Agent::remember(Component& c, const net::Endpoint& source, int64_t now_ms)
{
	auto end = c.sources.begin() + static_cast<std::ptrdiff_t>(c.count);
	auto it = std::find_if(c.sources.begin(), end,
	                       [&](const Source& s) { return s.address == source; });
	if (it == end) {
		if (c.count < kMaxSources) {
			it = end;
			c.count++;
		} else { // full: the one silent longest gives way, never the selected one
			it = std::min_element(
			        c.sources.begin(), end, [&](const Source& a, const Source& b) {
				        bool sa = c.selected && a.address == *c.selected;
				        bool sb = c.selected && b.address == *c.selected;
				        return sa != sb ? sb : a.last_ms < b.last_ms;
			        });
		}
		it->address = source;
	}
	it->last_ms = now_ms;
	return *it;
}

Agent::Verdict Agent::on_stun(unsigned component, size_t local, const net::Endpoint& source,
                              std::span<const uint8_t> p, int64_t now_ms, std::span<uint8_t> reply,
                              size_t& reply_len)
{
	StunMessage m;
	if (component < 1 || component > kComponents || !parse_stun(p, m) ||
	    m.cls != StunClass::kRequest || m.method != kStunBinding)
		return Verdict::kMalformed;
	// Unauthenticated checks get no answer at all: a stranger learns nothing and cannot use
	// the relay to reflect traffic (RFC 8489 would answer 400/401; browsers never need it).
	if (!m.username || !username_ok(*m.username) || !integrity_ok(p, m, key_) ||
	    (m.fingerprint_at && !fingerprint_ok(p, m)))
		return Verdict::kUnauthorized;

	Component& c = components_[component - 1];
	bool role_conflict = m.ice_controlled.has_value(); // a lite agent is never controlling
	bool unknown = m.unknown_count > 0;
	StunWriter w = start_reply(reply, m, role_conflict || unknown);
	if (unknown) {
		w.error_code(420, "Unknown Attribute");
		w.unknown_attributes({m.unknown.data(), m.unknown_count});
	} else if (role_conflict) {
		w.error_code(487, "Role Conflict");
	} else {
		w.xor_mapped_address(source);
		remember(c, source, now_ms);
		// Until the party nominates, its last successful check's address is used, as a
		// full agent uses a valid pair before nomination (RFC 8445 12.1): browsers nominate
		// only after some checks, often after DTLS is done. A check that reached a later
		// candidate of the relay (lower priority) does not displace one on an earlier
		// candidate: media does not flip between the relay's addresses (and families)
		// while the party checks them all. After the nomination, only a new nomination
		// moves the selection.
		bool moves = m.use_candidate ||
		             (!c.nominated && (!c.selected || local <= c.selected_local));
		c.nominated = c.nominated || m.use_candidate;
		if (moves && (c.selected != source || c.selected_local != local)) {
			c.selected = source;
			c.selected_local = local;
			generation_++;
		}
	}
	w.integrity(key_);
	w.fingerprint();
	if (!w.ok())
		return Verdict::kNoRoom;
	reply_len = w.size();
	return Verdict::kReply;
}

const std::optional<net::Endpoint>& Agent::selected(unsigned component) const
{
	static const std::optional<net::Endpoint> kNone;
	return component >= 1 && component <= kComponents ? components_[component - 1].selected
	                                                  : kNone;
}

bool Agent::nominated(unsigned component) const
{
	return component >= 1 && component <= kComponents && components_[component - 1].nominated;
}

void Agent::restore(unsigned component, size_t local, const net::Endpoint& source, bool nominated,
                    int64_t now_ms)
{
	if (component < 1 || component > kComponents)
		return;
	Component& c = components_[component - 1];
	remember(c, source, now_ms);
	c.selected = source;
	c.selected_local = local;
	c.nominated = nominated;
	generation_++;
}

size_t Agent::selected_local(unsigned component) const
{
	return component >= 1 && component <= kComponents
	               ? components_[component - 1].selected_local
	               : 0;
}

bool Agent::consent(unsigned component, int64_t now_ms) const
{
	const auto& sel = selected(component);
	if (!sel)
		return false;
	const Component& c = components_[component - 1];
	for (size_t i = 0; i < c.count; i++)
		if (c.sources[i].address == *sel)
			return now_ms - c.sources[i].last_ms <= kConsentMs;
	return false;
}

bool Agent::checked(unsigned component, const net::Endpoint& source) const
{
	if (component < 1 || component > kComponents)
		return false;
	const Component& c = components_[component - 1];
	return std::any_of(c.sources.begin(),
	                   c.sources.begin() + static_cast<std::ptrdiff_t>(c.count),
	                   [&](const Source& s) { return s.address == source; });
}

} // namespace rtprelay::ice
