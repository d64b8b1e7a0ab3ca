// Calls scenario: N calls with paced RTP both ways; after every stream flows and a warm-up,
// one measured window of loss, order, latency and relay CPU.
#include <cstdio>

#include "clock.h"
#include "modes.h"

namespace rtpload {
namespace {

constexpr uint8_t kMeasuredEpoch = 1;
constexpr int64_t kDrainNs = 500 * kNsPerMs;

} // namespace

int run_calls(Context& ctx)
{
	const Options& o = ctx.opt;
	size_t n = static_cast<size_t>(o.calls);
	Report r("calls: " + std::to_string(n) + " calls @ " + fixed(o.pps, 0) +
	         " pps/direction, " + fixed(o.duration, 0) + " s");
	r.add("scenario", "", o.label.empty() ? "calls" : o.label);
	r.add("calls", "calls", std::to_string(n));
	r.add("pps", "packets/s per direction", o.pps, 0);
	r.add("srtp", "SRTP on the caller side",
	      o.srtp == "caller" ? o.srtp_suite
	      : o.srtp == "dtls" ? "DTLS:AES_CM_128_HMAC_SHA1_80"
	                         : "none");

	EngineConfig ec;
	ec.local = ctx.local;
	ec.port_min = static_cast<uint32_t>(o.port_min);
	ec.port_max = static_cast<uint32_t>(o.port_max);
	ec.endpoints = 2 * n;
	ec.payload_len = static_cast<size_t>(o.payload);
	ec.rcvbuf = static_cast<int>(o.rcvbuf_kb * 1024);
	ec.tick_ns = o.tick_us * 1000;
	auto engine = MediaEngine::create(ec);
	if (!engine) {
		fprintf(stderr, "rtpload: %s\n", engine.error().reason.c_str());
		return 1;
	}
	MediaEngine& e = **engine;

	Measure setup_cpu; // the relay's CPU for offers, answers (and DTLS handshakes)
	setup_cpu.start(ctx);
	CallSetup setup = setup_media_calls(ctx, e, 0, n);
	setup_cpu.stop(ctx);
	r.add("setup_ok", "calls set up", std::to_string(setup.ok_calls.size()));
	r.add("setup_errors", "call setup errors", std::to_string(setup.failed));
	r.add("setup_s", "call setup time (s)", setup.seconds, 2);
	if (!setup.ok_calls.empty())
		r.add("setup_cpu_ms_per_call", "relay CPU per call set up (ms, 10 ms ticks)",
		      setup_cpu.relay_cpu_s * 1000 / static_cast<double>(setup.ok_calls.size()), 2);
	if (!setup.first_error.empty())
		r.note("first setup error: " + setup.first_error);
	if (setup.ok_calls.empty()) {
		r.print();
		return 1;
	}

	e.start_pacing(o.pps);
	e.set_epoch(0);
	int64_t t0 = mono_ns();
	e.run_until(t0 + seconds_to_ns(o.flow_timeout),
	            [&] { return e.flowing_streams() >= e.sending_streams(); });
	r.add("flow_wait_s", "wait until media flows (s)", ns_to_seconds(mono_ns() - t0), 2);
	r.add("not_flowing", "streams not flowing after warm-up",
	      std::to_string(e.sending_streams() - e.flowing_streams()));
	e.run_until(mono_ns() + seconds_to_ns(o.warmup));

	Measure m;
	m.start(ctx, &e);
	e.set_epoch(kMeasuredEpoch);
	if (o.mark_window) {
		// Setup and warm-up are over: what the relay does from here on is the steady load.
		printf("WINDOW open\n");
		fflush(stdout);
	}
	e.run_until(mono_ns() + seconds_to_ns(o.duration));
	e.stop_sending();
	if (o.mark_window) {
		printf("WINDOW closed\n");
		fflush(stdout);
	}
	m.stop(ctx);
	e.run_until(mono_ns() + kDrainNs);
	m.read_drops(ctx, e);
	add_media_metrics(r, e.window_totals(), e.latency(), m, e.max_lag_ns());

	std::string del_error;
	size_t del_failed = delete_calls(ctx, setup.ok_calls, del_error);
	r.add("delete_errors", "delete errors", std::to_string(del_failed));
	if (!del_error.empty())
		r.note("first delete error: " + del_error);
	r.print();
	return 0;
}

} // namespace rtpload
