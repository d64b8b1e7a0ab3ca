// SPDX-License-Identifier: GPL-3.0-or-later
// statistics: relay-wide counters in rtpengine's shape (currentstatistics, totalstatistics).
#include "call/registry.h"
#include "media/own_endpoints.h"
#include "ng/command.h"
#include "util/clock.h"
#include "util/strings.h"

namespace rtprelay::ng {

namespace {

// Load limits and drain (call/admission): the limits, the figures last sampled and the new
// calls refused by reason. rtpengine has no such keys.
Value admission_stats(const call::Admission& adm, Arena& a)
{
	Value refused = Value::dict(a);
	for (size_t i = 1; i < static_cast<size_t>(call::Refusal::kCount); i++) {
		auto r = static_cast<call::Refusal>(i);
		refused.set(call::Admission::name(r),
		            Value::integer(static_cast<int64_t>(adm.refused(r))));
	}
	const call::LoadFigures& f = adm.figures();
	Value out = Value::dict(a);
	out.set("max sessions", Value::integer(adm.max_sessions()));
	out.set("load average", Value::string(a.copy(strprintf("%.2f", f.load))));
	out.set("cpu percent", Value::string(a.copy(strprintf("%.1f", f.cpu))));
	out.set("bandwidth", Value::integer(static_cast<int64_t>(f.bandwidth)));
	out.set("refused", refused);
	return out;
}

} // namespace

void cmd_statistics(Request& request, Completion done)
{
	if (!registry_or_error(request, done))
		return;
	call::Registry& reg = *request.calls;
	Arena& a = request.arena;
	auto num = [](uint64_t v) { return Value::integer(static_cast<int64_t>(v)); };

	uint64_t packets = 0, bytes = 0, errors = 0, auth = 0, replay = 0, srtp_errors = 0;
	for (size_t i = 0; i < reg.loops().size(); i++) {
		const auto& c = reg.loops().at(i).counters();
		packets += c.packets.load(std::memory_order_relaxed);
		bytes += c.bytes.load(std::memory_order_relaxed);
		errors += c.errors.load(std::memory_order_relaxed);
		auth += c.srtp_auth_failed.load(std::memory_order_relaxed);
		replay += c.srtp_replay.load(std::memory_order_relaxed);
		srtp_errors += c.srtp_errors.load(std::memory_order_relaxed);
	}
	Value current = Value::dict(a);
	current.set("sessionsown", num(reg.size()));
	current.set("sessionsforeign", num(0));
	current.set("sessionstotal", num(reg.size()));
	current.set("transcodedmedia", num(0));

	const auto& t = reg.totals();
	Value total = Value::dict(a);
	total.set("uptime", num(static_cast<uint64_t>((util::now_ms() - reg.started_ms()) / 1000)));
	total.set("managedsessions", num(t.managed));
	total.set("rejectedsessions", num(t.rejected));
	total.set("timeoutsessions", num(t.timeouts));
	total.set("silenttimeoutsessions", num(t.silent_timeouts));
	total.set("finaltimeoutsessions", num(t.final_timeouts));
	total.set("offertimeoutsessions", num(t.offer_timeouts));
	total.set("regularterminatedsessions", num(t.deleted));
	total.set("forcedterminatedsessions", num(0));
	total.set("relayedpackets", num(packets));
	total.set("relayedbytes", num(bytes));
	total.set("relayedpacketerrors", num(errors));

	Value reply = Value::dict(a);
	reply.set("result", Value::string("ok"));
	reply.set("currentstatistics", current);
	reply.set("totalstatistics", total);
	reply.set("forwarding", Value::string(reg.kernel() ? "kernel" : "userspace"));
	reply.set("media threads", num(reg.loops().size()));
	const media::OwnEndpoints* own = reg.own_endpoints();
	reply.set("own endpoints refused", num(own ? own->refused() : 0));
	reply.set("relay loop drops", num(own ? own->loop_drops() : 0));
	reply.set("srtp auth failed", num(auth));
	reply.set("srtp replay", num(replay));
	reply.set("srtp errors", num(srtp_errors));
	reply.set("draining", num(reg.admission().draining() ? 1 : 0));
	reply.set("admission", admission_stats(reg.admission(), a));
	done(reply);
}

} // namespace rtprelay::ng
