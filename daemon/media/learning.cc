// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/learning.h"

namespace rtprelay::media {

void EndpointLearning::reset(const std::optional<net::Endpoint>& sdp, LearningMode mode,
                             bool asymmetric, bool strict, const EndpointLearning* rtp)
{
	uint64_t confirmations = confirmations_;
	*this = EndpointLearning();
	confirmations_ = confirmations;
	sdp_ = sdp;
	destination_ = sdp;
	rtp_ = rtp;
	mode_ = mode;
	asymmetric_ = asymmetric;
	strict_ = strict;
	if (!learns())
		confirmed_ = sdp_.has_value();
}

void EndpointLearning::reset_for_ice()
{
	uint64_t confirmations = confirmations_;
	*this = EndpointLearning();
	confirmations_ = confirmations;
	ice_ = true;
	strict_ = true;
}

void EndpointLearning::select(const net::Endpoint& nominated)
{
	ice_ = true;
	strict_ = true;
	confirm(nominated);
}

int EndpointLearning::rank(const net::Endpoint& source) const
{
	if (mode_ == LearningMode::kHeuristic && sdp_ && source.ip() == sdp_->ip())
		return 2;
	return 1;
}

void EndpointLearning::confirm(const net::Endpoint& source)
{
	destination_ = source;
	learned_ = true;
	confirmed_ = true;
	candidate_.reset();
	confirmations_++;
}

// RTCP on its own port carries no sequence to judge it by; it comes from the same host (the
// same NAT) as the RTP its party sends, so only that address may take it over.
void EndpointLearning::follow_rtp(const net::Endpoint& source)
{
	if (rtp_->confirmed() && rtp_->destination() && rtp_->destination()->ip() == source.ip())
		confirm(source);
}

bool EndpointLearning::proven(int64_t now_ms) const
{
	const Candidate& c = *candidate_;
	if (c.run < kMinRun)
		return false;
	if (c.rank == 2) // the SDP's own host: strangers elsewhere do not contest it
		return true;
	if (now_ms < contested_until_ms_)
		return false;
	int64_t persist = mode_ == LearningMode::kImmediate ? kImmediatePersistMs : kPersistMs;
	return now_ms - c.run_start_ms >= persist;
}

// Two unknown sources at once: one of them is not the party. Nobody is confirmed until the
// other has been quiet for a while.
void EndpointLearning::contest(int64_t now_ms)
{
	contested_until_ms_ = now_ms + kQuietMs;
	contested_++;
}

// Before the answer nothing is learned, but two unknown sources sending at once show that a
// stranger is at the port; the contest then carries over the answer, so a flood that started
// while the callee rang cannot win the first milliseconds after it.
void EndpointLearning::watch_before_answer(const net::Endpoint& source, int64_t now_ms)
{
	if (early_source_ && *early_source_ != source && now_ms - early_ms_ <= kQuietMs)
		contest(now_ms);
	early_source_ = source;
	early_ms_ = now_ms;
}

void EndpointLearning::observe(const net::Endpoint& source, const Packet& packet, int64_t now_ms)
{
	int r = rank(source);
	if (candidate_ && candidate_->source != source) {
		bool gives_way = now_ms - candidate_->last_ms > kStaleMs || r > candidate_->rank;
		if (!gives_way) {
			if (r >= candidate_->rank)
				contest(now_ms);
			return;
		}
		candidate_.reset();
	}
	if (!candidate_)
		candidate_ = Candidate{source, r, 0, 0, 0, now_ms, now_ms};
	Candidate& c = *candidate_;
	c.last_ms = now_ms;
	if (!packet.rtp)
		return; // RTCP on a muxed port, or not RTP: no evidence either way
	auto step = static_cast<uint16_t>(packet.seq - c.seq);
	if (c.run > 0 && packet.ssrc == c.ssrc && step == 0)
		return; // a duplicate
	if (c.run > 0 && packet.ssrc == c.ssrc && step <= kMaxSeqGap) {
		c.run++;
	} else {
		c.run = 1;
		c.ssrc = packet.ssrc;
		c.run_start_ms = now_ms;
	}
	c.seq = packet.seq;
	if (proven(now_ms))
		confirm(source);
}

EndpointLearning::Verdict EndpointLearning::on_packet(const net::Endpoint& source,
                                                      const Packet& packet, int64_t now_ms)
{
	if (!learns())
		return Verdict::kAccept; // nothing to learn; SDP decides where media goes

	if (confirmed_) {
		if (source == *destination_)
			return Verdict::kAccept;
		// A stray source never moves a confirmed stream; strict-source also drops it.
		return strict_ ? Verdict::kDrop : Verdict::kAccept;
	}
	if (sdp_ && source == *sdp_) {
		confirm(source); // the address the party signalled: nothing to prove
		return Verdict::kAccept;
	}
	// Before the answer anyone may aim at a freshly handed-out port, and the callee's side is
	// not known yet: nothing but the SDP address is learned.
	if (!armed_) {
		watch_before_answer(source, now_ms);
		return Verdict::kAccept;
	}
	if (rtp_)
		follow_rtp(source);
	else
		observe(source, packet, now_ms);
	return Verdict::kAccept;
}

} // namespace rtprelay::media
