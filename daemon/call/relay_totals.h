// SPDX-License-Identifier: GPL-3.0-or-later
// One reading of the relay-wide figures (sessions, relayed traffic by path, drops, port use per
// local address) as a plain struct, for every consumer that reports them: ng `statistics`, the
// CLI's totals, HTTP metrics. Taken on the control thread; the media loops' counters are read
// with relaxed atomics, so figures of one reading may be a packet or two apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "call/registry.h"
#include "media/media_path.h"
#include "media/traffic_counters.h"

namespace rtprelay::call {

// Ports of one local address (RTP and RTCP each count as one port, as in rtpengine).
struct PortUsage {
	std::string interface; // the logical interface's name
	std::string address;   // the local address, as text
	uint16_t min = 0;      // the range after clamping to even/odd pairs
	uint16_t max = 0;
	size_t used = 0;
	size_t free = 0;
	uint16_t last = 0; // the RTP port handed out last; 0 before the first
};

// MOS of ended calls' streams, one sample per SSRC (its average over the call), as
// QualityTotals' histogram has them: the sum of the samples and of their squares.
struct MosTotals {
	uint64_t samples = 0;
	double sum = 0;
	double sum_squares = 0;
};

struct RelayTotals {
	size_t sessions = 0; // calls held now
	Registry::Totals calls;
	int64_t uptime_s = 0;
	media::TrafficCount user;      // forwarded in userspace, since start
	media::TrafficCount kernel;    // forwarded by the kernel, as last read from its table
	media::TrafficCount user_rate; // per second, over the last whole second of each loop
	media::TrafficCount kernel_rate;
	uint64_t srtp_auth_failed = 0;
	uint64_t srtp_replay = 0;
	uint64_t srtp_errors = 0;
	uint64_t dtls_failed = 0;
	uint64_t own_endpoints_refused = 0;
	uint64_t relay_loop_drops = 0;
	media::MediaPathCount media_paths; // RTP streams up now, by path (as of the last tick)
	uint64_t one_way_streams = 0;      // ended calls, see FlowTotals
	uint64_t zero_way_streams = 0;
	MosTotals mos;
	bool kernel_forwarding = false; // a kernel table is open
	size_t media_threads = 0;
	std::vector<PortUsage> ports; // one per local address, in --interface order
};

// Control thread only.
RelayTotals relay_totals(Registry& registry);

} // namespace rtprelay::call
