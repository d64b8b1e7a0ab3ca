// SPDX-License-Identifier: GPL-3.0-or-later
// Hands confirmed streams to xt_RTPRELAY and takes them back. A stream is kernelized once its
// party's endpoint is confirmed and the kernel would do exactly what the userspace path does
// (same destination, same source handling; RTCP bound for another port goes up to userspace);
// any change of that decision (re-signalling, a new SSRC, the peer's endpoint moving, an ICE
// nomination moving or its consent lapsing) replaces or removes the target. The kernel's counters
// are folded into the stream's own, so timeouts, query, delete and statistics see kernel traffic
// like userspace traffic. Media loop only.
#pragma once

#include <optional>

#include "call/call.h"
#include "kernel/target_builder.h"

namespace rtprelay::call {

// Kernelized streams are decided again once a second (kernel_recheck): one that sends to an
// ICE party goes back to userspace this long before the party's consent lapses, so the kernel
// never sends past it (RFC 7675 5.1), whatever the timer's lateness.
inline constexpr int64_t kIceConsentMarginMs = 1500;

// What the kernel should do for packets arriving on `s` at `now_ms`, or nullopt while userspace
// must see them. Pure: reads the stream, its media and the peer's.
std::optional<kernel::TargetInput> kernel_decision(const Stream& s, int tos, int64_t now_ms);

// Why packets arriving on `s` must stay in userspace whatever the kernel can do, for query;
// nullptr if nothing but the stream's state (learning, signalling) keeps them there.
const char* userspace_only(const Stream& s);

// After `loop` handled packets of `s` in userspace: brings the targets of `s`, and of the
// peer streams that send to `s`'s endpoint, in line with their decisions.
void kernel_sync_after_packets(Stream& s, const media::MediaLoop& loop);

// Reads the counters of the stream's target and folds what is new into its counters.
void kernel_refresh(Stream& s);
void kernel_refresh(Call& c);

// Decides again for the call's kernelized streams what time alone changes: a party's ICE
// consent lapsing takes the streams that send to it back. Once a second.
void kernel_recheck(Call& c);

// Takes every stream of the media (and its peer) back to userspace: signalling is about to
// change it. The next packets decide again.
void kernel_take_back(Media& m);
// The same for every m= line `m` carries as a BUNDLE transport (new keys of the transport:
// the other side's targets of every line protect with them).
void kernel_take_back_carried(Media& m);

} // namespace rtprelay::call
