// SPDX-License-Identifier: GPL-3.0-or-later
#include "call/relay_totals.h"

#include "media/own_endpoints.h"
#include "util/clock.h"

namespace rtprelay::call {

namespace {

void add_loop_counters(RelayTotals& t, media::MediaLoop::Counters& c)
{
	t.user += c.user.load();
	t.kernel += c.kernel.load();
	t.user_rate += c.user_rate.load();
	t.kernel_rate += c.kernel_rate.load();
	t.srtp_auth_failed += c.srtp_auth_failed.load(std::memory_order_relaxed);
	t.srtp_replay += c.srtp_replay.load(std::memory_order_relaxed);
	t.srtp_errors += c.srtp_errors.load(std::memory_order_relaxed);
	t.dtls_failed += c.dtls_failed.load(std::memory_order_relaxed);
	t.media_paths += c.paths();
}

PortUsage port_usage(const std::string& interface, const media::PortPool& pool)
{
	PortUsage u;
	u.interface = interface;
	u.address = pool.address().to_string();
	u.min = pool.first_port();
	u.max = pool.last_port();
	size_t free_pairs = pool.free_pairs();
	u.free = 2 * free_pairs;
	u.used = 2 * (pool.total_pairs() - free_pairs);
	u.last = pool.last_allocated();
	return u;
}

} // namespace

RelayTotals relay_totals(Registry& registry)
{
	RelayTotals t;
	t.sessions = registry.size();
	t.calls = registry.totals();
	t.uptime_s = (util::now_ms() - registry.started_ms()) / 1000;
	media::MediaLoops& loops = registry.loops();
	t.media_threads = loops.size();
	for (size_t i = 0; i < loops.size(); i++)
		add_loop_counters(t, loops.at(i).counters());
	if (const media::OwnEndpoints* own = registry.own_endpoints()) {
		t.own_endpoints_refused = own->refused();
		t.relay_loop_drops = own->loop_drops();
	}
	t.one_way_streams = registry.flows().one_way();
	t.zero_way_streams = registry.flows().zero_way();
	QualityTotals::Histogram mos = registry.quality().read(QualityTotals::kMos);
	t.mos = {mos.count, mos.sum, mos.sum_squares};
	t.kernel_forwarding = registry.kernel() != nullptr;
	for (const auto& iface : registry.interfaces().all())
		for (const auto& local : iface.addresses)
			t.ports.push_back(port_usage(iface.name, *local.pool));
	return t;
}

} // namespace rtprelay::call
