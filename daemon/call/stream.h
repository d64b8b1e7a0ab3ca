// One component (RTP or RTCP) of one party's media: the relay's socket facing that party, what
// is known of the party's address, and the stream's counters. Lives on its call's media loop.
#pragma once

#include "call/kernel_state.h"
#include "event/loop.h"
#include "media/learning.h"
#include "media/port_pool.h"
#include "media/stream_stats.h"

namespace rtprelay::media {
class MediaLoop;
}

namespace rtprelay::call {

struct Media;

struct Stream {
	enum class Component { kRtp, kRtcp };

	Stream(Media& owner, Component c) : media(owner), component(c) {}
	Stream(const Stream&) = delete;
	Stream& operator=(const Stream&) = delete;

	Media& media;
	Component component;
	media::BoundSocket* socket = nullptr; // in media.lease; null while the stream is rejected
	event::EventPtr read_event{nullptr, event_free};
	media::MediaLoop* loop = nullptr; // set while read_event is armed
	media::EndpointLearning learning;
	media::StreamStats stats; // userspace and kernel traffic together
	KernelState kernel;       // declared last: its target goes before the socket
};

} // namespace rtprelay::call
