// SPDX-License-Identifier: GPL-3.0-or-later
#include "media/packet_path.h"

#include <linux/net_tstamp.h>

#include <cstring>
#include <ctime>

#include "media/media_loop.h"
#include "media/own_endpoints.h"
#include "media/rtcp.h"
#include "media/rtp.h"

namespace rtprelay::media {
namespace {

// Kernel receive time in ns, and the socket's overflow counter, from the control messages.
void read_control(const Datagram& d, int64_t& rx_ns, uint32_t& overflows, bool& have_overflows)
{
	msghdr h{};
	h.msg_control = d.control;
	h.msg_controllen = d.control_len;
	for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SO_TIMESTAMPNS) {
			timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			rx_ns = ts.tv_sec * 1000000000 + ts.tv_nsec;
		} else if (c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&overflows, CMSG_DATA(c), sizeof overflows);
			have_overflows = true;
		}
	}
}

void track_rtp(Stream& s, const RtpHeader& h, int64_t rx_ns)
{
	SsrcStats& st = s.stats.ssrc(h.ssrc);
	uint32_t rate = st.clock_rate(h.payload_type, s.clock_rates.by_type);
	uint64_t arrival = rate ? static_cast<uint64_t>(rx_ns / 1000) * rate / 1000000 : 0;
	st.on_packet(h.sequence, h.timestamp, arrival);
	if (!st.sample_due())
		return;
	// The round trip is timed where the receiver's reports about this media arrive: on the
	// stream facing the other party, this stream's RTCP sink (every few seconds, not per
	// packet).
	const Stream* reports = s.route(true, 0);
	st.sample(rx_ns / 1000000, rate, reports ? reports->stats.rtcp.rtt_us() : 0,
	          reports ? reports->stats.rtcp.rtt_leg_us() : 0);
}

// The party's RTCP, read for quality after decryption. Its jitter figures are in the units of
// the party's media clock (Stream::ClockRates::first).
void track_rtcp(Stream& s, const Stream& sink, std::span<const uint8_t> packet, int64_t rx_ns)
{
	RtcpCompound c;
	if (!parse_rtcp(packet, c))
		return; // still forwarded: the relay does not judge the parties' RTCP
	s.stats.rtcp.on_packet(c, rx_ns / 1000, &sink.stats.rtcp, s.clock_rates.first);
}

// Finds the sink of `path` once per batch and addresses the batch's group to it; false (with
// the reason in `why`) while signalling, learning or ICE has not given that path a
// destination, or the sink's party has let its ICE consent lapse.
bool open_path(Stream& s, Outgoing& out, size_t path, int64_t now_ms, DropReason& why)
{
	if (out.sinks[path])
		return true;
	Stream* t = s.route(Outgoing::is_rtcp(path), Outgoing::line(path));
	why = DropReason::kNoDestination;
	if (!t || !t->socket || !t->learning.destination())
		return false;
	if (t->ice && !t->ice->consent(t->ice_component(), now_ms)) {
		why = DropReason::kIceNoConsent;
		return false;
	}
	if (t->dtls && !t->encrypt) {
		why = DropReason::kDtlsPending; // never plain media to a party expecting SRTP
		return false;
	}
	out.sinks[path] = t;
	out.destination_lens[path] = t->learning.destination()->to_sockaddr(out.destinations[path]);
	return true;
}

// RTP or RTCP for a DTLS party whose keys do not exist yet: held in its one slot, replacing
// (and dropping) an older one; false if the sink holds nothing.
bool hold_for_keys(Stream& s, size_t path, const uint8_t* packet, size_t len, PacketKind kind)
{
	Stream* t = s.route(Outgoing::is_rtcp(path), Outgoing::line(path));
	if (!t || !t->held || kind == PacketKind::kOther ||
	    len > t->held->data.size() - crypto::SrtpSession::kMaxTrailer)
		return false;
	if (t->held->len)
		s.drop(DropReason::kDtlsPending); // the older one gives way
	memcpy(t->held->data.data(), packet, len);
	t->held->len = len;
	t->held->rtcp = Outgoing::is_rtcp(path);
	return true;
}

// Counts an SRTP drop on the stream and in the loop's totals (statistics).
void srtp_drop(Stream& s, crypto::SrtpSession::Verdict v)
{
	auto& totals = s.loop->counters();
	switch (v) {
	case crypto::SrtpSession::Verdict::kAuthFailed:
		s.drop(DropReason::kSrtpAuth);
		totals.srtp_auth_failed.fetch_add(1, std::memory_order_relaxed);
		return;
	case crypto::SrtpSession::Verdict::kReplay:
		s.drop(DropReason::kSrtpReplay);
		totals.srtp_replay.fetch_add(1, std::memory_order_relaxed);
		return;
	default:
		s.drop(DropReason::kSrtpError);
		s.stats.errors++;
		totals.srtp_errors.fetch_add(1, std::memory_order_relaxed);
		return;
	}
}

// SRTP from the party, unprotected in place; false (dropped and counted) unless it
// authenticates. Before learning: a source is learned only from packets carrying the key.
bool decrypt(Stream& s, uint8_t* packet, size_t& len, PacketKind kind)
{
	using V = crypto::SrtpSession::Verdict;
	V v = kind == PacketKind::kOther
	              ? V::kMalformed // STUN, DTLS, garbage: nothing to authenticate
	              : s.decrypt->unprotect(packet, len, kind == PacketKind::kRtcp);
	if (v == V::kOk)
		return true;
	srtp_drop(s, v);
	return false;
}

// Plain RTP/RTCP for a sink that speaks SRTP, protected in place; false (dropped and counted
// on the receiving stream) when it cannot be.
bool encrypt(Stream& s, Stream& sink, uint8_t* packet, size_t& len, size_t capacity,
             PacketKind kind, bool rtcp)
{
	using V = crypto::SrtpSession::Verdict;
	V v = kind == PacketKind::kOther ? V::kMalformed // never encrypt what is not RTP or RTCP
	                                 : sink.encrypt->protect(packet, len, capacity, rtcp);
	if (v == V::kOk)
		return true;
	srtp_drop(s, v);
	return false;
}

// A datagram in STUN's range (RFC 7983: first byte 0-3) to a stream doing ICE, received on
// the relay's candidate `local`: the agent's check, answered from that socket; false for
// anything else. The learning follows the party's nomination when it moved.
bool take_stun(Stream& s, size_t local, const net::Endpoint& source, std::span<const uint8_t> p,
               int64_t now_ms)
{
	if (p.empty() || p[0] > 3)
		return false;
	std::array<uint8_t, 512> reply;
	size_t n = 0;
	using V = ice::Agent::Verdict;
	switch (s.ice->on_stun(s.ice_component(), local, source, p, now_ms, reply, n)) {
	case V::kReply: {
		sockaddr_storage to;
		socklen_t to_len = source.to_sockaddr(to);
		if (sendto(s.receivers[local].socket->fd.get(), reply.data(), n, MSG_DONTWAIT,
		           reinterpret_cast<const sockaddr*>(&to), to_len) < 0) {
			s.drop(DropReason::kSendError);
			s.stats.errors++;
		}
		break;
	}
	case V::kUnauthorized: s.drop(DropReason::kIceUnauthorized); break;
	case V::kMalformed:
	case V::kNoRoom: s.drop(DropReason::kStunMalformed); break;
	}
	s.follow_ice_if_moved();
	return true;
}

// ICE and DTLS in front of media (RFC 7983's demultiplexing): STUN to the party's agent,
// media only from addresses that passed a check, DTLS to the party's association, nothing
// while the association has no keys. The relay's further host candidates (`local` > 0) serve
// ICE only. True when the datagram went no further.
bool take_handshakes(Stream& s, size_t local, const net::Endpoint& source,
                     std::span<const uint8_t> p, int64_t now_ms)
{
	if (local && !s.ice) {
		s.drop(DropReason::kIceUnchecked);
		return true;
	}
	if (s.ice) {
		if (take_stun(s, local, source, p, now_ms))
			return true;
		if (!s.ice->checked(s.ice_component(), source)) {
			s.drop(DropReason::kIceUnchecked);
			return true;
		}
	}
	if (!p.empty() && p[0] >= 20 && p[0] <= 63 && s.take_dtls(source, local, p))
		return true;
	if (s.dtls && !s.decrypt) {
		s.drop(DropReason::kDtlsPending);
		return true;
	}
	return false;
}

// On a BUNDLE transport: the m= line the party sent the packet for; false (dropped and
// counted) for RTP that names none.
bool bundle_line(Stream& s, std::span<const uint8_t> packet, PacketKind kind,
                 const std::optional<RtpHeader>& rtp, size_t& line)
{
	if (rtp) {
		auto found = s.bundle->rtp(packet, *rtp);
		if (!found) {
			s.drop(DropReason::kBundleUnmatched);
			return false;
		}
		line = *found;
	} else if (kind == PacketKind::kRtcp) {
		line = s.bundle->rtcp(packet);
	}
	return true;
}

} // namespace

// One received datagram: counted, decrypted if the party speaks SRTP, checked against the
// learned source, classified (RTP is tracked per SSRC), encrypted if the sink's party speaks
// SRTP, and given its path or dropped with a reason. `local`: the receiver it came to.
std::optional<size_t> take(Stream& s, MediaLoop& loop, size_t local, Datagram& d, int64_t now_ms,
                           Outgoing& out)
{
	size_t& len = d.len;
	int64_t rx_ns = now_ms * 1000000;
	read_control(d, rx_ns, out.overflows, out.have_overflows);
	auto source = net::Endpoint::from_sockaddr(d.source, d.source_len);
	if (drop_relay_loop(loop.own_endpoints(), s, source, len))
		return {}; // from one of the relay's own sockets: never forwarded, learned or timed
	uint8_t* packet = d.data;
	s.stats.packets++;
	s.stats.bytes += len;
	s.stats.last_packet_ms = now_ms;

	if (take_handshakes(s, local, source, {packet, len}, now_ms))
		return {};
	bool rtp_socket = s.component == Stream::Component::kRtp;
	PacketKind kind = classify({packet, len});
	if (!rtp_socket && kind == PacketKind::kRtp)
		kind = PacketKind::kRtcp; // the RTCP port carries nothing else
	if (s.decrypt && !decrypt(s, packet, len, kind))
		return {};
	std::optional<RtpHeader> rtp;
	if (kind == PacketKind::kRtp && rtp_socket)
		rtp = parse_rtp({packet, len});
	EndpointLearning::Packet seen;
	if (rtp)
		seen = {true, rtp->ssrc, rtp->sequence};
	if (s.learning.on_packet(source, seen, now_ms) == EndpointLearning::Verdict::kDrop) {
		s.drop(DropReason::kStrictSource);
		return {};
	}
	if (rtp)
		track_rtp(s, *rtp, rx_ns);

	bool rtcp = !rtp_socket || kind == PacketKind::kRtcp;
	size_t line = 0;
	if (s.bundle && !bundle_line(s, {packet, len}, kind, rtp, line))
		return {};
	size_t path = Outgoing::path(line, rtcp);
	if (DropReason why; !open_path(s, out, path, now_ms, why)) {
		if (why != DropReason::kDtlsPending || !hold_for_keys(s, path, packet, len, kind))
			s.drop(why);
		return {};
	}
	Stream& sink = *out.sinks[path];
	if (kind == PacketKind::kRtcp)
		track_rtcp(s, sink, {packet, len}, rx_ns);
	if (sink.bundle && rtp)
		sink.bundle->sent(rtp->ssrc, s.line_in_sink);
	if (sink.encrypt && !encrypt(s, sink, packet, len, d.capacity, kind, rtcp))
		return {};
	return path;
}

void take_overflows(Stream& s, Stream::Receiver& r, const Outgoing& out)
{
	if (!out.have_overflows)
		return;
	if (uint32_t shed = out.overflows - r.overflows_seen) // a running count
		s.drop(DropReason::kOverload, shed);
	r.overflows_seen = out.overflows;
}

void count_received(const Stream& s, uint32_t address, MediaLoop& loop, const Tally& before,
                    uint64_t send_errors)
{
	const StreamStats& now = s.stats;
	loop.traffic().add(address, Direction::kIn, Path::kUserspace, now.packets - before.packets,
	                   now.bytes - before.bytes, now.errors - before.errors - send_errors);
}

} // namespace rtprelay::media
