// SPDX-License-Identifier: GPL-3.0-or-later
// One component (RTP or RTCP) of one party's media as the packet path sees it: the relay's
// socket facing that party, what is known of the party's address, and the stream's counters.
// The call layer derives from it and answers, from signalling, where packets go (sink) and
// what follows from them (after_packets). Lives on its call's media loop.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "crypto/srtp_session.h"
#include "ice/agent.h"
#include "media/bundle_demux.h"
#include "media/learning.h"
#include "media/port_pool.h"
#include "media/read_watch.h"
#include "media/stream_stats.h"

namespace rtprelay::media {

class MediaLoop;

// Aligned to a cache line: what a datagram reads of it is its first (below).
class alignas(64) Stream {
public:
	enum class Component { kRtp, kRtcp };
	// The clock rates of the party's m= line, owned by the call layer.
	struct ClockRates {
		std::array<uint32_t, 128> by_type{}; // per payload type; 0 = unknown
		// Of the first payload type the m= line lists that has one (0: none): RTCP names
		// no payload type, and the party's jitter figures count in its media's clock.
		uint32_t first = 0;
	};
	// The relay's sockets facing the party that this stream reads, leased by the call layer:
	// [0] its own (null while rejected), then, towards a party doing ICE, one host candidate
	// on each further address of the party's interface, in the order the SDP lists them
	// (call/media_ice.h). `stream`: this one, for the engine reading it.
	static constexpr size_t kMaxCandidates = 4;
	struct Receiver {
		Stream* stream = nullptr;
		BoundSocket* socket = nullptr;
		std::unique_ptr<ReadWatch> watch; // while the loop reads `socket`
		uint32_t overflows_seen = 0;      // the socket's SO_RXQ_OVFL count last read
	};

	Stream(Component c, const ClockRates& rates) : component(c), clock_rates(rates)
	{
		for (Receiver& r : receivers)
			r.stream = this;
	}
	virtual ~Stream() = default;
	Stream(const Stream&) = delete;
	Stream& operator=(const Stream&) = delete;

	// Where packets received here go: the peer's stream for RTP (`rtcp` false) or RTCP, or
	// null while signalling has not given one. `line`: the m= line of the party's BUNDLE
	// that `bundle` found for the packet (0 without one). The packet path asks route().
	virtual Stream* sink(bool rtcp, size_t line) = 0;
	// sink(), from `sinks` where there is no BUNDLE line: once per path and batch.
	Stream* route(bool rtcp, size_t line) { return line ? sink(rtcp, line) : sinks[rtcp]; }
	// Counts `n` datagrams dropped for `r`, on the stream and in its loop's traffic (at
	// once: the packet path copies no drop counters to compare).
	void drop(DropReason r, uint64_t n = 1);
	// After a wake-up's packets, read by `reader`: what they taught (a confirmed endpoint, a
	// new SSRC) may change what the kernel should do for this stream and its peer's.
	virtual void after_packets(MediaLoop& reader) = 0;
	// A DTLS datagram (RFC 7983: first byte 20-63) from `source` to receiver `local`; false
	// if this stream's party speaks no DTLS, and the datagram goes the way of media.
	virtual bool take_dtls(const net::Endpoint& source, size_t local,
	                       std::span<const uint8_t> datagram) = 0;

	// Gives receiver `i` its socket (null: none); [0]'s is also where media leaves from.
	void attach(size_t i, BoundSocket* s);
	// Stops reading receiver `i`'s socket and forgets it; media that left from it leaves
	// from [0]'s.
	void detach(size_t i);
	// After the ICE agent's nomination moved (or a restart withdrew it): media goes to the
	// selected address, from the relay's candidate of that pair.
	void follow_ice();
	// The same after a check, where the selection moved or its candidate's socket is not the
	// one media leaves from (the candidates were leased anew since).
	void follow_ice_if_moved();

	// What a datagram reads of the stream it came to and of the one it goes to is the
	// object's first cache line (after the vtable pointer): with a thousand calls each is a
	// miss. The loop that reads the stream is passed to the packet path rather than read
	// here, for the same reason. The learning and the counters follow on lines of their
	// own, the per-SSRC detail last.
	const Component component;
	// The party speaks DTLS-SRTP: until its association has keyed `decrypt` and `encrypt`,
	// nothing it sends is forwarded and nothing is sent to it, except that the newest packet
	// for it is held (`held`: one slot, made by the call layer with the association) and
	// sent as soon as the keys exist, so that the first media does not wait for the next
	// packet.
	bool dtls = false;
	// Where media and replies to the party leave from: receivers[0]'s socket, or under ICE
	// the one of the pair the party selected.
	BoundSocket* socket = nullptr;
	// SRTP with this party, owned by the call layer and set from signalling: `decrypt`
	// unprotects what the party sends, `encrypt` protects what the relay sends it. Null:
	// plain RTP, or SRTP passed through untouched.
	crypto::SrtpSession* decrypt = nullptr;
	crypto::SrtpSession* encrypt = nullptr;
	// ICE with this party (ice/agent.h), owned by the call layer and set from signalling;
	// null when the party does no ICE. `ice_generation`: the agent's generation the learning
	// last followed.
	ice::Agent* ice = nullptr;
	// BUNDLE (RFC 9143), owned by the call layer: the party sends several m= lines to this
	// socket and `bundle` tells which a packet belongs to; null: one m= line.
	BundleDemux* bundle = nullptr;
	// sink(false, 0) and sink(true, 0) as signalling last left them, set by the call layer
	// after each change: finding them per packet took three cache misses (the stream's
	// m= line, the peer's, the peer's transport). RTP's ends the first line.
	std::array<Stream*, 2> sinks{};
	MediaLoop* loop = nullptr; // set once a receiver is watched
	const ClockRates& clock_rates;
	// The relay's sockets facing the party (above).
	std::array<Receiver, kMaxCandidates> receivers;
	// The line this stream's packets take where its sink carries a party's BUNDLE (0 where
	// not), so that the party's RTCP about them finds its way back (BundleDemux::sent).
	size_t line_in_sink = 0;
	struct Held {
		std::array<uint8_t, 2048> data;
		size_t len = 0; // 0: empty
		bool rtcp = false;
	};
	std::unique_ptr<Held> held;
	uint64_t ice_generation = 0;
	unsigned ice_component() const { return component == Component::kRtp ? 1 : 2; }
	// Each on lines of its own: what packets read of them is at their start.
	alignas(64) EndpointLearning learning;
	alignas(64) StreamStats stats; // userspace and kernel traffic together
};

} // namespace rtprelay::media
