// SPDX-License-Identifier: GPL-3.0-or-later
// Endpoint learning for one stream: where the relay sends media for a party, learned from the
// packets that party sends (symmetric latching through NAT). Pure state machine, owned by a
// stream on its media loop.
//
// It resists RTP Bleed (docs/security.md, "Endpoint learning"): media goes only to the address
// the SDP names or to a confirmed source, never to a candidate on trial. The SDP address is
// confirmed by its first packet. Another source is considered only once both parties' SDP are
// known (arm(), at the answer): it must then send an unbroken RTP sequence (one SSRC, sequence
// numbers in order) while no other unknown source sends anything, for kMinRun packets and over
// kPersistMs (kImmediatePersistMs with `immediate`). A competing source, before or after the
// answer, delays confirmation; it never wins by arriving first. RTCP on its own port follows RTP: a
// new RTCP source is taken only from the address RTP confirmed. A confirmed stream changes only
// through signalling (reset()).
#pragma once

#include <cstdint>
#include <optional>

#include "config/learning_mode.h"
#include "net/address.h"

namespace rtprelay::media {

class EndpointLearning {
public:
	static constexpr int kMinRun = 3;          // RTP packets in sequence from one source
	static constexpr int64_t kPersistMs = 500; // ... spread over at least this long
	static constexpr int64_t kImmediatePersistMs = 60; // with `immediate`: 4 packets at 20 ms
	static constexpr int64_t kQuietMs = 1000;          // no competing source for this long
	static constexpr int64_t kStaleMs = 500;           // a candidate this silent gives way
	static constexpr uint16_t kMaxSeqGap = 4;          // lost packets tolerated within a run

	enum class Verdict { kAccept, kDrop };

	// What the packet path read from a datagram before asking for a verdict.
	struct Packet {
		bool rtp = false; // an RTP header on the RTP socket; ssrc and seq are valid
		uint32_t ssrc = 0;
		uint16_t seq = 0;
	};

	// After signalling: start over from what the SDP says. `asymmetric` never learns;
	// `strict` drops packets from other sources once the endpoint is confirmed. An RTCP
	// stream on its own port passes its RTP stream's learning as `rtp`.
	void reset(const std::optional<net::Endpoint>& sdp, LearningMode mode, bool asymmetric,
	           bool strict, const EndpointLearning* rtp = nullptr);
	// Both parties' SDP are known (the answer): sources other than the SDP address may be
	// learned from now on. Idempotent until the next reset().
	void arm() { armed_ = true; }

	Verdict on_packet(const net::Endpoint& source, const Packet& packet, int64_t now_ms);

	// ICE instead of learning (ice/agent.h): start over knowing nothing, then take the address
	// the party nominates (select). Packets teach nothing; the packet path lets through only
	// addresses that passed a check.
	void reset_for_ice();
	void select(const net::Endpoint& nominated);

	// A restarted relay's word for what it confirmed before (ha/restore.cc): media goes to
	// `confirmed` as if its packets had proven it. Call after reset() or reset_for_ice().
	void restore(const net::Endpoint& confirmed) { confirm(confirmed); }
	// Grows by one each time an endpoint is confirmed, and never goes back (not even at
	// reset()): a call compares the sums of its streams to see that it learned something.
	uint64_t confirmations() const { return confirmations_; }

	// Where media for this party goes; nullopt while neither SDP nor packets told us.
	const std::optional<net::Endpoint>& destination() const { return destination_; }
	bool confirmed() const { return confirmed_; }
	bool learned() const { return learned_; }
	bool strict() const { return strict_; }
	bool armed() const { return armed_; }
	// Packets from another unknown source while a candidate was on trial.
	uint64_t contested() const { return contested_; }

private:
	// The one source on trial, with the run of RTP it has sent so far.
	struct Candidate {
		net::Endpoint source;
		int rank = 0; // 2: the SDP's IP address with another port (heuristic); else 1
		uint32_t ssrc = 0;
		uint16_t seq = 0;
		int run = 0;
		int64_t run_start_ms = 0;
		int64_t last_ms = 0;
	};

	bool learns() const { return mode_ != LearningMode::kOff && !asymmetric_ && !ice_; }
	int rank(const net::Endpoint& source) const;
	void confirm(const net::Endpoint& source);
	void follow_rtp(const net::Endpoint& source);
	void observe(const net::Endpoint& source, const Packet& packet, int64_t now_ms);
	bool proven(int64_t now_ms) const;
	void contest(int64_t now_ms);
	void watch_before_answer(const net::Endpoint& source, int64_t now_ms);

	// What a confirmed stream's packets read, and what its sink's read, first: one cache
	// line where the owner aligns the object to one.
	LearningMode mode_ = LearningMode::kDelayed;
	bool asymmetric_ = false;
	bool strict_ = false;
	bool armed_ = false;
	bool ice_ = false;
	bool confirmed_ = false;
	bool learned_ = false;
	std::optional<net::Endpoint> destination_;
	std::optional<net::Endpoint> sdp_;
	const EndpointLearning* rtp_ = nullptr;
	std::optional<Candidate> candidate_;
	std::optional<net::Endpoint> early_source_; // the last unknown source before the answer
	int64_t early_ms_ = 0;
	int64_t contested_until_ms_ = 0;
	uint64_t contested_ = 0;
	uint64_t confirmations_ = 0;
};

} // namespace rtprelay::media
