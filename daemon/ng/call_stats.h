// SPDX-License-Identifier: GPL-3.0-or-later
// Call snapshots as ng reply dictionaries, in the shape rtpengine's query and delete replies
// have (`created`, `last signal`, `tags` → `medias` → `streams`, `totals`, and the `SSRC`
// dictionary with MOS, jitter and packet loss), so Kamailio's statistics and mos_* AVPs work.
#pragma once

#include "call/snapshot.h"
#include "ng/value.h"
#include "util/arena.h"

namespace rtprelay::ng {

// A reply travels in one UDP datagram (at most 65,507 bytes). A stream takes about 600 bytes
// of it in bencode (800 in JSON, more with IPv6) and an SSRC about 600, so a call with dozens
// of m= lines or many SSRCs is listed in part: the first m= lines of every party, and the
// SSRCs of the listed streams, up to these limits. `totals` always counts every stream, and
// `truncated` says how many medias and SSRCs were left out.
inline constexpr size_t kMaxListedStreams = 48;
inline constexpr size_t kMaxListedSsrcs = 32;
// An SSRC's `MOS progression` (and our `packets`, `lost` and `source` keys) is listed while the
// listed streams carry at most this many SSRCs, as in every call of a phone or two; the rest, as
// Kamailio reads it, always.
inline constexpr size_t kMaxProgressionSsrcs = 8;

// Adds the statistics keys of `snap` to the reply dictionary `reply`.
void add_call_stats(Value& reply, const call::CallSnapshot& snap, Arena& arena);

} // namespace rtprelay::ng
