// SPDX-License-Identifier: GPL-3.0-or-later
// What an offer or answer asks of the call layer, in the call layer's own terms: the parties,
// the interfaces facing them, how to read the sender's SDP and how to rewrite it for the
// receiver. A control surface (ng) fills it from its request; signalling reads it on the call's
// media loop.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/sdes_options.h"
#include "net/address.h"

namespace rtprelay::call {

// ICE towards the receiver of an SDP (call/media_ice.h). The parties' own ICE attributes
// never pass: the relay terminates ICE on each side.
enum class IceMode {
	kDefault, // the relay's ICE when the offerer did ICE, or the receiver did before
	kRemove,  // no ICE towards the receiver
	kForce,   // the relay's ICE towards the receiver in any case (also force-relay)
};

// DTLS-SRTP (call/media_dtls.h): kOff keeps it from a party that would speak it; the roles
// are the relay's preference when the party offers actpass, or when the relay offers.
enum class DtlsMode { kDefault, kOff, kPassive, kActive };

// rtcp-mux handling asked with the offer.
struct RtcpMuxOptions {
	bool offer = false;  // offer mux to the answerer even if the offerer did not
	bool demux = false;  // do not offer mux on, even if the offerer offered it
	bool accept = false; // accept mux from the offerer even if the answerer declines it
	bool reject = false; // as demux, for now
	// offer mux as if the answerer had already taken it: no RTCP port of its own in the
	// offer, and mux whatever the answer says (RFC 8858's exclusive mux, as WebRTC wants)
	bool require = false;

	bool operator==(const RtcpMuxOptions&) const = default;
};

struct SignalOptions {
	std::string from_tag;   // the party that offered
	std::string to_tag;     // the party that answers; empty before the first answer
	std::string via_branch; // names the fork of an offer not yet answered
	std::string label;      // given to the party sending this SDP

	std::vector<std::string> direction; // interface names facing the [from-tag, to-tag] party
	int address_family = 0;             // AF_UNSPEC (as offered), AF_INET or AF_INET6
	std::string transport_protocol;     // empty: keep the offered one

	// Where the sender's media comes from, when not (only) from its SDP.
	std::optional<net::IpAddress> media_address; // replaces the SDP's address, RTCP's too
	std::optional<net::IpAddress> received_from; // the address the SIP message came from
	bool sip_source_address = false;             // use received_from instead of the SDP's...
	bool trust_address = false;                  // ...unless the SDP is to be trusted

	// Endpoint learning for the sender's streams.
	bool asymmetric = false;    // never learn: send where the SDP says
	bool strict_source = false; // drop packets from anyone but the confirmed endpoint

	RtcpMuxOptions rtcp_mux;
	// SRTP: the SDES flags, and opportunistic SRTP (RFC 8643: RTP/AVP with a=crypto).
	crypto::SdesOptions sdes;
	bool osrtp_offer = false;    // OSRTP-offer: a plain offer goes on with a=crypto lines added
	bool osrtp_accept = false;   // OSRTP-accept: an OSRTP offerer gets SRTP though the answerer
	                             // answered plain
	bool replace_origin = false; // o= gets the relay's address
	bool replace_sdp_version = false; // o= version bumped only when the SDP changed
	IceMode ice = IceMode::kDefault;
	DtlsMode dtls = DtlsMode::kDefault;         // towards the receiver
	DtlsMode dtls_reverse = DtlsMode::kDefault; // towards the sender
	bool strip_extmap = false;                  // no a=extmap in the SDP to the receiver
	bool generate_mid = false; // an offer's m= lines without a=mid get one (call/bundle.h)

	bool operator==(const SignalOptions&) const = default;
};

} // namespace rtprelay::call
