// SPDX-License-Identifier: GPL-3.0-or-later
// BUNDLE (RFC 9143): several m= lines of one party on one transport.
//
// A party's own SDP decides whether it bundles: a group it offers the relay accepts (whatever
// the other side does, which keeps a port pair per m= line), and a group in its answer to the
// relay's offer is what it agreed to. Its first mid names the transport's m= line; the others
// then use that line's sockets, ICE agent, DTLS association and SRTP sessions, and every SDP
// the relay writes to the party gives them its port. What the party sends there is taken
// apart by media::BundleDemux (MID extension, SSRC, payload type); what goes to it leaves
// from the one socket.
//
// The relay offers a group of all its m= lines to a WebRTC party (ICE or DTLS-SRTP) that the
// other side's SDP did not group, with a=mid where that SDP has none: Chrome's max-bundle
// policy refuses an offer without one. A bundle of m= lines keyed by SDES is not supported
// (the transport's keys would be used for all). Media loop thread.
#pragma once

#include "call/call.h"
#include "sdp/model.h"

namespace rtprelay::call {

// The party's a=mid, a=ssrc and MID extension id of each m= line, and its first
// a=group:BUNDLE.
void read_bundle(Monologue& party, const sdp::Session& session);

// After the party's SDP: which of its m= lines ride on which transport, the demultiplexer of
// each transport, and the line each of the other party's streams feeds.
void apply_bundle(Monologue& party);

// The SDP for `receiver`: in an answer (`answering`), every m= line carries the mid the
// receiver offered for it and no other, and its group is accepted without the m= lines the
// answer rejects; in an offer to a WebRTC party, a group where the SDP has none. An offer's
// m= lines get an a=mid where they have none when they are grouped, or with `generate_mid`.
void write_bundle(sdp::Session& session, const Monologue& receiver, bool answering,
                  bool generate_mid);

} // namespace rtprelay::call
