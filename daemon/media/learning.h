// SPDX-License-Identifier: GPL-3.0-or-later
// Endpoint learning for one stream: where the relay sends media for a party, learned from the
// packets that party sends (symmetric latching through NAT). Resists RTP Bleed: before
// confirmation a new source must send kMinPackets in a row to be learned, unless it is the
// address the SDP announced. Pure state machine, owned by a stream on its media loop.
#pragma once

#include <cstdint>
#include <optional>

#include "config/learning_mode.h"
#include "net/address.h"

namespace rtprelay::media {

class EndpointLearning {
public:
	static constexpr int64_t kWindowMs = 3000;
	static constexpr int kMinPackets = 2;

	enum class Verdict { kAccept, kDrop };

	// After signalling: start over from what the SDP says. `asymmetric` never learns;
	// `strict` drops packets from other sources once the endpoint is confirmed.
	void reset(const std::optional<net::Endpoint>& sdp, LearningMode mode, bool asymmetric,
	           bool strict);

	Verdict on_packet(const net::Endpoint& source, int64_t now_ms);

	// Where media for this party goes; nullopt while neither SDP nor packets told us.
	const std::optional<net::Endpoint>& destination() const { return destination_; }
	bool confirmed() const { return confirmed_; }
	bool learned() const { return learned_; }
	bool strict() const { return strict_; }

private:
	int rank(const net::Endpoint& source) const;
	void latch(const net::Endpoint& source);

	std::optional<net::Endpoint> sdp_;
	std::optional<net::Endpoint> destination_;
	LearningMode mode_ = LearningMode::kDelayed;
	bool asymmetric_ = false;
	bool strict_ = false;
	bool confirmed_ = false;
	bool learned_ = false;
	int learned_rank_ = 0;
	int64_t window_end_ = -1; // set by the first packet
	net::Endpoint candidate_;
	int candidate_packets_ = 0;
};

} // namespace rtprelay::media
