// SPDX-License-Identifier: GPL-3.0-or-later
#include "crypto/srtp_session.h"

#include <algorithm>
#include <cstring>
#include <tuple>
#include <utility>

#include "util/strings.h"

namespace rtprelay::crypto {
namespace {

constexpr size_t kRtpHeader = 12;
constexpr size_t kRtcpHeader = 8;
constexpr size_t kMaxMki = 128;
constexpr uint64_t kMaxIndex = (uint64_t{1} << 48) - 1;      // SRTP (RFC 3711 3.3.1)
constexpr uint64_t kMaxSrtcpIndex = (uint64_t{1} << 31) - 1; // SRTCP (RFC 3711 3.4)

uint32_t read32(const uint8_t* p)
{
	return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

uint16_t seq_of(const uint8_t* packet)
{
	return static_cast<uint16_t>(packet[2] << 8 | packet[3]);
}

Error suite_error(const sdp::SrtpSuite& s, const char* what)
{
	return Error{strprintf("SRTP suite %.*s: %s", static_cast<int>(s.name.size()),
	                       s.name.data(), what)};
}

SrtpSession::Verdict verdict(SrtpTransform::Outcome o)
{
	switch (o) {
	case SrtpTransform::Outcome::kOk: return SrtpSession::Verdict::kOk;
	case SrtpTransform::Outcome::kAuthFailed: return SrtpSession::Verdict::kAuthFailed;
	default: return SrtpSession::Verdict::kMalformed;
	}
}

} // namespace

Result<SrtpSession> SrtpSession::create(const SrtpKeying& keying, Direction direction)
{
	if (keying.suite >= sdp::srtp_suites().size())
		return Error{"unknown SRTP suite"};
	const sdp::SrtpSuite& suite = keying.srtp_suite();
	if (keying.length != size_t{suite.key_bytes} + suite.salt_bytes)
		return Error{strprintf("%.*s needs %u bytes of key and salt, got %u",
		                       static_cast<int>(suite.name.size()), suite.name.data(),
		                       suite.key_bytes + suite.salt_bytes, keying.length)};
	if (keying.mki_length > kMaxMki)
		return suite_error(suite, "MKI longer than 128 bytes");
	auto xform = SrtpTransform::create(keying, direction == Direction::kOutbound);
	if (!xform)
		return suite_error(suite, xform.error().reason.c_str());
	return SrtpSession(keying, std::move(*xform));
}

Result<SrtpSession> SrtpSession::create(const sdp::SrtpSuite& suite,
                                        std::span<const uint8_t> key_salt, Direction direction)
{
	SrtpKeying k;
	k.suite = static_cast<uint8_t>(&suite - sdp::srtp_suites().data());
	if (key_salt.size() > k.master.size())
		return suite_error(suite, "key too long");
	k.length = static_cast<uint8_t>(key_salt.size());
	std::copy(key_salt.begin(), key_salt.end(), k.master.begin());
	return create(k, direction);
}

SrtpSession::SrtpSession(SrtpSession&& other) noexcept
    : keying_(other.keying_), xform_(std::move(other.xform_)), tracked_(other.tracked_),
      tracked_count_(other.tracked_count_), uses_(other.uses_)
{
	explicit_bzero(other.keying_.master.data(), other.keying_.master.size());
}

SrtpSession& SrtpSession::operator=(SrtpSession&& other) noexcept
{
	if (this != &other) {
		keying_ = other.keying_;
		xform_ = std::move(other.xform_);
		tracked_ = other.tracked_;
		tracked_count_ = other.tracked_count_;
		uses_ = other.uses_;
		explicit_bzero(other.keying_.master.data(), other.keying_.master.size());
	}
	return *this;
}

SrtpSession::~SrtpSession() = default; // the transform wipes the session keys, keying_ the master

std::optional<uint32_t> SrtpSession::roc(uint32_t ssrc) const
{
	for (size_t i = 0; i < tracked_count_; i++) {
		const Tracked& t = tracked_[i];
		if (t.ssrc != ssrc)
			continue;
		if (t.resumed)
			return t.roc_from;
		return t.rtp.empty() ? 0 : static_cast<uint32_t>(t.rtp.highest() >> 16);
	}
	return std::nullopt;
}

Result<void> SrtpSession::resume(const SrtpSsrcState& from)
{
	if (find(from.ssrc))
		return Error{strprintf("SSRC %u already has packets here", from.ssrc)};
	Tracked& t = make_room(from.ssrc);
	t.highest_seq = from.highest_seq;
	t.have_seq = true;
	t.resumed = true;
	t.roc_from = from.roc;
	return {};
}

void SrtpSession::advance(const SrtpSsrcState& to)
{
	if (!to.has_rtp && !to.has_srtcp)
		return;
	Tracked* t = find(to.ssrc);
	if (!t)
		t = &make_room(to.ssrc);
	uint64_t index = uint64_t{to.roc} << 16 | to.highest_seq;
	uint64_t mine = t->resumed       ? uint64_t{t->roc_from} << 16 | t->highest_seq
	                : t->rtp.empty() ? 0
	                                 : t->rtp.highest();
	bool have = t->resumed || !t->rtp.empty();
	if (to.has_rtp && (!have || index > mine)) {
		t->rtp.add(index);
		t->resumed = false;
		t->have_seq = true;
		t->highest_seq = to.highest_seq;
	}
	if (to.has_srtcp && (t->rtcp.empty() || to.srtcp_index > t->rtcp.highest()))
		t->rtcp.add(to.srtcp_index);
}

uint64_t SrtpSession::progress() const
{
	uint64_t n = 0;
	for (size_t i = 0; i < tracked_count_; i++) {
		const Tracked& t = tracked_[i];
		n += roc(t.ssrc).value_or(0);
		if (!t.rtcp.empty())
			n += t.rtcp.highest() / kSrtcpStep;
	}
	return n;
}

SrtpState SrtpSession::state() const
{
	SrtpState s;
	s.keying = keying_;
	for (size_t i = 0; i < tracked_count_; i++) {
		const Tracked& t = tracked_[i];
		SrtpSsrcState& out = s.ssrcs[s.ssrc_count++];
		out.ssrc = t.ssrc;
		out.roc = roc(t.ssrc).value_or(0);
		out.highest_seq = t.highest_seq;
		out.has_rtp = t.have_seq;
		out.has_srtcp = !t.rtcp.empty();
		out.srtcp_index = t.rtcp.empty() ? 0 : static_cast<uint32_t>(t.rtcp.highest());
	}
	return s;
}

// Whether the packet may go to the transform at all: long enough for its header, and the key
// not past its lifetime. Reads its SSRC.
SrtpSession::Verdict SrtpSession::admit(const uint8_t* packet, size_t len, bool rtcp,
                                        uint32_t& ssrc) const
{
	if (len < (rtcp ? kRtcpHeader : kRtpHeader) || len > INT32_MAX)
		return Verdict::kMalformed;
	if (keying_.lifetime && uses_ >= keying_.lifetime)
		return Verdict::kKeyExpired;
	ssrc = read32(packet + (rtcp ? 4 : 8));
	return Verdict::kOk;
}

SrtpSession::Tracked* SrtpSession::find(uint32_t ssrc)
{
	for (size_t i = 0; i < tracked_count_; i++)
		if (tracked_[i].ssrc == ssrc)
			return &tracked_[i];
	return nullptr;
}

// A slot for a new SSRC: a free one, else the least valuable one's. Not on the packet path of
// an established stream: only a new SSRC gets here.
SrtpSession::Tracked& SrtpSession::make_room(uint32_t ssrc)
{
	Tracked* t = nullptr;
	if (tracked_count_ < tracked_.size()) {
		t = &tracked_[tracked_count_++];
	} else {
		auto worth = [this](const Tracked& x) {
			bool wrapped = roc(x.ssrc).value_or(0) > 0;
			return std::tuple(wrapped, x.packets, x.last_use);
		};
		t = &*std::min_element(tracked_.begin(), tracked_.end(),
		                       [&worth](const Tracked& a, const Tracked& b) {
			                       return worth(a) < worth(b);
		                       });
	}
	*t = Tracked{ssrc, 0, uses_, 0, false, false, 0, {}, {}};
	return *t;
}

// The packet index of sequence number `seq` (RFC 3711 3.3.1, replay_window.h): its rollover
// counter guessed from the highest index this SSRC reached here, or from the one a resumed SSRC
// came with. A new SSRC starts at rollover 0.
uint64_t SrtpSession::estimate_index(const Tracked* t, uint16_t seq)
{
	if (!t || (t->rtp.empty() && !t->resumed))
		return seq;
	uint64_t highest =
	        t->rtp.empty() ? (uint64_t{t->roc_from} << 16 | t->highest_seq) : t->rtp.highest();
	return crypto::estimate_index(highest, seq);
}

// Whether `index` may be used: not seen, nor older than the replay window (a resumed SSRC has
// no window yet), and inside the key's 2^48 packets.
SrtpSession::Verdict SrtpSession::check_rtp(const Tracked* t, uint64_t index)
{
	if (index > kMaxIndex)
		return Verdict::kKeyExpired;
	if (t && t->rtp.check(index) != ReplayWindow::Check::kNew)
		return Verdict::kReplay;
	return Verdict::kOk;
}

// After a packet of `ssrc` (tracked in `t`, or not yet) went through: its use counted, in a
// slot made for it if it is new.
SrtpSession::Tracked& SrtpSession::track(uint32_t ssrc, Tracked* t)
{
	uses_++;
	if (!t)
		t = &make_room(ssrc);
	t->last_use = uses_;
	t->packets++;
	return *t;
}

// SRTP one way or the other: the index checked against the SSRC's window before the
// transform, and added to it after.
SrtpSession::Verdict SrtpSession::pass_rtp(uint8_t* packet, size_t& len, uint32_t ssrc,
                                           bool outbound)
{
	Tracked* t = find(ssrc);
	uint64_t i = estimate_index(t, seq_of(packet));
	if (Verdict v = check_rtp(t, i); v != Verdict::kOk)
		return v;
	auto o = outbound ? xform_.protect_rtp(packet, len, i)
	                  : xform_.unprotect_rtp(packet, len, i);
	if (o != SrtpTransform::Outcome::kOk)
		return verdict(o);
	Tracked& done = track(ssrc, t);
	done.rtp.add(i);
	done.resumed = false;
	done.have_seq = true;
	done.highest_seq = static_cast<uint16_t>(done.rtp.highest());
	return Verdict::kOk;
}

// The SRTCP index counts from 0 per SSRC (RFC 3711 3.4); past 2^31 - 1 the key is spent.
SrtpSession::Verdict SrtpSession::protect_rtcp(uint8_t* packet, size_t& len, uint32_t ssrc)
{
	Tracked* t = find(ssrc);
	uint64_t index = t && !t->rtcp.empty() ? t->rtcp.highest() + 1 : 0;
	if (index > kMaxSrtcpIndex)
		return Verdict::kKeyExpired;
	if (auto o = xform_.protect_rtcp(packet, len, static_cast<uint32_t>(index));
	    o != SrtpTransform::Outcome::kOk)
		return verdict(o);
	track(ssrc, t).rtcp.add(index);
	return Verdict::kOk;
}

SrtpSession::Verdict SrtpSession::unprotect_rtcp(uint8_t* packet, size_t& len, uint32_t ssrc)
{
	uint32_t index = 0;
	if (!xform_.srtcp_index(packet, len, index))
		return Verdict::kMalformed;
	Tracked* t = find(ssrc);
	if (t && t->rtcp.check(index) != ReplayWindow::Check::kNew)
		return Verdict::kReplay;
	if (auto o = xform_.unprotect_rtcp(packet, len); o != SrtpTransform::Outcome::kOk)
		return verdict(o);
	track(ssrc, t).rtcp.add(index);
	return Verdict::kOk;
}

SrtpSession::Verdict SrtpSession::protect(uint8_t* packet, size_t& len, size_t capacity, bool rtcp)
{
	uint32_t ssrc = 0;
	if (len + kMaxTrailer > capacity)
		return Verdict::kMalformed;
	if (Verdict v = admit(packet, len, rtcp, ssrc); v != Verdict::kOk)
		return v;
	return rtcp ? protect_rtcp(packet, len, ssrc) : pass_rtp(packet, len, ssrc, true);
}

SrtpSession::Verdict SrtpSession::unprotect(uint8_t* packet, size_t& len, bool rtcp)
{
	uint32_t ssrc = 0;
	if (Verdict v = admit(packet, len, rtcp, ssrc); v != Verdict::kOk)
		return v;
	return rtcp ? unprotect_rtcp(packet, len, ssrc) : pass_rtp(packet, len, ssrc, false);
}

} // namespace rtprelay::crypto
