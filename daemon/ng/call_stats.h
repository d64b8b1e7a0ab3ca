// SPDX-License-Identifier: GPL-3.0-or-later
// Call snapshots as ng reply dictionaries, in the shape rtpengine's query and delete replies
// have (`created`, `last signal`, `tags` → `medias` → `streams`, `totals`, and the `SSRC`
// dictionary with MOS, jitter and packet loss), so Kamailio's statistics and mos_* AVPs work.
#pragma once

#include "call/snapshot.h"
#include "ng/value.h"
#include "util/arena.h"

namespace rtprelay::ng {

// A reply travels in one UDP datagram (at most 65,507 bytes). A stream takes about 500 bytes
// of it in bencode (650 in JSON, more with IPv6) and an SSRC about 300, so a call with dozens
// of m= lines or many SSRCs is listed in part: the first m= lines of every party, and the
// SSRCs of the listed streams, up to these limits. `totals` always counts every stream, and
// `truncated` says how many medias and SSRCs were left out.
inline constexpr size_t kMaxListedStreams = 64;
inline constexpr size_t kMaxListedSsrcs = 32;

// Adds the statistics keys of `snap` to the reply dictionary `reply`.
void add_call_stats(Value& reply, const call::CallSnapshot& snap, Arena& arena);

// The integer a reply carries for a statistic (MOS x10, loss in percent): the nearest one,
// halves away from zero. Truncating x + 0.5 is not that: 0.49999999999999994 + 0.5 is 1.0.
int64_t stat_integer(double x);

// MOS (1.0-4.5) estimated from loss and jitter with the ITU-T G.107 E-model simplification
// rtpengine uses; round-trip time unknown to the relay counts as 0.
double estimate_mos(double loss_percent, double jitter_ms, double rtt_ms);

} // namespace rtprelay::ng
