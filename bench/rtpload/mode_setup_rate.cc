// Setup-rate scenario: offer + answer + delete per call, back to back, with a window of calls
// in flight, for a fixed time; reports completed calls per second, errors and per-request
// latency. No media is sent.
#include <cmath>
#include <cstdio>
#include <map>

#include "call_flow.h"
#include "clock.h"
#include "modes.h"
#include "udp_socket.h"

namespace rtpload {

int run_setup_rate(Context& ctx)
{
	const Options& o = ctx.opt;
	Report r("setup-rate: offer+answer+delete, " + std::to_string(o.window) +
	         " calls in flight, " + fixed(o.duration, 0) + " s");
	r.add("scenario", "", o.label.empty() ? "setup_rate" : o.label);
	r.add("window", "calls in flight", std::to_string(o.window));
	r.add("srtp", "SRTP on the caller side", o.srtp == "caller" ? o.srtp_suite : "none");

	std::string local = to_string(ctx.local);
	// SDP ports only: nothing is bound or sent, so any even port in the range will do.
	uint32_t span = static_cast<uint32_t>((o.port_max - o.port_min) / 4) * 2;
	size_t next = 0;
	std::string key_error;
	auto source = [&]() -> std::optional<FlowSpec> {
		size_t i = next++;
		uint16_t port = static_cast<uint16_t>(o.port_min + (2 * i) % span);
		auto key = caller_key(ctx); // with --srtp=caller, the offer carries a fresh key
		if (!key) {
			key_error = key.error().reason;
			return std::nullopt;
		}
		return FlowSpec{i,
		                call_ids(ctx, 1'000'000 + i),
		                local,
		                port,
		                static_cast<uint16_t>(port + span),
		                {Step::offer, Step::answer, Step::del},
		                *key,
		                {}};
	};
	uint64_t ok = 0, failed = 0;
	std::map<std::string, uint64_t> reasons;
	Histogram step_latency[kSteps];
	int64_t last_done = 0;
	auto sink = [&](const FlowSpec&, FlowOutcome&& out) {
		last_done = mono_ns();
		for (size_t s = 0; s < kSteps; s++)
			if (out.step_ns[s] > 0)
				step_latency[s].add(out.step_ns[s]);
		if (out.ok) {
			ok++;
		} else {
			failed++;
			reasons[out.error]++;
		}
	};

	Measure m;
	m.start(ctx);
	int64_t t0 = mono_ns();
	int64_t stop = t0 + seconds_to_ns(o.duration);
	run_flows(ctx.ng, static_cast<size_t>(o.window), source, sink, stop, stop + 5 * kNsPerSec);
	m.stop(ctx);
	double elapsed = ns_to_seconds((last_done ? last_done : mono_ns()) - t0);

	r.add("calls_ok", "calls completed", std::to_string(ok));
	r.add("errors", "calls failed", std::to_string(failed));
	r.add("calls_per_s", "calls/s (offer+answer+delete)", static_cast<double>(ok) / elapsed, 1);
	r.add("requests_per_s", "ng requests/s", 3 * static_cast<double>(ok) / elapsed, 0);
	for (size_t s = 0; s < kSteps; s++) {
		std::string name = step_name(static_cast<Step>(s));
		r.add(name + "_p50_ms", name + " latency p50 (ms)",
		      static_cast<double>(step_latency[s].quantile(0.5)) / 1e6, 3);
		r.add(name + "_p99_ms", name + " latency p99 (ms)",
		      static_cast<double>(step_latency[s].quantile(0.99)) / 1e6, 3);
	}
	r.add("retransmits", "ng retransmissions", std::to_string(ctx.ng.retransmits()));
	r.add("relay_cpu_s", "relay CPU (s, utime+stime)", m.relay_cpu_s, 2);
	r.add("relay_cpu_pct", "relay CPU (% of one core)", 100 * m.relay_cpu_s / m.seconds, 1);
	r.add("cpu_ms_per_call", "relay CPU ms per call",
	      ok ? 1000 * m.relay_cpu_s / static_cast<double>(ok) : std::nan(""), 3);
	r.add("gen_cpu_pct", "generator CPU (% of one core)", 100 * m.gen_cpu_s / m.seconds, 1);
	if (!key_error.empty())
		r.note("stopped early: " + key_error);
	int shown = 0;
	for (auto& [reason, count] : reasons)
		if (shown++ < 5)
			r.note("error x" + std::to_string(count) + ": " + reason);
	r.print();
	return 0;
}

} // namespace rtpload
