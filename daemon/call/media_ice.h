// SPDX-License-Identifier: GPL-3.0-or-later
// ICE in signalling, for one m= line of one party: what the party's SDP says (its credentials,
// or none, or a lite agent), the relay's ICE attributes in the SDP it writes to the party (its
// own credentials and a host candidate per component on each address of the party's
// interface: the relay's sockets are the only candidates, so ICE never routes media around the
// relay), and whether the party's streams follow the ICE agent (ice/agent.h) instead of
// endpoint learning. The relay is always the lite side; a party that is lite itself does no
// checks, so with it the relay learns endpoints as for plain RTP. Media loop thread.
#pragma once

#include "call/media.h"
#include "sdp/model.h"
#include "util/result.h"

namespace rtprelay::call {

// Reads the party's ICE credentials for `section` (media level, else session level). The
// party's agent gets fresh credentials of ours when the party restarts ICE (RFC 8839
// 4.4.1.1.1). An error names a malformed a=ice-ufrag or a=ice-pwd (never its value).
Result<void> read_ice(Media& m, const sdp::Session& session, const sdp::Media& section);

// `section`, going to the party of `to`, carries the relay's ICE attributes when `with` is
// set (the agent made on first use) and no one else's; the caller adds a=ice-lite to the
// session when any section does.
Result<void> write_ice(sdp::Media& section, Media& to, bool with);

// What apply_ice changed.
enum class IceChange { kNone, kStarted, kStopped };

// Points the party's streams at its agent while ICE is on with it: its last SDP carried the
// credentials of a full agent, or it has sent none yet and the relay offered it ICE. On a
// change the streams' learning starts over: the agent's nomination when it starts; the caller
// restarts endpoint learning when it stops.
IceChange apply_ice(Media& m);

} // namespace rtprelay::call
