// SPDX-License-Identifier: GPL-3.0-or-later
// The relay's ICE agent towards one party's media (RFC 8445), in the lite role (2.5, 6.1.1):
// the relay's candidates are its own sockets, so it has nothing to discover; the party, a
// full agent (every browser), controls, checks each of its candidates against ours and
// nominates one pair with USE-CANDIDATE. The agent answers those checks, keeps the addresses
// that proved they hold the party's credentials, and names the selected one: the nominated
// address, or before the nomination the last one whose check succeeded. Media goes only
// there, and only while the party keeps renewing consent with checks (RFC 7675: 30 s).
// Pure state, no sockets: the packet path hands it each STUN datagram and sends the reply it
// writes. The relay may offer several host candidates (one per address of the party's
// interface): the agent is told which of them (`local`, in the order the SDP lists them) a
// check reached, and the selected pair names it, so that media leaves from the address the
// party checked. Owned by the call layer, used on the call's media loop.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/hmac_sha1.h"
#include "ice/stun.h"
#include "net/address.h"

namespace rtprelay::ice {

// An ice-ufrag and ice-pwd (RFC 8839 5.4): 8 and 24 ice-chars from OpenSSL's RAND_bytes,
// above the minimum of 4 and 22 and as long as browsers make them.
struct Credentials {
	std::string ufrag;
	std::string pwd;
};
std::optional<Credentials> make_credentials();

class Agent {
public:
	static constexpr int64_t kConsentMs = 30000; // RFC 7675 5.1
	static constexpr size_t kMaxSources = 8;     // checked addresses kept per component
	static constexpr size_t kComponents = 2;     // RTP 1, RTCP 2

	// What became of one STUN datagram. kReply: the reply written is to be sent back to
	// the source; the others are drops, counted by the caller under their names.
	enum class Verdict {
		kReply,        // a check answered (success, 487 role conflict or 420)
		kMalformed,    // not a well-formed STUN message, or no Binding request
		kUnauthorized, // wrong or missing USERNAME, MESSAGE-INTEGRITY or FINGERPRINT
		kNoRoom,       // the reply did not fit (never with the packet path's buffers)
	};

	// Ours; a new one means an ICE restart towards the party.
	bool set_local(const Credentials& c);
	// The party's, from its SDP. New ones (an ICE restart by the party) forget the checked
	// addresses and the nomination: the party checks and nominates again.
	void set_remote(std::string_view ufrag, std::string_view pwd);
	const Credentials& local() const { return local_; }
	const std::string& remote_ufrag() const { return remote_ufrag_; }

	// A STUN datagram from `source` to the relay's candidate `local` on component 1 (RTP) or
	// 2 (RTCP) at `now_ms`; writes the reply into `reply` and sets `reply_len` for kReply.
	Verdict on_stun(unsigned component, size_t local, const net::Endpoint& source,
	                std::span<const uint8_t> p, int64_t now_ms, std::span<uint8_t> reply,
	                size_t& reply_len);

	// Where the party's media goes on `component`: the address it nominated, or before that
	// the last one that passed a check; nullopt before any check.
	const std::optional<net::Endpoint>& selected(unsigned component) const;
	// The relay's candidate of that pair (0 before any check).
	size_t selected_local(unsigned component) const;
	// The party renewed consent on the selected address within kConsentMs.
	bool consent(unsigned component, int64_t now_ms) const;
	// `source` passed a check on `component`: its media is the party's.
	bool checked(unsigned component, const net::Endpoint& source) const;
	// The selection on `component` came from a nomination (USE-CANDIDATE), not only a check.
	bool nominated(unsigned component) const;
	// A restarted relay (ha/restore.cc): the selection the party's checks had made before,
	// `source` on the relay's candidate `local`, as if it had just passed a check (its consent
	// runs from now_ms), so its media passes before the party's next check.
	void restore(unsigned component, size_t local, const net::Endpoint& source, bool nominated,
	             int64_t now_ms);
	// Changes every time a nomination moves; the packet path compares it to what it last
	// acted on, so that it re-reads selected() only then.
	uint64_t generation() const { return generation_; }

private:
	struct Source {
		net::Endpoint address;
		int64_t last_ms = 0;
	};
	struct Component {
		std::array<Source, kMaxSources> sources{};
		size_t count = 0;
		std::optional<net::Endpoint> selected;
		size_t selected_local = 0;
		bool nominated = false; // selected by USE-CANDIDATE, not only by a check
	};

	bool username_ok(std::string_view username) const;
	Source& remember(Component& c, const net::Endpoint& source, int64_t now_ms);

	Credentials local_;
	crypto::HmacSha1 key_; // keyed with local_.pwd: checks to us and our replies
	std::string remote_ufrag_;
	std::string remote_pwd_;
	std::array<Component, kComponents> components_{};
	uint64_t tie_breaker_ = 0;
	uint64_t generation_ = 0;
};

} // namespace rtprelay::ice
