// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/relay_metrics.h"

#include <array>
#include <string>

#include "call/registry.h"
#include "kernel/channel.h"
#include "media/media_loop.h"
#include "media/own_endpoints.h"
#include "version.h"

namespace rtprelay::http {
namespace {

using Type = Exposition::Type;

void write_process(Exposition& out, const call::Registry& reg)
{
	out.family("rtprelay_build_info", Type::kGauge,
	           "Always 1; the version label says which rtprelayd this is.");
	out.sample({{"version", RTPRELAY_VERSION}}, uint64_t{1});
	out.family("rtprelay_process_start_time_seconds", Type::kGauge,
	           "When rtprelayd started, in seconds since the Unix epoch.");
	out.sample({}, static_cast<double>(reg.started_ms()) / 1000.0);
}

void write_media_io(Exposition& out, call::Registry& reg)
{
	const media::MediaIoChoice& io = reg.loops().io();
	out.family("rtprelay_media_io_info", Type::kGauge,
	           "Always 1; engine says what the media threads run on (io_uring or epoll), "
	           "reason why (--media-io, or why io_uring is unavailable).");
	out.sample({{"engine", io.name()}, {"reason", io.reason}}, uint64_t{1});
}

void write_sessions(Exposition& out, call::Registry& reg)
{
	size_t established = reg.established();
	out.family("rtprelay_sessions", Type::kGauge,
	           "Calls now: established (a first offer succeeded) or pending (the first offer "
	           "is still being served).");
	out.sample({{"state", "established"}}, uint64_t{established});
	out.sample({{"state", "pending"}}, uint64_t{reg.size() - established});

	const auto& t = reg.totals();
	out.family("rtprelay_sessions_created_total", Type::kCounter,
	           "Calls created by a first offer.");
	out.sample({}, t.managed);
	out.family("rtprelay_sessions_ended_total", Type::kCounter,
	           "Calls ended, by reason: delete, the timeouts (no media, on hold too long, "
	           "absolute, never answered) or a first offer that failed.");
	const std::array<std::pair<const char*, uint64_t>, 6> ended = {{
	        {"deleted", t.deleted},
	        {"timeout", t.timeouts},
	        {"silent_timeout", t.silent_timeouts},
	        {"final_timeout", t.final_timeouts},
	        {"offer_timeout", t.offer_timeouts},
	        {"rejected", t.rejected},
	}};
	for (const auto& [reason, n] : ended)
		out.sample({{"reason", reason}}, n);

	media::MediaLoops& loops = reg.loops();
	out.family("rtprelay_media_thread_sessions", Type::kGauge,
	           "Calls pinned to each media thread.");
	for (size_t i = 0; i < loops.size(); i++)
		out.sample({{"thread", std::to_string(i)}}, uint64_t{loops.at(i).assigned()});
}

// One traffic counter (packets, bytes or errors) summed over the media loops for every local
// address, direction and path.
void write_traffic(Exposition& out, call::Registry& reg,
                   std::atomic<uint64_t> media::TrafficCounter::*field)
{
	using media::Direction;
	using media::Path;
	media::MediaLoops& loops = reg.loops();
	for (const auto& iface : reg.interfaces().all())
		for (const auto& addr : iface.addresses) {
			std::string ip = addr.spec.address.to_string();
			for (auto d : {Direction::kIn, Direction::kOut})
				for (auto p : {Path::kUserspace, Path::kKernel}) {
					uint64_t sum = 0;
					for (size_t i = 0; i < loops.size(); i++)
						sum += (loops.at(i).traffic().at(addr.pool->index(),
						                                 d, p).*
						        field)
						               .load(std::memory_order_relaxed);
					out.sample(
					        {{"interface", iface.name},
					         {"address", ip},
					         {"direction", d == Direction::kIn ? "in" : "out"},
					         {"path",
					          p == Path::kKernel ? "kernel" : "userspace"}},
					        sum);
				}
		}
}

void write_traffic_families(Exposition& out, call::Registry& reg)
{
	out.family("rtprelay_packets_total", Type::kCounter,
	           "Media packets relayed, by local address, direction (in: from a party, out: to "
	           "a party) and path (userspace or kernel). Kernel figures arrive once a second.");
	write_traffic(out, reg, &media::TrafficCounter::packets);
	out.family("rtprelay_bytes_total", Type::kCounter,
	           "Media bytes (UDP payload) relayed, by local address, direction and path.");
	write_traffic(out, reg, &media::TrafficCounter::bytes);
	out.family("rtprelay_packet_errors_total", Type::kCounter,
	           "Media packets that failed: in, malformed or not (un)protectable SRTP; out, "
	           "not sent.");
	write_traffic(out, reg, &media::TrafficCounter::errors);
}

// A drop reason as a label value: its name with underscores for spaces.
std::string reason_label(std::string_view name)
{
	std::string s(name);
	for (char& c : s)
		if (c == ' ')
			c = '_';
	return s;
}

void write_drops(Exposition& out, call::Registry& reg)
{
	out.family("rtprelay_drops_total", Type::kCounter,
	           "Media packets dropped, by reason (media::DropReason; docs/metrics.md).");
	media::MediaLoops& loops = reg.loops();
	for (size_t r = 0; r < media::kDropReasonNames.size(); r++) {
		uint64_t sum = 0;
		for (size_t i = 0; i < loops.size(); i++)
			sum += loops.at(i).traffic().drops(static_cast<media::DropReason>(r));
		out.sample({{"reason", reason_label(media::kDropReasonNames[r])}}, sum);
	}
	out.family(
	        "rtprelay_dtls_failures_total", Type::kCounter,
	        "DTLS-SRTP handshakes that failed (a wrong certificate, a fatal alert, no answer "
	        "after every retransmission), each association counted once.");
	uint64_t dtls_failed = 0;
	for (size_t i = 0; i < loops.size(); i++)
		dtls_failed += loops.at(i).counters().dtls_failed.load(std::memory_order_relaxed);
	out.sample({}, dtls_failed);
	const media::OwnEndpoints* own = reg.own_endpoints();
	out.family("rtprelay_own_endpoint_refusals_total", Type::kCounter,
	           "Media addresses in SDP refused because they are the relay's own sockets.");
	out.sample({}, own ? own->refused() : 0);
}

void write_ports(Exposition& out, const call::Registry& reg)
{
	out.family("rtprelay_ports", Type::kGauge,
	           "Media ports of each local address, in use or free (RTP and RTCP: pairs "
	           "count twice).");
	for (const auto& iface : reg.interfaces().all())
		for (const auto& addr : iface.addresses) {
			std::string ip = addr.spec.address.to_string();
			size_t total = addr.pool->total_pairs();
			size_t free = addr.pool->free_pairs();
			out.sample({{"interface", iface.name}, {"address", ip}, {"state", "used"}},
			           uint64_t{(total - free) * 2});
			out.sample({{"interface", iface.name}, {"address", ip}, {"state", "free"}},
			           uint64_t{free * 2});
		}
}

// The same readings as statistics' media_userspace/_kernel/_mixed and one-/zero-way streams.
void write_media_flows(Exposition& out, call::Registry& reg)
{
	media::MediaPathCount paths;
	media::MediaLoops& loops = reg.loops();
	for (size_t i = 0; i < loops.size(); i++)
		paths += loops.at(i).counters().paths();
	out.family("rtprelay_media_streams", Type::kGauge,
	           "RTP streams of calls up now that carried packets, by the path they took in the "
	           "last second they carried any: userspace, kernel, or mixed (both).");
	out.sample({{"path", "userspace"}}, paths.userspace);
	out.sample({{"path", "kernel"}}, paths.kernel);
	out.sample({{"path", "mixed"}}, paths.mixed);
	const call::FlowTotals& flows = reg.flows();
	out.family("rtprelay_one_way_streams_total", Type::kCounter,
	           "RTP streams of ended calls that carried media one way only (the peer's stream "
	           "of the same m= line received none).");
	out.sample({}, flows.one_way());
	out.family("rtprelay_zero_way_calls_total", Type::kCounter,
	           "Ended calls with a stream pair that carried no media either way.");
	out.sample({}, flows.zero_way());
}

void write_kernel(Exposition& out, const call::Registry& reg)
{
	const kernel::Channel* k = reg.kernel();
	out.family("rtprelay_forwarding", Type::kGauge,
	           "1 for how established streams are forwarded: kernel (an xt_RTPRELAY table is "
	           "open) or userspace (none, or it could not be set up).");
	out.sample({{"mode", "kernel"}}, uint64_t{k ? 1U : 0U});
	out.sample({{"mode", "userspace"}}, uint64_t{k ? 0U : 1U});
	out.family("rtprelay_kernel_targets", Type::kGauge,
	           "Streams the kernel table forwards now (xt_RTPRELAY targets installed).");
	out.sample({}, k ? k->targets() : int64_t{0});
}

// --redis (ha/): only with it.
void write_redis(Exposition& out, const call::Registry& reg)
{
	const call::CallStore* store = reg.store();
	if (!store)
		return;
	call::CallStore::Status s = store->status();
	out.family("rtprelay_redis_connected", Type::kGauge,
	           "1 while the Redis that call state is written to answers, else 0.");
	out.sample({{"target", s.target}}, uint64_t{s.connected ? 1U : 0U});
	out.family("rtprelay_redis_writes_total", Type::kCounter,
	           "Call state writes to Redis: written (confirmed), failed (refused or timed "
	           "out, then retried), dropped (the queue was full while Redis was away; every "
	           "call is then written again).");
	out.sample({{"result", "written"}}, s.written);
	out.sample({{"result", "failed"}}, s.failed);
	out.sample({{"result", "dropped"}}, s.dropped);
	out.family("rtprelay_redis_queued_writes", Type::kGauge,
	           "Call state writes waiting for Redis.");
	out.sample({}, s.queued);
	bool active = s.role == call::CallStore::Role::kActive;
	out.family("rtprelay_ha_role", Type::kGauge,
	           "1 for this relay's role in its group: active (it holds the lease and serves "
	           "the calls) or standby (it follows them).");
	out.sample({{"role", "active"}}, uint64_t{active ? 1U : 0U});
	out.sample({{"role", "standby"}}, uint64_t{active ? 0U : 1U});
	out.family("rtprelay_foreign_sessions", Type::kGauge,
	           "Calls a standby follows for the active relay of its group.");
	out.sample({}, store->foreign_count());
	out.family("rtprelay_ha_changes_total", Type::kCounter,
	           "Role changes: takeover (standby to active), stand_down (active to standby).");
	out.sample({{"change", "takeover"}}, s.takeovers);
	out.sample({{"change", "stand_down"}}, s.stand_downs);
}

} // namespace

void write_relay_metrics(Exposition& out, call::Registry& registry)
{
	write_process(out, registry);
	write_media_io(out, registry);
	write_sessions(out, registry);
	write_traffic_families(out, registry);
	write_drops(out, registry);
	write_ports(out, registry);
	write_media_flows(out, registry);
	write_kernel(out, registry);
	write_redis(out, registry);
}

} // namespace rtprelay::http
