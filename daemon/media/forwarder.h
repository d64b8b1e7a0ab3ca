// SPDX-License-Identifier: GPL-3.0-or-later
// Reading a stream's sockets on its media loop, with whichever engine the loop runs: io_uring
// (media/uring_engine.h), or epoll here: reads a socket in batches (recvmmsg), takes each
// datagram through the packet path (media/packet_path.h), and sends each batch's packets out
// of their sink's socket (sendmmsg). Never allocates, never blocks, and reads at most
// kMaxBatchesPerWakeup batches per wake-up so one flooded socket cannot starve the others.
// Sockets are watched edge-triggered (no re-poll of idle sockets): a socket is always read
// until it is empty or, past the cap, re-activated to be read again after the others.
#pragma once

#include <event2/event.h>

#include "media/stream.h"
#include "util/result.h"

namespace rtprelay::media {

class MediaLoop;

inline constexpr int kMaxBatchesPerWakeup = 4;

// Starts reading the stream's sockets on `loop` (idempotent: those not read yet).
Result<void> watch(Stream& stream, MediaLoop& loop);
// Stops reading all of them.
void stop_watching(Stream& stream);

// One wake-up's work for a stream's receiver `local` (Stream::receivers); exposed for tests.
void forward_ready(Stream& stream, MediaLoop& loop, size_t local);

} // namespace rtprelay::media
