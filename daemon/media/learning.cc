// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/learning.h"

namespace rtprelay::media {

void EndpointLearning::reset(const std::optional<net::Endpoint>& sdp, LearningMode mode,
                             bool asymmetric, bool strict)
{
	*this = EndpointLearning();
	sdp_ = sdp;
	destination_ = sdp;
	mode_ = mode;
	asymmetric_ = asymmetric;
	strict_ = strict;
	if (mode_ == LearningMode::kOff || asymmetric_)
		confirmed_ = sdp_.has_value();
}

int EndpointLearning::rank(const net::Endpoint& source) const
{
	if (sdp_ && source == *sdp_)
		return 3;
	if (mode_ == LearningMode::kHeuristic && sdp_ && source.ip() == sdp_->ip())
		return 2;
	return 1;
}

void EndpointLearning::latch(const net::Endpoint& source)
{
	destination_ = source;
	learned_ = true;
	learned_rank_ = rank(source);
}

EndpointLearning::Verdict EndpointLearning::on_packet(const net::Endpoint& source, int64_t now_ms)
{
	if (mode_ == LearningMode::kOff || asymmetric_)
		return Verdict::kAccept; // nothing to learn; SDP decides where media goes

	if (confirmed_) {
		if (destination_ && source == *destination_)
			return Verdict::kAccept;
		// A stray source never moves a confirmed stream; strict-source also drops it.
		return strict_ ? Verdict::kDrop : Verdict::kAccept;
	}

	if (mode_ == LearningMode::kImmediate) {
		latch(source);
		confirmed_ = true;
		return Verdict::kAccept;
	}

	if (window_end_ < 0)
		window_end_ = now_ms + kWindowMs;
	if (source == candidate_)
		candidate_packets_++;
	else {
		candidate_ = source;
		candidate_packets_ = 1;
	}
	int r = rank(source);
	bool trusted = r == 3 || candidate_packets_ >= kMinPackets;
	// Heuristic mode keeps a better-matching source over a worse one.
	bool better = mode_ != LearningMode::kHeuristic || !learned_ || r >= learned_rank_;
	if (trusted && better)
		latch(source);
	if (now_ms >= window_end_ && learned_)
		confirmed_ = true;
	return Verdict::kAccept;
}

} // namespace rtprelay::media
