// Max-rate scenario: trials at increasing paced rates (doubling, then bisecting between the
// last lossless and the first lossy rate) find the highest rate per direction that the relay
// forwards without loss over a short window. Every trial uses a fresh call, so a stream the
// relay throttled or dropped after an overload cannot spoil the next trial.
#include <cmath>
#include <cstdio>
#include <optional>

#include "clock.h"
#include "modes.h"

namespace rtpload {
namespace {

constexpr int64_t kSettleNs = 300 * kNsPerMs; // at the new rate before measuring
constexpr int64_t kDrainNs = 200 * kNsPerMs;
constexpr double kAchievedMin = 0.97; // below: the generator could not keep up

struct Trial {
	double rate = 0;
	bool setup_failed = false;
	bool lossless = false;
	bool generator_limited = false;
	double achieved = 0; // pps per direction actually sent
	WindowTotals totals;
	Measure measure;
	int64_t lat_p50 = 0, lat_p99 = 0;
};

class Search {
public:
	Search(Context& ctx, MediaEngine& e) : ctx_(ctx), e_(e) {}

	Trial run(double rate)
	{
		Trial t;
		t.rate = rate;
		size_t call = next_call_++;
		CallSetup setup = setup_media_calls(ctx_, e_, call, 1);
		if (setup.ok_calls.empty()) {
			t.setup_failed = true;
			printf("  trial %8.0f pps/dir: call setup failed: %s\n", rate,
			       setup.first_error.c_str());
			return t;
		}
		measure(t);
		std::string ignored;
		delete_failures_ += delete_calls(ctx_, setup.ok_calls, ignored);
		print(t);
		return t;
	}

	size_t delete_failures() const { return delete_failures_; }

private:
	void measure(Trial& t)
	{
		e_.start_pacing(t.rate);
		e_.set_epoch(0);
		e_.run_until(mono_ns() + kSettleNs);
		t.measure.start(ctx_, &e_);
		e_.set_epoch(epoch_++);
		e_.run_until(mono_ns() + seconds_to_ns(ctx_.opt.trial));
		e_.stop_sending();
		t.measure.stop(ctx_);
		e_.run_until(mono_ns() + kDrainNs);
		t.measure.read_drops(ctx_, e_);
		t.totals = e_.window_totals();
		t.achieved = static_cast<double>(t.totals.sent) / 2 / t.measure.seconds;
		t.lat_p50 = e_.latency().quantile(0.5);
		t.lat_p99 = e_.latency().quantile(0.99);
		t.lossless = t.totals.lost == 0 && t.totals.send_errors == 0;
		t.generator_limited = t.achieved < kAchievedMin * t.rate ||
		                      t.measure.gen_drops > 0 || t.totals.send_errors > 0;
	}

	static void print(const Trial& t)
	{
		printf("  trial %8.0f pps/dir: sent %8.0f pps/dir, lost %7llu, relay CPU %5.1f %%, "
		       "p99 %7.1f µs%s\n",
		       t.rate, t.achieved, static_cast<unsigned long long>(t.totals.lost),
		       100 * t.measure.relay_cpu_s / t.measure.seconds,
		       static_cast<double>(t.lat_p99) / 1e3,
		       t.generator_limited ? "  (generator-limited)" : "");
	}

	Context& ctx_;
	MediaEngine& e_;
	size_t next_call_ = 0;
	uint8_t epoch_ = 1;
	size_t delete_failures_ = 0;
};

void report_best(Report& r, const Trial& good)
{
	const Measure& m = good.measure;
	double received = static_cast<double>(good.totals.rx.unique);
	r.add("relay_cpu_pct", "relay CPU at max (% of one core)", 100 * m.relay_cpu_s / m.seconds,
	      1);
	r.add("cpu_s_per_mpkt", "relay CPU s per million packets",
	      received > 0 ? m.relay_cpu_s / (received / 1e6) : std::nan(""), 3);
	r.add("lat_p50_us", "latency p50 at max (µs)", static_cast<double>(good.lat_p50) / 1e3, 1);
	r.add("lat_p99_us", "latency p99 at max (µs)", static_cast<double>(good.lat_p99) / 1e3, 1);
}

} // namespace

int run_max_rate(Context& ctx)
{
	const Options& o = ctx.opt;
	Report r("max-rate: highest lossless rate, one call, " + fixed(o.trial, 1) + " s trials");
	r.add("scenario", "", o.label.empty() ? "max_rate" : o.label);
	r.add("srtp", "SRTP on the caller side", o.srtp == "caller" ? o.srtp_suite : "none");

	EngineConfig ec;
	ec.local = ctx.local;
	ec.port_min = static_cast<uint32_t>(o.port_min);
	ec.port_max = static_cast<uint32_t>(o.port_max);
	ec.endpoints = 2;
	ec.payload_len = static_cast<size_t>(o.payload);
	ec.rcvbuf = static_cast<int>(std::max(o.rcvbuf_kb, 8192L) * 1024);
	ec.sndbuf = 8 << 20;
	// Finer ticks than the calls scenario: at high rates a 1 ms tick would send bursts big
	// enough to trip per-wake-up limits in the relay (rtpengine reads 50 packets per loop).
	ec.tick_ns = (o.tick_us_set ? o.tick_us : 200) * 1000;
	ec.max_backlog_ns = 10 * kNsPerMs;
	auto engine = MediaEngine::create(ec);
	if (!engine) {
		fprintf(stderr, "rtpload: %s\n", engine.error().reason.c_str());
		return 1;
	}

	printf("max-rate search (pps per direction; both directions at once; a new call each):\n");
	Search search(ctx, **engine);
	std::optional<Trial> good, bad;
	std::string limited_by = "rate-limit";
	for (double rate = o.start_rate; rate <= o.rate_limit; rate *= 2) {
		Trial t = search.run(rate);
		if (t.setup_failed) {
			limited_by = "setup-error";
			break;
		}
		if (t.lossless)
			good = t; // what was sent got through, even where the generator fell short
		else
			bad = t;
		if (t.generator_limited || !t.lossless)
			break;
	}
	// Between the last lossless rate and the first lossy one, also when the generator fell
	// short at that one: the doubling overshoots by up to 2x, and a relay that loses nothing
	// at 64k and meets a generator that cannot do 128k must not be reported at 64k beside
	// another that was bisected.
	for (long i = 0; bad && good && i < o.bisect; i++) {
		Trial t = search.run(std::round((good->rate + bad->rate) / 2));
		if (t.lossless && !t.generator_limited && !t.setup_failed)
			good = t;
		else
			bad = t;
	}
	// Who ended the search: the first rate that failed, if one did; a lossless rate the
	// generator could not offer in full ends it too.
	const Trial* last = bad ? &*bad : good ? &*good : nullptr;
	if (limited_by != "setup-error" && last) {
		if (last->generator_limited)
			limited_by = "generator";
		else if (bad)
			limited_by = "relay";
	}

	// The rate actually sent in the best lossless trial, not its target.
	double best = good ? good->achieved : 0;
	r.add("max_pps_per_dir", "max lossless pps per direction", best, 0);
	r.add("max_pps_total", "relayed pps at that rate", 2 * best, 0);
	r.add("limited_by", "search stopped by", limited_by);
	r.add("first_lossy_pps", "lowest failed rate tried", bad ? bad->achieved : std::nan(""), 0);
	if (good)
		report_best(r, *good);
	if (bad) {
		r.add("lost_at_first_lossy", "packets lost at lowest failed rate",
		      std::to_string(bad->totals.lost));
		r.add("relay_sock_drops", "of which dropped at relay sockets",
		      std::to_string(bad->measure.relay_drops));
	}
	r.add("delete_errors", "delete errors", std::to_string(search.delete_failures()));
	r.print();
	return limited_by == "setup-error" && !good ? 1 : 0;
}

} // namespace rtpload
