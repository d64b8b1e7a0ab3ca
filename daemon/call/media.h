// SPDX-License-Identifier: GPL-3.0-or-later
// One m= line of one party (monologue): the protocol and addresses that party announced, and
// the relay's socket pair facing it. `peer` is the same m= line of the other party, where
// packets received here are sent. Lives on its call's media loop.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "call/stream.h"
#include "crypto/dtls_session.h"
#include "crypto/srtp_session.h"
#include "event/loop.h"
#include "ice/agent.h"
#include "media/bundle_demux.h"
#include "media/interfaces.h"
#include "net/address.h"
#include "sdp/crypto.h"

namespace rtprelay::call {

struct Monologue;

struct Media {
	Media(Monologue& owner, int idx) : monologue(owner), index(idx) {}
	Media(const Media&) = delete;
	Media& operator=(const Media&) = delete;

	Monologue& monologue;
	int index; // 1-based position of the m= line

	// First, together, what the packet path reads of an m= line per batch (Stream::sink(),
	// dtls_after_packets()): a Media is kilobytes (its two streams), and with a thousand calls
	// every further cache line it touches per packet is a miss. Declared before the streams
	// and sessions using them, so destroyed after them.
	media::Allocation allocation; // sockets facing this party; empty until allocated
	Media* peer = nullptr;
	Media* transport = nullptr;                // its BUNDLE transport (below); null: its own
	std::unique_ptr<crypto::DtlsSession> dtls; // the association (DTLS-SRTP, below)

	bool rejected = false;    // port 0
	bool hold = false;        // c=0.0.0.0 (the old way to put a call on hold)
	bool sends = true;        // effective direction allows this party to send
	bool receives = true;     // ... and to receive
	bool offered_mux = false; // this party's SDP carried a=rtcp-mux
	bool rtcp_mux = false;    // RTCP shares the RTP port with this party
	bool accept_mux = false;  // rtcp-mux=accept was asked when this party offered
	bool require_mux = false; // rtcp-mux=require was asked when the relay offered to it

	std::string type;     // audio, video, ...
	std::string protocol; // what this party speaks (RTP/AVP, ...)
	std::string mid;      // its a=mid (call/bundle.h); empty: none

	std::optional<net::Endpoint> sdp_rtp;  // where the party's SDP says it receives RTP
	std::optional<net::Endpoint> sdp_rtcp; // ... and RTCP
	media::Stream::ClockRates clock_rates; // call/party.h's clock_rates_changed after a change
	std::vector<uint8_t> payload_types;    // the m= line's formats, in order

	// SDES (call/media_crypto.h): the party's a=crypto lines as it last sent them, the lines
	// the relay last wrote to it, the keys the relay made for it (one per suite, kept for the
	// call's life so that re-INVITEs keep them), and the sessions the last answer settled.
	std::vector<sdp::CryptoAttr> crypto_in;
	std::vector<sdp::CryptoAttr> crypto_out;
	std::vector<sdp::CryptoAttr> own_keys;
	std::vector<std::string> offerer_pref;      // SDES-offerer_pref: of its last offer
	std::optional<crypto::SrtpSession> decrypt; // unprotects what the party sends
	std::optional<crypto::SrtpSession> encrypt; // protects what the relay sends it
	bool moved = false; // its SDP address changed since its sessions were keyed

	// DTLS-SRTP (call/media_dtls.h): what the party's SDP said, the relay's role towards it
	// once settled, and the association, which keys `decrypt` and `encrypt` when connected.
	std::string dtls_fingerprint; // the party's a=fingerprint; empty: none
	std::string dtls_setup;       // the party's a=setup, lowercase; empty: none
	std::string dtls_tls_id;      // the party's a=tls-id (RFC 8842); empty: none
	std::optional<crypto::DtlsSession::Role> dtls_role;
	// The role its last offer's DTLS-reverse asked for when the relay answers it; nullopt:
	// the relay's default.
	std::optional<crypto::DtlsSession::Role> dtls_answer_role;
	std::optional<net::Endpoint> dtls_peer; // where the association's datagrams go
	size_t dtls_local = 0; // ... from the socket of this receiver of `rtp` (media/stream.h)
	const crypto::DtlsIdentity* dtls_identity = nullptr; // the relay's, from signalling
	event::EventPtr dtls_timer{nullptr, event_free};
	bool dtls_started = false;  // the active side sent its first flight
	bool dtls_keyed = false;    // the sessions carry this association's keys
	bool dtls_reported = false; // its failure was logged

	// ICE (call/media_ice.h): the agent facing this party, made when either side first
	// speaks ICE and kept for the call's life; what the party's last SDP said; whether the
	// relay's last SDP to it carried the relay's ICE attributes.
	std::optional<ice::Agent> ice;
	bool ice_sdp_seen = false; // the party has sent SDP for this m= line
	bool ice_in = false;       // ... with the ICE credentials of a full agent
	bool ice_out = false;

	// BUNDLE (call/bundle.h): the party's a=ssrc and its extmap id of the MID header
	// extension, as its last SDP gave them; the m= line whose transport (sockets, ICE, DTLS,
	// SRTP) carries this one (`transport`, above); and on that m= line, the lines it
	// carries in order ([0]: itself) and the demultiplexer its streams ask.
	std::vector<uint32_t> ssrcs;
	uint8_t mid_extension = 0;
	std::vector<Media*> bundled;
	std::unique_ptr<media::BundleDemux> demux;

	// Towards a party doing ICE, host candidates on the further addresses of the
	// allocation's interface (call/media_ice.h): receivers 1.. of both streams, in the order
	// the SDP lists them after the allocation's. Leased once, kept while ICE is on.
	std::vector<media::Allocation> candidates;
	Stream rtp{*this, Stream::Component::kRtp};
	Stream rtcp{*this, Stream::Component::kRtcp};

	bool allocated() const { return allocation.address != nullptr; }
	// The m= line whose sockets, ICE and DTLS this one uses: its BUNDLE transport, else
	// itself.
	Media& carrier() { return transport ? *transport : *this; }
	const Media& carrier() const { return transport ? *transport : *this; }
	// The transport of other m= lines: it stays (inactive) when the other side rejects it.
	bool carries_others() const { return bundled.size() > 1; }
	const net::IpAddress& advertised() const { return allocation.address->advertised(); }
};

} // namespace rtprelay::call
