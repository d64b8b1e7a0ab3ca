// libFuzzer target for endpoint learning (daemon/media/learning.h), the defence against RTP
// Bleed: packets from several sources (the SDP address, its host on another port, a NAT, two
// strangers), RTP or not, in or out of sequence, interleaved with signalling (reset with any
// mode, strict-source or asymmetric; arm at the answer). After every step it checks that media
// would never go to an address that neither the SDP named nor a confirmed source used after
// the answer; that a confirmed stream never moves until signalling resets it; that RTCP follows
// RTP's host; and the verdicts of strict-source.
//
// Input: 4-byte records. op = byte 0 % 8: 0 reset (byte 1: SDP choice, mode, flags), 1 arm,
// otherwise a packet: byte 1 source and component, byte 2 sequence step and SSRC, byte 3 time
// step in ms.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "media/learning.h"

using namespace rtprelay;
using namespace rtprelay::media;

namespace {

void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

net::Endpoint endpoint(const char* ip, uint16_t port)
{
	return net::Endpoint(*net::IpAddress::parse(ip), port);
}

// RTP ports; RTCP is the next port of each.
const net::Endpoint kSources[] = {
        endpoint("192.0.2.1", 4000),     // the SDP address
        endpoint("192.0.2.1", 5000),     // the SDP's host, another port
        endpoint("203.0.113.9", 61000),  // the party's NAT
        endpoint("198.51.100.66", 666),  // a stranger
        endpoint("198.51.100.67", 4000), // another stranger
        endpoint("2001:db8::1", 4000),   // a stranger over IPv6
};
constexpr size_t kSourceCount = sizeof kSources / sizeof kSources[0];

net::Endpoint rtcp_of(const net::Endpoint& e)
{
	return net::Endpoint(e.ip(), static_cast<uint16_t>(e.port() + 1));
}

struct Harness {
	EndpointLearning rtp;
	EndpointLearning rtcp;
	std::optional<net::Endpoint> sdp;
	bool strict = false;
	bool passive = false; // off or asymmetric
	bool armed = false;
	std::vector<net::Endpoint> sent_after_arm;
	std::optional<net::Endpoint> confirmed_rtp, confirmed_rtcp;
	uint16_t seq[kSourceCount] = {};
	int64_t now = 0;

	void reset(uint8_t b)
	{
		static constexpr LearningMode kModes[] = {
		        LearningMode::kDelayed, LearningMode::kImmediate, LearningMode::kHeuristic,
		        LearningMode::kOff};
		LearningMode mode = kModes[(b >> 2) & 3];
		bool asymmetric = b & 0x10;
		strict = b & 0x20;
		switch (b & 3) {
		case 0: sdp = kSources[0]; break;
		case 1: sdp = std::nullopt; break; // a host name or no address
		default: sdp = kSources[b & 3]; break;
		}
		std::optional<net::Endpoint> sdp_rtcp;
		if (sdp)
			sdp_rtcp = rtcp_of(*sdp);
		rtp.reset(sdp, mode, asymmetric, strict);
		rtcp.reset(sdp_rtcp, mode, asymmetric, strict, &rtp);
		passive = mode == LearningMode::kOff || asymmetric;
		armed = false;
		sent_after_arm.clear();
		confirmed_rtp.reset();
		confirmed_rtcp.reset();
	}

	static bool heard(const std::vector<net::Endpoint>& list, const net::Endpoint& e)
	{
		return std::find(list.begin(), list.end(), e) != list.end();
	}

	void arm()
	{
		rtp.arm();
		rtcp.arm();
		armed = true;
	}

	void packet(const uint8_t* r)
	{
		size_t i = r[1] % kSourceCount;
		bool on_rtcp_port = r[1] & 0x80;
		bool is_rtp = !(r[1] & 0x40);
		seq[i] = static_cast<uint16_t>(seq[i] + (r[2] & 0x0f));
		uint32_t ssrc = r[2] >> 6;
		now += r[3];
		net::Endpoint source = on_rtcp_port ? rtcp_of(kSources[i]) : kSources[i];
		if (armed && !heard(sent_after_arm, source))
			sent_after_arm.push_back(source);
		EndpointLearning& l = on_rtcp_port ? rtcp : rtp;
		std::optional<net::Endpoint> before = l.destination();
		bool was_confirmed = l.confirmed();
		EndpointLearning::Packet p{is_rtp && !on_rtcp_port, ssrc, seq[i]};
		auto verdict = l.on_packet(source, p, now);
		if (was_confirmed && l.confirmed() && strict && !passive)
			check((verdict == EndpointLearning::Verdict::kAccept) ==
			      (source == *before));
		if (!strict || passive)
			check(verdict == EndpointLearning::Verdict::kAccept);
	}

	// Where media would go is the SDP's address, or a confirmed source heard after the
	// answer (the SDP address itself may confirm before it).
	static void check_destination(const EndpointLearning& l,
	                              const std::optional<net::Endpoint>& named,
	                              const std::vector<net::Endpoint>& sources)
	{
		const auto& d = l.destination();
		if (!d || (named && *d == *named))
			return;
		check(l.confirmed());
		check(heard(sources, *d));
	}

	void check_all()
	{
		std::optional<net::Endpoint> sdp_rtcp;
		if (sdp)
			sdp_rtcp = rtcp_of(*sdp);
		check_destination(rtp, sdp, sent_after_arm);
		check_destination(rtcp, sdp_rtcp, sent_after_arm);
		if (passive) {
			check(rtp.destination() == sdp);
			check(rtcp.destination() == sdp_rtcp);
		}
		// RTCP learned elsewhere than its SDP port comes from the host RTP confirmed.
		if (rtcp.destination() && rtcp.destination() != sdp_rtcp) {
			check(rtp.confirmed() && rtp.destination());
			check(rtp.destination()->ip() == rtcp.destination()->ip());
		}
		// Confirmed is final until the next reset.
		for (auto [l, kept] : {std::pair{&rtp, &confirmed_rtp}, {&rtcp, &confirmed_rtcp}}) {
			if (kept->has_value())
				check(l->confirmed() && l->destination() == *kept);
			else if (l->confirmed())
				*kept = l->destination();
		}
	}
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
	Harness h;
	h.reset(0);
	for (size_t off = 0; off + 4 <= size; off += 4) {
		const uint8_t* r = data + off;
		switch (r[0] % 8) {
		case 0: h.reset(r[1]); break;
		case 1: h.arm(); break;
		default: h.packet(r); break;
		}
		h.check_all();
	}
	return 0;
}
