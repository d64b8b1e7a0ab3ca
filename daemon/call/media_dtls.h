// SPDX-License-Identifier: GPL-3.0-or-later
// DTLS-SRTP (RFC 5763, 5764, 8842) for one m= line of one party: what the party's SDP says
// (a=fingerprint, a=setup, a=tls-id), the relay's a=fingerprint and a=setup in the SDP it
// writes to the party, the roles, and the association itself on the media socket, which keys
// the party's SRTP sessions when it connects.
//
// Roles never deadlock and never flip on their own: when the party offers actpass the relay
// answers passive (the party, having checked ICE, starts at once) unless DTLS=active asks
// otherwise; when the relay offers, it offers actpass the first time and its settled role in
// every re-offer, so a re-INVITE keeps the association. A new certificate, tls-id or role
// starts a new association, whose keys replace the old ones only once it has connected, so
// media never stops for a re-INVITE. DTLS runs on the RTP port (browsers mux RTCP onto it).
// Media loop thread.
#pragma once

#include <span>

#include "call/media.h"
#include "call/signal_options.h"
#include "crypto/dtls_identity.h"
#include "sdp/model.h"
#include "util/result.h"

namespace rtprelay::call {

// The party speaks DTLS-SRTP: its m= line's protocol is UDP/TLS/RTP/SAVP(F).
bool speaks_dtls(const Media& m);

// Reads the party's DTLS attributes (media level, else session level). In the party's answer
// to the relay's offer (`answer`), its a=setup settles the relay's role. An error names a
// malformed a=fingerprint or a missing one where the party speaks DTLS.
Result<void> read_dtls(Media& m, const sdp::Session& session, const sdp::Media& section,
                       bool answer, const crypto::DtlsIdentity* id);

// `section`, going to the party of `to`, carries the relay's a=fingerprint and a=setup when
// that party speaks DTLS, and no one else's DTLS attributes. `answering`: it answers the
// party's offer, which settles the relay's role now; `mode` is the relay's preference.
Result<void> write_dtls(sdp::Media& section, Media& to, const crypto::DtlsIdentity* id,
                        DtlsMode mode, bool answering);

// A DTLS datagram from `source` on `s`, a stream of `m`, to its receiver `local` (whose socket
// the association's answers leave from); false if `m`'s party speaks no DTLS.
bool dtls_datagram(Media& m, Stream& s, const net::Endpoint& source, size_t local,
                   std::span<const uint8_t> datagram);

// After signalling: the streams know whether to wait for DTLS keys (only signalling changes
// that: the protocol, a rejection, BUNDLE), and dtls_after_packets().
void dtls_after_signalling(Media& m);
// After packets (per batch, on the packet path): the active side starts its handshake once
// it knows where the party is. Plain media costs one pointer test.
void dtls_after_packets(Media& m);

// A restarted relay (ha/restore.cc): `m`'s sessions keyed as its association had keyed them
// before, with no new handshake (the active side does not start one). The association itself
// is not kept: a handshake the party starts anew keys the sessions again.
Result<void> dtls_resume_keys(Media& m, const sdp::SrtpSuite& suite,
                              std::span<const uint8_t> local_key_salt,
                              std::span<const uint8_t> remote_key_salt);

} // namespace rtprelay::call
