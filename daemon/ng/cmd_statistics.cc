// SPDX-License-Identifier: GPL-3.0-or-later
// statistics: relay-wide figures in rtpengine 10.5's shape, every key path under `statistics`
// (docs/ng-protocol.md lists them, says which are zero here and why, and where a figure means
// something slightly different from rtpengine's); rtprelayd's own
// figures go under statistics.rtprelay, where no rtpengine client looks.
#include <algorithm>
#include <cmath>
#include <utility>

#include "call/registry.h"
#include "call/relay_totals.h"
#include "media/media_loop.h"
#include "ng/command.h"
#include "ng/statistics_control.h"
#include "util/strings.h"

namespace rtprelay::ng {

namespace {

Value num(uint64_t v)
{
	return Value::integer(static_cast<int64_t>(v));
}

// rtpengine sends fractional figures as decimal strings.
Value decimal(Arena& a, double v, int places = 6)
{
	return Value::string(a.copy(strprintf("%.*f", places, v)));
}

// `foreign`: the calls a standby follows for the active relay (ha/).
Value current(Arena& a, const call::RelayTotals& t, size_t foreign)
{
	Value d = Value::dict(a);
	d.set("sessionsown", num(t.sessions));
	d.set("sessionsforeign", num(foreign));
	d.set("sessionstotal", num(t.sessions + foreign));
	d.set("transcodedmedia", num(0));
	const media::TrafficCount sum = t.user_rate + t.kernel_rate;
	const std::pair<const char*, const media::TrafficCount*> paths[] = {
	        {"_user", &t.user_rate}, {"_kernel", &t.kernel_rate}, {"", &sum}};
	for (const auto& [suffix, c] : paths) {
		d.set(a.copy(strprintf("packetrate%s", suffix)), num(c->packets));
		d.set(a.copy(strprintf("byterate%s", suffix)), num(c->bytes));
		d.set(a.copy(strprintf("errorrate%s", suffix)), num(c->errors));
	}
	d.set("media_userspace", num(t.media_paths.userspace));
	d.set("media_kernel", num(t.media_paths.kernel));
	d.set("media_mixed", num(t.media_paths.mixed));
	return d;
}

// Mean and standard deviation of n samples from their sum and the sum of their squares.
struct Spread {
	double mean = 0, stddev = 0;
};
Spread spread(uint64_t n, double sum, double squares)
{
	if (n == 0)
		return {};
	double mean = sum / static_cast<double>(n);
	double variance = squares / static_cast<double>(n) - mean * mean;
	return {mean, std::sqrt(std::max(variance, 0.0))};
}

void set_durations(Value& d, Arena& a, const call::Registry::Totals& c)
{
	Spread s = spread(c.ended, c.duration_sum, c.duration_squares);
	d.set("avgcallduration", decimal(a, s.mean));
	d.set("totalcallsduration", decimal(a, c.duration_sum));
	d.set("totalcallsduration2", decimal(a, c.duration_squares));
	d.set("totalcallsduration_stddev", decimal(a, s.stddev));
}

Value total(Arena& a, const call::RelayTotals& t)
{
	const call::Registry::Totals& c = t.calls;
	Value d = Value::dict(a);
	d.set("uptime",
	      Value::string(a.copy(strprintf("%lld", static_cast<long long>(t.uptime_s)))));
	// rtpengine counts a session as managed when it ends (10.5 answers 1 after one call
	// ended while another is up); the calls created are under statistics.rtprelay.
	d.set("managedsessions", num(c.ended));
	d.set("rejectedsessions", num(c.rejected));
	d.set("timeoutsessions", num(c.timeouts));
	d.set("silenttimeoutsessions", num(c.silent_timeouts));
	d.set("finaltimeoutsessions", num(c.final_timeouts));
	d.set("offertimeoutsessions", num(c.offer_timeouts));
	d.set("regularterminatedsessions", num(c.deleted));
	d.set("forcedterminatedsessions", num(c.forced));
	const media::TrafficCount sum = t.user + t.kernel;
	const std::pair<const char*, const media::TrafficCount*> paths[] = {
	        {"_user", &t.user}, {"_kernel", &t.kernel}, {"", &sum}};
	for (const auto& [suffix, n] : paths) {
		d.set(a.copy(strprintf("relayedpackets%s", suffix)), num(n->packets));
		d.set(a.copy(strprintf("relayedpacketerrors%s", suffix)), num(n->errors));
		d.set(a.copy(strprintf("relayedbytes%s", suffix)), num(n->bytes));
	}
	d.set("zerowaystreams", num(t.zero_way_streams));
	d.set("onewaystreams", num(t.one_way_streams));
	set_durations(d, a, c);
	return d;
}

// One sample per SSRC of each ended call (docs/ng-protocol.md says how that differs from
// rtpengine's one per RTCP report).
Value mos(Arena& a, const call::MosTotals& m)
{
	Spread s = spread(m.samples, m.sum, m.sum_squares);
	Value d = Value::dict(a);
	d.set("mos_total", decimal(a, m.sum));
	d.set("mos2_total", decimal(a, m.sum_squares));
	d.set("mos_samples_total", num(m.samples));
	d.set("mos_average", decimal(a, s.mean));
	d.set("mos_stddev", decimal(a, s.stddev));
	return d;
}

Value interfaces(Arena& a, const call::RelayTotals& t)
{
	Value list = Value::list(a);
	for (const auto& p : t.ports) {
		size_t all = p.used + p.free;
		Value ports = Value::dict(a);
		ports.set("min", num(p.min));
		ports.set("max", num(p.max));
		ports.set("used", num(p.used));
		double pct =
		        all ? 100.0 * static_cast<double>(p.used) / static_cast<double>(all) : 0;
		ports.set("used_pct", decimal(a, pct, 2));
		ports.set("free", num(p.free));
		ports.set("totals", num(all));
		ports.set("last", num(p.last));
		Value entry = Value::dict(a);
		entry.set("name", Value::string(a.copy(p.interface)));
		entry.set("address", Value::string(a.copy(p.address)));
		entry.set("ports", ports);
		list.push(entry);
	}
	return list;
}

// Ours alone; the ng server adds its counters here as `ng`.
Value rtprelay(Arena& a, const call::RelayTotals& t)
{
	Value d = Value::dict(a);
	d.set("forwarding", Value::string(t.kernel_forwarding ? "kernel" : "userspace"));
	d.set("media threads", num(t.media_threads));
	d.set("sessions created", num(t.calls.managed));
	d.set("own endpoints refused", num(t.own_endpoints_refused));
	d.set("relay loop drops", num(t.relay_loop_drops));
	d.set("srtp auth failed", num(t.srtp_auth_failed));
	d.set("srtp replay", num(t.srtp_replay));
	d.set("srtp errors", num(t.srtp_errors));
	d.set("dtls failed", num(t.dtls_failed));
	return d;
}

// Load limits and drain (call/admission): the limits, the figures last sampled and the new
// calls refused by reason. rtpengine has no such keys.
Value admission_stats(const call::Admission& adm, Arena& a)
{
	Value refused = Value::dict(a);
	for (size_t i = 1; i < static_cast<size_t>(call::Refusal::kCount); i++) {
		auto r = static_cast<call::Refusal>(i);
		refused.set(call::Admission::name(r), num(adm.refused(r)));
	}
	const call::LoadFigures& f = adm.figures();
	Value out = Value::dict(a);
	out.set("max sessions", Value::integer(adm.max_sessions()));
	out.set("load average", Value::string(a.copy(strprintf("%.2f", f.load))));
	out.set("cpu percent", Value::string(a.copy(strprintf("%.1f", f.cpu))));
	out.set("bandwidth", num(f.bandwidth));
	out.set("refused", refused);
	return out;
}

// Where call state goes (--redis, ha/): absent without it.
Value redis_stats(const call::CallStore& store, Arena& a)
{
	call::CallStore::Status s = store.status();
	Value out = Value::dict(a);
	out.set("target", Value::string(a.copy(s.target)));
	out.set("node", Value::string(a.copy(s.node)));
	out.set("role",
	        Value::string(s.role == call::CallStore::Role::kActive ? "active" : "standby"));
	out.set("lease", Value::string(a.copy(s.lease)));
	out.set("takeovers", num(s.takeovers));
	out.set("stand downs", num(s.stand_downs));
	out.set("connected", num(s.connected ? 1 : 0));
	out.set("written", num(s.written));
	out.set("failed", num(s.failed));
	out.set("dropped", num(s.dropped));
	out.set("queued", num(s.queued));
	out.set("last error", Value::string(a.copy(s.last_error)));
	return out;
}

} // namespace

void cmd_statistics(Request& request, Completion done)
{
	if (!registry_or_error(request, done))
		return;
	Arena& a = request.arena;
	call::RelayTotals t = call::relay_totals(*request.calls);
	Value stats = Value::dict(a);
	const call::CallStore* store = request.calls->store();
	stats.set("currentstatistics", current(a, t, store ? store->foreign_count() : 0));
	stats.set("totalstatistics", total(a, t));
	stats.set("intervalstatistics", interval_statistics(a));
	stats.set("mos", mos(a, t.mos));
	stats.set("controlstatistics", control_statistics(a, request.command_stats));
	stats.set("interfaces", interfaces(a, t));
	stats.set("transcoders", Value::list(a));
	Value own = rtprelay(a, t);
	own.set("draining", num(request.calls->admission().draining() ? 1 : 0));
	own.set("admission", admission_stats(request.calls->admission(), a));
	const media::MediaIoChoice& io = request.calls->loops().io();
	own.set("media io", Value::string(io.name()));
	own.set("media io reason", Value::string(a.copy(io.reason)));
	if (store)
		own.set("redis", redis_stats(*store, a));
	stats.set("rtprelay", own);
	Value reply = Value::dict(a);
	reply.set("statistics", stats);
	done(reply);
}

} // namespace rtprelay::ng
